"""A folder of letters and decision notices, ingested end to end and analysed like CSV input."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from mosaic.analyses import AnalysisInputs, CheckParams, run_checks
from mosaic.ingest.headers import ColumnMapping
from mosaic.ingest.pipeline import ingest_files
from mosaic.schema import RESPONSE_COLUMNS
from mosaic.store.workspace import Workspace

_SPEC = importlib.util.spec_from_file_location(
    "document_fixtures_integration", Path(__file__).parents[1] / "unit" / "extract" / "document_fixtures.py"
)
fixtures = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(fixtures)

NATIONAL_FORCES = ["Kent Police", "Essex Police", "Surrey Police", "Sussex Police"]
DEPARTING = (
    "We have decided that the public interest is served by silence, because revealing our tools would help criminals."
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The fixture documents plus NCND letters on Amazon Rekognition from four forces with the national
    harm statement and one (Cumbria) with its own wording."""
    root = tmp_path_factory.mktemp("letters")
    fixtures.write_documents(root)
    for index, force in enumerate(NATIONAL_FORCES):
        text = fixtures.harm_letter(force, f"FOI-{100 + index}", f"{index + 2} July 2024", fixtures.HARM_NATIONAL)
        (root / f"{force.split()[0].lower()}.txt").write_text(text, encoding="utf-8")
    (root / "cumbria.txt").write_text(
        fixtures.harm_letter("Cumbria Constabulary", "FOI-9", "9 July 2024", DEPARTING), encoding="utf-8"
    )
    return root


@pytest.fixture(scope="module")
def workspace(folder, tmp_path_factory) -> Workspace:
    target = Workspace(tmp_path_factory.mktemp("ws") / "workspace")
    report = ingest_files(sorted(folder.iterdir()), target)
    assert report.committed, report.errors
    return target


def by_file(workspace: Workspace) -> dict[str, dict]:
    return {row["source_file"]: row for row in workspace.responses().iter_rows(named=True)}


def extras(row: dict) -> dict[str, str]:
    return {pair["column"]: pair["value"] for pair in row["extra"]}


def test_every_document_becomes_one_response(workspace, folder):
    responses = workspace.responses()
    assert responses.height == len(list(folder.iterdir())) == 12
    assert responses.columns == list(RESPONSE_COLUMNS)
    assert workspace.read("quarantine").height == 0
    assert responses.get_column("source_row").unique().to_list() == [1]


def test_outcomes_exemptions_and_dates(workspace):
    rows = by_file(workspace)
    got = {
        name: (
            r["authority_id"],
            r["technology_id"],
            r["outcome"],
            r["stance"],
            r["exemptions"],
            r["request_date"],
            r["response_date"],
        )
        for name, r in rows.items()
        if name in {"ncnd_letter.txt", "split_page.html", "not_held_letter.md", "lincolnshire.eml"}
    }
    assert got == {
        "ncnd_letter.txt": (
            "nottinghamshire",
            "amazon-rekognition",
            "ncnd",
            "ncnd",
            ["s23(5)", "s24(2)", "s31(3)"],
            dt.date(2024, 6, 11),
            dt.date(2024, 7, 5),
        ),
        "split_page.html": (
            "leicestershire",
            "live-facial-recognition",
            "ncnd_partial",
            "ncnd",
            ["s24(2)", "s31(3)"],
            dt.date(2024, 8, 2),
            dt.date(2024, 9, 3),
        ),
        "not_held_letter.md": (
            "derbyshire",
            "clearview-ai",
            "not_held",
            "deny",
            [],
            dt.date(2024, 10, 21),
            dt.date(2024, 11, 18),
        ),
        "lincolnshire.eml": (
            "lincolnshire",
            "drones",
            "disclosed",
            "confirm",
            [],
            dt.date(2024, 6, 14),
            dt.date(2024, 7, 12),
        ),
    }
    assert rows["ncnd_letter.txt"]["request_id"] == "FOI 004512/24"
    assert rows["ncnd_letter.txt"]["harm_statement"] == fixtures.HARM_NATIONAL
    assert rows["ncnd_letter.txt"]["public_interest_statement"] == fixtures.PUBLIC_INTEREST_NATIONAL
    assert rows["not_held_letter.md"]["harm_statement"] is None
    assert extras(rows["ncnd_letter.txt"])["document_kind"] == "response_letter"


