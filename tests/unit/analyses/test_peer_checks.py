"""peer_disclosure and self_acknowledgment on tiny literal frames, numbers computed by hand."""

from __future__ import annotations

import datetime as dt

import polars as pl

P = "clearsight-match"  # a product under live-facial-recognition under facial-recognition
CATEGORY = "live-facial-recognition"


def test_peer_counts_distinct_other_authorities_strictly_before(analyse, response, metric):
    rows = [
        response("kent", P, "ncnd", "2023-03-10", exemptions=["s24(2)", "s31(3)"]),
        response("essex", P, "disclosed", "2020-01-05"),
        response("essex", P, "disclosed", "2021-01-05"),  # same authority again: still one peer
        response("sussex", P, "not_held", "2023-03-09"),  # the day before: counts
        response("surrey", P, "disclosed", "2023-03-10"),  # same day: not strictly before
        response("hampshire", P, "disclosed", "2023-03-11"),  # one day after: must not count
        response("dorset", CATEGORY, "disclosed", "2022-05-01"),  # broader
        response("wiltshire", P, "ncnd", "2023-03-01"),  # asked, not a disclosure
    ]
    findings = analyse(rows, "peer_disclosure")
    kent = findings.filter(pl.col("authority_id") == "kent")
    # exact peers: essex, sussex = 2; broader: dorset = 1.
    assert metric(kent, "peers_exact") == 2
    assert metric(kent, "peers_broader") == 1
    assert metric(kent, "peers_narrower") == 0
    # asked on or before 2023-03-10 (no request dates: response date): kent, essex, sussex, surrey,
    # wiltshire = 5 (hampshire answered on the 11th; dorset answered about the category, not P).
    assert metric(kent, "peers_asked") == 5
    # peer_share = 2 / (5 - 1) = 0.5
    assert metric(kent, "peer_share") == 0.5
    # earliest peer disclosure: essex on 2020-01-05; 2023-03-10 - 2020-01-05 = 1160 days.
    assert metric(kent, "days_since_earliest_peer") == (dt.date(2023, 3, 10) - dt.date(2020, 1, 5)).days
    # surrey answered on the same day: around the same time, not before
    assert metric(kent, "peers_around") == 1
    # two official peers: notable; strong needs three answers (findings.STRONG_MIN_ANSWERS)
    assert kent.get_column("severity").item() == "notable"
    evidence = kent.get_column("evidence").item()
    assert {(e["authority_id"], e["relation"]) for e in evidence} == {
        ("essex", "exact"),
        ("sussex", "exact"),
        ("dorset", "broader"),
    }
    essex = [e for e in evidence if e["authority_id"] == "essex"]
    assert len(essex) == 1 and essex[0]["date"] == dt.date(2020, 1, 5) and essex[0]["grade"] == "official_peer"
    assert "Before Kent Police's NCND of 2023-03-10" in kent.get_column("summary").item()
    assert "2 of the 4 other authorities asked" in kent.get_column("summary").item()


def test_as_of_is_a_view_date_that_never_counts_later_disclosures(analyse, response, metric):
    rows = [
        response("kent", P, "ncnd", "2023-03-10"),
        response("essex", P, "disclosed", "2023-03-11"),
    ]
    assert metric(analyse(rows, "peer_disclosure"), "peers_exact") == 0
    later = analyse(rows, "peer_disclosure", as_of=dt.date(2023, 3, 11))
    assert metric(later, "peers_exact") == 0  # a disclosure after the NCND never made it inconsistent
    assert later.get_column("as_of").item() == dt.date(2023, 3, 10)  # judged as of its own date
    # an as-of date before the NCND existed: the NCND is not judged at all.
    assert analyse(rows, "peer_disclosure", as_of=dt.date(2023, 3, 9)).height == 0


def test_month_precision_disclosure_counts_from_the_end_of_its_month(analyse, response, metric):
    # "2023-02" may mean any day of February, so it is public only from 28 February.
    before_end = [response("kent", P, "ncnd", "2023-02-15"), response("essex", P, "disclosed", "2023-02")]
    after_end = [response("kent", P, "ncnd", "2023-03-01"), response("essex", P, "disclosed", "2023-02")]
    assert metric(analyse(before_end, "peer_disclosure"), "peers_exact") == 0
    assert metric(analyse(after_end, "peer_disclosure"), "peers_exact") == 1


def test_narrower_and_unofficial_evidence(analyse, response, metric):
    rows = [
        response("kent", CATEGORY, "ncnd", "2023-03-10"),
        response("essex", P, "disclosed", "2021-01-01", source_type="media_report"),
    ]
    findings = analyse(rows, "peer_disclosure")
    assert metric(findings, "peers_narrower") == 1
    assert metric(findings, "peers_exact") == 0
    assert findings.get_column("severity").item() == "notable"
    [item] = findings.get_column("evidence").item()
    assert (item["relation"], item["grade"]) == ("narrower", "unofficial")


def test_no_evidence_is_info(analyse, response):
    findings = analyse([response("kent", P, "ncnd", "2023-03-10")], "peer_disclosure")
    assert findings.get_column("severity").item() == "info"
    assert findings.get_column("metrics").struct.field("peer_share").item() is None  # 0 / 0 is undefined


