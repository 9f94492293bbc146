"""What one extraction yields, and the finders both document kinds share (dates in prose, the authority,
the technology, exemption citations, headed sections).

Every field carries a confidence and the paragraph it came from. Confidence is one of three levels with
fixed meanings, so a reader can tell why a value was kept:

* ``high`` (0.9): found under its label ("Public Authority:", "Our ref:") or in the sentence that states
  it ("responded on 5 July 2024");
* ``medium`` (0.6): found by a weaker cue (the only date near the top of a letter; an authority named
  in the text but not in the letterhead); kept;
* ``low`` (0.3): several candidates disagree, or the cue is too weak; the value is *not* kept: the field
  becomes null and an issue row carries what was seen, so nothing is guessed silently.

Fields that were looked for and not found are listed too (``missing``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl

from mosaic.extract.text import Paragraph
from mosaic.normalise.authorities import resolve_authorities
from mosaic.normalise.dates import parse_dates
from mosaic.normalise.exemptions import exemption_codes
from mosaic.registry import load_authorities, load_technologies
from mosaic.schema.vocab import Severity

HIGH = 0.9
MEDIUM = 0.6
LOW = 0.3
#: A field below this confidence is not kept (null plus an issue row).
KEEP_THRESHOLD = 0.5

#: Severity of every issue code the extractor emits (the ingest stage stores them with the row).
ISSUE_SEVERITY: dict[str, Severity] = {
    "field_not_found": Severity.INFO,
    "core_field_not_found": Severity.WARNING,
    "low_confidence_field": Severity.WARNING,
    "document_kind_unclear": Severity.INFO,
    "placeholder_reference": Severity.INFO,
    "extracted_value_replaced": Severity.INFO,
}

CONFIDENCE_LABELS = {HIGH: "high", MEDIUM: "medium", LOW: "low"}


@dataclass(frozen=True)
class Found:
    """One extracted field: the text as found, how sure, and where."""

    name: str
    """Field name as ``mosaic ingest`` knows it (``authority``, ``response_date``...) or an extra column."""
    value: str | None
    confidence: float
    where: str | None = None
    """Provenance: paragraph (and page) the value came from."""
    note: str | None = None
    """Why the confidence is what it is, when not obvious (shown with low-confidence fields)."""
    issue: str | None = None
    """The issue code of a field not kept, when more precise than ``low_confidence_field``
    (``placeholder_reference``)."""

    @property
    def kept(self) -> bool:
        return self.value is not None and self.confidence >= KEEP_THRESHOLD

    @property
    def level(self) -> str:
        return "high" if self.confidence >= HIGH else "medium" if self.confidence >= KEEP_THRESHOLD else "low"


@dataclass
class Extraction:
    """Everything read from one document: its kind, fields, and what could not be found."""

    source_file: str
    kind: str
    """``response_letter``, ``ico_decision_notice`` or ``scottish_decision_notice``."""
    fields: dict[str, Found] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    """Fields looked for and not found at all."""
    core: tuple[str, ...] = ()
    """Fields whose absence is a warning rather than information."""

    def add(self, found: Found | None, name: str | None = None) -> None:
        """Record a found field, or (``found`` None) that ``name`` was looked for and not found."""
        if found is None or found.value is None:
            key = found.name if found is not None else name
            if key and key not in self.missing:
                self.missing.append(key)
            if found is not None and found.note:
                self.fields[found.name] = found
            return
        self.fields[found.name] = found

    def value(self, name: str) -> str | None:
        """The kept value of a field (None when missing or below the keep threshold)."""
        found = self.fields.get(name)
        return found.value if found is not None and found.kept else None


# --- dates in prose ---------------------------------------------------------------------------------

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?"
    r"|nov(?:ember)?|dec(?:ember)?)"
)
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
DATE_PATTERN = re.compile(
    rf"\b{_WEEKDAY}(?:\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH}\.?,?\s+\d{{4}}"
    rf"|{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r"|\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4})\b",
    re.IGNORECASE,
)


def find_dates(text: str) -> list[tuple[str, int]]:
    """Dates written in a sentence ("18 November 2024", "5th July 2024", "05/07/2024"), with their offset.

    Only forms that carry a day and a four-digit year are taken: a month alone in prose is usually not the
    date of an event.
    """
    return [(m.group(0), m.start()) for m in DATE_PATTERN.finditer(text)]


def valid_date(text: str) -> bool:
    """Whether the date cleaner reads ``text`` as a day-precision date (no issue)."""
    return _parsed_date(text) is not None


_DATES: dict[str, object] = {}
"""Date text -> the date cleaner's reading (None when it reads no day), filled a document at a time."""


