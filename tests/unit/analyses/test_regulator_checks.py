"""regulator_consistency on tiny literal frames: outcomes compared within a technology and a law, in time."""

from __future__ import annotations

import datetime as dt

import polars as pl

P = "clearsight-match"


def _decided(response, authority, outcome_text, decided, exemptions=("s24(2)", "s31(3)"), **fields):
    return response(
        authority,
        P,
        "ncnd",
        "2023-01-05",
        exemptions=list(exemptions),
        decision_outcome=outcome_text,
        decision_date=decided,
        decision_date_precision="day" if decided else None,
        **fields,
    )


def test_the_same_grounds_decided_both_ways_is_notable_and_each_contradicted_answer_says_so(analyse, response, metric):
    rows = [
        _decided(response, "kent", "NCND upheld", dt.date(2024, 1, 10), regulator_reference="IC-1"),
        _decided(response, "essex", "Complaint upheld", dt.date(2024, 3, 1), regulator_reference="IC-2"),
        _decided(
            response, "essex", "Complaint upheld", dt.date(2024, 3, 1), regulator_reference="IC-2"
        ),  # same notice twice
        _decided(response, "sussex", "Upheld", dt.date(2024, 4, 1), regulator_reference="IC-3"),  # whose side?
        response("surrey", P, "ncnd", "2023-01-05", exemptions=["s24(2)"]),  # never went to the regulator
    ]
    findings = analyse(rows, "regulator_consistency")
    technology = findings.filter(pl.col("scope") == "technology")
    assert technology.get_column("severity").item() == "notable"
    assert metric(technology, "decisions") == 3  # IC-2 counted once
    assert (metric(technology, "decisions_upheld"), metric(technology, "decisions_not_upheld")) == (1, 1)
    assert technology.get_column("summary").item() == (
        "The regulator decided 3 complaints about answers on ClearSight Match (answers all citing s24(2) + s31(3)), "
        "with different outcomes: Kent Police's answer upheld (2024-01-10, IC-1); Essex Police's answer not upheld "
        "(2024-03-01, IC-2); Sussex Police's answer decided with an outcome mosaic cannot read ('Upheld') "
        "(2024-04-01, IC-3)."
    )
    on_answers = findings.filter(pl.col("scope") == "response").sort("authority_id")
    assert on_answers.get_column("authority_id").to_list() == ["essex", "kent"]  # sussex's cannot be compared
    assert on_answers.get_column("summary").to_list()[1] == (
        "The regulator upheld Kent Police's answer on ClearSight Match citing s24(2) + s31(3) (2024-01-10, IC-1), "
        "but decided otherwise on 1 other answer on the same technology (answers also citing s24(2) + s31(3)): "
        "Essex Police's answer not upheld (2024-03-01, IC-2)."
    )
    assert metric(on_answers, "decisions_differing", authority_id="kent") == 1


def test_a_view_date_sees_only_the_decisions_made_by_then(analyse, response):
    rows = [
        _decided(response, "kent", "NCND upheld", dt.date(2024, 1, 10)),
        _decided(response, "essex", "Confirm or deny within 35 days", dt.date(2024, 3, 1)),
        _decided(response, "sussex", "Confirm or deny within 35 days", None),  # undated decision
    ]
    assert analyse(rows, "regulator_consistency", as_of=dt.date(2024, 2, 1)).height == 0  # one decision: no comparison
    by_march = analyse(rows, "regulator_consistency", as_of=dt.date(2024, 3, 31))
    summary = by_march.filter(pl.col("scope") == "technology").get_column("summary").item()
    assert "2 complaints" in summary and "Sussex" not in summary  # an undated decision cannot be placed in the past
    today = analyse(rows, "regulator_consistency").filter(pl.col("scope") == "technology")
    assert "3 complaints" in today.get_column("summary").item() and "Sussex Police's answer not upheld (undated)" in (
        today.get_column("summary").item()
    )


def test_agreeing_decisions_and_different_grounds_are_information_not_inconsistency(analyse, response):
    agreeing = [
        _decided(response, "kent", "NCND upheld", dt.date(2024, 1, 10)),
        _decided(response, "essex", "Complaint not upheld", dt.date(2024, 3, 1)),
    ]
    found = analyse(agreeing, "regulator_consistency")
    assert found.get_column("scope").to_list() == ["technology"] and found.get_column("severity").item() == "info"
    assert "the answer upheld in both:" in found.get_column("summary").item()
    different_grounds = [
        _decided(response, "kent", "NCND upheld", dt.date(2024, 1, 10), exemptions=["s24(2)"]),
        _decided(response, "essex", "Confirm or deny within 35 days", dt.date(2024, 3, 1), exemptions=["s31(3)"]),
    ]
    found = analyse(different_grounds, "regulator_consistency")
    assert found.get_column("scope").to_list() == ["technology"] and found.get_column("severity").item() == "info"
    assert "(answers citing different exemptions), with different outcomes" in found.get_column("summary").item()
    # FOISA and FOIA decisions go to different regulators: never compared.
    two_laws = [
        _decided(response, "kent", "NCND upheld", dt.date(2024, 1, 10)),
        _decided(
            response, "police-scotland", "Confirm or deny within 35 days", dt.date(2024, 3, 1), exemptions=["foisa_s18"]
        ),
    ]
    assert analyse(two_laws, "regulator_consistency").height == 0
