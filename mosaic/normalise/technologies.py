"""Resolve what a request asked about (technology, product, vendor as written) to the taxonomy.

Input rows say the same thing many ways: technology "facial recognition" with vendor "Amazon
Rekognition"; product "Cellebrite"; technology "IMSI catcher". The analyses compare answers about the
*same* product or category, so each distinct (technology_name, product, vendor) is resolved to the most
specific taxonomy entry it names, by these rules in order:

1. A product (or variant) named in the ``product`` column, else in the ``vendor`` column (people often
   put the product there), wins.
2. Else a ``vendor`` that is the vendor of exactly one product within the technology named is that
   product (match ``linked``: found through the register's vendor attribute; a family counts once, with
   its variants). "NEC" with "live facial recognition" is NEC NeoFace Live, with "facial recognition" the
   NEC NeoFace family; "DJI" with "drones" stays at "drones" (DJI makes two).
3. Else the ``technology_name`` (or a category named in ``product``; the deeper wins).

Names are compared folded (case, accents, punctuation, ``&``), then after removing bracketed qualifiers
("(any type)"), a leading "the"/"use of", trailing generic words ("technology", "software", "system"...)
and a final plural "s" (match ``normalised``), then by rapidfuzz similarity (match ``fuzzy``, with an info
issue; numbers such as model numbers must agree and the best must lead the runner-up clearly).

A product that is not in the taxonomy, under a technology that is, becomes ``unresolved:<slug>`` placed
under that technology's path (so category-level analyses still count it) with a warning; an entirely
unknown technology becomes ``unresolved:<slug>``. Nothing is guessed silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl
from rapidfuzz import fuzz

from mosaic.errors import SchemaError
from mosaic.normalise.names import fold, slugify, strip_parenthetical, strip_words
from mosaic.registry.technologies import CATEGORY_SEPARATOR, technology_pairs
from mosaic.schema.vocab import MatchMethod, Severity

#: Severity of each issue code this module emits (the ingest stage adds it to the issues table).
ISSUE_SEVERITY: dict[str, Severity] = {
    "fuzzy_technology_match": Severity.INFO,
    "unresolved_technology": Severity.WARNING,
    "technology_mismatch": Severity.WARNING,
    "missing_technology": Severity.WARNING,
}

KEY_COLUMNS: tuple[str, ...] = ("technology_name", "product", "vendor")
RESULT_SCHEMA = pl.Schema(
    {
        "technology_name": pl.String(),
        "product": pl.String(),
        "vendor": pl.String(),
        "technology_id": pl.String(),
        "technology_match": pl.String(),
        "technology_match_score": pl.Float64(),
        "product_resolved": pl.String(),
        "vendor_resolved": pl.String(),
        "category": pl.String(),
        "issue": pl.String(),
        "message": pl.String(),
    }
)

_PREFIXES = ("the", "use of", "use", "any")
_SUFFIXES = (
    "technology", "technologies", "software", "systems", "system", "solution", "tools", "tool",
    "devices", "device", "equipment", "services", "service", "platform", "products", "product",
)  # fmt: skip
_VENDOR_SUFFIXES = ("ltd", "limited", "plc", "inc", "llc", "gmbh", "ab", "corporation", "corp", "group", "uk")
#: Fuzzy winners must beat the best *other* entry by this many points.
FUZZY_MARGIN = 5.0
_DIGITS = re.compile(r"\d+")
_SEVERITY_ORDER = {Severity.INFO: 0, Severity.WARNING: 1}


def technology_key(text: str) -> str:
    """Return the comparison key of a technology name after the ``normalised`` rules.

    Example:
        >>> technology_key("Facial Recognition Technology (any type)")
        'facial recognition'
        >>> technology_key("IMSI catchers")
        'imsi catcher'
    """
    key = strip_words(fold(strip_parenthetical(text)), prefixes=_PREFIXES, suffixes=_SUFFIXES)
    words = key.split()
    if words and len(words[-1]) > 3 and words[-1].endswith("s") and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]
    return " ".join(words)


def _vendor_key(text: str) -> str:
    return strip_words(fold(strip_parenthetical(text)), suffixes=_VENDOR_SUFFIXES)


@dataclass(frozen=True)
class _Term:
    technology_id: str
    method: MatchMethod
    score: float


class _Taxonomy:
    """Lookup tables built once per call from the taxonomy (a few dozen rows)."""

    def __init__(self, taxonomy: pl.DataFrame) -> None:
        rows = taxonomy.select("technology_id", "name", "level", "vendor", "aliases", "category").to_dicts()
        self.row = {r["technology_id"]: r for r in rows}
        # Everything at or above each entry: its tree path and a variant's second category (``also_under``).
        self.above: dict[str, set[str]] = {}
        for ancestor, descendant in technology_pairs(taxonomy).select("ancestor_id", "descendant_id").iter_rows():
            self.above.setdefault(descendant, set()).add(ancestor)
        self.exact = {fold(r["name"]): r["technology_id"] for r in rows}
        self.alias = {fold(a): r["technology_id"] for r in rows for a in r["aliases"] or []}
        keys: dict[str, set[str]] = {}
        for r in rows:
            for text in [r["name"], *(r["aliases"] or [])]:
                keys.setdefault(technology_key(text), set()).add(r["technology_id"])
        self.key = {k: next(iter(v)) for k, v in keys.items() if len(v) == 1 and k}
        self.by_vendor: dict[str, set[str]] = {}
        for r in rows:
            if r["vendor"] and r["level"] in ("product", "variant"):
                self.by_vendor.setdefault(_vendor_key(r["vendor"]), set()).add(r["technology_id"])

    def is_product(self, technology_id: str) -> bool:
        return self.row[technology_id]["level"] in ("product", "variant")

    def within(self, inner: str, outer: str) -> bool:
        """True when ``inner`` is ``outer`` or below it (through the tree or a second category)."""
        return outer in self.above.get(inner, {inner})

    def term(self, text: str | None, threshold: float) -> _Term | None:
        """Resolve one cell by the exact, alias, normalised and fuzzy rules; None if nothing fits."""
        if text is None or not fold(text):
            return None
        folded = fold(text)
        if folded in self.exact:
            return _Term(self.exact[folded], MatchMethod.EXACT, 100.0)
        if folded in self.alias:
            return _Term(self.alias[folded], MatchMethod.ALIAS, 100.0)
        key = technology_key(text)
        if key in self.key:
            return _Term(self.key[key], MatchMethod.NORMALISED, 100.0)
        if len(key) < 4:
            return None
        digits = set(_DIGITS.findall(key))
        best: dict[str, float] = {}
        for cand, tid in self.key.items():
            if set(_DIGITS.findall(cand)) != digits:
                continue
            best[tid] = max(fuzz.token_sort_ratio(key, cand), best.get(tid, 0.0))
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
        if not ranked:
            return None
        top_id, top = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        if top >= threshold and top - second >= FUZZY_MARGIN:
            return _Term(top_id, MatchMethod.FUZZY, round(top, 1))
        return None

    def vendor_product(self, vendor: str | None, within: str) -> str | None:
        """The single product of ``vendor`` at or below ``within``, or None (unknown vendor or several).

        A family and its variants count as one product: the broadest of them that fits is taken."""
        if vendor is None:
            return None
        found = {p for p in self.by_vendor.get(_vendor_key(vendor), set()) if self.within(p, within)}
        found = [p for p in found if not any(q != p and self.within(p, q) for q in found)]
        return found[0] if len(found) == 1 else None


def _resolve_one(
    technology_name: str | None, product: str | None, vendor: str | None, tax: _Taxonomy, threshold: float
) -> tuple:
    t = tax.term(technology_name, threshold)
    p = tax.term(product, threshold)
    v = tax.term(vendor, threshold)
    if v is not None and not tax.is_product(v.technology_id):
        v = None  # a vendor cell naming a category says nothing about the product
    issues: list[tuple[str, str]] = []
    chosen: _Term | None = None
    unresolved: str | None = None
    if p is not None and tax.is_product(p.technology_id):
        chosen = p
    elif product is None and v is not None:
        chosen = v
    elif product is not None and p is None:
        unresolved = product  # an unknown product: keep it, under whatever the technology says
    elif t is not None and product is None and (found := tax.vendor_product(vendor, t.technology_id)):
        chosen = _Term(found, MatchMethod.LINKED, 100.0)
    if chosen is None and unresolved is None:
        if p is not None and t is not None:  # both name categories: the deeper one; the product cell if unrelated
            chosen = t if tax.within(t.technology_id, p.technology_id) else p
        else:
            chosen = p or t
    if chosen is not None and t is not None and chosen is not t:
        if not (tax.within(chosen.technology_id, t.technology_id) or tax.within(t.technology_id, chosen.technology_id)):
            issues.append((
                "technology_mismatch",
                f"{tax.row[chosen.technology_id]['name']} ({chosen.technology_id}) is not a kind of "
                f"{tax.row[t.technology_id]['name']} ({t.technology_id}), as the technology column says; "
                "the more specific entry was kept.",
            ))  # fmt: skip
    for cell, term in (("technology", t), ("product", p), ("vendor", v)):
        if term is not None and term.method is MatchMethod.FUZZY and (term is chosen or (unresolved and term is t)):
            given = {"technology": technology_name, "product": product, "vendor": vendor}[cell]
            issues.append((
                "fuzzy_technology_match",
                f"{cell.capitalize()} {given!r} was matched to {tax.row[term.technology_id]['name']} "
                f"({term.technology_id}) by similarity (score {term.score:.0f}); check it is the same thing.",
            ))  # fmt: skip
    if unresolved is not None or chosen is None:
        named = unresolved or technology_name or vendor
        if named is None or not fold(named):
            return (
                None,
                MatchMethod.UNRESOLVED.value,
                None,
                product,
                vendor,
                None,
                "missing_technology",
                "No technology, product or vendor was given, so the row cannot be placed in the taxonomy.",
            )
        slug = f"unresolved:{slugify(named)}"
        if unresolved is not None and t is not None:
            category = tax.row[t.technology_id]["category"] + CATEGORY_SEPARATOR + slug
            where = f"under {tax.row[t.technology_id]['name']} ({t.technology_id})"
        elif unresolved is not None and technology_name is not None and fold(technology_name):
            category = f"unresolved:{slugify(technology_name)}" + CATEGORY_SEPARATOR + slug
            where = "under an unknown technology"
        else:
            category, where = slug, "as a technology of its own"
        issues.insert(0, (
            "unresolved_technology",
            f"{named!r} matches nothing in the technology taxonomy; it is kept {where} as {slug}. "
            "Add it or an alias to data/reference/technologies.csv if it is known.",
        ))  # fmt: skip
        issue, message = _combine(issues)
        return (slug, MatchMethod.UNRESOLVED.value, None, product, vendor, category, issue, message)
    row = tax.row[chosen.technology_id]
    is_product = tax.is_product(chosen.technology_id)
    issue, message = _combine(issues)
    return (
        chosen.technology_id, chosen.method.value, chosen.score,
        row["name"] if is_product else product,
        (row["vendor"] or vendor) if is_product else vendor,
        row["category"], issue, message,
    )  # fmt: skip


def _combine(issues: list[tuple[str, str]]) -> tuple[str | None, str | None]:
    """One issue code per row (the most severe; first on ties), with every sentence kept in the message."""
    if not issues:
        return None, None
    code = max(issues, key=lambda i: _SEVERITY_ORDER[ISSUE_SEVERITY[i[0]]])[0]
    return code, " ".join(message for _, message in issues)


def resolve_technologies(rows: pl.DataFrame, taxonomy: pl.DataFrame, *, fuzzy_threshold: float = 90.0) -> pl.DataFrame:
    """Resolve each distinct (technology_name, product, vendor) to the most specific taxonomy entry.

    Args:
        rows: String columns ``technology_name``, ``product``, ``vendor`` (any cell may be null); duplicate
            rows are collapsed, so callers can pass ``frame.select(KEY_COLUMNS).unique()`` and join the
            result back on those three columns (``nulls_equal=True``).
        taxonomy: the frame from ``mosaic.registry.load_technologies``.
        fuzzy_threshold: the lowest rapidfuzz score (0-100) a fuzzy match may have.

    Returns:
        One row per distinct input row, first-seen order, with ``RESULT_SCHEMA``: the three key columns,
        ``technology_id``, ``technology_match`` (a ``MatchMethod``; ``linked`` for the vendor rule),
        ``technology_match_score`` (null when unresolved), ``product_resolved`` (the taxonomy's name when
        a product or variant was resolved, else the product as given), ``vendor_resolved``, ``category``
        (the taxonomy path), ``issue`` (most severe code; severities in ``ISSUE_SEVERITY``) and ``message``.

    Raises:
        SchemaError: ``rows`` lacks one of the three key columns (a caller bug, found before any work).

    Example:
        >>> from mosaic.registry import load_technologies
        >>> rows = pl.DataFrame({"technology_name": ["facial recognition"], "product": [None],
        ...                      "vendor": ["Amazon Rekognition"]}, schema={c: pl.String for c in KEY_COLUMNS})
        >>> resolve_technologies(rows, load_technologies()).item(0, "technology_id")
        'amazon-rekognition'
    """
    missing = [c for c in KEY_COLUMNS if c not in rows.columns]
    if missing:
        raise SchemaError(f"resolve_technologies: input lacks column(s) {', '.join(missing)}")
    tax = _Taxonomy(taxonomy)
    distinct = rows.select(pl.col(c).cast(pl.String) for c in KEY_COLUMNS).unique(maintain_order=True)
    records = [
        (technology_name, product, vendor, *_resolve_one(technology_name, product, vendor, tax, fuzzy_threshold))
        for technology_name, product, vendor in distinct.iter_rows()
    ]
    return pl.DataFrame(records, schema=RESULT_SCHEMA, orient="row")
