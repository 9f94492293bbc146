"""Read a regulator's decision notice (UK ICO, and the Scottish Information Commissioner) into one response.

A notice yields one row: the authority's answer (its dates, outcome and exemptions, as the notice reports
them) with the regulator's fields filled. ICO notices are numbered paragraphs under standard headings
("Decision (including any steps ordered)", "Request and response", "Scope of the case", "Reasons for
decision", "Right of appeal"); the Scottish Commissioner's use "Summary", "Background", "Investigation",
"Commissioner's analysis and findings", "Decision", "Appeal". Dates are read in prose ("On 11 June 2024,
the complainant wrote to ...", "responded on 5 July 2024").

The regulator's outcome is a ``RegulatorOutcome`` (stored in ``decision_outcome``; named for the answer,
never for the complaint, whose "upheld" means the opposite):

* ``answer_upheld``: the regulator accepted the authority's position on every exemption it decided, and ordered
  no step;
* ``answer_upheld_in_part``: it accepted some exemptions and rejected others, or accepted one and still ordered
  a step;
* ``answer_not_upheld``: it rejected the authority's position and/or ordered a step (such as "confirm or deny
  whether it holds the requested information" within 35 calendar days).

The detail is kept as extra columns: ``regulator_upheld``, ``regulator_not_upheld``,
``regulator_not_considered`` (exemption codes, e.g. ``s24(2)``; ``s31(3)`` when the ICO "has not gone on
to consider" it), ``regulator_steps`` (the steps as written), ``regulator_step_days`` and
``complaint_date``.

The technology is the most specific one the request names: a notice that sums a request up by its
category ("facial recognition technology") but sets out the request naming a product ("Amazon
Rekognition") records the product. A placeholder reference (``IC-000000-X0X0``) is no reference.
"""

from __future__ import annotations

import re

import polars as pl

from mosaic.extract.fields import (
    HIGH,
    LOW,
    MEDIUM,
    Extraction,
    Found,
    authority_by_mentions,
    citations,
    codes_in,
    date_near,
    distinct_citations,
    find_dates,
    is_placeholder_reference,
    labelled_authority,
    narrowest_named,
    placeholder_found,
    sections,
    split_sentences,
    technology_from,
    valid_date,
)
from mosaic.extract.text import Paragraph
from mosaic.normalise.outcomes import classify_outcomes
from mosaic.schema import RegulatorOutcome

CORE_FIELDS = ("authority", "technology", "decision_date", "decision_outcome", "outcome")

ICO_KIND = "ico_decision_notice"
SCOTTISH_KIND = "scottish_decision_notice"

_ICO_HEADINGS = {
    "decision": re.compile(r"decision\s*\(including\s+any\s+steps\s+ordered\)|decision", re.IGNORECASE),
    "request": re.compile(r"(?:the\s+)?request\s+and\s+response|background", re.IGNORECASE),
    "scope": re.compile(r"scope\s+of\s+the\s+case|investigation", re.IGNORECASE),
    "reasons": re.compile(
        r"reasons\s+for\s+decision|commissioner['\u2019]?s\s+analysis(?:\s+and\s+findings)?|analysis", re.IGNORECASE
    ),
    "summary": re.compile(r"summary", re.IGNORECASE),
    "statutory": re.compile(r"relevant\s+statutory\s+provisions", re.IGNORECASE),
    "other": re.compile(r"other\s+matters|procedural\s+matters", re.IGNORECASE),
    "appeal": re.compile(r"right\s+of\s+appeal|appeal|enforcement|signed", re.IGNORECASE),
}

_ICO_REFERENCE = re.compile(r"\b(?:IC-\d{5,7}-[A-Z0-9]{4}|FS5\d{7}|FER0\d{6})\b")
"""ICO case references; ``IC-000000-X0X0`` and the like match too and are then set aside as placeholders."""
_SCOTTISH_REFERENCE = re.compile(r"\bDecision(?:\s+Notice)?\s+(\d{1,4}/\d{4})\b", re.IGNORECASE)
_DATE_LABEL = re.compile(r"\b(?:date\s+of\s+decision|decision\s+date|date)\s*:\s*", re.IGNORECASE)

