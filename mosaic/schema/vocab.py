"""Closed vocabularies of the domain, as StrEnums.

Every value that the data contract allows in a closed-vocabulary column is declared here once; the
schema, the cleaners, the checks and the dashboard all import these names rather than spelling strings.
See ``../shared/domain.md`` (outcome, stance, evidence grade) for the meaning of each value.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    """What the authority's letter did with the request."""

    DISCLOSED = "disclosed"
    """Confirmed and gave the information (or simply answered "yes")."""
    PARTIALLY_DISCLOSED = "partially_disclosed"
    """Confirmed and gave part of the information."""
    WITHHELD = "withheld"
    """Held, but withheld under an exemption: this still *confirms* that the information exists."""
    NOT_HELD = "not_held"
    """Information not held (or "no, we do not use it"): a denial."""
    NCND = "ncnd"
    """Neither confirm nor deny, for the whole request."""
    NCND_PARTIAL = "ncnd_partial"
    """The usual police split: overt use answered, covert use neither confirmed nor denied."""
    REFUSED = "refused"
    """Refused without confirming or denying, e.g. cost limit (s12) or vexatious (s14)."""
    NO_RESPONSE = "no_response"
    """No answer was received (or still awaited)."""
    WITHDRAWN = "withdrawn"
    """The requester withdrew the request."""
    UNKNOWN = "unknown"
    """The outcome is blank or could not be read; the authority was still asked."""
    OTHER = "other"
    """Some other outcome (clarification sought, sent to another body, not an FOI request...)."""


class Stance(StrEnum):
    """What the world learns about existence or use of the thing asked about; derived from the outcome."""

    CONFIRM = "confirm"
    DENY = "deny"
    NCND = "ncnd"
    UNKNOWN = "unknown"


#: The stance each outcome implies. "Held but withheld" confirms; "not held" denies; a partial NCND is an
#: NCND about the thing in question (covert use), which is what the consistency checks are about.
STANCE_BY_OUTCOME: dict[Outcome, Stance] = {
    Outcome.DISCLOSED: Stance.CONFIRM,
    Outcome.PARTIALLY_DISCLOSED: Stance.CONFIRM,
    Outcome.WITHHELD: Stance.CONFIRM,
    Outcome.NOT_HELD: Stance.DENY,
    Outcome.NCND: Stance.NCND,
    Outcome.NCND_PARTIAL: Stance.NCND,
    Outcome.REFUSED: Stance.UNKNOWN,
    Outcome.NO_RESPONSE: Stance.UNKNOWN,
    Outcome.WITHDRAWN: Stance.UNKNOWN,
    Outcome.UNKNOWN: Stance.UNKNOWN,
    Outcome.OTHER: Stance.UNKNOWN,
}


class DatePrecision(StrEnum):
    """How much of a date was given. A month-precision date is stored as the first day of the month."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class SourceType(StrEnum):
    """Where a piece of evidence comes from; decides its evidence grade."""

    FOI_RESPONSE = "foi_response"
    PRESS_RELEASE = "press_release"
    PROCUREMENT = "procurement"
    PARLIAMENTARY_ANSWER = "parliamentary_answer"
    PUBLISHED_POLICY = "published_policy"
    SURVEY = "survey"
    MEDIA_REPORT = "media_report"
    LEAK = "leak"
    OTHER = "other"


#: Source types that count as official and documented (domain.md, "evidence grade").
OFFICIAL_SOURCE_TYPES: frozenset[SourceType] = frozenset(
    {
        SourceType.FOI_RESPONSE,
        SourceType.PRESS_RELEASE,
        SourceType.PROCUREMENT,
        SourceType.PARLIAMENTARY_ANSWER,
        SourceType.PUBLISHED_POLICY,
        SourceType.SURVEY,
    }
)


class EvidenceGrade(StrEnum):
    """How much a disclosure weighs against an NCND (after the official-acknowledgment test)."""

    OFFICIAL_SELF = "official_self"
    """The same authority's own official answer: the strongest."""
    OFFICIAL_LINKED = "official_linked"
    """A linked body's official answer (a Police and Crime Commissioner and its force): another public
    authority, so never the authority's own answer, but closer to it than any peer."""
    OFFICIAL_PEER = "official_peer"
    """Another authority's official answer: persuasive, not a waiver."""
    UNOFFICIAL = "unofficial"
    """Media reports, leaks, vendor material: public surmise, which does not count as acknowledgment."""


class RegulatorOutcome(StrEnum):
    """What a regulator (the ICO, the Scottish Information Commissioner) decided about an authority's answer.

    Named for the *answer*, never for the complaint: the ICO records "Complaint upheld" when the
    requester wins, the opposite of an answer upheld (``mosaic.normalise.decisions``)."""

    ANSWER_UPHELD = "answer_upheld"
    """The regulator accepted the answer on every exemption it decided and ordered no step."""
    ANSWER_UPHELD_IN_PART = "answer_upheld_in_part"
    """It accepted some of the answer and rejected some, or accepted it and still ordered a step."""
    ANSWER_NOT_UPHELD = "answer_not_upheld"
    """It rejected the answer, or ordered the authority to confirm or deny, disclose or answer again."""


class Severity(StrEnum):
    """How much a finding or an ingest issue matters to a reader."""

    INFO = "info"
    NOTABLE = "notable"
    STRONG = "strong"
    WARNING = "warning"
    ERROR = "error"


class MatchMethod(StrEnum):
    """How a name given in the input was resolved against a register."""

    EXACT = "exact"
    ALIAS = "alias"
    NORMALISED = "normalised"
    LINKED = "linked"
    """Resolved through a link in the register, e.g. a Police and Crime Commissioner to its force."""
    FUZZY = "fuzzy"
    UNRESOLVED = "unresolved"
