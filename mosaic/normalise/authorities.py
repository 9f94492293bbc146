"""Resolve authority names as written in the input to ids in the authority register.

People write "Notts Police", "Nottinghamshire Constabulary", "THE NOTTINGHAMSHIRE POLICE FORCE" and
"Office of the Police and Crime Commissioner for Nottinghamshire" for two different authorities; an answer
attributed to the wrong one corrupts every map and consistency check. So resolution goes from the most
certain rule to the least, records which rule fired, and never guesses silently:

1. ``exact``: the register's official name, ignoring case, spaces, punctuation, accents and ``&``/"and".
2. ``alias``: one of the register's aliases (abbreviations, Welsh or former names), compared the same way.
3. ``normalised``: after removing a leading "The" (or Welsh "Heddlu") and trailing "Police", "Constabulary",
   "Police Service", "Police Force", "Force"; or, for a commissioner ("Office of the Police and Crime
   Commissioner for X", "X OPCC", "PCC for X", "X Police, Fire and Crime Commissioner"), by finding the
   force X and taking the commissioner linked to it in the register. A commissioner is its own authority
   (it answers FOI requests itself), so PCC names resolve to the PCC entry, not to the force.
4. ``fuzzy``: a typo ("Nottinghamshre") matched with rapidfuzz's ``token_sort_ratio`` on the names from
   rule 3, accepted only at or above the threshold, clearly ahead of the runner-up, and with the same
   compass words ("north", "south", "east", "west", "greater", "city"...) on both sides, so that North,
   South and West Yorkshire, or North and South Wales, can never be confused. Recorded with an info issue.
5. ``unresolved``: ``unresolved:<slug>``, with a warning issue; never merged into another authority.

With ``pcc_as_force=True`` a commissioner is replaced by its force (method ``linked``), for analyses that
treat a PCC's answer as its force's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl
from rapidfuzz import fuzz

from mosaic.normalise.names import fold, slugify, strip_parenthetical, strip_words
from mosaic.schema.vocab import MatchMethod, Severity

#: Severity of each issue code this module emits (the ingest stage adds it to the issues table).
ISSUE_SEVERITY: dict[str, Severity] = {
    "fuzzy_authority_match": Severity.INFO,
    "unresolved_authority": Severity.WARNING,
}

RESULT_SCHEMA = pl.Schema(
    {
        "value": pl.String(),
        "authority_id": pl.String(),
        "authority_match": pl.String(),
        "authority_match_score": pl.Float64(),
        "issue": pl.String(),
        "message": pl.String(),
    }
)

_FORCE_SUFFIXES = ("police service", "police force", "constabulary", "police", "force", "service")
_PREFIXES = ("the", "heddlu")
#: Words that tell neighbouring areas apart: a fuzzy match must agree on all of them.
_DISTINGUISHING = frozenset({"north", "south", "east", "west", "greater", "city", "mid", "central", "gogledd", "de"})
#: Fuzzy winners must beat the best *other* authority by this many points.
FUZZY_MARGIN = 5.0
_COMMISSIONER = re.compile(
    r"\b(crime commissioners?|crime and rescue commissioners?|o?p f?cc|o?pf?cc|commissioners? for police)\b"
)
_COMMISSIONER_WORDS = re.compile(
    r"\b(office of the|office of|offices of the|police fire and crime commissioners?|police fire and rescue and crime"
    r"|police and crime commissioners?|crime commissioners?|commissioners? for police|commissioners?|o?pf?cc|o p cc"
    r"|for the|for|of the|area)\b"
)


def force_key(text: str) -> str:
    """Return the folded name without a leading "The"/"Heddlu" and trailing "Police"-type words.

    Example:
        >>> force_key("The Nottinghamshire Police Force")
        'nottinghamshire'
    """
    return strip_words(fold(text), prefixes=_PREFIXES, suffixes=_FORCE_SUFFIXES)


def _commissioner_area(folded: str) -> str | None:
    """Return the area named in a commissioner's title ("opcc for kent" -> "kent"), or None if not one."""
    if not _COMMISSIONER.search(folded):
        return None
    area = " ".join(_COMMISSIONER_WORDS.sub(" ", folded).split())
    return strip_words(area, prefixes=_PREFIXES, suffixes=_FORCE_SUFFIXES) or None


@dataclass(frozen=True)
class _Match:
    authority_id: str
    method: MatchMethod
    score: float | None
    issue: str | None = None
    message: str | None = None


