"""Procedure checks: which exemptions an NCND cites, whether it cites the right limb, and whether it was on time.

* ``exemption_consistency``: NCNDs to the same question should rest on the same exemptions; deviations
  and differing regulator outcomes are worth showing.
* ``ncnd_limb``: an NCND must rest on a duty-to-confirm-or-deny limb (s24(2), s31(3)...); citing only a
  disclosure limb (s31(1)) or s21 is malformed.
* ``timeliness``: FOIA s10 (and FOISA s10) give 20 working days; late and missing answers are facts too.
"""

from __future__ import annotations

import datetime as dt
import functools

import holidays
import polars as pl

from mosaic.analyses.findings import EvidenceRelation, FindingScope, grade_expr, metrics_struct, subject_columns, technology_columns
from mosaic.analyses.inputs import AnalysisInputs
from mosaic.analyses.registry import CheckParams, register
from mosaic.analyses.timeline import evidence_item, iso, plural, with_limits
from mosaic.normalise.exemptions import NCND_LIMBS
from mosaic.schema import Outcome, Severity

#: Codes an NCND may not rest on alone: s21 (reasonably accessible) has no NCND limb at all.
NEVER_NCND_CODES: frozenset[str] = frozenset({"s21", "s21(1)", "s21(2)", "foisa_s25"})


def _set_key(column: str) -> pl.Expr:
    """A list of codes as one comparable text key: sorted, distinct, joined by '+' ('(none)' when empty)."""
    joined = pl.col(column).list.unique().list.sort().list.join(" + ")
    return pl.when(joined == "").then(pl.lit("(none)")).otherwise(joined)


