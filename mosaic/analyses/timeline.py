"""Time-aware building blocks shared by the checks: cut-offs, first disclosures, and counting "before".

Why a module of its own: every check asks the same question, "what was public before this answer?", for
hundreds of thousands of answers at once. A join-and-filter is quadratic; these helpers answer it with one
sort and running totals (see ``count_before``), which is what keeps the checks within a few times a bare
CSV read on a million responses.

Engine: the analyses collect with ``engine="in-memory"``. polars 2 defaults to its streaming engine,
which ran these plans (window functions, as-of joins, order-keeping group-bys over struct columns) about
ten times slower on 300k responses; the frames involved fit in memory by design.
"""

from __future__ import annotations

import datetime as dt
import functools

import polars as pl

from mosaic.analyses.findings import EVIDENCE_STRUCT, EvidenceRelation, grade_expr
from mosaic.analyses.inputs import AnalysisInputs

ONE_DAY = dt.timedelta(days=1)


def with_limits(subjects: pl.LazyFrame, as_of: dt.date | None, today: dt.date) -> pl.LazyFrame:
    """Add ``is_undated``, ``as_of`` and ``limit`` to response-level subjects (needs ``response_date``
    and ``response_end``).

    What came "before" an answer is fixed by the answer's own date, whatever the view date
    (``../shared/domain.md``, "Time" and "Date precision"):

    * ``limit`` is the answer's *earliest possible* day (``response_date``, the first day of its period),
      and a fact counts as before it only when the fact's *latest possible* day (its period end) is
      ``< limit``. So a disclosure of 5 June is not "before" an NCND dated "June 2024", and two answers of
      one day are never ordered.
    * ``as_of`` is the answer's latest possible day (``response_end``): the date its numbers are stated
      as of (who had been asked by then, days since a disclosure).
    * A view date (``--as-of``) only hides: answers dated after it are dropped (they did not exist yet);
      it never moves ``limit``, so nothing dated after an NCND is ever counted as before it.
    * An undated answer (``is_undated``) is before and after nothing. Its facts are counted up to the view
      date (``as_of`` = the view date, default today; ``limit`` the day after), and its summary must say
      that whether they came before it cannot be known.
    """
    view = today if as_of is None else as_of
    undated = pl.col("response_end").is_null()
    if as_of is not None:
        subjects = subjects.filter(undated | (pl.col("response_end") <= as_of))
    return subjects.with_columns(
        is_undated=undated,
        as_of=pl.coalesce(pl.col("response_end"), pl.lit(view)),
        limit=pl.coalesce(pl.col("response_date"), pl.lit(view + ONE_DAY)),
    )


def step_counts(events: pl.DataFrame | pl.LazyFrame, keys: list[str], date: str, name: str) -> pl.DataFrame:
    """Per key, how many events are dated on or before each of its distinct dates: a small step table.

    Columns: ``keys``, ``__step`` (the date) and ``name`` (the running count). Events with a null date
    never count. The table has one row per key and distinct date, so it is small even when the events
    are not (a few thousand rows for a million responses).
    """
    return (
        events.lazy()
        .filter(pl.col(date).is_not_null())
        .group_by(*keys, date)
        .agg(pl.len().cast(pl.Int64).alias(name))
        .sort(*keys, date)
        .with_columns(pl.col(name).cum_sum().over(keys))
        .rename({date: "__step"})
        .collect(engine="in-memory")
    )


def count_before(
    queries: pl.DataFrame | pl.LazyFrame,
    keys: list[str],
    query_date: str,
    *,
    strict: bool = True,
    **events: pl.DataFrame | pl.LazyFrame,
) -> pl.DataFrame:
    """For each query row, count the rows of each named event frame with the same ``keys`` dated before it.

    ``events`` maps an output column name to a frame with ``keys`` and a ``date`` column (one row per
    thing to count: pre-aggregate to distinct authorities first when counting authorities). Each frame
    is reduced to a step table (``step_counts``) and read with one as-of join: O(n log n) for the sort
    of the queries, never a join that pairs every query with every event. ``strict`` counts events
    dated ``< query_date``, otherwise ``<=``. Events with a null date never count; a query with a null
    date gets null counts. Returns the queries in their own order with one Int64 column per frame.
    """
    index = "__query_index"
    queries = queries.lazy().collect(engine="in-memory")
    # Only a narrow frame is sorted and joined: sorting the wide queries cost more than the counting.
    # Keys are best integer codes (``AnalysisInputs.coded_events``): string keys work, several times slower.
    narrow = queries.select(*keys, query_date).with_row_index(index).sort(query_date, nulls_last=True)
    # One step table for all the frames (their running counts carried forward over every date any of
    # them steps on), so the million queries are joined once, not once per count.
    steps = None
    for name, frame in events.items():
        step = step_counts(frame, keys, "date", name)
        steps = step if steps is None else steps.join(step, on=[*keys, "__step"], how="full", coalesce=True)
    steps = steps.sort(*keys, "__step").with_columns(pl.col(*events).forward_fill().over(keys))
    narrow = narrow.join_asof(
        steps,
        left_on=query_date,
        right_on="__step",
        by=keys,
        strategy="backward",
        allow_exact_matches=not strict,
        check_sortedness=False,
    ).with_columns(
        pl.when(pl.col(query_date).is_not_null()).then(pl.col(name).fill_null(0)).alias(name) for name in events
    )
    return queries.hstack(narrow.sort(index).select(*events).get_columns())


