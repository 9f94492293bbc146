"""Regulator consistency: what the ICO and the Scottish Information Commissioner decided about answers to
the same question, side by side.

* ``regulator_consistency``: per technology, the regulator's decisions on authorities' answers (each
  notice as evidence), and each decision the regulator contradicted elsewhere: the answer upheld for one
  force, the force ordered to confirm or deny for another, on the same technology and exemptions.

Why: "NCND must be used consistently" is argued before a regulator one complaint at a time. When the
same regulator upheld one force's NCND and ordered another to confirm or deny, on the same technology and
the same exemptions, that is the strongest comparison a requester can cite; when it upheld every one, a
force can cite that too. Decisions are few (hundreds where answers are millions), so the grouping is done
on the decided rows alone.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from mosaic.analyses.findings import (
    EvidenceRelation,
    FindingScope,
    empty_findings,
    grade_expr,
    metrics_struct,
    subject_columns,
    technology_columns,
)
from mosaic.analyses.inputs import AnalysisInputs
from mosaic.analyses.procedure import LAW_NAMES, law_expr
from mosaic.analyses.registry import CheckParams, register
from mosaic.analyses.timeline import date_text, evidence_item
from mosaic.normalise.decisions import regulator_outcome
from mosaic.schema import RegulatorOutcome, Severity

#: How a decision is written in a finding's sentence (the answer's side, never the complaint's).
DECISION_WORDS: dict[str | None, str] = {
    RegulatorOutcome.ANSWER_UPHELD.value: "upheld",
    RegulatorOutcome.ANSWER_UPHELD_IN_PART.value: "upheld in part",
    RegulatorOutcome.ANSWER_NOT_UPHELD.value: "not upheld",
    None: "decided with an outcome mosaic cannot read",
}
_COLUMNS = (
    "response_id", "authority_id", "authority_label", "technology_id", "technology_label", "region", "response_date",
    "response_date_precision", "stance", "outcome", "exemptions", "regulator_reference", "decision_date",
    "decision_date_precision", "decision_outcome", "source_url", "source_type", "response_end",
)  # fmt: skip


def decisions(inputs: AnalysisInputs, as_of: dt.date | None, params: CheckParams) -> pl.DataFrame:
    """The regulator's decisions known by the as-of date, one row per decision, outcome read.

    A decision dated after the as-of date is left out; an undated one counts only in the default view
    (the data as it stands), never at a past ``--as-of``, where it cannot be placed. The same decision
    recorded twice (its reference on two rows of one authority) counts once. ``regulator_outcome`` is the
    ``RegulatorOutcome`` read from the outcome as given (null when the text does not say whose side won).
    """
    cutoff = params.map_as_of(as_of)
    dated = pl.col("decision_date") <= cutoff
    known = dated if as_of is not None else (dated | pl.col("decision_date").is_null())
    rows = (
        inputs.events.lazy()
        .filter(pl.col("decision_outcome").is_not_null() & known & params.focus(authority=False, response=False))
        .select(_COLUMNS)
        .sort("decision_date", "response_id", nulls_last=True)
        .collect(engine="in-memory")
    )
    referenced = rows.filter(pl.col("regulator_reference").is_not_null()).unique(
        ["regulator_reference", "authority_id", "technology_id"], keep="first", maintain_order=True
    )
    rows = pl.concat([referenced, rows.filter(pl.col("regulator_reference").is_null())]).sort(
        "decision_date", "response_id", nulls_last=True
    )
    read = {text: regulator_outcome(text) for text in rows.get_column("decision_outcome").unique().to_list()}
    return rows.with_columns(
        regulator_outcome=pl.col("decision_outcome").replace_strict(
            {text: (outcome.value if outcome else None) for text, outcome in read.items()}, return_dtype=pl.String
        ),
        exemptions=pl.col("exemptions").list.unique().list.sort(),
        law=law_expr("exemptions"),
    )


def _decision_text(row: dict) -> str:
    """One decision as a list item: "Police Scotland's answer not upheld (2016-04-27, Decision 092/2016)"."""
    words = DECISION_WORDS[row["regulator_outcome"]]
    if row["regulator_outcome"] is None:
        words = f"{words} ('{row['decision_outcome']}')"
    return f"{row['authority_label']}'s answer {words} ({_when(row)})"


def _when(row: dict) -> str:
    """The decision's date at its precision, and its reference when it has one."""
    return row["decision_day"] + (f", {row['regulator_reference']}" if row["regulator_reference"] else "")


