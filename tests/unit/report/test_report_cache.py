"""Reports read and fill the workspace's findings cache (issue 14): the second report on the same data and
choices runs no check and says the same, byte for byte, as the golden files; an ingest or a damaged cache
file makes the checks run again; the dates, and the undated view, are their own entries."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from mosaic.analyses import AnalysisInputs, CheckParams, all_checks
from mosaic.analyses.cache import FOCUSED_KIND, cached_findings
from mosaic.analyses.registry import CHECKS
from mosaic.ingest.pipeline import ingest_files
from mosaic.report import build_report, render_report
from mosaic.report.common import REPORT_EVIDENCE_LIMIT
from mosaic.store.workspace import Workspace

from .conftest import FIXTURE_CSV, sample_registers

GOLDEN = FIXTURE_CSV.parent
# The golden files' reports (tests/golden/test_report_golden.py), stated with the same fixed hash.
REPORTS = {
    "dossier": {"response_id": "e940a6e4e31f6cdf"},
    "technology": {"technology_id": "cellshade-mini"},
    "authority": {"authority_id": "west-mercia"},
}


@pytest.fixture
def workspace(tmp_path) -> Workspace:
    """The report fixture in a workspace of its own: each test starts with an empty cache."""
    target = Workspace(tmp_path / "ws")
    assert ingest_files([FIXTURE_CSV], target, registers=sample_registers()).committed
    return target


@pytest.fixture
def check_calls(monkeypatch) -> list[str]:
    """Every check that runs, by id, whichever path runs it (the registry is what every run iterates)."""
    calls: list[str] = []
    for check_id, check in all_checks().items():

        def counted(inputs, as_of, params, _run=check.run, _id=check_id):
            calls.append(_id)
            return _run(inputs, as_of, params)

        monkeypatch.setitem(CHECKS, check_id, dataclasses.replace(check, run=counted))
    return calls


def cached_files(workspace: Workspace) -> list[Path]:
    return sorted((workspace.path / "derived").glob(f"{FOCUSED_KIND}*.parquet"))


def report(workspace: Workspace, fmt: str = "json", **choices) -> bytes:
    """A report built with the workspace's findings cache, rendered."""
    model = build_report(
        AnalysisInputs.from_workspace(workspace), workspace_hash="golden-fixture", findings_cache=workspace, **choices
    )
    return render_report(model, fmt)


def uncached(workspace: Workspace, **choices) -> bytes:
    """The same report with every check run, as before reports read the cache."""
    model = build_report(AnalysisInputs.from_workspace(workspace), workspace_hash="golden-fixture", **choices)
    return render_report(model, "json")


@pytest.mark.parametrize("name", list(REPORTS))
def test_a_second_report_runs_no_check_and_both_match_the_golden_files(workspace, check_calls, name):
    first = {fmt: report(workspace, fmt, **REPORTS[name]) for fmt in ("html", "md", "json")}
    assert check_calls, "the first report runs the checks"
    # Each run kept as findings and their evidence lists: a dossier's two (response-level on its answer,
    # map-level), a technology or authority report's three (``ReportContext.capped_findings``: response-level
    # over its scope, map-level, response-level for the answers it shows).
    assert len(cached_files(workspace)) == {"dossier": 4, "technology": 6, "authority": 6}[name]
    check_calls.clear()
    again = {fmt: report(workspace, fmt, **REPORTS[name]) for fmt in ("html", "md", "json")}
    assert check_calls == []
    for fmt in ("html", "md", "json"):
        golden = (GOLDEN / f"{name}.{fmt}").read_bytes()
        assert first[fmt] == golden and again[fmt] == golden, f"{name}.{fmt}"


def test_another_focus_is_another_entry(workspace, check_calls):
    report(workspace, **REPORTS["technology"])
    check_calls.clear()
    report(workspace, technology_id="platewatch-360")
    assert check_calls  # not served another technology's findings
    # Three runs of the first report, two of the second: it shows no response-level finding to list in full.
    assert len(cached_files(workspace)) == 6 + 4


def test_a_report_after_an_ingest_runs_the_checks_again(workspace, check_calls, tmp_path):
    before = report(workspace, **REPORTS["technology"])
    extra = tmp_path / "extra.csv"
    extra.write_text(
        "Force,Technology,Product,Date of response,Outcome\n"
        "Cleveland Police,Covert communications data capture,Cellshade Mini,2022-05-02,Disclosed\n"
    )
    assert ingest_files([extra], workspace, registers=sample_registers()).committed
    assert cached_files(workspace) == []  # an ingest that stores something clears the cache
    check_calls.clear()
    after = report(workspace, **REPORTS["technology"])
    assert check_calls and after != before
    assert after == uncached(workspace, **REPORTS["technology"])


