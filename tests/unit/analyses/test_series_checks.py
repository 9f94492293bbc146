"""selective_ncnd and series_consistency against plain-Python references, plus the paths the fast code adds.

The checks work on integer codes, packed sort keys and bit sets (see ``mosaic/analyses/series.py``); the
references below say the same method the slow, obvious way, one response at a time, and random frames
(ties on dates, unknown authorities and technologies, month-precision dates) must give the same findings.
"""

from __future__ import annotations

import datetime as dt
import random
import re

import polars as pl
import pytest

from mosaic.analyses import AnalysisInputs, CheckParams, run_checks
from mosaic.analyses.series import sibling_products
from mosaic.registry import load_authorities, load_technologies

from .conftest import TODAY, frame, response

AS_OF = dt.date(2024, 1, 1)
AUTHORITIES = ["kent", "essex", "sussex", "nowhere-police"]  # the last is not in the register
TECHNOLOGIES = [
    "clearsight-match", "nec-neoface-live", "facewise-cloud", "pimeyes", "pocketface-check",  # siblings
    "cellebrite-ufed", "cellebrite-ufed-4pc", "msab-xry",  # a product, its variant, a sibling of both
    "facial-recognition", "unlisted-gadget",  # a category; a technology outside the taxonomy
]  # fmt: skip
OUTCOMES = ["ncnd", "ncnd", "not_held", "not_held", "disclosed", "refused"]


def _random_rows(seed: int, count: int) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        day = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(0, 1000, 7))  # weekly: many same-day ties
        date = day.isoformat()[:7] if rng.random() < 0.1 else day.isoformat()
        rows.append(response(rng.choice(AUTHORITIES), rng.choice(TECHNOLOGIES), rng.choice(OUTCOMES), date))
    return rows


def _days(date: dt.date) -> int:
    return date.toordinal()


def _reference_selective(inputs: AnalysisInputs, as_of: dt.date, window: int) -> dict[str, tuple]:
    """response_id -> (denied_siblings, names text, evidence [(role, response_id)]), one NCND at a time."""
    events = inputs.events.filter(pl.col("response_end") <= as_of).to_dicts()
    siblings: dict[str, set[str]] = {}
    for technology, sibling in sibling_products(inputs).collect().iter_rows():
        siblings.setdefault(technology, set()).add(sibling)
    denials = [e for e in events if e["stance"] == "deny"]
    found = {}
    for ncnd in (e for e in events if e["is_ncnd"]):
        nearest = []
        for sibling in siblings.get(ncnd["technology_id"], ()):
            candidates = [
                d for d in denials if d["authority_id"] == ncnd["authority_id"] and d["technology_id"] == sibling
            ]
            if not candidates:
                continue
            # nearest in time; at equal distance the later one (polars' as-of "nearest")
            best = min(
                candidates,
                key=lambda d: (abs(_days(d["response_end"]) - _days(ncnd["response_end"])), -_days(d["response_end"])),
            )
            if abs(_days(best["response_end"]) - _days(ncnd["response_end"])) <= window:
                nearest.append(best)
        if nearest:
            ordered = sorted(nearest, key=lambda d: (d["response_end"], d["technology_id"]))
            names = ", ".join(sorted({d["technology_label"] for d in nearest}))
            evidence = [("ncnd", ncnd["response_id"])] + [("denied sibling", d["response_id"]) for d in ordered]
            found[ncnd["response_id"]] = (len(nearest), names, evidence)
    return found


