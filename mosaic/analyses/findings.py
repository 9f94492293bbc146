"""The findings contract: one frame schema that every check returns.

Every check, whatever it measures, returns rows of the same shape, so the CLI, the reports, the graph and
the dashboard can list, filter and render findings without knowing which check made them. What differs
between checks lives in two nested columns declared here once:

* ``metrics``: a struct holding the union of every check's numbers (``METRICS``). A check fills the
  fields it computes and leaves the rest null, so ``pl.col("metrics").struct.field("peer_share")`` works
  across the whole frame and JSON output simply drops the nulls.
* ``evidence``: a list of structs, one per fact that supports the finding (an earlier disclosure, the
  other side of a selective NCND, a neighbour's answer...), each with its date, stance, grade and source.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import numpy as np
import polars as pl

from mosaic.errors import SchemaError
from mosaic.schema import OFFICIAL_SOURCE_TYPES, EvidenceGrade, Severity


class FindingScope(StrEnum):
    """What one finding is about."""

    RESPONSE = "response"
    """One response (an NCND, a late answer...)."""
    AUTHORITY = "authority"
    """One authority's answers on one technology (a series) or across a category."""
    TECHNOLOGY = "technology"
    """The national picture for one technology."""
    REGION = "region"
    """One region's picture for one technology."""


class EvidenceRelation(StrEnum):
    """How the technology of a piece of evidence relates to the technology of the finding."""

    EXACT = "exact"
    """The same product (or category) as the finding."""
    BROADER = "broader"
    """An ancestor: the evidence is about the category the finding's product belongs to."""
    NARROWER = "narrower"
    """A descendant: the evidence is about a variant or product inside the finding's category."""
    SIBLING = "sibling"
    """Another product of the same category (selective NCND)."""


#: The fewest answers a cross-authority finding rests on before it may be ``strong``: no finding is strong
#: on one or two answers (``../shared/domain.md``, "Strength needs numbers"). An authority's own earlier
#: answer (self-acknowledgment, a reversal in its own series) is the exception: one official answer of
#: its own is the strongest evidence there is (grade ``official_self``).
STRONG_MIN_ANSWERS = 3

#: Severities a finding may carry (ingest issues use warning/error instead).
FINDING_SEVERITIES: tuple[str, ...] = (Severity.INFO.value, Severity.NOTABLE.value, Severity.STRONG.value)

#: One piece of evidence. ``authority``/``technology`` are display names (register name, else as given).
#: Fields with few distinct values are Categorical: a bulk run on a million responses lists millions of
#: evidence items, and a 4-byte code per field (instead of a string per field) is what keeps that list
#: within memory and gathers it several times faster. They read back as plain strings (``to_dicts``,
#: ``iter_rows``, JSON) and compare equal to string literals. ``exemptions`` is the cited codes as one
#: text ("s24(2); s31(3)", null when none): a list nested in every item tripled the cost of building
#: the evidence lists, and the response itself (``response_id``) keeps the list.
_CODE = pl.Categorical()
EVIDENCE_STRUCT = pl.Struct(
    {
        "authority_id": _CODE,
        "authority": _CODE,
        "technology_id": _CODE,
        "technology": _CODE,
        "date": pl.Date(),
        "date_precision": _CODE,
        "stance": _CODE,
        "outcome": _CODE,
        "exemptions": _CODE,
        "grade": _CODE,
        "source_url": pl.String(),
        "source_type": _CODE,
        "relation": _CODE,
        "role": _CODE,
        "response_id": pl.String(),
    }
)
EVIDENCE_DTYPE = pl.List(EVIDENCE_STRUCT)
#: The evidence lists with their Categorical fields as text: what an evidence list's id is a hash of.
_EVIDENCE_AS_TEXT = pl.List(
    pl.Struct({name: pl.String() if dtype == _CODE else dtype for name, dtype in EVIDENCE_STRUCT.to_schema().items()})
)

