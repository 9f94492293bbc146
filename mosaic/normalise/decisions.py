"""Read what a regulator decided about an authority's answer from the decision outcome as given.

The result is a ``RegulatorOutcome`` (``answer_upheld``, ``answer_upheld_in_part``,
``answer_not_upheld``) or ``None`` when the text does not say, which the checks report as "an outcome
mosaic cannot read" rather than guess.

Why a reader of its own: the decision outcome is free text in a spreadsheet ("NCND upheld", "Confirm or
deny within 35 days", "NCND upheld under s24(2); s31(3) not considered") and its polarity is a trap. The
ICO records its finding per section of the Act as "Complaint upheld" or "Complaint not upheld" (for
example "FOI 10 - Complaint Upheld, FOI 17 - Complaint Upheld, FOI 21 - Complaint Not upheld"): the
complaint is the requester's, so "Complaint upheld" means the authority's answer was *not* upheld. So:

* "complaint upheld / not upheld / partly upheld" is read from the requester's side and turned round;
  where the ICO lists a finding per section, only the exemption sections (FOIA 12, 14, 21-44) say what
  became of the answer: a breach of s10 (late) or s17 (a poor refusal notice) is procedure, not a ruling
  on the exemption;
* "upheld" next to the answer's side (NCND, an exemption or section, the refusal, answer, response,
  position) is read as the answer's;
* "not entitled to", an order to confirm or deny, disclose or answer again, or "confirm or deny within N
  days" is the answer not upheld; "entitled to", "no steps", "dealt with ... in accordance with" is upheld;
  both kinds at once is upheld in part;
* a bare "Upheld" or "Not upheld" says nothing of whose position it was: ``None``, never a guess;
* the vocabulary's own codes read as themselves, and the codes earlier versions of the notice reader
  wrote with an unambiguous name (``not_upheld``, ``upheld_in_part``) read as those.
"""

from __future__ import annotations

import re
from functools import cache

from mosaic.schema import RegulatorOutcome

_CODES = {outcome.value: outcome for outcome in RegulatorOutcome} | {
    "not_upheld": RegulatorOutcome.ANSWER_NOT_UPHELD,
    "upheld_in_part": RegulatorOutcome.ANSWER_UPHELD_IN_PART,
}
_COMPLAINT = re.compile(
    r"(?:\b(?:foi|eir|foisa)\s*(?:s\.?\s*|section\s*|reg\.?\s*|regulation\s*)?(?P<section>\d+[a-z]?)\s*[-\u2013\u2014:]\s*)?"
    r"\bcomplaint\s+(?P<verdict>not\s+upheld|partly\s+upheld|partially\s+upheld|upheld\s+in\s+part|upheld)\b"
)
_ANSWER_SIDE = (
    r"(?:ncnd|neither\s+confirm\s+nor\s+deny|exemptions?|s\.?\s*\d+|sections?\s*\d+|refusal|answer|response|"
    r"position|reliance)"
)
_ANSWER_UPHELD = re.compile(rf"\b{_ANSWER_SIDE}\b[^.;]*?\bupheld\b|\bupheld\b[^.;]*?\b{_ANSWER_SIDE}\b")
_PART = re.compile(r"\b(?:upheld\s+in\s+part|partly\s+upheld|partially\s+upheld|in\s+part)\b")
_NOT = re.compile(r"\bnot\s+upheld\b|\bnot\s+entitled\b|\bwrongly\b|\bincorrectly\b|\bwas\s+not\s+engaged\b")
_ORDERED = re.compile(
    r"\b(?:confirm\s+or\s+deny\s+within|(?:order(?:ed|s)?|requir(?:ed|es?)|must|to\s+issue)\b[^.;]{0,60}?"
    r"\b(?:confirm\s+or\s+deny|disclose|fresh\s+response|new\s+response|comply|revised\s+review))\b"
)
_ACCEPTED = re.compile(
    r"(?<!not\s)\b(?:entitled\s+to|no\s+steps|not\s+require[sd]?\b[^.;]{0,40}\bsteps|in\s+accordance\s+with|correctly\s+"
    r"(?:relied|applied|withheld|cited)|properly\s+(?:relied|applied|cited)|was\s+engaged)\b"
)
#: FOIA sections that are exemptions (or the cost and vexatious refusals), not procedure (s1, s10, s16, s17).
_EXEMPTION_SECTIONS = frozenset({12, 14, *range(21, 45)})


@cache
def regulator_outcome(text: str | None) -> RegulatorOutcome | None:
    """The ``RegulatorOutcome`` a decision outcome as given states, or ``None`` when it does not say.

    >>> [regulator_outcome(t) for t in ("NCND upheld", "Confirm or deny within 35 days", "Upheld")]
    [<RegulatorOutcome.ANSWER_UPHELD: 'answer_upheld'>, <RegulatorOutcome.ANSWER_NOT_UPHELD: 'answer_not_upheld'>, None]
    >>> regulator_outcome("FOI 10 - Complaint Upheld, FOI 21 - Complaint Not upheld")
    <RegulatorOutcome.ANSWER_UPHELD: 'answer_upheld'>
    """
    if text is None:
        return None
    plain = re.sub(r"\s+", " ", str(text).strip().lower())
    if not plain:
        return None
    if plain in _CODES:
        return _CODES[plain]
    complaints = list(_COMPLAINT.finditer(plain))
    if complaints:
        return _from_complaints(complaints)
    kept = lost = part = False
    # Clause by clause: "s24(2) upheld, s31(3) not upheld" keeps one exemption and loses another.
    for clause in re.split(r"[;,]|\.\s|\bbut\b|\bhowever\b", plain):
        clause_lost = bool(
            _NOT.search(clause) and re.search(rf"\b{_ANSWER_SIDE}\b|\bentitled\b|^\s*\w+\s+not\s+upheld", clause)
        )
        clause_lost = clause_lost or bool(_ORDERED.search(clause))
        clause_kept = bool(_ACCEPTED.search(clause)) or bool(_ANSWER_UPHELD.search(clause) and not _NOT.search(clause))
        part = part or bool(_PART.search(clause) and (clause_kept or clause_lost or "upheld" in clause))
        kept, lost = kept or clause_kept, lost or clause_lost
    if part or (kept and lost):
        return RegulatorOutcome.ANSWER_UPHELD_IN_PART
    if lost:
        return RegulatorOutcome.ANSWER_NOT_UPHELD
    if kept:
        return RegulatorOutcome.ANSWER_UPHELD
    return None


def _from_complaints(complaints: list[re.Match[str]]) -> RegulatorOutcome | None:
    """The answer's outcome from the ICO's "Complaint ..." findings, turned round; ``None`` when every
    finding is about procedure (s10 late, s17 a poor refusal notice): nothing was decided about the answer."""
    verdicts = []
    for match in complaints:
        section = match.group("section")
        if section and int(re.match(r"\d+", section).group()) not in _EXEMPTION_SECTIONS:
            continue
        verdicts.append(match.group("verdict").split()[0])
    if not verdicts:
        return None
    if all(v == "not" for v in verdicts):
        return RegulatorOutcome.ANSWER_UPHELD
    if all(v == "upheld" for v in verdicts):
        return RegulatorOutcome.ANSWER_NOT_UPHELD
    return RegulatorOutcome.ANSWER_UPHELD_IN_PART