def read_dates(texts: Iterable[str]) -> None:
    """Run the date cleaner once over every date text not yet read (it is built for columns, not cells)."""
    fresh = [t for t in dict.fromkeys(texts) if t not in _DATES]
    if not fresh:
        return
    if len(_DATES) > 100_000:
        _DATES.clear()
    result = parse_dates(pl.Series(fresh, dtype=pl.String))
    read = dict(zip(result.get_column("value").to_list(), result.get_column("date").to_list(), strict=True))
    for text in fresh:
        _DATES[text] = read.get(text)


def prime_dates(paragraphs: Iterable[Paragraph]) -> None:
    """Read every date written in the paragraphs in one go (see :func:`read_dates`)."""
    read_dates(date for paragraph in paragraphs for date, _ in find_dates(paragraph.text))


def _parsed_date(text: str):
    if text not in _DATES:
        read_dates([text])
    return _DATES[text]


def iso_date(text: str | None) -> str | None:
    """The ISO form of a date as the date cleaner reads it (for display); None if it does not parse."""
    if text is None:
        return None
    parsed = _parsed_date(text)
    return parsed.isoformat() if parsed is not None else None


def date_near(
    paragraphs: Iterable[Paragraph], cue: re.Pattern[str], name: str, *, confidence: float = HIGH, window: int = 120
) -> Found | None:
    """The date closest after (or else before) a cue phrase, in the first paragraph that has both.

    "Nottinghamshire Police responded on 5 July 2024" and "On 11 June 2024, the complainant wrote to..."
    both work: the date after the cue wins, within ``window`` characters; else the nearest before.
    """
    for paragraph in paragraphs:
        for match in cue.finditer(paragraph.text):
            dates = [(d, at) for d, at in find_dates(paragraph.text) if valid_date(d)]
            after = [(d, at) for d, at in dates if 0 <= at - match.end() <= window]
            before = [(d, at) for d, at in dates if 0 <= match.start() - (at + len(d)) <= window]
            if after:
                return Found(name, after[0][0], confidence, paragraph.where)
            if before:
                return Found(name, before[-1][0], confidence, paragraph.where)
    return None


# --- exemptions -------------------------------------------------------------------------------------

_CITATION_SPAN = re.compile(
    r"(?:\b(?:sections?|secs?\.?|ss?\.?|regulations?|reg\.?)\s*)\d{1,2}A?\s*(?:\(\s*\d{1,2}[A-Za-z]?\s*\))?"
    r"(?:\s*\(\s*[a-z]{1,4}\s*\))*"
    r"(?:\s*(?:,|and|&|/|or)\s*(?:(?:sections?|s\.?)\s*)?\d{1,2}A?\s*(?:\(\s*\d{1,2}[A-Za-z]?\s*\))?(?:\s*\(\s*[a-z]{1,4}\s*\))*)*"
    r"|\b\d{1,2}\s*\(\s*\d{1,2}\s*\)",
    re.IGNORECASE,
)


def citations(text: str, context: str = "") -> list[str]:
    """The spans of ``text`` that cite exemptions (kept as written: "Section 24(2)", "sections 24(2) and 31(3)").

    Only spans that the exemption cleaner reads as at least one exemption code are returned, so
    "section 17" (the refusal-notice duty) and "section 50" (complaints) drop out. ``context`` ("FOISA")
    tells the cleaner which law a bare "section 18(1)" belongs to.
    """
    spans = []
    for match in _CITATION_SPAN.finditer(text):
        span = " ".join(match.group(0).split())
        if exemption_codes(f"{span} {context}".strip()) and span not in spans:
            spans.append(span)
    return spans


