"""Normalise free-text exemption citations to one code per exemption limb.

Why: the exemption-consistency check compares the *sets* of exemptions authorities cited for the same
question, and the NCND checks ask whether an NCND cited a duty-to-confirm-or-deny limb at all. Both need
"Section 24(2) and 31(3)", "s.24 (2)" and "24(2) & 31(3)" to become the same codes.

Code grammar (:data:`CODE_PATTERN`; every code this module emits matches it):

=================  ==========================  ========================================================
law                code                        examples
=================  ==========================  ========================================================
FOIA 2000          ``s<N>`` or ``s<N>(<k>)``   ``s24(2)``, ``s31(3)``, ``s40(5B)``, ``s22A(2)``, ``s12``
FOISA 2002         ``foisa_s<N>``              ``foisa_s18``, ``foisa_s35``
EIR 2004           ``reg<N>`` or ``reg<N>(<k>)``  ``reg12(6)``, ``reg12(5)``, ``reg13(1)``
=================  ==========================  ========================================================

Decisions:

* **FOIA keeps section and subsection, drops paragraphs**: ``s31(1)(a)`` -> ``s31(1)``. The subsection
  is the *limb* (``s31(1)`` withholds information, ``s31(3)`` excludes the duty to confirm or deny), and
  the limb is what the checks need; paragraphs (which law-enforcement purpose) would split otherwise
  identical answers. A subsection letter is kept upper-case as the statute writes it (``s40(5B)``).
  ``s12(1)`` and ``s12`` stay different codes: the text did not say which.
* **FOISA keeps the section only**: ``s.18(1) FOI(S)A`` -> ``foisa_s18``. FOISA has no per-exemption NCND
  limbs; its NCND is a section of its own (s18), so subsections carry nothing the checks use.
* **EIR keeps regulation and paragraph, drops sub-paragraphs**: ``reg12(5)(a)`` -> ``reg12(5)``, by the
  same reasoning as FOIA (``reg12(6)`` is the NCND limb).
* **Which law**: a ``reg``/``regulation`` prefix means EIR. Otherwise a text that mentions FOISA,
  ``FOI(S)A`` or Scotland, or any text from a Scottish authority (``scottish_authority``: Police
  Scotland's bare "section 18" is FOISA s18, its NCND provision), is read as FOISA throughout; a text that mentions the EIR (and not FOIA) reads
  its unprefixed numbers as regulations; everything else is FOIA.
* **Only real exemption numbers**: FOIA sections 21-44 (and 22A) plus 12 (cost) and 14 (vexatious);
  FOISA 25-41 plus 12, 14 and 18; EIR regulations 12 and 13. Other numbers are not exemptions.
* **Not inventing sections**: a number is read as a section only when it has a prefix (``s``, ``ss``,
  ``sec.``, ``section(s)``, ``reg``, ``regulation``), or a subsection in brackets (``23(5)``), or continues
  a list that started that way (``Sections 23(5), 24`` / ``ss24(2) and 31(3)`` / ``s 24(2)/31(3)``).
  Dates, times and any token with three or more consecutive digits (``FOI 2024/00123``,
  ``IC-123456-A1B2``, ``05/07/2024``) are masked first.
* **Sibling subsections**: a bracketed subsection after a citation belongs to the same section
  (``40(2)&(3)`` and ``40(2)(a)(b) and (3)(a)(i)`` cite ``s40(2)`` and ``s40(3)``), as does a numbered one
  with a letter (``40(2) & 3A(a)`` -> ``s40(3A)``), as the Metropolitan Police write them. A bare number
  after a citation (``40(5) and 2``) is not guessed at.

Issues: ``unparseable_exemption`` (warning) when something that looks like a citation (as above) names no
exemption, e.g. ``section 17``; ``exemption_without_limb`` (info) when a section with a
duty-to-confirm-or-deny limb is cited without a subsection (``Section 24``), since the limb is what marks an
NCND. Text with no citation at all ("Not held", "none", "N/A") gives an empty list and no issue.
"""

from __future__ import annotations

import functools
import re

import polars as pl

