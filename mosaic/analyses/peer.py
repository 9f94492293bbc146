"""Peer disclosure and self-acknowledgment: what was already public when an authority gave an NCND.

These two checks test the requester's argument ("other forces have already disclosed") and its strongest
form ("you yourself already said so"). Both judge each NCND (full or partial) as of its own date by
default: a disclosure made after the NCND cannot have made it inconsistent when it was given.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import polars.selectors as cs

from mosaic.analyses.findings import (
    EVIDENCE_DTYPE,
    EVIDENCE_GROUP,
    EVIDENCE_STRUCT,
    STRONG_MIN_ANSWERS,
    EvidenceRelation,
    FindingScope,
    grade_expr,
    metrics_struct,
    subject_columns,
)
from mosaic.analyses.inputs import AnalysisInputs
from mosaic.analyses.overview import wilson_bounds
from mosaic.analyses.registry import CheckParams, register
from mosaic.analyses.timeline import (
    EVIDENCE_SOURCE_COLUMNS,
    count_before,
    date_text,
    evidence_item,
    first_disclosures,
    iso,
    plural,
    retarget,
    with_limits,
)
from mosaic.schema import EvidenceGrade, Severity

_RELATIONS = (EvidenceRelation.EXACT, EvidenceRelation.BROADER, EvidenceRelation.NARROWER)
_KEYS = ["technology_code"]
#: The day an undated answer counts as asked (and an undated disclosure as made), and the day an undated
#: NCND counts up to: after every real date, so undated answers count for undated NCNDs only.
_UNDATED_ASKED = dt.date(9999, 12, 30)
_UNDATED_LIMIT = dt.date(9999, 12, 31)  # the day after: "before" is strict


def ncnd_subjects(inputs: AnalysisInputs, as_of: dt.date | None, params: CheckParams) -> pl.LazyFrame:
    """The NCND responses to judge, with ``as_of`` and ``limit`` (see ``timeline.with_limits``)."""
    return with_limits(inputs.coded_events.lazy().filter(pl.col("is_ncnd") & params.focus()), as_of, params.today)


def _ordered_slots(columns: list[str], offsets: dict[str, int]) -> list[pl.Expr]:
    """For each slot k (0..len-1), the row's k-th smallest non-null value among ``columns`` plus that
    column's offset (values in a row are distinct; null when fewer than k + 1 are present). Needs the
    columns ``__position_<name>`` from ``_slot_positions``.

    Ordering a handful of values per row by comparing them is far cheaper than sorting millions of
    (row, value) pairs.
    """
    return [
        pl.coalesce(
            [pl.when(pl.col(f"__position_{name}") == k).then(pl.col(name) + offsets[name]) for name in columns]
        ).alias(f"__slot_{k}")
        for k in range(len(columns))
    ]


def _slot_positions(columns: list[str]) -> list[pl.Expr]:
    """``__position_<name>``: how many of the row's other non-null ``columns`` are smaller (null when null)."""
    return [
        pl.when(pl.col(name).is_not_null())
        .then(
            pl.sum_horizontal(
                [(pl.col(other) < pl.col(name)).fill_null(False).cast(pl.Int64) for other in columns if other != name]
            )
        )
        .alias(f"__position_{name}")
        for name in columns
    ]


def _wilson_columns(successes: str, trials: str, prefix: str) -> list[pl.Expr]:
    """Wilson interval bounds of successes / trials as two Float64 columns (null when there are no trials)."""
    low, high = wilson_bounds(pl.col(successes), pl.col(trials))
    return [low.alias(f"{prefix}_low"), high.alias(f"{prefix}_high")]


