"""Read an authority's response letter (or a disclosure-log page) into one response's fields.

What is looked for, and the cue that finds it:

=====================  ====================================================================  ==========
field                  cue                                                                   confidence
=====================  ====================================================================  ==========
authority              names in the letterhead/signature (x3) and the body; clear leader     high/medium
request_id             "Our ref:", "FOI reference:", "Reference No:"...                      high
request_date           a date near "request ... dated / received on", "you asked on"         high
response_date          a "Date:" / "Date of response:" line, else a date alone near the top   high/medium
technology             taxonomy names and aliases in the text before the answer              high
                       (anywhere else: medium)
outcome                a labelled line ("Outcome: Refused - exempt"), else the answer        high/medium
                       sentences (NCND, not held, covert/overt, disclosed...), both
                       classified by ``normalise.outcomes`` (no rules of its own)
exemptions             the citations in the answer and exemption paragraphs                  high
harm_statement         paragraphs under a "Harm" heading ("Evidence of Harm", "Overall       high/medium
                       Harm"), else body paragraphs arguing harm
public_interest_...    paragraphs under "Public Interest Test", "Factors favouring/against",  high
                       "Balance test"
=====================  ====================================================================  ==========

The outcome text kept is the letter's own sentences, so ``mosaic ingest`` classifies them with the same
rules as a spreadsheet cell ("not held (overt) ... NCND (covert)" becomes ``ncnd_partial``).
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
    date_near,
    distinct_citations,
    find_dates,
    is_heading,
    reference_in,
    split_sentences,
    technology_from,
    valid_date,
)
from mosaic.extract.text import Paragraph
from mosaic.normalise.exemptions import exemption_codes
from mosaic.normalise.outcomes import classify_outcome_rows, classify_outcomes

CORE_FIELDS = ("authority", "technology", "response_date", "outcome")

_HARM_HEADING = re.compile(
    r"^(?:(?:evidence|overall|statement|likelihood|risk)\s+of\s+harm|(?:overall\s+)?harm\b.*|.*\bharm(?:s)?\s*(?:test|statement)?)$",
    re.IGNORECASE,
)
_PI_HEADING = re.compile(
    r"^(?:public\s+interest\b.*|factors\s+(?:favouring|in\s+favour\s+of|against|for)\b.*|balanc(?:e|ing)(?:\s+test)?\b.*|.*\bpublic\s+interest\s+(?:test|considerations?))$",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"^(?:yours\s+(?:sincerely|faithfully)|kind\s+regards|regards|complaint\s+rights|your\s+right\s+to\s+complain.*|right\s+of\s+(?:review|appeal))\b",
    re.IGNORECASE,
)

_DISCLAIMER = re.compile(
    r"\bno\s+inference\b|\bshould\s+not\s+be\s+taken\s+as\s+an\s+indication\b|\bis\s+or\s+is\s+not\s+held\b",
    re.IGNORECASE,
)
_REQUEST_CUE = re.compile(
    r"\brequest(?:\s+for\s+information)?\b[^.]{0,80}?\b(?:dated|received|of|made|submitted|sent)\b|\byou\s+asked\b|\byour\s+(?:e-?mail|letter)\s+(?:dated|of|received)\b|\breceived\s+on\b",
    re.IGNORECASE,
)
_DATE_LABEL = re.compile(
    r"^(?:date(?:\s+of\s+(?:response|reply|letter|disclosure|publication))?|response\s+date|date\s+(?:responded|sent|published))\s*[:\-]?\s*",
    re.IGNORECASE,
)

_NCND = re.compile(
    r"\bneither\s+confirm\s+nor\s+deny\b|\bN\.?C\.?N\.?D\b|\b(?:cannot|can\s*not|will\s+not|unable\s+to)\s+confirm\s+or\s+deny\b|\bduty\s+to\s+confirm\s+or\s+deny\b[^.]{0,40}\b(?:does\s+not|do\s+not)\s+apply",
    re.IGNORECASE,
)
_NOT_HELD = re.compile(
    r"\b(?:does|do|did)\s+not\s+(?:hold|use|have|possess)\b|\bnot\s+held\b|\bholds?\s+no\b|\bno\s+(?:relevant\s+|recorded\s+)?information\s+(?:is\s+)?held\b|\bhas\s+never\s+used\b|\bis\s+not\s+used\b",
    re.IGNORECASE,
)
_NOT_ANSWER = re.compile(
    r"\bis\s+or\s+is\s+not\s+held\b|\bwhether\s+or\s+not\b|\bshould\s+not\s+be\s+taken\b|\bindication\b|\bif\s+(?:it|the\s+force)\b|\bwould\b",
    re.IGNORECASE,
)
_DISCLOSED = re.compile(
    r"\b(?:can|am\s+able\s+to|is\s+able\s+to|are\s+able\s+to)\s+confirm\s+that\b|\bplease\s+find\s+(?:attached|below|enclosed)\b|\bthe\s+(?:requested\s+)?information\s+is\s+(?:attached|provided|enclosed|below)\b|\bwe\s+(?:do\s+)?use\b",
    re.IGNORECASE,
)
_WITHHELD = re.compile(
    r"\b(?:is|are|has\s+been|have\s+been|being)\s+withheld\b|\bexempt\s+from\s+disclosure\b|\bheld\s+but\b",
    re.IGNORECASE,
)
_REFUSED = re.compile(
    r"\bexceed\w*\s+the\s+(?:appropriate|cost|fees?)\s+limit\b|\bvexatious\b|\bappropriate\s+limit\b", re.IGNORECASE
)
_SPLIT = re.compile(r"\b(?:overt|covert)(?:ly)?\b", re.IGNORECASE)


def extract_letter(paragraphs: list[Paragraph], extraction: Extraction) -> Extraction:
    """Fill ``extraction`` with a response letter's fields (see the module docstring)."""
    extraction.core = CORE_FIELDS
    body, harm, interest = _segments(paragraphs)
    top = paragraphs[:12]

    extraction.add(authority_by_mentions(paragraphs), "authority")
    extraction.add(reference_in(top) or reference_in(paragraphs), "request_id")
    extraction.add(date_near(paragraphs, _REQUEST_CUE, "request_date", window=160), "request_date")
    extraction.add(_response_date(paragraphs), "response_date")

    answer = _answer_sentences(body)
    labelled = _labelled_outcome(body)
    answer_start = min([p.index for _, p in answer] + ([labelled[1].index] if labelled else []), default=None)
    before_answer = [p for p in body if answer_start is None or p.index < answer_start]
    technology = technology_from(before_answer, HIGH) or technology_from(paragraphs, MEDIUM)
    extraction.add(technology, "technology")
    extraction.add(labelled[0] if labelled else _outcome(answer), "outcome")

    outcome = extraction.fields.get("outcome")
    classified = classify_outcomes(pl.Series([outcome.value])).item(0, "outcome") if outcome and outcome.kept else None
    # A plain "not held" or a disclosure needs no exemption, harm or public interest text: their absence
    # is then not worth an issue row.
    gives_reasons = classified not in ("not_held", "disclosed")

    def add_reason(found: Found | None, name: str) -> None:
        if found is not None or gives_reasons:
            extraction.add(found, name)

    cited_in = [p for p in body if answer and (p.index >= (answer_start or 0))] or body
    spans = [span for p in cited_in for span in citations(p.text)]
    spans = distinct_citations(list(dict.fromkeys(spans)))
    if spans:
        where = next(p.where for p in cited_in if citations(p.text))
        extraction.add(Found("exemptions", "; ".join(spans), HIGH, where))
    else:
        add_reason(None, "exemptions")

    add_reason(_statement("harm_statement", harm, body), "harm_statement")
    add_reason(_statement("public_interest_statement", interest, []), "public_interest_statement")
    return extraction


