"""Properties every check must keep, on generated sets of responses (Hypothesis).

* facts dated after the as-of date never change a finding;
* peer counts never exceed the other authorities asked;
* findings do not depend on row order or on a row given twice;
* no summary or evidence names a fact dated after an NCND as "before" it, whatever the view date and
  the date precisions (issue 12).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mosaic.analyses import AnalysisInputs, CheckParams, findings_records, run_checks
from mosaic.registry import load_authorities, load_technologies
from mosaic.schema import STANCE_BY_OUTCOME, Outcome, table_schema

AUTHORITIES = ["kent", "essex", "sussex", "surrey", "metropolitan", "hampshire"]
TECHNOLOGIES = ["facial-recognition", "live-facial-recognition", "clearsight-match", "facewise-cloud"]
OUTCOMES = ["disclosed", "not_held", "ncnd", "ncnd_partial", "withheld", "refused", "no_response"]
START = dt.date(2020, 1, 1)
AS_OF = dt.date(2022, 1, 1)
REGISTERS = (load_authorities(), load_technologies(sample=True))
PARAMS = CheckParams(today=dt.date(2026, 1, 1))

row_strategy = st.fixed_dictionaries(
    {
        "authority_id": st.sampled_from(AUTHORITIES),
        "technology_id": st.sampled_from(TECHNOLOGIES),
        "outcome": st.sampled_from(OUTCOMES),
        "day": st.integers(0, 720),
        "precision": st.sampled_from(["day", "day", "day", "month", "year", "undated"]),
        "request_lag": st.one_of(st.none(), st.integers(1, 60)),
        "exemptions": st.lists(
            st.sampled_from(["s24(2)", "s31(3)", "s31(1)", "s21", "s23(5)"]), max_size=2, unique=True
        ),
        "source_type": st.sampled_from(["foi_response", "press_release", "media_report"]),
        # a regulator's decision on the answer, a month after it (regulator_consistency compares them)
        "decision": st.sampled_from([None, None, None, "NCND upheld", "Complaint upheld", "Partially upheld"]),
    }
)


def build(rows: list[dict]) -> pl.DataFrame:
    records = []
    for spec in rows:
        date = START + dt.timedelta(days=spec["day"])
        if spec["precision"] == "month":
            date = date.replace(day=1)
        elif spec["precision"] == "year":
            date = date.replace(month=1, day=1)
        dated = spec["outcome"] != "no_response" and spec["precision"] != "undated"
        request = None if spec["request_lag"] is None else date - dt.timedelta(days=spec["request_lag"])
        key = json.dumps(spec, sort_keys=True, default=str)
        records.append(
            {
                "response_id": hashlib.sha256(key.encode()).hexdigest()[:16],
                "authority_id": spec["authority_id"],
                "authority_name": spec["authority_id"],
                "technology_id": spec["technology_id"],
                "technology_name": spec["technology_id"],
                "outcome": spec["outcome"],
                "stance": STANCE_BY_OUTCOME[Outcome(spec["outcome"])].value,
                "response_date": date if dated else None,
                "response_date_precision": spec["precision"] if dated else None,
                "request_date": request,
                "request_date_precision": None if request is None else "day",
                "exemptions": spec["exemptions"],
                "source_type": spec["source_type"],
                "source_url": f"https://foi.example.org/{key.__hash__() % 1000}",
                "decision_outcome": spec["decision"] if dated else None,
                "decision_date": date + dt.timedelta(days=30) if dated and spec["decision"] else None,
                "decision_date_precision": "day" if dated and spec["decision"] else None,
            }
        )
    # unique content -> unique ids; identical specs give identical rows (a true duplicate)
    return pl.DataFrame(records, schema=table_schema("responses"))


def canonical(findings: pl.DataFrame) -> list[str]:
    return sorted(json.dumps(record, sort_keys=True) for record in findings_records(findings))


def findings_for(frame: pl.DataFrame, as_of: dt.date | None = AS_OF) -> pl.DataFrame:
    inputs = AnalysisInputs(responses=frame, authorities=REGISTERS[0], technologies=REGISTERS[1])
    return run_checks(inputs, as_of=as_of, params=PARAMS)


fast = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)


@fast
@given(st.lists(row_strategy, min_size=1, max_size=25), st.lists(row_strategy, min_size=1, max_size=5))
def test_facts_after_as_of_change_nothing(rows, later):
    frame = build(rows)
    for spec in later:  # move every extra fact (its request too) past the as-of date
        spec["day"] = (AS_OF - START).days + 1 + spec["day"] % 100
        # Requested that same day: a "no response" row has no response date, and with no request date
        # either it would be undated, which rightly counts as asked by the view date for an undated NCND.
        spec["request_lag"] = 0
        spec["precision"] = "day"
    extra = build(later)
    assert canonical(findings_for(frame)) == canonical(findings_for(pl.concat([frame, extra])))


@fast
@given(st.lists(row_strategy, min_size=1, max_size=30))
def test_peer_counts_never_exceed_other_authorities_asked(rows):
    for as_of in (None, AS_OF):
        inputs = AnalysisInputs(responses=build(rows), authorities=REGISTERS[0], technologies=REGISTERS[1])
        peers = (
            run_checks(inputs, ["peer_disclosure"], as_of=as_of, params=PARAMS).get_column("metrics").struct.unnest()
        )
        assert (peers["peers_exact"] <= peers["peers_asked"] - 1).all()
        assert (peers["peers_official_exact"] <= peers["peers_exact"]).all()
        assert (peers["peers_exact"] >= 0).all() and (peers["peers_broader"] >= 0).all()


@fast
@given(st.lists(row_strategy, min_size=1, max_size=25), st.randoms(use_true_random=False))
def test_row_order_and_duplicates_do_not_matter(rows, random):
    frame = build(rows)
    expected = canonical(findings_for(frame, None))
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=random.randint(0, 10_000))
    assert canonical(findings_for(shuffled, None)) == expected
    doubled = pl.concat([frame, frame.head(random.randint(1, frame.height))])
    assert canonical(findings_for(doubled, None)) == expected


@fast
@given(
    st.lists(row_strategy, min_size=1, max_size=25),
    st.sampled_from(AUTHORITIES),
    st.sampled_from(TECHNOLOGIES),
    st.integers(min_value=0),
)
def test_a_focused_run_equals_the_full_run_filtered(rows, authority, technology, pick):
    inputs = AnalysisInputs(responses=build(rows), authorities=REGISTERS[0], technologies=REGISTERS[1])
    full = run_checks(inputs, as_of=AS_OF, params=PARAMS)
    response = inputs.responses.item(pick % inputs.responses.height, "response_id")  # a dossier's focus
    for focus in ({"authority_ids": [authority]}, {"technology_ids": [technology]}, {"response_ids": [response]}):
        focused = run_checks(inputs, as_of=AS_OF, params=PARAMS, **focus)
        if "authority_ids" in focus:
            expected = full.filter(pl.col("authority_id").is_null() | (pl.col("authority_id") == authority))
        elif "technology_ids" in focus:
            expected = full.filter(pl.col("technology_id") == technology)
        else:
            expected = full.filter(pl.col("response_id").is_null() | (pl.col("response_id") == response))
        assert canonical(focused) == canonical(expected)


_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _period(text: str) -> tuple[dt.date, dt.date]:
    """'2024-06-05', 'June 2024' or '2024' as (first day, last day)."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        day = dt.date.fromisoformat(text)
        return day, day
    if " " in text:
        name, year = text.split(" ")
        first = dt.date(int(year), _MONTHS.index(name) + 1, 1)
        following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return first, following - dt.timedelta(days=1)
    return dt.date(int(text), 1, 1), dt.date(int(text), 12, 31)


