"""Series checks: is an authority's NCND consistent with its own other answers?

The ICO expects NCND to be used consistently over a series of requests. Two ways it fails, both visible
only when an authority's answers are laid side by side:

* ``selective_ncnd``: it denies some products of a category and NCNDs another, so the NCND stands out as
  the one it uses;
* ``series_consistency``: it answered, then NCNDed the same thing (a reversal: the fact is already on the
  record), or NCNDed and later answered (showing the NCND protected nothing lasting).

How they stay fast on a million responses: the work (sorting series, as-of joins, counting) runs on small
integers (a row number into ``inputs.events``, integer codes for authority and technology, the date as a
day number), never on id strings or evidence structs. Strings are gathered and evidence built only for
the rows a finding shows, and text shared by many findings (the names of denied siblings) is built once
per distinct value.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from mosaic.analyses.findings import EvidenceRelation, FindingScope, grade_expr, metrics_struct, subject_columns
from mosaic.analyses.inputs import AnalysisInputs
from mosaic.analyses.registry import CheckParams, register
from mosaic.analyses.timeline import date_text, evidence_item, plural
from mosaic.schema import Severity, Stance

#: The ``events`` columns ``evidence_item`` reads.
_ITEM_COLUMNS = (
    "authority_id", "authority_label", "technology_id", "technology_label", "response_date", "response_date_precision",
    "stance", "outcome", "exemptions", "source_url", "source_type", "response_id",
)  # fmt: skip
#: The ``events`` columns ``subject_columns`` reads (plus ``response_id``/``response_date`` for one response).
_SUBJECT_COLUMNS = ("authority_id", "authority_label", "technology_id", "technology_label", "region")


def _rows_at(events: pl.DataFrame, rows: pl.Series, columns: tuple[str, ...]) -> pl.DataFrame:
    """The ``events`` rows numbered ``rows`` (in that order, repeats allowed), with only ``columns``.

    The rows are picked with a boolean mask, then put in order within the (small, single-chunk) result:
    gathering by row number straight from ``events``, which comes in as many chunks as the workspace has
    parts, costs several times more per row.
    """
    distinct = rows.unique().sort()
    mask = pl.repeat(False, events.height, eager=True).scatter(distinct, True)
    picked = events.select(columns).filter(mask).rechunk()
    return picked if distinct.equals(rows, check_names=False) else picked[distinct.search_sorted(rows)]


def _positions(rows: pl.Series, size: int) -> pl.Series:
    """A lookup by row number: ``i`` at row ``rows[i]`` (``rows`` distinct), 0 elsewhere; ``size`` long.

    Reading it with ``gather`` maps row numbers to positions far more cheaply than a hash join.
    """
    return pl.repeat(0, size, dtype=pl.UInt32, eager=True).scatter(
        rows, pl.int_range(rows.len(), dtype=pl.UInt32, eager=True)
    )


def _day(column: str) -> pl.Expr:
    """A date as its day number (Int64), for arithmetic and compact sort keys."""
    return pl.col(column).to_physical().cast(pl.Int64)


def sibling_products(inputs: AnalysisInputs) -> pl.LazyFrame:
    """Pairs (technology_id, sibling_id): other products or variants under a category that contains it.

    Two products are siblings when they share any ancestor category and neither contains the other, so
    a live and a retrospective facial recognition product are siblings under "facial recognition".
    """
    pairs = inputs.pairs.lazy()
    products = (
        inputs.technologies.lazy()
        .filter(pl.col("level") != "category")
        .select(pl.col("technology_id").alias("sibling_id"))
    )
    up = pairs.filter(pl.col("distance") > 0).select(pl.col("descendant_id").alias("technology_id"), "ancestor_id")
    down = pairs.filter(pl.col("distance") > 0).select("ancestor_id", pl.col("descendant_id").alias("sibling_id"))
    related = pairs.select(pl.col("descendant_id").alias("technology_id"), pl.col("ancestor_id").alias("sibling_id"))
    related = pl.concat(
        [
            related,
            related.select(pl.col("sibling_id").alias("technology_id"), pl.col("technology_id").alias("sibling_id")),
        ]
    )
    return (
        up.join(down, on="ancestor_id")
        .join(products, on="sibling_id")
        .select("technology_id", "sibling_id")
        .unique()
        .join(related, on=["technology_id", "sibling_id"], how="anti")
    )


def _nearest_denials(inputs: AnalysisInputs, cutoff: dt.date, params: CheckParams) -> pl.DataFrame:
    """For each NCND to judge and each sibling of its product, the same authority's nearest denial of that
    sibling, when within ``selective_window_days``: one row per such (NCND, sibling).

    Returns ``__event`` (the NCND's row in ``inputs.events``), ``__denial`` (the denial's row),
    ``__sibling`` (the sibling's technology code: codes follow id order) and ``__denial_day``.

    The as-of join runs on integers only: the authority and technology codes of ``inputs.coded_events``
    (one Enum per id column, so NCNDs, denials and the sibling table agree), the date as a day number.
    Which denial is nearest is polars' as-of rule: the smaller distance, on a tie the later date, and
    among denials of one date the last in the order of one sort of *all* denials by date. That sort is
    not stable, so it is repeated exactly as it always was (the same dates in the same order) and rows
    are dropped only after it: the same denial is shown as before.
    """
    width = max(len(inputs.id_enums["technology_id"].categories), 1)  # (authority, technology) as one integer
    siblings = (
        sibling_products(inputs)
        .select(
            inputs.id_code("technology_id", alias="__tech"), inputs.id_code("sibling_id", "technology_id", "__sibling")
        )
        .collect(engine="in-memory")
    )
    rows = (
        inputs.coded_events.lazy()
        .with_row_index("__event")
        .filter(
            (pl.col("response_end") <= cutoff)
            & ((pl.col("is_ncnd") & params.focus()) | (pl.col("stance") == Stance.DENY.value))
        )
        .select(
            "__event",
            "is_ncnd",
            "response_end",
            (pl.col("authority_code").cast(pl.UInt64) * width).alias("__authority"),
            pl.col("technology_code").alias("__tech"),
        )
        .collect(engine="in-memory")
    )
    # Rows without an authority or technology can never pair (null keys do not join); technologies outside
    # the taxonomy have no siblings and so never pair either.
    pairable = pl.col("__authority").is_not_null() & pl.col("__tech").is_not_null()
    denials = (
        rows.filter(~pl.col("is_ncnd"))
        .sort("response_end")
        .filter(pairable)
        .select(
            pl.col("__event").alias("__denial"),
            (pl.col("__authority") + pl.col("__tech")).alias("__pair"),
            _day("response_end").alias("__denial_day"),
        )
    )
    queries = (
        rows.filter(pl.col("is_ncnd") & pairable)
        .sort("response_end")
        .join(siblings, on="__tech", how="inner", maintain_order="left")  # still in date order, as the as-of join needs
        .select(
            "__event",
            "__sibling",
            (pl.col("__authority") + pl.col("__sibling")).alias("__pair"),
            _day("response_end").alias("__day"),
        )
    )
    return (
        queries.join_asof(
            denials, left_on="__day", right_on="__denial_day", by="__pair", strategy="nearest", check_sortedness=False
        )
        .filter((pl.col("__denial_day") - pl.col("__day")).abs() <= params.selective_window_days)
        .select("__event", "__denial", "__sibling", "__denial_day")
    )


def _sibling_names(nearest: pl.DataFrame, denials: pl.DataFrame) -> pl.DataFrame:
    """Per flagged NCND, by row number: ``denied_siblings`` and ``__names`` (the denied siblings' names,
    distinct, sorted, joined by ", "). ``denials``: the rows of the denials shown (``technology_label``),
    ``nearest.__shown`` the position of each row's denial among them.

    Joining strings NCND by NCND is slow (about half a second for 185,000 NCNDs), yet the NCNDs share few
    distinct sets of names. So each name gets a bit (by its rank in sorted order, 62 to a 64-bit word),
    each NCND the sum of its distinct names' bits, and the text is built once per distinct set.
    """
    bits = 62
    coded = denials.select(
        pl.col("technology_label").cast(pl.String).alias("__name"),  # sorted as text, whatever the column's type
        pl.col("technology_label").cast(pl.Categorical).to_physical().alias("__code"),
    )
    names = (
        coded.select("__code", "__name")
        .unique("__code")
        .sort("__name")
        .with_row_index("__rank")
        .select(
            "__code",
            "__name",
            "__rank",
            (pl.col("__rank") // bits).alias("__word"),
            pl.lit(2, pl.Int64).pow(pl.col("__rank") % bits).alias("__bit"),
        )
    )
    words = [f"__word{w}" for w in range(max(1, -(-names.height // bits)))]
    # Two siblings may share a name: a name's bit counts once per NCND (a sum is far faster than bitwise_or).
    first = (pl.col("__event").cast(pl.UInt64) * 2**32 + pl.col("__code")).is_first_distinct()
    sets = (
        nearest.select("__event", coded.get_column("__code").gather(nearest.get_column("__shown")))
        .join(names, on="__code", how="left")
        .select(
            "__event",
            *[
                pl.when(first & (pl.col("__word") == w)).then(pl.col("__bit")).otherwise(0).alias(word)
                for w, word in enumerate(words)
            ],
        )
        .group_by("__event")
        .agg(pl.len().alias("denied_siblings"), pl.col(words).sum())
    )
    texts = (  # each distinct set against every name: keep the names whose bit is set, join them in rank order
        sets.select(words)
        .unique()
        .join(names, how="cross")
        .filter(
            pl.any_horizontal(
                [(pl.col("__word") == w) & ((pl.col(word) & pl.col("__bit")) != 0) for w, word in enumerate(words)]
            )
        )
        .sort("__rank")
        .group_by(words, maintain_order=True)
        .agg(pl.col("__name").str.join(", ").alias("__names"))
    )
    return sets.join(texts, on=words, how="left").select("__event", "denied_siblings", "__names").sort("__event")


def _selective_evidence(ncnds: pl.DataFrame, denials: pl.DataFrame, nearest: pl.DataFrame) -> pl.Series:
    """The evidence list of each flagged NCND, in the order of ``ncnds``.

    ``ncnds``: the flagged NCNDs' rows (``__event`` ascending) and ``denials``: the rows of the denials
    shown (``nearest.__shown`` indexes them), both with the columns evidence items read. Each list: the NCND first,
    then each sibling's nearest denial by date, then sibling id. Items are built once per row shown (a
    denial is often the nearest for many NCNDs), ordered as integers, and gathered into lists at the end:
    no struct is sorted, joined or built twice.
    """
    grade = grade_expr(pl.col("source_type"), pl.lit(True))
    items = pl.concat(
        [
            ncnds.select(evidence_item(grade, "ncnd", EvidenceRelation.EXACT.value)),
            denials.select(evidence_item(grade, "denied sibling", EvidenceRelation.SIBLING.value)),
        ]
    ).to_series()
    # Item positions: NCND i is item i, denial j is item len(ncnds) + j. Denials are put in order (NCND,
    # then day and sibling rank packed in one integer), the NCND items stacked in front, and a stable
    # sort by NCND brings each NCND's own item before its denials.
    shown_denials = nearest.select(
        "__event",
        (pl.col("__shown") + ncnds.height).alias("__item"),
        ((pl.col("__denial_day") + 2**31) * 2**31 + pl.col("__sibling")).alias("__key"),
    ).sort("__event", "__key")
    order = pl.concat(
        [
            ncnds.select("__event", pl.int_range(pl.len(), dtype=pl.UInt32).alias("__item")),
            shown_denials.select("__event", "__item"),
        ]
    ).sort("__event", maintain_order=True)
    lists = (
        pl.DataFrame({"__event": order.get_column("__event"), "evidence": items.gather(order.get_column("__item"))})
        .group_by("__event", maintain_order=True)
        .agg("evidence")
    )
    if not lists.get_column("__event").equals(ncnds.get_column("__event")):  # each NCND has an item: cannot happen
        raise RuntimeError("selective_ncnd: evidence lists out of step with the flagged NCNDs")
    return lists.get_column("evidence")


@register("selective_ncnd", "Denies some products of a category, NCNDs another", "map")
def selective_ncnd(inputs: AnalysisInputs, as_of: dt.date | None, params: CheckParams) -> pl.DataFrame:
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
    events = inputs.events
    nearest = _nearest_denials(inputs, cutoff, params)
    # The rows shown, flagged NCNDs and their denials alike, read from ``events`` in one pass, by row number.
    shown = pl.concat([nearest.get_column("__event").unique(), nearest.get_column("__denial").unique()]).sort()
    rows = _rows_at(events, shown, (*dict.fromkeys((*_ITEM_COLUMNS, *_SUBJECT_COLUMNS)), "is_ncnd")).with_columns(
        shown.alias("__row")
    )
    denials = rows.filter(~pl.col("is_ncnd"))
    # Each (NCND, sibling) row learns where its denial is among those rows.
    nearest = nearest.with_columns(
        _positions(denials.get_column("__row"), events.height).gather(nearest.get_column("__denial")).alias("__shown")
    )
    counted = _sibling_names(nearest, denials)  # one row per flagged NCND, by row number
    ncnds = rows.filter(pl.col("is_ncnd"))
    if not ncnds.get_column("__row").equals(
        counted.get_column("__event"), check_names=False
    ):  # the same NCNDs, in order
        raise RuntimeError("selective_ncnd: flagged NCNDs out of step with their rows")
    flagged = pl.concat([counted, ncnds.drop("__row")], how="horizontal")
    findings = flagged.with_columns(evidence=_selective_evidence(flagged, denials, nearest))
    return findings.select(
        *subject_columns("selective_ncnd", FindingScope.RESPONSE, cutoff),
        pl.when(pl.col("denied_siblings") >= 2)
        .then(pl.lit(Severity.STRONG.value))
        .otherwise(pl.lit(Severity.NOTABLE.value))
        .alias("severity"),
        metrics_struct(denied_siblings=pl.col("denied_siblings"), window_days=params.selective_window_days),
        "evidence",
        pl.format(
            "{} neither confirmed nor denied {} on {} but denied {} of the same category ({}) within {} days.",
            pl.col("authority_label"),
            pl.col("technology_label"),
            date_text(pl.col("response_date"), pl.col("response_date_precision")),
            plural(pl.col("denied_siblings"), "other product"),
            pl.col("__names"),
            pl.lit(params.selective_window_days),
        ).alias("summary"),
    )


def _series_rows(inputs: AnalysisInputs, cutoff: dt.date, params: CheckParams) -> pl.DataFrame:
    """Every dated confirm, deny or NCND up to the cut-off that belongs to a series, on integers.

    Columns: ``__event`` (row in ``inputs.events``), ``__series`` (an integer per authority and technology),
    ``is_ncnd``, ``__start`` and ``__end`` (the first and last day the answer may have been given, as day
    numbers). Rows without an authority or technology are left out: they belong to no series. Undated
    answers are left out too: they are before and after nothing.
    """
    technologies = max(len(inputs.id_enums["technology_id"].categories), 1)
    return (
        inputs.coded_events.lazy()
        .with_row_index("__event")
        .filter(
            (pl.col("response_end") <= cutoff)
            & (pl.col("is_ncnd") | pl.col("is_disclosure"))
            & pl.col("authority_code").is_not_null()
            & pl.col("technology_code").is_not_null()
            & params.focus(response=False)
        )
        .select(
            "__event",
            "is_ncnd",
            (pl.col("authority_code").cast(pl.UInt64) * technologies + pl.col("technology_code")).alias("__series"),
            _day("response_date").alias("__start"),
            _day("response_end").alias("__end"),
        )
        .collect(engine="in-memory")
        # days counted from the earliest (non-negative and small, so (series, day) packs into one integer)
        .with_columns(pl.col("__start", "__end") - pl.col("__start").min())
    )


def _packed(day: str, span: int) -> pl.Expr:
    """(series, day) as one integer that sorts series by series, days in order within each: as-of joins on
    one plain integer key ran several times faster than with ``by``. ``span`` is one more than the widest
    day range (see ``_span``)."""
    return pl.col("__series").cast(pl.Int64) * span + pl.col(day)


def _span(rows: pl.DataFrame) -> int | None:
    """The multiplier ``_packed`` needs (days are made non-negative by the caller), or None when the
    series codes are too large to pack into 63 bits (never in practice)."""
    if rows.is_empty():
        return 1
    span = int(rows.select(pl.max_horizontal(pl.col("__end").max(), pl.col("__start").max())).item()) + 2
    return span if int(rows.select(pl.col("__series").max()).item()) < (2**62) // span else None


def _latest_certainly_before(queries: pl.DataFrame, others: pl.DataFrame, span: int | None) -> pl.DataFrame:
    """For each query row, the latest row of ``others`` in the same series that certainly came before it
    (its last possible day earlier than the query's first possible day): ``__before`` (its ``__event``,
    null when none). Ties on the end day go to the highest event number, so the choice does not depend on
    row order. One as-of join on integers."""
    right = others.select("__series", "__end", pl.col("__event").alias("__before"))
    if span is None:
        joined = queries.sort("__start").join_asof(
            right.sort("__end", "__before").rename({"__series": "__other_series", "__end": "__before_end"}),
            left_on="__start", right_on="__before_end", left_by="__series", right_by="__other_series",
            strategy="backward", allow_exact_matches=False, check_sortedness=False,
        )  # fmt: skip
        return joined.drop("__before_end", "__other_series")
    # The nearest smaller packed key is in the same series whenever that series has such a row: check it.
    joined = queries.with_columns(__key=_packed("__start", span)).sort("__key").join_asof(
        right.select(_packed("__end", span).alias("__other_key"), pl.col("__series").alias("__other_series"), "__before").sort("__other_key", "__before"),
        left_on="__key", right_on="__other_key", strategy="backward", allow_exact_matches=False, check_sortedness=False,
    )  # fmt: skip
    return joined.with_columns(
        __before=pl.when(pl.col("__other_series") == pl.col("__series")).then(pl.col("__before"))
    ).drop("__key", "__other_key", "__other_series")


def _same_time(queries: pl.DataFrame, others: pl.DataFrame, span: int | None) -> pl.DataFrame:
    """For each query row, a row of ``others`` in the same series whose dates overlap it (neither certainly
    before nor certainly after: the same day, or periods too imprecise to order): ``__overlap`` (its
    ``__event``, null when none).

    Exact, with one as-of join: among the rows that started on or before the query's last possible day,
    an overlap exists when the greatest end day reaches the query's first possible day. That greatest end
    (ties: the highest event number) is carried as a running maximum of one packed integer per series.
    """
    reach = pl.col("__end") * 2**32 + pl.col("__event").cast(pl.Int64)
    ordered = others.sort("__series", "__start", "__event")
    # A running maximum per series. When the series' dense rank, shifted above every reach value, fits in
    # 63 bits, one plain running maximum over the series-sorted rows does it (much cheaper than a window).
    most = int(ordered.select(reach.max()).item() or 0) + 1 if ordered.height else 1
    series_rank = pl.col("__series").rank("dense").cast(pl.Int64)
    if ordered.height and ordered.get_column("__series").n_unique() * most < 2**62:
        running = (series_rank * most + reach).cum_max() - series_rank * most
    else:
        running = reach.cum_max().over("__series")
    right = ordered.select(pl.col("__series").alias("__other_series"), "__start", running.alias("__reach"))
    if span is None:
        joined = (
            queries.sort("__end")
            .join_asof(
                right.rename({"__start": "__other_start"}).sort("__other_start"),
                left_on="__end",
                right_on="__other_start",
                left_by="__series",
                right_by="__other_series",
                strategy="backward",
                check_sortedness=False,
            )
            .drop("__other_start")
        )
    else:
        # sorted by (series, start) already, so by the packed key too
        right = right.select(
            pl.col("__other_series").cast(pl.Int64).mul(span).add(pl.col("__start")).alias("__other_key"),
            "__other_series",
            "__reach",
        )
        joined = (
            queries.with_columns(__key=_packed("__end", span))
            .sort("__key")
            .join_asof(right, left_on="__key", right_on="__other_key", strategy="backward", check_sortedness=False)
            .drop("__key", "__other_key")
        )
    overlaps = (pl.col("__other_series") == pl.col("__series")) & ((pl.col("__reach") // 2**32) >= pl.col("__start"))
    return joined.with_columns(__overlap=pl.when(overlaps).then((pl.col("__reach") % 2**32).cast(pl.UInt32))).drop(
        "__other_series", "__reach"
    )


@register("series_consistency", "Reversals in an authority's own series of answers", "map")
def series_consistency(inputs: AnalysisInputs, as_of: dt.date | None, params: CheckParams) -> pl.DataFrame:
    """Per authority and technology: NCNDs after its own confirm or deny, and answers after its own NCND.

    Method. An authority's dated answers on one technology up to the as-of date (default today), ignoring
    answers with no stance (refusals, no response) and undated ones. ``reversals`` counts its NCNDs that
    came *certainly after* one of its own confirm or deny answers (the earlier answer's last possible day
    before the NCND's first possible day: the fact was already acknowledged). ``ncnd_then_answered``
    counts its confirm or deny answers certainly after one of its NCNDs (what the NCND protected was later
    given out). ``answered_same_time`` counts NCNDs given around the same time as an answer of its own
    (the same day, or dates too imprecise to order): those are never called reversals, because which came
    first cannot be said. One finding per series with any of the three. Severity: ``strong`` with a
    reversal (the authority's own answer: see ``findings.STRONG_MIN_ANSWERS``), else ``notable``.
    Evidence: each pair (the earlier answer and the later one; or the two same-time answers) in date order
    of the later one, up to ``evidence_limit`` pairs.
    """
    cutoff = params.map_as_of(as_of)
    events = inputs.events
    rows = _series_rows(inputs, cutoff, params)
    span = _span(rows)
    ncnds, answers = rows.filter(pl.col("is_ncnd")), rows.filter(~pl.col("is_ncnd"))
    # kind code: (metric, role of the earlier or other answer, role of this one)
    kinds = (
        ("answered_same_time", "same time", "same time"),
        ("ncnd_then_answered", "before", "answer after ncnd"),
        ("reversals", "before", "ncnd after answer"),
    )
    # An answer of the other kind certainly came before a row when the series' earliest-ending one did:
    # one minimum per series decides every row; the partner is looked up only for the pairs shown.
    earliest_other = (
        pl.when(pl.col("is_ncnd"))
        .then(pl.col("__end").filter(~pl.col("is_ncnd")).min().over("__series"))
        .otherwise(pl.col("__end").filter(pl.col("is_ncnd")).min().over("__series"))
    )
    after = rows.filter(earliest_other < pl.col("__start")).select(
        "__series", "__event", "__end", "__start", "is_ncnd", pl.lit(None, pl.UInt32).alias("__other"),
        pl.when(pl.col("is_ncnd")).then(pl.lit(2, pl.UInt8)).otherwise(pl.lit(1, pl.UInt8)).alias("__kind"),
    )  # fmt: skip
    same_time = (
        _same_time(ncnds, answers, span)
        .filter(pl.col("__overlap").is_not_null())
        .select(
            "__series",
            "__event",
            "__end",
            "__start",
            "is_ncnd",
            pl.col("__overlap").alias("__other"),
            pl.lit(0, pl.UInt8).alias("__kind"),
        )
    )
    pairs = pl.concat([same_time, after])
    counts = pairs.group_by("__series").agg(
        *[(pl.col("__kind") == code).sum().cast(pl.Int64).alias(name) for code, (name, *_) in enumerate(kinds)],
        pl.col("__event").min().alias("__first"),  # labels are taken from one of the series' rows
    )
    lengths = rows.group_by("__series").agg(pl.len().cast(pl.Int64).alias("series_length"))
    # Evidence: the first pairs of each series in date order (the counts above use them all), each pair's
    # earlier answer first. One packed integer orders a series' pairs: day, then event, then kind.
    order = pl.col("__end").cast(pl.Int64) * 2**34 + pl.col("__event").cast(pl.Int64) * 4 + pl.col("__kind")
    # (ranked within each series and filtered before sorting: sorting every pair cost several times more)
    shown = (
        pairs.filter(order.rank("ordinal").over("__series") <= params.evidence_limit)
        .sort("__series", order)
        .with_row_index("__pair")
    )
    later = shown.filter(pl.col("__kind") > 0)
    partners = pl.concat(
        [
            _latest_certainly_before(later.filter(pl.col("is_ncnd")).drop("__other"), answers, span),
            _latest_certainly_before(later.filter(~pl.col("is_ncnd")).drop("__other"), ncnds, span),
        ]
    ).select("__pair", "__before")
    shown = (
        shown.join(partners, on="__pair", how="left")
        .with_columns(__other=pl.coalesce("__other", "__before"))
        .sort("__pair")
    )
    roles = pl.Series([role for _, *both in kinds for role in both], dtype=pl.String)
    sides = pl.concat(
        [
            shown.select(
                "__series",
                pl.col("__other").alias("__row"),
                pl.lit(roles).gather(pl.col("__kind").cast(pl.Int64) * 2).alias("__role"),
                pl.int_range(pl.len()).alias("__order"),
            ),
            shown.select(
                "__series",
                pl.col("__event").alias("__row"),
                pl.lit(roles).gather(pl.col("__kind").cast(pl.Int64) * 2 + 1).alias("__role"),
                pl.int_range(pl.len()).alias("__order"),
            ),
        ]
    ).sort("__order", maintain_order=True)
    item = evidence_item(
        grade_expr(pl.col("source_type"), pl.lit(True)), pl.col("__role"), EvidenceRelation.EXACT.value
    )
    evidence = (
        pl.concat(
            [sides.select("__series", "__role"), _rows_at(events, sides.get_column("__row"), _ITEM_COLUMNS)],
            how="horizontal",
        )
        .select("__series", item.alias("evidence"))
        .group_by("__series", maintain_order=True)
        .agg("evidence")
    )
    counts = counts.sort("__series")
    findings = (
        pl.concat([counts, _rows_at(events, counts.get_column("__first"), _SUBJECT_COLUMNS)], how="horizontal")
        .join(lengths, on="__series")
        .join(evidence, on="__series")
    )
    same_time_text = (
        pl.when(pl.col("answered_same_time") > 0)
        .then(
            pl.format(
                "; {} around the same time as an answer of its own (the same day, or dates too imprecise to say which came first)",
                plural(pl.col("answered_same_time"), "NCND was given", "NCNDs were given"),
            )
        )
        .otherwise(pl.lit(""))
    )
    return findings.select(
        *subject_columns("series_consistency", FindingScope.AUTHORITY, cutoff, with_response=False),
        pl.when(pl.col("reversals") > 0)
        .then(pl.lit(Severity.STRONG.value))
        .otherwise(pl.lit(Severity.NOTABLE.value))
        .alias("severity"),
        metrics_struct(
            reversals=pl.col("reversals"),
            ncnd_then_answered=pl.col("ncnd_then_answered"),
            answered_same_time=pl.col("answered_same_time"),
            series_length=pl.col("series_length"),
        ),
        "evidence",
        pl.format(
            "Of {} dated answers by {} on {}, {} came after it had itself confirmed or denied it, and {} after one of its NCNDs{}.",
            pl.col("series_length"),
            pl.col("authority_label"),
            pl.col("technology_label"),
            plural(pl.col("reversals"), "NCND"),
            plural(pl.col("ncnd_then_answered"), "confirm or deny answer"),
            same_time_text,
        ).alias("summary"),
    )