def test_self_acknowledgment_denied_then_ncnd(analyse, response, metric):
    rows = [
        response("kent", P, "not_held", "2020-02-01"),
        response("kent", P, "ncnd", "2023-03-10"),
        response("kent", CATEGORY, "disclosed", "2021-06-01"),
        response("kent", P, "disclosed", "2023-03-10"),  # same day as the NCND: not earlier
        response("essex", P, "ncnd", "2023-03-10"),  # nothing of its own earlier: no finding
    ]
    findings = analyse(rows, "self_acknowledgment")
    assert findings.get_column("authority_id").to_list() == ["kent"]
    assert metric(findings, "earlier_exact") == 1
    assert metric(findings, "earlier_broader") == 1
    assert metric(findings, "days_since_acknowledgment") == (dt.date(2023, 3, 10) - dt.date(2021, 6, 1)).days
    assert findings.get_column("severity").item() == "strong"
    grades = {(e["relation"], e["grade"], e["date"]) for e in findings.get_column("evidence").item()}
    assert grades == {
        ("exact", "official_self", dt.date(2020, 2, 1)),
        ("broader", "official_self", dt.date(2021, 6, 1)),
    }


def test_self_acknowledgment_broader_only_is_notable(analyse, response):
    rows = [response("kent", CATEGORY, "disclosed", "2021-06-01"), response("kent", P, "ncnd", "2023-03-10")]
    assert analyse(rows, "self_acknowledgment").get_column("severity").item() == "notable"


def test_an_answer_proves_the_authority_was_asked_even_with_a_month_only_request(analyse, response, metric):
    # Essex's request is known only as "March 2023" (end: 31 March), but it answered on 14 March, so it
    # had been asked by then; Kent's NCND of 20 March must count it among the authorities asked.
    rows = [
        response("kent", P, "ncnd", "2023-03-20"),
        response(
            "essex", P, "not_held", "2023-03-14", request_date=dt.date(2023, 3, 1), request_date_precision="month"
        ),
    ]
    findings = analyse(rows, "peer_disclosure")
    assert metric(findings, "peers_asked") == 2
    assert metric(findings, "peers_exact") == 1


def test_self_acknowledgment_same_day_answers_lists_first_and_latest_by_response_id(analyse, response, metric):
    # Three answers of Kent's own on the same day, then an NCND: all three count (earlier_exact = 3). The
    # evidence lists the first and the latest: on a tie of dates, "first" is the lowest response id and
    # "latest" the highest, whatever the row order, so the middle one is not listed.
    rows = [response("kent", P, "not_held", "2020-02-01", response_id=rid) for rid in ("b2", "a1", "c3")]
    rows.append(response("kent", P, "ncnd", "2023-03-10", response_id="z9"))
    for ordered in (rows, list(reversed(rows))):
        findings = analyse(ordered, "self_acknowledgment")
        assert metric(findings, "earlier_exact") == 3
        assert [e["response_id"] for e in findings.get_column("evidence").item()] == ["a1", "c3"]


def test_self_acknowledgment_evidence_is_in_date_order_across_relations(analyse, response):
    # First and latest of each relation, interleaved by date: broader 2019, exact 2020, broader 2021,
    # exact 2022 (the 2020-06 exact answer is neither the first nor the latest, so it is not listed).
    rows = [
        response("kent", CATEGORY, "disclosed", "2019-01-01", response_id="b1"),
        response("kent", P, "not_held", "2020-01-01", response_id="e1"),
        response("kent", P, "not_held", "2020-06-01", response_id="e2"),
        response("kent", CATEGORY, "disclosed", "2021-01-01", response_id="b2"),
        response("kent", P, "disclosed", "2022-01-01", response_id="e3"),
        response("kent", P, "ncnd", "2023-03-10", response_id="n1"),
    ]
    evidence = analyse(rows, "self_acknowledgment").get_column("evidence").item()
    assert [(e["response_id"], e["relation"]) for e in evidence] == [
        ("b1", "broader"),
        ("e1", "exact"),
        ("b2", "broader"),
        ("e3", "exact"),
    ]


def test_peer_evidence_skips_own_authority_and_keeps_date_order(analyse, response):
    # Essex (2020), Kent itself (2020-06, skipped), Surrey (2021) disclosed P before Kent's NCND; Sussex
    # disclosed after it (not evidence). Exact first, in date order, and never the NCND's own authority.
    rows = [
        response("essex", P, "not_held", "2020-01-01"),
        response("kent", P, "not_held", "2020-06-01"),
        response("surrey", P, "disclosed", "2021-01-01"),
        response("kent", P, "ncnd", "2023-03-10"),
        response("sussex", P, "disclosed", "2023-04-01"),
    ]
    findings = analyse(rows, "peer_disclosure", evidence_limit=5)
    assert [e["authority_id"] for e in findings.get_column("evidence").item()] == ["essex", "surrey"]
    capped = analyse(rows, "peer_disclosure", evidence_limit=1)
    assert [e["authority_id"] for e in capped.get_column("evidence").item()] == ["essex"]