#: What the regulator did, as the verb of a sentence about one answer ("The regulator {verb} X's answer{tail}").
_VERBS: dict[str, tuple[str, str]] = {
    RegulatorOutcome.ANSWER_UPHELD.value: ("upheld", ""),
    RegulatorOutcome.ANSWER_UPHELD_IN_PART.value: ("upheld", " in part"),
    RegulatorOutcome.ANSWER_NOT_UPHELD.value: ("did not uphold", ""),
}


def _codes_text(codes: list[str]) -> str:
    return " + ".join(codes) if codes else "no exemption"


@register("regulator_consistency", "The regulator decided differently on the same question", "map")
def regulator_consistency(inputs: AnalysisInputs, as_of: dt.date | None, params: CheckParams) -> pl.DataFrame:
    """Per technology: the regulator's decisions on answers about it, and the decisions it contradicted.

    Method, as of the as-of date (default today). ``decisions`` gives the regulator's decisions known by
    then, each read as the answer upheld, upheld in part or not upheld (``mosaic.normalise.decisions``;
    "Complaint upheld" is the answer *not* upheld). Decisions are compared within one technology and one
    law (FOIA and the EIR go to the ICO, FOISA to the Scottish Commissioner). The exemptions two decisions
    share are those both answers cited.

    Findings:

    * one per technology with two or more decisions (``technology`` scope): every decision in date order,
      and whether the outcomes differ; ``notable`` when they differ and every answer cited a common
      exemption (the same question on the same grounds, decided both ways), else ``info``;
    * one per decision that another decision contradicts (``response`` scope, on the decided answer):
      the other decisions on the same technology and law whose outcome differs and whose answer shares
      an exemption with it; ``notable``.

    A decision whose outcome cannot be read is listed, never counted as agreeing or differing.
    """
    cutoff = params.map_as_of(as_of)
    found = decisions(inputs, as_of, params)
    if found.height < 2:
        return empty_findings()
    found = found.with_columns(
        decision_day=date_text(pl.col("decision_date"), pl.col("decision_date_precision")),
        __in_focus=params.focus(),  # every decision is compared; only those in the focus get a finding
        __item=evidence_item(
            grade_expr(pl.col("source_type"), pl.lit(False)),
            "regulator_decision",
            EvidenceRelation.EXACT.value,
            date="decision_date",
        ).struct.with_fields(
            date_precision=pl.col("decision_date_precision").cast(pl.Categorical()),
            outcome=pl.col("regulator_outcome").fill_null("unread").cast(pl.Categorical()),
        ),
    )
    technology_rows, response_rows = [], []
    for (technology_id, law), group in found.group_by("technology_id", "law", maintain_order=True):
        if group.height < 2:
            continue
        records = group.to_dicts()
        under = "" if law == "foia" else f" under {LAW_NAMES.get(law, law)}"
        read = [r for r in records if r["regulator_outcome"] is not None]
        outcomes = {r["regulator_outcome"] for r in read}
        cited = [set(r["exemptions"]) for r in records if r["exemptions"]]
        shared = sorted(set.intersection(*cited)) if cited and len(cited) == len(records) else []
        differ = len(outcomes) > 1
        if differ:
            verdict = "with different outcomes"
        elif len(read) >= 2:
            every = "both" if len(read) == 2 else f"all {len(read)}"
            readable = "" if len(read) == len(records) else " whose outcome can be read"
            verdict = f"the answer {DECISION_WORDS[read[0]['regulator_outcome']]} in {every}{readable}"
        elif read:
            verdict = "only one with an outcome mosaic can read"
        else:
            verdict = "none with an outcome mosaic can read"
        grounds = f"answers all citing {_codes_text(shared)}" if shared else "answers citing different exemptions"
        shown = records[: params.evidence_limit]
        more = f"; and {len(records) - len(shown)} more" if len(records) > len(shown) else ""
        summary = (
            f"The regulator decided {len(records)} complaints about answers on {records[0]['technology_label']}{under} "
            f"({grounds}), {verdict}: " + "; ".join(_decision_text(r) for r in shown) + more + "."
        )
        technology_rows.append(
            {
                "technology_id": technology_id,
                "technology_label": records[0]["technology_label"],
                "severity": (Severity.NOTABLE if differ and shared else Severity.INFO).value,
                "summary": summary,
                "decisions": len(records),
                "upheld": sum(r["regulator_outcome"] == RegulatorOutcome.ANSWER_UPHELD for r in records),
                "upheld_in_part": sum(
                    r["regulator_outcome"] == RegulatorOutcome.ANSWER_UPHELD_IN_PART for r in records
                ),
                "not_upheld": sum(r["regulator_outcome"] == RegulatorOutcome.ANSWER_NOT_UPHELD for r in records),
                "items": [r["__item"] for r in shown],
            }
        )
        # Decisions with the same outcome and the same exemptions contradict the same others: each such
        # kind is compared with the other kinds once. Comparing decision with decision took 33 s at ten
        # million answers (40,000 decisions, 3,600 on one technology); the sentence's list is made once a kind.
        kinds: dict[tuple[str, frozenset[str]], list[int]] = {}
        contradictions: list[tuple[int, dict]] = []
        for index, record in enumerate(read):
            kinds.setdefault((record["regulator_outcome"], frozenset(record["exemptions"])), []).append(index)
        for (outcome, codes), members in kinds.items():
            against = [kind for kind in kinds if kind[0] != outcome and kind[1] & codes]
            members = [i for i in members if read[i]["__in_focus"]]
            if not against or not members:
                continue
            others = [read[i] for i in sorted(i for kind in against for i in kinds[kind])]
            common = sorted(codes.intersection(*(kind[1] for kind in against)))
            on = f"answers also citing {_codes_text(common)}" if common else "answers sharing an exemption with it"
            listed = others[: params.evidence_limit - 1]
            rest = f"; and {len(others) - len(listed)} more" if len(others) > len(listed) else ""
            contradicted = (
                f"but decided otherwise on {len(others)} other {'answer' if len(others) == 1 else 'answers'} on the "
                f"same technology ({on}): " + "; ".join(_decision_text(o) for o in listed) + rest + "."
            )
            listed_items = [o["__item"] for o in listed]
            for index in members:
                record = read[index]
                contradictions.append(
                    (
                        index,
                        {
                            "response_id": record["response_id"],
                            "summary": (
                                f"The regulator {_VERBS[outcome][0]} {record['authority_label']}'s answer{_VERBS[outcome][1]} "
                                f"on {record['technology_label']}{under} citing {_codes_text(record['exemptions'])} "
                                f"({_when(record)}), {contradicted}"
                            ),
                            "others": len(others),
                            "items": [record["__item"], *listed_items],
                        },
                    )
                )
        response_rows += [row for _, row in sorted(contradictions, key=lambda pair: pair[0])]  # in date order
    return _findings(found, technology_rows, response_rows, cutoff)


