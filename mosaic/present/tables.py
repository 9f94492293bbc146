"""Findings flattened into one table, the same for the CLI's CSV and the dashboard's download.

One row per finding: who and what it is about, its severity and sentence, then how many pieces of
evidence it lists and each as readable text ("2024-02-20 Kent Police confirm https://..."), then only
the metrics that some finding in the table fills (each check carries its own; a column nobody fills
would be noise). Dates are ISO text at the precision given. Write it with ``writers.frame_csv``.
"""

from __future__ import annotations

import polars as pl

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
