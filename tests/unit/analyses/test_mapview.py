"""The map as of a date: ``answer_rows`` against a plain sort, ``map_stances``' tie rules, ``stance_timeline``."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
import pytest

from mosaic.analyses import AnalysisInputs, map_stances
from mosaic.analyses.mapview import answer_rows, pair_timelines, read_rows, stance_timeline
from mosaic.schema import STANCE_BY_OUTCOME

from .conftest import frame, response

P, P2, CATEGORY = "clearsight-match", "facewise-cloud", "facial-recognition"  # both products under the category
AUTHORITIES = ("kent", "essex", "surrey", "sussex", "unresolved:nowhere")
TECHNOLOGIES = (P, P2, CATEGORY, "not-in-the-taxonomy")
OUTCOMES = tuple(o.value for o in STANCE_BY_OUTCOME)


def random_responses(seed: int, rows: int = 120) -> pl.DataFrame:
    """Few authorities, technologies and dates, so that answers often share a pair and a date."""
    rng = random.Random(seed)
    start = dt.date(2021, 1, 1)
    out = []
    for _ in range(rows):
        day = start + dt.timedelta(days=rng.randrange(40))
        date = None if rng.random() < 0.08 else (day.isoformat()[:7] if rng.random() < 0.15 else day.isoformat())
        fields = {}
        if rng.random() < 0.5:
            fields["request"] = (day + dt.timedelta(days=rng.randrange(-20, 20))).isoformat()
        out.append(response(rng.choice(AUTHORITIES), rng.choice(TECHNOLOGIES), rng.choice(OUTCOMES), date, **fields))
    responses = frame(out)
    # Random ids, so that the order of ids on a shared date is unrelated to the order of the rows.
    return responses.with_columns(
        pl.Series("response_id", [f"{rng.getrandbits(64):016x}" for _ in range(responses.height)])
    )


def reference_rows(
    inputs: AnalysisInputs, cutoff: dt.date, technology_ids: list[str] | None, with_undated: bool = False
) -> pl.DataFrame:
    """What ``answer_rows`` promises, the slow way: a sort by (response_end, response_id), first/last."""
    keys = ["authority_id", "technology_id"]
    events = inputs.events.with_row_index("row")
    if technology_ids is not None:
        events = events.filter(pl.col("technology_id").is_in(technology_ids))
    # Viewed now (with_undated), an undated confirm, deny or NCND counts, ordered before every dated answer.
    undated = pl.col("response_end").is_null() & (pl.col("is_disclosure") | pl.col("is_ncnd")) & pl.lit(with_undated)
    events = events.with_columns(undated=undated, order=pl.coalesce("response_end", pl.lit(dt.date(1, 1, 1))))
    # ... and any answer with no date at all (a refusal, say) was asked by now, though it answers nothing.
    asked = events.filter(
        (pl.col("asked_on") <= cutoff) | pl.col("undated") | (pl.col("asked_on").is_null() & pl.lit(with_undated))
    )
    answered = asked.filter((pl.col("response_end") <= cutoff) | pl.col("undated")).sort("order", "response_id")
    stance = answered.filter((pl.col("is_disclosure") | pl.col("is_ncnd")) & ~pl.col("undated"))
    return (
        asked.group_by(keys)
        .agg(pl.col("row").first().alias("first_row"))
        .join(
            answered.group_by(keys).agg(
                pl.col("row").last().alias("latest_row"),
                pl.len().alias("answer_count"),
                pl.col("is_ncnd").any().alias("has_ncnd"),
            ),
            on=keys,
            how="left",
        )
        .join(
            answered.filter(pl.col("is_disclosure")).group_by(keys).agg(pl.col("row").last().alias("public_row")),
            on=keys,
            how="left",
        )
        .join(stance.group_by(keys).agg(pl.col("row").first().alias("first_stance_row")), on=keys, how="left")
        .with_columns(pl.col("answer_count").fill_null(0))
        .select(
            *keys,
            pl.col("first_row", "latest_row", "public_row", "first_stance_row").cast(pl.UInt32),
            pl.col("answer_count").cast(pl.UInt32),
            "has_ncnd",
        )
        .sort(keys)
    )


class OwnCodes(AnalysisInputs):
    """Inputs without shared id codes: ``pair_timelines`` then codes the ids itself."""

    coded_events = None


@pytest.mark.parametrize("own_codes", [False, True], ids=["shared-codes", "own-codes"])
@pytest.mark.parametrize("seed", range(12))
def test_answer_rows_pick_the_rows_a_sort_would(seed, own_codes):
    responses = random_responses(seed)
    inputs = OwnCodes.from_responses(responses) if own_codes else AnalysisInputs.from_responses(responses)
    events = inputs.events
    for cutoff in (
        dt.date(2020, 1, 1),
        dt.date(2021, 1, 10),
        dt.date(2021, 1, 25),
        dt.date(2021, 2, 28),
        dt.date(2030, 1, 1),
    ):
        for technology_ids in (None, [P, P2, CATEGORY], ["not-in-the-taxonomy"], []):
            for with_undated in (False, True):
                found = answer_rows(inputs, cutoff, technology_ids, first_stance=True, with_undated=with_undated)
                ids = events.select("authority_id", "technology_id")[found.get_column("first_row")]
                expected = reference_rows(inputs, cutoff, technology_ids, with_undated)
                got = (
                    pl.concat([ids, found.drop("pair")], how="horizontal")
                    .select(expected.columns)
                    .sort("authority_id", "technology_id")
                )
                assert got.equals(expected), (seed, cutoff, technology_ids, with_undated)


def test_pair_timelines_are_built_once_per_inputs():
    inputs = AnalysisInputs.from_responses(random_responses(1))
    assert pair_timelines(inputs) is pair_timelines(inputs)
    other = AnalysisInputs.from_responses(random_responses(1))
    assert pair_timelines(other) is not pair_timelines(inputs)


def test_answer_rows_on_no_responses():
    inputs = AnalysisInputs.from_responses(frame([response("kent", P, "ncnd", "2021-01-01")]).clear())
    assert answer_rows(inputs, dt.date(2021, 1, 1), first_stance=True).height == 0
    assert map_stances(inputs, P, dt.date(2021, 1, 1)).get_column("map_stance").unique().to_list() == ["not_asked"]


def test_category_cell_ties_go_to_the_later_response_then_public_ties_to_the_first_technology():
    rows = [
        # Kent confirmed both products on the same day: equally strong and equally recent.
        response("kent", P, "disclosed", "2021-03-01", response_id="aaaa000000000001"),
        response("kent", P2, "withheld", "2021-03-01", response_id="ffff000000000002"),
        # Essex: a deny on one product and a confirm on the other the same day; the confirm is stronger.
        response("essex", P, "disclosed", "2021-03-01", response_id="aaaa000000000003"),
        response("essex", P2, "not_held", "2021-03-01", response_id="ffff000000000004"),
    ]
    inputs = AnalysisInputs.from_responses(frame(rows))
    cells = {r["authority_id"]: r for r in map_stances(inputs, CATEGORY, dt.date(2021, 6, 1)).to_dicts()}
    kent, essex = cells["kent"], cells["essex"]
    assert (kent["map_stance"], kent["technology_id"], kent["outcome"], kent["answer_count"]) == (
        "confirm",
        P2,
        "withheld",
        2,
    )
    assert (essex["map_stance"], essex["technology_id"]) == ("confirm", P)
    # Public answers on the same date: the first technology id's stance (P sorts before P2).
    assert (essex["public_stance"], essex["public_date"]) == ("confirm", dt.date(2021, 3, 1))


def test_timeline_grains_and_counts():
    rows = [
        response(
            a, P, "disclosed" if i % 3 else "ncnd_partial", (dt.date(2020, 1, 1) + dt.timedelta(days=7 * i)).isoformat()
        )
        for i in range(60)
        for a in ("kent", "essex")
    ]
    events = AnalysisInputs.from_responses(frame(rows)).events
    points, grain = stance_timeline(events, [P], 1000)
    assert grain == "day" and points.height == 120 and points.get_column("n").sum() == 120
    for limit, expected in ((100, "month"), (40, "quarter"), (5, "year"), (1, "year")):
        points, grain = stance_timeline(events, [P], limit)
        assert grain == expected and points.get_column("n").sum() == 120
        every = {"month": "1mo", "quarter": "3mo", "year": "1y"}[expected]
        reference = (
            events.with_columns(
                date=pl.col("response_end").dt.truncate(every),
                map_stance=pl.when(pl.col("outcome") == "ncnd_partial")
                .then(pl.lit("ncnd_partial"))
                .otherwise(pl.col("stance")),
            )
            .group_by("authority_label", "date", "map_stance")
            .agg(pl.len().cast(pl.UInt32).alias("n"))
            .sort("authority_label", "date", "map_stance")
        )
        assert points.equals(reference)
    assert stance_timeline(events, ["nothing"], 10)[0].height == 0


def test_read_rows_from_a_list_column_in_several_chunks():
    rows = [
        response(a, P, "ncnd", "2021-01-01", exemptions=[f"s{i}"])
        for i, a in enumerate(("kent", "essex", "surrey", "sussex"))
    ]
    halves = [frame(rows[:2]), frame(rows[2:])]
    inputs = AnalysisInputs.from_responses(pl.concat(halves, rechunk=False))
    assert inputs.events.get_column("exemptions").n_chunks() > 1
    picked = read_rows(
        inputs, pl.Series([3, None, 0, 3], dtype=pl.UInt32), [pl.col("authority_id").alias("who"), "exemptions"]
    )
    assert picked.columns == ["who", "exemptions"]
    assert picked.to_dicts() == [
        {"who": "sussex", "exemptions": ["s3"]},
        {"who": None, "exemptions": None},
        {"who": "kent", "exemptions": ["s0"]},
        {"who": "sussex", "exemptions": ["s3"]},
    ]


def test_timeline_points_with_a_wide_date_range():
    """Dates far apart take the sorting path of the counting (no table over the whole range)."""
    rows = [
        response("kent", P, "disclosed", "1800-01-01"),
        response("kent", P, "disclosed", "2200-06-01"),
        response("essex", P, "ncnd", "2200-06-01"),
    ] * 3
    events = AnalysisInputs.from_responses(frame(rows)).events
    points, grain = stance_timeline(events, [P], 2)
    assert grain == "year" and points.get_column("n").to_list() == [3, 3, 3]
    assert points.get_column("date").to_list() == [dt.date(2200, 1, 1), dt.date(1800, 1, 1), dt.date(2200, 1, 1)]


def test_an_undated_refusal_was_asked_by_now():
    """West Midlands Police answered a drones request (810A/22) only with section 21 ("already reasonably
    accessible"), and its log gives no date. Viewed now it had been asked, so its cell is "no answer", not
    "not asked", and the map counts it among those asked; at a past date it cannot be placed."""
    rows = [
        response("west-midlands", P, "refused", None),
        response("kent", P, "disclosed", "2024-03-01"),
    ]
    inputs = AnalysisInputs.from_responses(frame(rows))
    now = dict(
        map_stances(inputs, P, dt.date(2026, 12, 4), with_undated=True).select("authority_id", "map_stance").iter_rows()
    )
    assert now["west-midlands"] == "no_answer" and now["kent"] == "confirm"
    past = dict(map_stances(inputs, P, dt.date(2026, 12, 4)).select("authority_id", "map_stance").iter_rows())
    assert past["west-midlands"] == "not_asked"
