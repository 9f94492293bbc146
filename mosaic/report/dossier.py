"""The response dossier: one NCND answer, what was public when it was given, and how consistent it was.

It must read as something a careful person could attach to a complaint or an internal review: the facts
of the request and the answer; the other authorities' earlier confirmations and denials, split by how
closely their technology matches; the authority's own earlier answers; the consistency findings; the
map as it stood that day; a neutral summary; and the method and caveats.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from mosaic.analyses import CheckParams, MapStance, findings_records
from mosaic.analyses.inputs import today
from mosaic.errors import MosaicError
from mosaic.report.common import (
    ANSWER_COLUMNS,
    CONSISTENCY_CHECKS,
    EVIDENCE_COLUMNS,
    OUTCOME_LABELS,
    RELATION_TITLES,
    SOURCE_TYPE_LABELS,
    ReportContext,
    evidence_rows,
    frame_rows,
    hex_map_block,
    iso_with_precision,
    method_section,
    regenerate_command,
    reproduce_section,
    say_date,
    say_share,
    synthetic_notice,
    unnest_evidence,
)
from mosaic.report.model import KIND_TITLES, Column, Facts, Notice, Paragraph, ReportModel, Section, Table
from mosaic.schema import Outcome, Stance

# --- response dossier ----------------------------------------------------------------------------


def response_dossier(
    context: ReportContext,
    response: dict[str, Any],
    as_of: dt.date | None,
    given: pl.DataFrame | None,
    params: CheckParams | None,
) -> ReportModel:
    """The dossier of one answer (see the module docstring), as of its own date unless ``as_of`` is later."""
    authority_id, technology_id, response_id = (
        response["authority_id"],
        response["technology_id"],
        response["response_id"],
    )
    authority, technology = context.authority_name(authority_id), context.technology_name(technology_id)
    answered_on = response["response_end"]
    if as_of is not None and answered_on is not None and as_of < answered_on:
        raise MosaicError(
            f"the answer is dated {answered_on.isoformat()}, after --as-of {as_of.isoformat()}: a dossier is as of the answer's date or later"
        )
    # An undated answer with no --as-of: it can only be placed in the data as it stands now, where every
    # answer on record (dated or not) had been given. Any earlier date would leave the answer itself, and
    # every other undated answer, off its own map.
    is_now_view = as_of is None and answered_on is None
    cut_off = as_of or answered_on or (params.today if params is not None else today())
    relations = context.relations(technology_id)
    related_ids = relations.get_column("technology_id").to_list()
    # Only findings about this answer, this authority or no authority (the map's) are used below, so the
    # run is focused on them: the response-level checks on this answer alone (at ten million answers,
    # the authority's 15,000 answers in scope listed 1.8 million evidence items, none of them shown).
    findings = context.findings(
        given,
        as_of=cut_off,
        response_as_of=as_of,
        technology_ids=related_ids,
        authority_ids=[authority_id],
        response_ids=[response_id],
        params=params,
        map_now=is_now_view,
    )
    peer = findings.filter((pl.col("response_id") == response_id) & (pl.col("check") == "peer_disclosure"))
    used = findings.filter(
        (pl.col("response_id") == response_id).fill_null(False)
        | (
            (pl.col("authority_id") == authority_id)
            & (pl.col("response_id").is_null() | (pl.col("response_id") == response_id))
        ).fill_null(False)
        | (
            pl.col("authority_id").is_null()
            & (pl.col("technology_id") == technology_id)
            & ((pl.col("scope") != "region") | pl.col("region").eq_missing(pl.lit(response["region"], dtype=pl.String)))
        ).fill_null(False)
    )

    is_ncnd = response["stance"] == Stance.NCND.value
    title = f"{authority}: {technology}"
    subtitle = (
        f"{KIND_TITLES['response']} for the answer of {say_date(answered_on, response['response_date_precision'])}"
    )
    command = regenerate_command("response", response_id=response_id, as_of=None if is_now_view else cut_off)
    meta = context.meta(cut_off, command)
    now_notice = (
        [
            Notice(
                f"This answer is undated, so this dossier is of the data as it stands on {say_date(cut_off)}: every answer on record, dated or not, counts as given by then."
            )
        ]
        if is_now_view
        else []
    )

    sections = [
        Section(
            "facts",
            "The request and the answer",
            [*synthetic_notice(context, [technology_id]), *now_notice, _response_facts(context, response)],
        ),
        _peer_section(context, peer, authority, technology, cut_off, is_ncnd),
        _own_answers_section(context, authority_id, authority, relations, cut_off, response_id),
        _consistency_section(context, used.filter(pl.col("check").is_in(CONSISTENCY_CHECKS)), authority),
        _exposure_section(
            context,
            used.filter(pl.col("check") == "mosaic_exposure"),
            technology_id,
            authority_id,
            cut_off,
            is_now_view,
        ),
        _other_findings_section(
            context, used.filter(~pl.col("check").is_in([*CONSISTENCY_CHECKS, "peer_disclosure", "mosaic_exposure"]))
        ),
        method_section("response"),
        reproduce_section(meta, list(context.check_titles)),
    ]
    summary = _dossier_summary(context, response, peer, used, cut_off, is_ncnd)
    subject = {
        "authority_id": authority_id, "authority": authority, "technology_id": technology_id, "technology": technology,
        "response_id": response_id, "response_date": answered_on.isoformat() if answered_on else None, "stance": response["stance"],
    }  # fmt: skip
    return ReportModel("response", title, subtitle, meta, subject, summary, sections, findings_records(used))


def _response_facts(context: ReportContext, response: dict[str, Any]) -> Facts:
    def when(name: str) -> str:
        value = response[f"{name}_date"]
        return say_date(value, response[f"{name}_date_precision"]) if value else "not recorded"

    exemptions = ", ".join(response["exemptions"] or []) or "none recorded"
    items = [
        ("Authority", context.authority_name(response["authority_id"])),
        (
            "Technology",
            f"{context.technology_name(response['technology_id'])} ({context.category_path(response['technology_id'])})",
        ),
        ("Request", response["request_id"] or "not recorded"),
        ("Asked on", when("request")),
        ("Answered on", when("response")),
        ("Outcome", OUTCOME_LABELS.get(response["outcome"], response["outcome"] or "unknown")),
        ("Outcome as written", response["outcome_text"] or "not recorded"),
        (
            "Exemptions cited",
            exemptions + (f" (as written: {response['exemptions_text']})" if response["exemptions_text"] else ""),
        ),
    ]
    if response["review_date"] or response["review_outcome"]:
        items.append(("Internal review", f"{when('review')}: {response['review_outcome'] or 'outcome not recorded'}"))
    if response["regulator_reference"] or response["decision_date"]:
        items.append(
            (
                "Regulator",
                f"{response['regulator_reference'] or 'no reference'}, {when('decision')}: {response['decision_outcome'] or 'outcome not recorded'}",
            )
        )
    items += [
        ("Source", response["source_url"] or "not recorded"),
        ("Source type", SOURCE_TYPE_LABELS.get(response["source_type"], response["source_type"] or "not recorded")),
        ("Notes", response["notes"] or ""),
        ("Response id", f"{response['response_id']} (from {response['source_file']}, row {response['source_row']})"),
    ]
    return Facts([(label, value) for label, value in items if value != ""])


def _peer_section(
    context: ReportContext, peer: pl.DataFrame, authority: str, technology: str, cut_off: dt.date, is_ncnd: bool
) -> Section:
    title = f"What other authorities had made public by {say_date(cut_off)}"
    if "peer_disclosure" not in context.check_titles:
        return Section(
            "peers", title, [Notice("The peer-disclosure check is not available in this version of mosaic.")]
        )
    if not is_ncnd:
        return Section(
            "peers",
            title,
            [
                Notice(
                    "This answer is not a neither-confirm-nor-deny response, so there is no peer-disclosure finding for it."
                )
            ],
        )
    if peer.height == 0:
        return Section(
            "peers",
            title,
            [
                Paragraph(
                    f"No other authority in the workspace had confirmed or denied {technology}, its category or a product within it by {say_date(cut_off)}."
                )
            ],
        )
    metrics = peer.item(0, "metrics")
    blocks: list[Any] = [Paragraph(peer.item(0, "summary"))]
    asked = metrics.get("peers_asked")
    if asked:
        others = max(asked - 1, 0)
        blocks.append(
            Facts(
                [
                    ("Other authorities asked by then", str(others)),
                    (
                        "Of those, confirmed or denied the same technology",
                        say_share(metrics.get("peers_exact") or 0, others),
                    ),
                    ("Official sources among them", str(metrics.get("peers_official_exact") or 0)),
                    ("Confirmed or denied the broader category", str(metrics.get("peers_broader") or 0)),
                    ("Confirmed or denied a product within it", str(metrics.get("peers_narrower") or 0)),
                ]
                + (
                    [("Days since the earliest such disclosure", str(metrics["days_since_earliest_peer"]))]
                    if metrics.get("days_since_earliest_peer") is not None
                    else []
                )
            )
        )
    evidence = unnest_evidence(peer)
    for relation, what in RELATION_TITLES.items():
        rows = evidence_rows(evidence.filter(pl.col("relation") == relation)) if evidence.height else []
        blocks.append(
            Table(
                f"peers_{relation}",
                f"Disclosures of {what}",
                EVIDENCE_COLUMNS,
                rows,
                empty=f"No other authority had confirmed or denied {what} by then.",
            )
        )
    return Section("peers", title, blocks)


def _own_answers_section(
    context: ReportContext,
    authority_id: str,
    authority: str,
    relations: pl.DataFrame,
    cut_off: dt.date,
    response_id: str | None,
) -> Section:
    answers = (
        context.events.filter(
            (pl.col("authority_id") == authority_id)
            & (pl.col("response_end").is_null() | (pl.col("response_end") <= cut_off))
        )
        .join(relations, on="technology_id", how="inner")
        .sort("response_end", "technology_id", "response_id", nulls_last=False)
    )
    rows = frame_rows(
        context.inputs.with_details(answers).select(
            iso_with_precision(pl.col("response_date"), pl.col("response_date_precision")).alias("date"),
            pl.col("technology_label").alias("technology"),
            "relation",
            pl.col("outcome").replace(OUTCOME_LABELS).alias("outcome"),
            "exemptions",
            "request_id",
            "source_url",
            pl.when(pl.col("response_id") == (response_id or ""))
            .then(pl.lit("this answer"))
            .otherwise(pl.lit(""))
            .alias("note"),
        )
    )
    columns = [*ANSWER_COLUMNS, Column("note", "")]
    table = Table(
        "own_answers",
        f"{authority}'s answers on this technology and related ones",
        columns,
        rows,
        empty="None in the workspace.",
    )
    return Section("own", f"{authority}'s own answers up to {say_date(cut_off)}", [table])


def _finding_blocks(context: ReportContext, findings: pl.DataFrame) -> list[Any]:
    """Each finding as a paragraph (its summary) and, when it has evidence, a table of it."""
    blocks: list[Any] = []
    for index in range(findings.height):
        one = findings.slice(index, 1)
        check = context.check_titles.get(one.item(0, "check"), one.item(0, "check"))
        blocks.append(Paragraph(f"{check} ({one.item(0, 'severity')}): {one.item(0, 'summary')}"))
        evidence = unnest_evidence(one)
        if evidence.height:
            blocks.append(
                Table(
                    f"evidence_{one.item(0, 'check')}_{index}",
                    f"Evidence: {check}",
                    EVIDENCE_COLUMNS,
                    evidence_rows(evidence),
                )
            )
    return blocks


def _consistency_section(context: ReportContext, findings: pl.DataFrame, authority: str) -> Section:
    title = f"Consistency of {authority}'s answers"
    if findings.height == 0:
        return Section(
            "consistency",
            title,
            [
                Paragraph(
                    "No consistency finding (self-acknowledgment, series, selective NCND, exemptions, boilerplate) concerns this answer."
                )
            ],
        )
    return Section("consistency", title, _finding_blocks(context, findings))


def _exposure_section(
    context: ReportContext,
    findings: pl.DataFrame,
    technology_id: str,
    authority_id: str | None,
    cut_off: dt.date,
    is_now_view: bool = False,
) -> Section:
    hexmap, stances = hex_map_block(context, technology_id, cut_off, authority_id, with_undated=is_now_view)
    blocks: list[Any] = []
    national = findings.filter(pl.col("scope") == "technology")
    mine = findings.filter(pl.col("authority_id") == (authority_id or ""))
    if national.height:
        m = national.item(0, "metrics")
        items = []
        if m.get("asked") is not None:
            items.append(("Authorities asked", str(m["asked"])))
            items.append(("With a public confirm or deny", say_share(m.get("disclosed") or 0, m["asked"])))
        for key, label in (("confirms", "Confirmed"), ("denies", "Denied"), ("undisclosed", "Without a public answer")):
            if m.get(key) is not None:
                items.append((label, str(m[key])))
        if m.get("base_rate") is not None:
            items.append(("Smoothed rate of use among disclosures", f"{m['base_rate']:.0%}"))
        if m.get("mean_marginal_bits") is not None:
            items.append(("Mean information one more answer would add", f"{m['mean_marginal_bits']:.2f} bits"))
        blocks += [Paragraph(national.item(0, "summary")), Facts(items)]
    if mine.height:
        m = mine.item(0, "metrics")
        blocks.append(Paragraph(mine.item(0, "summary")))
        items = []
        if m.get("predicted_use_probability") is not None:
            items.append(("Probability of use inferable from the public map", f"{m['predicted_use_probability']:.0%}"))
        if m.get("disclosed_neighbours") is not None:
            items.append(
                (
                    "Neighbours with a public answer",
                    f"{m['disclosed_neighbours']} ({m.get('confirming_neighbours') or 0} confirmed)",
                )
            )
        if m.get("marginal_bits") is not None:
            items.append(("What a confirm or deny would add", f"{m['marginal_bits']:.2f} bits (of at most 1)"))
        if items:
            blocks.append(Facts(items))
    if not blocks:
        counts = {row["stance"]: row["count"] for row in hexmap.legend}
        asked = sum(counts.values()) - counts.get(MapStance.NOT_ASKED.value, 0)
        public = counts.get(MapStance.CONFIRM.value, 0) + counts.get(MapStance.DENY.value, 0)
        blocks.append(
            Paragraph(
                f"On {say_date(cut_off)}, {say_share(public, asked)} authorities asked about {hexmap.technology} had confirmed or denied it."
            )
        )
    blocks.append(hexmap)
    # A product's own map may be nearly empty while its category's is well drawn (every force that
    # confirmed facial recognition): the category's map stands beside it, with what it does and does
    # not tell, so that neither map is quoted without the other.
    nearest = (
        context.inputs.pairs.filter((pl.col("descendant_id") == technology_id) & (pl.col("distance") > 0))
        .sort("distance", "ancestor_id")
        .get_column("ancestor_id")
        .to_list()
    )
    for category_id in nearest:  # the nearest category with any confirm or deny on its map
        category_map, category_stances = hex_map_block(
            context, category_id, cut_off, authority_id, with_undated=is_now_view
        )
        public = category_stances.filter(
            pl.col("map_stance").is_in([MapStance.CONFIRM.value, MapStance.DENY.value])
        ).height
        if public:
            blocks.append(
                Paragraph(
                    f"The broader category, {category_map.technology}, on the same day: {public} authorities' cells show a confirm or deny of it. "
                    f"A category confirmation shows use of some such technology, not of {hexmap.technology}; a category denial means "
                    f"{hexmap.technology} is not used either."
                )
            )
            blocks.append(category_map)
            break
    return Section("exposure", f"Mosaic exposure on {say_date(cut_off)}", blocks)


def _other_findings_section(context: ReportContext, findings: pl.DataFrame) -> Section:
    blocks = (
        _finding_blocks(context, findings) if findings.height else [Paragraph("No other finding concerns this answer.")]
    )
    return Section("other", "Other findings", blocks)


def _dossier_summary(
    context: ReportContext,
    response: dict[str, Any],
    peer: pl.DataFrame,
    used: pl.DataFrame,
    cut_off: dt.date,
    is_ncnd: bool,
) -> list[str]:
    authority, technology = (
        context.authority_name(response["authority_id"]),
        context.technology_name(response["technology_id"]),
    )
    when = say_date(response["response_date"], response["response_date_precision"])
    exemptions = ", ".join(response["exemptions"] or [])
    cited = f", citing {exemptions}" if exemptions else ", citing no exemption that was recorded"
    if is_ncnd:
        what = (
            "neither confirmed nor denied whether it holds the information"
            if response["outcome"] != Outcome.NCND_PARTIAL.value
            else "answered in part and neither confirmed nor denied the rest (a partial NCND)"
        )
        first = f"On {when}, {authority} {what} in answer to a request about {technology}{cited}."
    else:
        first = f"On {when}, {authority} answered a request about {technology}: {OUTCOME_LABELS.get(response['outcome'], response['outcome'])}."
    summary = [first]
    if peer.height:
        m = peer.item(0, "metrics")
        others = max((m.get("peers_asked") or 1) - 1, 0)
        exact = m.get("peers_exact") or 0
        sentence = f"By {say_date(cut_off)}, {say_share(exact, others)} other {'authority' if others == 1 else 'authorities'} asked about {technology} had confirmed or denied it"
        extra = [
            f"{m.get('peers_broader') or 0} had done so for its broader category",
            f"{m.get('peers_narrower') or 0} for a product within it",
        ]
        summary.append(sentence + "; " + " and ".join(extra) + ".")
    elif is_ncnd and "peer_disclosure" in context.check_titles:
        summary.append(
            f"By {say_date(cut_off)}, no other authority in the workspace had confirmed or denied {technology} or a related technology."
        )
    selfack = used.filter(pl.col("check") == "self_acknowledgment")
    if selfack.height:
        summary.append(selfack.item(0, "summary"))
    exposure = used.filter((pl.col("check") == "mosaic_exposure") & (pl.col("scope") == "technology"))
    if exposure.height:
        summary.append(exposure.item(0, "summary"))
    summary.append(
        "These are facts about what was public and when; whether the answer was right is for review, the regulator and the tribunal."
    )
    return summary