_REQUEST = re.compile(
    r"\b(?:wrote\s+to|requested|made\s+(?:a|the\s+following)\s+request|made\s+an?\s+information\s+request|submitted\s+a\s+request|asked)\b",
    re.IGNORECASE,
)
_RESPONSE = re.compile(
    r"\b(?:responded|replied|provided\s+(?:its|a)\s+response|issued\s+(?:its|a)\s+(?:response|refusal\s+notice))\b",
    re.IGNORECASE,
)
_REVIEW = re.compile(
    r"\binternal\s+review\b|\boutcome\s+of\s+its\s+review\b|\brequiring\s+a\s+review\b|\breview\s+outcome\b",
    re.IGNORECASE,
)
_REVIEW_RESULT = re.compile(
    r"\bmaintained\b|\bupheld\s+its\b|\bconfirmed\s+its\b|\brevised\b|\boverturned\b|\bchanged\s+its\s+position\b|\bsubstituted\b|\bwithout\s+(?:any\s+)?modification\b|\bwith\s+modification\b",
    re.IGNORECASE,
)
_REVIEW_DONE = re.compile(
    r"\boutcome\s+of\s+(?:its|the)\s+(?:internal\s+)?review\b|\bwrote\s+to\s+the\s+(?:complainant|applicant)\b|\bnotified\s+the\s+(?:complainant|applicant)\b|\breview\s+(?:response|outcome|result)\b",
    re.IGNORECASE,
)
_COMPLAINT = re.compile(
    r"\b(?:contacted|complained\s+to|applied\s+to|wrote\s+to)\s+the\s+Commissioner\b|\bcomplaint\s+to\s+the\s+Commissioner\b",
    re.IGNORECASE,
)