def _reference_series(inputs: AnalysisInputs, as_of: dt.date, limit: int) -> dict[tuple[str, str], tuple]:
    """(authority, technology) -> (reversals, ncnd_then_answered, answered_same_time, series_length,
    evidence [(role, response_id)]), pair by pair: "before" means certainly before (the earlier answer's
    last possible day earlier than the later one's first possible day); overlapping dates are "same time"."""
    events = inputs.events.with_row_index("event").filter(pl.col("response_end") <= as_of).to_dicts()
    series: dict[tuple[str, str], list[dict]] = {}
    for event in events:
        if event["stance"] in ("confirm", "deny", "ncnd") and event["authority_id"] and event["technology_id"]:
            series.setdefault((event["authority_id"], event["technology_id"]), []).append(event)

    def latest(candidates: list[dict], key) -> dict | None:
        return max(candidates, key=key) if candidates else None

    found = {}
    for key, answers in series.items():
        ncnds = [e for e in answers if e["is_ncnd"]]
        others = [e for e in answers if not e["is_ncnd"]]
        pairs = []  # (later end, later event, kind, first role, earlier/other, second role, later)
        for n in ncnds:
            before = latest(
                [a for a in others if a["response_end"] < n["response_date"]], lambda a: (a["response_end"], a["event"])
            )
            if before:
                pairs.append((n["response_end"], n["event"], "reversals", "before", before, "ncnd after answer", n))
            overlap = latest(
                [
                    a
                    for a in others
                    if a["response_date"] <= n["response_end"] and a["response_end"] >= n["response_date"]
                ],
                lambda a: (a["response_end"], a["event"]),
            )
            if overlap:
                pairs.append(
                    (n["response_end"], n["event"], "answered_same_time", "same time", overlap, "same time", n)
                )
        for a in others:
            before = latest(
                [n for n in ncnds if n["response_end"] < a["response_date"]], lambda n: (n["response_end"], n["event"])
            )
            if before:
                pairs.append(
                    (a["response_end"], a["event"], "ncnd_then_answered", "before", before, "answer after ncnd", a)
                )
        if not pairs:
            continue
        pairs.sort(key=lambda p: (p[0], p[1], p[2]))
        evidence = []
        for *_, first_role, first, second_role, second in pairs[:limit]:
            evidence += [(first_role, first["response_id"]), (second_role, second["response_id"])]
        counts = [
            sum(p[2] == kind for p in pairs) for kind in ("reversals", "ncnd_then_answered", "answered_same_time")
        ]
        found[key] = (*counts, len(answers), evidence)
    return found


def _roles(evidence: list[dict]) -> list[tuple[str, str]]:
    return [(str(item["role"]), item["response_id"]) for item in evidence]


def _unambiguous(rows: list[dict]) -> pl.DataFrame:
    """Drop all but the first denial of one authority and technology dated the same day.

    Between two such denials, the check shows the one its date sort puts last, which the reference cannot
    say (that sort is not stable). Everything else about ties is compared.
    """
    responses = frame(rows)
    events = AnalysisInputs.from_responses(responses).events
    clash = events.filter(
        (pl.col("stance") == "deny") & ~pl.struct("authority_id", "technology_id", "response_end").is_first_distinct()
    )
    return responses.filter(~pl.col("response_id").is_in(clash.get_column("response_id").implode()))


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("window", [365, 30, 0])
def test_selective_ncnd_matches_reference(seed, window):
    inputs = AnalysisInputs.from_responses(_unambiguous(_random_rows(seed, 400)))
    findings = run_checks(
        inputs, ["selective_ncnd"], as_of=AS_OF, params=CheckParams(today=TODAY, selective_window_days=window)
    )
    expected = _reference_selective(inputs, AS_OF, window)
    got = {
        row["response_id"]: (
            row["metrics"]["denied_siblings"],
            re.search(r"same category \((.*)\) within", row["summary"]).group(1),
            _roles(row["evidence"]),
        )
        for row in findings.iter_rows(named=True)
    }
    assert got == expected
    assert window == 0 or expected  # the frames do exercise the check


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("limit", [10, 3])
def test_series_consistency_matches_reference(seed, limit):
    inputs = AnalysisInputs.from_responses(frame(_random_rows(seed, 1200)))
    findings = run_checks(
        inputs, ["series_consistency"], as_of=AS_OF, params=CheckParams(today=TODAY, evidence_limit=limit)
    )
    expected = _reference_series(inputs, AS_OF, limit)
    got = {
        (row["authority_id"], row["technology_id"]): (
            row["metrics"]["reversals"], row["metrics"]["ncnd_then_answered"], row["metrics"]["answered_same_time"],
            row["metrics"]["series_length"], _roles(row["evidence"]),
        )
        for row in findings.iter_rows(named=True)
    }  # fmt: skip
    assert got == expected
    assert any(len(evidence) == 2 * limit for *_, evidence in expected.values())  # some lists are full
    assert limit == 10 or any(
        reversals + answered + same > limit for reversals, answered, same, *_ in expected.values()
    )  # capped
    assert any(same for _, _, same, *_ in expected.values())  # same-day and month-precision overlaps occur


