"""The findings table and the order a requester reads findings in."""

from __future__ import annotations

import datetime as dt

import polars as pl

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
