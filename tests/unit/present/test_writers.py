"""One CSV writer with the formula guard, and one findings table, for the CLI and the dashboard alike."""

from __future__ import annotations

import base64
import csv
import io
import subprocess
import sys

import polars as pl

from mosaic.present.writers import frame_csv, neutralise_cell, neutralise_text_columns

HOSTILE = '=HYPERLINK("http://evil.example","x")'


def test_text_that_a_spreadsheet_would_run_is_neutralised_and_numbers_are_not():
    frame = pl.DataFrame(
        {"name": [HOSTILE, "+44 20", "@SUM(A1)", "-3", "Kent Police", None], "count": [-3, 1, 2, 3, 4, 5]}
    )
    safe = neutralise_text_columns(frame)
    assert safe.get_column("name").to_list() == ["'" + HOSTILE, "'+44 20", "'@SUM(A1)", "'-3", "Kent Police", None]
    assert safe.get_column("count").to_list() == [-3, 1, 2, 3, 4, 5]
    assert neutralise_cell("\tcmd") == "'\tcmd" and neutralise_cell("s24(2)") == "s24(2)"
    rows = list(csv.reader(io.StringIO(frame_csv(frame.with_columns(codes=pl.lit(["=1", "s24(2)"]))))))
    assert rows[0] == ["name", "count", "codes"] and rows[1] == ["'" + HOSTILE, "-3", "'=1; s24(2)"]


def test_cli_and_dashboard_write_the_same_findings_table_with_formulas_neutralised(tmp_path):
    # Issue 13 item 12: the dashboard's findings CSV let an authority named =HYPERLINK(...) through as a
    # live formula, and had other columns than the CLI's. Both now come from present.tables + writers.
    from dashboards.data import WorkspaceData
    from dashboards.exports import findings_download
    from mosaic.ingest.pipeline import ingest_files
    from mosaic.store.workspace import Workspace

    source = tmp_path / "answers.csv"
    source.write_text(
        "authority,technology,request_date,response_date,outcome,exemptions\n"
        "Kent Police,Facial recognition,2023-01-02,2023-01-20,disclosed,\n"
        f'"{HOSTILE.replace(chr(34), chr(34) * 2)}",Facial recognition,2023-02-01,2023-03-01,ncnd,s24(2);s31(3)\n',
        encoding="utf-8",
    )
    workspace = Workspace(tmp_path / "ws")
    assert ingest_files([source], workspace).committed
    cli = subprocess.run(
        [sys.executable, "-m", "mosaic.cli", "analyse", "-w", str(workspace.path), "--format", "csv"],
        capture_output=True,
        text=True,
    )
    assert cli.returncode == 0, cli.stderr
    download = findings_download(WorkspaceData(workspace), None)
    dashboard = base64.b64decode(download["content"]).decode("utf-8") if download["base64"] else download["content"]
    for text in (cli.stdout, dashboard):
        cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        assert not any(cell.startswith(("=", "+", "@")) for cell in cells), [c for c in cells if c[:1] in "=+@"]
        assert "'" + HOSTILE in cells  # the NCND's authority name, kept as text
    assert cli.stdout.splitlines()[0] == dashboard.splitlines()[0]
    assert cli.stdout.splitlines()[0].startswith("check,scope,severity,authority_id,authority_name")


def test_the_workbook_writer_keeps_text_as_text_and_numbers_as_numbers():
    # The reports' XLSX goes through the same module as every CSV: a hostile name stays text (apostrophe
    # shown, never a formula), a negative count stays a number, a share keeps its percentage format, and
    # sheet names Excel would refuse are made legal and unique.
    import datetime as dt

    import openpyxl

    from mosaic.present.writers import Sheet, xlsx_workbook

    data = xlsx_workbook(
        [
            Sheet("Findings: a/b", ["name", "count", "share"], [[(HOSTILE, "text"), (-3, "int"), (0.25, "share")]]),
            Sheet("Findings: a/b", ["=cmd"], [[(None, "text")], [(["s24(2)", "s31(3)"], "text")]]),
        ],
        title="t",
        author="mosaic test",
        created=dt.datetime(2024, 1, 1),
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Findings  a b", "Findings  a b (2)"]
    first, second = book.worksheets
    assert first["A2"].value == "'" + HOSTILE and first["A2"].data_type == "s"
    assert first["B2"].value == -3 and first["B2"].data_type == "n"
    assert first["C2"].value == 0.25 and first["C2"].number_format == "0%"
    assert second["A1"].value == "'=cmd" and second["A2"].value is None and second["A3"].value == "s24(2), s31(3)"