def _own_dates(frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """One row per (technology_code, authority_code) with each frame's ``date`` as a column named after it."""
    keys = ["technology_code", "authority_code"]
    own = None
    for name, frame in frames.items():
        dates = frame.group_by(keys).agg(pl.col("date").min().alias(f"__own_{name}"))
        own = dates if own is None else own.join(dates, on=keys, how="full", coalesce=True)
    return own


@register("peer_disclosure", "Other authorities had already disclosed", "response")
def peer_disclosure(inputs: AnalysisInputs, as_of: dt.date | None, params: CheckParams) -> pl.LazyFrame:
    """For each NCND, the other authorities that had confirmed or denied the same thing before it.

    Method. Each authority's earliest dated confirm or deny per technology is found once. A disclosure
    bears on an NCND about technology T as ``exact`` (same T), ``broader`` (about a category containing T)
    or ``narrower`` (about a product or variant inside T). For each NCND the distinct *other* authorities
    whose earliest such disclosure is dated strictly before the NCND (period ends compared; with
    ``--as-of``, on or before that date) are counted with running totals read by an as-of join.
    ``peers_asked`` counts distinct authorities (this one included) with any response on T whose request
    date (else response date) is on or before the as-of date (an authority whose answers carry neither date
    counts as asked by the view date only, so only in an undated NCND's count; likewise an undated confirm or
    deny counts as a disclosure for an undated NCND only); ``peer_share`` = peers_exact / (peers_asked
    - 1), with a Wilson interval. Evidence lists, per relation, the earliest ``evidence_limit``
    disclosures (one per authority and grade: official and unofficial kept apart); the counts are always
    complete. Grades: ``official_peer`` for FOI answers, press releases, procurement, parliamentary
    answers, published policy and surveys; ``unofficial`` for media reports, leaks and other. Severity:
    ``strong`` when at least one other authority had officially disclosed the same technology,
    ``notable`` when only broader, narrower or unofficial evidence exists, ``info`` when nothing was
    public. Peer evidence is persuasive, not a waiver.
    """
    subjects = ncnd_subjects(inputs, as_of, params).select(
        "response_id", "authority_id", "authority_label", "technology_id", "technology_label", "region",
        "response_date", "response_date_precision", "response_end", "is_undated", "as_of", "limit", "technology_code", "authority_code",
    ).collect(engine="in-memory")  # fmt: skip
    # Small frames (one row per authority, technology and grade) materialised once and reused.
    # Undated disclosures are dated at the sentinel: only an undated NCND's cut-off (``__peer_limit``)
    # reaches them, so they count "by <view date>" for an undated NCND and never "before" a dated one.
    subjects = subjects.with_columns(
        __peer_limit=pl.when(pl.col("is_undated")).then(pl.lit(_UNDATED_LIMIT)).otherwise(pl.col("limit")),
        __asked_by=pl.when(pl.col("is_undated")).then(pl.lit(_UNDATED_ASKED)).otherwise(pl.col("as_of")),
    )
    firsts = first_disclosures(inputs, as_of=as_of, undated_end=_UNDATED_ASKED).collect(engine="in-memory").lazy()
    targeted = {
        relation: retarget(firsts, inputs.pairs, relation)
        .with_columns(
            inputs.id_code("target_id", "technology_id", "technology_code"),
            inputs.id_code("authority_id", alias="authority_code"),
        )
        .collect(engine="in-memory")
        for relation in _RELATIONS
    }

    # What is counted: distinct authorities per technology, by the date each first bore on it.
    def by_authority(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.group_by("technology_code", "authority_code").agg(pl.col("first_end").min().alias("date"))

    peers = {f"peers_{relation.value}": by_authority(targeted[relation]) for relation in _RELATIONS}
    peers["peers_official_exact"] = by_authority(targeted[EvidenceRelation.EXACT].filter(pl.col("is_official")))
    # An answer with neither a request nor a response date was still asked (undated answers are answers),
    # but when is unknown: it counts as asked only for an undated NCND's "by <view date>", never by a dated
    # NCND's own date, whatever the view date. Both sides carry a sentinel day after every real date.
    asked = (
        inputs.coded_events.lazy()
        .filter(pl.lit(True) if as_of is None else pl.col("asked_on").is_null() | (pl.col("asked_on") <= as_of))
        .group_by("technology_code", "authority_code")
        .agg(pl.col("asked_on").min().fill_null(_UNDATED_ASKED).alias("date"))
        .collect(engine="in-memory")
    )
    # Who *may* have answered before: a first answer whose earliest possible day is on or before the NCND's
    # latest possible day. Those not certainly before are "around the same time".
    possible = (
        targeted[EvidenceRelation.EXACT]
        .group_by("technology_code", "authority_code")
        .agg(pl.col("response_date").min().alias("date"))
    )

    candidates = _evidence_candidates(targeted)
    prefixes = {
        f"__prefix_{relation.value}": frame.select("technology_code", "date") for relation, frame in candidates.items()
    }
    counted = count_before(subjects, _KEYS, "__peer_limit", **peers, **prefixes)
    counted = count_before(counted, _KEYS, "as_of", strict=False, __possible=possible)
    counted = count_before(counted, _KEYS, "__asked_by", strict=False, peers_asked=asked)
    # The counts include the authority itself when its own first answer came before: take it out once.
    own = _own_dates({**peers, "peers_asked": asked, "__possible": possible})
    counted = (
        counted.join(own, on=["technology_code", "authority_code"], how="left", maintain_order="left")
        .with_columns(
            *[
                (
                    pl.col(name) - (pl.col(f"__own_{name}") < pl.col("__peer_limit")).fill_null(False).cast(pl.Int64)
                ).alias(name)
                for name in peers
            ],
            (
                pl.col("peers_asked")
                - (pl.col("__own_peers_asked") <= pl.col("__asked_by")).fill_null(False).cast(pl.Int64)
                + 1
            ).alias("peers_asked"),
            (
                pl.col("__possible") - (pl.col("__own___possible") <= pl.col("as_of")).fill_null(False).cast(pl.Int64)
            ).alias("__possible"),
        )
        .drop(cs.starts_with("__own_"))
        .with_columns(
            # Every peer certainly before may also have been; an undated NCND has no "around" at all.
            peers_around=pl.when(~pl.col("is_undated")).then(pl.col("__possible") - pl.col("peers_exact"))
        )
        .drop("__possible")
    )

    # Earliest exact peer: the two earliest first disclosures per technology, skipping this authority.
    # Each carries its own date and precision as given (for the sentence) beside its period end (for the test).
    two_earliest = (
        targeted[EvidenceRelation.EXACT]
        .sort("first_end", "response_date", "authority_id")
        .group_by("technology_code", "authority_id", maintain_order=True)
        .agg(pl.col("first_end", "response_date", "response_date_precision").first())
        .group_by("technology_code", maintain_order=True)
        .agg(
            pl.col("first_end").head(2).alias("__ends"),
            pl.col("response_date").head(2).alias("__dates"),
            pl.col("response_date_precision").head(2).alias("__precisions"),
            pl.col("authority_id").head(2).alias("__ids"),
        )
    )
    pick = pl.when(pl.col("__ids").list.get(0, null_on_oob=True) != pl.col("authority_id")).then(0).otherwise(1)
    counted = (
        counted.join(two_earliest, on="technology_code", how="left", maintain_order="left")
        .with_columns(
            __end=pl.col("__ends").list.get(pick, null_on_oob=True),
            __date=pl.col("__dates").list.get(pick, null_on_oob=True),
            __precision=pl.col("__precisions").list.get(pick, null_on_oob=True),
        )
        .with_columns(
            earliest_peer_end=pl.when(pl.col("__end") < pl.col("limit")).then(pl.col("__end")),
            earliest_peer_date=pl.when(pl.col("__end") < pl.col("limit")).then(pl.col("__date")),
            earliest_peer_precision=pl.when(pl.col("__end") < pl.col("limit")).then(pl.col("__precision")),
        )
        .drop("__ends", "__dates", "__precisions", "__ids", "__end", "__date", "__precision")
    )

    linked = inputs.linked_pairs.select(
        inputs.id_code("authority_id", alias="__self"), inputs.id_code("linked_id", "authority_id", "authority_code")
    ).drop_nulls()
    frame = _with_peer_evidence(counted, candidates, params.evidence_limit, linked)
    frame = frame.with_columns(
        peer_share=pl.when(pl.col("peers_asked") > 1).then(pl.col("peers_exact") / (pl.col("peers_asked") - 1)),
        __others=pl.col("peers_asked") - 1,
    ).with_columns(*_wilson_columns("peers_exact", "__others", "peer_share"))
    return frame.lazy().select(
        *subject_columns("peer_disclosure", FindingScope.RESPONSE, "as_of"),
        pl.when((pl.col("peers_official_exact") >= STRONG_MIN_ANSWERS) & ~pl.col("is_undated"))
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
            days_since_earliest_peer=(pl.col("as_of") - pl.col("earliest_peer_end")).dt.total_days(),
            peers_around=pl.col("peers_around"),
        ),
        "evidence",
        _peer_summary().alias("summary"),
        EVIDENCE_GROUP,
    )


def _peer_summary() -> pl.Expr:
    """E.g. "Before Kent Police's NCND of 2023-03-02 on ClearSight Match, 31 of the 45 other authorities asked
    had confirmed or denied it (30 officially; earliest June 2019); 2 more answered around the same time;
    25 more answers bore on its category."

    Every clause holds for any view date and precision: "before" counts only facts certainly earlier than
    the NCND's earliest possible day; dates print at their precision; an undated NCND gets no "before".
    """
    others = pl.col("peers_asked") - 1
    earliest = (
        pl.when(pl.col("earliest_peer_date").is_not_null())
        .then(pl.format("; earliest {}", date_text(pl.col("earliest_peer_date"), pl.col("earliest_peer_precision"))))
        .otherwise(pl.lit(""))
    )
    around = (
        pl.when(pl.col("peers_around") > 0)
        .then(
            pl.format(
                "; {} more answered around the same time (the same day, or dates too imprecise to say which came first)",
                pl.col("peers_around"),
            )
        )
        .otherwise(pl.lit(""))
    )
    wider = (
        pl.when(pl.col("peers_broader") + pl.col("peers_narrower") > 0)
        .then(
            pl.format(
                "; {} had answered about a category containing it and {} about a product inside it",
                pl.col("peers_broader"),
                pl.col("peers_narrower"),
            )
        )
        .otherwise(pl.lit(""))
    )
    counts = (
        pl.when(others == 0)
        .then(
            # "0 of the 0 other authorities asked" says nothing: say plainly that nobody else had been asked.
            pl.format("no other authority in the data had been asked about it{}{}.", around, wider)
        )
        .otherwise(
            pl.format(
                "{} of the {} other {} asked had confirmed or denied it ({} officially{}){}{}.",
                pl.col("peers_exact"),
                others,
                pl.when(others == 1).then(pl.lit("authority")).otherwise(pl.lit("authorities")),
                pl.col("peers_official_exact"),
                earliest,
                around,
                wider,
            )
        )
    )
    dated = pl.format(
        "Before {}'s NCND of {} on {}, {}",
        pl.col("authority_label"),
        date_text(pl.col("response_date"), pl.col("response_date_precision")),
        pl.col("technology_label"),
        counts,
    )
    undated = pl.format(
        "{}'s NCND on {} is undated, so what was public before it cannot be said; by {}, {}",
        pl.col("authority_label"),
        pl.col("technology_label"),
        iso(pl.col("as_of")),
        counts,
    )
    return pl.when(pl.col("is_undated")).then(undated).otherwise(dated)


def _evidence_candidates(targeted: dict[EvidenceRelation, pl.DataFrame]) -> dict[EvidenceRelation, pl.DataFrame]:
    """Per relation, the first disclosures that may be evidence, numbered by ``__position`` in date order
    within the technology they bear on (ties: authority, then unofficial before official)."""
    return {
        relation: frame.sort("technology_code", "first_end", "authority_id", "is_official")
        .with_columns(
            __position=pl.int_range(pl.len(), dtype=pl.Int64).over("technology_code"),
            __item=evidence_item(grade_expr(pl.col("source_type"), pl.lit(False)), "disclosure"),
        )
        .select("technology_code", "authority_code", pl.col("first_end").alias("date"), "__position", "__item")
        for relation, frame in targeted.items()
    }


def _with_peer_evidence(
    subjects: pl.DataFrame, candidates: dict[EvidenceRelation, pl.DataFrame], limit: int, linked: pl.DataFrame
) -> pl.DataFrame:
    """Add ``evidence`` to each NCND: the earliest disclosures by other authorities, up to ``limit``,
    exact first, then broader, then narrower. A disclosure by a body linked to the NCND's authority
    (``linked``: ``__self``, ``authority_code`` pairs; a commissioner and its force) is graded
    ``official_linked`` when official: another authority's answer, never the authority's own.

    ``subjects`` carries ``__prefix_<relation>``: how many of that relation's candidates (see
    ``_evidence_candidates``) are dated before the NCND's cut-off. Why it is fast: the candidates
    before a cut-off are a *prefix* of the technology's date-ordered list, and the list needs at most
    ``limit + 2`` positions of each prefix (skipping its own authority drops at most two: official and
    unofficial). So an NCND's evidence depends only on its technology, its authority and those three
    capped prefix lengths: a million NCNDs share a few thousand distinct lists, each built once and
    joined (on integer codes) to the NCNDs that share it.
    """
    prefixes = [f"__prefix_{relation.value}" for relation in candidates]
    codes = ["technology_code", "authority_code", *prefixes]
    subjects = subjects.with_columns(
        pl.min_horizontal(pl.col(name), pl.lit(limit + 2, pl.Int64)).alias(name) for name in prefixes
    )
    distinct = subjects.select(codes).unique().with_row_index("__list")
    chosen = []
    for rank, (relation, frame) in enumerate(candidates.items()):
        chosen.append(
            distinct.select(
                "__list",
                "technology_code",
                pl.col("authority_code").alias("__self"),
                pl.int_ranges(0, f"__prefix_{relation.value}").alias("__position"),
            )
            .explode("__position")
            .join(frame, on=["technology_code", "__position"], how="inner")
            .filter(pl.col("authority_code") != pl.col("__self"))
            .select("__list", pl.lit(rank, pl.Int8).alias("__rank"), "__position", "authority_code", "__item")
        )
    grade_dtype = EVIDENCE_STRUCT.to_schema()["grade"]
    chosen = pl.concat(chosen)
    if linked.height:
        # Only pairs of linked bodies are touched: a handful of lists, whatever the size of the run.
        chosen = (
            chosen.join(distinct.select("__list", pl.col("authority_code").alias("__self")), on="__list", how="left")
            .join(linked.with_columns(__linked=pl.lit(True)), on=["__self", "authority_code"], how="left")
            .with_columns(
                __item=pl.when(
                    pl.col("__linked") & (pl.col("__item").struct.field("grade") == EvidenceGrade.OFFICIAL_PEER.value)
                )
                .then(
                    pl.col("__item").struct.with_fields(grade=pl.lit(EvidenceGrade.OFFICIAL_LINKED.value, grade_dtype))
                )
                .otherwise(pl.col("__item"))
            )
        )
    lists = (
        chosen.sort("__list", "__rank", "__position")
        .group_by("__list", maintain_order=True)
        .agg(pl.col("__item").head(limit).alias("evidence"))
    )
    # Every distinct key gets a list (empty when nothing was public), so the one big join below needs
    # no fill afterwards: filling a million-row list column copies every item again.
    lists = (
        distinct.select(*codes, "__list")
        .join(lists, on="__list", how="left")
        .with_columns(pl.col("evidence").fill_null(pl.lit([], dtype=EVIDENCE_DTYPE)))
        .drop("__list")
    )
    # The list is made from ``codes`` alone: the findings' evidence group (``EVIDENCE_GROUP``).
    return (
        subjects.join(lists, on=codes, how="left", maintain_order="left")
        .with_columns(pl.struct(codes).alias(EVIDENCE_GROUP))
        .drop(*prefixes)
    )


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
        "response_date", "response_date_precision", "response_end", "is_undated", "as_of", "limit", "technology_code", "authority_code",
    ).collect(engine="in-memory")  # fmt: skip
    keys = ["technology_code", "authority_code"]
    # Every dated confirm or deny, ranked once by (date, response id) on a narrow frame with integer
    # codes for the keys: the rank orders evidence and breaks ties between answers given on the same
    # date (so "latest" is always the same one), and only the picked rows are ever built into evidence.
    disclosures = (
        inputs.coded_events.lazy()
        .with_row_index("__event")
        .filter(pl.col("is_disclosure") & pl.col("response_end").is_not_null())
        .select(*keys, "response_end", "response_id", "__event")
        .sort("response_end", "response_id")
        .with_row_index("__rank")
        .collect(engine="in-memory")
    )
    queries = subjects.select(*keys, "limit").with_row_index("__row").sort("limit")
    relations = (EvidenceRelation.EXACT, EvidenceRelation.BROADER)
    for relation in relations:
        # The authority's own answers re-keyed by the technology they bear on (same, or a product below).
        own = disclosures.select(*keys, pl.col("response_end").alias("date"), "__rank")
        if relation == EvidenceRelation.BROADER:
            below = inputs.pairs.filter(pl.col("distance") > 0).select(
                inputs.id_code("ancestor_id", "technology_id", "technology_code"),
                inputs.id_code("descendant_id", "technology_id", "__target"),
            )
            own = (
                own.join(below, on="technology_code", how="inner")
                .drop("technology_code")
                .rename({"__target": "technology_code"})
            )
        # Each answer's position in its series (date order), read with one as-of join: the last answer
        # strictly before the cut-off (among answers on the same date, the as-of join takes the last
        # row, which has the highest rank) gives the count (position + 1) and the latest rank.
        own = own.sort("__rank").with_columns(__position=pl.int_range(pl.len(), dtype=pl.Int64).over(keys))
        first = own.filter(pl.col("__position") == 0).select(*keys, pl.col("__rank").alias(f"__first_{relation.value}"))
        latest = own.select(
            *keys,
            "date",
            (pl.col("__position") + 1).alias(f"earlier_{relation.value}"),
            pl.col("__rank").alias(f"__latest_{relation.value}"),
        )
        queries = (
            queries.join_asof(
                latest,
                left_on="limit",
                right_on="date",
                by=keys,
                strategy="backward",
                allow_exact_matches=False,
                check_sortedness=False,
            )
            .drop("date")
            .join(first, on=keys, how="left", maintain_order="left")
            .with_columns(
                pl.col(f"earlier_{relation.value}").fill_null(0),
                # The first answer is evidence only if some answer came before the cut-off; when it is
                # also the latest, it is listed once.
                pl.when(pl.col(f"earlier_{relation.value}").is_not_null())
                .then(pl.col(f"__first_{relation.value}"))
                .alias(f"__first_{relation.value}"),
                pl.when(pl.col(f"__latest_{relation.value}") != pl.col(f"__first_{relation.value}"))
                .then(pl.col(f"__latest_{relation.value}"))
                .alias(f"__latest_{relation.value}"),
            )
        )
    picked = [f"__{which}_{relation.value}" for relation in relations for which in ("first", "latest")]
    counted = (
        subjects.hstack(queries.sort("__row").select("earlier_exact", "earlier_broader", *picked).get_columns())
        .filter((pl.col("earlier_exact") + pl.col("earlier_broader")) > 0)
        .with_row_index("__subject")
    )

    # Evidence: those (at most four) answers in date order. Slot positions number each answer once per
    # relation (rank for exact, rank + n for broader); each NCND's slots are ordered by rank
    # arithmetically and gathered straight into fixed-width lists, then cut to length: grouping millions
    # of struct items back into lists cost several times more.
    events = inputs.events.select(*EVIDENCE_SOURCE_COLUMNS)
    answer_rows = disclosures.get_column("__event")
    n = answer_rows.len()
    offsets = {name: (n if name.endswith(EvidenceRelation.BROADER.value) else 0) for name in picked}
    latest = answer_rows.gather(counted.select(pl.max_horizontal(picked)).to_series())
    counted = counted.with_columns(
        __latest_end=events.get_column("response_end").gather(latest),
        __latest_date=events.get_column("response_date").gather(latest),
        __latest_precision=events.get_column("response_date_precision").gather(latest),
    )
    slots = counted.select(*_slot_positions(picked), *picked).select(_ordered_slots(picked, offsets))
    # Interleave the slot columns row by row (row r, slot k at r * width + k) with one gather, drop the
    # empty slots, and collect each row's run into its list: the runs are contiguous and in row order, so
    # a group-by on the (flagged) sorted row number only cuts slices. ``concat_list`` of a few integer
    # columns, or gathering with the empty slots left in, ran several times slower.
    width, rows = slots.width, slots.height
    interleave = pl.int_range(0, rows * width, dtype=pl.Int64, eager=True)
    index = pl.concat(slots.get_columns(), rechunk=True).gather((interleave % width) * rows + interleave // width)
    present = index.is_not_null()
    index = index.filter(present)
    # Only the answers some NCND cites are built as items, each once per relation it is cited under:
    # building every confirm or deny of every authority (twice) cost 1.5 GB at ten million answers, and
    # a check run a group of authorities at a time paid it for each group.
    cited = index.unique().sort()
    items = (
        events[answer_rows.gather(cited % n)]
        .with_columns(
            relation=pl.when(cited >= n)
            .then(pl.lit(EvidenceRelation.BROADER.value))
            .otherwise(pl.lit(EvidenceRelation.EXACT.value))
        )
        .select(evidence_item(grade_expr(pl.col("source_type"), pl.lit(True)), "earlier answer").alias("item"))
        .to_series()
    )
    evidence = (
        pl.DataFrame(
            {"__subject": (interleave // width).filter(present), "evidence": items.gather(cited.search_sorted(index))}
        )
        .with_columns(pl.col("__subject").set_sorted())
        .group_by("__subject", maintain_order=True)
        .agg("evidence")
    )
    # Every row has at least its first earlier answer, so the lists line up with the rows one to one.
    frame = counted.with_columns(evidence.get_column("evidence")).lazy()
    return frame.select(
        *subject_columns("self_acknowledgment", FindingScope.RESPONSE, "as_of"),
        pl.when((pl.col("earlier_exact") > 0) & ~pl.col("is_undated"))
        .then(pl.lit(Severity.STRONG.value))
        .otherwise(pl.lit(Severity.NOTABLE.value))
        .alias("severity"),
        metrics_struct(
            earlier_exact=pl.col("earlier_exact"),
            earlier_broader=pl.col("earlier_broader"),
            days_since_acknowledgment=(pl.col("as_of") - pl.col("__latest_end")).dt.total_days(),
        ),
        "evidence",
        _self_summary().alias("summary"),
        pl.struct(picked).alias(EVIDENCE_GROUP),  # the answers the list is made of
    )


def _self_summary() -> pl.Expr:
    """E.g. "Before its NCND of June 2024 on Drones, Kent Police had itself confirmed or denied it 2 times and a
    category containing it 0 times (latest 2023-11-02)." The answers counted are certainly earlier than the
    NCND's earliest possible day, so the sentence holds for any view date; an undated NCND gets no "before"."""
    counts = pl.format(
        "had itself confirmed or denied it {} and a category containing it {} (latest {})",
        plural(pl.col("earlier_exact"), "time"),
        plural(pl.col("earlier_broader"), "time"),
        date_text(pl.col("__latest_date"), pl.col("__latest_precision")),
    )
    dated = pl.format(
        "Before its NCND of {} on {}, {} {}.",
        date_text(pl.col("response_date"), pl.col("response_date_precision")),
        pl.col("technology_label"),
        pl.col("authority_label"),
        counts,
    )
    undated = pl.format(
        "By {}, {} {}; its NCND on {} is undated, so whether those answers came before it cannot be said.",
        iso(pl.col("as_of")),
        pl.col("authority_label"),
        counts,
        pl.col("technology_label"),
    )
    return pl.when(pl.col("is_undated")).then(undated).otherwise(dated)