#: Every metric any check reports: name -> (dtype, meaning). Counts are of distinct authorities.
METRICS: dict[str, tuple[pl.DataType, str]] = {
    # peer_disclosure
    "peers_exact": (
        pl.Int64(),
        "Other authorities that had confirmed or denied the same technology before the cut-off.",
    ),
    "peers_broader": (pl.Int64(), "Other authorities that had confirmed or denied a category containing it."),
    "peers_narrower": (pl.Int64(), "Other authorities that had confirmed or denied a product or variant inside it."),
    "peers_official_exact": (pl.Int64(), "Of peers_exact, those with an official source (grade official_peer)."),
    "peers_asked": (pl.Int64(), "Authorities (this one included) asked about the same technology by the as-of date."),
    "peer_share": (
        pl.Float64(),
        "peers_exact / (peers_asked - 1): share of the other authorities asked that had answered.",
    ),
    "peer_share_low": (pl.Float64(), "Lower end of the 95% Wilson interval of peer_share."),
    "peer_share_high": (pl.Float64(), "Upper end of the 95% Wilson interval of peer_share."),
    "days_since_earliest_peer": (pl.Int64(), "Days from the earliest exact peer disclosure to the cut-off."),
    "peers_around": (
        pl.Int64(),
        "Other authorities whose first answer on the same technology may have come just before or just after the NCND (same day, or dates too imprecise to order); not in peers_exact.",
    ),
    # self_acknowledgment / series_consistency / selective_ncnd
    "earlier_exact": (pl.Int64(), "The authority's own earlier confirm or deny answers on the same technology."),
    "earlier_broader": (pl.Int64(), "The authority's own earlier confirm or deny answers on a category containing it."),
    "days_since_acknowledgment": (
        pl.Int64(),
        "Days from the authority's own latest earlier confirm or deny to this answer.",
    ),
    "reversals": (
        pl.Int64(),
        "The authority's NCNDs on the technology given certainly after a confirm or deny of its own on it.",
    ),
    "ncnd_then_answered": (
        pl.Int64(),
        "The authority's confirm or deny answers on the technology given certainly after an NCND of its own on it.",
    ),
    "answered_same_time": (
        pl.Int64(),
        "The authority's NCNDs given around the same time as a confirm or deny of its own (same day, or dates too imprecise to order).",
    ),
    "series_length": (pl.Int64(), "Answers in the authority's series on the technology up to the as-of date."),
    "denied_siblings": (pl.Int64(), "Other products of the same category the authority denied within the window."),
    "window_days": (pl.Int64(), "The time window the check used, in days."),
    # mosaic_exposure
    "asked": (pl.Int64(), "Authorities asked about the technology by the as-of date (the universe)."),
    "disclosed": (pl.Int64(), "Of those asked, authorities whose latest public answer is a confirm or deny."),
    "confirms": (pl.Int64(), "Of those disclosed, authorities that confirmed."),
    "denies": (pl.Int64(), "Of those disclosed, authorities that denied."),
    "coverage": (pl.Float64(), "disclosed / asked: the share of the map already public."),
    "coverage_low": (pl.Float64(), "Lower end of the 95% Wilson interval of coverage."),
    "coverage_high": (pl.Float64(), "Upper end of the 95% Wilson interval of coverage."),
    "base_rate": (
        pl.Float64(),
        "(confirms + 1) / (confirms + denies + 2): the smoothed rate of use among disclosures.",
    ),
    "disclosed_neighbours": (pl.Int64(), "Land neighbours in the universe with a public answer."),
    "confirming_neighbours": (pl.Int64(), "Of the disclosed neighbours, those that confirmed."),
    "predicted_use_probability": (
        pl.Float64(),
        "Probability of use an adversary can already infer from the public map.",
    ),
    "predictability": (pl.Float64(), "max(p, 1 - p) of the predicted use probability."),
    "marginal_bits": (pl.Float64(), "Binary entropy of the prediction: what one more answer would add, in bits."),
    "mean_marginal_bits": (pl.Float64(), "Mean marginal_bits over the authorities without a public answer."),
    "undisclosed": (pl.Int64(), "Authorities asked without a public answer (NCND, refused or no answer)."),
    "category_confirms": (
        pl.Int64(),
        "Authorities that had publicly confirmed a category containing the technology (use of some such technology, not necessarily this one).",
    ),
    "category_denies": (
        pl.Int64(),
        "Authorities that had publicly denied a category containing the technology (so not using this one either).",
    ),
    "oldest_disclosure_days": (pl.Int64(), "Age in days of the oldest answer still counted as the public one."),
    # ncnd_tell
    "ncnd_used": (pl.Int64(), "2x2 table: NCND at the time and later known to use."),
    "ncnd_not_used": (pl.Int64(), "2x2 table: NCND at the time and later known not to use."),
    "answered_used": (pl.Int64(), "2x2 table: answered at the time and later known to use."),
    "answered_not_used": (pl.Int64(), "2x2 table: answered at the time and later known not to use."),
    "odds_ratio": (pl.Float64(), "Haldane-corrected odds ratio of use given NCND."),
    "odds_ratio_low": (pl.Float64(), "Lower end of the 95% interval of the odds ratio (log scale, Haldane)."),
    "odds_ratio_high": (pl.Float64(), "Upper end of the 95% interval of the odds ratio."),
    "fisher_p": (pl.Float64(), "Two-sided Fisher's exact test p-value of the 2x2 table."),
    # exemption_consistency / ncnd_limb
    "ncnd_count": (pl.Int64(), "NCND answers (authorities' latest) on the technology."),
    "modal_set_count": (pl.Int64(), "Authorities whose latest NCND cited the modal exemption set."),
    "jaccard_distance": (pl.Float64(), "1 - |A ∩ M| / |A ∪ M| between this NCND's exemptions and the modal set."),
    "distinct_sets": (pl.Int64(), "Distinct exemption sets cited by NCNDs on the technology."),
    "cited_codes": (pl.Int64(), "Exemption codes the NCND cited."),
    # regulator_consistency
    "decisions": (pl.Int64(), "Regulator decisions on answers about the technology (under one law) by the as-of date."),
    "decisions_upheld": (pl.Int64(), "Of those, decisions that upheld the authority's answer."),
    "decisions_upheld_in_part": (pl.Int64(), "Of those, decisions that upheld the answer in part."),
    "decisions_not_upheld": (pl.Int64(), "Of those, decisions that did not uphold the answer (or ordered a step)."),
    "decisions_differing": (
        pl.Int64(),
        "Other decisions on the same technology, law and a shared exemption that reached a different outcome.",
    ),
    # timeliness
    "working_days": (pl.Int64(), "Working days from request to response (England and Wales bank holidays excluded)."),
    "days_late": (pl.Int64(), "Working days beyond the deadline."),
    "deadline_working_days": (pl.Int64(), "The statutory deadline used, in working days."),
    # boilerplate (documents)
    "similarity": (pl.Float64(), "Similarity (0-1) of this authority's statement to the national line."),
    "cluster_size": (pl.Int64(), "Authorities whose statement falls in the same cluster."),
    "largest_cluster_size": (pl.Int64(), "Authorities in the national line (the largest cluster)."),
    "statements": (pl.Int64(), "Statements compared for the technology."),
}