def test_regulator_fields_of_the_decision_notices(workspace):
    rows = by_file(workspace)
    regulator = {
        name: (
            r["authority_id"], r["outcome"], r["exemptions"], r["request_date"], r["response_date"], r["review_date"],
            r["review_outcome"].split(":")[0], r["regulator_reference"], r["decision_date"], r["decision_outcome"],
        )
        for name, r in rows.items()
        if name in {"ico_notice.pdf", "ico_steps.txt", "scottish_notice.txt"}
    }  # fmt: skip
    assert regulator == {
        "ico_notice.pdf": (
            "nottinghamshire", "ncnd", ["s24(2)", "s31(3)"], dt.date(2024, 6, 11), dt.date(2024, 7, 5), dt.date(2024, 7, 11),
            "maintained", "IC-312345-A1B2", dt.date(2024, 11, 18), "answer_upheld",
        ),
        "ico_steps.txt": (
            "south-yorkshire", "ncnd", ["s24(2)", "s31(3)"], dt.date(2024, 9, 2), dt.date(2024, 9, 30), dt.date(2024, 10, 29),
            "maintained", "IC-334455-Z9Y8", dt.date(2025, 3, 14), "answer_not_upheld",
        ),
        "scottish_notice.txt": (
            "police-scotland", "ncnd", ["foisa_s18", "foisa_s31", "foisa_s35"], dt.date(2024, 6, 3), dt.date(2024, 6, 28),
            dt.date(2024, 7, 29), "maintained", "Decision 187/2024", dt.date(2024, 12, 9), "answer_upheld",
        ),
    }  # fmt: skip
    pdf = extras(rows["ico_notice.pdf"])
    assert {k: pdf[k] for k in ("document_kind", "complaint_date", "regulator_upheld", "regulator_not_considered")} == {
        "document_kind": "ico_decision_notice",
        "complaint_date": "16 July 2024",
        "regulator_upheld": "s24(2)",
        "regulator_not_considered": "s31(3)",
    }
    assert pdf["provenance"].startswith(
        "regulator_reference p.1 \u00b61; decision_date p.1 \u00b64; authority p.1 \u00b65"
    )
    steps = extras(rows["ico_steps.txt"])
    assert steps["regulator_step_days"] == "35"
    assert steps["regulator_not_upheld"] == "s24(2), s31(3)"
    assert steps["regulator_steps"].startswith("Confirm or deny whether it holds the requested information")


def test_checks_run_on_documents_like_on_csv(workspace):
    inputs = AnalysisInputs.from_workspace(workspace)
    findings = run_checks(inputs, params=CheckParams(today=dt.date(2026, 1, 1)))
    checks = set(findings.get_column("check"))
    assert "boilerplate" in checks
    departures = findings.filter((pl.col("check") == "boilerplate") & (pl.col("scope") == "response"))
    assert departures.get_column("authority_id").to_list() == ["cumbria"]
    line = findings.filter(
        (pl.col("check") == "boilerplate")
        & (pl.col("scope") == "technology")
        & pl.col("summary").str.starts_with("Harm")
    )
    # Nottinghamshire's letter carries the national wording too: 5 of the 6 Rekognition letters.
    assert line.filter(pl.col("technology_id") == "amazon-rekognition").get_column("metrics").struct.field(
        "largest_cluster_size"
    ).to_list() == [5]
    # The regulator outcomes on Rekognition are visible to the exemption check as for CSV input.
    assert "exemption_consistency" in checks