_UPHELD = re.compile(
    r"\b(?:was|is|were)\s+entitled\s+to\b|\bcorrectly\s+(?:relied|applied|cited|refused)\b|\b(?:was|is)\s+engaged\b|\bcomplied\s+with\s+part\s+1\b"
    r"|\bpublic\s+interest\s+(?:favours|lies\s+in)\s+maintaining\b"
    # the Scottish Commissioner's summaries: "The Commissioner accepted that ...", "agreed that responding
    # ... would exceed £600", "found that Tayside Police acted in accordance with Part 1 of FOISA"
    r"|\bCommissioner\s+(?:\w+\s+){0,2}(?:accepted|agreed)\s+that\b|\bacted\s+in\s+accordance\s+with\s+part\s+1\b",
    re.IGNORECASE,
)
_NOT_UPHELD = re.compile(
    r"\b(?:was|is|were)\s+not\s+entitled\s+to\b|\bincorrectly\s+(?:relied|applied|cited)\b|\b(?:was|is)\s+not\s+engaged\b|\bcannot\s+rely\b"
    r"|\bfailed\s+to\s+(?:comply|provide|meet|respond)\b|\bwrongly\s+(?:relied|applied)\b"
    # "did not fully meet their duty to provide ... advice and assistance", "section 35(1) ... did not apply",
    # "was not satisfied that the Police were entitled to refuse"
    r"|\bdid\s+not\s+(?:fully\s+)?meet\s+(?:their|its|the)\s+duty\b|\bdid\s+not\s+apply\b"
    r"|\bnot\s+satisfied\s+that\b[^.]{0,80}\bentitled\b",
    re.IGNORECASE,
)
#: A cost-limit refusal described in prose ("would exceed the £600 cost limit", "excessive cost"): FOIA or
#: FOISA section 12 even where no section is cited. ``?600`` is how some stored pages spell £600.
_COST_LIMIT = re.compile(
    r"[£?]\s?(?:450|600)\b|\bcosts?\s+(?:threshold|limit)\b|\bexcessive\s+cost\b|\bexceed\w*\s+(?:the\s+)?(?:statutory\s+maximum|appropriate\s+limit)\b",
    re.IGNORECASE,
)
#: A sentence giving the Commissioner's own view, not the authority's answer (cited sections there are not
#: what the authority relied on). Findings that report which section the authority used are kept.
_CLAUSE_BREAK = re.compile(r",?\s+but\s+|;\s+|\.\s+However,?\s+", re.IGNORECASE)
_COMMISSIONER_SPEAKS = re.compile(
    r"\bCommissioner['\u2019]?s?\s+(?:decision|finds|considers|has\s+not)\b", re.IGNORECASE
)
# "has not gone on to consider", "did not need to consider", "has therefore not considered", "has not
# deemed it necessary to consider", "has not found it necessary to consider", "it is not necessary to
# consider", "need not consider", "there is no need to consider": the exemption was not decided.
_GO_ON = r"(?:go(?:ne)?\s+on\s+to\s+|proceed(?:ed)?\s+to\s+)?"
_NOT_CONSIDERED = re.compile(
    r"\b(?:has|have|had|did|does|do|will|would)\s+(?:(?:therefore|thus|so|accordingly|also|further)\s+)?not\s+(?:(?:therefore|thus|so|accordingly)\s+)?"
    rf"(?:{_GO_ON}|need(?:ed|s)?\s+to\s+{_GO_ON}|(?:deemed|found|considered|thought|felt)\s+it\s+(?:necessary|appropriate|needful)\s+to\s+{_GO_ON})consider(?:ed)?\b"
    rf"|\b(?:not|un)\s*(?:necessary|required|needed)\s+(?:for\s+(?:him|her|them|the\s+Commissioner)\s+)?to\s+{_GO_ON}consider\b"
    rf"|\bneed\s+not\s+{_GO_ON}consider\b|\bno\s+(?:need|requirement)\s+(?:for\s+(?:him|her|them|the\s+Commissioner)\s+)?to\s+{_GO_ON}consider\b",
    re.IGNORECASE,
)
_NO_STEPS = re.compile(
    r"\bdoes\s+not\s+require\b[^.]{0,60}\bsteps\b|\bno\s+(?:further\s+)?(?:action|steps)\s+(?:is|are)\s+required\b|\bdoes\s+not\s+require\s+(?:the\s+\w+\s+)?to\s+take\s+any\s+(?:further\s+)?(?:action|steps)\b",
    re.IGNORECASE,
)
_STEPS_INTRO = re.compile(
    r"\brequires?\s+the\s+[\w\s]{0,40}?\s+to\s+(?:take\s+the\s+following\s+steps|(?=confirm|issue|disclose|provide|respond))",
    re.IGNORECASE,
)
_STEP_DAYS = re.compile(r"\bwithin\s+(\d{1,3})\s+(?:calendar\s+|working\s+)?days\b", re.IGNORECASE)
_STEP_BY_DATE = re.compile(r"\bby\s+(\d{1,2}\s+\w+\s+\d{4})\b")


def notice_kind(paragraphs: list[Paragraph]) -> str | None:
    """``ico_decision_notice``, ``scottish_decision_notice`` or None (not a decision notice)."""
    head = " ".join(p.text for p in paragraphs[:25])
    if re.search(r"Scottish\s+Information\s+Commissioner|FOI\s*\(S\)\s*A|FOISA", head) and _SCOTTISH_REFERENCE.search(
        head
    ):
        return SCOTTISH_KIND
    if re.search(r"\bDecision\s+notice\b", head, re.IGNORECASE) and (
        re.search(r"Public\s+Authority\s*:", head, re.IGNORECASE)
        or re.search(r"Commissioner['\u2019]s\s+decision", head)
        or _ICO_REFERENCE.search(head)
    ):
        return ICO_KIND
    return None


