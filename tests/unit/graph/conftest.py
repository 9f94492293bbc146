"""Literal response frames and the bundled sample, for the graph tests."""

from __future__ import annotations

import datetime as dt
import hashlib

import polars as pl
import pytest

from mosaic.analyses import AnalysisInputs
from mosaic.schema import STANCE_BY_OUTCOME, Outcome, table_schema


def d(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _response(authority: str, technology: str, outcome: str, date: str | None, **fields) -> dict:
    """One response row; ``date`` 'YYYY-MM' gives month precision. ``response_id`` defaults to a hash."""
    precision = "day"
    if date is not None and len(date) == 7:
        date, precision = date + "-01", "month"
    row = {
        "authority_id": authority,
        "authority_name": authority,
        "technology_id": technology,
        "technology_name": technology,
        "outcome": outcome,
        "stance": STANCE_BY_OUTCOME[Outcome(outcome)].value,
        "response_date": d(date),
        "response_date_precision": precision if date else None,
        "exemptions": [],
        "source_type": "foi_response",
        "source_url": f"https://foi.example.org/{authority}/{technology}/{date}",
        "source_file": "test.csv",
    }
    request = fields.pop("request", None)
    if request is not None:
        row["request_date"] = d(request)
        row["request_date_precision"] = "day"
    row.update(fields)
    return row


def frame(rows: list[dict]) -> pl.DataFrame:
    filled = []
    for index, row in enumerate(rows):
        row = dict(row)
        row.setdefault("source_row", index + 2)
        row.setdefault("ingest_id", "test")
        row.setdefault("response_id", hashlib.sha256(f"{index}|{sorted(row.items())}".encode()).hexdigest()[:16])
        filled.append(row)
    return pl.DataFrame(filled, schema=table_schema("responses"))


def inputs_of(rows: list[dict]) -> AnalysisInputs:
    return AnalysisInputs.from_responses(frame(rows))


@pytest.fixture(scope="session")
def sample_inputs(tmp_path_factory) -> AnalysisInputs:
    """The bundled synthetic sample, ingested into a workspace once per test session."""
    from mosaic.ingest.pipeline import ingest_files
    from mosaic.resources import sample_path
    from mosaic.store.workspace import Workspace

    workspace = Workspace(tmp_path_factory.mktemp("graph-sample") / "workspace")
    report = ingest_files([sample_path("responses.csv")], workspace)
    assert report.committed
    return AnalysisInputs.from_workspace(workspace)


@pytest.fixture
def response():
    """response(authority, technology, outcome, date, **fields) -> one row dict."""
    return _response


@pytest.fixture
def inputs():
    """inputs(rows) -> AnalysisInputs over those literal rows and the bundled registers."""
    return inputs_of