def distinct_citations(spans: list[str], context: str = "") -> list[str]:
    """Keep the spans that add a code not already cited, dropping a bare section ("Sections 24 and 31")
    when the same section is also cited with its limb ("Section 24(2)"): the limb is the citation, the
    bare number is the letter explaining it."""
    codes_of = {span: exemption_codes(f"{span} {context}".strip()) for span in spans}
    limbed = {c.split("(")[0] for codes in codes_of.values() for c in codes if "(" in c}
    kept: list[str] = []
    seen: set[str] = set()
    for span in spans:
        new = [c for c in codes_of[span] if c not in seen and not ("(" not in c and c in limbed)]
        if new:
            kept.append(span)
            seen.update(codes_of[span])
    return kept


def codes_in(text: str) -> list[str]:
    """Exemption codes cited in ``text`` (the cleaner's scalar form)."""
    return exemption_codes(text)


# --- sections under headings ------------------------------------------------------------------------


def sections(paragraphs: list[Paragraph], headings: dict[str, re.Pattern[str]]) -> dict[str, list[Paragraph]]:
    """Group paragraphs under the standard headings they follow.

    ``headings`` maps a section name to a pattern that matches its heading paragraph in full (after
    trimming). Paragraphs before the first heading go under ``""``.
    """
    grouped: dict[str, list[Paragraph]] = {"": []}
    current = ""
    for paragraph in paragraphs:
        text = paragraph.text.strip().rstrip(":").strip()
        heading = next(
            (name for name, pattern in headings.items() if len(text) <= 90 and pattern.fullmatch(text)), None
        )
        if heading is not None:
            current = heading
            grouped.setdefault(current, [])
            continue
        grouped.setdefault(current, []).append(paragraph)
    return grouped


def is_heading(paragraph: Paragraph) -> bool:
    """A short paragraph without closing punctuation: a heading."""
    text = paragraph.text.strip()
    return (
        0 < len(text.split()) <= 10 and len(text) <= 90 and not re.search(r"[.;!?,]\s*$", text) and text[:1].isupper()
    )


# --- authority --------------------------------------------------------------------------------------

_AUTHORITY_PHRASE = re.compile(
    r"\b(?:(?:[A-Z][\w'\u2019&\-]*|and|of|the)\s+){0,5}?"
    r"(?:[A-Z][\w'\u2019&\-]*\s+)(?:Police(?:\s+Service(?:\s+of\s+(?:Scotland|Northern\s+Ireland))?|\s+Force)?|Constabulary)\b"
    r"|\bPolice\s+(?:Service\s+of\s+)?(?:Scotland|Northern\s+Ireland)\b"
    r"|\b(?:Office\s+of\s+the\s+)?Police(?:,)?\s+(?:Fire\s+and\s+)?(?:and\s+)?Crime\s+Commissioner\s+for\s+(?:[A-Z][\w\-]*(?:\s+and\s+|\s+))*[A-Z][\w\-]*"
    r"|\bMetropolitan\s+Police(?:\s+Service)?\b|\bBritish\s+Transport\s+Police\b"
)
_LEADING_TITLE = re.compile(r"^(?:the\s+)?(?:chief\s+constable\s+of\s+(?:the\s+)?|commissioner\s+of\s+)", re.IGNORECASE)
_LEADING_WORDS = re.compile(
    r"^(?:(?:The|To|From|Dear|Your|Our|Of|And|For|At|By|In|On|Contact|Signed|Yours)\s+)+", re.IGNORECASE
)


@functools.lru_cache(maxsize=1)
def _authority_register() -> pl.DataFrame:
    return load_authorities()


def authority_candidates(text: str) -> list[str]:
    """Phrases of ``text`` that look like an authority's name ("Nottinghamshire Police", "Police Scotland")."""
    found = []
    for match in _AUTHORITY_PHRASE.finditer(text):
        phrase = _LEADING_WORDS.sub("", _LEADING_TITLE.sub("", match.group(0).strip()))
        phrase = " ".join(phrase.split())
        if phrase and phrase not in found:
            found.append(phrase)
    return found


_RESOLVED: dict[str, str | None] = {}
"""Names already resolved in this process: a folder of letters repeats the same few dozen names, and the
resolver builds its index on every call."""