def test_reingesting_the_folder_adds_nothing(workspace, folder):
    again = ingest_files(sorted(folder.iterdir()), workspace)
    assert again.committed
    assert (again.total("accepted"), again.total("duplicates")) == (0, 12)


def test_an_uncertain_authority_is_null_with_an_issue_row_and_set_fills_it(tmp_path):
    letter = tmp_path / "joint.txt"
    letter.write_text(
        "Kent Police and Essex Police\nJoint Information Management Unit\n\nDate: 4 March 2024\n\n"
        "Your request received on 1 February 2024 asked whether the force uses drones.\n\n"
        "The force does not hold any information about drones.\n",
        encoding="utf-8",
    )
    ws = Workspace(tmp_path / "ws")
    report = ingest_files([letter], ws)
    assert (report.total("accepted"), report.total("quarantined")) == (0, 1)
    quarantined = ws.read("quarantine")
    assert quarantined.item(0, "reason") == "the row names no authority"
    raw = json.loads(quarantined.item(0, "raw"))
    assert (
        raw["extraction_notes"]
        == "authority: several authorities are named about equally often (Kent Police, Essex Police)"
    )
    assert (raw["authority"], raw["technology"], raw["response_date"]) == (None, "Drones", "4 March 2024")

    report = ingest_files([letter], ws, ColumnMapping.from_options(sets=["authority=Kent Police"]))
    assert report.total("accepted") == 1
    assert ws.responses().item(0, "authority_id") == "kent"
    issue = ws.read("issues").filter(pl.col("issue") == "low_confidence_field")
    assert issue.select("column", "value", "severity").row(0) == ("authority", "Kent Police", "warning")
    assert "several authorities are named about equally often (Kent Police, Essex Police)" in issue.item(0, "message")


def test_a_value_set_by_the_user_replaces_the_extracted_one_and_says_so(tmp_path, folder):
    """For a document, ``--set`` is the user's explicit correction: it wins over what the extractor read
    (for a CSV it only fills blanks), and an issue row and the provenance say what was replaced."""
    ws = Workspace(tmp_path / "ws")
    notice = folder / "ico_steps.txt"  # the extractor reads "Cellebrite UFED"
    report = ingest_files([notice], ws, ColumnMapping.from_options(sets=["technology=Cellebrite UFED 4PC"]))
    assert report.committed, report.errors
    row = ws.responses().row(0, named=True)
    assert (row["technology_name"], row["technology_id"]) == ("Cellebrite UFED 4PC", "cellebrite-ufed-4pc")
    issue = ws.read("issues").filter(pl.col("issue") == "extracted_value_replaced")
    assert issue.select("column", "value", "severity").row(0) == ("technology", "Cellebrite UFED", "info")
    assert issue.item(0, "response_id") == row["response_id"]
    assert "Cellebrite UFED" in issue.item(0, "message") and "Cellebrite UFED 4PC" in issue.item(0, "message")
    assert "technology --set (replaced extracted 'Cellebrite UFED' \u00b614)" in extras(row)["provenance"]


def test_a_set_value_equal_to_the_extracted_one_raises_no_issue(tmp_path, folder):
    ws = Workspace(tmp_path / "ws")
    report = ingest_files(
        [folder / "ico_steps.txt"], ws, ColumnMapping.from_options(sets=["technology=Cellebrite UFED"])
    )
    assert report.committed, report.errors
    assert ws.read("issues").filter(pl.col("issue") == "extracted_value_replaced").height == 0
    assert ws.responses().item(0, "technology_id") == "cellebrite-ufed"


def test_set_still_only_fills_blanks_in_a_csv(tmp_path):
    csv_file = tmp_path / "rows.csv"
    csv_file.write_text("Force,Technology,Outcome\nKent Police,drones,NCND\nEssex Police,,NCND\n", encoding="utf-8")
    ws = Workspace(tmp_path / "ws")
    assert ingest_files([csv_file], ws, ColumnMapping.from_options(sets=["technology=Amazon Rekognition"])).committed
    got = dict(ws.responses().select("authority_id", "technology_id").iter_rows())
    assert got == {"kent": "drones", "essex": "amazon-rekognition"}
    assert ws.read("issues").filter(pl.col("issue") == "extracted_value_replaced").height == 0


