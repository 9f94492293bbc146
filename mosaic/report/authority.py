"""The authority report: all of one authority's answers (optionally on one technology) and its findings."""

from __future__ import annotations

import datetime as dt

import polars as pl

from mosaic.analyses import CheckParams, findings_records, technology_scope
from mosaic.report.common import (
    ANSWERS_SHOWN,
    OUTCOME_LABELS,
    STANCE_LABELS,
    ReportContext,
    findings_by_check,
    frame_rows,
    iso_with_precision,
    method_section,
    plural,
    regenerate_command,
    reproduce_section,
    say_date,
    synthetic_notice,
)
from mosaic.report.model import KIND_TITLES, Column, Facts, Notice, ReportModel, Section, Table
from mosaic.schema import Stance

# --- authority report ----------------------------------------------------------------------------


def authority_report(
    context: ReportContext,
    authority_id: str,
    technology_id: str | None,
    as_of: dt.date | None,
    given: pl.DataFrame | None,
    params: CheckParams | None,
) -> ReportModel:
    """One authority's answers (on ``technology_id`` and below it, when given) and its findings, as of ``as_of``."""
    authority = context.authority_name(authority_id)
    cut_off = as_of or context.latest_date()
    scope = technology_scope(context.inputs, technology_id) if technology_id else None
    findings, shown, totals = context.capped_findings(
        given,
        as_of=cut_off,
        technology_ids=scope,
        authority_ids=[authority_id],
        params=params,
        keep=pl.col("authority_id") == authority_id,
    )
    answers = context.events.filter(
        (pl.col("authority_id") == authority_id)
        & (pl.col("response_end").is_null() | (pl.col("response_end") <= cut_off))
    )
    if scope is not None:
        answers = answers.filter(pl.col("technology_id").is_in(scope))
    answers = answers.sort("response_end", "technology_id", "response_id", nulls_last=False)
    ncnd_count = answers.filter(pl.col("is_ncnd")).height
    on_what = f" on {context.technology_name(technology_id)}" if technology_id else ""
    command = regenerate_command("authority", authority_id=authority_id, technology_id=technology_id, as_of=cut_off)
    meta = context.meta(cut_off, command)

    stance_counts = {s.value: answers.filter(pl.col("stance") == s.value).height for s in Stance}
    technology_count = answers.get_column("technology_id").n_unique()
    summary = [
        f"By {say_date(cut_off)}, the workspace holds {plural(answers.height, 'answer')} from {authority}{on_what}"
        + (
            ""
            if technology_id and technology_count == 1
            else f" on {plural(technology_count, 'technology', 'technologies')}"
        )
        + f": {stance_counts['confirm']} confirmed, {stance_counts['deny']} denied, {stance_counts['ncnd']} neither confirmed nor denied "
        f"and {stance_counts['unknown']} took no stance."
        if answers.height
        else f"By {say_date(cut_off)}, the workspace holds no answer from {authority}{on_what}."
    ]
    notices = synthetic_notice(context, answers.get_column("technology_id").unique().to_list())
    if ncnd_count == 0:
        text = f"{authority} gave no neither-confirm-nor-deny answer{on_what} in the workspace by {say_date(cut_off)}, so there is no NCND to test."
        summary.append(text)
        notices.append(Notice(text))
    if findings.height:
        strong = findings.filter(pl.col("severity") == "strong").height
        summary.append(
            f"The checks made {plural(findings.height, 'finding')} about its answers ({strong} marked strong)."
        )

    register = context.inputs.authorities.filter(pl.col("authority_id") == authority_id)
    facts = [("Authority", authority), ("Register id", authority_id)]
    if register.height:
        facts += [
            ("Kind", (register.item(0, "kind") or "").replace("_", " ")),
            ("Region", register.item(0, "region") or ""),
        ]
        neighbours = [
            context.authority_name(n) for n in register.get_column("neighbours").explode().drop_nulls().to_list()
        ]
        if neighbours:
            facts.append(("Land neighbours", ", ".join(neighbours)))
    if technology_id:
        facts.append(
            ("Technology", f"{context.technology_name(technology_id)} ({context.category_path(technology_id)})")
        )

    latest = (
        answers.group_by("technology_id")
        .agg(pl.all().sort_by("response_end", nulls_last=False).last(), pl.len().alias("answer_count"))
        .sort("technology_label")
    )
    latest_table = Table(
        "latest_by_technology",
        "Latest answer per technology",
        [
            Column("technology", "Technology"),
            Column("date", "Date", "date"),
            Column("outcome", "Outcome"),
            Column("stance", "Stance"),
            Column("exemptions", "Exemptions", "list"),
            Column("answer_count", "Answers", "int"),
        ],  # fmt: skip
        frame_rows(
            latest.select(
                pl.col("technology_label").alias("technology"),
                iso_with_precision(pl.col("response_date"), pl.col("response_date_precision")).alias("date"),
                pl.col("outcome").replace(OUTCOME_LABELS),
                pl.col("stance").replace(STANCE_LABELS),
                "exemptions",
                pl.col("answer_count").cast(pl.Int64),
            )
        ),
        empty="No answers in the workspace.",
    )
    all_answers = Table(
        "answers",
        "Every answer, oldest first"
        if answers.height <= ANSWERS_SHOWN
        else f"The latest {ANSWERS_SHOWN} answers, oldest first",
        [
            Column("date", "Date", "date"),
            Column("technology", "Technology"),
            Column("outcome", "Outcome"),
            Column("exemptions", "Exemptions", "list"),
            Column("request_id", "Request"),
            Column("source_url", "Source", "url"),
            Column("notes", "Notes"),
        ],  # fmt: skip
        frame_rows(
            context.inputs.with_details(answers.tail(ANSWERS_SHOWN)).select(
                iso_with_precision(pl.col("response_date"), pl.col("response_date_precision")).alias("date"),
                pl.col("technology_label").alias("technology"),
                pl.col("outcome").replace(OUTCOME_LABELS),
                "exemptions",
                "request_id",
                "source_url",
                "notes",
            )
        ),
        empty="No answers in the workspace.",
        note=f"{answers.height - ANSWERS_SHOWN} earlier answers are not listed; the latest answer per technology is above."
        if answers.height > ANSWERS_SHOWN
        else None,
    )
    sections = [
        Section("authority", "The authority", [*notices, Facts(facts)]),
        Section("answers", "Its answers", [latest_table, all_answers]),
        Section(
            "findings",
            "Consistency findings",
            findings_by_check(
                context,
                shown,
                "findings",
                "No consistency finding concerns this authority.",
                totals=totals,
                drop=["authority"],
                what=f" --authority {authority_id}",
            ),
        ),
        method_section("authority"),
        reproduce_section(meta, list(context.check_titles)),
    ]
    subject = {
        "authority_id": authority_id,
        "authority": authority,
        "technology_id": technology_id,
        "answers": answers.height,
        "ncnd": ncnd_count,
    }
    title = f"{authority}: answers and consistency" + (
        f" on {context.technology_name(technology_id)}" if technology_id else ""
    )
    subtitle = f"{KIND_TITLES['authority']} as of {say_date(cut_off)}"
    return ReportModel("authority", title, subtitle, meta, subject, summary, sections, findings_records(shown))
