"""Findings flattened into one table, the same for the CLI's CSV and the dashboard's download.

One row per finding: who and what it is about, its severity and sentence, then how many pieces of
evidence it lists and each as readable text ("2024-02-20 Kent Police confirm https://..."), then only
the metrics that some finding in the table fills (each check carries its own; a column nobody fills
would be noise). Dates are ISO text at the precision given. Write it with ``writers.frame_csv``.
"""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

from mosaic.analyses.findings import METRICS_STRUCT
from mosaic.present.labels import REPORT_CHECK_ORDER, SEVERITY_ORDER

#: The leading columns of every findings table, in order.
FINDING_TABLE_COLUMNS: tuple[str, ...] = (
    "check", "scope", "severity", "authority_id", "authority_name", "technology_id", "technology_name", "region",
    "response_id", "response_date", "as_of", "summary", "evidence_count", "evidence",
)  # fmt: skip


def _evidence_text(evidence: pl.Expr) -> pl.Expr:
    """Each evidence list as one readable cell: items "date authority technology stance url" joined by "; "."""
    item = pl.element().struct
    return evidence.list.eval(
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
    ).list.join("; ")


def _leading_columns(evidence_count: pl.Expr, evidence: pl.Expr) -> list[pl.Expr]:
    return [
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
        pl.col("summary"),
        evidence_count.cast(pl.Int64).alias("evidence_count"),
        evidence.alias("evidence"),
    ]


def findings_table(findings: pl.DataFrame) -> pl.DataFrame:
    """The findings frame (``mosaic.analyses.FINDING_SCHEMA``) as one flat table (see the module docstring)."""
    base = findings.select(_leading_columns(pl.col("evidence").list.len(), _evidence_text(pl.col("evidence"))))
    metrics = findings.get_column("metrics").struct.unnest() if findings.height else pl.DataFrame()
    filled = [name for name in metrics.columns if metrics.get_column(name).null_count() < metrics.height]
    return pl.concat([base, metrics.select(filled)], how="horizontal") if filled else base


def findings_table_slices(
    keyed: pl.DataFrame | pl.LazyFrame, evidence_sets: pl.DataFrame, *, rows_per_slice: int = 100_000
) -> Iterator[pl.DataFrame]:
    """``findings_table`` of a run as ``key_evidence`` gives it (findings naming their evidence list, each
    list once; ``keyed`` may be lazy, as a stored run is read), a slice of findings at a time, in order.
    Concatenated, the slices are ``findings_table(with_evidence(keyed, evidence_sets))``; at least one
    (perhaps empty) slice is given, so a writer always has the header.

    Why: with each finding's evidence in place, a million answers' findings took 5.7 GB to write as CSV.
    Here a slice's distinct lists are made text once and joined to the findings that cite them, and only
    one slice is held as text (the metrics columns are chosen over the whole run first)."""
    lazy = keyed.lazy()
    names = list(METRICS_STRUCT.to_schema())
    fills = lazy.select(pl.col("metrics").struct.field(name).is_not_null().any() for name in names)
    filled = [name for name, any_set in zip(names, fills.collect(engine="streaming").row(0), strict=True) if any_set]
    rows = keyed.height if isinstance(keyed, pl.DataFrame) else lazy.select(pl.len()).collect().item()
    for start in range(0, max(rows, 1), rows_per_slice):
        part = (
            lazy.slice(start, rows_per_slice).collect()
            if isinstance(keyed, pl.LazyFrame)
            else keyed.slice(start, rows_per_slice)
        )
        # The text of the lists this slice cites only: ten million answers cite three million lists, 2.5 GB as text.
        cited = evidence_sets.filter(pl.col("evidence_id").is_in(part.get_column("evidence_id").drop_nulls().implode()))
        texts = cited.select("evidence_id", _evidence_text(pl.col("evidence")).alias("__text"))
        joined = part.join(texts, on="evidence_id", how="left", maintain_order="left")
        yield joined.select(
            *_leading_columns(pl.col("evidence_count"), pl.col("__text").fill_null("")),
            *(pl.col("metrics").struct.field(name) for name in filled),
        )


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
