"""Procedure checks: which exemptions an NCND cites, whether it cites the right limb, and whether it was on time.

* ``exemption_consistency``: NCNDs to the same question should rest on the same exemptions; deviations
  are worth showing (differing regulator outcomes are ``regulator.regulator_consistency``'s).
* ``ncnd_limb``: an NCND must rest on a duty-to-confirm-or-deny limb (s24(2), s31(3)...); citing only a
  disclosure limb (s31(1)) or s21 is malformed.
* ``timeliness``: FOIA s10 (and FOISA s10) give 20 working days; late and missing answers are facts too.

How they stay fast on a million responses: each check decides *which* responses to report from a few
narrow columns (dates, ids, the exemption list), carrying only a row number (``_ROW``) through its
filters, group-bys and sorts, and gathers the wide events rows (names, URLs, sources) for the reported
rows alone at the end (``gather_rows``). Filtering or sorting the whole events table copies every
column of every surviving row, which cost several times more than the decisions themselves.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import holidays
import polars as pl

from mosaic.analyses.findings import (
    EvidenceRelation,
    FindingScope,
    grade_expr,
    metrics_struct,
    subject_columns,
    technology_columns,
)
from mosaic.analyses.inputs import AnalysisInputs
from mosaic.analyses.registry import CheckParams, register
from mosaic.analyses.timeline import date_text, evidence_item, iso, plural, with_limits
from mosaic.normalise.exemptions import LIMBED_SECTIONS, NCND_LIMBS
from mosaic.schema import Outcome, Severity

#: Codes an NCND may not rest on alone: s21 (reasonably accessible) has no NCND limb at all.
NEVER_NCND_CODES: frozenset[str] = frozenset({"s21", "s21(1)", "s21(2)", "foisa_s25"})

#: Row number of an ``inputs.events`` row, carried through a check instead of the row itself.
_ROW = "__row"


def numbered(events: pl.DataFrame) -> pl.LazyFrame:
    """``events`` as a lazy frame with each row's number in ``_ROW`` (for ``gather_rows`` later).

    ``events`` is ``inputs.events`` or a frame with the same rows in the same order (such as
    ``inputs.coded_events``), so a row number taken from it names the same response.
    """
    return events.lazy().with_row_index(_ROW)


def gather_rows(events: pl.DataFrame, picked: pl.DataFrame) -> pl.LazyFrame:
    """The events rows numbered ``picked[_ROW]`` (in row order), with ``picked``'s other columns beside them.

    Lazy on purpose: the final ``select`` of a check reads a dozen of the events' forty columns, and
    projection pushdown then takes only those. The rows are taken with a boolean mask (a filter) rather
    than a gather: the events' columns come in several chunks (one per workspace part), and polars
    gathers from a chunked column by first copying it whole, where a filter goes chunk by chunk.
    ``picked``'s columns replace events columns of the same name.
    """
    picked = picked.sort(_ROW)
    mask = pl.zeros(events.height, pl.Boolean, eager=True).scatter(picked.get_column(_ROW), True)
    extra = picked.drop(_ROW)
    rows = events.lazy().filter(mask).drop(extra.columns, strict=False)
    return pl.concat([rows, extra.lazy()], how="horizontal")


def _set_key(column: str) -> pl.Expr:
    """A list of codes as one comparable text key: sorted, distinct, joined by '+' ('(none)' when empty)."""
    joined = pl.col(column).list.unique().list.sort().list.join(" + ")
    return pl.when(joined == "").then(pl.lit("(none)")).otherwise(joined)


def latest_rows(events: pl.LazyFrame, keys: list[str]) -> pl.DataFrame:
    """Per group of ``keys``: the ``_ROW`` of the latest response, by ``response_end`` then ``response_id``.

    The row that sorting by (response_end, response_id) and taking each group's last would give, without
    sorting every response id (a string sort of half a million rows): only responses on their group's
    latest date are kept, and the greatest id among them wins (ids are unique, so there is no tie).
    Returned sorted by ``_ROW``; a response without a date never counts.
    """
    return (
        events.filter(pl.col("response_end") == pl.col("response_end").max().over(keys))
        .group_by(keys)
        .agg(pl.col(_ROW).max_by("response_id"))
        .select(_ROW)
        .sort(_ROW)
        .collect(engine="in-memory")
    )


#: Display names of the laws an exemption set can be under (``law_expr``).
LAW_NAMES = {"foia": "FOIA", "foisa": "FOISA (Scotland)", "eir": "the EIR"}


def law_expr(column: str) -> pl.Expr:
    """The law an exemption set is under: ``foisa`` (codes ``foisa_*``), ``eir`` (``reg*``) or ``foia``.

    Why: sets are compared within one law. Police Scotland answers under FOISA, whose NCND provision is
    s18 rather than a limb of each exemption, so its set always differs from an English force's s24(2)
    and s31(3); comparing the two would flag Scotland by construction, not for any inconsistency.
    """
    codes = pl.col(column)
    return (
        pl.when(codes.list.eval(pl.element().str.starts_with("foisa_")).list.any())
        .then(pl.lit("foisa"))
        .when(codes.list.eval(pl.element().str.starts_with("reg")).list.any())
        .then(pl.lit("eir"))
        .otherwise(pl.lit("foia"))
    )


@register("exemption_consistency", "Different exemptions for the same question", "map")
def exemption_consistency(inputs: AnalysisInputs, as_of: dt.date | None, params: CheckParams) -> pl.LazyFrame:
    """Per technology: the exemption sets NCNDs cite, the modal set, and who deviates.

    Method, as of the as-of date (default today). Each authority's latest NCND on the technology counts
    once; with the default as-of, an authority whose NCNDs are all undated counts with one of them (undated
    answers are answers, given by today), while a past ``--as-of`` leaves undated NCNDs out. Sets are compared within one law (``law_expr``: FOIA, FOISA, EIR), never FOISA against FOIA.
    The modal set is the most common exemption set among them (ties: the alphabetically first). An
    authority deviates when its set differs; ``jaccard_distance`` = 1 - |A ∩ M| / |A ∪ M| against the
    modal set M. An NCND with no exemption recorded is left out of the comparison (the data may simply lack
    it) and counted in the technology's sentence. (What the regulator decided on those answers is
    ``regulator_consistency``'s.) Findings:
    one per technology with NCNDs (``notable`` when sets differ), one per deviating authority
    (``notable`` from a distance of 0.5, else ``info``).
    """
    cutoff = params.map_as_of(as_of)
    # Per technology: the modal set needs every authority's NCND, so only the technology focus applies.
    all_events = numbered(inputs.events).filter(params.focus(authority=False, response=False))
    events = all_events.filter(pl.col("response_end") <= cutoff)
    pair = ["technology_id", "authority_id"]
    chosen = latest_rows(events.filter(pl.col("is_ncnd")), pair)
    if as_of is None:
        # Undated NCNDs are answers (domain.md): by today they had been given, so an authority whose NCNDs
        # are all undated still counts, with its latest-recorded undated NCND; at a past as-of date they
        # cannot be placed and are left out.
        undated = all_events.filter(pl.col("is_ncnd") & pl.col("response_end").is_null())
        dated_pairs = events.filter(pl.col("is_ncnd")).select(pair).unique()
        only_undated = (
            undated.join(dated_pairs, on=pair, how="anti")
            .group_by(pair)
            .agg(pl.col(_ROW).max_by("response_id"))
            .select(_ROW)
        )
        chosen = pl.concat([chosen, only_undated.collect(engine="in-memory")]).sort(_ROW)
    gathered = gather_rows(inputs.events, chosen)
    # An NCND with no exemption recorded is not a set of its own: the data may simply lack it (a quote that
    # stops before the sections, a spreadsheet without the column), so it is left out of the comparison and
    # only counted, rather than reported as having "cited (none)".
    unrecorded = (
        gathered.filter(pl.col("exemptions").list.len().fill_null(0) == 0)
        .group_by("technology_id")
        .agg(pl.len().alias("unrecorded_count"))
    )
    latest = gathered.filter(pl.col("exemptions").list.len() > 0).with_columns(
        set_key=_set_key("exemptions"),
        exemptions=pl.col("exemptions").list.unique().list.sort(),
        law=law_expr("exemptions"),
    )
    modal = (
        latest.group_by("technology_id", "law", "set_key")
        .agg(pl.len().alias("modal_set_count"), pl.col("exemptions").first().alias("modal_exemptions"))
        .sort(["technology_id", "law", "modal_set_count", "set_key"], descending=[False, False, True, False])
        .group_by("technology_id", "law", maintain_order=True)
        .agg(
            pl.col("set_key").first().alias("modal_key"),
            pl.col("modal_exemptions").first(),
            pl.col("modal_set_count").first(),
            pl.len().alias("distinct_sets"),
        )
    )
    scored = latest.join(modal, on=["technology_id", "law"]).with_columns(
        jaccard_distance=1
        - pl.col("exemptions").list.set_intersection("modal_exemptions").list.len()
        / pl.max_horizontal(pl.col("exemptions").list.set_union("modal_exemptions").list.len(), pl.lit(1)),
        __item=evidence_item(grade_expr(pl.col("source_type"), pl.lit(False)), "ncnd", EvidenceRelation.EXACT.value),
    )
    per_technology = (
        scored.group_by("technology_id", "law")
        .agg(
            pl.len().alias("ncnd_count"),
            pl.col("modal_key", "modal_set_count", "distinct_sets", "technology_label").first(),
            pl.col("__item")
            .filter(pl.col("set_key") != pl.col("modal_key"))
            .sort_by(pl.col("authority_id").filter(pl.col("set_key") != pl.col("modal_key")))
            .head(params.evidence_limit)
            .alias("__deviations"),
        )
        .join(unrecorded, on="technology_id", how="left")
        .with_columns(pl.col("unrecorded_count").fill_null(0))
    )
    under = (
        pl.when(pl.col("law") == "foia")
        .then(pl.lit(""))
        .otherwise(pl.format(" under {}", pl.col("law").replace_strict(LAW_NAMES, default=pl.col("law"))))
    )
    technology_findings = per_technology.select(
        *technology_columns("exemption_consistency", FindingScope.TECHNOLOGY, cutoff),
        pl.when(pl.col("distinct_sets") > 1)
        .then(pl.lit(Severity.NOTABLE.value))
        .otherwise(pl.lit(Severity.INFO.value))
        .alias("severity"),
        metrics_struct(
            ncnd_count=pl.col("ncnd_count"),
            modal_set_count=pl.col("modal_set_count"),
            distinct_sets=pl.col("distinct_sets"),
        ),
        pl.col("__deviations").alias("evidence"),
        pl.format(
            "{} on {}{} cited {} ({} cited the most common set, {}){}.",
            plural(pl.col("ncnd_count"), "authority's latest NCND", "authorities' latest NCNDs"),
            pl.col("technology_label"),
            under,
            plural(pl.col("distinct_sets"), "exemption set"),
            pl.col("modal_set_count"),
            pl.col("modal_key"),
            pl.when(pl.col("unrecorded_count") > 0)
            .then(
                pl.format(
                    "; {} recorded no exemption, so {} not compared",
                    plural(
                        pl.col("unrecorded_count"), "more authority's latest NCND", "more authorities' latest NCNDs"
                    ),
                    pl.when(pl.col("unrecorded_count") == 1).then(pl.lit("it was")).otherwise(pl.lit("they were")),
                )
            )
            .otherwise(pl.lit("")),
        ).alias("summary"),
    )
    deviation_findings = scored.filter(pl.col("set_key") != pl.col("modal_key")).select(
        *subject_columns("exemption_consistency", FindingScope.RESPONSE, cutoff),
        pl.when(pl.col("jaccard_distance") >= 0.5)
        .then(pl.lit(Severity.NOTABLE.value))
        .otherwise(pl.lit(Severity.INFO.value))
        .alias("severity"),
        metrics_struct(jaccard_distance=pl.col("jaccard_distance"), modal_set_count=pl.col("modal_set_count")),
        pl.concat_list(pl.col("__item")).alias("evidence"),
        pl.format(
            "{} cited {} for its NCND on {}, where the most common set was {} ({}); Jaccard distance {}.",
            pl.col("authority_label"),
            pl.col("set_key"),
            pl.col("technology_label"),
            pl.col("modal_key"),
            plural(pl.col("modal_set_count"), "authority", "authorities"),
            pl.col("jaccard_distance").round(2),
        ).alias("summary"),
    )
    return pl.concat([technology_findings, deviation_findings], how="diagonal_relaxed")


@register("ncnd_limb", "NCND without a confirm-or-deny limb", "response")
def ncnd_limb(inputs: AnalysisInputs, as_of: dt.date | None, params: CheckParams) -> pl.LazyFrame:
    """An NCND that cites no duty-to-confirm-or-deny limb, or cites s21: malformed.

    Method. For each NCND (full or partial) dated on or before the as-of date: the cited codes are compared
    with the confirm-or-deny limbs (s23(5), s24(2), s30(3), s31(3), s40(5) and the other "(2)/(3)/(5)"
    limbs of FOIA, FOISA s18, EIR reg 12(6) and 13(5)). Citing codes but none of those limbs (for example
    only s31(1), a disclosure limb) is ``notable``; citing s21 (which has no NCND limb) is ``notable`` too.
    An NCND with no exemption recorded is ``info``: the data may simply lack it; so is one citing a section
    without its subsection ("Sections 24 and 31"): it may have been the limb, so it cannot be checked.
    """
    limbs = pl.col("exemptions").list.eval(pl.element().is_in(sorted(NCND_LIMBS))).list.sum()
    never = pl.col("exemptions").list.eval(pl.element().is_in(sorted(NEVER_NCND_CODES))).list.sum()
    # One filter over the whole column: filtering to the NCNDs first would copy half a million lists
    # only to test them; the few flagged rows are gathered whole afterwards.
    malformed = numbered(inputs.events).filter(pl.col("is_ncnd") & params.focus() & ((limbs == 0) | (never > 0)))
    picked = with_limits(malformed, as_of, params.today).select(_ROW, "as_of").collect(engine="in-memory")
    flagged = (
        gather_rows(inputs.events, picked)
        .with_columns(
            __never=never,
            __cited=pl.col("exemptions").list.len(),
            # Sections cited without their subsection ("Sections 24 and 31"): the limb cannot be checked.
            __bare=pl.col("exemptions").list.eval(pl.element().filter(pl.element().is_in(sorted(LIMBED_SECTIONS)))),
            __codes=_set_key("exemptions"),
            relation=pl.lit(EvidenceRelation.EXACT.value),
        )
        .with_columns(__unchecked=(pl.col("__bare").list.len() > 0) & (pl.col("__never") == 0))
    )
    return flagged.select(
        *subject_columns("ncnd_limb", FindingScope.RESPONSE, "as_of"),
        pl.when((pl.col("__cited") == 0) | pl.col("__unchecked"))
        .then(pl.lit(Severity.INFO.value))
        .otherwise(pl.lit(Severity.NOTABLE.value))
        .alias("severity"),
        metrics_struct(cited_codes=pl.col("__cited")),
        pl.concat_list(evidence_item(grade_expr(pl.col("source_type"), pl.lit(True)), "ncnd")).alias("evidence"),
        pl.when(pl.col("__cited") == 0)
        .then(
            pl.format(
                "{}'s NCND on {} ({}) records no exemption, so its limb cannot be checked.",
                pl.col("authority_label"),
                pl.col("technology_label"),
                date_text(pl.col("response_date"), pl.col("response_date_precision")),
            )
        )
        .when(pl.col("__unchecked"))
        .then(
            # Essex PUB 1056, "Refusal Sections 24 and 31 [...] can neither confirm nor deny": the subsection
            # is not recorded, so whether it was s24(2) and s31(3) cannot be said either way.
            pl.format(
                "{}'s NCND on {} ({}) cites {}{} without a subsection, so whether it used a confirm-or-deny limb cannot be checked.",
                pl.col("authority_label"),
                pl.col("technology_label"),
                date_text(pl.col("response_date"), pl.col("response_date_precision")),
                pl.col("__codes"),
                pl.when(pl.col("__bare").list.len() == pl.col("__cited"))
                .then(pl.lit(""))
                .otherwise(pl.format(", {}", pl.col("__bare").list.sort().list.join(" and "))),
            )
        )
        .when(pl.col("__never") > 0)
        .then(
            pl.format(
                "{}'s NCND on {} ({}) cites {}: s21 has no neither-confirm-nor-deny limb.",
                pl.col("authority_label"),
                pl.col("technology_label"),
                date_text(pl.col("response_date"), pl.col("response_date_precision")),
                pl.col("__codes"),
            )
        )
        .otherwise(
            pl.format(
                "{}'s NCND on {} ({}) cites only {}, none of them a confirm-or-deny limb such as s24(2) or s31(3).",
                pl.col("authority_label"),
                pl.col("technology_label"),
                date_text(pl.col("response_date"), pl.col("response_date_precision")),
                pl.col("__codes"),
            )
        )
        .alias("summary"),
    )


#: Which bank holidays apply, by the register's ``country``: Wales shares England's.
_HOLIDAY_SUBDIVISION = {"England": "ENG", "Wales": "ENG", "Scotland": "SCT", "Northern Ireland": "NIR"}
#: Subdivisions in working-day table order; the first is the default (an unknown country or authority).
_SUBDIVISIONS: tuple[str, ...] = ("ENG", "SCT", "NIR")


@functools.lru_cache(maxsize=8)
def bank_holidays(subdivision: str, first_year: int, last_year: int) -> tuple[dt.date, ...]:
    """UK bank holidays of one subdivision (ENG, SCT, NIR) for a span of years, from the ``holidays`` package."""
    days = holidays.country_holidays("GB", subdiv=subdivision, years=range(first_year, last_year + 1))
    return tuple(sorted(days))


def subdivision_code(authorities: pl.DataFrame) -> pl.Expr:
    """Each row's position in ``_SUBDIVISIONS`` (Int32) from its ``authority_id``, via the register's country.

    An ``is_in`` test per non-default subdivision (a handful of authorities) rather than joining the
    register onto every response: cheaper, and unknown authorities fall to England and Wales as before.
    """
    countries = authorities.select(
        "authority_id",
        pl.col("country").replace_strict(_HOLIDAY_SUBDIVISION, default=_SUBDIVISIONS[0]).alias("subdivision"),
    )
    code = pl.lit(0, pl.Int32)
    for index, subdivision in enumerate(_SUBDIVISIONS[1:], start=1):
        ids = countries.filter(pl.col("subdivision") == subdivision).get_column("authority_id").to_list()
        if ids:
            code = pl.when(pl.col("authority_id").is_in(ids)).then(pl.lit(index, pl.Int32)).otherwise(code)
    return code


#: Day number 0 (polars' physical value of a Date).
_EPOCH = dt.date(1970, 1, 1)


def day_number(date: pl.Expr) -> pl.Expr:
    """A date as its day number (days since 1970-01-01, Int32): its physical value, so free to take.

    Day arithmetic on Int32 is several times cheaper in polars than adding durations to dates.
    """
    return date.cast(pl.Int32)


@dataclass(frozen=True)
class WorkingDayTable:
    """Working-day numbers of every day from ``first`` on, one run of ``span`` days per subdivision.

    ``numbers[code * span + (day - first)]`` counts the working days (Monday to Friday, not a bank
    holiday of subdivision ``_SUBDIVISIONS[code]``) from day ``first`` up to, not including, ``day``
    (days as ``day_number``). The working days between two days are then the difference of two lookups:
    the calendar is walked once per date (a few thousand) instead of once per response (a million), and
    a lookup is a gather from a table that fits in cache.
    """

    first: int
    span: int
    numbers: pl.Series

    @classmethod
    def build(cls, first: dt.date, last: dt.date) -> WorkingDayTable:
        """The table for the dates ``first`` to ``last`` (inclusive), bank holidays from the ``holidays`` package."""
        last = max(first, last)
        dates = pl.date_range(first, last, eager=True)
        runs = []
        for subdivision in _SUBDIVISIONS:
            working = (dates.dt.weekday() <= 5) & ~dates.is_in(bank_holidays(subdivision, first.year, last.year))
            runs.append(working.cast(pl.Int32).cum_sum().shift(1, fill_value=0))
        return cls(first=(first - _EPOCH).days, span=dates.len(), numbers=pl.concat(runs).alias("working_day_number"))

    def number(self, day: pl.Expr, code: pl.Expr) -> pl.Expr:
        """The working-day number of ``day`` under subdivision ``code`` (null for a null day)."""
        return pl.lit(self.numbers).gather(day - self.first + code * self.span)

    def count(self, start: pl.Expr, end: pl.Expr, code: pl.Expr) -> pl.Expr:
        """Working days in [start, end), days as ``day_number``: exactly polars' ``business_day_count``.

        Including its convention when ``end`` is before ``start``: minus the working days in
        [end + 1, start + 1). Every day looked up must lie within the table.
        """
        shift = (start > end).cast(pl.Int32)
        return self.number(end + shift, code) - self.number(start + shift, code)


def late_or_missing(inputs: AnalysisInputs, cutoff: dt.date, deadline: int, keep: pl.Expr) -> pl.DataFrame:
    """The timed requests answered late or not at all by ``cutoff``: ``_ROW``, ``working_days``, ``days_late``
    and ``__missing`` (True: not answered; False: answered late), from narrow columns only.

    Timed: ``keep`` holds, and the request is dated to the day on or before ``cutoff``. Working days run
    from the day after the request to the response date inclusive (``WorkingDayTable``), for a response
    dated to the day by ``cutoff``; ``days_late`` counts beyond ``deadline``. Not answered: outcome
    no_response, nothing recorded at all (no outcome text and no response date), or a response dated after
    ``cutoff``, unless withdrawn, with the deadline passed by ``cutoff``. An undated answer is neither. A null (an unknown outcome) counts as False, which is how the findings always read it.
    """
    earliest = inputs.events.get_column("request_date").min()
    # Every day looked up lies between the day after the earliest request and two days after the
    # cut-off (a response dated before its request is counted from one day later, see ``count``).
    calendar = WorkingDayTable.build(
        earliest if earliest is not None and earliest <= cutoff else cutoff, cutoff + dt.timedelta(days=2)
    )
    request, response = day_number(pl.col("request_date")), day_number(pl.col("response_date"))
    answered = (
        pl.col("response_date").is_not_null()
        & (pl.col("response_date_precision") == "day")
        & (pl.col("response_date") <= cutoff)
    )
    # Not answered: the letter says so (no_response), nothing at all was recorded for the request, or the
    # answer came after the cut-off. An answer with an outcome and no date is an answer (undated): its
    # timeliness cannot be assessed, and it is never "not answered" (domain.md, "Undated answers").
    nothing_recorded = (
        pl.col("response_date").is_null()
        & pl.col("outcome_text").is_null()
        & (pl.col("outcome") == Outcome.UNKNOWN.value)
    )
    unanswered = (
        (pl.col("outcome") == Outcome.NO_RESPONSE.value) | nothing_recorded | (pl.col("response_date") > cutoff)
    )
    return (
        numbered(inputs.events)
        .filter(
            keep
            & pl.col("request_date").is_not_null()
            & (pl.col("request_date_precision") == "day")
            & (pl.col("request_date") <= cutoff)
            # An answer within ``deadline`` calendar days cannot be late (working days never outnumber
            # days): most responses leave here, before their subdivision is looked up and days counted.
            & (unanswered.fill_null(False) | (answered & (response - request > deadline)))
        )
        .select(
            _ROW,
            "outcome",
            request.alias("__request"),
            pl.when(answered).then(response).alias("__response"),
            unanswered.alias("__unanswered"),
            subdivision_code(inputs.authorities).alias("__code"),
        )
        .with_columns(
            working_days=calendar.count(pl.col("__request") + 1, pl.col("__response") + 1, pl.col("__code")),
            __elapsed=calendar.count(
                pl.col("__request") + 1, pl.lit((cutoff - _EPOCH).days + 1, pl.Int32), pl.col("__code")
            ),
        )
        .with_columns(
            __late=pl.col("working_days") > deadline,
            __missing=pl.col("__unanswered")
            & (pl.col("outcome") != Outcome.WITHDRAWN.value).fill_null(True)
            & (pl.col("__elapsed") > deadline),
        )
        .filter(pl.col("__late") | pl.col("__missing"))
        .select(
            _ROW,
            "working_days",
            pl.when(pl.col("__late"))
            .then(pl.col("working_days") - deadline)
            .otherwise(pl.col("__elapsed") - deadline)
            .alias("days_late"),
            pl.col("__missing").fill_null(False),
        )
        .collect(engine="in-memory")
    )


@register("timeliness", "Answered later than 20 working days, or not at all", "response")
def timeliness(inputs: AnalysisInputs, as_of: dt.date | None, params: CheckParams) -> pl.LazyFrame:
    """Responses later than the statutory 20 working days after the request, and requests never answered.

    Method. Working days are counted from the day after the request to the response date inclusive,
    Monday to Friday, excluding the bank holidays of the authority's country (England and Wales, Scotland
    or Northern Ireland, from the ``holidays`` package, offline). Only requests and responses dated to the
    day are timed; month or year precision cannot be. Later than ``deadline_working_days`` (20) is
    ``notable`` (``strong`` beyond twice the deadline). A request with no answer (outcome no_response, or
    nothing recorded but the request) whose deadline had passed by the as-of date (default today) is
    ``strong``. An answer with an outcome but no date is an answer whose timeliness cannot be assessed:
    no finding.
    """
    cutoff = params.map_as_of(as_of)
    deadline = params.deadline_working_days
    timed = late_or_missing(inputs, cutoff, deadline, params.focus())
    # Each kind of finding gets its own sentence; building both sentences for every row and choosing
    # one (a when/then) cost as much again, so the two kinds are gathered and worded apart.
    missing = pl.format(
        "{} had not answered the request of {} on {} by {}: {} working days past the {}-day deadline.",
        pl.col("authority_label"),
        iso(pl.col("request_date")),
        pl.col("technology_label"),
        iso(pl.lit(cutoff)),
        pl.col("days_late"),
        pl.lit(deadline),
    )
    late = pl.format(
        "{} answered the request of {} on {} after {} working days ({} late).",
        pl.col("authority_label"),
        iso(pl.col("request_date")),
        pl.col("technology_label"),
        pl.col("working_days"),
        plural(pl.col("days_late"), "working day"),
    )
    return pl.concat(
        [
            _timeliness_findings(
                gather_rows(inputs.events, timed.filter(pl.col("__missing"))), cutoff, deadline, missing
            ),
            _timeliness_findings(
                gather_rows(inputs.events, timed.filter(~pl.col("__missing"))), cutoff, deadline, late
            ),
        ]
    )


def _timeliness_findings(flagged: pl.LazyFrame, cutoff: dt.date, deadline: int, summary: pl.Expr) -> pl.LazyFrame:
    """Timeliness findings from flagged events rows (with ``working_days``, ``days_late``, ``__missing``)."""
    return flagged.select(
        *subject_columns("timeliness", FindingScope.RESPONSE, cutoff),
        pl.when(pl.col("__missing") | (pl.col("working_days") > 2 * deadline))
        .then(pl.lit(Severity.STRONG.value))
        .otherwise(pl.lit(Severity.NOTABLE.value))
        .alias("severity"),
        metrics_struct(
            working_days=pl.col("working_days"), days_late=pl.col("days_late"), deadline_working_days=deadline
        ),
        pl.concat_list(
            evidence_item(grade_expr(pl.col("source_type"), pl.lit(True)), "response", EvidenceRelation.EXACT.value)
        ).alias("evidence"),
        summary.alias("summary"),
    )