def extract_notice(paragraphs: list[Paragraph], extraction: Extraction) -> Extraction:
    """Fill ``extraction`` with a decision notice's fields (see the module docstring)."""
    extraction.core = CORE_FIELDS
    scottish = extraction.kind == SCOTTISH_KIND
    parts = sections(paragraphs, _ICO_HEADINGS)
    head = parts.get("", [])[:15] or paragraphs[:15]
    decision = parts.get("decision", [])
    request = parts.get("request", [])
    scope = parts.get("scope", [])
    summary = parts.get("summary", [])[:4]
    early = [*head, *summary, *decision[:3]]

    extraction.add(_reference(paragraphs, scottish), "regulator_reference")
    extraction.add(_decision_date(head), "decision_date")
    label = re.compile(r"\b(?:Public\s+)?Authority\s*:\s*", re.IGNORECASE)
    extraction.add(labelled_authority(head, label) or authority_by_mentions(paragraphs), "authority")

    narrative = request or paragraphs
    request_paragraphs = [p for p in narrative if _REQUEST.search(p.text) and find_dates(p.text)]
    extraction.add(date_near(request_paragraphs[:1], _REQUEST, "request_date", window=200), "request_date")
    response_paragraphs = [p for p in narrative if _RESPONSE.search(p.text) and not _REVIEW.search(p.text)]
    extraction.add(date_near(response_paragraphs, _RESPONSE, "response_date"), "response_date")
    review_paragraphs = [p for p in narrative if _REVIEW.search(p.text) and find_dates(p.text)]
    review_result = [
        p
        for p in review_paragraphs
        if _REVIEW_RESULT.search(p.text)
        or re.search(r"outcome\s+of\s+its\s+review|review\s+outcome", p.text, re.IGNORECASE)
    ]
    review_date = date_near(review_result, _REVIEW_DONE, "review_date", window=200) or date_near(
        review_result or review_paragraphs[-1:], _REVIEW, "review_date", window=200
    )
    extraction.add(review_date, "review_date")
    extraction.add(_review_outcome(review_paragraphs), "review_outcome")
    extraction.add(date_near([*scope, *narrative], _COMPLAINT, "complaint_date", window=120), "complaint_date")

    asked = [
        *request_paragraphs[:1],
        *[p for p in narrative if p.text.lstrip().startswith(('"', "\u201c", "'", "\u2018"))],
        *early,
    ]
    # The request set out as items rather than a quotation still names what was asked: a product named
    # there wins over the category of the summary (not one named in the regulator's reasoning).
    request_text = [*asked, *request] if request else asked
    technology = narrowest_named(technology_from(asked, HIGH), request_text, HIGH) or technology_from(
        paragraphs, MEDIUM
    )
    extraction.add(technology, "technology")

    answer_sources = [*response_paragraphs, *early, *review_paragraphs]
    extraction.add(_authority_answer(answer_sources), "outcome")
    extraction.add(_relied_on(answer_sources, scottish), "exemptions")

    for found in _regulator_decision([*decision, *summary] or paragraphs, scottish):
        extraction.add(found, found.name)
    return extraction


def _reference(paragraphs: list[Paragraph], scottish: bool) -> Found | None:
    if scottish:
        for p in paragraphs[:20]:
            match = _SCOTTISH_REFERENCE.search(p.text)
            if match:
                return Found("regulator_reference", f"Decision {match.group(1)}", HIGH, p.where)
        return None
    seen: dict[str, str] = {}
    placeholder: Found | None = None
    for p in paragraphs:
        for match in _ICO_REFERENCE.finditer(p.text):
            if is_placeholder_reference(match.group(0)):  # a template's IC-000000-X0X0 is no reference
                placeholder = placeholder or placeholder_found("regulator_reference", match.group(0), p.where)
                continue
            seen.setdefault(match.group(0), p.where)
    if not seen:
        return placeholder
    if len(seen) > 1:
        return Found(
            "regulator_reference", None, LOW, next(iter(seen.values())), note=f"several references: {', '.join(seen)}"
        )
    reference, where = next(iter(seen.items()))
    return Found("regulator_reference", reference, HIGH, where)