from mosaic.normalise.values import _quote, build_result, distinct_strings
from mosaic.schema.vocab import Severity

__all__ = [
    "CODE_PATTERN",
    "ISSUE_SEVERITY",
    "NCND_LIMBS",
    "REFUSAL_CODES",
    "exemption_codes",
    "is_ncnd_limb",
    "parse_exemptions",
]

#: Severity of every issue code :func:`parse_exemptions` emits.
ISSUE_SEVERITY: dict[str, Severity] = {
    "unparseable_exemption": Severity.WARNING,
    "exemption_without_limb": Severity.INFO,
}

#: Every code this module can emit matches this (see the module docstring).
CODE_PATTERN = re.compile(
    r"^(?:s(?:1[24]|2[1-9]|22A|3\d|4[0-4])(?:\(\d{1,2}[A-Z]?\))?"
    r"|foisa_s(?:1[248]|2[5-9]|3\d|4[01])"
    r"|reg1[23](?:\(\d{1,2}[A-Z]?\))?)$"
)

#: The limbs that exclude the duty to confirm or deny: an NCND must cite one of these (domain.md, check 5).
NCND_LIMBS: frozenset[str] = frozenset(
    {
        "s22(2)", "s22A(2)", "s23(5)", "s24(2)", "s26(3)", "s27(4)", "s28(3)", "s29(2)", "s30(3)", "s31(3)",
        "s32(3)", "s33(3)", "s34(2)", "s35(3)", "s36(3)", "s37(2)", "s38(2)", "s39(2)", "s40(5)", "s40(5A)",
        "s40(5B)", "s41(2)", "s42(2)", "s43(3)", "s44(2)",
        "foisa_s18",
        "reg12(6)", "reg13(5)", "reg13(5A)", "reg13(5B)",
    }
)  # fmt: skip

#: Codes that refuse a request without confirming or denying (cost limit, vexatious or repeated).
REFUSAL_CODES: frozenset[str] = frozenset(
    {"s12", "s12(1)", "s12(2)", "s14", "s14(1)", "s14(2)", "foisa_s12", "foisa_s14"}
)

_FOIA_SECTIONS = frozenset({12, 14, *range(21, 45)})
_FOISA_SECTIONS = frozenset({12, 14, 18, *range(25, 42)})
_EIR_REGULATIONS = frozenset({12, 13})
#: Sections whose subsection decides whether they were used to NCND (all with an entry in NCND_LIMBS).
#: Cited without its subsection ("s24", "s31"), such a section could have been the NCND limb or not.
LIMBED_SECTIONS = frozenset(code.split("(")[0] for code in NCND_LIMBS if "(" in code)

_PREFIX = r"(?P<prefix>sections?|secs?|ss|s|regulations?|regs?|\u00a7+)"
_CITATION = re.compile(
    r"(?<![A-Za-z0-9])(?:" + _PREFIX + r"\s*\.?\s*)?"
    r"(?P<num>[1-9]\d?)(?P<letter>A(?![A-Za-z]))?(?!\d)"
    r"(?:\s*\(\s*(?P<sub>\d{1,2})\s*(?P<subletter>[A-Za-z])?\s*\))?"
    r"(?:\s*\(\s*(?:[a-z]|[ivx]{1,5})\s*\))*",
    re.IGNORECASE,
)
#: A sibling subsection written after a citation without its section number: the "(3)" of "40(2)&(3)" and
#: of "40(2)(a)(b) and (3)(a)(i)", which cite s40(2) and s40(3).
_SIBLING = re.compile(
    r"\s*(?:,|&|/|\band\b)\s*\(\s*(?P<sub>\d{1,2})\s*(?P<subletter>[A-Za-z])?\s*\)(?:\s*\(\s*(?:[a-z]|[ivx]{1,5})\s*\))*",
    re.IGNORECASE,
)
_CHAIN_GAP = re.compile(r"^(?:[\s,/&+;]|\band\b|\bor\b)*$", re.IGNORECASE)
_DATE_LIKE = re.compile(r"(?<![\w.])(\d{1,4})([/.\-])(\d{1,2})\2(\d{1,4})(?![\w])")
_TIME_LIKE = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)")
_TOKEN = re.compile(r"[\w/.\-]+")  # a run that a reference number or date would be written as
_LONG_DIGITS = re.compile(r"\d{3}")
_SCOTTISH = re.compile(r"foisa|foi\s*\(\s*s\s*\)\s*a|scotland|scottish", re.IGNORECASE)
_EIR = re.compile(r"\beirs?\b|environmental information", re.IGNORECASE)
_FOIA = re.compile(r"\bfoia\b|\bfoi act\b|freedom of information act 2000", re.IGNORECASE)
_MASK = " ~ "  # not a list separator, so a masked date breaks a citation list