def _segments(paragraphs: list[Paragraph]) -> tuple[list[Paragraph], list[Paragraph], list[Paragraph]]:
    """Split the letter into body, harm-statement and public-interest paragraphs by their headings.

    The closing ("Yours sincerely", complaint rights) ends every section; what follows it is left out of
    all three, because the standard complaint-rights text cites sections (s50) that are not the answer.
    """
    body: list[Paragraph] = []
    harm: list[Paragraph] = []
    interest: list[Paragraph] = []
    section = "body"
    for paragraph in paragraphs:
        text = paragraph.text.strip().rstrip(":")
        if _CLOSING.match(text):
            section = "closing"
            continue
        short = len(text.split()) <= 10 and len(text) <= 90
        if is_heading(paragraph) or short and (_HARM_HEADING.match(text) or _PI_HEADING.match(text)):
            if short and _HARM_HEADING.match(text):
                section = "harm"
                continue
            if short and _PI_HEADING.match(text):
                section = "interest"
                continue
            if section in ("harm", "interest"):
                section = "body"
            if section == "closing":
                continue
            body.append(paragraph)
            continue
        if section in ("harm", "interest") and _DISCLAIMER.search(text):
            body.append(paragraph)  # the standard "no inference can be drawn" line closes, not argues
            continue
        {"body": body, "harm": harm, "interest": interest}.get(section, []).append(paragraph)
    return body, harm, interest


