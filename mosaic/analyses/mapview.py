"""The map as it stood on a date: one row per authority with the stance to colour it by.

Shared by the dashboard's hex map, the reports' static map and ``mosaic_exposure``'s per-authority view, so
every picture of "who said what by then" is computed the same way.

The question behind all of them is "what was each authority's latest answer on each technology as of a
date", and ``answer_rows`` answers it without sorting responses by date and id: once per
``AnalysisInputs`` the events are coded as integers (a code per authority-technology pair, dates as day
numbers) and grouped by pair (``pair_timelines``); each question is then a segmented reduction over those
arrays that finds each pair's latest date, with ties on that date settled by response id among the few
rows that share it. Sorting the responses by date and id for every slider position is what made the map
slow; a question now costs a few milliseconds for one technology, a few tens for all of them.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import polars as pl

from mosaic.analyses.inputs import AnalysisInputs
from mosaic.schema import Outcome, Stance


class MapStance(StrEnum):
    """What one authority's cell shows, strongest first (the order used to combine a category's products)."""

    CONFIRM = "confirm"
    DENY = "deny"
    NCND_PARTIAL = "ncnd_partial"
    NCND = "ncnd"
    NO_ANSWER = "no_answer"
    """Asked by then, but no confirm, deny or NCND yet (awaiting, refused, no response, unknown)."""
    NOT_ASKED = "not_asked"


_RANK = {stance.value: rank for rank, stance in enumerate(MapStance)}

MAP_COLUMNS = (
    "authority_id", "authority_name", "kind", "region", "hex_col", "hex_row", "map_stance",
    "technology_id", "response_id", "response_date", "response_date_precision", "outcome", "exemptions",
    "source_url", "public_stance", "public_date", "answer_count", "ncnd_within_id", "ncnd_within_name",
)  # fmt: skip


def technology_scope(inputs: AnalysisInputs, technology_id: str) -> list[str]:
    """The technology and everything below it in the taxonomy (a category covers its products)."""
    below = inputs.pairs.filter(pl.col("ancestor_id") == technology_id).get_column("descendant_id").to_list()
    return sorted(set(below) | {technology_id})


# --- each pair's answers as of a date --------------------------------------------------------------------

_NEVER = np.iinfo(np.int32).max
"""The day number standing for a missing date: later than any cut-off, so never "on or before" one."""
_NO_ROW = np.iinfo(np.int64).max
_FLOOR = np.iinfo(np.int32).min


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (``np.unique`` imports ``numpy.ma`` on first use: a one-off costing more
    than the work it is used for here)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def _small_frame(columns: dict[str, np.ndarray], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """A frame from a few short numpy arrays, through Python lists: building a frame from numpy arrays
    imports ``numpy.ma`` on first use, a one-off that costs more than these frames."""
    return pl.DataFrame({name: values.tolist() for name, values in columns.items()}, schema=schema)


@dataclass(frozen=True, eq=False)
class PairTimelines:
    """``inputs.events`` as integer arrays, grouped by authority-technology pair.

    Each pair has a dense code (technology index * ``authority_count`` + authority index, so that one
    technology's pairs are neighbours) and the rows are ordered by pair code, keeping the events order
    within a pair: ``row`` is the events row number at each position, ``end`` / ``asked`` its day numbers
    of ``response_end`` / ``asked_on`` (``_NEVER`` when missing), ``is_disclosure`` / ``is_ncnd`` its flags
    (missing is False), ``pair`` its pair code. ``starts[i]`` is where the ``i``-th pair present begins and
    ``pairs[i]`` its code. ``technology_ids[t]`` is the id of technology index ``t``. ``last_day`` is the
    latest date in ``end`` and ``asked``: every later cut-off sees the same answers. ``recent`` keeps
    ``answer_rows``' last few results (the checks of one run, or the map and headline of one slider
    position, ask the same question).
    """

    row: np.ndarray
    pair: np.ndarray
    end: np.ndarray
    asked: np.ndarray
    is_disclosure: np.ndarray
    is_ncnd: np.ndarray
    starts: np.ndarray
    pairs: np.ndarray
    technology_ids: np.ndarray
    authority_count: int
    last_day: int
    recent: OrderedDict[tuple, pl.DataFrame] = field(default_factory=OrderedDict)


_CODED: weakref.WeakKeyDictionary[AnalysisInputs, PairTimelines] = weakref.WeakKeyDictionary()
_CODED_LOCK = threading.Lock()
_RECENT_ANSWERS = 16
"""How many ``answer_rows`` results each ``PairTimelines`` keeps (each is one row per pair: small)."""


def _dense_codes(codes: pl.Series) -> tuple[np.ndarray, int]:
    """Categorical codes (null allowed) renumbered 0..n-1 through a lookup table (no sort)."""
    if codes.null_count():
        codes = codes.fill_null(codes.max() + 1 if codes.null_count() < codes.len() else 0)
    values = codes.to_numpy()
    used = np.zeros(int(values.max(initial=0)) + 1, dtype=np.int32)
    used[values] = 1
    lookup = np.cumsum(used, dtype=np.int32) - 1
    return lookup[values], int(lookup[-1]) + 1 if len(lookup) else 0


def _first_rows(codes: np.ndarray, count: int) -> np.ndarray:
    """The first index at which each code 0..count-1 occurs (``_NO_ROW`` for codes that never do)."""
    first = np.full(count, _NO_ROW, dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(codes), dtype=np.int64))
    return first


def _id_codes(inputs: AnalysisInputs) -> tuple[np.ndarray, int, np.ndarray, int, np.ndarray | None]:
    """Dense integer codes of each events row's authority and technology, and how many of each.

    Returns (authority codes, authority count, technology codes, technology count, technology ids by code
    or None when every code has rows). The inputs' own ``coded_events`` codes are used when the inputs
    offer them (built once and shared with the other checks); otherwise one Categorical cast per column
    of this very frame, renumbered densely (never compared with another cast's codes: Polars recycles
    the codes of strings no Categorical holds).
    """
    events = inputs.events
    if isinstance(getattr(type(inputs), "coded_events", None), functools.cached_property) and hasattr(
        inputs, "id_enums"
    ):
        frame = inputs.coded_events
        if {"authority_code", "technology_code"} <= set(frame.columns):
            authorities = len(inputs.id_enums["authority_id"].categories)
            technology_ids = inputs.id_enums["technology_id"].categories.to_numpy()
            # A missing id (never expected) gets a code of its own, after the known ones.
            authority = frame.get_column("authority_code").fill_null(authorities).to_numpy().astype(np.int32)
            technology = frame.get_column("technology_code").fill_null(len(technology_ids)).to_numpy().astype(np.int32)
            return authority, authorities + 1, technology, len(technology_ids) + 1, np.r_[technology_ids, None]

    def codes(name: str) -> pl.Expr:
        column = pl.col(name)
        return (
            column if isinstance(events.schema[name], pl.Categorical | pl.Enum) else column.cast(pl.Categorical)
        ).to_physical()

    frame = (
        events.lazy()
        .select(authority=codes("authority_id"), technology=codes("technology_id"))
        .collect(engine="in-memory")
    )
    authority, authority_count = _dense_codes(frame.get_column("authority"))
    technology, technology_count = _dense_codes(frame.get_column("technology"))
    return authority, authority_count, technology, technology_count, None


def pair_timelines(inputs: AnalysisInputs) -> PairTimelines:
    """The integer-coded events of ``inputs``, built on first use and kept as long as ``inputs`` lives.

    Grouping the rows by pair is one stable radix sort of small integers (see ``_id_codes`` for the
    codes).
    """
    with _CODED_LOCK:
        found = _CODED.get(inputs)
    if found is not None:
        return found
    events = inputs.events
    authority, authority_count, technology, technology_count, technology_ids = _id_codes(inputs)
    frame = (
        events.lazy()
        .select(
            end=pl.col("response_end").cast(pl.Int32).fill_null(_NEVER),
            asked=pl.col("asked_on").cast(pl.Int32).fill_null(_NEVER),
            is_disclosure=pl.col("is_disclosure").fill_null(False),
            is_ncnd=pl.col("is_ncnd").fill_null(False),
            last_day=pl.max_horizontal(pl.col("response_end").max(), pl.col("asked_on").max()).cast(pl.Int32),
        )
        .collect(engine="in-memory")
    )
    pair_count = authority_count * technology_count
    small = (
        np.int16
        if pair_count <= np.iinfo(np.int16).max
        else np.int32
        if pair_count <= np.iinfo(np.int32).max
        else np.int64
    )
    pair = technology.astype(small) * small(authority_count) + authority.astype(small)
    row = np.argsort(pair, kind="stable")  # a radix sort for 16-bit codes
    pair = pair[row]
    starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]]) if len(pair) else np.zeros(0, dtype=np.int64)
    pairs = pair[starts].astype(np.int64)
    if technology_ids is None:  # every technology code has rows: its id from the first row of its first pair
        first_pair = np.searchsorted(pairs, np.arange(technology_count) * authority_count)
        technology_ids = (
            events.get_column("technology_id").cast(pl.String).gather(row[starts[first_pair]].tolist()).to_numpy()
            if len(row)
            else np.zeros(0, dtype=object)
        )
    last_day = frame.get_column("last_day")[0] if frame.height else None
    coded = PairTimelines(
        row=row,
        pair=pair,
        end=frame.get_column("end").to_numpy()[row],
        asked=frame.get_column("asked").to_numpy()[row],
        is_disclosure=frame.get_column("is_disclosure").to_numpy()[row],
        is_ncnd=frame.get_column("is_ncnd").to_numpy()[row],
        starts=starts,
        pairs=pairs,
        technology_ids=technology_ids,
        authority_count=authority_count,
        last_day=_NEVER - 1 if last_day is None else last_day,
    )
    with _CODED_LOCK:
        return _CODED.setdefault(inputs, coded)


def _day(date: dt.date) -> int:
    """A date as Polars stores it: days since 1970-01-01."""
    return (date - dt.date(1970, 1, 1)).days


def answer_rows(
    inputs: AnalysisInputs,
    cutoff: dt.date,
    technology_ids: Sequence[str] | None = None,
    *,
    first_stance: bool = False,
    with_undated: bool = False,
) -> pl.DataFrame:
    """Per authority-technology pair asked by ``cutoff``: which events rows hold its answers by then.

    One row per pair with a response whose ``asked_on`` is on or before ``cutoff`` (only the technologies
    in ``technology_ids`` when given), ordered by the internal ``pair`` code. Columns, each an
    ``inputs.events`` row number (null when none):

    * ``first_row``: the pair's first such response in events order (its labels);
    * ``latest_row``: its latest answer, the last by (``response_end``, ``response_id``) among those dated
      (period end) on or before ``cutoff``; ``answer_count`` counts them and ``has_ncnd`` says whether one
      is an NCND (null when there are none);
    * ``public_row``: its latest confirm or deny on or before ``cutoff``, in the same order;
    * ``first_stance_row`` (with ``first_stance``): its first confirm, deny or NCND on or before
      ``cutoff``, the first by (``response_end``, ``response_id``).

    ``with_undated``: the view is *now* (no ``--as-of`` given), when every answer in the data had been
    given, so undated confirm, deny or NCND answers count as asked and answered, ordered before the pair's
    dated answers (a dated answer stays the latest known) and never as a first stance. At a view date in
    the past they cannot be placed and are left out (whatever later facts the data holds).

    These are exactly the rows a sort by (``response_end``, ``response_id``) and a ``first`` / ``last``
    per pair would pick, found without that sort: over the coded events (grouped by pair once per
    inputs), a segmented reduction gives each pair's extreme date, and the response id decides only
    among the rows on that date (one, now and then two). A technology's pairs are one stretch of the
    coded events, so a map of one technology reads only its own rows. The last few results are kept (any
    cut-off after the data's last date is the same question), so checks run together, or a map and its
    headline, compute each once.
    """
    coded = pair_timelines(inputs)
    day = min(_day(cutoff), coded.last_day)  # any later cut-off sees the same answers
    key = (day, None if technology_ids is None else tuple(sorted(set(technology_ids))), with_undated)
    with _CODED_LOCK:
        found = coded.recent.get(key)
    if found is None:
        found = _answer_rows(inputs, coded, day, technology_ids, with_undated)
        with _CODED_LOCK:
            coded.recent[key] = found
            while len(coded.recent) > _RECENT_ANSWERS:
                coded.recent.popitem(last=False)
    return found if first_stance else found.drop("first_stance_row")


_ANSWER_SCHEMA = {
    "pair": pl.Int64, "first_row": pl.UInt32, "latest_row": pl.UInt32, "answer_count": pl.UInt32, "has_ncnd": pl.Boolean,
    "public_row": pl.UInt32, "first_stance_row": pl.UInt32,
}  # fmt: skip


def _answer_rows(
    inputs: AnalysisInputs, coded: PairTimelines, day: int, technology_ids: Sequence[str] | None, with_undated: bool
) -> pl.DataFrame:
    """``answer_rows`` computed (``first_stance_row`` included) for a day number."""
    segments = np.arange(len(coded.starts))
    if technology_ids is not None:  # the wanted technologies' pairs: one stretch of segments each
        chosen = set(technology_ids)
        wanted = np.array(
            [i for i, technology_id in enumerate(coded.technology_ids.tolist()) if technology_id in chosen],
            dtype=np.int64,
        )
        bounds = np.searchsorted(coded.pairs, np.stack([wanted, wanted + 1]) * coded.authority_count)
        segments = np.concatenate([segments[low:high] for low, high in bounds.T] or [segments[:0]])
    if len(segments) == 0:
        return pl.DataFrame(schema=_ANSWER_SCHEMA)
    ends = np.r_[coded.starts[1:], len(coded.row)]
    if len(segments) == len(coded.starts):
        positions = None
        starts = coded.starts
    else:  # gather the wanted stretches (contiguous positions per segment)
        sizes = ends[segments] - coded.starts[segments]
        positions = np.repeat(coded.starts[segments] - np.r_[0, np.cumsum(sizes)[:-1]], sizes) + np.arange(sizes.sum())
        starts = np.r_[0, np.cumsum(sizes)[:-1]]

    def take(values: np.ndarray) -> np.ndarray:
        return values if positions is None else values[positions]

    row, pair, end, asked = take(coded.row), take(coded.pair), take(coded.end), take(coded.asked)
    disclosure, ncnd = take(coded.is_disclosure), take(coded.is_ncnd)
    size = len(row)
    sizes = np.diff(np.r_[starts, size])
    # Undated confirm, deny or NCND answers are answers (domain.md): viewed now, they had been given, so
    # they count as asked and answered; a dated answer of the same pair stays its latest known (the undated
    # one is ordered before it), and an undated answer is never a pair's *first* stance (its place in time
    # is unknown).
    undated = (end == _NEVER) & (disclosure | ncnd) if with_undated else np.zeros(size, dtype=bool)
    order_end = np.where(undated, _FLOOR + 1, end)
    # Any undated row (a refusal, a "see our website") was asked too, by now: it counts as asked, though
    # only a confirm, deny or NCND counts as an answer (West Midlands' undated s21 reply on drones).
    undated_asked = (end == _NEVER) & (asked == _NEVER) if with_undated else np.zeros(size, dtype=bool)
    # The first asked row of each pair: rows keep the events order within a pair.
    first_at = np.minimum.reduceat(np.where((asked <= day) | undated | undated_asked, np.arange(size), size), starts)
    is_asked = first_at < size
    answered = (end <= day) | undated  # a dated answer was asked by its date, so this implies asked <= day
    columns = {
        "pair": pair[starts],
        "first_row": np.where(is_asked, row[np.minimum(first_at, size - 1)], 0),
        "answer_count": np.add.reduceat(answered, starts, dtype=np.int64),
        "ncnd_count": np.add.reduceat(answered & ncnd, starts, dtype=np.int64),
    }
    masks = {
        "latest": (answered, True),
        "public": (answered & disclosure, True),
        "first_stance": (answered & ~undated & (disclosure | ncnd), False),
    }
    for name, (mask, last) in masks.items():
        # Each pair's extreme date, then the rows on that date; the response id settles a tie.
        floor = _FLOOR if last else _NEVER
        extreme = (np.maximum if last else np.minimum).reduceat(np.where(mask, order_end, floor), starts)
        on_extreme = np.flatnonzero(mask & (order_end == np.repeat(extreme, sizes)))
        segment = np.searchsorted(starts, on_extreme, side="right") - 1
        winners, winner_rows = _settle_ties(segment, row[on_extreme], inputs.events, last=last)
        chosen = np.full(len(starts), -1, dtype=np.int64)
        chosen[winners] = winner_rows
        columns[f"{name}_row"] = chosen
    found = pl.col("latest_row", "public_row", "first_stance_row")
    return (
        _small_frame({name: values[is_asked] for name, values in columns.items()}, dict.fromkeys(columns, pl.Int64))
        .select(
            "pair",
            pl.col("first_row").cast(pl.UInt32),
            pl.when(found >= 0).then(found).cast(pl.UInt32).name.keep(),
            pl.col("answer_count").cast(pl.UInt32),
            pl.when(pl.col("answer_count") > 0).then(pl.col("ncnd_count") > 0).alias("has_ncnd"),
        )
        .select(list(_ANSWER_SCHEMA))
    )


def _settle_ties(
    groups: np.ndarray, rows: np.ndarray, events: pl.DataFrame, *, last: bool
) -> tuple[np.ndarray, np.ndarray]:
    """One row per group among candidate (group, events row) entries, sorted by group: the only one, or
    among several the one with the greatest (``last``) or least response id. Ties are few: settled in
    Python."""
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]]) if len(groups) else np.zeros(0, dtype=np.int64)
    sizes = np.diff(np.r_[starts, len(groups)])
    winners = rows[starts].copy()
    tied = np.flatnonzero(sizes > 1)
    if len(tied):
        members = [rows[starts[i] : starts[i] + sizes[i]].tolist() for i in tied]
        ids = events.get_column("response_id").cast(pl.String).gather([r for group in members for r in group]).to_list()
        pick = max if last else min
        at = 0
        for index, group in zip(tied, members, strict=True):
            keyed = ids[at : at + len(group)]
            at += len(group)
            # A missing id sorts first, as in a sort by response id.
            winners[index] = group[keyed.index(pick(keyed, key=lambda v: (v is not None, v or "")))]
    return groups[starts], winners


def read_rows(inputs: AnalysisInputs, rows: pl.Series, columns: Sequence[str | pl.Expr]) -> pl.DataFrame:
    """The given ``inputs.events`` rows, only ``columns``, in the order of ``rows`` (a null row number
    gives nulls). A list column in several chunks is read through a mask (chunk by chunk): gathering
    from it would first copy the whole column."""
    events = inputs.events
    lists = [
        c
        for c in columns
        if isinstance(c, str) and isinstance(events.schema[c], pl.List) and events.get_column(c).n_chunks() > 1
    ]
    picked = events.select([c for c in columns if not (isinstance(c, str) and c in lists)]).select(
        pl.all().gather(rows)
    )
    if not lists:
        return picked
    wanted = _sorted_unique(rows.drop_nulls().to_numpy())
    mask = pl.zeros(events.height, pl.Boolean, eager=True).scatter(wanted.tolist(), True)
    at = pl.Series(np.searchsorted(wanted, rows.fill_null(0).to_numpy()).tolist(), dtype=pl.UInt32)
    at = pl.select(pl.when(rows.is_not_null()).then(at)).to_series()
    picked = picked.with_columns(events.get_column(name).filter(mask).gather(at) for name in lists)
    return picked.select(_output_names(events, columns))


def _output_names(events: pl.DataFrame, columns: Sequence[str | pl.Expr]) -> list[str]:
    """The names ``events.select(columns)`` would give its columns, in order."""
    return events.head(0).select(columns).columns


# --- the map ---------------------------------------------------------------------------------------------


def answer_map_stance(*, codes: bool = False) -> pl.Expr:
    """How one answer (an events row) shows on the map: its stance, a partial NCND kept apart, no stance
    (``unknown``) as ``no_answer``. With ``codes``, the stance's place in ``MapStance`` (Int64) instead."""
    if codes:
        expr = pl.when(pl.col("outcome") == Outcome.NCND_PARTIAL.value).then(
            pl.lit(_RANK[MapStance.NCND_PARTIAL.value], pl.Int64)
        )
        for stance in (Stance.CONFIRM, Stance.DENY, Stance.NCND):
            expr = expr.when(pl.col("stance") == stance.value).then(pl.lit(_RANK[stance.value], pl.Int64))
        return expr.when(pl.col("stance") == Stance.UNKNOWN.value).then(
            pl.lit(_RANK[MapStance.NO_ANSWER.value], pl.Int64)
        )
    return (
        pl.when(pl.col("outcome") == Outcome.NCND_PARTIAL.value)
        .then(pl.lit(MapStance.NCND_PARTIAL.value))
        .when(pl.col("stance") == Stance.UNKNOWN.value)
        .then(pl.lit(MapStance.NO_ANSWER.value))
        .otherwise(pl.col("stance").cast(pl.String))
    )


def map_stances(
    inputs: AnalysisInputs, technology_id: str, as_of: dt.date, *, with_undated: bool = False
) -> pl.DataFrame:
    """One row per authority in the register: how its cell looks for ``technology_id`` on ``as_of``.

    ``with_undated``: the map is *now* (``as_of`` is today's date, no ``--as-of`` given), so answers
    with no date count as given (see ``answer_rows``); a map of a past date never shows an undated answer.

    Method: take the responses on the technology and (for a category) everything below it, keep those whose
    authority had been asked by ``as_of``; an authority's answer on a technology is its latest response
    dated (period end) on or before ``as_of`` (the last by date, then response id). Its cell shows that
    answer's stance, with a partial NCND kept apart; asked with no stance yet is ``no_answer``; never asked
    is ``not_asked``. For a category, the strongest of its products' stances is shown (confirm > deny >
    partial NCND > NCND > no answer), so a force that confirmed any product of the category shows as
    confirmed; between equally strong answers the latest (by date, then response id) is shown, then the
    first technology id. ``public_stance`` and ``public_date`` give the latest confirm or deny even when a
    later NCND followed (a later NCND does not erase a public answer); between public answers on the same
    date the first technology id's is given. ``ncnd_within_id``: for a cell that shows no NCND, the
    technology of the authority's latest NCND (full or partial) within the scope, so that a category's map
    never hides an NCND on a product (say, a survey confirming facial recognition, then an NCND on Amazon
    Rekognition); null otherwise.
    """
    scope = technology_scope(inputs, technology_id)
    rows = answer_rows(inputs, as_of, scope, with_undated=with_undated)
    ids = read_rows(inputs, rows.get_column("first_row"), [pl.col("authority_id", "technology_id").cast(pl.String)])
    latest = read_rows(
        inputs,
        rows.get_column("latest_row"),
        [
            "response_id",
            "response_date",
            "response_date_precision",
            "outcome",
            "exemptions",
            "source_url",
            "response_end",
            "stance",
        ],
    )
    public = read_rows(
        inputs,
        rows.get_column("public_row"),
        [pl.col("stance").alias("public_stance"), pl.col("response_date").alias("public_date")],
    )
    per_technology = (
        pl.concat([ids, latest, public, rows.select("answer_count")], how="horizontal")
        .lazy()
        .with_columns(
            map_stance=pl.when(pl.col("answer_count") == 0)
            .then(pl.lit(MapStance.NO_ANSWER.value))
            .otherwise(answer_map_stance())
        )
        .with_columns(_rank=pl.col("map_stance").replace_strict(_RANK, return_dtype=pl.Int64))
    )
    strongest = (
        per_technology.sort(
            "_rank",
            pl.col("response_end").fill_null(dt.date.min),
            "response_id",
            "technology_id",
            descending=[False, True, True, False],
            nulls_last=True,
        )
        .group_by("authority_id", maintain_order=True)
        .agg(
            pl.col(
                "map_stance",
                "technology_id",
                "response_id",
                "response_date",
                "response_date_precision",
                "outcome",
                "exemptions",
                "source_url",
            ).first(),
            pl.col("public_stance")
            .sort_by("public_date", "technology_id", descending=[False, True], nulls_last=False)
            .drop_nulls()
            .last(),
            pl.col("public_date").drop_nulls().max(),
            pl.col("answer_count").sum().cast(pl.Int64),
            # A category's cell shows the strongest stance, which must not hide an NCND on something in it
            # (a force that confirmed the category in a survey and later NCNDed a product): the latest one.
            pl.col("technology_id")
            .sort_by(pl.col("response_end").fill_null(dt.date.min), "technology_id")
            .filter(
                pl.col("map_stance")
                .sort_by(pl.col("response_end").fill_null(dt.date.min), "technology_id")
                .is_in([MapStance.NCND.value, MapStance.NCND_PARTIAL.value])
            )
            .last()
            .alias("__ncnd_id"),
        )
        .with_columns(
            ncnd_within_id=pl.when(
                ~pl.col("map_stance").is_in([MapStance.NCND.value, MapStance.NCND_PARTIAL.value])
            ).then(pl.col("__ncnd_id"))
        )
        .drop("__ncnd_id")
    )
    names = inputs.technologies.lazy().select(
        pl.col("technology_id").alias("ncnd_within_id"), pl.col("name").alias("ncnd_within_name")
    )
    strongest = strongest.join(names, on="ncnd_within_id", how="left").with_columns(
        pl.col("ncnd_within_name").fill_null(pl.col("ncnd_within_id"))
    )
    register = inputs.authorities.lazy().select(
        "authority_id", pl.col("name").alias("authority_name"), "kind", "region", "hex_col", "hex_row"
    )
    return (
        register.join(strongest, on="authority_id", how="full", coalesce=True)
        .with_columns(
            map_stance=pl.col("map_stance").fill_null(MapStance.NOT_ASKED.value),
            answer_count=pl.col("answer_count").fill_null(0),
            authority_name=pl.col("authority_name").fill_null(pl.col("authority_id")),
        )
        .select(MAP_COLUMNS)
        .sort("authority_id")
        .collect(engine="in-memory")
    )


def stance_counts(map_frame: pl.DataFrame) -> dict[str, int]:
    """Count authorities per map stance (every MapStance present, zero when none): the legend's numbers."""
    counts = dict(map_frame.group_by("map_stance").len().iter_rows())
    return {stance.value: int(counts.get(stance.value, 0)) for stance in MapStance}


# --- the timeline ----------------------------------------------------------------------------------------

#: The grains ``stance_timeline`` tries, finest first, with their length in months (0: one day).
TIMELINE_GRAINS: tuple[tuple[str, int], ...] = (("day", 0), ("month", 1), ("quarter", 3), ("year", 12))
_STANCE_NAMES = np.array(list(_RANK), dtype=object)


def _distinct_count(values: np.ndarray) -> int:
    """How many distinct integers ``values`` holds (a bincount when their range is small, else a sort)."""
    if len(values) == 0:
        return 0
    low, high = int(values.min()), int(values.max())
    if high - low <= 4 * len(values) + 4096:
        return int(np.count_nonzero(np.bincount(values - low)))
    return len(_sorted_unique(values))


def _months(days: np.ndarray) -> np.ndarray:
    """Day numbers (since 1970-01-01) as month numbers (since 1970-01), through a table over their range."""
    if len(days) == 0:
        return days
    low, high = int(days.min()), int(days.max())
    if high - low > 4 * len(days) + 4096:
        return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    table = np.arange(low, high + 1).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return table[days - low]


def _points(
    subject: np.ndarray, bucket: np.ndarray, weight: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (subject, bucket) pairs and their summed weights (counts when no weights)."""
    if len(subject) == 0:
        return subject, bucket, np.zeros(0, dtype=np.int64)
    low = int(bucket.min())
    span = int(bucket.max()) - low + 1
    packed = subject * span + (bucket - low)
    if int(packed.max()) <= 8 * len(packed) + (1 << 20):  # a small range: count into a table, no sort
        table = np.bincount(packed, weights=weight)
        keys = np.flatnonzero(table)
        counts = table[keys].astype(np.int64)
    else:
        order = np.argsort(packed, kind="stable")
        packed = packed[order]
        starts = np.flatnonzero(np.r_[True, packed[1:] != packed[:-1]])
        keys = packed[starts]
        counts = np.add.reduceat(
            np.ones(len(packed), dtype=np.int64) if weight is None else weight[order], starts
        ).astype(np.int64)
    return keys // span, keys % span + low, counts


def stance_timeline(events: pl.DataFrame, technology_ids: Sequence[str], limit: int) -> tuple[pl.DataFrame, str]:
    """Answers over time per authority and map stance, at the finest grain that gives at most ``limit`` points.

    ``events`` are events rows (``authority_label``, ``technology_id``, ``response_end``, ``outcome``,
    ``stance``); those on ``technology_ids`` with a date count. Returns the points (``authority_label``,
    ``date``: the answer's date, or the first day of its month, quarter or year; ``map_stance``; ``n``: how
    many answers), sorted, and the grain's name: ``day``, ``month``, ``quarter``, else ``year`` however many
    points that gives. Method: each answer becomes an integer (authority and stance) and a bucket number;
    days are tried only when there are few enough distinct dates, the months are counted once (a table
    of counts, no sort), and quarters and years are summed from the months.
    """
    rows = (
        events.lazy()
        .filter(
            pl.col("technology_id").cast(pl.String).is_in(list(technology_ids)) & pl.col("response_end").is_not_null()
        )
        .select(
            pl.col("authority_label").cast(pl.String).cast(pl.Categorical).to_physical().alias("code"),
            pl.col("authority_label").cast(pl.String),
            pl.col("response_end").cast(pl.Int32).alias("day"),
            answer_map_stance(codes=True).alias("rank"),
        )
        .filter(pl.col("rank").is_not_null())  # no stance at all: shown nowhere
        .collect(engine="in-memory")
    )
    # Dense label codes from this one frame's cast, and each code's label (that of its first row).
    code, label_count = _dense_codes(rows.get_column("code"))
    names = rows.get_column("authority_label").gather(_first_rows(code, label_count).tolist()).to_numpy()
    subject = code.astype(np.int64) * len(_RANK) + rows.get_column("rank").to_numpy()
    day = rows.get_column("day").to_numpy().astype(np.int64)

    def result(points: tuple[np.ndarray, np.ndarray, np.ndarray], unit: str, grain: str) -> tuple[pl.DataFrame, str]:
        who, when, count = points
        dates = when.astype(f"datetime64[{unit}]").astype("datetime64[D]")
        frame = _small_frame(
            {
                "authority_label": names[who // len(_RANK)],
                "date": dates,
                "map_stance": _STANCE_NAMES[who % len(_RANK)],
                "n": count,
            },
            schema={"authority_label": pl.String, "date": pl.Date, "map_stance": pl.String, "n": pl.UInt32},
        )
        return frame.sort("authority_label", "date", "map_stance"), grain

    if len(day) <= limit or _distinct_count(day) <= limit:  # else there are more dates than points allowed
        points = _points(subject, day)
        if len(points[0]) <= limit:
            return result(points, "D", "day")
    months = _points(subject, _months(day))
    for grain, length in TIMELINE_GRAINS[1:]:
        who, month, count = months
        points = (who, month, count) if length == 1 else _points(who, month // length, count)
        if len(points[0]) <= limit or grain == TIMELINE_GRAINS[-1][0]:
            return result((points[0], points[1] * length, points[2]), "M", grain)
    raise AssertionError("unreachable")  # pragma: no cover
