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
        response(
            "dorset",
            P,
            "ncnd",
            "2023-01-05",
            exemptions=["s40(5)"],
            decision_outcome="NCND upheld",
            decision_date=dt.date(2024, 1, 1),
        ),
        response(
            "wiltshire",
            P,
            "ncnd",
            "2023-01-05",
            exemptions=["s24(2)", "s31(3)"],
            decision_outcome="Confirm or deny within 35 days",
            decision_date=dt.date(2024, 2, 1),
        ),
    ]
    findings = analyse(rows, "exemption_consistency", as_of=AS_OF)
    tech = findings.filter(pl.col("scope") == "technology")
    # latest NCND per authority: 6 authorities; modal {s24(2), s31(3)}: kent, essex, surrey, wiltshire = 4
    assert metric(tech, "ncnd_count") == 6
    assert metric(tech, "modal_set_count") == 4
    assert metric(tech, "distinct_sets") == 3
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


def test_ncnd_limb_does_not_call_a_section_without_its_subsection_limbless(analyse, response):
    """Essex Police's log (PUB 1056): "Refusal Sections 24 and 31 [...] Essex Police can neither confirm nor
    deny": the subsections are not recorded, so it may well have been s24(2) and s31(3). "None of them a
    confirm-or-deny limb" would be untrue; it cannot be checked (info). A disclosure limb beside a bare
    section cannot be called limbless either; a bare s21 stays notable (s21 has no limb at all)."""
    rows = [
        response("essex", P, "ncnd", "2020-09-18", exemptions=["s24", "s31"]),
        response("kent", P, "ncnd", "2020-09-18", exemptions=["s24(1)", "s31"]),
        response("surrey", P, "ncnd", "2020-09-18", exemptions=["s21", "s31"]),
    ]
    findings = analyse(rows, "ncnd_limb")
    flagged = dict(findings.select("authority_id", "severity").iter_rows())
    assert flagged == {"essex": "info", "kent": "info", "surrey": "notable"}
    summary = dict(findings.select("authority_id", "summary").iter_rows())
    assert "cites s24 + s31 without a subsection" in summary["essex"] and "cannot be checked" in summary["essex"]
    assert "cites s24(1) + s31, s31 without a subsection" in summary["kent"]
    assert "none of them" not in summary["essex"] + summary["kent"]


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


# --- working days: a per-date table instead of a calendar walk per response ---------------------------


@pytest.mark.parametrize("subdivision", ["ENG", "SCT", "NIR"])
def test_working_day_table_counts_exactly_like_business_day_count(subdivision):
    # Every pair of days over a winter and spring full of bank holidays (Christmas, New Year, Scotland's
    # 2 January, St Patrick's Day on a Sunday and its Monday substitute, Easter), both orders: the table's
    # difference of two lookups must equal polars' business_day_count, including its convention for an
    # end before the start.
    from mosaic.analyses.procedure import _SUBDIVISIONS, WorkingDayTable, bank_holidays, day_number

    first, last = dt.date(2023, 12, 1), dt.date(2024, 4, 30)
    table = WorkingDayTable.build(first, last + dt.timedelta(days=1))
    days = pl.date_range(first, last, eager=True)
    pairs = pl.DataFrame({"start": days}).join(pl.DataFrame({"end": days}), how="cross")
    code = pl.lit(_SUBDIVISIONS.index(subdivision), pl.Int32)
    counted = pairs.select(
        expected=pl.business_day_count("start", "end", holidays=bank_holidays(subdivision, 2023, 2024)),
        got=table.count(day_number(pl.col("start")), day_number(pl.col("end")), code),
    )
    assert (counted["expected"] == counted["got"]).all()
    assert (
        pairs.select(table.count(day_number(pl.lit(None, pl.Date)), day_number(pl.col("end")), code))
        .to_series()
        .null_count()
        == pairs.height
    )


