"""Series checks: is an authority's NCND consistent with its own other answers?

The ICO expects NCND to be used consistently over a series of requests. Two ways it fails, both visible
only when an authority's answers are laid side by side:

* ``selective_ncnd``: it denies some products of a category and NCNDs another, so the NCND stands out as
  the one it uses;
* ``series_consistency``: it answered, then NCNDed the same thing (a reversal: the fact is already on the
  record), or NCNDed and later answered (showing the NCND protected nothing lasting).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from mosaic.analyses.findings import EvidenceRelation, FindingScope, grade_expr, metrics_struct, subject_columns
from mosaic.analyses.inputs import AnalysisInputs
from mosaic.analyses.registry import CheckParams, register
from mosaic.analyses.timeline import evidence_item, iso, plural
from mosaic.schema import Severity, Stance


def sibling_products(inputs: AnalysisInputs) -> pl.LazyFrame:
    """Pairs (technology_id, sibling_id): other products or variants under a category that contains it.

    Two products are siblings when they share any ancestor category and neither contains the other, so
    a live and a retrospective facial recognition product are siblings under "facial recognition".
    """
    pairs = inputs.pairs.lazy()
    products = inputs.technologies.lazy().filter(pl.col("level") != "category").select(pl.col("technology_id").alias("sibling_id"))
    up = pairs.filter(pl.col("distance") > 0).select(pl.col("descendant_id").alias("technology_id"), "ancestor_id")
    down = pairs.filter(pl.col("distance") > 0).select("ancestor_id", pl.col("descendant_id").alias("sibling_id"))
    related = pairs.select(pl.col("descendant_id").alias("technology_id"), pl.col("ancestor_id").alias("sibling_id"))
    related = pl.concat([related, related.select(pl.col("sibling_id").alias("technology_id"), pl.col("technology_id").alias("sibling_id"))])
    return (
        up.join(down, on="ancestor_id")
        .join(products, on="sibling_id")
        .select("technology_id", "sibling_id")
        .unique()
        .join(related, on=["technology_id", "sibling_id"], how="anti")
    )


@register("selective_ncnd", "Denies some products of a category, NCNDs another", "map")
def selective_ncnd(inputs: AnalysisInputs, as_of: dt.date | None, params: CheckParams) -> pl.LazyFrame:
    """An NCND on one product while the same authority denied other products of the same category nearby.

    Method. For each NCND on a product or variant (dated on or before the as-of date, default today),
    take every *sibling* (another technology with the same parent category) and find the same authority's
    denial of that sibling nearest in time (an as-of join), counting it when it is within
    ``selective_window_days`` (365) of the NCND and public by the as-of date. ``denied_siblings`` counts
    distinct sibling products. When an authority denies what it does not use and NCNDs only the rest, the
    NCND signals use. Severity: ``strong`` for two or more denied siblings, else ``notable``. Evidence: the
    NCND itself and the nearest denial of each sibling.
    """
    cutoff = params.map_as_of(as_of)
    events = inputs.events.lazy().filter(pl.col("response_end") <= cutoff)
    # Stages are materialised one by one, and the as-of join carries only ids and dates: the evidence
    # structs are built for the flagged NCNDs alone (a lazy plan of the whole was ~10x slower).
    ncnds = events.filter(pl.col("is_ncnd") & params.focus()).collect(engine="in-memory")
    queries = (
        ncnds.lazy()
        .select("response_id", "authority_id", "technology_id", "response_end")
        .join(sibling_products(inputs), on="technology_id", how="inner")
        .sort("response_end")
        .collect(engine="in-memory")
    )
    denials = (
        events.filter(pl.col("stance") == Stance.DENY.value)
        .with_columns(
            sibling_id=pl.col("technology_id"),
            denial_end=pl.col("response_end"),
            denial_item=evidence_item(grade_expr(pl.col("source_type"), pl.lit(True)), "denied sibling", EvidenceRelation.SIBLING.value),
        )
        .select("authority_id", "sibling_id", "denial_end", "denial_item")
        .sort("denial_end")
        .collect(engine="in-memory")
        .with_row_index("__denial")
    )
    nearest = (
        queries.join_asof(
            denials.select("authority_id", "sibling_id", "denial_end", "__denial"),
            left_on="response_end",
            right_on="denial_end",
            by=["authority_id", "sibling_id"],
            strategy="nearest",
            check_sortedness=False,
        )
        .filter((pl.col("denial_end") - pl.col("response_end")).dt.total_days().abs() <= params.selective_window_days)
        .join(denials.select("__denial", "denial_item"), on="__denial")
    )
    flagged = ncnds.join(nearest.select("response_id").unique(), on="response_id", how="semi").with_columns(
        __ncnd=evidence_item(grade_expr(pl.col("source_type"), pl.lit(True)), "ncnd", EvidenceRelation.EXACT.value)
    )
    # Evidence: the NCND first, then each sibling's nearest denial by date (stacked, then gathered per NCND:
    # concatenating a struct onto a list column row by row is far slower).
    items = (
        pl.concat(
            [
                flagged.select("response_id", pl.lit(0).alias("__k"), pl.col("response_end").alias("__date"), pl.lit("").alias("__sibling"), pl.col("__ncnd").alias("__item")),
                nearest.select("response_id", pl.lit(1).alias("__k"), pl.col("denial_end").alias("__date"), pl.col("sibling_id").alias("__sibling"), pl.col("denial_item").alias("__item")),
            ]
        )
        .sort("response_id", "__k", "__date", "__sibling")
        .group_by("response_id", maintain_order=True)
        .agg(pl.col("__item").alias("evidence"))
    )
    grouped = (
        nearest.lazy()
        .group_by("response_id")
        .agg(
            pl.col("sibling_id").n_unique().alias("denied_siblings"),
            pl.col("denial_item").struct.field("technology").unique().sort().str.join(", ").alias("__names"),
        )
        .join(
            flagged.lazy().select("response_id", "authority_id", "authority_label", "technology_id", "technology_label", "region", "response_date"),
            on="response_id",
        )
        .join(items.lazy(), on="response_id")
    )
    return grouped.select(
        *subject_columns("selective_ncnd", FindingScope.RESPONSE, cutoff),
        pl.when(pl.col("denied_siblings") >= 2).then(pl.lit(Severity.STRONG.value)).otherwise(pl.lit(Severity.NOTABLE.value)).alias("severity"),
        metrics_struct(denied_siblings=pl.col("denied_siblings"), window_days=params.selective_window_days),
        "evidence",
        pl.format(
            "{} neither confirmed nor denied {} on {} but denied {} of the same category ({}) within {} days.",
            pl.col("authority_label"),
            pl.col("technology_label"),
            iso(pl.col("response_date")),
            plural(pl.col("denied_siblings"), "other product"),
            pl.col("__names"),
            pl.lit(params.selective_window_days),
        ).alias("summary"),
    )


@register("series_consistency", "Reversals in an authority's own series of answers", "map")
def series_consistency(inputs: AnalysisInputs, as_of: dt.date | None, params: CheckParams) -> pl.LazyFrame:
    """Per authority and technology: answers that went from confirm/deny to NCND, or from NCND to an answer.

    Method. An authority's dated answers on one technology up to the as-of date (default today) are put in
    date order, ignoring answers with no stance (refusals, no response). A *reversal* is an NCND that
    follows a confirm or deny (the fact was already acknowledged); ``ncnd_then_answered`` counts confirm
    or deny answers that follow an NCND (what the NCND protected was later given out). One finding per
    series with either. Severity: ``strong`` with a reversal, else ``notable``. Evidence: both answers of
    each transition (up to ``evidence_limit`` transitions).
    """
    cutoff = params.map_as_of(as_of)
    keys = ["authority_id", "technology_id"]
    # Only ids, dates and flags travel through the windows; evidence structs are built for transitions.
    series = (
        inputs.events.lazy()
        .filter((pl.col("response_end") <= cutoff) & (pl.col("is_ncnd") | pl.col("is_disclosure")) & params.focus(response=False))
        .sort(*keys, "response_end", "response_id")
        .with_row_index("__row")
        .with_columns(__previous_ncnd=pl.col("is_ncnd").shift(1).over(keys), __previous_row=pl.col("__row").shift(1).over(keys))
        .with_columns(
            __is_reversal=pl.col("is_ncnd") & (pl.col("__previous_ncnd") == False),  # noqa: E712
            __is_answered=pl.col("is_disclosure") & (pl.col("__previous_ncnd") == True),  # noqa: E712
        )
        .collect(engine="in-memory")
    )
    all_transitions = series.filter(pl.col("__is_reversal") | pl.col("__is_answered"))
    transitions = all_transitions.with_columns(__transition=pl.int_range(pl.len()).over(keys)).filter(
        pl.col("__transition") < params.evidence_limit
    )  # the evidence shows the first transitions; the counts below use them all
    item = evidence_item(grade_expr(pl.col("source_type"), pl.lit(True)), "answer", EvidenceRelation.EXACT.value)
    after = transitions.select(
        *keys, "__transition", pl.lit(1).alias("__side"),
        item.struct.with_fields(role=pl.when(pl.col("__is_reversal")).then(pl.lit("ncnd after answer")).otherwise(pl.lit("answer after ncnd"))).alias("__item"),
    )  # fmt: skip
    before = (
        transitions.select(*keys, "__transition", pl.col("__previous_row").alias("__row"))
        .join(series, on=["__row", *keys])
        .select(*keys, "__transition", pl.lit(0).alias("__side"), item.struct.with_fields(role=pl.lit("before")).alias("__item"))
    )
    evidence = (
        pl.concat([before, after])
        .sort(*keys, "__transition", "__side")
        .group_by(keys, maintain_order=True)
        .agg(pl.col("__item").alias("evidence"))
    )
    summary = (
        series.lazy()
        .group_by(keys)
        .agg(pl.len().alias("series_length"))
        .join(
            all_transitions.lazy()
            .group_by(keys)
            .agg(
                pl.col("__is_reversal", "__is_answered").sum(),
                pl.col("authority_label", "technology_label", "region").first(),
            )
            .rename({"__is_reversal": "reversals", "__is_answered": "ncnd_then_answered"}),
            on=keys,
            how="inner",
        )
        .join(evidence.lazy(), on=keys)
    )
    return summary.select(
        *subject_columns("series_consistency", FindingScope.AUTHORITY, cutoff, with_response=False),
        pl.when(pl.col("reversals") > 0).then(pl.lit(Severity.STRONG.value)).otherwise(pl.lit(Severity.NOTABLE.value)).alias("severity"),
        metrics_struct(
            reversals=pl.col("reversals"),
            ncnd_then_answered=pl.col("ncnd_then_answered"),
            series_length=pl.col("series_length"),
        ),
        "evidence",
        pl.format(
            "In {} on {}, {} went from confirm or deny to NCND {} and answered after an NCND {}.",
            plural(pl.col("series_length"), "answer"),
            pl.col("technology_label"),
            pl.col("authority_label"),
            plural(pl.col("reversals"), "time"),
            plural(pl.col("ncnd_then_answered"), "time"),
        ).alias("summary"),
    )
