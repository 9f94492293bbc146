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


def test_each_contradicted_decision_lists_every_other_decision_against_it_in_date_order(analyse, response, metric):
    # The check compares kinds of decision (outcome and exemptions) rather than every pair (ten million
    # answers: 35 s to 5 s); here it is held to the pairwise definition on forty decisions of every kind.
    import random

    rng = random.Random(14)
    outcomes = {"NCND upheld": "upheld", "Complaint upheld": "not upheld", "Partially upheld": "upheld in part"}
    codes = ["s23(5)", "s24(2)", "s31(3)"]
    authorities = ["kent", "essex", "sussex", "surrey", "durham", "cleveland", "cumbria", "dorset"]
    rows, decided = [], []
    for index in range(40):
        outcome = rng.choice(list(outcomes))
        exemptions = sorted(rng.sample(codes, rng.randint(0, 2)))
        day = dt.date(2020, 1, 1) + dt.timedelta(days=7 * index)
        reference = f"IC-{index}"
        rows.append(_decided(response, authorities[index % 8], outcome, day, exemptions, regulator_reference=reference))
        decided.append((reference, outcomes[outcome], set(exemptions)))
    findings = analyse(rows, "regulator_consistency", evidence_limit=4).filter(pl.col("scope") == "response")
    expected = {}
    for reference, outcome, exemptions in decided:
        others = [r for r, o, e in decided if o != outcome and e & exemptions]  # in date order, as decided
        if others:
            expected[reference] = others
    assert len(expected) > 10
    found = {}
    for row in findings.iter_rows(named=True):
        reference = row["summary"].split(", IC-")[1].split(")")[0]
        assert row["metrics"]["decisions_differing"] == len(expected[f"IC-{reference}"])
        listed = [item["date"] for item in row["evidence"][1:]]  # the decision itself, then the others listed
        found[f"IC-{reference}"] = listed
    assert set(found) == set(expected)
    day_of = {f"IC-{i}": dt.date(2020, 1, 1) + dt.timedelta(days=7 * i) for i in range(40)}
    for reference, others in expected.items():
        assert found[reference] == [day_of[r] for r in others[:3]], reference