METRICS_STRUCT = pl.Struct({name: dtype for name, (dtype, _) in METRICS.items()})

FINDING_SCHEMA = pl.Schema(
    {
        "check": pl.String(),
        "scope": pl.String(),
        "authority_id": pl.String(),
        "authority_name": pl.String(),
        "technology_id": pl.String(),
        "technology_name": pl.String(),
        "region": pl.String(),
        "response_id": pl.String(),
        "response_date": pl.Date(),
        "as_of": pl.Date(),
        "severity": pl.String(),
        "metrics": METRICS_STRUCT,
        "evidence": EVIDENCE_DTYPE,
        "summary": pl.String(),
    }
)

#: A run's findings as the findings cache stores them and as a findings Parquet file holds them
#: (``mosaic analyse -f parquet``): the same layout, so a stored run is written out as a copy of its file.
#: What a reader looks at first, then the numbers, then the key of the evidence list (``key_evidence``).
RUN_FILE_COLUMNS: tuple[str, ...] = (
    "check", "severity", "scope", "authority_id", "authority_name", "technology_id", "technology_name",
    "region", "response_id", "response_date", "as_of", "summary", "metrics", "evidence_count", "evidence_id",
)  # fmt: skip

#: Meaning of each findings column (for docs, tooltips and the JSON contract).
FINDING_COLUMNS: dict[str, str] = {
    "check": "Id of the check that made the finding.",
    "scope": "What the finding is about: response, authority, technology or region.",
    "authority_id": "Register id of the authority (null for a technology- or region-wide finding).",
    "authority_name": "The authority's register name (else the name as given).",
    "technology_id": "Taxonomy id of the technology.",
    "technology_name": "The technology's taxonomy name (else the name as given).",
    "region": "Region, for region-wide findings (and the authority's region otherwise).",
    "response_id": "The response the finding is about (null when not about one response).",
    "response_date": "Date of that response (first day of its period).",
    "as_of": "Only facts public on or before this date were used.",
    "severity": "info, notable or strong.",
    "metrics": "The check's numbers (see METRICS); fields a check does not compute are null.",
    "evidence": "The facts behind the finding, each with date, stance, grade, source and relation.",
    "summary": "One plain-English sentence with the numbers.",
}