def resolve_names(names: list[str]) -> dict[str, str]:
    """Map each name to its register id with the authority resolver; unresolved names are left out."""
    fresh = [name for name in dict.fromkeys(names) if name not in _RESOLVED]
    if fresh:
        resolved = resolve_authorities(pl.Series(fresh, dtype=pl.String), _authority_register())
        for value, authority_id in resolved.select("value", "authority_id").iter_rows():
            _RESOLVED[value] = None if authority_id.startswith("unresolved:") else authority_id
    return {name: _RESOLVED[name] for name in names if _RESOLVED.get(name) is not None}


def labelled_authority(paragraphs: list[Paragraph], label: re.Pattern[str], name: str = "authority") -> Found | None:
    """An authority given under a label ("Public Authority: Chief Constable of Nottinghamshire Police")."""
    for paragraph in paragraphs:
        match = label.search(paragraph.text)
        if not match:
            continue
        rest = paragraph.text[match.end() :].strip()
        rest = re.split(r"\s+(?:Address|Date|Reference|Case Ref|Applicant)\b\s*:?", rest)[0].strip(" .;,")
        candidate = _LEADING_TITLE.sub("", rest).strip()
        ids = resolve_names([candidate])
        if ids:
            return Found(name, candidate, HIGH, paragraph.where)
        inner = [c for c in authority_candidates(rest) if resolve_names([c])]
        if inner:
            return Found(name, inner[0], HIGH, paragraph.where)
        return Found(
            name,
            None,
            LOW,
            paragraph.where,
            note=f"the label names {rest[:80]!r}, which matches no authority in the register",
        )
    return None


def authority_by_mentions(paragraphs: list[Paragraph], *, top: int = 6, name: str = "authority") -> Found | None:
    """The authority a document is from, by the names it mentions.

    A name in the letterhead or signature block (the first ``top`` paragraphs, or the last ones) counts
    three times a mention in the body. One authority clearly ahead (twice the runner-up's weight) is
    kept: ``high`` when it is in the letterhead or signature, else ``medium``; otherwise ``low`` with
    the candidates listed.
    """
    weights: dict[str, float] = {}
    first_seen: dict[str, tuple[str, str]] = {}
    edge = set(range(1, top + 1)) | set(range(max(1, len(paragraphs) - top + 1), len(paragraphs) + 1))
    in_edge: set[str] = set()
    mentions = [
        (position, paragraph, authority_candidates(paragraph.text))
        for position, paragraph in enumerate(paragraphs, start=1)
    ]
    resolved = resolve_names(list(dict.fromkeys(name for _, _, names in mentions for name in names)))
    for position, paragraph, names in mentions:
        for phrase, authority_id in ((n, resolved[n]) for n in names if n in resolved):
            weight = 3.0 if position in edge else 1.0
            weights[authority_id] = weights.get(authority_id, 0.0) + weight
            first_seen.setdefault(authority_id, (phrase, paragraph.where))
            if position in edge:
                in_edge.add(authority_id)
    if not weights:
        return None
    ranked = sorted(weights.items(), key=lambda kv: -kv[1])
    best_id, best = ranked[0]
    phrase, where = first_seen[best_id]
    if len(ranked) > 1 and best < 2 * ranked[1][1]:
        others = ", ".join(first_seen[i][0] for i, _ in ranked[:3])
        return Found(name, phrase, LOW, where, note=f"several authorities are named about equally often ({others})")
    return Found(name, phrase, HIGH if best_id in in_edge else MEDIUM, where)


# --- technology -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Mention:
    technology_id: str
    name: str
    level: str
    path: tuple[str, ...]
    """Ids from the root down to this entry (the tree path)."""
    within: frozenset[str] = frozenset()
    """Every id this entry sits within: its path, plus a variant's second categories (``also_under``)
    and what is above them."""