def test_timeliness_uses_each_countrys_bank_holidays(analyse, metric, response):
    # Request Monday 4 March 2024, answer Thursday 4 April. Working days from 5 March to 4 April: England
    # loses Good Friday (29 March) and Easter Monday (1 April): 21; Northern Ireland also St Patrick's
    # Day's substitute (Monday 18 March): 20, on time; Scotland keeps Easter Monday: 22.
    rows = [
        response("kent", P, "not_held", "2024-04-04", request="2024-03-04"),
        response("psni", P, "not_held", "2024-04-04", request="2024-03-04"),
        response("police-scotland", P, "not_held", "2024-04-04", request="2024-03-04"),
        response("btp", P, "not_held", "2024-04-04", request="2024-03-04"),  # Great Britain: England's holidays
        response("unknown-force", P, "not_held", "2024-04-04", request="2024-03-04"),  # not in the register: the same
    ]
    findings = analyse(rows, "timeliness", as_of=AS_OF)
    assert sorted(findings.get_column("authority_id").to_list()) == ["btp", "kent", "police-scotland", "unknown-force"]
    assert metric(findings, "working_days", authority_id="kent") == 21
    assert metric(findings, "working_days", authority_id="police-scotland") == 22
    assert metric(findings, "days_late", authority_id="police-scotland") == 2
    assert metric(findings, "working_days", authority_id="unknown-force") == 21


def test_timeliness_calendar_shortcut_keeps_every_late_or_missing_answer(analyse, metric, response):
    # With a one-day deadline, a request on Friday 1 March 2024 answered on Monday 4 March is 3 calendar
    # days but 1 working day (on time); on Tuesday 5 March, 2 (late). A no_response row whose date
    # falls inside the deadline is still missing, and one dated before its own request counts
    # negative working days (minus those from the day after the answer to the request: 22, 25, 26 March).
    rows = [
        response("kent", P, "not_held", "2024-03-04", request="2024-03-01"),
        response("essex", P, "not_held", "2024-03-05", request="2024-03-01"),
        response("sussex", P, "no_response", "2024-03-01", request="2024-03-01"),
        response("surrey", P, "no_response", "2024-03-20", request="2024-03-25"),
        response("dorset", P, "withdrawn", None, request="2024-03-25"),  # withdrawn: never missing
    ]
    findings = analyse(rows, "timeliness", as_of=dt.date(2024, 6, 1), deadline_working_days=1)
    assert sorted(findings.get_column("authority_id").to_list()) == ["essex", "surrey", "sussex"]
    assert metric(findings, "working_days", authority_id="essex") == 2
    assert metric(findings, "days_late", authority_id="essex") == 1
    assert "had not answered" in findings.filter(pl.col("authority_id") == "sussex").get_column("summary").item()
    assert metric(findings, "working_days", authority_id="surrey") == -3


# --- latest answer per authority: no string sort, same choice --------------------------------------------


def test_latest_rows_picks_the_latest_date_then_the_greatest_response_id():
    from mosaic.analyses.procedure import _ROW, latest_rows

    events = pl.DataFrame(
        {
            "technology_id": ["t"] * 5 + ["u"] * 2,
            "authority_id": ["a", "a", "a", "b", "b", "a", "a"],
            "response_end": [dt.date(2024, 1, d) for d in (1, 3, 3, 2, 1, 5, 5)],
            "response_id": ["z", "m", "q", "a", "b", "b", "a"],
        }
    ).with_row_index(_ROW)
    reference = (
        events.sort("response_end", "response_id")
        .group_by("technology_id", "authority_id")
        .agg(pl.col(_ROW).last())
        .select(_ROW)
        .sort(_ROW)
    )
    picked = latest_rows(events.lazy(), ["technology_id", "authority_id"])
    assert picked.equals(reference)
    assert picked.get_column(_ROW).to_list() == [2, 3, 5]


def test_exemption_consistency_breaks_a_same_day_tie_by_response_id(analyse, response, metric):
    rows = [
        response("kent", P, "ncnd", "2023-01-01", exemptions=["s24(2)"]),
        response("essex", P, "ncnd", "2023-01-01", exemptions=["s24(2)"]),
        response("surrey", P, "ncnd", "2023-01-02", exemptions=["s31(3)"], response_id="surrey-a"),
        response("surrey", P, "ncnd", "2023-01-02", exemptions=["s24(2)"], response_id="surrey-b"),  # counts
    ]
    findings = analyse(rows, "exemption_consistency", as_of=AS_OF)
    assert metric(findings, "distinct_sets", scope="technology") == 1
    assert metric(findings, "modal_set_count", scope="technology") == 3
