"""WhatDoTheyKnow request JSON, lists, feeds and correspondence ZIPs ingested end to end (and via the CLI)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mosaic.ingest.headers import ColumnMapping
from mosaic.ingest.pipeline import ingest_files
from mosaic.store.workspace import Workspace

_SPEC = importlib.util.spec_from_file_location(
    "alaveteli_fixtures_integration", Path(__file__).parents[1] / "unit" / "ingest" / "alaveteli_fixtures.py"
)
fx = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(fx)


def mosaic(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, "-m", "mosaic.cli", *args], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.fixture
def inputs(tmp_path) -> list[Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    return [
        fx.write_json(folder / "req.json", fx.kent_request()),
        fx.write_json(folder / "batch.json", fx.batch_list()),
        fx.write_json(folder / "feed.json", fx.feed()),
        fx.correspondence_zip(folder / "use_of_facial_recognition_techn_6.zip"),
    ]


def test_every_request_accounted_for_with_dates_outcomes_authorities(tmp_path, inputs):
    workspace = Workspace(tmp_path / "ws")
    report = ingest_files(inputs, workspace)
    assert report.committed, report.errors
    totals = report.as_dict()
    assert totals["rows_read"] == 1 + 5 + 2 + 1
    assert totals["rows_read"] == totals["accepted"] + totals["quarantined"] + totals["duplicates"]
    assert (totals["accepted"], totals["quarantined"], totals["duplicates"]) == (5, 3, 1)  # Kent twice in JSON
    got = {
        (r["source_file"], r["source_row"]): (
            r["authority_id"],
            r["technology_id"],
            r["request_date"],
            r["response_date"],
            r["outcome"],
            r["stance"],
        )
        for r in workspace.responses().iter_rows(named=True)
    }
    d = dt.date
    assert got == {
        ("req.json", 1): ("kent", "facial-recognition", d(2024, 6, 11), d(2024, 7, 5), "not_held", "deny"),
        ("batch.json", 2): ("police-scotland", "facial-recognition", None, d(2024, 7, 9), "refused", "unknown"),
        ("batch.json", 3): (
            "metropolitan",
            "facial-recognition",
            d(2024, 6, 12),
            d(2024, 7, 1),
            "disclosed",
            "confirm",
        ),
        ("feed.json", 1): ("essex", "facial-recognition", d(2024, 6, 11), d(2024, 7, 8), "ncnd", "ncnd"),
        ("use_of_facial_recognition_techn_6.zip", 1): (
            "kent",
            "amazon-rekognition",
            d(2024, 6, 11),
            d(2024, 7, 5),
            "ncnd",
            "ncnd",
        ),
    }
    assert {r["request_id"] for r in workspace.responses().iter_rows(named=True)} == {
        "wdtk:use-of-facial-recognition-technology"
    }
    quarantine = {
        (r["source_file"], r["source_row"], r["column"]) for r in workspace.read("quarantine").iter_rows(named=True)
    }
    assert quarantine == {("batch.json", 4, None), ("batch.json", 5, "authority"), ("feed.json", 3, "technology")}
    issues = {
        (r["source_file"], r["source_row"], r["column"], r["issue"])
        for r in workspace.read("issues").iter_rows(named=True)
    }
    assert ("batch.json", 2, "request_date", "unparseable_date") in issues
    assert ("batch.json", 2, "outcome", "platform_state_ambiguous") in issues

    again = ingest_files(inputs, workspace)
    assert again.committed and again.as_dict()["accepted"] == 0
    assert workspace.responses().height == 5


def test_set_technology_fills_a_title_naming_none(tmp_path):
    path = fx.write_json(tmp_path / "feed.json", fx.feed())
    report = ingest_files(
        [path], Workspace(tmp_path / "ws"), ColumnMapping.from_options(sets=["technology=Body worn video"])
    )
    assert report.committed and report.as_dict()["quarantined"] == 0


def test_cli_ingests_a_request_json(tmp_path):
    path = fx.write_json(tmp_path / "req.json", fx.kent_request())
    result = mosaic("ingest", str(path), "-w", str(tmp_path / "ws"), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["rows_read"], summary["accepted"], summary["committed"]) == (1, 1, True)
    again = json.loads(mosaic("ingest", str(path), "-w", str(tmp_path / "ws"), "--json").stdout)
    assert (again["accepted"], again["duplicates"]) == (0, 1)


def test_cli_malformed_json_is_one_line_and_writes_nothing(tmp_path):
    path = tmp_path / "req.json"
    path.write_text('{"url_title": "x", "title": ', encoding="utf-8")
    result = mosaic("ingest", str(path), "-w", str(tmp_path / "ws"))
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == ["mosaic: error: req.json: malformed JSON at line 1 column 29 (Expecting value)"]
    assert not (tmp_path / "ws" / "manifest.json").exists()