def first_disclosures(
    inputs: AnalysisInputs, *, as_of: dt.date | None = None, undated_end: dt.date | None = None
) -> pl.LazyFrame:
    """Each authority's earliest dated confirm or deny per technology, official and unofficial apart.

    Columns: ``technology_id``, ``authority_id``, ``is_official``, ``first_end`` plus the evidence fields
    of that earliest response. Keeping official and unofficial apart matters: an authority's earliest
    disclosure may be a media report while its official answer came later, and a cut-off between the two
    must still see the media report as the (weaker) evidence it is.

    ``as_of``: only disclosures dated on or before it. ``undated_end``: undated disclosures count too, with
    ``first_end`` set to this day (a sentinel after every real date, so that only an undated NCND's own
    sentinel cut-off reaches them); a dated disclosure, when there is one, is still the earliest.
    """
    dated = pl.col("response_end").is_not_null() if as_of is None else pl.col("response_end") <= as_of
    kept = dated | pl.col("response_end").is_null() if undated_end is not None else dated
    keys = ["__technology", "__authority", "is_official"]
    # Find each earliest row on a narrow, integer-keyed frame: the earliest date per key, then (among
    # the few rows on that date) the lowest response id. Only the few thousand winning rows are then
    # fetched whole: sorting every disclosure with all its columns cost ten times more.
    narrow = (
        inputs.events.lazy()
        .with_row_index("__row")
        .filter(pl.col("is_disclosure") & kept)
        .select(
            inputs.id_code("technology_id", alias="__technology"),
            inputs.id_code("authority_id", alias="__authority"),
            (grade_expr(pl.col("source_type"), pl.lit(False)) != "unofficial").alias("is_official"),
            pl.col("response_end").fill_null(undated_end) if undated_end is not None else pl.col("response_end"),
            "response_id",
            "__row",
        )
        .collect(engine="in-memory")
    )
    earliest = narrow.group_by(keys).agg(pl.col("response_end").min())
    winners = (
        narrow.join(earliest, on=[*keys, "response_end"], how="semi")
        .sort("response_id")
        .group_by(keys)
        .agg(pl.col("__row").first())
    )
    rows = winners.get_column("__row").sort()
    return (
        inputs.events[rows]
        .lazy()
        .with_columns(is_official=winners.sort("__row").get_column("is_official"))
        .rename({"response_end": "first_end"})
        .with_columns(pl.col("first_end").fill_null(undated_end) if undated_end is not None else pl.col("first_end"))
    )


def retarget(disclosures: pl.LazyFrame, pairs: pl.DataFrame, relation: EvidenceRelation) -> pl.LazyFrame:
    """Re-key disclosures by the technology they bear on, for one relation.

    ``exact``: the same technology. ``broader``: a disclosure about a category bears on every product
    below it (``target_id`` = each descendant). ``narrower``: a disclosure about a product bears on every
    category above it (``target_id`` = each ancestor). Adds ``relation``.
    """
    if relation == EvidenceRelation.EXACT:
        return disclosures.with_columns(target_id=pl.col("technology_id"), relation=pl.lit(relation.value))
    proper = pairs.lazy().filter(pl.col("distance") > 0)
    if relation == EvidenceRelation.BROADER:
        mapped = proper.select(pl.col("ancestor_id").alias("technology_id"), pl.col("descendant_id").alias("target_id"))
    else:
        mapped = proper.select(pl.col("descendant_id").alias("technology_id"), pl.col("ancestor_id").alias("target_id"))
    return disclosures.join(mapped, on="technology_id", how="inner").with_columns(relation=pl.lit(relation.value))


