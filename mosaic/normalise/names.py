"""Name-folding helpers shared by the authority and technology resolvers and the register loaders.

Why one module: the register loaders must reject two entries whose aliases collide *after* folding, and
the resolvers must fold input the same way, or a name that the loader accepted as distinct could match
two entries at resolution time. This module imports nothing from ``mosaic`` so any stage may use it.
"""

from __future__ import annotations

import re
import unicodedata

_PAREN = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_APOSTROPHE = re.compile(r"['\u2019\u2018`]")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Return a comparison key: accents removed, case folded, ``&`` read as "and", punctuation as space.

    Apostrophes are dropped rather than spaced (``Mayor's`` -> ``mayors``) and hyphens and dashes become
    spaces, so "Dyfed-Powys", "Dyfed–Powys" and "Dyfed Powys" fold alike.

    Example:
        >>> fold("  Avon & Somerset  Constabulary ")
        'avon and somerset constabulary'
        >>> fold("Seirbhís Póilíneachta")
        'seirbhis poilineachta'
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ").replace("+", " and ")
    text = _APOSTROPHE.sub("", text)
    return _NON_WORD.sub(" ", text).strip()


def strip_parenthetical(text: str) -> str:
    """Remove bracketed qualifiers such as "(any type)" or "[FOI team]" and tidy the spaces left behind.

    Example:
        >>> strip_parenthetical("Facial recognition (any type)")
        'Facial recognition'
    """
    previous = None
    while previous != text:  # nested brackets: strip innermost first
        previous, text = text, _PAREN.sub(" ", text)
    return " ".join(text.split())


def slugify(text: str) -> str:
    """Return a lower-case, hyphen-separated slug; "unnamed" when nothing is left.

    Used for ``unresolved:<slug>`` ids: stable for the same name whatever its case or punctuation, so
    two spellings that fold alike share one unresolved id and are never merged into a register entry.

    Example:
        >>> slugify("Gotham City P.D.")
        'gotham-city-p-d'
    """
    return "-".join(fold(text).split()) or "unnamed"


def strip_words(folded: str, *, prefixes: tuple[str, ...] = (), suffixes: tuple[str, ...] = ()) -> str:
    """Repeatedly remove whole-word prefixes and suffixes from a folded name, never emptying it.

    Longer phrases should come first in each tuple ("police service" before "police").

    Example:
        >>> strip_words("the kent police force", prefixes=("the",), suffixes=("police force", "police"))
        'kent'
    """
    changed = True
    while changed:
        changed = False
        for prefix in prefixes:
            if folded.startswith(prefix + " ") and len(folded) > len(prefix) + 1:
                folded, changed = folded[len(prefix) + 1 :], True
        for suffix in suffixes:
            if folded.endswith(" " + suffix) and len(folded) > len(suffix) + 1:
                folded, changed = folded[: -len(suffix) - 1], True
    return folded


def closest(text: str, choices: dict[str, str], *, limit: int = 3, cutoff: float = 50.0) -> list[str]:
    """The ``did you mean`` helper: ids of the choices (label -> id) whose labels are most like ``text``.

    One way everywhere (rapidfuzz's weighted ratio over folded text), best first, each id once.

    Example:
        >>> closest("clearsite", {"ClearSight Match": "clearsight-match", "Facewise Cloud": "facewise-cloud"})
        ['clearsight-match']
    """
    from rapidfuzz import fuzz, process  # imported here: most callers of this module never need it

    folded = {label: fold(label) for label in choices}
    found = process.extract(fold(text), folded, scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=cutoff)
    return list(dict.fromkeys(choices[label] for _, _, label in found))[:limit]
