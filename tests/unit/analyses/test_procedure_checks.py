"""exemption_consistency, ncnd_limb and timeliness on tiny literal frames, numbers by hand."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

P = "clearsight-match"
AS_OF = dt.date(2026, 1, 1)


def test_exemption_consistency_modal_set_and_jaccard(analyse, response, metric):
    rows = [
        response("kent", P, "ncnd", "2023-01-01", exemptions=["s24(2)", "s31(3)"]),
        response("essex", P, "ncnd", "2023-01-02", exemptions=["s31(3)", "s24(2)"]),
        response("sussex", P, "ncnd", "2023-01-03", exemptions=["s23(5)", "s24(2)"]),
        response("surrey", P, "ncnd", "2022-01-03", exemptions=["s30(3)"]),
        response("surrey", P, "ncnd", "2023-01-04", exemptions=["s24(2)", "s31(3)"]),  # latest counts
        response("dorset", P, "ncnd", "2023-01-05", exemptions=["s40(5)"], decision_outcome="NCND upheld", decision_date=dt.date(2024, 1, 1)),
        response("wiltshire", P, "ncnd", "2023-01-05", exemptions=["s24(2)", "s31(3)"], decision_outcome="Confirm or deny within 35 days", decision_date=dt.date(2024, 2, 1)),
    ]
    findings = analyse(rows, "exemption_consistency", as_of=AS_OF)
    tech = findings.filter(pl.col("scope") == "technology")
    # latest NCND per authority: 6 authorities; modal {s24(2), s31(3)}: kent, essex, surrey, wiltshire = 4
    assert metric(tech, "ncnd_count") == 6
    assert metric(tech, "modal_set_count") == 4
    assert metric(tech, "distinct_sets") == 3
    assert metric(tech, "regulator_outcomes") == 2
    assert tech.get_column("severity").item() == "notable"
    deviations = findings.filter(pl.col("scope") == "response")
    assert sorted(deviations.get_column("authority_id").to_list()) == ["dorset", "sussex"]
    # sussex {s23(5), s24(2)} vs {s24(2), s31(3)}: 1 - 1/3; dorset {s40(5)}: 1 - 0/3 = 1
    assert metric(deviations, "jaccard_distance", authority_id="sussex") == pytest.approx(2 / 3)
    assert metric(deviations, "jaccard_distance", authority_id="dorset") == pytest.approx(1.0)


def test_ncnd_limb_flags_disclosure_limbs_and_s21(analyse, response):
    rows = [
        response("kent", P, "ncnd", "2023-01-01", exemptions=["s24(2)", "s31(3)"]),  # fine
        response("sussex", P, "ncnd", "2023-01-01", exemptions=["s31(1)"]),  # disclosure limb only
        response("surrey", P, "ncnd", "2023-01-01", exemptions=["s21", "s24(2)"]),  # cites s21
        response("essex", P, "ncnd_partial", "2023-01-01", exemptions=["foisa_s18"]),  # fine
        response("dorset", P, "ncnd", "2023-01-01"),  # nothing recorded
        response("wiltshire", P, "not_held", "2023-01-01", exemptions=["s31(1)"]),  # not an NCND
    ]
    findings = analyse(rows, "ncnd_limb")
    flagged = dict(findings.select("authority_id", "severity").iter_rows())
    assert flagged == {"sussex": "notable", "surrey": "notable", "dorset": "info"}
    summary = dict(findings.select("authority_id", "summary").iter_rows())
    assert "cites only s31(1)" in summary["sussex"]
    assert "s21 has no" in summary["surrey"]


def test_timeliness_counts_working_days_without_bank_holidays(analyse, response, metric):
    # Request Monday 25 March 2024. England: Good Friday 29 March and Easter Monday 1 April are bank
    # holidays, so the 20th working day is Wednesday 24 April. Scotland keeps Easter Monday as a
    # working day, so its 20th working day is Tuesday 23 April.
    rows = [
        response("kent", P, "not_held", "2024-04-24", request="2024-03-25"),  # 20: on time
        response("essex", P, "not_held", "2024-04-25", request="2024-03-25"),  # 21: one day late
        response("police-scotland", P, "not_held", "2024-04-24", request="2024-03-25"),  # 21 in Scotland
        response("sussex", P, "no_response", None, request="2025-10-01"),  # never answered
        response("surrey", P, "not_held", "2024-06", request="2024-03-25"),  # month precision: not timed
    ]
    findings = analyse(rows, "timeliness", as_of=AS_OF)
    assert sorted(findings.get_column("authority_id").to_list()) == ["essex", "police-scotland", "sussex"]
    assert metric(findings, "working_days", authority_id="essex") == 21
    assert metric(findings, "days_late", authority_id="essex") == 1
    assert metric(findings, "working_days", authority_id="police-scotland") == 21
    assert findings.filter(pl.col("authority_id") == "sussex").get_column("severity").item() == "strong"
    assert "had not answered" in findings.filter(pl.col("authority_id") == "sussex").get_column("summary").item()