def _decision_date(head: list[Paragraph]) -> Found | None:
    for p in head:
        match = _DATE_LABEL.search(p.text)
        if not match:
            continue
        dates = [d for d, at in find_dates(p.text) if at >= match.end() - 1 and valid_date(d)]
        if dates:
            return Found("decision_date", dates[0], HIGH, p.where)
    return None


def _review_outcome(review_paragraphs: list[Paragraph]) -> Found | None:
    for p in review_paragraphs:
        for sentence in split_sentences(p.text):
            match = _REVIEW_RESULT.search(sentence)
            if match:
                word = match.group(0).lower()
                value = (
                    "revised"
                    if word in ("revised", "overturned", "changed its position", "substituted", "with modification")
                    else "maintained"
                )
                return Found("review_outcome", f"{value}: {sentence}", HIGH, p.where)
    if review_paragraphs:
        return Found(
            "review_outcome",
            None,
            LOW,
            review_paragraphs[0].where,
            note="an internal review is mentioned but its result is not stated",
        )
    return None


_ANSWER = re.compile(
    r"\bneither\s+confirm\s+nor\s+deny\b|\brefused\s+to\s+confirm\s+or\s+deny\b|\bNCND\b|\bconfirm\s+or\s+deny\b"
    r"|\bnot\s+held\b|\bdid\s+not\s+hold\b|\brefused\b|\bwithheld\b|\bdisclosed\b|\bprovided\s+(?:some|the|part)\b",
    re.IGNORECASE,
)


def _authority_answer(paragraphs: list[Paragraph]) -> Found | None:
    """The sentence reporting what the authority answered ("It refused to confirm or deny ..., citing ...")."""
    for p in paragraphs:
        for sentence in split_sentences(p.text):
            if re.search(r"\bCommissioner\b", sentence) and not re.search(
                r"\bthe\s+public\s+authority\b|\bthe\s+Authority\b\s+(?:refused|responded)", sentence
            ):
                continue
            if not _ANSWER.search(sentence):
                continue
            result = classify_outcomes(pl.Series([sentence]))
            outcome, issue = result.item(0, "outcome"), result.item(0, "issue")
            if outcome in ("other", "unknown"):
                continue
            return Found("outcome", sentence, HIGH if issue is None else MEDIUM, p.where)
    return None


def _relied_on(paragraphs: list[Paragraph], scottish: bool) -> Found | None:
    """The exemptions the authority relied on, as cited in the paragraphs reporting its answer."""
    spans: list[str] = []
    where = None
    for p in paragraphs:
        for sentence in split_sentences(p.text):
            if _COMMISSIONER_SPEAKS.search(sentence):
                continue
            found = citations(sentence, "FOISA" if scottish else "")
            if _COST_LIMIT.search(sentence) and not any(re.search(r"\b12\b", span) for span in found):
                found = [*found, "section 12"]
            if found and where is None:
                where = p.where
            spans.extend(s for s in found if s not in spans)
    if not spans:
        return None
    spans = distinct_citations(spans, "FOISA" if scottish else "")
    text = "; ".join(spans)
    return Found("exemptions", f"FOISA {text}" if scottish else text, HIGH, where)


def _codes(sentence: str, scottish: bool) -> list[str]:
    """The codes a sentence cites, plus section 12 where it describes a cost-limit refusal in prose."""
    codes = codes_in(f"{sentence} (FOISA)" if scottish else sentence)
    if _COST_LIMIT.search(sentence):
        cost = "foisa_s12" if scottish else "s12"
        codes = codes if any(c.startswith(cost) for c in codes) else [*codes, cost]
    return codes