def test_workspace_written_before_the_statement_columns_still_reads(tmp_path, workspace):
    """Older parts lack harm_statement/public_interest_statement: they read as null."""
    old = Workspace(tmp_path / "old")
    csv_file = tmp_path / "old.csv"
    csv_file.write_text("Force,Technology,Outcome\nKent Police,drones,NCND\n", encoding="utf-8")
    assert ingest_files([csv_file], old).committed
    part = next((old.path / "parts").glob("*.responses.parquet"))
    pl.read_parquet(part).drop("harm_statement", "public_interest_statement").write_parquet(part)
    _reseal_as_written_then(old.path)
    letter = tmp_path / "ncnd.txt"
    letter.write_text(fixtures.NCND_LETTER, encoding="utf-8")
    assert ingest_files([letter], old).committed
    responses = old.responses().sort("source_file")
    assert responses.get_column("source_file").to_list() == ["ncnd.txt", "old.csv"]
    assert responses.get_column("harm_statement").to_list() == [fixtures.HARM_NATIONAL, None]


def _reseal_as_written_then(folder) -> None:
    """The part above was rewritten to look like one from an older version: give the manifest the checksums
    an older version recorded (one digest per ingest, no per-part checksums), so reads verify it as such."""
    import hashlib
    import json

    manifest = json.loads((folder / "manifest.json").read_text())
    for ingest in manifest["ingests"]:
        ingest.pop("checksums", None)
        ingest["digest"] = hashlib.sha256(
            b"".join((folder / p).read_bytes() for p in ingest["parts"].values())
        ).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest))


def mosaic(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, "-m", "mosaic.cli", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_cli_extract_json_csv_and_table(folder):
    pdf = str(folder / "ico_notice.pdf")
    result = mosaic("extract", pdf, str(folder / "not_held_letter.md"), "--format", "json")
    assert result.returncode == 0, result.stderr
    described = json.loads(result.stdout)
    assert [d["kind"] for d in described] == ["ico_decision_notice", "response_letter"]
    assert described[0]["fields"]["decision_outcome"] == {
        "value": "answer_upheld", "seen": None, "confidence": 0.9, "level": "high", "where": "p.1 \u00b68", "note": None, "normalised": None,
    }  # fmt: skip
    assert described[0]["fields"]["decision_date"]["normalised"] == "2024-11-18"

    result = mosaic("extract", pdf, "--format", "csv")
    assert result.returncode == 0, result.stderr
    row = next(csv.DictReader(io.StringIO(result.stdout)))
    assert (row["source_file"], row["authority"], row["decision_outcome"], row["response_date"]) == (
        "ico_notice.pdf", "Nottinghamshire Police", "answer_upheld", "5 July 2024",
    )  # fmt: skip

    result = mosaic("extract", pdf)
    assert result.returncode == 0, result.stderr
    assert "ico_notice.pdf (ico decision notice)" in result.stdout
    assert "IC-312345-A1B2" in result.stdout


def test_cli_extract_reports_an_unreadable_file_in_one_line_and_goes_on(folder, tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4")
    result = mosaic("extract", str(broken), str(folder / "ncnd_letter.txt"), "--format", "json")
    assert result.returncode == 1
    assert [d["file"] for d in json.loads(result.stdout)] == ["ncnd_letter.txt"]
    assert result.stderr.strip().splitlines() == [
        "mosaic: error: broken.pdf: cannot be read as a PDF (Stream has ended unexpectedly)"
    ]


def test_cli_ingest_accepts_documents(folder, tmp_path):
    result = mosaic(
        "ingest", str(folder / "ico_notice.pdf"), str(folder / "split_page.html"), "-w", str(tmp_path / "ws"), "--json"
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["accepted"], summary["quarantined"], summary["issues"]) == (2, 0, 0)
