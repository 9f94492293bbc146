"""Reports at scale say what they said before (issue 14).

A report now reads only the columns the checks read, and the display columns (request id, notes,
provenance) for the answers it shows (``AnalysisInputs.with_details``); a technology or authority report
runs its response-level checks listing one evidence item a finding, then again for the findings it shows
at the report's cap (``ReportContext.capped_findings``); a dossier runs them on its own answer only. Each
is tested here against the report as it was made before, from every column and one run at the full cap,
on the bundled sample and on the real published answers (tests/realdata), for every technology and a
dozen authorities and NCND answers, spread across them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from mosaic.analyses import AnalysisInputs, all_checks, run_checks
from mosaic.ingest.pipeline import ColumnMapping, ingest_files
from mosaic.report import build_report, render_report
from mosaic.report.common import ReportContext, cap_findings
from mosaic.resources import sample_path
from mosaic.store.workspace import Workspace

REAL_ANSWERS = Path(__file__).resolve().parents[2] / "realdata" / "answers.csv"
# answers.csv carries the hand-checked expectations beside the answers: kept as extra cells, as its test does.
REAL_EXPECTED = ("expected_outcome", "expected_stance", "expected_exemptions", "expected_response_date", "why")


@pytest.fixture(scope="module", params=["sample", "real answers"])
def workspace(request, tmp_path_factory) -> Workspace:
    target = Workspace(tmp_path_factory.mktemp("scale") / "ws")
    if request.param == "sample":
        report = ingest_files([sample_path("responses.csv")], target)
    else:
        mapping = ColumnMapping.from_options([f"{column}=extra" for column in REAL_EXPECTED])
        report = ingest_files([REAL_ANSWERS], target, mapping)
    assert report.committed, report.errors
    return target


def one_run_at_the_full_cap(inputs: AnalysisInputs, as_of: dt.date) -> pl.DataFrame:
    """Every check's findings as a technology or authority report made them before: one run per level at
    the report's evidence cap (response-level as of each answer's date, map-level as of ``as_of``)."""
    params = ReportContext(inputs, None, None, None).report_params(as_of)
    checks = all_checks()
    return pl.concat(
        run_checks(inputs, [c for c, check in checks.items() if check.level == level], as_of=level_as_of, params=params)
        for level, level_as_of in (("response", None), ("map", as_of))
    )


def test_a_report_from_the_checks_columns_says_what_one_from_every_column_says(workspace):
    narrow, full = AnalysisInputs.for_checks(workspace), AnalysisInputs.from_workspace(workspace)
    assert "notes" not in narrow.responses.columns and "notes" in full.responses.columns
    cut_off = ReportContext(full, None, None, None).latest_date()
    before = one_run_at_the_full_cap(full, cut_off)
    subjects = [{"technology_id": t} for t in full.events.get_column("technology_id").drop_nulls().unique().sort()]
    authorities = full.events.get_column("authority_id").drop_nulls().unique().sort()
    subjects += [{"authority_id": a} for a in authorities.gather_every(max(1, authorities.len() // 12))]
    ncnds = full.events.filter(pl.col("is_ncnd")).get_column("response_id").sort()
    subjects += [{"response_id": r} for r in ncnds.gather_every(max(1, ncnds.len() // 12))]  # a dozen, spread
    assert len(subjects) > 20
    for subject in subjects:
        now = render_report(build_report(narrow, workspace_hash="x", **subject), "json")
        # Before: every column read, and (but for dossiers, which ran their own) the findings of one run.
        given = None if "response_id" in subject else before
        was = render_report(build_report(full, workspace_hash="x", findings=given, **subject), "json")
        assert now == was, subject


def test_findings_shown_carry_their_evidence_in_full_whatever_the_cap(workspace):
    # With a cap that bites: the findings shown, their evidence and each check's total are those of one
    # run at the full cap, capped; the listing of every finding carries fewer evidence items.
    inputs = AnalysisInputs.for_checks(workspace)
    context = ReportContext(inputs, None, None, None)
    cut_off = context.latest_date()
    before = context.findings(
        one_run_at_the_full_cap(inputs, cut_off), as_of=cut_off, response_as_of=None, technology_ids=None,
        authority_ids=None, params=None,
    )  # fmt: skip
    response_level = [c for c, check in all_checks().items() if check.level == "response"]
    listed_in_full = 0
    for limit in (1, 3):
        expected, expected_totals = cap_findings(context, before, limit)
        every, shown, totals = context.capped_findings(
            None, as_of=cut_off, technology_ids=None, authority_ids=None, params=None, limit=limit
        )
        assert totals == expected_totals and every.height == before.height
        assert shown.to_dicts() == expected.to_dicts()
        listed = [
            frame.filter(pl.col("check").is_in(response_level)).get_column("evidence").list.len().sum()
            for frame in (every, before)
        ]
        assert listed[0] < listed[1], "the listing of every finding is brief"
        listed_in_full += shown.filter(pl.col("evidence").list.len() > 1).height
    assert listed_in_full, "some finding shown has more than one evidence item, so the second run is tested"
