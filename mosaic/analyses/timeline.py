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

import polars as pl

from mosaic.analyses.findings import EVIDENCE_STRUCT, EvidenceRelation, grade_expr
from mosaic.analyses.inputs import AnalysisInputs

ONE_DAY = dt.timedelta(days=1)


def with_limits(subjects: pl.LazyFrame, as_of: dt.date | None, today: dt.date) -> pl.LazyFrame:
    """Add ``as_of`` and ``limit`` to response-level subjects (needs ``response_end``).

    Default (``as_of`` None): a response is judged as of its own date, the end of its period, and only
    facts dated *strictly before* it count: ``limit = response_end`` and a fact counts when its end is
    ``< limit``. With an as-of date given, every fact dated on or before it counts: ``limit = as_of + 1
    day``; responses dated after it are dropped (they did not exist yet). An undated response is judged
    as of today (or the given date), and says so in its summary.
    """
    if as_of is None:
        return subjects.with_columns(
            as_of=pl.coalesce(pl.col("response_end"), pl.lit(today)),
            limit=pl.coalesce(pl.col("response_end"), pl.lit(today + ONE_DAY)),
        )
    return subjects.filter(pl.col("response_end").is_null() | (pl.col("response_end") <= as_of)).with_columns(
        as_of=pl.lit(as_of), limit=pl.lit(as_of + ONE_DAY)
    )


def count_before(events: pl.LazyFrame, queries: pl.LazyFrame, keys: list[str], *, event_date: str, query_date: str, strict: bool = True, name: str = "count") -> pl.LazyFrame:
    """For each query row, count event rows with the same ``keys`` dated before the query's date.

    One sort of events and queries together, then a running total of events within each key: O(n log n),
    never a join that pairs every query with every event. Events with a null date never count; a query
    with a null date gets a null count.

    Args:
        events: rows with ``keys`` and ``event_date`` (one row per thing to count: pre-aggregate to
            distinct authorities first when counting authorities).
        queries: rows with ``keys`` and ``query_date``; returned in the same order with ``name`` added.
        strict: count events with date ``< query_date`` (True) or ``<= query_date`` (False).
    """
    marker, index = "__is_query", "__query_index"
    # Materialise the queries once: a lazy plan may evaluate them twice, and a join upstream does not
    # promise the same row order both times, which would pair counts with the wrong rows.
    queries = queries.collect(engine="in-memory").lazy().with_row_index(index)
    # On equal dates a strict count must see the query first, an inclusive one the events first.
    query_order, event_order = (0, 1) if strict else (1, 0)
    stacked = pl.concat(
        [
            events.filter(pl.col(event_date).is_not_null()).select(
                *keys, pl.col(event_date).alias("__date"), pl.lit(False).alias(marker), pl.lit(event_order).alias("__order"), pl.lit(None, pl.UInt32).alias(index)
            ),
            queries.filter(pl.col(query_date).is_not_null()).select(
                *keys, pl.col(query_date).alias("__date"), pl.lit(True).alias(marker), pl.lit(query_order).alias("__order"), pl.col(index)
            ),
        ],
        how="vertical_relaxed",
    )
    counted = (
        stacked.sort([*keys, "__date", "__order"])
        .with_columns((~pl.col(marker)).cast(pl.Int64).cum_sum().over(keys).alias(name))
        .filter(pl.col(marker))
        .select(index, name)
    )
    return queries.join(counted, on=index, how="left").sort(index).drop(index)


def first_disclosures(inputs: AnalysisInputs) -> pl.LazyFrame:
    """Each authority's earliest dated confirm or deny per technology, official and unofficial apart.

    Columns: ``technology_id``, ``authority_id``, ``is_official``, ``first_end`` plus the evidence fields
    of that earliest response. Keeping official and unofficial apart matters: an authority's earliest
    disclosure may be a media report while its official answer came later, and a cut-off between the two
    must still see the media report as the (weaker) evidence it is.
    """
    events = inputs.events.lazy().filter(pl.col("is_disclosure") & pl.col("response_end").is_not_null())
    return (
        events.with_columns(is_official=grade_expr(pl.col("source_type"), pl.lit(False)) != "unofficial")
        .sort("response_end", "response_id")
        .group_by("technology_id", "authority_id", "is_official")
        .agg(pl.all().first())
        .rename({"response_end": "first_end"})
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


def evidence_item(grade: pl.Expr, role: str | pl.Expr, relation: str | pl.Expr | None = None, date: str = "response_date") -> pl.Expr:
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
        "exemptions": pl.col("exemptions"),
        "grade": grade,
        "source_url": pl.col("source_url"),
        "source_type": pl.col("source_type"),
        "relation": pl.col("relation") if relation is None else (relation if isinstance(relation, pl.Expr) else pl.lit(relation)),
        "role": role if isinstance(role, pl.Expr) else pl.lit(role),
        "response_id": pl.col("response_id"),
    }
    return pl.struct([expr.cast(EVIDENCE_STRUCT.to_schema()[name]).alias(name) for name, expr in fields.items()])


def plural(count: pl.Expr, singular: str, plural_form: str | None = None) -> pl.Expr:
    """"1 authority" / "3 authorities" as a string expression."""
    many = plural_form or singular + "s"
    return pl.format("{} {}", count, pl.when(count == 1).then(pl.lit(singular)).otherwise(pl.lit(many)))


def iso(date: pl.Expr) -> pl.Expr:
    """A date as ISO text for summaries ('undated' when null)."""
    return date.dt.strftime("%Y-%m-%d").fill_null("undated")