@pytest.mark.parametrize("damage", ["flip", "truncate", "checksum"])
def test_a_damaged_cache_file_is_rebuilt_never_trusted(workspace, check_calls, caplog, damage):
    report(workspace, **REPORTS["dossier"])
    for path in cached_files(workspace):
        data = path.read_bytes()
        if damage == "flip":
            path.write_bytes(data[: len(data) // 2] + bytes([data[len(data) // 2] ^ 0xFF]) + data[len(data) // 2 + 1 :])
        elif damage == "truncate":
            path.write_bytes(data[:100])
        else:  # the data intact, its checksum file not
            path.with_name(path.name.removesuffix(".parquet") + ".sha256.json").write_text("{")
    check_calls.clear()
    rebuilt = report(workspace, **REPORTS["dossier"])
    assert check_calls, "a damaged entry is computed again"
    assert "rebuilding it" in caplog.text
    assert rebuilt == (GOLDEN / "dossier.json").read_bytes()
    check_calls.clear()
    assert report(workspace, **REPORTS["dossier"]) == rebuilt and check_calls == []  # and kept again, sound


def test_as_of_and_the_undated_view_are_their_own_entries(tmp_path, check_calls):
    # An undated NCND's dossier with no --as-of is the data as it stands today (map checks with no as-of,
    # undated answers counted); the same dossier as of a given date is not: neither may be served the other.
    csv = tmp_path / "undated.csv"
    csv.write_text(
        "Force,Technology,Date of response,Outcome\n"
        "West Midlands Police,Drones,,Neither confirm nor deny\n"
        "Avon and Somerset Police,Drones,2020-08-20,Disclosed\n"
        "Cleveland Police,Drones,,Disclosed\n"
        "Kent Police,Drones,2025-06-30,Neither confirm nor deny\n"
    )
    workspace = Workspace(tmp_path / "ws")
    assert ingest_files([csv], workspace).committed
    inputs = AnalysisInputs.from_workspace(workspace)
    undated = inputs.responses.filter(inputs.responses["authority_id"] == "west-midlands").item(0, "response_id")
    today = dt.date.today()
    views = [
        {"response_id": undated},
        {"response_id": undated, "as_of": today},
        {"response_id": undated, "as_of": dt.date(2025, 7, 1)},
        {"technology_id": "drones", "as_of": dt.date(2025, 7, 1)},
    ]
    expected = [uncached(workspace, **view) for view in views]
    assert len(set(expected)) == len(views)
    for attempt in ("cold", "warm"):
        check_calls.clear()
        assert [report(workspace, **view) for view in views] == expected
        assert bool(check_calls) == (attempt == "cold"), attempt


def test_a_whole_run_already_cached_serves_a_report(workspace, check_calls):
    # The technology report's runs over its scope (as of the latest date, all responses: response-level
    # listing one evidence item a finding, map-level at the report's cap) cached as whole runs, as a run of
    # these parameters keeps them: the report runs only the response-level checks, on the answers it shows.
    inputs = AnalysisInputs.from_workspace(workspace)
    cut_off = dt.date(2023, 1, 25)  # the fixture's latest date: the technology report's default as-of
    params = CheckParams(today=cut_off, evidence_limit=REPORT_EVIDENCE_LIMIT)
    response_level = [check_id for check_id, check in all_checks().items() if check.level == "response"]
    map_level = [check_id for check_id, check in all_checks().items() if check.level == "map"]
    cached_findings(workspace, inputs, response_level, params=dataclasses.replace(params, evidence_limit=1))
    cached_findings(workspace, inputs, map_level, as_of=cut_off, params=params)
    check_calls.clear()
    assert report(workspace, **REPORTS["technology"]) == (GOLDEN / "technology.json").read_bytes()
    assert sorted(check_calls) == response_level
    assert len(cached_files(workspace)) == 2  # that one focused run


def test_the_dashboard_report_reads_the_same_cache(workspace, check_calls):
    from dashboards.data import WorkspaceData

    first = render_report(WorkspaceData(workspace).report("cellshade-mini", dt.date(2023, 1, 25), None), "json")
    check_calls.clear()
    again = render_report(WorkspaceData(workspace).report("cellshade-mini", dt.date(2023, 1, 25), None), "json")
    assert check_calls == [] and again == first
    uncached = build_report(
        AnalysisInputs.from_workspace(workspace),
        technology_id="cellshade-mini",
        as_of=dt.date(2023, 1, 25),
        workspace_hash=workspace.content_hash(),
    )
    assert first == render_report(uncached, "json")
