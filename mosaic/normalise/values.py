"""Cleaners for source URLs, source types and generic text, plus the helpers every cleaner shares.

Every cleaner in :mod:`mosaic.normalise` follows one contract, so the ingest pipeline can treat them alike:

* it takes a ``pl.Series`` of strings (nulls and duplicates allowed) and works on the *distinct* non-null
  values, because a million-row file has only a few thousand distinct cells and a per-value Python loop is
  then both cheap and easy to read;
* it returns a ``pl.DataFrame`` whose first column is ``value`` (one row per distinct non-null input), then
  the parsed columns, then ``issue`` (short code), ``severity`` (a :class:`~mosaic.schema.vocab.Severity`
  value) and ``message`` (one plain sentence naming the value); the last three are null when the value is
  fine;
* it never raises on bad data: a bad cell becomes null plus an issue, which the pipeline turns into a row
  of the issues table that the user sees.

Each module also exports ``ISSUE_SEVERITY``, the severity of each issue code it can emit, so docs and
tests can list them without running the cleaner.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

import polars as pl

from mosaic.schema.vocab import Severity, SourceType

__all__ = [
    "ISSUE_SEVERITY",
    "SOURCE_TYPE_RULES",
    "build_result",
    "classify_source_types",
    "clean_text",
    "clean_urls",
    "distinct_strings",
    "fold_text",
]

#: Severity of every issue code this module emits.
ISSUE_SEVERITY: dict[str, Severity] = {
    "unsafe_url": Severity.WARNING,
    "invalid_url": Severity.WARNING,
    "url_scheme_added": Severity.INFO,
    "unrecognised_source_type": Severity.INFO,
    "control_characters_removed": Severity.INFO,
    "spreadsheet_error_value": Severity.WARNING,
}

#: A cleaner's per-value answer: the parsed fields in schema order, then issue code and message.
Row = tuple


# --------------------------------------------------------------------------------------------------------
# shared helpers
# --------------------------------------------------------------------------------------------------------


def distinct_strings(values: pl.Series) -> list[str]:
    """Return the distinct non-null values of ``values`` as Python strings, in first-seen order.

    The series is cast to String first, so a column that a reader typed as integers (an Excel serial date,
    say) is still cleaned rather than rejected.

    Args:
        values: Any series; nulls and duplicates are allowed.

    Returns:
        The distinct non-null values, each once.

    Example:
        >>> distinct_strings(pl.Series(["a", None, "b", "a"]))
        ['a', 'b']
    """
    if values.dtype != pl.String:
        values = values.cast(pl.String, strict=False)
    return values.drop_nulls().unique(maintain_order=True).to_list()


def build_result(
    values: Iterable[str],
    parse: Callable[[str], Row],
    parsed_schema: dict[str, pl.DataType],
    severities: dict[str, Severity],
) -> pl.DataFrame:
    """Run ``parse`` over distinct values and assemble the cleaner contract frame.

    Args:
        values: Distinct input strings (see :func:`distinct_strings`).
        parse: Maps one value to a tuple ``(*parsed_fields, issue, message)`` in ``parsed_schema`` order.
        parsed_schema: Names and dtypes of the parsed columns.
        severities: Severity of each issue code ``parse`` may return.

    Returns:
        ``value``, the parsed columns, ``issue``, ``severity``, ``message``.
    """
    names = list(parsed_schema)
    columns: dict[str, list] = {"value": [], **{n: [] for n in names}, "issue": [], "severity": [], "message": []}
    for value in values:
        *fields, issue, message = parse(value)
        columns["value"].append(value)
        for name, field in zip(names, fields, strict=True):
            columns[name].append(field)
        columns["issue"].append(issue)
        columns["severity"].append(None if issue is None else severities[issue].value)
        columns["message"].append(message)
    schema = {"value": pl.String, **parsed_schema, "issue": pl.String, "severity": pl.String, "message": pl.String}
    return pl.DataFrame(columns, schema=schema)


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'", "\u201c": '"', "\u201d": '"'})
_ACRONYM_DOT = re.compile(r"\b([a-z])\.(?=[a-z]\b|\s|$)")
_NON_WORD = re.compile(r"[^\w()]+")
_SPACES = re.compile(r"\s+")


def fold_text(text: str) -> str:
    """Fold free text to a canonical form for keyword matching.

    Unicode compatibility forms are unified (NFKC), case is folded, apostrophes are dropped (``can't`` ->
    ``cant``), dots of acronyms are closed up (``N.C.N.D.`` -> ``ncnd``), every other punctuation mark,
    underscore included, becomes a space (``not_held`` -> ``not held``), parentheses are kept (they carry
    exemption limbs such as ``24(2)``), and runs of space collapse. Patterns can then be written against
    plain lower-case words.

    Example:
        >>> fold_text("N.C.N.D. - can't say; s.24 (2)")
        'ncnd cant say s 24 (2)'
    """
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    text = text.replace("'", "")
    text = _ACRONYM_DOT.sub(r"\1", text)
    text = _NON_WORD.sub(" ", text.replace("_", " "))
    return _SPACES.sub(" ", text).strip()


def _quote(value: str, limit: int = 80) -> str:
    """Quote a value for a message, shortened so one sentence stays readable."""
    value = value if len(value) <= limit else value[: limit - 1] + "\u2026"
    return f"'{value}'"


# --------------------------------------------------------------------------------------------------------
# URLs
# --------------------------------------------------------------------------------------------------------

_WRAPPERS = "<>\"'`\u2018\u2019\u201c\u201d \t"
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_BARE_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+[a-z]{2,}(?::\d{1,5})?(?:[/?#]|$)", re.I)
_SAFE_SCHEMES = frozenset({"http", "https"})


def _clean_url(value: str) -> Row:
    """Clean one URL; see :func:`clean_urls`."""
    text = value.strip(_WRAPPERS)
    if any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in text) or not text:
        return None, "invalid_url", f"{_quote(value)} is not a web address (it is empty or contains spaces)."
    match = _SCHEME.match(text)
    if text.startswith("//"):
        candidate, issue = "https:" + text, "url_scheme_added"
    elif match and not _BARE_HOST.match(text):
        scheme = match.group(1).lower()
        if scheme not in _SAFE_SCHEMES:
            return None, "unsafe_url", f"{_quote(value)} uses '{scheme}:'; only http and https links are kept."
        candidate, issue = scheme + text[len(scheme) :], None
    elif _BARE_HOST.match(text):
        candidate, issue = "https://" + text, "url_scheme_added"
    else:
        return None, "invalid_url", f"{_quote(value)} is not a web address."
    try:
        parts = urlsplit(candidate)
        _ = parts.port  # raises ValueError for a malformed port
    except ValueError:
        return None, "invalid_url", f"{_quote(value)} is not a well-formed web address."
    if not parts.hostname or "." not in parts.hostname and parts.hostname != "localhost":
        return None, "invalid_url", f"{_quote(value)} has no recognisable host name."
    if issue == "url_scheme_added":
        return candidate, issue, f"{_quote(value)} had no scheme; it was read as {candidate}."
    return candidate, None, None


def clean_urls(values: pl.Series) -> pl.DataFrame:
    """Keep only http(s) links, repairing the common slips.

    Why: the URL is shown as a link in the dashboard and in reports, so anything that a browser would
    execute or open locally (``javascript:``, ``data:``, ``file:``, ``vbscript:``...) must never get
    through. Every scheme other than http and https is therefore dropped as ``unsafe_url``.

    ==============================  ===========================  ===========================
    input                           url                          issue
    ==============================  ===========================  ===========================
    ``https://x.org/a``             ``https://x.org/a``          -
    ``HTTP://x.org``                ``http://x.org``             - (scheme lower-cased)
    ``<https://x.org>``             ``https://x.org``            - (wrapping <> and quotes)
    ``www.x.org/a``, ``x.gov.uk``   ``https://`` + input         ``url_scheme_added`` (info)
    ``//x.org/a``                   ``https://x.org/a``          ``url_scheme_added`` (info)
    ``javascript:alert(1)``         null                         ``unsafe_url`` (warning)
    ``mailto:``, ``ftp:``, ...      null                         ``unsafe_url`` (warning)
    ``see letter``, ``https://``    null                         ``invalid_url`` (warning)
    ==============================  ===========================  ===========================

    Args:
        values: URL cells (nulls and duplicates allowed).

    Returns:
        ``value``, ``url`` (String), ``issue``, ``severity``, ``message``.

    Example:
        >>> clean_urls(pl.Series(["www.example.org/x"])).get_column("url").to_list()
        ['https://www.example.org/x']
    """
    distinct = pl.DataFrame({"value": distinct_strings(values)}, schema={"value": pl.String})
    plain = distinct.get_column("value").str.contains(_PLAIN_URL)
    passed = distinct.filter(plain).with_columns(
        url=pl.col("value"),
        issue=pl.lit(None, pl.String),
        severity=pl.lit(None, pl.String),
        message=pl.lit(None, pl.String),
    )
    cleaned = build_result(distinct.filter(~plain).get_column("value"), _clean_url, {"url": pl.String}, ISSUE_SEVERITY)
    both = pl.concat([passed, cleaned.select(passed.columns)])
    return distinct.join(both, on="value", how="left", maintain_order="left")


#: URLs that ``_clean_url`` would return unchanged with no issue: lower-case http(s) scheme and host, no
#: port, printable ASCII with no quotes, brackets or spaces. They skip the per-value cleaner, because
#: source URLs are often unique per row and it would otherwise run a million times on a large file (the
#: ingest pipeline also tests them on the column itself, so they are not even made distinct first).
PLAIN_URL_PATTERN = _PLAIN_URL = (
    r"^https?://[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+(?:[/?#][!#$%&()*+,\-./0-9:;=?@A-Z\[\]^_a-z{|}~]*)?$"
)


# --------------------------------------------------------------------------------------------------------
# source types
# --------------------------------------------------------------------------------------------------------

#: Keyword rules on folded text (see :func:`fold_text`), tried in order; the first match wins. The order
#: encodes precedence: a leak stays a leak even if it is a leaked FOI letter; a press *release* (official)
#: is tested before press *reports* (media, unofficial); FOI is tested before the document kinds an FOI
#: answer might contain (a policy, a survey).
SOURCE_TYPE_RULES: list[tuple[re.Pattern[str], SourceType]] = [
    (re.compile(r"\bleak\w*\b|\bwhistle ?blow\w*\b"), SourceType.LEAK),
    (
        re.compile(r"\b(?:press|news|media) (?:release|statement|notice)s?\b|\bpress office\b|\bofficial statement\b"),
        SourceType.PRESS_RELEASE,
    ),
    (
        re.compile(
            r"\bmedia\b|\bnewspapers?\b|\bpress (?:report|article|coverage|story)\w*\b|\bnews\b|\bjournalis\w*\b"
            r"|\barticle\b|\bbroadcast\w*\b|\bblog\w*\b|\bmagazine\b|\breport(?:ed)? in\b"
        ),
        SourceType.MEDIA_REPORT,
    ),
    (
        re.compile(
            r"\bfoi\w*\b|\bfreedom of information\b|\beir\b|\benvironmental information\b|\binformation request\b"
            r"|\bdisclosure log\b|\bwhatdotheyknow\b|\bwdtk\b|\bsubject access\b"
        ),
        SourceType.FOI_RESPONSE,
    ),
    (
        re.compile(
            r"\bpqs?\b|\bwpqs?\b|\bparliament\w*\b|\bwritten (?:answer|question|statement)s?\b|\bhansard\b"
            r"|\boral (?:answer|question)s?\b|\bministerial statement\b|\bhouse of (?:commons|lords)\b"
            r"|\bsenedd\b|\bholyrood\b|\bscottish parliament\b|\bselect committee\b"
        ),
        SourceType.PARLIAMENTARY_ANSWER,
    ),
    (
        re.compile(
            r"\btender\w*\b|\bcontracts?\b|\bcontracts finder\b|\bfind a tender\b|\bprocure\w*\b|\bojeu\b"
            r"|\bframework agreement\b|\bpurchase order\b|\binvoices?\b|\bspend(?:ing)? (?:data|report)\b"
            r"|\bg ?cloud\b|\bdigital marketplace\b|\baward notice\b"
        ),
        SourceType.PROCUREMENT,
    ),
    (re.compile(r"\bsurvey\w*\b|\bquestionnaires?\b|\bcensus\b"), SourceType.SURVEY),
    (
        re.compile(
            r"\bpolic(?:y|ies)\b|\bprocedures?\b|\bguidance\b|\bsops?\b|\bstandard operating\b|\bdpias?\b"
            r"|\bimpact assessments?\b|\bcode of practice\b|\bstrategy\b|\bpublished document\b"
            r"|\bauthorised professional practice\b|\bpublication scheme\b|\bannual report\b|\bminutes\b"
        ),
        SourceType.PUBLISHED_POLICY,
    ),
]


def _classify_source_type(value: str) -> Row:
    """Classify one source-type cell; see :func:`classify_source_types`."""
    folded = fold_text(value)
    exact = folded.replace(" ", "_")
    if exact in SourceType._value2member_map_:
        return exact, None, None
    for pattern, source_type in SOURCE_TYPE_RULES:
        if pattern.search(folded):
            return source_type.value, None, None
    return (
        SourceType.OTHER.value,
        "unrecognised_source_type",
        f"Source type {_quote(value)} was not recognised; it is counted as 'other' (unofficial evidence).",
    )


def classify_source_types(values: pl.Series) -> pl.DataFrame:
    """Map free-text source descriptions to :class:`~mosaic.schema.vocab.SourceType`.

    Why: the source type decides whether a disclosure is *official* (an FOI answer, press release,
    procurement notice, parliamentary answer, published policy or survey) or not (media, leaks), which is
    the heart of the evidence grade. Matching is by keywords on folded text, first rule wins; see
    :data:`SOURCE_TYPE_RULES` for the order. The enum values themselves (``foi_response``...) map to
    themselves. Anything else is ``other`` with the info issue ``unrecognised_source_type``: ``other`` is
    not an official type, so an unrecognised source never overstates the evidence.

    Examples of the mapping: "FOI", "FOI response", "Freedom of Information" -> foi_response; "press
    release", "news release" -> press_release; "tender", "contract notice", "Contracts Finder",
    "procurement" -> procurement; "PQ", "written answer", "Hansard" -> parliamentary_answer; "policy" ->
    published_policy; "survey" -> survey; "media", "newspaper", "press report" -> media_report; "leak" ->
    leak.

    Args:
        values: Source-type cells (nulls and duplicates allowed).

    Returns:
        ``value``, ``source_type`` (String, SourceType values), ``issue``, ``severity``, ``message``.

    Example:
        >>> classify_source_types(pl.Series(["Hansard"])).get_column("source_type").to_list()
        ['parliamentary_answer']
    """
    return build_result(distinct_strings(values), _classify_source_type, {"source_type": pl.String}, ISSUE_SEVERITY)


# --------------------------------------------------------------------------------------------------------
# generic text
# --------------------------------------------------------------------------------------------------------

_EXCEL_ERRORS = frozenset(
    {"#N/A", "#N/A!", "#VALUE!", "#REF!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
)
_INVISIBLE = {"Cc", "Cf"}  # control and format characters (zero-width spaces, BOMs, direction marks)


def _clean_text(value: str) -> Row:
    """Clean one free-text cell; see :func:`clean_text`."""
    if value.strip().upper() in _EXCEL_ERRORS:
        return (
            None,
            "spreadsheet_error_value",
            f"{_quote(value)} is a spreadsheet error, not a value; it was left blank.",
        )
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in _INVISIBLE)
    lines = [_SPACES.sub(" ", line).strip() for line in kept.split("\n")]
    cleaned = "\n".join(lines).strip() or None
    if len(kept) != len(text):
        return (
            cleaned,
            "control_characters_removed",
            f"Invisible control characters were removed from {_quote(cleaned or '')}.",
        )
    return cleaned, None, None


def clean_text(values: pl.Series) -> pl.DataFrame:
    """Tidy generic free text (names, notes, letters) without changing what it says.

    Unicode is composed (NFC) so visually equal strings compare equal; invisible control and format
    characters (zero-width spaces, byte-order marks, direction marks) are removed with an info issue,
    since they break matching and de-duplication silently; spaces within each line collapse to one while
    line breaks are kept; spreadsheet error values such as ``#N/A`` or ``#REF!`` become null with a warning,
    because they are formula failures, not data.

    Args:
        values: Text cells (nulls and duplicates allowed).

    Returns:
        ``value``, ``text`` (String), ``issue``, ``severity``, ``message``.

    Example:
        >>> clean_text(pl.Series(["a\u200b  b"])).get_column("text").to_list()
        ['a b']
    """
    return build_result(distinct_strings(values), _clean_text, {"text": pl.String}, ISSUE_SEVERITY)