#: The events columns ``evidence_item`` reads (select them before gathering rows: narrower is faster).
EVIDENCE_SOURCE_COLUMNS: tuple[str, ...] = (
    "authority_id", "authority_label", "technology_id", "technology_label", "response_date", "response_date_precision",
    "stance", "outcome", "exemptions", "source_url", "source_type", "response_id", "response_end",
)  # fmt: skip


def evidence_item(
    grade: pl.Expr, role: str | pl.Expr, relation: str | pl.Expr | None = None, date: str = "response_date"
) -> pl.Expr:
    """Build one ``EVIDENCE_STRUCT`` value from the columns of an events row (``relation`` defaults to its column)."""
    fields = {
        "authority_id": pl.col("authority_id"),
        "authority": pl.col("authority_label"),
        "technology_id": pl.col("technology_id"),
        "technology": pl.col("technology_label"),
        "date": pl.col(date),
        "date_precision": pl.col("response_date_precision"),
        "stance": pl.col("stance"),
        "outcome": pl.col("outcome"),
        "exemptions": pl.when(pl.col("exemptions").list.len() > 0).then(pl.col("exemptions").list.join("; ")),
        "grade": grade,
        "source_url": pl.col("source_url"),
        "source_type": pl.col("source_type"),
        "relation": pl.col("relation")
        if relation is None
        else (relation if isinstance(relation, pl.Expr) else pl.lit(relation)),
        "role": role if isinstance(role, pl.Expr) else pl.lit(role),
        "response_id": pl.col("response_id"),
    }
    return pl.struct([expr.cast(EVIDENCE_STRUCT.to_schema()[name]).alias(name) for name, expr in fields.items()])


def plural(count: pl.Expr, singular: str, plural_form: str | None = None) -> pl.Expr:
    """ "1 authority" / "3 authorities" as a string expression."""
    many = plural_form or singular + "s"
    return pl.format("{} {}", count, pl.when(count == 1).then(pl.lit(singular)).otherwise(pl.lit(many)))


_ISO_FIRST = dt.date(1900, 1, 1)
_ISO_DAYS = (dt.date(2200, 1, 1) - _ISO_FIRST).days
_EPOCH_OFFSET = (_ISO_FIRST - dt.date(1970, 1, 1)).days


@functools.cache
def _iso_table() -> pl.Series:
    """ISO text of every day from 1900 to 2199, built once: reading a date's text from it is about eight
    times faster than formatting each of a million dates."""
    return pl.date_range(_ISO_FIRST, dt.date(2199, 12, 31), eager=True).dt.strftime("%Y-%m-%d")


def iso(date: pl.Expr) -> pl.Expr:
    """A date as ISO text for summaries ('undated' when null)."""
    day = date.cast(pl.Int32) - _EPOCH_OFFSET
    in_table = (day >= 0) & (day < _ISO_DAYS)
    return (
        pl.when(in_table)
        .then(pl.lit(_iso_table()).gather(day.clip(0, _ISO_DAYS - 1)))
        .otherwise(date.dt.strftime("%Y-%m-%d"))
        .fill_null("undated")
    )


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@functools.cache
def _month_table() -> pl.Series:
    """'January 1900' ... 'December 2199', built once (indexed by months since January 1900)."""
    return pl.Series([f"{name} {year}" for year in range(_ISO_FIRST.year, 2200) for name in _MONTHS], dtype=pl.String)


def date_text(date: pl.Expr, precision: pl.Expr) -> pl.Expr:
    """A date as its precision allows, for summaries: '2024-06-05', 'June 2024', '2024'; 'undated' when null.

    Why: "2024-06" stored as 1 June must never print as "2024-06-01", a day the source never gave
    (``../shared/domain.md``, "Date precision"). A null precision is read as a day.
    """
    months = (date.dt.year().cast(pl.Int64) - _ISO_FIRST.year) * 12 + date.dt.month().cast(pl.Int64) - 1
    in_table = (months >= 0) & (months < _month_table().len())
    month = (
        pl.when(in_table)
        .then(pl.lit(_month_table()).gather(months.clip(0, _month_table().len() - 1)))
        .otherwise(date.dt.strftime("%B %Y"))
    )
    return (
        pl.when(precision == "month")
        .then(month)
        .when(precision == "year")
        .then(date.dt.year().cast(pl.String))
        .otherwise(iso(date))
        .fill_null("undated")
    )
