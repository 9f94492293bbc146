"""End to end: messy files of the kinds users bring, every row accounted for."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from mosaic.ingest.headers import ColumnMapping
from mosaic.ingest.pipeline import IngestOptions, ingest_files
from mosaic.resources import sample_path
from mosaic.store.workspace import Workspace

MESSY = (
    "Police force;Subject;Supplier;Date requested;Response received;Result;Sections cited;Link;Cost (£);Notes\r\n"
    "Nottinghamshire Police;facial recognition;Amazon Rekognition;11/06/2024;05/07/2024;"
    "NCND s24(2) & s31(3);;https://foi.example.org/1;;kept\r\n"
    "NOTTS POLICE;Facial recognition (any type);;11/06/2024;Jul 2024;Neither confirm nor deny;"
    "Section 24(2) and 31(3);www.example.org/2;12;\r\n"
    'Kent;live facial recognition;;2024-06-11;2023-02;"Not held (overt); NCND (covert)";'
    "S23(5)/S24(2);javascript:alert(1);;\r\n"
    "Essex Police;;;;2023;Yes;;;;no technology here\r\n"
    ";drones;;;2024;No;;;;no authority here\r\n"
    "Gotham City Police;IMSI catcher;;;31/02/2024;;;;;\r\n"
    'Avon & Somerset Constabulary;Cellebrite;;;5 July 2024;Held - exempt;s.24 (2);;;"multi\nline; quoted"\r\n'
    "Surrey Police;drones;;;2024;Yes;;;;too;many;cells\r\n"
    ";;;;;;;;;\r\n"
)


@pytest.fixture
def messy_file(tmp_path):
    path = tmp_path / "messy responses.csv"
    path.write_bytes(MESSY.encode("cp1252"))
    return path


def test_messy_file_reconciles_and_keeps_every_response(tmp_path, messy_file):
    ws = Workspace(tmp_path / "ws")
    report = ingest_files([messy_file], ws)
    summary = report.as_dict()
    assert report.committed, report.errors
    assert summary["rows_read"] == 8
    assert summary["blank_rows"] == 1
    assert (summary["accepted"], summary["quarantined"], summary["duplicates"]) == (5, 3, 0)
    assert summary["rows_read"] == summary["accepted"] + summary["quarantined"] + summary["duplicates"]

    rows = ws.responses().sort("source_row")
    assert rows.get_column("source_row").to_list() == [2, 3, 4, 7, 8]
    first = rows.row(0, named=True)
    assert first["authority_id"] == "nottinghamshire"
    assert first["technology_id"] == "amazon-rekognition"  # the vendor column names the product
    assert first["outcome"] == "ncnd" and first["stance"] == "ncnd"
    assert first["exemptions"] == ["s24(2)", "s31(3)"]  # read from the outcome text
    assert first["request_date"] == date(2024, 6, 11) and first["response_date"] == date(2024, 7, 5)
    assert first["notes"] == "kept" and first["extra"] == []

    second = rows.row(1, named=True)
    assert second["authority_id"] == "nottinghamshire" and second["technology_id"] == "facial-recognition"
    assert (second["response_date"], second["response_date_precision"]) == (date(2024, 7, 1), "month")
    assert second["source_url"] == "https://www.example.org/2"
    assert second["extra"] == [{"column": "Cost (£)", "value": "12"}]

    kent = rows.row(2, named=True)
    assert kent["outcome"] == "ncnd_partial" and kent["exemptions"] == ["s23(5)", "s24(2)"]
    assert kent["source_url"] is None  # javascript: is never kept as a link

    gotham = rows.row(3, named=True)
    assert gotham["authority_id"].startswith("unresolved:") and gotham["authority_match"] == "unresolved"
    assert gotham["response_date"] is None and gotham["outcome"] == "unknown"

    avon = rows.row(4, named=True)
    assert avon["authority_id"] == "avon-and-somerset" and avon["outcome"] == "withheld" and avon["stance"] == "confirm"
    assert avon["notes"] == "multi\nline; quoted"

    quarantine = ws.read("quarantine").sort("source_row")
    assert quarantine.select("source_file", "source_row", "column").rows() == [
        ("messy responses.csv", 5, "Subject"),
        ("messy responses.csv", 6, "Police force"),
        ("messy responses.csv", 9, None),
    ]
    assert quarantine.get_column("reason").to_list() == [
        "the row names no technology or product",
        "the row names no authority",
        "row has 12 cells but the header has 10",
    ]

    issues = ws.read("issues")
    by_row = {(r["source_row"], r["column"]): r for r in issues.iter_rows(named=True)}
    assert by_row[(4, "Link")]["severity"] == "warning"
    assert by_row[(6 + 1, "Police force")]["issue"] == "unresolved_authority"
    assert by_row[(7, "Response received")]["issue"] == "unparseable_date"
    assert all(r["source_file"] == "messy responses.csv" for r in issues.iter_rows(named=True))


def test_reingest_adds_nothing(tmp_path, messy_file):
    ws = Workspace(tmp_path / "ws")
    ingest_files([messy_file], ws)
    before = (ws.responses().height, ws.read("issues").height, ws.read("quarantine").height)
    again = ingest_files([messy_file], ws).as_dict()
    assert (again["accepted"], again["quarantined"], again["duplicates"]) == (0, 3, 5)
    assert (ws.responses().height, ws.read("issues").height, ws.read("quarantine").height) == before


def test_a_copy_in_the_same_run_counts_as_duplicates(tmp_path, messy_file):
    copy = tmp_path / "copy.csv"
    copy.write_bytes(messy_file.read_bytes())
    report = ingest_files([messy_file, copy], Workspace(tmp_path / "ws"))
    assert [(f.accepted, f.duplicates, f.quarantined) for f in report.files] == [(5, 0, 3), (0, 5, 3)]


def test_set_fills_a_missing_column_and_map_names_an_odd_one(tmp_path):
    path = tmp_path / "wdtk.csv"
    path.write_text(
        "Body,described_state,created_at\nKent Police,rejected,2024-06-11\nEssex Police,not_held,2024-06-11\n"
    )
    ws = Workspace(tmp_path / "ws")
    mapping = ColumnMapping.from_options(["Body=authority"], ["technology=Amazon Rekognition"])
    report = ingest_files([path], ws, mapping)
    assert report.committed and report.total("accepted") == 2
    rows = ws.responses().sort("source_row")
    assert rows.get_column("technology_id").to_list() == ["amazon-rekognition"] * 2
    assert rows.get_column("outcome").to_list() == ["refused", "not_held"]
    assert rows.get_column("request_date").to_list() == [date(2024, 6, 11)] * 2


def test_monthfirst_flips_ambiguous_dates(tmp_path):
    path = tmp_path / "us.csv"
    path.write_text("Force,Technology,Date of response\nKent Police,drones,05/07/2024\n")
    ws = Workspace(tmp_path / "ws")
    ingest_files([path], ws, options=IngestOptions(monthfirst=True))
    assert ws.responses().get_column("response_date").to_list() == [date(2024, 5, 7)]


def test_a_bad_file_stops_the_run_and_leaves_the_workspace_untouched(tmp_path, messy_file):
    ws = Workspace(tmp_path / "ws")
    ingest_files([messy_file], ws)
    manifest = (tmp_path / "ws" / "manifest.json").read_bytes()
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    good = tmp_path / "good.csv"
    good.write_text("Force,Technology\nKent Police,drones\n")
    report = ingest_files([good, empty], ws)
    assert not report.committed
    assert report.errors == ["empty.csv: the file is empty"]
    assert (tmp_path / "ws" / "manifest.json").read_bytes() == manifest


def test_missing_required_column_names_the_file_and_the_fix(tmp_path):
    path = tmp_path / "nocol.csv"
    path.write_text("Force,Outcome\nKent Police,NCND\n")
    report = ingest_files([path], Workspace(tmp_path / "ws"))
    assert not report.committed
    assert report.errors[0].startswith("nocol.csv: no technology column")
    assert "--set technology=VALUE" in report.errors[0]
    assert not (tmp_path / "ws").exists()


def test_unused_map_is_reported(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("Force,Technology\nKent Police,drones\n")
    report = ingest_files([path], Workspace(tmp_path / "ws"), ColumnMapping.from_options(["Typo=notes"]))
    assert report.errors == ["--map: no input file has a column named like 'typo'"]


def test_strict_writes_nothing_when_anything_is_wrong(tmp_path, messy_file):
    ws = Workspace(tmp_path / "ws")
    report = ingest_files([messy_file], ws, options=IngestOptions(strict=True))
    assert not report.committed
    assert report.errors[-1] == "--strict: nothing was written"
    assert any("row 5, column 'Subject': the row names no technology" in e for e in report.errors)
    assert not ws.exists()


def test_xlsx_ingests_like_csv(tmp_path):
    xlsxwriter = pytest.importorskip("xlsxwriter")
    import datetime

    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Responses")
    sheet.write_row(0, 0, ["Force", "Technology", "Date of response", "Outcome", "Notes"])
    sheet.write_row(1, 0, ["Kent Police", "drones"])
    sheet.write_datetime(1, 2, datetime.datetime(2024, 7, 5), book.add_format({"num_format": "dd/mm/yyyy"}))
    sheet.write(1, 3, "NCND")
    sheet.write(1, 4, '=HYPERLINK("x")')
    book.close()
    ws = Workspace(tmp_path / "ws")
    report = ingest_files([path], ws)
    assert report.committed and report.total("accepted") == 1
    row = ws.responses().row(0, named=True)
    assert (row["authority_id"], row["technology_id"], row["response_date"], row["outcome"]) == (
        "kent", "drones", date(2024, 7, 5), "ncnd",
    )  # fmt: skip
    assert row["source_file"] == "book.xlsx" and row["source_row"] == 2


def test_bundled_sample_ingests_cleanly(tmp_path):
    ws = Workspace(tmp_path / "ws")
    report = ingest_files([sample_path("responses.csv")], ws)
    summary = report.as_dict()
    assert report.committed and summary["quarantined"] == 0 and summary["accepted"] == summary["rows_read"] > 300
    rows = ws.responses()
    assert rows.filter(pl.col("authority_match") == "unresolved").height == 0
    assert rows.filter(pl.col("technology_match") == "unresolved").height == 0
    assert set(rows.get_column("stance").unique().to_list()) == {"confirm", "deny", "ncnd", "unknown"}
    assert rows.filter(pl.col("outcome") == "ncnd_partial").height >= 1


def test_a_folder_is_read_as_its_files_and_a_folder_of_nothing_readable_is_one_line(tmp_path):
    # A folder ingests as the files in it mosaic reads (in name order, subfolders too, hidden files
    # skipped); a folder with none is one error line naming it, and nothing is written.
    folder = tmp_path / "wave"
    (folder / "more").mkdir(parents=True)
    (folder / "b.csv").write_text("authority,technology,response_date,outcome\nKent Police,Drones,2024-01-10,NCND\n")
    (folder / "more" / "a.csv").write_text(
        "authority,technology,response_date,outcome\nEssex Police,Drones,2024-01-11,Yes\n"
    )
    (folder / ".hidden.csv").write_text("not,a,file,to,read\n")
    (folder / "notes.docx").write_bytes(b"PK\x03\x04 not read")
    workspace = Workspace(tmp_path / "ws")
    report = ingest_files([folder], workspace)
    assert report.committed and [f.source_file for f in report.files] == ["b.csv", "a.csv"]
    assert report.total("accepted") == 2
    empty = tmp_path / "empty"
    (empty / "sub").mkdir(parents=True)
    (empty / "readme.docx").write_bytes(b"PK")
    other = Workspace(tmp_path / "ws2")
    refused = ingest_files([empty], other)
    assert not refused.committed and not other.exists()
    assert refused.errors == [f"{empty}: the folder holds no file mosaic reads (" + refused.errors[0].split("(", 1)[1]]
    assert len(refused.errors) == 1 and "\n" not in refused.errors[0]
