"""mosaic_exposure, ncnd_tell, series and selective checks on tiny literal frames, numbers by hand."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest

from mosaic.analyses.exposure import fisher_exact_p, haldane_odds_ratio

P, P2 = "clearsight-match", "facewise-cloud"  # both under facial-recognition (live / retrospective)
AS_OF = dt.date(2024, 1, 1)


def exposure_rows(response):
    return [
        response("kent", P, "ncnd", "2023-03-10"),
        response("metropolitan", P, "disclosed", "2020-01-01"),
        response("surrey", P, "disclosed", "2020-01-01"),
        response("surrey", P, "ncnd", "2023-01-01"),  # a later NCND does not erase the public answer
        response("sussex", P, "not_held", "2021-01-01"),
        response("essex", P, "not_held", "2021-06-01"),
        response("hampshire", P, "disclosed", "2024-06-01", request="2024-05-01"),  # asked after as-of
    ]


def test_mosaic_exposure_technology_numbers(analyse, response, metric):
    findings = analyse(exposure_rows(response), "mosaic_exposure", as_of=AS_OF)
    tech = findings.filter(pl.col("scope") == "technology")
    # universe: kent, metropolitan, surrey, sussex, essex = 5; disclosed: all but kent = 4
    assert metric(tech, "asked") == 5
    assert metric(tech, "disclosed") == 4
    assert (metric(tech, "confirms"), metric(tech, "denies")) == (2, 2)
    assert metric(tech, "coverage") == pytest.approx(4 / 5)
    # base rate = (2 + 1) / (2 + 2 + 2) = 0.5
    assert metric(tech, "base_rate") == pytest.approx(0.5)
    # oldest public answer still counted: 2020-01-01 -> 2024-01-01 = 1461 days
    assert metric(tech, "oldest_disclosure_days") == 1461
    assert tech.get_column("severity").item() == "strong"  # coverage 80% >= 75%
    assert "80% of the map for ClearSight Match was public" in tech.get_column("summary").item()


def test_mosaic_exposure_neighbour_prediction(analyse, response, metric):
    findings = analyse(exposure_rows(response), "mosaic_exposure", as_of=AS_OF)
    kent = findings.filter((pl.col("scope") == "authority") & (pl.col("authority_id") == "kent"))
    # Kent's land neighbours: metropolitan (confirm), surrey (confirm), sussex (deny): 3 disclosed, 2 confirm.
    assert metric(kent, "disclosed_neighbours") == 3
    assert metric(kent, "confirming_neighbours") == 2
    # p = (2 + k * base) / (3 + k) = (2 + 2 * 0.5) / 5 = 0.6
    p = metric(kent, "predicted_use_probability")
    assert p == pytest.approx(0.6)
    assert metric(kent, "predictability") == pytest.approx(0.6)
    entropy = -(0.6 * math.log2(0.6) + 0.4 * math.log2(0.4))  # 0.971 bits
    assert metric(kent, "marginal_bits") == pytest.approx(entropy)
    assert {e["authority_id"] for e in kent.get_column("evidence").item()} == {"metropolitan", "surrey", "sussex"}


def test_mosaic_exposure_without_disclosed_neighbours_uses_base_rate(analyse, response, metric):
    rows = [response("kent", P, "ncnd", "2023-03-10"), response("essex", P, "disclosed", "2021-01-01")]
    findings = analyse(rows, "mosaic_exposure", as_of=AS_OF)
    kent = findings.filter(pl.col("scope") == "authority")
    # base = (1 + 1) / (1 + 0 + 2) = 2/3; no disclosed neighbours: p = base
    assert metric(kent, "predicted_use_probability") == pytest.approx(2 / 3)


def test_mosaic_exposure_region_coverage(analyse, response, metric):
    findings = analyse(exposure_rows(response), "mosaic_exposure", as_of=AS_OF)
    regions = findings.filter(pl.col("scope") == "region")
    # South East: kent, surrey, sussex asked; surrey and sussex public -> 2 of 3.
    assert metric(regions, "disclosed", region="South East") == 2
    assert metric(regions, "asked", region="South East") == 3


def test_fisher_and_haldane_against_hand_values():
    # Table [[3, 1], [1, 3]]: hypergeometric with margins 4/4, total 8, C(8,4) = 70.
    # P(a=3) = C(4,3) C(4,1) / 70 = 16/70; tables as or less likely: a = 0, 1, 3, 4 -> (1 + 16 + 16 + 1)/70.
    assert fisher_exact_p(3, 1, 1, 3) == pytest.approx(34 / 70)
    # Haldane: (3.5 * 3.5) / (1.5 * 1.5) = 5.444...
    ratio, low, high = haldane_odds_ratio(3, 1, 1, 3)
    assert ratio == pytest.approx(12.25 / 2.25)
    spread = 1.959964 * math.sqrt(2 / 3.5 + 2 / 1.5)
    assert (low, high) == (pytest.approx(ratio * math.exp(-spread)), pytest.approx(ratio * math.exp(spread)))


def test_ncnd_tell_table_and_insufficient_evidence(analyse, response, metric):
    rows = [
        # first NCND, later confirmed: used (x2); first NCND, later denied: not used (x1)
        response("kent", P, "ncnd", "2021-01-01"), response("kent", P, "disclosed", "2022-01-01"),
        response("essex", P, "ncnd", "2021-01-01"), response("essex", P, "disclosed", "2022-01-01"),
        response("sussex", P, "ncnd", "2021-01-01"), response("sussex", P, "not_held", "2022-01-01"),
        # first NCND, never answered since: unknown, left out
        response("surrey", P, "ncnd", "2021-01-01"),
        # answered: used (x1), not used (x2)
        response("dorset", P, "disclosed", "2021-01-01"),
        response("hampshire", P, "not_held", "2021-01-01"), response("wiltshire", P, "not_held", "2021-01-01"),
    ]  # fmt: skip
    findings = analyse(rows, "ncnd_tell", as_of=AS_OF)
    assert [metric(findings, n) for n in ("ncnd_used", "ncnd_not_used", "answered_used", "answered_not_used")] == [
        2,
        1,
        1,
        2,
    ]
    assert metric(findings, "odds_ratio") == pytest.approx((2.5 * 2.5) / (1.5 * 1.5))
    assert metric(findings, "fisher_p") == pytest.approx(fisher_exact_p(2, 1, 1, 2))
    small = analyse(rows[:2] + rows[7:8], "ncnd_tell", as_of=AS_OF)
    assert metric(small, "odds_ratio") is None
    assert small.get_column("summary").item().startswith("Insufficient evidence")


def test_series_consistency_denied_then_ncnd_then_confirmed(analyse, response, metric):
    rows = [
        response("kent", P, "not_held", "2020-01-01"),
        response("kent", P, "refused", "2020-06-01"),  # no stance: ignored
        response("kent", P, "ncnd", "2021-01-01"),  # reversal
        response("kent", P, "disclosed", "2022-01-01"),  # answered after NCND
        response("essex", P, "ncnd", "2021-01-01"), response("essex", P, "ncnd", "2022-01-01"),  # consistent
    ]  # fmt: skip
    findings = analyse(rows, "series_consistency", as_of=AS_OF)
    assert findings.get_column("authority_id").to_list() == ["kent"]
    assert (
        metric(findings, "reversals"),
        metric(findings, "ncnd_then_answered"),
        metric(findings, "series_length"),
    ) == (1, 1, 3)
    assert findings.get_column("severity").item() == "strong"
    roles = [e["role"] for e in findings.get_column("evidence").item()]
    assert roles == ["before", "ncnd after answer", "before", "answer after ncnd"]
    # as of 2021-06-01 the later confirmation did not exist yet
    early = analyse(rows, "series_consistency", as_of=dt.date(2021, 6, 1))
    assert (metric(early, "reversals"), metric(early, "ncnd_then_answered")) == (1, 0)


def test_selective_ncnd_within_window_only(analyse, response, metric):
    rows = [
        response("cleveland", P, "not_held", "2020-02-10"),
        response("cleveland", P2, "ncnd", "2020-10-26"),  # 259 days later: selective
        response("kent", P, "not_held", "2019-01-01"),
        response("kent", P2, "ncnd", "2020-10-26"),  # 664 days later: outside 365
    ]
    findings = analyse(rows, "selective_ncnd", as_of=AS_OF)
    assert findings.get_column("authority_id").to_list() == ["cleveland"]
    assert metric(findings, "denied_siblings") == 1
    evidence = findings.get_column("evidence").item()
    assert [(e["role"], e["technology_id"], e["relation"]) for e in evidence] == [
        ("ncnd", P2, "exact"),
        ("denied sibling", P, "sibling"),
    ]
    wide = analyse(rows, "selective_ncnd", as_of=AS_OF, selective_window_days=700)
    assert sorted(wide.get_column("authority_id").to_list()) == ["cleveland", "kent"]