def _regulator_decision(paragraphs: list[Paragraph], scottish: bool) -> list[Found]:
    """What the regulator decided: exemptions upheld, not upheld, not considered; steps; the outcome."""
    upheld: list[str] = []
    rejected: list[str] = []
    skipped: list[str] = []
    steps: list[str] = []
    no_steps = False
    where = paragraphs[0].where if paragraphs else None
    in_steps = False
    days: str | None = None
    for p in paragraphs:
        for sentence in split_sentences(p.text):
            if _NO_STEPS.search(sentence):
                no_steps = True
                continue
            if _NOT_CONSIDERED.search(sentence):
                # "... entitled to rely on s24(2) ... has not gone on to consider s31(3)": split at the cue.
                cut = _NOT_CONSIDERED.search(sentence).start()
                head_codes = _codes(sentence[:cut], scottish)
                skipped += [c for c in _codes(sentence[cut:], scottish) if c not in skipped]
                if _UPHELD.search(sentence[:cut]):
                    upheld += [c for c in head_codes if c not in upheld]
                continue
            # A finding that names no exemption (a failed duty to advise, "acted in accordance with Part 1")
            # still counts, as "(part 1)": it decides the outcome but is not an exemption code. "accepted
            # that ... would exceed the costs threshold, but found that ... had failed to" holds two
            # findings: each clause is read on its own.
            for clause in _CLAUSE_BREAK.split(sentence):
                clause_codes = _codes(clause, scottish)
                if _NOT_UPHELD.search(clause):
                    rejected += [c for c in clause_codes or ["(part 1)"] if c not in rejected]
                elif _UPHELD.search(clause):
                    upheld += [c for c in clause_codes or ["(part 1)"] if c not in upheld]
            intro = _STEPS_INTRO.search(sentence)
            if intro:
                in_steps = True
                rest = re.sub(
                    r"^to\s+ensure\s+compliance\s+with\s+the\s+legislation\.?", "", sentence[intro.end() :].strip(" :")
                ).strip(" :")
                if rest:
                    steps.append(rest)
                continue
            if in_steps:
                if re.search(
                    r"\bmust\s+take\s+these\s+steps\b|\bfailure\s+to\s+comply\b|\bcontempt\b", sentence, re.IGNORECASE
                ):
                    in_steps = False
                elif not _STEP_DAYS.search(sentence):
                    steps.append(re.sub(r"^[\-\u2022\u2013*]\s*", "", sentence))
            match = _STEP_DAYS.search(sentence) or _STEP_BY_DATE.search(sentence)
            if match and (steps or in_steps) and days is None:
                days = match.group(1)
    upheld = [c for c in upheld if c not in rejected]
    found: list[Found] = []

    def codes_field(name: str, codes: list[str]) -> None:
        real = [c for c in codes if not c.startswith("(")]
        if real:
            found.append(Found(name, ", ".join(real), HIGH, where))

    codes_field("regulator_upheld", upheld)
    codes_field("regulator_not_upheld", rejected)
    codes_field("regulator_not_considered", skipped)
    if steps:
        found.append(Found("regulator_steps", " ".join(steps), HIGH, where))
        if days:
            found.append(Found("regulator_step_days" if days.isdigit() else "regulator_step_by", days, HIGH, where))
    ordered = bool(steps) and not no_steps
    if upheld and not rejected and not ordered:
        outcome = RegulatorOutcome.ANSWER_UPHELD.value
    elif upheld and (rejected or ordered):
        outcome = RegulatorOutcome.ANSWER_UPHELD_IN_PART.value
    elif rejected or ordered:
        outcome = RegulatorOutcome.ANSWER_NOT_UPHELD.value
    else:
        found.append(
            Found(
                "decision_outcome", None, LOW, where, note="the decision section states no finding this tool recognises"
            )
        )
        return found
    found.append(Found("decision_outcome", outcome, HIGH if (upheld or rejected) else MEDIUM, where))
    return found


__all__ = ["ICO_KIND", "SCOTTISH_KIND", "extract_notice", "notice_kind"]