def empty_findings() -> pl.DataFrame:
    """Return an empty findings frame."""
    return pl.DataFrame(schema=FINDING_SCHEMA)


def metrics_struct(**fields: pl.Expr | Any) -> pl.Expr:
    """Build the ``metrics`` struct from the fields a check computes; every other metric is null.

    Unknown names raise ``SchemaError`` so a typo cannot create a metric that no reader knows about.
    """
    unknown = set(fields) - set(METRICS)
    if unknown:
        raise SchemaError(f"unknown metric(s): {', '.join(sorted(unknown))}")
    parts = []
    for name, (dtype, _) in METRICS.items():
        value = fields.get(name)
        if value is None:
            parts.append(pl.lit(None, dtype=dtype).alias(name))
        else:
            expr = value if isinstance(value, pl.Expr) else pl.lit(value)
            parts.append(expr.cast(dtype).alias(name))
    return pl.struct(parts).alias("metrics")


def _as_of_expr(as_of: str | dt.date | pl.Expr) -> pl.Expr:
    if isinstance(as_of, pl.Expr):
        return as_of.alias("as_of")
    return (pl.col(as_of) if isinstance(as_of, str) else pl.lit(as_of)).alias("as_of")


def subject_columns(
    check: str, scope: FindingScope, as_of: str | dt.date | pl.Expr, *, with_response: bool = True
) -> list[pl.Expr]:
    """The identity columns of a finding about one authority's answer(s), from a row shaped like ``events``.

    ``as_of`` is a column name, a date or an expression. ``with_response`` adds ``response_id`` and
    ``response_date`` (a finding about one response rather than a series).
    """
    columns = [
        pl.lit(check).alias("check"),
        pl.lit(scope.value).alias("scope"),
        pl.col("authority_id"),
        pl.col("authority_label").alias("authority_name"),
        pl.col("technology_id"),
        pl.col("technology_label").alias("technology_name"),
        pl.col("region"),
    ]
    if with_response:
        columns += [pl.col("response_id"), pl.col("response_date")]
    return [*columns, _as_of_expr(as_of)]


def technology_columns(check: str, scope: FindingScope, as_of: str | dt.date | pl.Expr) -> list[pl.Expr]:
    """The identity columns of a technology- or region-wide finding (no authority): check to as_of."""
    return [
        pl.lit(check).alias("check"),
        pl.lit(scope.value).alias("scope"),
        pl.lit(None, pl.String).alias("authority_id"),
        pl.lit(None, pl.String).alias("authority_name"),
        pl.col("technology_id"),
        pl.col("technology_label").alias("technology_name"),
        _as_of_expr(as_of),
    ]


#: An optional column of a check's output: findings with the same value cite the same evidence list,
#: because the check built each list from that value (``peer_disclosure``: the technology, the authority
#: and how many disclosures of each relation came before; ``self_acknowledgment``: the answers it picked).
#: ``key_evidence`` then tells lists apart by it instead of hashing each one: 511,711 peer findings at a
#: million answers cite 356 lists, and hashing 5.1 million items to find them took a second.
EVIDENCE_GROUP = "__evidence_group"


