"""The findings table and the order a requester reads findings in."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import polars as pl
import pytest

from mosaic.analyses import FINDING_SCHEMA
from mosaic.present.tables import requester_order


def _finding(**values):
    base = {name: None for name in FINDING_SCHEMA.names()}
    base.update(values)
    return base


def test_requesters_read_the_evidence_against_an_ncnd_first_weighed():
    # Issue 13 item 9: trivial "strong" rows (a map of three answers, a late reply) led the findings page.
    rows = [
        _finding(
            check="timeliness",
            severity="strong",
            summary="late",
            response_date=dt.date(2024, 1, 1),
            metrics={},
            evidence=[],
        ),
        _finding(check="mosaic_exposure", severity="strong", summary="map", metrics={"coverage": 1.0}, evidence=[]),
        _finding(
            check="peer_disclosure",
            severity="notable",
            summary="few",
            response_date=dt.date(2023, 1, 1),
            metrics={"peers_exact": 2, "peers_official_exact": 1},
            evidence=[],
        ),
        _finding(
            check="peer_disclosure",
            severity="strong",
            summary="many",
            response_date=dt.date(2022, 1, 1),
            metrics={"peers_exact": 26, "peers_official_exact": 26},
            evidence=[],
        ),
        _finding(
            check="self_acknowledgment",
            severity="strong",
            summary="own",
            response_date=dt.date(2021, 1, 1),
            metrics={"earlier_exact": 1},
            evidence=[],
        ),
        _finding(
            check="peer_disclosure",
            severity="info",
            summary="none",
            response_date=dt.date(2020, 1, 1),
            metrics={"peers_exact": 0, "peers_official_exact": 0},
            evidence=[],
        ),
    ]
    findings = pl.DataFrame(rows, schema=FINDING_SCHEMA)
    order = requester_order(findings)
    assert findings[order.get_column("row")].get_column("summary").to_list() == [
        "own",
        "many",
        "few",
        "map",
        "late",
        "none",
    ]
    assert order.get_column("why").to_list()[:3] == [
        "the authority's own earlier answer on it",
        "26 official earlier disclosures by others (26 in all)",
        "1 official earlier disclosure by others (2 in all)",
    ]


@pytest.mark.parametrize("source", ["sample", "real answers"])
def test_the_findings_table_of_a_keyed_run_is_written_a_slice_at_a_time_to_the_same_bytes(tmp_path, source):
    """``findings_table_slices`` of a run as stored (findings naming their evidence list; eager, or lazy
    as the cache is read), written by ``write_frames_csv``, is byte for byte the CSV of the whole table
    with every finding's evidence in place, however it is sliced; an empty run still has its header."""
    from mosaic.analyses import AnalysisInputs, CheckParams
    from mosaic.analyses.cache import keyed_checks
    from mosaic.analyses.findings import with_evidence
    from mosaic.analyses.registry import resolve_check_ids
    from mosaic.ingest.pipeline import Registers, ingest_files
    from mosaic.present.tables import findings_table, findings_table_slices
    from mosaic.present.writers import frame_csv, write_frames_csv
    from mosaic.resources import sample_path
    from mosaic.store.workspace import Workspace

    path = sample_path("responses.csv") if source == "sample" else Path(__file__).parents[2] / "realdata/answers.csv"
    target = Workspace(tmp_path / "ws")
    assert ingest_files([path], target, registers=Registers.with_sample() if source == "sample" else None).committed
    keyed, evidence_sets = keyed_checks(
        AnalysisInputs.from_workspace(target), resolve_check_ids(None), params=CheckParams(today=dt.date(2026, 6, 30))
    )
    stored = tmp_path / "run.parquet"
    keyed.write_parquet(stored, row_group_size=50)
    runs = {"eager": keyed, "lazy": pl.scan_parquet(stored), "empty": keyed.clear()}
    for name, run in runs.items():
        whole = findings_table(with_evidence(run.lazy().collect(), evidence_sets))
        assert name == "empty" or whole.get_column("evidence").str.len_chars().max() > 0
        for rows in (37, 100_000):
            stream = io.BytesIO()
            write_frames_csv(findings_table_slices(run, evidence_sets, rows_per_slice=rows), stream)
            assert stream.getvalue() == frame_csv(whole).encode("utf-8"), (name, rows)