class _Index:
    """Lookup tables built once per call from the register (about a hundred rows)."""

    def __init__(self, register: pl.DataFrame) -> None:
        self.names: dict[str, str] = {}
        self.exact: dict[str, str] = {}
        self.alias: dict[str, str] = {}
        keys: dict[str, set[str]] = {}
        pcc_of: dict[str, str] = {}
        rows = register.select("authority_id", "name", "aliases", "kind", "linked_authority_id").to_dicts()
        for row in rows:
            aid = row["authority_id"]
            self.names[aid] = row["name"]
            self.exact[fold(row["name"])] = aid
            for alias in row["aliases"] or []:
                self.alias.setdefault(fold(alias), aid)
            for text in [row["name"], *(row["aliases"] or [])]:
                keys.setdefault(force_key(text), set()).add(aid)
            if row["kind"] == "police_and_crime_commissioner" and row["linked_authority_id"]:
                pcc_of[row["linked_authority_id"]] = aid
        # a key claimed by two authorities identifies neither: leave it out rather than pick one
        self.key: dict[str, str] = {k: next(iter(v)) for k, v in keys.items() if len(v) == 1}
        is_pcc = {r["authority_id"] for r in rows if r["kind"] == "police_and_crime_commissioner"}
        self.force_keys = {k: a for k, a in self.key.items() if a not in is_pcc}
        self.pcc_keys = {k: pcc_of[a] for k, a in self.force_keys.items() if a in pcc_of}
        self.linked = {r["authority_id"]: r["linked_authority_id"] for r in rows if r["linked_authority_id"]}

    def fuzzy(self, key: str, candidates: dict[str, str], threshold: float) -> tuple[_Match | None, str]:
        """Best fuzzy candidate if it passes every guard; else None and a note on the closest one."""
        if len(key) < 4:
            return None, ""
        words = set(key.split()) & _DISTINGUISHING
        best: dict[str, float] = {}
        for cand, aid in candidates.items():
            if set(cand.split()) & _DISTINGUISHING != words:
                continue
            score = fuzz.token_sort_ratio(key, cand)
            best[aid] = max(score, best.get(aid, 0.0))
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
        if not ranked:
            return None, ""
        top_id, top = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        note = f"; the closest was {self.names[top_id]} (score {top:.0f})"
        if top < threshold or top - second < FUZZY_MARGIN:
            return None, note
        return _Match(top_id, MatchMethod.FUZZY, round(top, 1), "fuzzy_authority_match"), ""


def _resolve_one(value: str, index: _Index, threshold: float) -> _Match:
    folded = fold(value)
    for text in dict.fromkeys([folded, fold(strip_parenthetical(value))]):
        if text in index.exact:
            method = MatchMethod.EXACT if text == folded else MatchMethod.NORMALISED
            return _Match(index.exact[text], method, 100.0)
        if text in index.alias:
            method = MatchMethod.ALIAS if text == folded else MatchMethod.NORMALISED
            return _Match(index.alias[text], method, 100.0)
    text = fold(strip_parenthetical(value))
    area = _commissioner_area(text)
    if area is not None:
        key, candidates = area, index.pcc_keys
    else:
        key, candidates = strip_words(text, prefixes=_PREFIXES, suffixes=_FORCE_SUFFIXES), index.key
    if key in candidates:
        return _Match(candidates[key], MatchMethod.NORMALISED, 100.0)
    match, note = index.fuzzy(key, candidates, threshold)
    if match is not None:
        name = index.names[match.authority_id]
        return _Match(
            match.authority_id, match.method, match.score, match.issue,
            f"Authority name {value!r} was matched to {name} ({match.authority_id}) by similarity "
            f"(score {match.score:.0f}); check it is the same authority.",
        )  # fmt: skip
    kind = "police and crime commissioner" if area is not None else "authority"
    return _Match(
        f"unresolved:{slugify(value)}", MatchMethod.UNRESOLVED, None, "unresolved_authority",
        f"Authority name {value!r} matches no {kind} in the register{note}; "
        "it is kept as its own authority. Add an alias to data/reference/authorities.csv if it is known.",
    )  # fmt: skip


def resolve_authorities(
    names: pl.Series,
    register: pl.DataFrame,
    *,
    fuzzy_threshold: float = 90.0,
    pcc_as_force: bool = False,
) -> pl.DataFrame:
    """Resolve each distinct authority name to a register id, saying how and how surely.

    Callers pass (or this takes) the distinct names only and join the result back to their rows on
    ``value``, so the Python-level work is per distinct name, not per row.

    Args:
        names: authority names as given in the input (nulls are ignored; duplicates are collapsed).
        register: the frame from ``mosaic.registry.load_authorities``.
        fuzzy_threshold: the lowest rapidfuzz score (0-100) a fuzzy match may have.
        pcc_as_force: report a commissioner as its force (match ``linked``) instead of as itself.

    Returns:
        One row per distinct non-null name, in first-seen order, with ``RESULT_SCHEMA``: ``value``,
        ``authority_id``, ``authority_match`` (a ``MatchMethod``), ``authority_match_score`` (100 for
        exact/alias/normalised/linked, the similarity for fuzzy, null when unresolved), ``issue``
        (``fuzzy_authority_match`` or ``unresolved_authority``; severities in ``ISSUE_SEVERITY``) and
        ``message`` (one sentence for the user).

    Example:
        >>> from mosaic.registry import load_authorities
        >>> out = resolve_authorities(pl.Series(["Notts Police", "OPCC for Kent"]), load_authorities())
        >>> out.select("authority_id", "authority_match").rows()
        [('nottinghamshire', 'alias'), ('pcc-kent', 'normalised')]
    """
    index = _Index(register)
    values = names.cast(pl.String).drop_nulls().unique(maintain_order=True).to_list()
    records = []
    for value in values:
        match = _resolve_one(value, index, fuzzy_threshold)
        if pcc_as_force and match.authority_id in index.linked:
            match = _Match(index.linked[match.authority_id], MatchMethod.LINKED, 100.0, match.issue, match.message)
        records.append((value, match.authority_id, match.method.value, match.score, match.issue, match.message))
    return pl.DataFrame(records, schema=RESULT_SCHEMA, orient="row")