@functools.lru_cache(maxsize=1)
def _technology_terms() -> tuple[list[tuple[re.Pattern[str], _Mention]], dict[str, _Mention]]:
    taxonomy = load_technologies()
    terms = []
    by_id = {}
    paths = {row["technology_id"]: tuple(row["category"].split(" > ")) for row in taxonomy.iter_rows(named=True)}
    for row in taxonomy.iter_rows(named=True):
        path = paths[row["technology_id"]]
        within = set(path)
        for other in row.get("also_under") or ():
            within.update(paths.get(other, ()))
        mention = _Mention(row["technology_id"], row["name"], row["level"], path, frozenset(within))
        by_id[row["technology_id"]] = mention
        for text in [row["name"], *(row["aliases"] or [])]:
            text = text.strip()
            if not text:
                continue
            words = r"\s+".join(re.escape(w) for w in text.split())
            plural = "" if text.isupper() else r"(?:s|es)?"
            flags = 0 if (text.isupper() or len(text) <= 4) else re.IGNORECASE
            terms.append((re.compile(rf"(?<![\w-]){words}{plural}(?![\w-])", flags), mention))
    return terms, by_id


def technology_mentions(text: str) -> list[tuple[str, str, int]]:
    """Taxonomy entries named in ``text``: (technology id, text as written, offset), in text order."""
    terms, _ = _technology_terms()
    found = []
    for pattern, mention in terms:
        for match in pattern.finditer(text):
            found.append((mention.technology_id, match.group(0), match.start()))
    return sorted(found, key=lambda f: f[2])


def technology_from(paragraphs: list[Paragraph], confidence: float, name: str = "technology") -> Found | None:
    """The most specific technology the paragraphs ask about.

    Mentions on one line of the taxonomy (a category and a product inside it) resolve to the deepest;
    mentions of unrelated entries (two products of different categories, say) resolve to their deepest
    common category at ``medium`` confidence, or, when they share none, to nothing (``low``, listed).
    """
    _, by_id = _technology_terms()
    mentions = _mentions_in(paragraphs)
    if not mentions:
        return None
    ids = list(mentions)
    deepest = [i for i in ids if not any(other != i and i in by_id[other].within for other in ids)]
    if len(deepest) == 1:
        written, where = mentions[deepest[0]]
        return Found(name, by_id[deepest[0]].name, confidence, where)
    common = [step for step in zip(*(by_id[i].path for i in deepest), strict=False) if len(set(step)) == 1]
    names = ", ".join(by_id[i].name for i in deepest)
    where = mentions[deepest[0]][1]
    if common:
        shared = by_id[common[-1][0]]
        return Found(
            name,
            shared.name,
            MEDIUM,
            where,
            note=f"the request names several technologies ({names}); recorded as their common category",
        )
    return Found(name, None, LOW, where, note=f"the request names unrelated technologies ({names})")


def _mentions_in(paragraphs: Iterable[Paragraph]) -> dict[str, tuple[str, str]]:
    """Taxonomy ids named in the paragraphs -> (text as written, where), first mention of each."""
    mentions: dict[str, tuple[str, str]] = {}
    for paragraph in paragraphs:
        for technology_id, written, _ in technology_mentions(paragraph.text):
            mentions.setdefault(technology_id, (written, paragraph.where))
    return mentions


def narrowest_named(found: Found | None, paragraphs: list[Paragraph], confidence: float) -> Found | None:
    """The product (or variant) inside ``found``'s category that ``paragraphs`` name, in its place.

    A notice often summarises a request by its category ("information about the use of facial recognition
    technology") and names the product only in the request itself ("contracts with Amazon for the
    Rekognition service"): the product is what was asked about. ``paragraphs`` are where the request is
    set out (not the regulator's reasoning, which may discuss other forces' products). When they name
    exactly one line of entries below the category, its deepest entry replaces it, at ``confidence``,
    cited where it is named; when they name several unrelated ones, the category stays (their common
    category, if narrower than it, replaces it at ``medium``, as in :func:`technology_from`).
    """
    if found is None or not found.kept:
        return found
    _, by_id = _technology_terms()
    base = next((m.technology_id for m in by_id.values() if m.name == found.value), None)
    if base is None:
        return found
    below = {i: seen for i, seen in _mentions_in(paragraphs).items() if i != base and base in by_id[i].within}
    if not below:
        return found
    deepest = [i for i in below if not any(other != i and i in by_id[other].within for other in below)]
    if len(deepest) == 1:
        return Found(found.name, by_id[deepest[0]].name, confidence, below[deepest[0]][1])
    common = [step[0] for step in zip(*(by_id[i].path for i in deepest), strict=False) if len(set(step)) == 1]
    narrower = [c for c in common if c != base and base in by_id[c].within]
    if narrower:
        names = ", ".join(by_id[i].name for i in deepest)
        return Found(
            found.name,
            by_id[narrower[-1]].name,
            MEDIUM,
            found.where,
            note=f"the request names several technologies ({names}); recorded as their common category",
        )
    return found