def _findings(
    found: pl.DataFrame, technology_rows: list[dict], response_rows: list[dict], cutoff: dt.date
) -> pl.DataFrame:
    """The findings frame from the rows worked out above (identity columns from the decided answers)."""
    item_dtype = found.schema["__item"]
    frames = []
    if technology_rows:
        rows = pl.DataFrame(
            technology_rows,
            schema={
                "technology_id": pl.String, "technology_label": pl.String, "severity": pl.String, "summary": pl.String,
                "decisions": pl.Int64, "upheld": pl.Int64, "upheld_in_part": pl.Int64, "not_upheld": pl.Int64,
                "items": pl.List(item_dtype),
            },
        )  # fmt: skip
        frames.append(
            rows.select(
                *technology_columns("regulator_consistency", FindingScope.TECHNOLOGY, cutoff),
                "severity",
                metrics_struct(
                    decisions=pl.col("decisions"),
                    decisions_upheld=pl.col("upheld"),
                    decisions_upheld_in_part=pl.col("upheld_in_part"),
                    decisions_not_upheld=pl.col("not_upheld"),
                ),
                pl.col("items").alias("evidence"),
                "summary",
            )
        )
    if response_rows:
        rows = pl.DataFrame(
            response_rows,
            schema={"response_id": pl.String, "summary": pl.String, "others": pl.Int64, "items": pl.List(item_dtype)},
        )
        subjects = found.drop("__item", "__in_focus").join(rows, on="response_id")
        frames.append(
            subjects.select(
                *subject_columns("regulator_consistency", FindingScope.RESPONSE, cutoff),
                pl.lit(Severity.NOTABLE.value).alias("severity"),
                metrics_struct(decisions_differing=pl.col("others")),
                pl.col("items").alias("evidence"),
                "summary",
            )
        )
    return pl.concat(frames, how="diagonal_relaxed") if frames else empty_findings()
