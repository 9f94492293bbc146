"""The map as it stood on a date: one row per authority with the stance to colour it by.

Shared by the dashboard's hex map, the reports' static map and ``mosaic_exposure``'s per-authority view, so
every picture of "who said what by then" is computed the same way.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import polars as pl

from mosaic.analyses.inputs import AnalysisInputs
from mosaic.schema import Outcome, Stance


class MapStance(StrEnum):
    """What one authority's cell shows, strongest first (the order used to combine a category's products)."""

    CONFIRM = "confirm"
    DENY = "deny"
    NCND_PARTIAL = "ncnd_partial"
    NCND = "ncnd"
    NO_ANSWER = "no_answer"
    """Asked by then, but no confirm, deny or NCND yet (awaiting, refused, no response, unknown)."""
    NOT_ASKED = "not_asked"


MAP_STANCE_LABELS: dict[str, str] = {
    MapStance.CONFIRM: "Confirmed",
    MapStance.DENY: "Denied",
    MapStance.NCND_PARTIAL: "Partial NCND",
    MapStance.NCND: "NCND",
    MapStance.NO_ANSWER: "No answer yet",
    MapStance.NOT_ASKED: "Not asked",
}
#: One palette for every picture of the map (dashboard and reports): Okabe-Ito colours, distinguishable
#: under the common colour-vision deficiencies. Data, not drawing code, so both renderers share it.
MAP_STANCE_COLOURS: dict[str, str] = {
    MapStance.CONFIRM: "#D55E00",  # vermillion
    MapStance.DENY: "#0072B2",  # blue
    MapStance.NCND_PARTIAL: "#CC79A7",  # reddish purple
    MapStance.NCND: "#222222",  # near black: the answers that stand out
    MapStance.NO_ANSWER: "#E69F00",  # orange
    MapStance.NOT_ASKED: "#E4E4E4",  # light grey
}
#: Text colour that reads on each fill.
MAP_STANCE_TEXT_COLOURS: dict[str, str] = {
    MapStance.CONFIRM: "#FFFFFF",
    MapStance.DENY: "#FFFFFF",
    MapStance.NCND_PARTIAL: "#000000",
    MapStance.NCND: "#FFFFFF",
    MapStance.NO_ANSWER: "#000000",
    MapStance.NOT_ASKED: "#555555",
}
_RANK = {stance.value: rank for rank, stance in enumerate(MapStance)}

MAP_COLUMNS = (
    "authority_id", "authority_name", "kind", "region", "hex_col", "hex_row", "map_stance",
    "technology_id", "response_id", "response_date", "response_date_precision", "outcome", "exemptions",
    "source_url", "public_stance", "public_date", "answer_count",
)  # fmt: skip


def technology_scope(inputs: AnalysisInputs, technology_id: str) -> list[str]:
    """The technology and everything below it in the taxonomy (a category covers its products)."""
    below = inputs.pairs.filter(pl.col("ancestor_id") == technology_id).get_column("descendant_id").to_list()
    return sorted(set(below) | {technology_id})


def map_stances(inputs: AnalysisInputs, technology_id: str, as_of: dt.date) -> pl.DataFrame:
    """One row per authority in the register: how its cell looks for ``technology_id`` on ``as_of``.

    Method: take the responses on the technology and (for a category) everything below it, keep those whose
    authority had been asked by ``as_of``; an authority's answer on a technology is its latest response
    dated (period end) on or before ``as_of``. Its cell shows that answer's stance, with a partial NCND kept
    apart; asked with no stance yet is ``no_answer``; never asked is ``not_asked``. For a category, the
    strongest of its products' stances is shown (confirm > deny > partial NCND > NCND > no answer), so a
    force that confirmed any product of the category shows as confirmed. ``public_stance`` and
    ``public_date`` give the latest confirm or deny even when a later NCND followed (a later NCND does not
    erase a public answer).
    """
    scope = technology_scope(inputs, technology_id)
    events = inputs.events.lazy().filter(pl.col("technology_id").is_in(scope) & (pl.col("asked_on") <= as_of))
    answered = events.filter(pl.col("response_end") <= as_of)
    latest = (
        answered.sort("response_end", "response_id")
        .group_by("authority_id", "technology_id")
        .agg(
            pl.all().exclude("authority_id", "technology_id").last(),
            pl.len().alias("answer_count"),
            pl.col("stance").filter(pl.col("is_disclosure")).last().alias("public_stance"),
            pl.col("response_date").filter(pl.col("is_disclosure")).last().alias("public_date"),
        )
        .with_columns(
            map_stance=pl.when(pl.col("outcome") == Outcome.NCND_PARTIAL.value)
            .then(pl.lit(MapStance.NCND_PARTIAL.value))
            .when(pl.col("stance") == Stance.UNKNOWN.value)
            .then(pl.lit(MapStance.NO_ANSWER.value))
            .otherwise(pl.col("stance"))
        )
    )
    asked_only = (
        events.select("authority_id", "technology_id")
        .unique()
        .join(latest.select("authority_id", "technology_id"), on=["authority_id", "technology_id"], how="anti")
        .with_columns(map_stance=pl.lit(MapStance.NO_ANSWER.value), answer_count=pl.lit(0, pl.UInt32))
    )
    per_technology = pl.concat([latest, asked_only], how="diagonal_relaxed").with_columns(
        _rank=pl.col("map_stance").replace_strict(_RANK, return_dtype=pl.Int64)
    )
    strongest = (
        per_technology.sort("_rank", pl.col("response_end").fill_null(dt.date.min), descending=[False, True])
        .group_by("authority_id")
        .agg(
            pl.col("map_stance", "technology_id", "response_id", "response_date", "response_date_precision", "outcome", "exemptions", "source_url").first(),
            pl.col("public_stance").sort_by("public_date").drop_nulls().last(),
            pl.col("public_date").drop_nulls().max(),
            pl.col("answer_count").sum().cast(pl.Int64),
        )
    )
    register = inputs.authorities.lazy().select("authority_id", pl.col("name").alias("authority_name"), "kind", "region", "hex_col", "hex_row")
    return (
        register.join(strongest, on="authority_id", how="full", coalesce=True)
        .with_columns(
            map_stance=pl.col("map_stance").fill_null(MapStance.NOT_ASKED.value),
            answer_count=pl.col("answer_count").fill_null(0),
            authority_name=pl.col("authority_name").fill_null(pl.col("authority_id")),
        )
        .select(MAP_COLUMNS)
        .sort("authority_id")
        .collect(engine="in-memory")
    )


def stance_counts(map_frame: pl.DataFrame) -> dict[str, int]:
    """Count authorities per map stance (every MapStance present, zero when none): the legend's numbers."""
    counts = dict(map_frame.group_by("map_stance").len().iter_rows())
    return {stance.value: int(counts.get(stance.value, 0)) for stance in MapStance}
