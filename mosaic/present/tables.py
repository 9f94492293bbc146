"""Findings flattened into one table, the same for the CLI's CSV and the dashboard's download.

One row per finding: who and what it is about, its severity and sentence, then how many pieces of
evidence it lists and each as readable text ("2024-02-20 Kent Police confirm https://..."), then only
the metrics that some finding in the table fills (each check carries its own; a column nobody fills
would be noise). Dates are ISO text at the precision given. Write it with ``writers.frame_csv``.
"""

from __future__ import annotations

import polars as pl

from mosaic.present.labels import REPORT_CHECK_ORDER, SEVERITY_ORDER

#: The leading columns of every findings table, in order.
FINDING_TABLE_COLUMNS: tuple[str, ...] = (
    "check", "scope", "severity", "authority_id", "authority_name", "technology_id", "technology_name", "region",
    "response_id", "response_date", "as_of", "summary", "evidence_count", "evidence",
)  # fmt: skip


def findings_table(findings: pl.DataFrame) -> pl.DataFrame:
    """The findings frame (``mosaic.analyses.FINDING_SCHEMA``) as one flat table (see the module docstring)."""
    item = pl.element().struct
    evidence_text = (
        pl.col("evidence")
        .list.eval(
            pl.concat_str(
                [
                    item.field("date").cast(pl.String).fill_null("undated"),
                    item.field("authority").cast(pl.String),
                    item.field("technology").cast(pl.String),
                    item.field("stance").cast(pl.String),
                    item.field("source_url"),
                ],
                separator=" ",
                ignore_nulls=True,
            )
        )
        .list.join("; ")
    )
    base = findings.select(
        pl.col(
            "check",
            "scope",
            "severity",
            "authority_id",
            "authority_name",
            "technology_id",
            "technology_name",
            "region",
            "response_id",
        ),
        pl.col("response_date", "as_of").cast(pl.String),
        "summary",
        pl.col("evidence").list.len().cast(pl.Int64).alias("evidence_count"),
        evidence_text.alias("evidence"),
    )
    metrics = findings.get_column("metrics").struct.unnest() if findings.height else pl.DataFrame()
    filled = [name for name in metrics.columns if metrics.get_column(name).null_count() < metrics.height]
    return pl.concat([base, metrics.select(filled)], how="horizontal") if filled else base


def requester_order(findings: pl.DataFrame) -> pl.DataFrame:
    """``row`` (each finding's position in ``findings``) and ``why``, in the order a requester reads them.

    A requester builds a complaint on the evidence against an NCND, so that leads, weighed: the authority's
    own earlier answer on the same thing first (nothing is stronger), then NCNDs with the most official
    earlier disclosures by others, then the rest by severity and the check order (consistency before the
    map, timeliness last), newest first. Ranking by severity alone put trivial "strong" rows (a map of
    three answers, a late reply) above an NCND that 26 forces had already answered. ``why`` says in a few
    words why a row stands where it does.
    """
    frame = findings.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("row"),
        "check",
        "severity",
        "response_date",
        pl.col("metrics").struct.field("earlier_exact").fill_null(0).alias("__own"),
        pl.col("metrics").struct.field("peers_official_exact").fill_null(0).alias("__official"),
        pl.col("metrics").struct.field("peers_exact").fill_null(0).alias("__peers"),
    )
    is_self = (pl.col("check") == "self_acknowledgment") & (pl.col("__own") > 0)
    is_peer = (pl.col("check") == "peer_disclosure") & (pl.col("__peers") > 0)
    weight = (
        pl.when(is_self)
        .then(pl.lit(10**9) + pl.col("__own"))
        .when(is_peer)
        .then(pl.col("__official") * 10**4 + pl.col("__peers"))
        .otherwise(0)
    )
    why = (
        pl.when(is_self)
        .then(pl.lit("the authority's own earlier answer on it"))
        .when(is_peer)
        .then(
            pl.format(
                "{} official earlier {} by others ({} in all)",
                pl.col("__official"),
                pl.when(pl.col("__official") == 1).then(pl.lit("disclosure")).otherwise(pl.lit("disclosures")),
                pl.col("__peers"),
            )
        )
        .otherwise(pl.format("{}; {}", pl.col("severity"), pl.col("check").str.replace_all("_", " ")))
    )
    return (
        frame.with_columns(
            __weight=weight,
            __severity=pl.col("severity").replace_strict(
                SEVERITY_ORDER, default=len(SEVERITY_ORDER), return_dtype=pl.Int64
            ),
            __check=pl.col("check").replace_strict(
                {c: i for i, c in enumerate(REPORT_CHECK_ORDER)}, default=len(REPORT_CHECK_ORDER), return_dtype=pl.Int64
            ),
            why=why,
        )
        .sort(
            ["__weight", "__severity", "__check", "response_date", "row"],
            descending=[True, False, False, True, False],
            nulls_last=True,
        )
        .select("row", "why")
    )