def _mask_date(match: re.Match[str]) -> str:
    """Mask a d/m/y (or y/m/d) group only when it could be a date, so ``s24/31/23`` survives."""
    a, b, c = match.group(1), match.group(3), match.group(4)
    if len(a) == 4 or len(c) in (2, 4) and (int(b) <= 12 and int(a) <= 31 or int(a) <= 12 and int(b) <= 31):
        return _MASK
    return match.group(0)


def _mask_reference(match: re.Match[str]) -> str:
    """Mask a token with three or more consecutive digits (a year, a case or request reference)."""
    return _MASK if _LONG_DIGITS.search(match.group(0)) else match.group(0)


def _scan(text: str, scottish_authority: bool = False) -> tuple[list[str], list[str], list[str]]:
    """Find citations in ``text``: (codes, unreadable citations, codes lacking a limb).

    ``scottish_authority``: the answer came from a Scottish public authority, which answers under FOISA,
    so its unqualified "section 18" is FOISA s18 (the NCND provision), as if the text said FOISA.
    """
    masked = _TOKEN.sub(_mask_reference, _TIME_LIKE.sub(_MASK, _DATE_LIKE.sub(_mask_date, text)))
    scottish = scottish_authority or bool(_SCOTTISH.search(masked))
    eir_default = bool(_EIR.search(masked)) and not _FOIA.search(masked)
    codes: set[str] = set()
    unreadable: list[str] = []
    chain_kind: str | None = None
    chain_end = -1
    last_section: int | None = None  # the section number of the last citation with a subsection
    consumed = -1  # the end of the last sibling subsection read, whose digits are not citations again
    for match in _CITATION.finditer(masked):
        if match.start() < consumed:
            continue
        prefix = (match["prefix"] or "").lower()
        in_chain = chain_kind is not None and bool(_CHAIN_GAP.match(masked[chain_end : match.start()]))
        if prefix.startswith("reg"):
            kind = "eir"
        elif prefix:
            kind = "foisa" if scottish else "foia"
        elif in_chain:
            kind = chain_kind
        elif match["sub"] is not None:
            kind = "foisa" if scottish else "eir" if eir_default else "foia"
        else:
            chain_kind = None
            continue  # a bare number: not a citation
        chain_kind, chain_end = kind, match.end()
        code = _code(kind, int(match["num"]), match["letter"], match["sub"], match["subletter"])
        sibling_only = (
            code is None
            and in_chain
            and last_section is not None
            and not prefix
            and match["letter"]
            and match["sub"] is None
        )
        if sibling_only:  # "40(2) & 3A(a)": subsection 3A of the section just cited, written without its number
            code = _code(kind, last_section, None, match["num"], match["letter"])
        if code is None:
            unreadable.append(" ".join(match.group(0).split()))
            last_section = None
            continue
        codes.add(code)
        if not sibling_only:
            last_section = int(match["num"]) if match["sub"] is not None and not match["letter"] else None
        position = match.end()
        while last_section is not None and (sibling := _SIBLING.match(masked, position)) is not None:
            sibling_code = _code(kind, last_section, None, sibling["sub"], sibling["subletter"])
            if sibling_code is not None:
                codes.add(sibling_code)
            position = chain_end = consumed = sibling.end()
    limbless = sorted(c for c in codes if c in LIMBED_SECTIONS)
    return sorted(codes), unreadable, limbless


