"""Boilerplate: who departs from the national wording of harm and public-interest statements.

Police answers to "round-robin" requests are coordinated nationally (the NPCC's Central Referral Unit
advises forces), so near-identical harm statements across forces are expected. The signal worth showing
is the departure: an authority whose statement on the same technology reads differently from everyone
else's (domain.md, analysis 6). Statements come from the letters themselves (``mosaic ingest`` of
letters fills ``harm_statement`` and ``public_interest_statement``; CSVs may carry them too).

Method, as of the as-of date (default today), for each technology and each kind of statement (harm,
public interest):

1. Each authority's latest statement dated on or before the as-of date counts once. The authority's own
   name is replaced by "the authority" and case and spacing are folded, so "Kent Police can neither
   confirm nor deny" and "Essex Police can neither confirm nor deny" read the same.
2. Pairwise similarity is rapidfuzz's normalised Indel similarity (``fuzz.ratio``/100) between the
   folded texts: order-sensitive, so a reordered or rewritten statement scores low, and a statement that
   is only part of another also scores below 1.
3. Statements are clustered by single linkage at ``SIMILAR`` (0.85): two statements share a cluster when
   a chain of statements each at least that similar joins them. The **national line** is the largest
   cluster (ties: the one whose earliest statement is earliest), provided it holds at least two
   authorities and at least ``MIN_STATEMENTS`` statements were compared.
4. Each authority's ``similarity`` is its mean similarity to the members of the national line (other
   than itself). Authorities outside the national line **depart** from it.

Findings: one per technology and kind (``notable`` when anyone departs, else ``info``), naming the
national line and the departing authorities; one per departing authority (``notable``), with its
similarity and the start of its statement. With fewer than ``MIN_STATEMENTS`` statements, or no two
alike, there is no national line and a single ``info`` finding says so.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

from mosaic.analyses.findings import (
    EvidenceRelation,
    FindingScope,
    empty_findings,
    grade_expr,
    metrics_struct,
    subject_columns,
    technology_columns,
)
from mosaic.analyses.inputs import AnalysisInputs
from mosaic.analyses.procedure import gather_rows, latest_rows, numbered
from mosaic.analyses.registry import CheckParams, register
from mosaic.analyses.timeline import date_text, evidence_item, plural
from mosaic.schema import Severity

#: Statements at least this similar (0-1) belong to the same cluster.
SIMILAR = 0.85
#: Fewer statements than this on a technology give no national line.
MIN_STATEMENTS = 3
#: Columns holding statements, and how a summary names them.
STATEMENT_KINDS: dict[str, str] = {
    "harm_statement": "harm statement",
    "public_interest_statement": "public interest statement",
}
_EXCERPT = 90


def latest_statements(inputs: AnalysisInputs, cutoff: dt.date) -> pl.DataFrame:
    """Each authority's latest statement per technology and kind, dated on or before ``cutoff``.

    Columns: the events' columns plus ``statement_kind``, ``statement`` (as written) and ``folded`` (the
    authority's name replaced, lower case, single spaces).
    """
    events = inputs.events
    # A column with no text at all (most CSV imports) is skipped outright: its null count is known.
    present = [
        kind
        for kind in STATEMENT_KINDS
        if kind in events.columns and events.get_column(kind).null_count() < events.height
    ]
    if not present:
        return pl.DataFrame()
    # Which response is each authority's latest statement is decided on row numbers and dates alone;
    # only those rows (a few thousand at most) are then gathered whole (see ``procedure.gather_rows``).
    dated = numbered(inputs.events).filter(pl.col("response_end").is_not_null() & (pl.col("response_end") <= cutoff))
    long = pl.concat(
        [
            # "Has a non-blank character": what stripping and measuring said, without copying every text.
            gather_rows(
                events, latest_rows(dated.filter(pl.col(kind).str.contains(r"\S")), ["technology_id", "authority_id"])
            ).with_columns(statement_kind=pl.lit(kind), statement=pl.col(kind))
            for kind in present
        ],
        how="vertical_relaxed",
    )
    own_name = pl.col("statement")
    for name_column in ("authority_label", "authority_name"):
        own_name = (
            pl.when(pl.col(name_column).is_not_null())
            .then(own_name.str.split(pl.col(name_column)).list.join("the authority"))
            .otherwise(own_name)
        )
    return (
        long.with_columns(folded=own_name.str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars())
        .sort("technology_id", "statement_kind", "response_end", "authority_id")
        .collect(engine="in-memory")
    )


def cluster_statements(
    folded: list[str], first_dates: list[dt.date | None]
) -> tuple[list[int], list[float], list[int], int | None]:
    """Cluster one technology's statements; return per statement its cluster, its mean similarity to
    the national line, its cluster's size, and the national line's cluster id (None when there is none).

    Single linkage at ``SIMILAR`` (see the module docstring); the pairwise matrix is small (one row per
    authority that answered), so it is computed whole with rapidfuzz's ``cdist``. A cluster's id is the
    union-find root that joining the similar pairs in row order gives (statement i's cluster absorbs
    every cluster holding a later statement similar to it), kept as a label array so each statement
    costs one vectorised step rather than a Python step per pair; the ids break ties between equally
    large and equally early clusters, so they are exactly the ones a pair-by-pair union-find gives.
    """
    count = len(folded)
    matrix = process.cdist(folded, folded, scorer=fuzz.ratio, dtype=None) / 100.0
    similar_later = np.triu(matrix >= SIMILAR, k=1)
    labels = np.arange(count)
    for i in np.flatnonzero(similar_later.any(axis=1)):
        absorbed = np.zeros(count, dtype=bool)
        absorbed[labels[similar_later[i]]] = True
        labels[absorbed[labels]] = labels[i]
    clusters = labels.tolist()
    sizes = Counter(clusters)
    earliest: dict[int, dt.date] = {}
    for cluster, date in zip(clusters, first_dates, strict=True):
        earliest[cluster] = min(earliest.get(cluster, dt.date.max), date or dt.date.max)
    line = min(sizes, key=lambda c: (-sizes[c], earliest[c], c))
    if count < MIN_STATEMENTS or sizes[line] < 2:
        line = None
    return clusters, _similarity_to_line(matrix, labels, line), [sizes[c] for c in clusters], line


def _similarity_to_line(matrix: np.ndarray, labels: np.ndarray, line: int | None) -> list[float]:
    """Each statement's mean similarity to the members of the national line other than itself (NaN without any).

    Summed left to right over the members (a cumulative sum, the self-similarity replaced by an exact
    0.0) in the matrix's own precision, so the means are bit for bit those of adding them one by one.
    """
    count = len(labels)
    if line is None:
        return [float("nan")] * count
    in_line = labels == line
    members = np.flatnonzero(in_line)
    to_line = matrix[:, members]
    to_line[members, np.arange(members.size)] = 0.0
    totals = np.cumsum(to_line, axis=1)[:, -1]
    others = (members.size - in_line).astype(matrix.dtype)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(others > 0, totals / others, np.nan)
    return [float(mean) for mean in means]


def score_statements(statements: pl.DataFrame) -> pl.DataFrame:
    """Add ``cluster``, ``similarity``, ``cluster_size``, ``in_line``, ``largest_cluster_size``, ``has_line``
    and ``statements`` to the latest statements, one technology and kind at a time.

    The groups' values are collected in plain lists and attached in one step: a polars frame per group
    cost more than clustering it.
    """
    groups = statements.partition_by("technology_id", "statement_kind", maintain_order=True)
    if not groups:
        return statements
    values: dict[str, list] = {
        name: []
        for name in (
            "cluster",
            "similarity",
            "cluster_size",
            "in_line",
            "largest_cluster_size",
            "has_line",
            "statements",
        )
    }
    for group in groups:
        clusters, similarity, sizes, line = cluster_statements(
            group.get_column("folded").to_list(), group.get_column("response_end").to_list()
        )
        values["cluster"] += clusters
        values["similarity"] += similarity
        values["cluster_size"] += sizes
        values["in_line"] += [line is not None and c == line for c in clusters]
        values["largest_cluster_size"] += [max(sizes) if line is not None else 0] * group.height
        values["has_line"] += [line is not None] * group.height
        values["statements"] += [group.height] * group.height
    dtypes = {"similarity": pl.Float64, "in_line": pl.Boolean, "has_line": pl.Boolean}
    return (
        pl.concat(groups, how="vertical_relaxed")
        .with_columns(pl.Series(name, column, dtype=dtypes.get(name, pl.Int64)) for name, column in values.items())
        .with_columns(pl.col("similarity").fill_nan(None))
    )


@register("boilerplate", "Departures from the national wording", "map")
def boilerplate(inputs: AnalysisInputs, as_of: dt.date | None, params: CheckParams) -> pl.DataFrame:
    """Per technology: the national line of harm and public-interest statements and who departs from it.

    Authorities' latest statements on the same technology are clustered by text similarity (rapidfuzz
    Indel similarity, single linkage at 0.85, the authority's own name masked); the largest cluster is
    the national line, and an authority outside it departs from it. Coordinated national wording is
    expected; a departure is the signal. Needs statement text, which ``mosaic ingest`` reads from letters.
    """
    cutoff = params.today if as_of is None else as_of
    statements = latest_statements(inputs, cutoff)
    if statements.height == 0:
        return empty_findings()
    scored = score_statements(statements).with_columns(
        kind_label=pl.col("statement_kind").replace_strict(STATEMENT_KINDS, return_dtype=pl.String),
        departs=pl.col("has_line") & ~pl.col("in_line"),
        relation=pl.lit(EvidenceRelation.EXACT.value),
        excerpt=pl.when(pl.col("statement").str.len_chars() > _EXCERPT)
        .then(pl.col("statement").str.slice(0, _EXCERPT - 1) + pl.lit("\u2026"))
        .otherwise(pl.col("statement")),
    )
    scored = scored.with_columns(
        __item=evidence_item(
            grade_expr(pl.col("source_type"), pl.lit(False)),
            pl.when(pl.col("departs"))
            .then(pl.lit("departs"))
            .when(pl.col("in_line"))
            .then(pl.lit("national_line"))
            .otherwise(pl.lit("statement")),
        )
    )
    per_technology = scored.group_by("technology_id", "statement_kind", maintain_order=True).agg(
        pl.col("technology_label", "kind_label", "statements", "largest_cluster_size", "has_line").first(),
        pl.col("similarity").filter(pl.col("in_line")).mean().alias("line_similarity"),
        pl.col("departs").sum().alias("departing"),
        pl.col("authority_label").filter(pl.col("departs")).sort().str.join(", ").alias("departing_names"),
        pl.concat([pl.col("__item").filter(pl.col("departs")), pl.col("__item").filter(~pl.col("departs"))])
        .head(params.evidence_limit)
        .alias("evidence"),
    )
    technology_findings = per_technology.select(
        *technology_columns("boilerplate", FindingScope.TECHNOLOGY, cutoff),
        pl.when(pl.col("departing") > 0)
        .then(pl.lit(Severity.NOTABLE.value))
        .otherwise(pl.lit(Severity.INFO.value))
        .alias("severity"),
        metrics_struct(
            similarity=pl.col("line_similarity"),
            cluster_size=pl.col("largest_cluster_size"),
            largest_cluster_size=pl.col("largest_cluster_size"),
            statements=pl.col("statements"),
        ),
        "evidence",
        pl.when(pl.col("statements") < MIN_STATEMENTS)
        .then(
            pl.format(
                "Only {} {}{} on {}: at least {} are needed to find a national line.",
                pl.col("statements"),
                pl.col("kind_label"),
                pl.when(pl.col("statements") == 1).then(pl.lit("")).otherwise(pl.lit("s")),
                pl.col("technology_label"),
                pl.lit(MIN_STATEMENTS),
            )
        )
        .when(~pl.col("has_line"))
        .then(
            pl.format(
                "No national line in the {}s on {}: {} compared, no two alike enough to share wording.",
                pl.col("kind_label"),
                pl.col("technology_label"),
                plural(pl.col("statements"), "statement"),
            )
        )
        .otherwise(
            pl.format(
                "{}s on {}: {} of {} authorities used the national line (mean similarity {}){}.",
                pl.col("kind_label").str.slice(0, 1).str.to_uppercase() + pl.col("kind_label").str.slice(1),
                pl.col("technology_label"),
                pl.col("largest_cluster_size"),
                pl.col("statements"),
                pl.col("line_similarity").round(2),
                pl.when(pl.col("departing") > 0)
                .then(pl.format("; {} departed: {}", pl.col("departing"), pl.col("departing_names")))
                .otherwise(pl.lit("; none departed")),
            )
        )
        .alias("summary"),
    )
    departures = scored.filter(pl.col("departs")).select(
        *subject_columns("boilerplate", FindingScope.RESPONSE, cutoff),
        pl.lit(Severity.NOTABLE.value).alias("severity"),
        metrics_struct(
            similarity=pl.col("similarity"),
            cluster_size=pl.col("cluster_size"),
            largest_cluster_size=pl.col("largest_cluster_size"),
            statements=pl.col("statements"),
        ),
        pl.concat_list(pl.col("__item")).alias("evidence"),
        pl.format(
            '{}\'s {} on {} ({}) departs from the national line of {} authorities (similarity {}): "{}"',
            pl.col("authority_label"),
            pl.col("kind_label"),
            pl.col("technology_label"),
            date_text(pl.col("response_date"), pl.col("response_date_precision")),
            pl.col("largest_cluster_size"),
            pl.col("similarity").round(2),
            pl.col("excerpt"),
        ).alias("summary"),
    )
    return pl.concat([technology_findings, departures], how="diagonal_relaxed")