def finalise_findings(frame: pl.DataFrame | pl.LazyFrame, *, evidence_groups: bool = False) -> pl.DataFrame:
    """Check a check's output against the contract and return it in column order.

    Missing optional columns (``region``, ``response_id``, ``response_date``, ``evidence``) are added as
    null/empty; anything else missing or mistyped raises ``SchemaError`` naming the column.
    ``evidence_groups``: keep ``EVIDENCE_GROUP`` last, as a 64-bit hash of the check's value (null when
    the check gives none); otherwise it is dropped.
    """
    lazy = frame.lazy()
    present = lazy.collect_schema()
    fill = {
        "region": pl.lit(None, pl.String()),
        "response_id": pl.lit(None, pl.String()),
        "response_date": pl.lit(None, pl.Date()),
        "evidence": pl.lit([], EVIDENCE_DTYPE),
    }
    lazy = lazy.with_columns([expr.alias(name) for name, expr in fill.items() if name not in present])
    if present.get("evidence") not in (None, EVIDENCE_DTYPE):
        # Evidence edited after ``evidence_item`` (e.g. ``struct.with_fields(role=...)``) may carry a String
        # where the contract keeps a Categorical; same fields, so a cast puts it right (an error otherwise).
        lazy = lazy.with_columns(pl.col("evidence").cast(EVIDENCE_DTYPE))
    schema = lazy.collect_schema()
    problems = [
        f"{name} {'missing' if name not in schema else f'is {schema[name]}, expected {dtype}'}"
        for name, dtype in FINDING_SCHEMA.items()
        if name not in schema or schema[name] != dtype
    ]
    if problems:
        raise SchemaError("findings do not match their schema: " + "; ".join(problems))
    # A finding without evidence has an empty list, never a null one: one shape for every reader.
    lazy = lazy.with_columns(pl.col("evidence").fill_null(pl.lit([], dtype=EVIDENCE_DTYPE)))
    columns: list[str | pl.Expr] = list(FINDING_SCHEMA.names())
    if evidence_groups:
        given = pl.col(EVIDENCE_GROUP).hash(seed=0) if EVIDENCE_GROUP in schema else pl.lit(None, pl.UInt64)
        columns.append(given.alias(EVIDENCE_GROUP))
    result = lazy.select(columns).collect(engine="in-memory")
    bad = result.filter(~pl.col("severity").is_in(FINDING_SEVERITIES))
    if bad.height:
        raise SchemaError(
            f"findings have severities outside {FINDING_SEVERITIES}: {bad.get_column('severity').unique().to_list()}"
        )
    return result


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


def findings_records(findings: pl.DataFrame) -> list[dict[str, Any]]:
    """Turn findings into plain JSON-ready dicts: ISO dates, metrics without nulls, evidence as objects.

    This is the JSON contract of ``mosaic analyse --format json`` and of the reports' data model.
    """
    records = []
    for row in findings.iter_rows(named=True):
        record = {key: _plain(value) for key, value in row.items() if key not in ("metrics", "evidence")}
        record["metrics"] = {k: _plain(v) for k, v in (row["metrics"] or {}).items() if v is not None}
        record["evidence"] = [
            {k: _plain(v) for k, v in item.items() if v is not None} for item in (row["evidence"] or [])
        ]
        records.append(record)
    return records


def grade_expr(source_type: pl.Expr, is_self: pl.Expr) -> pl.Expr:
    """The evidence grade of a disclosure: official_self, official_peer or unofficial (domain.md)."""
    official = source_type.fill_null("foi_response").is_in([s.value for s in OFFICIAL_SOURCE_TYPES])
    return (
        pl.when(~official)
        .then(pl.lit(EvidenceGrade.UNOFFICIAL.value))
        .when(is_self)
        .then(pl.lit(EvidenceGrade.OFFICIAL_SELF.value))
        .otherwise(pl.lit(EvidenceGrade.OFFICIAL_PEER.value))
    )