def _response_date(paragraphs: list[Paragraph]) -> Found | None:
    """The letter's date: a labelled "Date:" line anywhere (high), else a paragraph that is nothing but a
    date in the letterhead or the signature block (medium)."""
    top = paragraphs[:12] + [p for p in paragraphs[-8:] if p.index > 12]
    for paragraph in paragraphs:
        match = _DATE_LABEL.match(paragraph.text)
        if match:
            dates = [d for d, at in find_dates(paragraph.text) if valid_date(d)]
            if dates:
                return Found("response_date", dates[0], HIGH, paragraph.where)
    alone = []
    for paragraph in top:
        dates = find_dates(paragraph.text)
        if len(dates) == 1 and len(paragraph.text) <= len(dates[0][0]) + 12 and valid_date(dates[0][0]):
            alone.append((dates[0][0], paragraph))
    if len(alone) == 1:
        return Found("response_date", alone[0][0], MEDIUM, alone[0][1].where)
    if len(alone) > 1:
        shown = ", ".join(d for d, _ in alone)
        return Found(
            "response_date", None, LOW, alone[0][1].where, note=f"several dates stand alone near the top ({shown})"
        )
    return None


def _answer_sentences(body: list[Paragraph]) -> list[tuple[str, Paragraph]]:
    """The sentences that give the answer, in letter order: NCND, not held, covert/overt, disclosed,
    withheld or refused wording, skipping hypothetical and explanatory ones ("should not be taken as an
    indication that the information is or is not held")."""
    picked: list[tuple[str, Paragraph]] = []
    for paragraph in body:
        for sentence in split_sentences(paragraph.text):
            if _NCND.search(sentence):
                if re.search(
                    r"\bshould\s+not\s+be\s+taken\b|\bindication\b|\bwhen\s+(?:the|a)\s+(?:force|authority)\b",
                    sentence,
                    re.IGNORECASE,
                ):
                    continue
                picked.append((sentence, paragraph))
            elif _NOT_HELD.search(sentence) and not _NOT_ANSWER.search(sentence):
                picked.append((sentence, paragraph))
            elif _REFUSED.search(sentence) or _WITHHELD.search(sentence):
                picked.append((sentence, paragraph))
            elif _DISCLOSED.search(sentence) and not _NOT_ANSWER.search(sentence):
                picked.append((sentence, paragraph))
    return picked[:4]


_OUTCOME_LABEL = re.compile(
    r"^(?:outcome(?:\s+of\s+(?:the\s+|your\s+)?request)?|request\s+outcome|result|response\s+type|(?:request\s+)?status)\s*[:\-\u2013]\s*(?P<text>\S.{0,150})$",
    re.IGNORECASE,
)


def _labelled_outcome(body: list[Paragraph]) -> tuple[Found, Paragraph] | None:
    """An outcome stated on a labelled line ("Outcome: Refused - exempt", as disclosure logs print it),
    read by the shared outcome classifier with the exemptions the letter cites, exactly like the same
    spreadsheet cell; kept when the classifier recognises it."""
    codes = exemption_codes(" ".join(span for p in body for span in citations(p.text)))
    for paragraph in body:
        match = _OUTCOME_LABEL.match(paragraph.text.strip())
        if not match:
            continue
        text = match.group("text").strip().rstrip(".")
        result = classify_outcome_rows(pl.Series([text], dtype=pl.String), pl.Series([codes], dtype=pl.List(pl.String)))
        outcome, issue = result.item(0, "outcome"), result.item(0, "issue")
        if outcome in ("other", "unknown") or issue == "unrecognised_outcome":
            continue
        return Found("outcome", text, HIGH if issue is None else MEDIUM, paragraph.where), paragraph
    return None


def _outcome(answer: list[tuple[str, Paragraph]]) -> Found | None:
    """The answer sentences as outcome text, kept when the outcome classifier recognises them."""
    if not answer:
        return None
    text = " ".join(sentence for sentence, _ in answer)
    where = answer[0][1].where
    result = classify_outcomes(pl.Series([text]))
    outcome, issue = result.item(0, "outcome"), result.item(0, "issue")
    if outcome in ("other", "unknown") or issue == "unrecognised_outcome":
        return Found(
            "outcome", None, LOW, where, note=f"the answer sentences were not recognised as an outcome: {text[:120]!r}"
        )
    return Found("outcome", text, HIGH if issue is None else MEDIUM, where)


_HARM_WORDS = re.compile(r"\bharm\b|\bprejudice\w*\b|\bundermine\b|\bcompromise\b", re.IGNORECASE)
_ABOUT_ANSWERING = re.compile(r"\bconfirm\w*\b|\bdisclos\w*\b|\bdeny\w*\b", re.IGNORECASE)


def _statement(name: str, under_heading: list[Paragraph], body: list[Paragraph]) -> Found | None:
    """The statement's text: paragraphs under its heading (high), else body paragraphs arguing harm (medium)."""
    if under_heading:
        text = " ".join(p.text for p in under_heading)
        return Found(name, text, HIGH, under_heading[0].where)
    arguing = [p for p in body if _HARM_WORDS.search(p.text) and _ABOUT_ANSWERING.search(p.text) and len(p.text) > 120]
    if arguing:
        return Found(name, " ".join(p.text for p in arguing), MEDIUM, arguing[0].where)
    return None