def _code(kind: str, num: int, letter: str | None, sub: str | None, subletter: str | None) -> str | None:
    """The normalised code of one citation, or None when it names no exemption of that law."""
    limb = f"({int(sub)}{(subletter or '').upper()})" if sub is not None else ""
    if kind == "foisa":
        return f"foisa_s{num}" if num in _FOISA_SECTIONS and not letter else None
    if kind == "eir":
        return f"reg{num}{limb}" if num in _EIR_REGULATIONS and not letter else None
    if letter:
        return f"s22A{limb}" if num == 22 else None
    return f"s{num}{limb}" if num in _FOIA_SECTIONS else None


def exemption_codes(text: str, *, scottish_authority: bool = False) -> list[str]:
    """The sorted, distinct exemption codes cited in one piece of text (scalar form of the cleaner).

    Example:
        >>> exemption_codes("NCND under s.24 (2) and 31(3)")
        ['s24(2)', 's31(3)']
        >>> exemption_codes("Section 18", scottish_authority=True)
        ['foisa_s18']
    """
    return _scan(text, scottish_authority)[0]


def is_ncnd_limb(code: str) -> bool:
    """Whether ``code`` excludes the duty to confirm or deny (an NCND limb such as ``s24(2)``)."""
    return code in NCND_LIMBS


def _parse_one(value: str, scottish_authority: bool = False) -> tuple[list[str], str | None, str | None]:
    """Parse one distinct value; see :func:`parse_exemptions`."""
    codes, unreadable, limbless = _scan(value, scottish_authority)
    if unreadable:
        names = ", ".join(f"'{u}'" for u in unreadable)
        subject = _quote(value) if [value.strip()] == unreadable else f"{_quote(value)} cites {names}, which"
        kept = f"; kept {', '.join(codes)}" if codes else ""
        if not scottish_authority and not _scan(value, True)[1]:
            # "section 18" from a force the register does not know as Scottish (a legacy Scottish force,
            # say): FOISA's NCND section, but only a Scottish authority answers under FOISA.
            return (
                codes,
                "unparseable_exemption",
                (
                    f"{subject} is not an exemption in FOIA (sections 12, 14, 21-44) or the EIR (regulations "
                    f"12-13){kept}. It is one in FOISA, but only an authority the register knows as Scottish "
                    "is read as answering under FOISA: write the Act (such as 'section 18 of FOISA'), or add "
                    "the authority to data/reference/authorities.csv."
                ),
            )
        return (
            codes,
            "unparseable_exemption",
            (
                f"{subject} is not an exemption this tool knows "
                f"(FOIA sections 12, 14, 21-44; FOISA 12, 14, 18, 25-41; EIR regulations 12-13){kept}."
            ),
        )
    if limbless:
        return (
            codes,
            "exemption_without_limb",
            (
                f"{_quote(value)} cites {', '.join(limbless)} without a subsection, so it does not show whether "
                "the exemption was used to neither confirm nor deny."
            ),
        )
    return codes, None, None


def parse_exemptions(values: pl.Series, *, scottish_authority: bool = False) -> pl.DataFrame:
    """Parse free-text exemption citations into sorted, distinct normalised codes.

    Used on both the exemptions column and the outcome text (which often says "NCND s24(2) & s31(3)").
    See the module docstring for the code grammar, the decisions behind it and the issue codes.

    Args:
        values: Exemption (or outcome) cells (nulls and duplicates allowed).
        scottish_authority: The cells come from Scottish authorities' answers, which are under FOISA: an
            unqualified "s18" is then FOISA s18 (their NCND provision), not an unknown FOIA section.

    Returns:
        One row per distinct non-null value: ``value`` (String), ``exemptions`` (List(String), sorted and
        distinct; empty when none), ``issue``, ``severity``, ``message``.

    Example:
        >>> parse_exemptions(pl.Series(["ss24(2) and 31(3)"])).get_column("exemptions").to_list()
        [['s24(2)', 's31(3)']]
    """
    parse = functools.partial(_parse_one, scottish_authority=scottish_authority)
    return build_result(distinct_strings(values), parse, {"exemptions": pl.List(pl.String)}, ISSUE_SEVERITY)
