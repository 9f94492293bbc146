"""Tiny literal response frames for the check tests: a row is a dict of the few fields that matter."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from mosaic.analyses import AnalysisInputs, CheckParams, run_checks

from ..rows import d, frame, response  # noqa: F401  (d, frame, response: re-exported for the tests here)

TODAY = dt.date(2026, 1, 1)


@pytest.fixture
def analyse():
    """analyse(rows, check, as_of=None, **params) -> that check's findings."""

    def run(rows: list[dict] | pl.DataFrame, check: str, as_of: dt.date | None = None, **params) -> pl.DataFrame:
        responses = rows if isinstance(rows, pl.DataFrame) else frame(rows)
        inputs = AnalysisInputs.from_responses(responses)
        return run_checks(inputs, [check], as_of=as_of, params=CheckParams(**{"today": TODAY, **params}))

    return run


def metric(findings: pl.DataFrame, name: str, **where) -> object:
    rows = findings
    for column, value in where.items():
        rows = rows.filter(pl.col(column) == value)
    assert rows.height == 1, f"expected one finding for {where}, got {rows.height}"
    return rows.get_column("metrics").struct.field(name).item()


@pytest.fixture(name="response")
def _response_fixture():
    return response


@pytest.fixture(name="frame")
def _frame_fixture():
    return frame


@pytest.fixture(name="metric")
def _metric_fixture():
    return metric
