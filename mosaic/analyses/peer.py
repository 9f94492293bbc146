"""Peer disclosure and self-acknowledgment: what was already public when an authority gave an NCND.

These two checks test the requester's argument ("other forces have already disclosed") and its strongest
form ("you yourself already said so"). Both judge each NCND (full or partial) as of its own date by
default: a disclosure made after the NCND cannot have made it inconsistent when it was given.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from mosaic.analyses.findings import EvidenceRelation, FindingScope, grade_expr, metrics_struct, subject_columns
from mosaic.analyses.inputs import AnalysisInputs
from mosaic.analyses.overview import wilson_bounds
from mosaic.analyses.registry import CheckParams, register
from mosaic.analyses.timeline import count_before, evidence_item, first_disclosures, iso, plural, retarget, with_limits
from mosaic.schema import Severity

_RELATIONS = (EvidenceRelation.EXACT, EvidenceRelation.BROADER, EvidenceRelation.NARROWER)
_KEYS = ["technology_id"]


def ncnd_subjects(inputs: AnalysisInputs, as_of: dt.date | None, params: CheckParams) -> pl.LazyFrame:
    """The NCND responses to judge, with ``as_of`` and ``limit`` (see ``timeline.with_limits``)."""
    return with_limits(inputs.events.lazy().filter(pl.col("is_ncnd") & params.focus()), as_of, params.today)


def _wilson_columns(successes: str, trials: str, prefix: str) -> list[pl.Expr]:
    """Wilson interval bounds of successes / trials as two Float64 columns (null when there are no trials)."""
    low, high = wilson_bounds(pl.col(successes), pl.col(trials))
    return [low.alias(f"{prefix}_low"), high.alias(f"{prefix}_high")]


def _peer_count(subjects: pl.LazyFrame, disclosures: pl.LazyFrame, name: str) -> pl.LazyFrame:
    """Add ``name``: distinct *other* authorities whose first disclosure (re-keyed by target) is before limit."""
    firsts = disclosures.group_by("target_id", "authority_id").agg(pl.col("first_end").min()).rename({"target_id": "technology_id"})
    counted = count_before(firsts, subjects, _KEYS, event_date="first_end", query_date="limit", name=name)
    own = firsts.rename({"first_end": "__own_first"})
    return (
        counted.join(own, on=["technology_id", "authority_id"], how="left")
        .with_columns((pl.col(name).fill_null(0) - (pl.col("__own_first") < pl.col("limit")).fill_null(False).cast(pl.Int64)).alias(name))
        .drop("__own_first")
    )


@register("peer_disclosure", "Other authorities had already disclosed", "response")
def peer_disclosure(inputs: AnalysisInputs, as_of: dt.date | None, params: CheckParams) -> pl.LazyFrame:
    """For each NCND, the other authorities that had confirmed or denied the same thing before it.

    Method. Each authority's earliest dated confirm or deny per technology is found once. A disclosure
    bears on an NCND about technology T as ``exact`` (same T), ``broader`` (about a category containing T)
    or ``narrower`` (about a product or variant inside T). For each NCND the distinct *other* authorities
    whose earliest such disclosure is dated strictly before the NCND (period ends compared; with
    ``--as-of``, on or before that date) are counted with one sort and running totals. ``peers_asked``
    counts distinct authorities (this one included) with any response on T whose request date (else
    response date) is on or before the as-of date; ``peer_share`` = peers_exact / (peers_asked - 1), with a
    Wilson interval. Evidence lists, per relation, the earliest ``evidence_limit`` disclosures (one per
    authority and grade: official and unofficial kept apart); the counts are always complete. Grades:
    ``official_peer`` for FOI answers, press releases, procurement, parliamentary answers, published
    policy and surveys; ``unofficial`` for media reports, leaks and other. Severity: ``strong`` when at
    least one other authority had officially disclosed the same technology, ``notable`` when only broader,
    narrower or unofficial evidence exists, ``info`` when nothing was public. Peer evidence is persuasive,
    not a waiver.
    """
    subjects = ncnd_subjects(inputs, as_of, params).select(
        "response_id", "authority_id", "authority_label", "technology_id", "technology_label", "region",
        "response_date", "response_date_precision", "response_end", "as_of", "limit",
    )  # fmt: skip
    # Small frames (one row per authority, technology and grade) materialised once and reused.
    firsts = first_disclosures(inputs).collect(engine="in-memory").lazy()
    targeted = {relation: retarget(firsts, inputs.pairs, relation).collect(engine="in-memory").lazy() for relation in _RELATIONS}

    counted = subjects
    for relation in _RELATIONS:
        counted = _peer_count(counted, targeted[relation], f"peers_{relation.value}")
    counted = _peer_count(counted, targeted[EvidenceRelation.EXACT].filter(pl.col("is_official")), "peers_official_exact")

    # Asked: distinct authorities with a response on the technology, asked on or before the as-of date.
    asked = inputs.events.lazy().group_by("technology_id", "authority_id").agg(pl.col("asked_on").min()).collect(engine="in-memory").lazy()
    counted = count_before(asked, counted, _KEYS, event_date="asked_on", query_date="as_of", strict=False, name="__asked_all")
    counted = (
        counted.join(asked.rename({"asked_on": "__own_asked"}), on=["technology_id", "authority_id"], how="left")
        .with_columns(
            peers_asked=(
                pl.col("__asked_all").fill_null(0) - (pl.col("__own_asked") <= pl.col("as_of")).fill_null(False).cast(pl.Int64) + 1
            )
        )
        .drop("__asked_all", "__own_asked")
    )

    # Earliest exact peer: the two earliest first disclosures per technology, skipping this authority.
    exact_firsts = targeted[EvidenceRelation.EXACT].group_by("target_id", "authority_id").agg(pl.col("first_end").min())
    two_earliest = (
        exact_firsts.sort("first_end", "authority_id")
        .group_by("target_id")
        .agg(pl.col("first_end").head(2).alias("__dates"), pl.col("authority_id").head(2).alias("__ids"))
        .rename({"target_id": "technology_id"})
    )
    counted = (
        counted.join(two_earliest, on="technology_id", how="left")
        .with_columns(
            __earliest=pl.when(pl.col("__ids").list.get(0, null_on_oob=True) != pl.col("authority_id"))
            .then(pl.col("__dates").list.get(0, null_on_oob=True))
            .otherwise(pl.col("__dates").list.get(1, null_on_oob=True))
        )
        .with_columns(
            earliest_peer_date=pl.when(pl.col("__earliest") < pl.col("limit")).then(pl.col("__earliest")),
        )
        .drop("__dates", "__ids", "__earliest")
    )

    evidence = _peer_evidence(subjects, targeted, params.evidence_limit)
    frame = counted.join(evidence, on="response_id", how="left").collect(engine="in-memory")
    frame = frame.with_columns(
        peer_share=pl.when(pl.col("peers_asked") > 1).then(pl.col("peers_exact") / (pl.col("peers_asked") - 1)),
        __others=pl.col("peers_asked") - 1,
    ).with_columns(*_wilson_columns("peers_exact", "__others", "peer_share"))
    return frame.lazy().select(
        *subject_columns("peer_disclosure", FindingScope.RESPONSE, "as_of"),
        pl.when((pl.col("peers_official_exact") > 0))
        .then(pl.lit(Severity.STRONG.value))
        .when(pl.col("peers_exact") + pl.col("peers_broader") + pl.col("peers_narrower") > 0)
        .then(pl.lit(Severity.NOTABLE.value))
        .otherwise(pl.lit(Severity.INFO.value))
        .alias("severity"),
        metrics_struct(
            peers_exact=pl.col("peers_exact"),
            peers_broader=pl.col("peers_broader"),
            peers_narrower=pl.col("peers_narrower"),
            peers_official_exact=pl.col("peers_official_exact"),
            peers_asked=pl.col("peers_asked"),
            peer_share=pl.col("peer_share"),
            peer_share_low=pl.col("peer_share_low"),
            peer_share_high=pl.col("peer_share_high"),
            days_since_earliest_peer=(pl.col("as_of") - pl.col("earliest_peer_date")).dt.total_days(),
        ),
        pl.col("evidence").fill_null(pl.lit([], dtype=pl.List(evidence.collect_schema()["evidence"].inner))),
        _peer_summary().alias("summary"),
    )


def _peer_summary() -> pl.Expr:
    """E.g. "Before Kent Police's NCND of 2023-03-02 on ClearSight Match, 31 of the 45 other authorities asked
    had confirmed or denied it (30 officially; earliest 2019-06-30); 25 more answers bore on its category."
    """
    others = pl.col("peers_asked") - 1
    when = pl.when(pl.col("response_end").is_null()).then(pl.format("undated NCND (judged as of {})", iso(pl.col("as_of")))).otherwise(
        pl.format("NCND of {}", iso(pl.col("response_date")))
    )
    earliest = pl.when(pl.col("earliest_peer_date").is_not_null()).then(pl.format("; earliest {}", iso(pl.col("earliest_peer_date")))).otherwise(pl.lit(""))
    wider = pl.when(pl.col("peers_broader") + pl.col("peers_narrower") > 0).then(
        pl.format("; {} had answered about a category containing it and {} about a product inside it", pl.col("peers_broader"), pl.col("peers_narrower"))
    ).otherwise(pl.lit(""))
    return pl.format(
        "Before {}'s {} on {}, {} of the {} other {} asked had confirmed or denied it ({} officially{}){}.",
        pl.col("authority_label"),
        when,
        pl.col("technology_label"),
        pl.col("peers_exact"),
        others,
        pl.when(others == 1).then(pl.lit("authority")).otherwise(pl.lit("authorities")),
        pl.col("peers_official_exact"),
        earliest,
        wider,
    )


def _peer_evidence(subjects: pl.LazyFrame, targeted: dict[EvidenceRelation, pl.LazyFrame], limit: int) -> pl.LazyFrame:
    """Per NCND, the earliest disclosures by other authorities: up to ``limit``, exact first, then broader, narrower.

    Why it is fast: per technology and relation the candidates are sorted by date once, so the ones
    dated before an NCND's cut-off are a *prefix* whose length a running count gives. Each NCND then
    reads only the first few positions of each prefix: enough to fill ``limit`` after skipping its own
    authority (at most two entries, official and unofficial) and what earlier relations already gave.
    No pairing of every NCND with every candidate, and no sort of the pairs.
    """
    subjects = subjects.select("response_id", "authority_id", "technology_id", "limit").collect(engine="in-memory").with_row_index("__subject")
    parts, items, offset = [], [], 0
    guaranteed = pl.lit(0, pl.Int64)  # entries earlier relations are sure to give after skipping self
    for rank, (relation, frame) in enumerate(targeted.items()):
        candidates = (
            frame.sort("target_id", "first_end", "authority_id", "is_official")
            .with_columns(
                __position=pl.int_range(pl.len()).over("target_id"),
                __item=evidence_item(grade_expr(pl.col("source_type"), pl.lit(False)), "disclosure"),
            )
            .select(pl.col("target_id").alias("technology_id"), "authority_id", "first_end", "__position", "__item")
            .collect(engine="in-memory")
            .with_row_index("__candidate", offset=offset)
        )
        offset += candidates.height
        items.append(candidates.select("__candidate", "__item"))
        counted = count_before(candidates.lazy(), subjects.lazy(), ["technology_id"], event_date="first_end", query_date="limit", name="__before")
        needed = pl.max_horizontal(pl.lit(limit, pl.Int64) - guaranteed, pl.lit(0, pl.Int64))
        reads = counted.with_columns(
            __reads=pl.when(needed > 0).then(pl.min_horizontal(pl.col("__before").fill_null(0), needed + 2)).otherwise(0)
        ).collect(engine="in-memory")
        pairs = (
            reads.lazy()
            .filter(pl.col("__reads") > 0)
            .select("__subject", "technology_id", pl.col("authority_id").alias("__self"), pl.int_ranges(0, "__reads").alias("__position"))
            .explode("__position")
            .join(candidates.lazy().drop("__item"), on=["technology_id", "__position"], how="inner")
            .filter(pl.col("authority_id") != pl.col("__self"))
            .select("__subject", pl.lit(rank, pl.Int8).alias("__rank"), "__position", "__candidate")
            .collect(engine="in-memory")
        )
        parts.append(pairs)
        subjects = subjects.join(reads.select("__subject", "__reads"), on="__subject", how="left")
        guaranteed = guaranteed + pl.max_horizontal(pl.col("__reads").fill_null(0) - 2, pl.lit(0)).cast(pl.Int64)
        subjects = subjects.with_columns(__guaranteed=guaranteed).drop("__reads")
        guaranteed = pl.col("__guaranteed")
    # Only integer codes are sorted; the evidence structs are gathered for the chosen rows at the end.
    chosen = (
        pl.concat(parts)
        .sort("__subject", "__rank", "__position")
        .group_by("__subject", maintain_order=True)
        .head(limit)
        .join(pl.concat(items), on="__candidate", how="left", maintain_order="left")
        .group_by("__subject", maintain_order=True)
        .agg(pl.col("__item").alias("evidence"))
    )
    return chosen.lazy().join(subjects.lazy().select("__subject", "response_id"), on="__subject").select("response_id", "evidence")


@register("self_acknowledgment", "The authority had itself already confirmed or denied", "response")
def self_acknowledgment(inputs: AnalysisInputs, as_of: dt.date | None, params: CheckParams) -> pl.LazyFrame:
    """For each NCND, whether the same authority had earlier confirmed or denied the same thing.

    Method. The authority's own dated confirm or deny answers on the same technology (``exact``) or on a
    category containing it (``broader``), dated strictly before the NCND (with ``--as-of``: on or before
    it), are counted with running totals. Evidence: its first and its latest such answer per relation.
    Severity: ``strong`` for an exact earlier answer (the fact is already acknowledged by the authority
    itself: grade ``official_self``, or ``unofficial`` if only a media report records it), ``notable``
    for a broader one. NCNDs with no earlier answer of the authority's own make no finding.
    """
    subjects = ncnd_subjects(inputs, as_of, params).select(
        "response_id", "authority_id", "authority_label", "technology_id", "technology_label", "region",
        "response_date", "response_end", "as_of", "limit",
    )  # fmt: skip
    disclosures = inputs.events.lazy().filter(pl.col("is_disclosure") & pl.col("response_end").is_not_null()).collect(engine="in-memory").lazy()
    keys = ["technology_id", "authority_id"]
    counted = subjects
    relations = (EvidenceRelation.EXACT, EvidenceRelation.BROADER)
    for relation in relations:
        own = retarget(disclosures, inputs.pairs, relation).drop("technology_id").rename({"target_id": "technology_id"})
        counted = count_before(own, counted, keys, event_date="response_end", query_date="limit", name=f"earlier_{relation.value}")
    counted = counted.with_columns(pl.col("earlier_exact", "earlier_broader").fill_null(0)).filter(
        (pl.col("earlier_exact") + pl.col("earlier_broader")) > 0
    )

    # Evidence: the first and the latest earlier answer per relation (at most four per NCND), found with
    # an as-of join (latest strictly before the limit) and a per-series minimum, never a pairwise join.
    counted = counted.collect(engine="in-memory").lazy()
    items = []
    for relation in relations:
        own = (
            retarget(disclosures, inputs.pairs, relation)
            .with_columns(__item=evidence_item(grade_expr(pl.col("source_type"), pl.lit(True)), "earlier answer"))
            .select(pl.col("target_id").alias("technology_id"), "authority_id", pl.col("response_end").alias("__end"), "__item")
            .collect(engine="in-memory")
            .lazy()
        )
        latest = (
            counted.select("response_id", *keys, "limit")
            .sort("limit")
            .join_asof(own.sort("__end"), left_on="limit", right_on="__end", by=keys, strategy="backward", allow_exact_matches=False, check_sortedness=False)
            .filter(pl.col("__end").is_not_null())
            .select("response_id", "__item", "__end")
            .collect(engine="in-memory")
            .lazy()
        )
        first = (
            counted.select("response_id", *keys, "limit")
            .join(own.sort("__end").group_by(keys).agg(pl.col("__item", "__end").first()), on=keys, how="inner")
            .filter(pl.col("__end") < pl.col("limit"))
            .select("response_id", "__item", "__end")
            .collect(engine="in-memory")
            .lazy()
        )
        items.extend([first, latest])
    evidence = (
        pl.concat(items)
        .unique(subset=["response_id", pl.col("__item").struct.field("response_id")], keep="first", maintain_order=True)
        .sort("response_id", "__end", pl.col("__item").struct.field("response_id"))
        .group_by("response_id", maintain_order=True)
        .agg(pl.col("__item").alias("evidence"), pl.col("__end").max().alias("__latest"))
    )
    frame = counted.join(evidence, on="response_id", how="left")
    return frame.select(
        *subject_columns("self_acknowledgment", FindingScope.RESPONSE, "as_of"),
        pl.when(pl.col("earlier_exact") > 0).then(pl.lit(Severity.STRONG.value)).otherwise(pl.lit(Severity.NOTABLE.value)).alias("severity"),
        metrics_struct(
            earlier_exact=pl.col("earlier_exact"),
            earlier_broader=pl.col("earlier_broader"),
            days_since_acknowledgment=(pl.col("as_of") - pl.col("__latest")).dt.total_days(),
        ),
        "evidence",
        pl.format(
            "Before its NCND of {} on {}, {} had itself confirmed or denied it {} and a category containing it {} (latest {}).",
            iso(pl.col("response_date")),
            pl.col("technology_label"),
            pl.col("authority_label"),
            plural(pl.col("earlier_exact"), "time"),
            plural(pl.col("earlier_broader"), "time"),
            iso(pl.col("__latest")),
        ).alias("summary"),
    )
