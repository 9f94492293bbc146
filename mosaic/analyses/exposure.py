"""Map-level checks that test the police's "mosaic" argument with the whole set of answers.

* ``mosaic_exposure``: how much of the national map is already public, and how much one more answer
  would add for each authority without a public answer (binary entropy of what can already be inferred).
* ``ncnd_tell``: whether NCND itself predicts use, where use later became known.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import polars as pl

from mosaic.analyses.findings import (
    EVIDENCE_STRUCT,
    STRONG_MIN_ANSWERS,
    EvidenceRelation,
    FindingScope,
    grade_expr,
    metrics_struct,
    technology_columns,
)
from mosaic.analyses.inputs import AnalysisInputs
from mosaic.analyses.mapview import answer_rows, read_rows
from mosaic.analyses.overview import wilson_bounds
from mosaic.analyses.registry import CheckParams, register
from mosaic.analyses.timeline import evidence_item, iso, plural
from mosaic.schema import Severity, Stance


def binary_entropy(p: pl.Expr) -> pl.Expr:
    """H(p) = -p log2 p - (1-p) log2 (1-p), in bits; 0 at p = 0 or 1."""
    q = 1 - p
    return pl.when((p <= 0) | (p >= 1)).then(0.0).otherwise(-(p * p.log(2)) - q * q.log(2))


#: The events columns ``evidence_item`` reads (plus ``response_end``, the public answer's date).
EVIDENCE_COLUMNS = (
    "authority_id", "authority_label", "technology_id", "technology_label", "response_date", "response_date_precision",
    "stance", "outcome", "exemptions", "source_url", "source_type", "response_id", "response_end",
)  # fmt: skip


def exposure_universe(
    inputs: AnalysisInputs, cutoff: dt.date, technology_ids: Sequence[str] | None = None, *, with_undated: bool = False
) -> pl.LazyFrame:
    """One row per (technology, authority asked by ``cutoff``) with its public answer, if any.

    Columns: technology_id, authority_id, labels, region, ``public_stance`` (the latest confirm or deny
    dated on or before the cut-off, however old: a later NCND does not erase it), ``public_end``,
    ``latest_stance`` / ``latest_outcome`` / ``latest_response_id`` / ``latest_date`` (the latest answer
    of any kind), and ``public_item`` (the public answer as evidence). ``technology_ids`` limits it to
    those technologies. The rows are found by ``answer_rows`` (latest by date, then response id) and only
    those few rows are read, so the evidence is built for one answer per pair rather than for every one.
    """
    rows = answer_rows(inputs, cutoff, technology_ids, with_undated=with_undated)
    asked = read_rows(
        inputs,
        rows.get_column("first_row"),
        ["technology_id", "authority_id", "authority_label", "technology_label", "region"],
    )
    latest = read_rows(
        inputs,
        rows.get_column("latest_row"),
        [
            pl.col("stance").alias("latest_stance"),
            pl.col("outcome").alias("latest_outcome"),
            pl.col("response_id").alias("latest_response_id"),
            pl.col("response_date").alias("latest_date"),
        ],
    )
    public = read_rows(inputs, rows.get_column("public_row"), EVIDENCE_COLUMNS).select(
        pl.col("stance").alias("public_stance"),
        pl.col("response_end").alias("public_end"),
        pl.when(pl.col("response_id").is_not_null())
        .then(
            evidence_item(
                grade_expr(pl.col("source_type"), pl.lit(False)), "public answer", EvidenceRelation.EXACT.value
            )
        )
        .alias("public_item"),
    )
    # An overseer (a commissioner, an oversight body) is its own authority but has no cell of its own on the
    # national map: its answers never count as its force's, nor as another cell in coverage, base rates or
    # predictions (what it holds is about forces, not its own use).
    return (
        pl.concat([asked, latest, rows.select("has_ncnd"), public], how="horizontal")
        .lazy()
        .filter(~pl.col("authority_id").is_in(inputs.overseer_ids))
    )


def _category_answers(inputs: AnalysisInputs, universe: pl.DataFrame) -> pl.LazyFrame:
    """Per (technology, authority): its public answer on a category containing the technology, if any.

    Columns: ``technology_id`` (the narrower technology), ``authority_id``, ``category_stance`` (``deny``
    when it denied any such category, else ``confirm``) and ``category_label`` (that category's name;
    the nearest one when several). Why deny wins: not using facial recognition at all means not using
    any product of it, whereas a confirmation of the category says nothing about which product.
    """
    above = (
        inputs.pairs.lazy()
        .filter(pl.col("distance") > 0)
        .select(pl.col("ancestor_id").alias("__category"), pl.col("descendant_id").alias("technology_id"), "distance")
    )
    answers = (
        universe.lazy()
        .filter(pl.col("public_stance").is_not_null())
        .select(
            pl.col("technology_id").alias("__category"),
            "authority_id",
            "public_stance",
            pl.col("technology_label").alias("category_label"),
        )
    )
    return (
        answers.join(above, on="__category")
        .sort(
            "technology_id",
            "authority_id",
            pl.col("public_stance") == Stance.DENY.value,
            "distance",
            descending=[False, False, True, False],
        )
        .group_by("technology_id", "authority_id", maintain_order=True)
        .agg(pl.col("public_stance").first().alias("category_stance"), pl.col("category_label").first())
    )


#: An authority finding with nothing public to estimate its use from: no neighbour and no authority at all
#: had confirmed or denied the technology, and it had not itself confirmed or denied a category containing it.
_NOTHING_PUBLIC = (
    (pl.col("disclosed_neighbours") == 0) & (pl.col("__map_disclosed") == 0) & pl.col("category_stance").is_null()
)


@register("mosaic_exposure", "How much of the map is already public", "map")
def mosaic_exposure(inputs: AnalysisInputs, as_of: dt.date | None, params: CheckParams) -> pl.LazyFrame:
    """Coverage of the public map per technology, and what one more answer would add per authority.

    Method, per technology as of the as-of date (default today). Universe: authorities asked about it (a
    response on it whose request date, else response date, is on or before the as-of date); linked bodies
    (commissioners) are left out, having no cell of their own. ``disclosed``: those whose latest confirm
    or deny is dated on or before it, however old (its age is reported: a later NCND does not erase a
    public answer). ``coverage`` = disclosed / asked (Wilson interval); ``base_rate`` = (confirms + 1) /
    (confirms + denies + 2).

    Categories. Answers about a category containing the technology (facial recognition, for Amazon
    Rekognition) are a second, broader map, reported beside the technology's own: ``category_confirms``
    and ``category_denies`` count every authority's public answer on such a category. They enter the
    prediction as far as they logically reach, and no further: a category *denial* means the product is
    not used either (p = 0); a category *confirmation* shows use of some such technology, not of this one,
    so it only changes the prior to ``conditional_rate`` = (authorities that confirmed the category and
    the technology + 1) / (authorities that confirmed the category and answered on the technology + 2),
    which is 0.5 when no such authority exists.

    Prediction. For each authority in the universe without a public answer, ``predicted_use_probability``
    p = (confirming disclosed land neighbours in the universe + k * prior) / (disclosed neighbours + k),
    k = ``neighbour_prior_weight`` (2), the prior being ``conditional_rate`` for an authority that
    confirmed a category containing the technology and ``base_rate`` otherwise; with no disclosed
    neighbours p is the prior. ``predictability`` = max(p, 1 - p); ``marginal_bits`` = H(p), the binary
    entropy: what one more answer would add to the public map (1 bit = nothing could be inferred; near 0
    = already predictable).

    Findings: one per technology, one per region in its universe, and one per authority whose latest
    answer is an NCND and that has no public answer. Severity of the technology finding: ``strong`` when
    coverage is at least 75% of at least ``STRONG_MIN_ANSWERS`` (3) public answers, ``notable`` from 50%
    of at least two; a map of fewer than three authorities asked says it is too small to speak of. Of an
    authority finding: ``notable`` when predictability is at least 0.75.
    """
    cutoff = params.map_as_of(as_of)
    k = params.neighbour_prior_weight
    # Per technology, neighbours included: only the technology focus can narrow the work. The categories
    # above the focus are read too: their answers bear on the products below them (see the docstring).
    focus_ids = params.focus_technology_ids
    broader_ids = (
        None
        if focus_ids is None
        else inputs.pairs.filter(pl.col("descendant_id").is_in(list(focus_ids)))
        .get_column("ancestor_id")
        .unique()
        .to_list()
    )
    everything = exposure_universe(inputs, cutoff, broader_ids, with_undated=as_of is None).collect(engine="in-memory")
    universe = everything.lazy().filter(params.focus(authority=False, response=False)).collect(engine="in-memory")
    lazy = universe.lazy()
    category = _category_answers(inputs, everything)
    tech = lazy.group_by("technology_id").agg(
        pl.len().alias("asked"),
        pl.col("public_stance").is_not_null().sum().alias("disclosed"),
        (pl.col("public_stance") == Stance.CONFIRM.value).sum().alias("confirms"),
        (pl.col("public_stance") == Stance.DENY.value).sum().alias("denies"),
        pl.col("technology_label").first(),
        pl.col("public_end").min().alias("__oldest"),
        pl.col("public_item").sort_by("public_end", "authority_id").drop_nulls().alias("__public"),
    )
    tech = tech.with_columns(
        coverage=pl.col("disclosed") / pl.col("asked"),
        base_rate=(pl.col("confirms") + 1) / (pl.col("confirms") + pl.col("denies") + 2),
        undisclosed=pl.col("asked") - pl.col("disclosed"),
    )
    # The broader map: every authority's answer on a category containing the technology (not only those
    # asked about the technology itself), and among the authorities that confirmed such a category and
    # answered on the technology too, how often they used it.
    with_product = category.join(
        lazy.select("technology_id", "authority_id", "public_stance"), on=["technology_id", "authority_id"], how="left"
    )
    broader = with_product.group_by("technology_id").agg(
        (pl.col("category_stance") == Stance.CONFIRM.value).sum().alias("category_confirms"),
        (pl.col("category_stance") == Stance.DENY.value).sum().alias("category_denies"),
        ((pl.col("category_stance") == Stance.CONFIRM.value) & (pl.col("public_stance") == Stance.CONFIRM.value))
        .sum()
        .alias("__both_confirm"),
        ((pl.col("category_stance") == Stance.CONFIRM.value) & pl.col("public_stance").is_not_null())
        .sum()
        .alias("__both_public"),
        pl.col("category_label").unique().sort().str.join(", ").alias("category_label"),
    )
    tech = tech.join(broader, on="technology_id", how="left").with_columns(
        pl.col("category_confirms", "category_denies").fill_null(0),
        conditional_rate=(pl.col("__both_confirm").fill_null(0) + 1) / (pl.col("__both_public").fill_null(0) + 2),
    )
    # Neighbours in the universe with a public answer, for each authority without one.
    neighbours = inputs.neighbours.lazy()
    public = lazy.filter(pl.col("public_stance").is_not_null()).select(
        "technology_id", pl.col("authority_id").alias("neighbour_id"), "public_stance", "public_item"
    )
    hidden = lazy.filter(pl.col("public_stance").is_null())
    around = (
        hidden.select("technology_id", "authority_id")
        .join(neighbours, on="authority_id")
        .join(public, on=["technology_id", "neighbour_id"])
        .group_by("technology_id", "authority_id")
        .agg(
            pl.len().alias("disclosed_neighbours"),
            (pl.col("public_stance") == Stance.CONFIRM.value).sum().alias("confirming_neighbours"),
            pl.col("public_item")
            .struct.with_fields(role=pl.lit("neighbour's public answer", dtype=EVIDENCE_STRUCT.to_schema()["role"]))
            .sort_by("neighbour_id")
            .alias("__neighbour_items"),
        )
    )
    # The prior for an authority: the technology's base rate; the rate among category confirmers when it
    # confirmed a category containing the technology; nothing to predict (p = 0) when it denied one.
    prior = (
        pl.when(pl.col("category_stance") == Stance.CONFIRM.value)
        .then(pl.col("conditional_rate"))
        .otherwise(pl.col("base_rate"))
    )
    predicted = (
        hidden.join(around, on=["technology_id", "authority_id"], how="left")
        .join(
            tech.select(
                "technology_id",
                "base_rate",
                "conditional_rate",
                "category_label",
                pl.col("disclosed").alias("__map_disclosed"),
            ),
            on="technology_id",
        )
        .join(
            category.select(
                "technology_id", "authority_id", "category_stance", pl.col("category_label").alias("__own_category")
            ),
            on=["technology_id", "authority_id"],
            how="left",
        )
        .with_columns(pl.col("disclosed_neighbours", "confirming_neighbours").fill_null(0))
        .with_columns(
            predicted_use_probability=pl.when(pl.col("category_stance") == Stance.DENY.value)
            .then(0.0)
            .otherwise((pl.col("confirming_neighbours") + k * prior) / (pl.col("disclosed_neighbours") + k))
        )
        .with_columns(
            predictability=pl.max_horizontal("predicted_use_probability", 1 - pl.col("predicted_use_probability")),
            marginal_bits=binary_entropy(pl.col("predicted_use_probability")),
        )
    )
    best = (
        predicted.sort("marginal_bits", "authority_id", descending=[True, False])
        .group_by("technology_id", maintain_order=True)
        .agg(
            pl.col("marginal_bits").mean().alias("mean_marginal_bits"),
            pl.col("authority_label").first().alias("__top_name"),
            pl.col("marginal_bits").first().alias("__top_bits"),
        )
    )
    tech = tech.join(best, on="technology_id", how="left")
    low, high = wilson_bounds(pl.col("disclosed"), pl.col("asked"))

    def percent(expr: pl.Expr) -> pl.Expr:
        return (expr * 100).round(0).cast(pl.Int64)

    technology_findings = tech.select(
        *technology_columns("mosaic_exposure", FindingScope.TECHNOLOGY, cutoff),
        pl.when((pl.col("coverage") >= 0.75) & (pl.col("disclosed") >= STRONG_MIN_ANSWERS))
        .then(pl.lit(Severity.STRONG.value))
        .when((pl.col("coverage") >= 0.5) & (pl.col("disclosed") >= 2))
        .then(pl.lit(Severity.NOTABLE.value))
        .otherwise(pl.lit(Severity.INFO.value))
        .alias("severity"),
        metrics_struct(
            asked=pl.col("asked"),
            disclosed=pl.col("disclosed"),
            confirms=pl.col("confirms"),
            denies=pl.col("denies"),
            coverage=pl.col("coverage"),
            coverage_low=low,
            coverage_high=high,
            # No confirm or deny at all: the smoothed rate would be a bare 0.5 prior, not something public.
            base_rate=pl.when(pl.col("disclosed") > 0).then(pl.col("base_rate")),
            undisclosed=pl.col("undisclosed"),
            mean_marginal_bits=pl.col("mean_marginal_bits"),
            oldest_disclosure_days=(pl.lit(cutoff) - pl.col("__oldest")).dt.total_days(),
            category_confirms=pl.col("category_confirms"),
            category_denies=pl.col("category_denies"),
        ),
        pl.col("__public").list.head(params.evidence_limit).alias("evidence"),
        pl.format(
            "On {}, {}% of the map for {} was public ({} of {} {} asked had confirmed or denied: {} confirmed, {} denied){}; {}{}{}.",
            iso(pl.lit(cutoff)),
            percent(pl.col("coverage")),
            pl.col("technology_label"),
            pl.col("disclosed"),
            pl.col("asked"),
            pl.when(pl.col("asked") == 1).then(pl.lit("authority")).otherwise(pl.lit("authorities")),
            pl.col("confirms"),
            pl.col("denies"),
            pl.when(pl.col("asked") < STRONG_MIN_ANSWERS)
            .then(pl.lit(", too few answers to speak of a map"))
            .otherwise(pl.lit("")),
            pl.when(pl.col("disclosed") > 0)
            # The rate is smoothed (docs/numbers.md): shown with its sum, so "0.67" from one confirmation reads
            # as what it is, not as a miscount.
            .then(
                pl.format(
                    "base rate of use {} (smoothed: ({} + 1) / ({} + 2))",
                    pl.col("base_rate").round(2),
                    pl.col("confirms"),
                    pl.col("disclosed"),
                )
            )
            .otherwise(pl.lit("no public answer to estimate a rate of use from")),
            pl.when(pl.col("category_confirms") + pl.col("category_denies") > 0)
            .then(
                pl.format(
                    "; on the broader {} ({}), {} had confirmed and {} denied (a category confirmation shows use of some such technology, not of {}; a category denial means {} is not used either)",
                    pl.when(pl.col("category_label").str.contains(", ", literal=True))
                    .then(pl.lit("categories"))
                    .otherwise(pl.lit("category")),
                    pl.col("category_label"),
                    plural(pl.col("category_confirms"), "authority", "authorities"),
                    pl.col("category_denies"),
                    pl.col("technology_label"),
                    pl.col("technology_label"),
                )
            )
            .otherwise(pl.lit("")),
            pl.when(pl.col("__top_name").is_not_null())
            .then(
                pl.format(
                    "; an answer from {} would add {} bits, the most of any authority without a public answer",
                    pl.col("__top_name"),
                    pl.col("__top_bits").round(2),
                )
            )
            .otherwise(pl.lit("")),
        ).alias("summary"),
    )

    regions = (
        lazy.group_by("technology_id", "region")
        .agg(
            pl.len().alias("asked"),
            pl.col("public_stance").is_not_null().sum().alias("disclosed"),
            (pl.col("public_stance") == Stance.CONFIRM.value).sum().alias("confirms"),
            (pl.col("public_stance") == Stance.DENY.value).sum().alias("denies"),
            pl.col("technology_label").first(),
        )
        .with_columns(coverage=pl.col("disclosed") / pl.col("asked"))
    )
    region_findings = regions.select(
        *technology_columns("mosaic_exposure", FindingScope.REGION, cutoff),
        "region",
        pl.lit(Severity.INFO.value).alias("severity"),
        metrics_struct(
            asked=pl.col("asked"),
            disclosed=pl.col("disclosed"),
            confirms=pl.col("confirms"),
            denies=pl.col("denies"),
            coverage=pl.col("coverage"),
            coverage_low=wilson_bounds(pl.col("disclosed"), pl.col("asked"))[0],
            coverage_high=wilson_bounds(pl.col("disclosed"), pl.col("asked"))[1],
        ),
        pl.format(
            "In {} region, {} of {} asked had confirmed or denied {} by {}.",
            pl.col("region").fill_null("an unknown"),
            pl.col("disclosed"),
            plural(pl.col("asked"), "authority", "authorities"),
            pl.col("technology_label"),
            iso(pl.lit(cutoff)),
        ).alias("summary"),
    )

    authority_findings = predicted.filter(pl.col("latest_stance") == Stance.NCND.value).select(
        pl.lit("mosaic_exposure").alias("check"),
        pl.lit(FindingScope.AUTHORITY.value).alias("scope"),
        "authority_id",
        pl.col("authority_label").alias("authority_name"),
        "technology_id",
        pl.col("technology_label").alias("technology_name"),
        "region",
        pl.col("latest_response_id").alias("response_id"),
        pl.col("latest_date").alias("response_date"),
        pl.lit(cutoff).alias("as_of"),
        pl.when(pl.col("predictability") >= 0.75)
        .then(pl.lit(Severity.NOTABLE.value))
        .otherwise(pl.lit(Severity.INFO.value))
        .alias("severity"),
        # When nothing public bears on it (the summary's second case), the probability is the bare 0.5
        # prior: it is left out rather than reported as something the public map reveals.
        metrics_struct(
            base_rate=pl.when(pl.col("__map_disclosed") > 0).then(pl.col("base_rate")),
            disclosed_neighbours=pl.col("disclosed_neighbours"),
            confirming_neighbours=pl.col("confirming_neighbours"),
            predicted_use_probability=pl.when(~_NOTHING_PUBLIC).then(pl.col("predicted_use_probability")),
            predictability=pl.when(~_NOTHING_PUBLIC).then(pl.col("predictability")),
            marginal_bits=pl.col("marginal_bits"),
        ),
        pl.col("__neighbour_items")
        .fill_null(pl.lit([], dtype=pl.List(universe.schema["public_item"])))
        .list.head(params.evidence_limit)
        .alias("evidence"),
        pl.when(pl.col("category_stance") == Stance.DENY.value)
        .then(
            pl.format(
                "{} had publicly denied {}, a category containing {}, so it is already public that it does not use {}: an answer would add nothing (0 bits).",
                pl.col("authority_label"),
                pl.col("__own_category"),
                pl.col("technology_label"),
                pl.col("technology_label"),
            )
        )
        .when(_NOTHING_PUBLIC)
        .then(
            # Nothing public to estimate from: the 0.5 is a guess, not something the map reveals.
            pl.format(
                "No authority asked had confirmed or denied {} publicly, so nothing public estimates {}'s use of it; an answer from {} would add {} bits.",
                pl.col("technology_label"),
                pl.col("authority_label"),
                pl.col("authority_label"),
                pl.col("marginal_bits").round(2),
            )
        )
        .otherwise(
            pl.format(
                "{}{}, so use of {} could already be put at {} from {}; an answer from {} would add {} bits.",
                pl.when(pl.col("disclosed_neighbours") == 0)
                .then(pl.format("None of {}'s land neighbours asked had answered publicly", pl.col("authority_label")))
                .otherwise(
                    pl.format(
                        "{} of {}'s land neighbours asked had answered ({} confirmed)",
                        pl.col("disclosed_neighbours"),
                        pl.col("authority_label"),
                        pl.col("confirming_neighbours"),
                    )
                ),
                pl.when(pl.col("category_stance") == Stance.CONFIRM.value)
                .then(
                    pl.format(
                        " and it had itself confirmed {}, a category containing it (which shows use of some such technology, not which)",
                        pl.col("__own_category"),
                    )
                )
                .otherwise(pl.lit("")),
                pl.col("technology_label"),
                pl.col("predicted_use_probability").round(2),
                pl.when(pl.col("disclosed_neighbours") == 0)
                .then(pl.lit("the rest of the public map"))
                .otherwise(pl.lit("the public map")),
                pl.col("authority_label"),
                pl.col("marginal_bits").round(2),
            )
        )
        .alias("summary"),
    )
    return pl.concat([technology_findings, region_findings, authority_findings], how="diagonal_relaxed")


def fisher_exact_p(a: int, b: int, c: int, d: int) -> float:
    """Two-sided Fisher's exact test p-value of the 2x2 table [[a, b], [c, d]].

    Sums the hypergeometric probabilities of every table with the same margins that is no more likely
    than the observed one (the usual two-sided definition, as in R and scipy), with a small relative
    tolerance for ties.

    >>> round(fisher_exact_p(3, 1, 1, 3), 4)
    0.4857
    """
    row1, col1, total = a + b, a + c, a + b + c + d
    denominator = math.comb(total, col1)

    def probability(x: int) -> float:
        return math.comb(row1, x) * math.comb(total - row1, col1 - x) / denominator

    observed = probability(a)
    low, high = max(0, col1 - (total - row1)), min(row1, col1)
    p = sum(q for x in range(low, high + 1) if (q := probability(x)) <= observed * (1 + 1e-7))
    return min(1.0, p)


def haldane_odds_ratio(a: int, b: int, c: int, d: int, z: float = 1.959964) -> tuple[float, float, float]:
    """Odds ratio (a d)/(b c) with 0.5 added to every cell (Haldane-Anscombe), and its 95% interval.

    >>> [round(x, 3) for x in haldane_odds_ratio(3, 1, 1, 3)]
    [6.143, 0.403, 93.685]
    """
    a, b, c, d = (x + 0.5 for x in (a, b, c, d))
    ratio = a * d / (b * c)
    spread = z * math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return ratio, math.exp(math.log(ratio) - spread), math.exp(math.log(ratio) + spread)


@register("ncnd_tell", "Does NCND give use away?", "map")
def ncnd_tell(inputs: AnalysisInputs, as_of: dt.date | None, params: CheckParams) -> pl.LazyFrame:
    """Where use later became known, a 2x2 table of NCND against use, with odds ratio and Fisher's test.

    Method, per technology as of the as-of date (default today). Each authority asked is classed by its
    *first* answer with a stance: NCND, or answered (confirm or deny). Its use is *later known* from its
    latest confirm (used) or deny (not used) on or before the as-of date: for an NCND authority only an
    answer certainly after its NCND counts (its first possible day after the NCND's last; the NCND itself
    tells nothing); for an answering authority, its latest answer. Linked bodies (commissioners) are left
    out: they have no cell of their own on the map. Authorities whose use is not known are left out. The table gives a Haldane-corrected
    odds ratio of use given NCND with a 95% interval, and a two-sided Fisher's exact test p-value.
    Fewer than ``min_tell_known`` authorities with known use, or fewer than two in either row, gives
    "insufficient evidence" and no ratio rather than a meaningless number. Severity: ``notable`` when p
    < 0.05, else ``info``.
    """
    cutoff = params.map_as_of(as_of)
    rows = answer_rows(
        inputs, cutoff, params.focus_technology_ids, first_stance=True, with_undated=as_of is None
    ).filter(pl.col("first_stance_row").is_not_null())
    first = read_rows(
        inputs,
        rows.get_column("first_stance_row"),
        [
            "technology_id",
            "authority_id",
            pl.col("is_ncnd").alias("started_ncnd"),
            pl.col("response_end").alias("__first_end"),
            "technology_label",
        ],
    )
    disclosure = read_rows(
        inputs,
        rows.get_column("public_row"),
        [pl.col("stance").alias("__latest_disclosure"), pl.col("response_date").alias("__latest_disclosure_start")],
    )
    per_authority = (
        pl.concat([first, disclosure], how="horizontal")
        .lazy()
        .filter(params.focus(authority=False, response=False) & ~pl.col("authority_id").is_in(inputs.overseer_ids))
        .with_columns(
            # certainly after the NCND: the answer's first possible day after the NCND's last possible day
            known_use=pl.when(
                ~pl.col("started_ncnd") | (pl.col("__latest_disclosure_start") > pl.col("__first_end"))
            ).then(pl.col("__latest_disclosure") == Stance.CONFIRM.value)
        )
        .filter(pl.col("known_use").is_not_null())
        .sort("technology_id", "authority_id")  # a technology's label is its first authority's
    )
    tables = (
        per_authority.group_by("technology_id", maintain_order=True)
        .agg(
            (pl.col("started_ncnd") & pl.col("known_use")).sum().alias("ncnd_used"),
            (pl.col("started_ncnd") & ~pl.col("known_use")).sum().alias("ncnd_not_used"),
            (~pl.col("started_ncnd") & pl.col("known_use")).sum().alias("answered_used"),
            (~pl.col("started_ncnd") & ~pl.col("known_use")).sum().alias("answered_not_used"),
            pl.col("technology_label").first(),
        )
        .filter(pl.col("ncnd_used") + pl.col("ncnd_not_used") > 0)
        .collect(engine="in-memory")
    )
    # A handful of rows (one per technology): the exact test runs in Python on each small table.
    cells = ("ncnd_used", "ncnd_not_used", "answered_used", "answered_not_used")
    rows = []
    for row in tables.iter_rows(named=True):
        counts = [int(row[name]) for name in cells]
        known = sum(counts)
        sufficient = known >= params.min_tell_known and counts[0] + counts[1] >= 2 and counts[2] + counts[3] >= 2
        ratio = low = high = p = None
        if sufficient:
            ratio, low, high = haldane_odds_ratio(*counts)
            p = fisher_exact_p(*counts)
        rows.append(
            {
                "technology_id": row["technology_id"],
                "odds_ratio": ratio,
                "odds_ratio_low": low,
                "odds_ratio_high": high,
                "fisher_p": p,
            }
        )
    stats = pl.DataFrame(
        rows,
        schema={
            "technology_id": pl.String,
            "odds_ratio": pl.Float64,
            "odds_ratio_low": pl.Float64,
            "odds_ratio_high": pl.Float64,
            "fisher_p": pl.Float64,
        },
    )
    frame = tables.join(stats, on="technology_id", how="left").lazy()
    return frame.select(
        *technology_columns("ncnd_tell", FindingScope.TECHNOLOGY, cutoff),
        pl.when(pl.col("fisher_p") < 0.05)
        .then(pl.lit(Severity.NOTABLE.value))
        .otherwise(pl.lit(Severity.INFO.value))
        .alias("severity"),
        metrics_struct(
            **{name: pl.col(name) for name in (*cells, "odds_ratio", "odds_ratio_low", "odds_ratio_high", "fisher_p")}
        ),
        pl.when(pl.col("odds_ratio").is_null())
        .then(
            pl.format(
                "Insufficient evidence on {}: use later became known for {} that first NCNDed ({} used) and {} that answered ({} used).",
                pl.col("technology_label"),
                plural(pl.col("ncnd_used") + pl.col("ncnd_not_used"), "authority", "authorities"),
                pl.col("ncnd_used"),
                pl.col("answered_used") + pl.col("answered_not_used"),
                pl.col("answered_used"),
            )
        )
        .otherwise(
            pl.format(
                "On {}, {} of {} authorities that first NCNDed and whose use later became known used it, against {} of {} that answered: odds ratio {} (95% {} to {}), Fisher p = {}.",
                pl.col("technology_label"),
                pl.col("ncnd_used"),
                pl.col("ncnd_used") + pl.col("ncnd_not_used"),
                pl.col("answered_used"),
                pl.col("answered_used") + pl.col("answered_not_used"),
                pl.col("odds_ratio").round(2),
                pl.col("odds_ratio_low").round(2),
                pl.col("odds_ratio_high").round(2),
                pl.col("fisher_p").round(3),
            )
        )
        .alias("summary"),
    )