# --- reference numbers ------------------------------------------------------------------------------

_REFERENCE = re.compile(
    r"\b(?:our\s+ref(?:erence)?|your\s+ref(?:erence)?|foi\s+(?:request\s+)?(?:ref(?:erence)?|number|no)|request\s+(?:ref(?:erence)?|number|no)"
    r"|reference\s+(?:number|no)|ref(?:erence)?)\s*\.?\s*(?:no\.?|number)?\s*[:#]?\s*"
    r"(?P<ref>(?:[A-Z]{2,5}\s)?(?=[A-Za-z/\-]*\d)[A-Za-z0-9][A-Za-z0-9/\-_.]{2,30})",
    re.IGNORECASE,
)


def reference_in(paragraphs: list[Paragraph], name: str = "request_id") -> Found | None:
    """A request reference given under a label ("Our ref: FOI 001234/24", "Reference No: 2024-0456").

    A placeholder ("FOI 000000", see :func:`is_placeholder_reference`) is no reference: a later real one
    is taken instead, and if none follows the field is null with a ``placeholder_reference`` issue.
    """
    placeholder: Found | None = None
    for paragraph in paragraphs:
        for match in _REFERENCE.finditer(paragraph.text):
            ref = match.group("ref").rstrip(".,;")
            if match.group(0).lower().startswith("your"):
                continue  # the requester's own reference is not the authority's
            if is_placeholder_reference(ref):
                placeholder = placeholder or placeholder_found(name, ref, paragraph.where)
                continue
            return Found(name, ref, HIGH, paragraph.where)
    return placeholder


_PLACEHOLDER_PREFIX = re.compile(r"^(?:FS5|FER0|IC-)", re.IGNORECASE)


def is_placeholder_reference(reference: str) -> bool:
    """Whether a reference is a template's dummy rather than a real one: its number (after the
    ``IC-``/``FS5``/``FER0`` prefix, before any ``/`` or ``-`` part) is all zeros: ``IC-000000-X0X0``,
    ``FS50000000``, ``FOI 000000/24``.

    Example:
        >>> [is_placeholder_reference(r) for r in ("IC-000000-X0X0", "FS50000000", "IC-312345-A1B2", "FOI 004512/24")]
        [True, True, False, False]
    """
    core = _PLACEHOLDER_PREFIX.sub("", reference.strip())
    number = re.split(r"[/\-]", core)[0] if core else ""
    digits = re.sub(r"\D", "", number)
    return bool(digits) and set(digits) == {"0"}


def placeholder_found(name: str, reference: str, where: str | None) -> Found:
    """A field holding only a placeholder reference: not kept, with an issue saying what was seen."""
    return Found(
        name,
        reference,
        LOW,
        where,
        note=f"only a placeholder reference ({reference}) was seen, not a real one",
        issue="placeholder_reference",
    )


def first_sentence_with(paragraphs: Iterable[Paragraph], pattern: re.Pattern[str]) -> tuple[str, Paragraph] | None:
    """The first sentence (of any paragraph) that matches ``pattern``, with its paragraph."""
    for paragraph in paragraphs:
        for sentence in split_sentences(paragraph.text):
            if pattern.search(sentence):
                return sentence, paragraph
    return None


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"\u201c(])")


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences (good enough for letters: ". " before a capital); a leading
    paragraph number ("4.") is not a sentence."""
    text = re.sub(r"^\s*\(?\d{1,3}[.)]\s+", "", text)
    protected = re.sub(
        r"\b(s|ss|sec|no|para|paras|reg|e\.g|i\.e|mr|mrs|ms|dr|st)\.\s",
        lambda m: m.group(0).replace(". ", "\x00 "),
        text,
        flags=re.IGNORECASE,
    )
    return [s.replace("\x00", ".").strip() for s in _SENTENCE_END.split(protected) if s.strip()]