def test_series_never_orders_same_day_answers(analyse, response, metric):
    # Issue 12, defect 7: a deny and an NCND by one authority on one day have no order. Before, the
    # response ids ordered them and the report said "answered after an NCND".
    rows = [
        response("kent", "pimeyes", "not_held", "2022-01-01", response_id="b"),
        response("kent", "pimeyes", "ncnd", "2022-01-01", response_id="a"),
        response("kent", "pimeyes", "ncnd", "2022-02-01", response_id="c"),
    ]
    findings = analyse(rows, "series_consistency", as_of=AS_OF)
    assert (
        metric(findings, "reversals"),
        metric(findings, "ncnd_then_answered"),
        metric(findings, "answered_same_time"),
    ) == (1, 0, 1)
    assert _roles(findings.get_column("evidence").item()) == [
        ("same time", "b"),
        ("same time", "a"),
        ("before", "b"),
        ("ncnd after answer", "c"),
    ]
    summary = findings.get_column("summary").item()
    assert "0 confirm or deny answers after one of its NCNDs" in summary and "around the same time" in summary


def test_series_month_precision_is_not_ordered_against_days_inside_it(analyse, response, metric):
    # A denial dated only "2022-03" and an NCND of 15 March: either may have come first.
    rows = [response("kent", "pimeyes", "not_held", "2022-03"), response("kent", "pimeyes", "ncnd", "2022-03-15")]
    findings = analyse(rows, "series_consistency", as_of=AS_OF)
    assert (metric(findings, "reversals"), metric(findings, "answered_same_time")) == (0, 1)
    assert findings.get_column("severity").item() == "notable"


def test_selective_equidistant_denials_show_the_later_one(analyse, response):
    rows = [
        response("kent", "pimeyes", "ncnd", "2022-06-15", response_id="n"),
        response("kent", "clearview-ai", "not_held", "2022-06-05", response_id="early"),
        response("kent", "clearview-ai", "not_held", "2022-06-25", response_id="late"),  # also 10 days away
    ]
    findings = analyse(rows, "selective_ncnd", as_of=AS_OF)
    assert _roles(findings.get_column("evidence").item()) == [("ncnd", "n"), ("denied sibling", "late")]


def _technologies_with(extra: int, name=lambda i: f"Gadget {i:03d}") -> pl.DataFrame:
    """The taxonomy plus a category 'gadgets' with ``extra`` products gadget-000... named by ``name``."""
    technologies = load_technologies()
    added = pl.DataFrame(
        [{"technology_id": "gadgets", "name": "Gadgets", "parent_id": None, "level": "category", "category": "gadgets"}]
        + [
            {
                "technology_id": f"gadget-{i:03d}",
                "name": name(i),
                "parent_id": "gadgets",
                "level": "product",
                "category": f"gadgets > gadget-{i:03d}",
            }
            for i in range(extra)
        ]
    )
    return (
        pl.concat([technologies, added], how="diagonal_relaxed").select(technologies.columns).cast(technologies.schema)
    )


def _selective(rows: list[dict], technologies: pl.DataFrame) -> pl.DataFrame:
    inputs = AnalysisInputs(responses=frame(rows), authorities=load_authorities(), technologies=technologies)
    return run_checks(inputs, ["selective_ncnd"], as_of=AS_OF, params=CheckParams(today=TODAY))


def test_selective_names_more_siblings_than_one_bit_word_holds():
    # 70 denied siblings: their names need two 62-bit words
    rows = [response("kent", "gadget-000", "ncnd", "2022-06-15")]
    rows += [response("kent", f"gadget-{i:03d}", "not_held", "2022-06-01") for i in range(1, 71)]
    rows += [
        response("essex", "gadget-005", "ncnd", "2022-06-15"),
        response("essex", "gadget-069", "not_held", "2022-06-01"),
    ]
    findings = _selective(rows, _technologies_with(71)).sort("authority_id")
    kent = findings.row(by_predicate=pl.col("authority_id") == "kent", named=True)
    assert kent["metrics"]["denied_siblings"] == 70
    assert f"({', '.join(f'Gadget {i:03d}' for i in range(1, 71))})" in kent["summary"]
    essex = findings.row(by_predicate=pl.col("authority_id") == "essex", named=True)
    assert "(Gadget 069)" in essex["summary"]


def test_selective_siblings_sharing_a_name_are_named_once():
    technologies = _technologies_with(3, name=lambda i: "Gadget" if i else "Other")
    rows = [
        response("kent", "gadget-000", "ncnd", "2022-06-15"),
        response("kent", "gadget-001", "not_held", "2022-06-01"),
        response("kent", "gadget-002", "not_held", "2022-06-02"),
    ]
    finding = _selective(rows, technologies).row(0, named=True)
    assert finding["metrics"]["denied_siblings"] == 2
    assert "denied 2 other products of the same category (Gadget) within" in finding["summary"]