def key_evidence(findings: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(findings with ``evidence_count`` and ``evidence_id`` instead of their evidence, the distinct
    evidence lists as ``evidence_id``, ``evidence``).

    The id is the list's 64-bit hash (of its text: the same list has the same id in every run and every
    process) and its length (``e<hash>n<length>``). Telling lists apart by
    comparing them item by item cost more than every check together; two different lists of the same
    length sharing a 64-bit hash has a probability near 1e-8 even among a million distinct lists.

    Two hashes, because the text is dear and the lists repeat: the lists are told apart by a hash of
    their Categorical fields' codes (fast, but the codes follow the order in which a process first met
    each value, so it means nothing outside this call), or by the check's own ``EVIDENCE_GROUP`` when
    ``findings`` carry it, and only the distinct ones are hashed as text for their id. At a million
    answers, 511,711 peer findings cite 356 distinct lists: hashing every list as text took 2.9 s of a
    run, the codes 1.4 s."""
    evidence = findings.get_column("evidence")
    counts = evidence.list.len().fill_null(0).cast(pl.Int64)
    groups = findings.get_column(EVIDENCE_GROUP) if EVIDENCE_GROUP in findings.columns else None
    if groups is not None:
        findings = findings.drop(EVIDENCE_GROUP)
    # The check's own groups when it gave them for every finding (``EVIDENCE_GROUP``), else the lists' codes.
    told_apart = groups if groups is not None and not groups.has_nulls() else _hashed(evidence, text=False)
    keys = pl.DataFrame(
        {"__row": pl.int_range(findings.height, dtype=pl.UInt32, eager=True), "__codes": told_apart,
         "evidence_count": counts}
    )  # fmt: skip
    first_rows = keys.filter(pl.col("evidence_count") > 0).unique(
        ["__codes", "evidence_count"], keep="first", maintain_order=True
    )
    # The first rows are in row order, so a mask picks the same lists as a gather: gathering from the
    # checks' many-chunked column of nested structs took longer than hashing it (2.5 s against 0.2 s).
    first = pl.repeat(False, findings.height, dtype=pl.Boolean, eager=True)
    first = first.scatter(first_rows.get_column("__row"), True) if first_rows.height else first
    lists = evidence.filter(first)
    identity = pl.format("e{}n{}", _hashed(lists, text=True), pl.col("evidence_count"))
    ids = first_rows.select("__codes", "evidence_count", identity.alias("evidence_id"))
    # Two groups may make the same list (the same earlier answers): kept once, where first cited.
    distinct = ids.select("evidence_id").with_columns(lists).unique("evidence_id", keep="first", maintain_order=True)
    named = keys.join(ids, on=["__codes", "evidence_count"], how="left", maintain_order="left")
    keyed = findings.drop("evidence").with_columns(named.get_column("evidence_count"), named.get_column("evidence_id"))
    return keyed, distinct


def _hashed(evidence: pl.Series, *, text: bool) -> pl.Series:
    """Each evidence list's 64-bit hash: of its text (``text``: stable across processes), else of its
    Categorical fields' codes (meaningful within this process only).

    Hashed a slice at a time: hashing nested lists builds a temporary copy of what it hashes (the text
    copy of 100,000 lists at a time added 110 MB to a million answers' peak)."""
    step = 25_000
    if not evidence.len():
        return pl.Series("__hash", [], dtype=pl.UInt64)
    as_hashed = (lambda part: part.cast(_EVIDENCE_AS_TEXT)) if text else (lambda part: part.to_physical())
    return pl.concat(
        [as_hashed(evidence.slice(start, step)).hash(seed=0) for start in range(0, evidence.len(), step)]
    ).alias("__hash")


def in_citation_order(keyed: pl.DataFrame | pl.LazyFrame, evidence_sets: pl.DataFrame) -> pl.DataFrame:
    """``evidence_sets`` in the order ``keyed``'s findings first cite them (lists no finding cites left
    out): with the findings in a fixed order, the same data then writes the same bytes, whatever order
    the checks made the lists in."""
    order = keyed.lazy().select("evidence_id").drop_nulls().unique(maintain_order=True).collect()
    return order.join(evidence_sets, on="evidence_id", how="left", maintain_order="left")


def compact_metrics(findings: pl.DataFrame) -> pl.DataFrame:
    """``findings`` with each metric none of them sets held as a null field that takes no memory.

    Why: ``metrics`` carries every check's fields (``METRICS``) and a check sets a handful, yet a field
    read from Parquet or built by a check holds 8 bytes a row whether set or not: at a million findings the
    nulls were 60% of the findings' memory. Give it one check's findings (``keyed_checks`` and the
    findings cache do, check by check), where most fields are wholly null. Values are unchanged.

    The result is one chunk per column, so the checks' frames concatenated keep every column's chunks
    aligned: a frame whose columns are chunked differently is rechunked whole, in place, by the next
    operation that needs them aligned, and its unset metrics with it (1.3 GB at two million findings)."""
    findings = findings.rechunk()
    if findings.height == 0 or findings.get_column("metrics").null_count():
        return findings
    return from_flat_metrics(flat_metrics(findings), findings.columns)


def gather_findings(findings: pl.DataFrame, rows: pl.Series) -> pl.DataFrame:
    """``findings[rows]`` (in the order of ``rows``) for findings whose metrics are compact, as the cache
    reads them (``compact_metrics``, one chunk per check): the metrics are gathered chunk by chunk.

    Why: gathering across the chunks of a struct first joins them, and with them every chunk's unset
    fields, which then take their full memory: 500 rows of ten million answers' findings took 9 s and
    4.8 GB that way, and 30 ms and nothing chunk by chunk. The other columns gather as they are."""
    metrics = findings.get_column("metrics")
    rest = findings.drop("metrics")[rows]
    if metrics.n_chunks() == 1 or rows.len() == 0:
        return rest.with_columns(metrics[rows]).select(findings.columns)
    chunks = metrics.get_chunks()
    ends = np.cumsum([chunk.len() for chunk in chunks])
    positions = rows.cast(pl.Int64).to_numpy()
    chunk_of = np.searchsorted(ends, positions, side="right")
    by_chunk = np.argsort(chunk_of, kind="stable")
    pieces = []
    for k in np.unique(chunk_of):
        local = positions[by_chunk][chunk_of[by_chunk] == k] - (ends[k] - chunks[k].len())
        pieces.append(chunks[k][pl.Series(local, dtype=pl.UInt32)])
    gathered = pl.concat(pieces)[pl.Series(np.argsort(by_chunk), dtype=pl.UInt32)]
    return rest.with_columns(gathered).select(findings.columns)


#: The prefix of a metric's column when findings are set down flat (``flat_metrics``).
FLAT_METRIC_PREFIX = "metric:"


def flat_metrics(findings: pl.DataFrame) -> pl.DataFrame:
    """``findings`` with each metric some finding sets as its own column (``metric:<name>``) and the
    ``metrics`` struct dropped: set down so, a file stores and reads back only the metrics a check sets, not
    the 60-odd fields it leaves null. ``from_flat_metrics`` puts the struct back."""
    metrics = findings.get_column("metrics")
    set_fields = [field for field in metrics.struct.unnest().iter_columns() if field.null_count() < findings.height]
    return findings.drop("metrics").with_columns(field.alias(FLAT_METRIC_PREFIX + field.name) for field in set_fields)


def from_flat_metrics(flat: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """The inverse of ``flat_metrics``, in the order ``columns``: the ``metrics`` struct (``FINDING_SCHEMA``'s
    fields, in order) from the flat columns, each metric without one a null field that takes no memory."""
    fields = [
        flat.get_column(FLAT_METRIC_PREFIX + name).alias(name)
        if FLAT_METRIC_PREFIX + name in flat.columns
        else pl.repeat(None, flat.height, dtype=dtype, eager=True).alias(name)
        for name, dtype in FINDING_SCHEMA["metrics"].to_schema().items()
    ]
    metrics = pl.DataFrame(fields, schema=FINDING_SCHEMA["metrics"].to_schema()).to_struct("metrics")
    return flat.with_columns(metrics).select(columns)


#: Rows of a lazy run read at a time when it is streamed to a file (``in_sequence``).
STREAM_ROWS = 100_000


def in_sequence(frame: pl.LazyFrame, rows: int) -> pl.LazyFrame:
    """``frame`` (of ``rows`` rows) as slices of ``STREAM_ROWS`` read one after the other. Why: polars'
    streaming sink reads ahead of its writer, and given one scan it decoded most of the file at once (a
    million findings to Parquet peaked 1.07 GB; in slices 0.49 GB)."""
    if rows <= STREAM_ROWS:
        return frame
    return pl.concat([frame.slice(start, STREAM_ROWS) for start in range(0, rows, STREAM_ROWS)], parallel=False)


def with_evidence(keyed: pl.DataFrame, evidence_sets: pl.DataFrame) -> pl.DataFrame:
    """The inverse of ``key_evidence``: each finding with its evidence list back in place, in the
    ``FINDING_SCHEMA`` (a finding without evidence has an empty list)."""
    joined = keyed.join(evidence_sets, on="evidence_id", how="left", maintain_order="left")
    return joined.with_columns(pl.col("evidence").fill_null(pl.lit([], dtype=EVIDENCE_DTYPE))).select(
        FINDING_SCHEMA.names()
    )