_NAMED = re.compile(r"\b(?:earliest|latest) (\d{4}-\d{2}-\d{2}|[A-Z][a-z]+ \d{4}|\d{4})\b")


@fast
@given(st.lists(row_strategy, min_size=2, max_size=30), st.sampled_from([None, AS_OF, dt.date(2030, 1, 1)]))
def test_nothing_after_an_ncnd_is_called_before_it(rows, as_of):
    inputs = AnalysisInputs(responses=build(rows), authorities=REGISTERS[0], technologies=REGISTERS[1])
    findings = run_checks(inputs, ["peer_disclosure", "self_acknowledgment"], as_of=as_of, params=PARAMS)
    plain = run_checks(inputs, ["peer_disclosure", "self_acknowledgment"], params=PARAMS)
    plain_summaries = dict(
        zip(plain.select(pl.concat_str("check", "response_id")).to_series(), plain.get_column("summary"), strict=True)
    )
    for finding in findings.iter_rows(named=True):
        summary, start = finding["summary"], finding["response_date"]
        if start is None:  # undated: nothing is "before" it, and the sentence says so
            assert "Before" not in summary and "undated" in summary
            continue
        # the view date changes nothing about a dated NCND
        assert summary == plain_summaries[finding["check"] + finding["response_id"]]
        for named in _NAMED.findall(summary):
            assert _period(named)[1] < start, (named, summary)
        for item in finding["evidence"]:
            assert item["date"] is not None and _period_of(item)[1] < start, (item, summary)


def _period_of(item: dict) -> tuple[dt.date, dt.date]:
    date, precision = item["date"], item["date_precision"]
    if precision == "month":
        return _period(f"{_MONTHS[date.month - 1]} {date.year}")
    if precision == "year":
        return _period(str(date.year))
    return date, date
