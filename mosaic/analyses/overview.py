"""The national picture per technology: who is on record as confirming, denying or NCNDing.

This is the summary the quick start prints. It counts distinct authorities, not rows, by each authority's
latest answer on the technology (by response date; undated answers count as oldest), so an authority
that answered three times counts once.
"""

from __future__ import annotations

import math

import polars as pl

from mosaic.schema import Stance


def wilson_interval(successes: int, trials: int, z: float = 1.959964) -> tuple[float, float] | None:
    """Wilson score interval for a proportion (95% by default); None when there are no trials.

    >>> tuple(round(x, 3) for x in wilson_interval(5, 10))
    (0.237, 0.763)
    """
    if trials <= 0:
        return None
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def stance_overview(responses: pl.DataFrame) -> pl.DataFrame:
    """One row per technology: authorities asked, and how many stand at each stance by their latest answer.

    Columns: ``technology_id``, ``technology_label`` (product, else the name as given), ``response_count``,
    ``asked_count``, ``confirm_count``, ``deny_count``, ``ncnd_count``, ``unknown_count``,
    ``coverage_share`` (confirm + deny over asked), sorted by asked_count then id.
    """
    latest = (
        responses.lazy()
        .sort(["technology_id", "authority_id", "response_date"], nulls_last=False)
        .group_by(["technology_id", "authority_id"], maintain_order=True)
        .agg(pl.col("stance").last())
    )
    counts = latest.group_by("technology_id").agg(
        pl.len().alias("asked_count"),
        *[(pl.col("stance") == s.value).sum().alias(f"{s.value}_count") for s in Stance],
    )
    labels = (
        responses.lazy()
        .group_by("technology_id")
        .agg(
            pl.len().alias("response_count"),
            pl.coalesce(pl.col("product"), pl.col("technology_name"))
            .drop_nulls()
            .mode()
            .sort()
            .first()
            .alias("technology_label"),
        )
    )
    return (
        labels.join(counts, on="technology_id")
        .with_columns(
            coverage_share=(pl.col("confirm_count") + pl.col("deny_count")) / pl.col("asked_count"),
        )
        .select(
            "technology_id",
            "technology_label",
            "response_count",
            "asked_count",
            "confirm_count",
            "deny_count",
            "ncnd_count",
            "unknown_count",
            "coverage_share",
        )  # fmt: skip
        .sort(["asked_count", "technology_id"], descending=[True, False])
        .collect(engine="in-memory")
    )


def wilson_bounds(successes: pl.Expr, trials: pl.Expr, z: float = 1.959964) -> tuple[pl.Expr, pl.Expr]:
    """The Wilson score interval as two polars expressions (low, high); null where trials is 0 or null.

    Vectorised twin of ``wilson_interval`` for columns of counts.
    """
    n = trials.cast(pl.Float64)
    p = successes.cast(pl.Float64) / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * (p * (1 - p) / n + z * z / (4 * n * n)).sqrt() / denominator
    valid = trials > 0
    low = pl.when(valid).then(pl.max_horizontal(pl.lit(0.0), centre - half))
    high = pl.when(valid).then(pl.min_horizontal(pl.lit(1.0), centre + half))
    return low, high