@register("exemption_consistency", "Different exemptions for the same question", "map")
def exemption_consistency(inputs: AnalysisInputs, as_of: dt.date | None, params: CheckParams) -> pl.LazyFrame:
    """Per technology: the exemption sets NCNDs cite, the modal set, who deviates, and differing regulator outcomes.

    Method, as of the as-of date (default today). Each authority's latest NCND on the technology counts
    once. The modal set is the most common exemption set among them (ties: the alphabetically first). An
    authority deviates when its set differs; ``jaccard_distance`` = 1 - |A ∩ M| / |A ∪ M| against the
    modal set M. Regulator decisions (a decision outcome dated on or before the as-of date) on the same
    technology are compared; more than one distinct outcome is reported. Findings: one per technology
    with NCNDs (``notable`` when sets differ or regulator outcomes differ), one per deviating authority
    (``notable`` from a distance of 0.5, else ``info``).
    """
    cutoff = params.map_as_of(as_of)
    # Per technology: the modal set needs every authority's NCND, so only the technology focus applies.
    events = inputs.events.lazy().filter((pl.col("response_end") <= cutoff) & params.focus(authority=False, response=False))
    latest = (
        events.filter(pl.col("is_ncnd"))
        .sort("response_end", "response_id")
        .group_by("technology_id", "authority_id")
        .agg(pl.all().last())
        .with_columns(set_key=_set_key("exemptions"), exemptions=pl.col("exemptions").list.unique().list.sort())
    )
    modal = (
        latest.group_by("technology_id", "set_key")
        .agg(pl.len().alias("modal_set_count"), pl.col("exemptions").first().alias("modal_exemptions"))
        .sort(["technology_id", "modal_set_count", "set_key"], descending=[False, True, False])
        .group_by("technology_id", maintain_order=True)
        .agg(
            pl.col("set_key").first().alias("modal_key"),
            pl.col("modal_exemptions").first(),
            pl.col("modal_set_count").first(),
            pl.len().alias("distinct_sets"),
        )
    )
    decisions = (
        events.filter(pl.col("decision_outcome").is_not_null() & (pl.col("decision_date").is_null() | (pl.col("decision_date") <= cutoff)))
        .with_columns(__outcome=pl.col("decision_outcome").str.to_lowercase().str.strip_chars())
        .group_by("technology_id")
        .agg(
            pl.col("__outcome").n_unique().alias("regulator_outcomes"),
            pl.col("decision_outcome").unique().sort().str.join("; ").alias("__outcomes_text"),
            evidence_item(grade_expr(pl.col("source_type"), pl.lit(False)), pl.format("regulator: {}", pl.col("decision_outcome")), EvidenceRelation.EXACT.value)
            .sort_by("decision_date", "response_id", nulls_last=True)
            .head(params.evidence_limit)
            .alias("__decision_items"),
        )
    )
    scored = latest.join(modal, on="technology_id").with_columns(
        jaccard_distance=1
        - pl.col("exemptions").list.set_intersection("modal_exemptions").list.len()
        / pl.max_horizontal(pl.col("exemptions").list.set_union("modal_exemptions").list.len(), pl.lit(1)),
        __item=evidence_item(grade_expr(pl.col("source_type"), pl.lit(False)), "ncnd", EvidenceRelation.EXACT.value),
    )
    per_technology = (
        scored.group_by("technology_id")
        .agg(
            pl.len().alias("ncnd_count"),
            pl.col("modal_key", "modal_set_count", "distinct_sets", "technology_label").first(),
            pl.col("__item").filter(pl.col("set_key") != pl.col("modal_key")).sort_by(pl.col("authority_id").filter(pl.col("set_key") != pl.col("modal_key"))).head(params.evidence_limit).alias("__deviations"),
        )
        .join(decisions, on="technology_id", how="left")
        .with_columns(pl.col("regulator_outcomes").fill_null(0))
    )
    technology_findings = per_technology.select(
        *technology_columns("exemption_consistency", FindingScope.TECHNOLOGY, cutoff),
        pl.when((pl.col("distinct_sets") > 1) | (pl.col("regulator_outcomes") > 1))
        .then(pl.lit(Severity.NOTABLE.value))
        .otherwise(pl.lit(Severity.INFO.value))
        .alias("severity"),
        metrics_struct(
            ncnd_count=pl.col("ncnd_count"),
            modal_set_count=pl.col("modal_set_count"),
            distinct_sets=pl.col("distinct_sets"),
            regulator_outcomes=pl.col("regulator_outcomes"),
        ),
        pl.concat_list(pl.col("__deviations"), pl.col("__decision_items").fill_null(pl.lit([], dtype=pl.List(pl.Null)))).alias("evidence"),
        pl.format(
            "{} NCNDs on {} cited {} ({} cited the most common set, {}){}.",
            plural(pl.col("ncnd_count"), "authority's", "authorities'"),
            pl.col("technology_label"),
            plural(pl.col("distinct_sets"), "exemption set"),
            pl.col("modal_set_count"),
            pl.col("modal_key"),
            pl.when(pl.col("regulator_outcomes") > 1)
            .then(pl.format("; the regulator reached {} different outcomes ({})", pl.col("regulator_outcomes"), pl.col("__outcomes_text")))
            .otherwise(pl.lit("")),
        ).alias("summary"),
    )
    deviation_findings = scored.filter(pl.col("set_key") != pl.col("modal_key")).select(
        *subject_columns("exemption_consistency", FindingScope.RESPONSE, cutoff),
        pl.when(pl.col("jaccard_distance") >= 0.5).then(pl.lit(Severity.NOTABLE.value)).otherwise(pl.lit(Severity.INFO.value)).alias("severity"),
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
    An NCND with no exemption recorded is ``info``: the data may simply lack it.
    """
    limbs = sorted(NCND_LIMBS)
    subjects = with_limits(inputs.events.lazy().filter(pl.col("is_ncnd") & params.focus()), as_of, params.today).with_columns(
        __limbs=pl.col("exemptions").list.eval(pl.element().is_in(limbs)).list.sum(),
        __never=pl.col("exemptions").list.eval(pl.element().is_in(sorted(NEVER_NCND_CODES))).list.sum(),
        __cited=pl.col("exemptions").list.len(),
        relation=pl.lit(EvidenceRelation.EXACT.value),
    )
    flagged = subjects.filter((pl.col("__limbs") == 0) | (pl.col("__never") > 0)).with_columns(__codes=_set_key("exemptions"))
    return flagged.select(
        *subject_columns("ncnd_limb", FindingScope.RESPONSE, "as_of"),
        pl.when(pl.col("__cited") == 0).then(pl.lit(Severity.INFO.value)).otherwise(pl.lit(Severity.NOTABLE.value)).alias("severity"),
        metrics_struct(cited_codes=pl.col("__cited")),
        pl.concat_list(evidence_item(grade_expr(pl.col("source_type"), pl.lit(True)), "ncnd")).alias("evidence"),
        pl.when(pl.col("__cited") == 0)
        .then(pl.format("{}'s NCND on {} ({}) records no exemption, so its limb cannot be checked.", pl.col("authority_label"), pl.col("technology_label"), iso(pl.col("response_date"))))
        .when(pl.col("__never") > 0)
        .then(pl.format("{}'s NCND on {} ({}) cites {}: s21 has no neither-confirm-nor-deny limb.", pl.col("authority_label"), pl.col("technology_label"), iso(pl.col("response_date")), pl.col("__codes")))
        .otherwise(
            pl.format(
                "{}'s NCND on {} ({}) cites only {}, none of them a confirm-or-deny limb such as s24(2) or s31(3).",
                pl.col("authority_label"),
                pl.col("technology_label"),
                iso(pl.col("response_date")),
                pl.col("__codes"),
            )
        )
        .alias("summary"),
    )


#: Which bank holidays apply, by the register's ``country``: Wales shares England's.
_HOLIDAY_SUBDIVISION = {"England": "ENG", "Wales": "ENG", "Scotland": "SCT", "Northern Ireland": "NIR"}


@functools.lru_cache(maxsize=8)
def bank_holidays(subdivision: str, first_year: int, last_year: int) -> tuple[dt.date, ...]:
    """UK bank holidays of one subdivision (ENG, SCT, NIR) for a span of years, from the ``holidays`` package."""
    days = holidays.country_holidays("GB", subdiv=subdivision, years=range(first_year, last_year + 1))
    return tuple(sorted(days))


@register("timeliness", "Answered later than 20 working days, or not at all", "response")
def timeliness(inputs: AnalysisInputs, as_of: dt.date | None, params: CheckParams) -> pl.LazyFrame:
    """Responses later than the statutory 20 working days after the request, and requests never answered.

    Method. Working days are counted from the day after the request to the response date inclusive,
    Monday to Friday, excluding the bank holidays of the authority's country (England and Wales, Scotland
    or Northern Ireland, from the ``holidays`` package, offline). Only requests and responses dated to the
    day are timed; month or year precision cannot be. Later than ``deadline_working_days`` (20) is
    ``notable`` (``strong`` beyond twice the deadline). A request with no answer (outcome no_response, or
    no response date) whose deadline had passed by the as-of date (default today) is ``strong``.
    """
    cutoff = params.map_as_of(as_of)
    deadline = params.deadline_working_days
    events = inputs.events.lazy().filter(
        params.focus()
        & pl.col("request_date").is_not_null() & (pl.col("request_date_precision") == "day") & (pl.col("request_date") <= cutoff)
    )
    countries = inputs.authorities.lazy().select("authority_id", "country")
    events = events.join(countries, on="authority_id", how="left").with_columns(
        __subdivision=pl.col("country").replace_strict(_HOLIDAY_SUBDIVISION, default="ENG")
    )
    years = inputs.events.select(pl.col("request_date").dt.year().min().alias("a"), pl.lit(cutoff.year + 1).alias("b")).row(0)
    first_year, last_year = (years[0] or cutoff.year), years[1]
    parts = []
    for subdivision in sorted(set(_HOLIDAY_SUBDIVISION.values())):
        days = list(bank_holidays(subdivision, first_year, last_year))
        part = events.filter(pl.col("__subdivision") == subdivision)
        answered = pl.col("response_date").is_not_null() & (pl.col("response_date_precision") == "day") & (pl.col("response_date") <= cutoff)
        part = part.with_columns(
            working_days=pl.when(answered).then(
                pl.business_day_count(pl.col("request_date") + dt.timedelta(days=1), pl.col("response_date") + dt.timedelta(days=1), holidays=days)
            ),
            __elapsed=pl.business_day_count(pl.col("request_date") + dt.timedelta(days=1), pl.lit(cutoff) + dt.timedelta(days=1), holidays=days),
            __unanswered=(pl.col("outcome") == Outcome.NO_RESPONSE.value) | pl.col("response_date").is_null() | (pl.col("response_date") > cutoff),
        )
        parts.append(part)
    timed = pl.concat(parts, how="vertical_relaxed").with_columns(
        __late=pl.col("working_days") > deadline,
        __missing=pl.col("__unanswered") & (pl.col("outcome") != Outcome.WITHDRAWN.value).fill_null(True) & (pl.col("__elapsed") > deadline),
    )
    flagged = timed.filter(pl.col("__late") | pl.col("__missing")).with_columns(
        days_late=pl.when(pl.col("__late")).then(pl.col("working_days") - deadline).otherwise(pl.col("__elapsed") - deadline),
    )
    return flagged.select(
        *subject_columns("timeliness", FindingScope.RESPONSE, cutoff),
        pl.when(pl.col("__missing") | (pl.col("working_days") > 2 * deadline))
        .then(pl.lit(Severity.STRONG.value))
        .otherwise(pl.lit(Severity.NOTABLE.value))
        .alias("severity"),
        metrics_struct(working_days=pl.col("working_days"), days_late=pl.col("days_late"), deadline_working_days=deadline),
        pl.concat_list(
            evidence_item(grade_expr(pl.col("source_type"), pl.lit(True)), "response", EvidenceRelation.EXACT.value)
        ).alias("evidence"),
        pl.when(pl.col("__missing"))
        .then(
            pl.format(
                "{} had not answered the request of {} on {} by {}: {} working days past the {}-day deadline.",
                pl.col("authority_label"),
                iso(pl.col("request_date")),
                pl.col("technology_label"),
                iso(pl.lit(cutoff)),
                pl.col("days_late"),
                pl.lit(deadline),
            )
        )
        .otherwise(
            pl.format(
                "{} answered the request of {} on {} after {} working days ({} late).",
                pl.col("authority_label"),
                iso(pl.col("request_date")),
                pl.col("technology_label"),
                pl.col("working_days"),
                plural(pl.col("days_late"), "working day"),
            )
        )
        .alias("summary"),
    )
