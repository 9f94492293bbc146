"""The technology report: the national picture for one technology on one date.

The map, coverage over time, stances by region (with Wilson intervals) and by authority, the national
line and who departed from it, the exemption sets cited with NCNDs, and the findings by check.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from mosaic.analyses import (
    AnalysisInputs,
    CheckParams,
    MapStance,
    findings_records,
    technology_scope,
    wilson_interval,
)
from mosaic.analyses.findings import empty_findings
from mosaic.errors import MosaicError
from mosaic.graph import build_graph, national_line
from mosaic.present.labels import STANCE_LABELS as MAP_STANCE_LABELS
from mosaic.present.labels import map_tally
from mosaic.report.common import (
    OUTCOME_LABELS,
    STANCE_LABELS,
    ReportContext,
    findings_by_check,
    findings_table,
    frame_rows,
    hex_map_block,
    iso_with_precision,
    method_section,
    plural,
    regenerate_command,
    reproduce_section,
    rounded,
    say_date,
    say_share,
    synthetic_notice,
)
from mosaic.report.model import (
    KIND_TITLES,
    Column,
    IntervalChart,
    Notice,
    Paragraph,
    ReportModel,
    Section,
    Table,
    TimeChart,
)

# --- technology report ---------------------------------------------------------------------------


def technology_report(
    context: ReportContext,
    technology_id: str,
    as_of: dt.date | None,
    given: pl.DataFrame | None,
    params: CheckParams | None,
) -> ReportModel:
    """The national picture for ``technology_id`` (and everything below it) as of ``as_of`` (default: the latest date)."""
    technology = context.technology_name(technology_id)
    cut_off = as_of or context.latest_date()
    scope = technology_scope(context.inputs, technology_id)
    every, shown, totals = context.capped_findings(
        given, as_of=cut_off, technology_ids=scope, authority_ids=None, params=params
    )
    # Of every finding only the national exposure is read below: the rest (a million findings at ten
    # million answers, 0.9 GB) is let go before the map and the graph are built.
    exposure = every.filter(
        (pl.col("check") == "mosaic_exposure")
        & (pl.col("scope") == "technology")
        & (pl.col("technology_id") == technology_id)
    )
    del every
    command = regenerate_command("technology", technology_id=technology_id, as_of=cut_off)
    meta = context.meta(cut_off, command)
    hexmap, stances = hex_map_block(context, technology_id, cut_off, None)
    asked = stances.filter(pl.col("map_stance") != MapStance.NOT_ASKED.value)
    tally = map_tally(stances)  # what the map's legend counts, and the dashboard's headline
    counts = tally.counts
    ncnd_count = counts[MapStance.NCND.value] + counts[MapStance.NCND_PARTIAL.value]
    public = tally.on_record
    # Cells showing a confirm or deny whose authority also NCNDed something within the technology.
    within = asked.filter(pl.col("ncnd_within_id").is_not_null()).sort("authority_name")
    within_text = "; ".join(
        f"{row['authority_name']} on {context.technology_name(row['ncnd_within_id'])}"
        for row in within.iter_rows(named=True)
    )

    summary = [
        f"By {say_date(cut_off)}, {plural(tally.asked, 'authority', 'authorities')} had been asked about {technology} "
        f"({context.category_path(technology_id)}). Of these, {counts['confirm']} confirmed, {counts['deny']} denied, "
        f"{ncnd_count} neither confirmed nor denied ({counts['ncnd_partial']} of them in part), and {counts['no_answer']} had not yet confirmed, denied or NCNDed (awaiting an answer, or answered without a stance)."
        if asked.height
        else f"By {say_date(cut_off)}, no authority in the workspace had been asked about {technology} ({context.category_path(technology_id)}).",
    ]
    if within.height:
        summary.append(
            f"Of those that confirmed or denied it, {within.height} also gave an NCND on something within it by then ({within_text}): "
            "a category's map shows each authority's strongest answer, and marks these with a dot."
        )
    if asked.height:
        summary.append(
            f"{say_share(public, asked.height)} authorities asked had a confirm or deny on record by then (an answer stays "
            "public even when the authority later gave an NCND): that is the share of the map already drawn."
        )
    if ncnd_count == 0 and within.height == 0:
        summary.append(f"No authority gave a neither-confirm-nor-deny answer on {technology} by {say_date(cut_off)}.")
    if exposure.height:
        sentence = exposure.item(0, "summary")
        if len(scope) > 1:  # a category: the check reads answers naming it, the map shows its products too
            sentence = f"Counting only answers that name {technology} itself (not its products): {sentence[:1].lower()}{sentence[1:]}"
        summary.append(sentence)

    notices = synthetic_notice(context, scope)
    if asked.height == 0:
        notices.append(
            Notice(f"No authority in the workspace had been asked about {technology} by {say_date(cut_off)}.")
        )
    elif ncnd_count == 0 and within.height == 0:
        notices.append(
            Notice(
                f"No authority gave a neither-confirm-nor-deny answer on {technology} by {say_date(cut_off)}: there is no NCND to test."
            )
        )

    sections = [
        Section("map", f"The national map on {say_date(cut_off)}", [*notices, hexmap]),
        _coverage_section(context, scope, cut_off, technology),
        _region_section(asked),
        _authority_stance_section(context, asked),
        _national_line_section(context, shown, technology_id, scope, cut_off),
        _exemption_sets_section(context, asked),
        Section(
            "findings",
            "Findings",
            findings_by_check(
                context,
                shown,
                "findings",
                f"No check made a finding on {technology}.",
                totals=totals,
                what=f" --technology {technology_id}",
            ),
        ),
        method_section("technology"),
        reproduce_section(meta, list(context.check_titles)),
    ]
    subject = {
        "technology_id": technology_id,
        "technology": technology,
        "asked": asked.height,
        "ncnd": ncnd_count,
        "public": public,
    }
    title = f"{technology}: the national picture"
    subtitle = f"{KIND_TITLES['technology']} as of {say_date(cut_off)}"
    return ReportModel("technology", title, subtitle, meta, subject, summary, sections, findings_records(shown))


def _coverage_section(context: ReportContext, scope: list[str], cut_off: dt.date, technology: str) -> Section:
    """Authorities asked, with a public answer, and with an NCND given, counted cumulatively over time."""
    events = context.events.filter(pl.col("technology_id").is_in(scope))
    firsts = events.group_by("authority_id").agg(
        pl.col("asked_on").min().alias("asked"),
        pl.col("response_end").filter(pl.col("is_disclosure")).min().alias("public"),
        pl.col("response_end").filter(pl.col("is_ncnd")).min().alias("ncnd"),
    )
    series = [("asked", "Asked"), ("public", "Confirmed or denied"), ("ncnd", "Gave an NCND")]
    long = (
        firsts.unpivot(index="authority_id", on=[key for key, _ in series], variable_name="series", value_name="date")
        .drop_nulls("date")
        .filter(pl.col("date") <= cut_off)
    )
    if long.height == 0:
        return Section(
            "coverage", "Coverage over time", [Paragraph(f"No answers on {technology} by {say_date(cut_off)}.")]
        )
    steps = long.group_by("date", "series").len().pivot(on="series", index="date", values="len").sort("date")
    for key, _ in series:
        if key not in steps.columns:
            steps = steps.with_columns(pl.lit(0, pl.UInt32).alias(key))
    steps = steps.select("date", *[pl.col(key).fill_null(0).cum_sum().cast(pl.Int64) for key, _ in series])
    if steps.item(-1, "date") < cut_off:
        steps = pl.concat([steps, steps.tail(1).with_columns(pl.lit(cut_off).alias("date"))])
    points = frame_rows(steps)
    first_year = steps.item(0, "date").year
    year_ends = pl.DataFrame(
        {"date": [min(dt.date(year, 12, 31), cut_off) for year in range(first_year, cut_off.year + 1)]}
    )
    yearly = year_ends.join_asof(
        steps.rename({"date": "_step"}), left_on="date", right_on="_step", strategy="backward"
    ).with_columns((pl.col("public") / pl.col("asked")).alias("public_share"))
    table = Table(
        "coverage_by_year",
        "At the end of each year (or the as-of date)",
        [
            Column("date", "Date", "date"),
            Column("asked", "Asked", "int"),
            Column("public", "Confirmed or denied", "int"),
            Column("ncnd", "Gave an NCND", "int"),
            Column("public_share", "Share public", "share"),
        ],  # fmt: skip
        frame_rows(yearly.select("date", "asked", "public", "ncnd", "public_share")),
        note="Counts are of authorities: the first time each was asked, first confirmed or denied, first gave an NCND. A public answer stays public even when a later answer is an NCND.",
    )
    chart = TimeChart(f"{technology}: authorities asked and answering, over time", series, points)
    return Section("coverage", "Coverage over time", [chart, table])


def _region_section(asked: pl.DataFrame) -> Section:
    if asked.height == 0:
        return Section("regions", "Stances by region", [Paragraph("No authority had been asked by then.")])
    by_region = (
        asked.with_columns(pl.col("region").fill_null("(no region)"))
        .group_by("region")
        .agg(
            pl.len().alias("asked"),
            (pl.col("map_stance") == "confirm").sum().alias("confirm"),
            (pl.col("map_stance") == "deny").sum().alias("deny"),
            pl.col("map_stance").is_in(["ncnd", "ncnd_partial"]).sum().alias("ncnd"),
            (pl.col("map_stance") == "no_answer").sum().alias("no_answer"),
        )
        .sort("region")
    )
    rows = []
    chart_rows = []
    total = {
        "region": "All regions",
        **{k: int(by_region.get_column(k).sum()) for k in ("asked", "confirm", "deny", "ncnd", "no_answer")},
    }
    for row in [*by_region.iter_rows(named=True), total]:
        row = {k: (int(v) if isinstance(v, int) else v) for k, v in row.items()}
        interval = wilson_interval(row["ncnd"], row["asked"])
        share = row["ncnd"] / row["asked"] if row["asked"] else None
        row["ncnd_share"] = rounded(share) if row["asked"] >= 10 else None  # small counts are shown as counts
        row["ncnd_interval"] = (
            f"{interval[0]:.0%} to {interval[1]:.0%}"
            if interval and row["asked"] >= 10
            else ("counts only" if row["asked"] else "")
        )
        rows.append(row)
        if interval:
            chart_rows.append(
                {
                    "label": row["region"],
                    "successes": row["ncnd"],
                    "trials": row["asked"],
                    "share": rounded(share),
                    "low": rounded(interval[0]),
                    "high": rounded(interval[1]),
                }
            )
    columns = [
        Column("region", "Region"), Column("asked", "Asked", "int"), Column("confirm", "Confirmed", "int"),
        Column("deny", "Denied", "int"), Column("ncnd", "NCND", "int"), Column("no_answer", "No answer", "int"),
        Column("ncnd_share", "NCND share", "share"), Column("ncnd_interval", "95% interval"),
    ]  # fmt: skip
    table = Table(
        "regions",
        "Latest stance by region",
        columns,
        rows,
        note="NCND includes partial NCNDs. Intervals are 95% Wilson intervals, given only for ten or more authorities.",
    )
    chart = IntervalChart(
        "Share of authorities asked giving an NCND, with 95% Wilson intervals", chart_rows, "NCND share"
    )
    return Section("regions", "Stances by region", [table, chart])


def _authority_stance_section(context: ReportContext, asked: pl.DataFrame) -> Section:
    frame = asked.sort("region", "authority_name", nulls_last=True).select(
        pl.col("authority_id")
        .replace_strict(context.authority_names, default=pl.col("authority_name"))
        .alias("authority"),
        "region",
        pl.when((pl.col("map_stance") == MapStance.NO_ANSWER.value) & pl.col("outcome").is_not_null())
        .then(
            pl.format(
                "{} ({})", pl.col("map_stance").replace(MAP_STANCE_LABELS), pl.col("outcome").replace(OUTCOME_LABELS)
            )
        )
        .otherwise(pl.col("map_stance").replace(MAP_STANCE_LABELS))
        .alias("stance"),
        iso_with_precision(pl.col("response_date"), pl.col("response_date_precision")).alias("date"),
        "exemptions",
        pl.when(pl.col("public_stance").is_not_null())
        .then(
            pl.format(
                "{} ({})", pl.col("public_stance").replace(STANCE_LABELS), pl.col("public_date").dt.strftime("%Y-%m-%d")
            )
        )
        .otherwise(pl.lit(""))
        .alias("public_answer"),
        "source_url",
    )
    columns = [
        Column("authority", "Authority"), Column("region", "Region"), Column("stance", "Stance"), Column("date", "Latest answer", "date"),
        Column("exemptions", "Exemptions", "list"), Column("public_answer", "Confirm or deny on record"),
        Column("source_url", "Source", "url"),
    ]  # fmt: skip
    table = Table("authority_stances", "Each authority's latest answer", columns, frame_rows(frame), empty="No authority had been asked by then.",
                  note="For a category, the strongest stance across its products is shown (confirm, deny, partial NCND, NCND, no answer).")  # fmt: skip
    return Section("authorities", "Stances by authority", [table])


def _national_line_section(
    context: ReportContext, findings: pl.DataFrame, technology_id: str, scope: list[str], cut_off: dt.date
) -> Section:
    """The national line (the modal stance among the authorities' latest answers, from the graph) and who
    departed from it, then the exemption and wording departures the checks found.

    The graph is built from the answers on ``scope`` (the technology and everything below it) alone: the
    line reads nothing else, and a graph of every answer at ten million answers would not fit."""
    blocks: list[Any] = []
    inputs = context.inputs
    answers = inputs.with_details(inputs.responses.filter(pl.col("technology_id").is_in(scope)), ["request_id"])
    try:
        graph = build_graph(
            AnalysisInputs(answers, inputs.authorities, inputs.technologies),
            as_of=cut_off,
            technology_ids=[technology_id],
            findings=empty_findings(),
        )
        line = national_line(graph, as_of=cut_off, technology_ids=[technology_id])
    except MosaicError:  # nothing answered on it by then: the graph has no such technology
        line = None
    if line is not None and line.height:
        line = line.sort(pl.col("technology_id") != technology_id, "technology_id")
        rows = []
        for row in line.iter_rows(named=True):
            departed = [context.authority_name(a) for a in row["departed_authority_ids"]]
            rows.append(
                {
                    "technology": row["technology_name"] or context.technology_name(row["technology_id"]),
                    "answered": row["answered_count"], "confirm": row["confirm_count"], "deny": row["deny_count"], "ncnd": row["ncnd_count"],
                    "line": "tied" if row["is_tied"] else STANCE_LABELS.get(row["national_stance"], row["national_stance"]),
                    "share": rounded(row["national_share"]),
                    "departed": "; ".join(departed),
                }
            )  # fmt: skip
        columns = [
            Column("technology", "Technology"), Column("answered", "Answered", "int"), Column("confirm", "Confirmed", "int"),
            Column("deny", "Denied", "int"), Column("ncnd", "NCND", "int"), Column("line", "National line"),
            Column("share", "Share on the line", "share"), Column("departed", "Departed from it"),
        ]  # fmt: skip
        blocks.append(
            Table(
                "national_line",
                "The national line: the most common stance among the latest answers",
                columns,
                rows,
                note="Each authority's latest confirm, deny or NCND by the as-of date (the map above shows a later refusal as no answer). A departure is a fact worth explaining, not a fault.",
            )  # fmt: skip
        )
    else:
        blocks.append(Paragraph("No authority had answered by then, so there is no national line."))
    departures = findings.filter(pl.col("check").is_in(["exemption_consistency", "boilerplate", "ncnd_limb"]))
    modal = departures.filter(pl.col("authority_id").is_null())
    for index in range(modal.height):
        blocks.append(Paragraph(modal.item(index, "summary")))
    blocks.append(
        findings_table(
            context,
            departures.filter(pl.col("authority_id").is_not_null()),
            "departures",
            "Departures in exemptions and wording",
            "No authority departed from the modal exemption set or the national wording, as far as the data shows.",
        )
    )
    return Section("national_line", "The national line and departures", blocks)


def _column_kind(dtype: pl.DataType) -> str:
    if dtype.is_integer():
        return "int"
    if dtype.is_float():
        return "float"
    if isinstance(dtype, pl.List):
        return "list"
    return "text"


def _exemption_sets_section(context: ReportContext, asked: pl.DataFrame) -> Section:
    ncnds = asked.filter(pl.col("map_stance").is_in(["ncnd", "ncnd_partial"]))
    if ncnds.height == 0:
        return Section(
            "exemptions",
            "Exemption sets cited with NCNDs",
            [Paragraph("No NCND answers, so no exemption sets to compare.")],
        )
    sets = (
        ncnds.with_columns(
            pl.col("exemptions").fill_null([]).list.sort().list.join(" + ").replace("", "(none recorded)").alias("set")
        )
        .group_by("set")
        .agg(
            pl.len().alias("authorities"),
            pl.col("authority_id")
            .replace_strict(context.authority_names, default=pl.col("authority_name"))
            .sort()
            .str.join("; ")
            .alias("who"),
        )
        .with_columns((pl.col("authorities") / ncnds.height).alias("share"))
        .sort(["authorities", "set"], descending=[True, False])
    )
    columns = [
        Column("set", "Exemption set"),
        Column("authorities", "Authorities", "int"),
        Column("share", "Share of NCNDs", "share"),
        Column("who", "Which"),
    ]
    return Section(
        "exemptions",
        "Exemption sets cited with NCNDs",
        [Table("exemption_sets", "Exemption sets (each authority's latest NCND)", columns, frame_rows(sets))],
    )
