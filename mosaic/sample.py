"""Generate a SYNTHETIC spreadsheet of FOI answers, messy as a hand-typed one, with known patterns planted.

Why: the ingest pipeline and every analysis need an input that looks like what users really keep (varied
header spellings, names, date formats and outcome wording; quotes and newlines in notes) *and* whose
answer is known, so tests and demos can check that each check finds what was planted. Real answers cannot
serve: the sample names real police forces, so every product in it is a fictional one from the taxonomy
(``is_synthetic`` true; only the categories above them, such as "Facial recognition", are real), every
``Notes`` cell starts with ``SYNTHETIC``, and every source URL is on the reserved ``example.org`` domain
(``https://foi.example.org/...``, ``https://news.example.org/...``). Nothing here says a real force used a
real product.

Public API: ``generate_sample``, ``write_sample``, ``planted_patterns``, ``SAMPLE_COLUMNS``,
``PLANTED_ROLES``, ``SKIPPED_WAVES``, ``DEFAULT_WAVES``.

The bundled sample (``rows=None``)
----------------------------------
The *asked* forces are every ``territorial_force`` plus Police Scotland, PSNI and British Transport Police
(found by name or alias). Eight round-robin request waves go to most of them (about 9 in 10 per wave, at
random; the rest were not asked). The technologies are picked from the taxonomy by rule (see
``planted_patterns``): C1 is the category with most synthetic products (facial recognition preferred),
P1 and P2 its first two synthetic products by id, Q1 the first synthetic product outside C1 and C2 its
top category. With the bundled taxonomy: C1 = ``facial-recognition``, P1 = ``clearsight-match``,
P2 = ``facewise-cloud``, Q1 = ``cellshade-mini``, C2 = ``covert-communications-data-capture``.

======  ==========  ========  ============================================================
wave    sent        asks      mood of the background answers
======  ==========  ========  ============================================================
1       2019-03-04  C1        mostly confirm/deny; some NCND and overt/covert splits
2       2020-01-20  P1        mostly confirm/deny (the early disclosures)
3       2020-10-05  P2        mixed
4       2021-06-07  C2        mixed
5       2022-03-07  Q1        mixed
6       2023-02-13  P1        mostly NCND (the round robin after the disclosures)
7       2024-06-11  P2        mostly NCND (modelled on an ICO decision of 18 November 2024)
8       2025-11-03  Q1        mostly NCND; some still awaiting an answer (blank outcome)
======  ==========  ========  ============================================================

Request refs are ``SYN-<year>-<nn>`` (``SYN-2019-01`` ... ``SYN-2025-01``), the same for every force in a
wave. Each planted role is played by one asked force (``PLANTED_ROLES`` describes them; the forces are the
eligible ones in a fixed hash order of ``authority_id``, independent of ``seed``, so the roles are spread
over the country; ``planted_patterns(authorities, technologies)["roles"]`` gives the actual ids). Planted
rows replace the background answer of their force in their wave, so they hold for every seed. With the
bundled register (as written when this module was; rely on ``planted_patterns``, not on this list):
D1 Essex, D2 Nottinghamshire, D3 Gwent, D4 Lancashire, S Cleveland, R1 North Yorkshire, R2 Kent,
R3 Humberside, E1 Staffordshire, E2 Hertfordshire, E3 Hampshire and Isle of Wight, M1 Sussex, M2 Surrey,
N1 West Yorkshire, N2 Lincolnshire, N3 West Mercia, X1 Wiltshire, X2 City of London, L1 Devon and
Cornwall, NR1 West Midlands, L2 Police Scotland, NR2 South Yorkshire, AW Norfolk, NA Cambridgeshire; the
answering PCC office is ``pcc-avon-and-somerset``. Planted rows name the top category in ``Technology``
("Facial recognition") and the register name in ``Force`` unless said otherwise below.

* disclosures before NCNDs (P1): D1 and D2 issue press releases confirming P1 in 2019 ("Jun 2019",
  "12 September 2019") and confirm again in waves 2 and 6; D3 answers "Held - exempt" (a confirmation) and
  D4 "Information not held" in waves 2 and 6; R1, R2 and S confirm or deny P1 in wave 2. In wave 6 (Feb
  2023) R1, R2, E1-E3, M1, N1 and N3 (and most background forces) neither confirm nor deny P1. E1-E3, M1,
  N1 and N3 were not asked in wave 2 (``SKIPPED_WAVES``), so only R1 and R2 are also reversals; likewise
  M2, N2 and L2 were not asked in wave 3. Background forces may confirm in wave 2 and NCND in wave 6 too.
* selective NCND: S answers "No" to P1 (wave 2, answered 2020-02-10) and "Neither confirm nor deny" to
  P2 (wave 3, answered 2020-10-26): same category, within a year.
* reversals: R1 "Yes" to P1 in 2020, then "NCND" (2023); R2 "Not held" in 2020, then NCND (2023); R3 NCND
  P2 in 2020, then "Confirmed" in 2024 (wave 7).
* exemption sets: background NCNDs cite s24(2) + s31(3) in varied spellings (Police Scotland cites FOISA
  s18 instead). Wave 6 deviations: E1 "s23(5), s24(2), s30(3) and s31(3)", E2 "s23(5) & s24(2)", E3
  "Section 30(3) and 31(3)". Malformed NCNDs: M1 "s31(1)" (wave 6), M2 "Section 21" (wave 7).
* regulator: N1 (wave 6) review "Upheld", ICO IC-000173-SY4P "NCND upheld" (19 October 2023); N3 (wave 6)
  review "Original decision upheld", ICO IC-000248-SY9Q "Confirm or deny within 35 days" (27 November
  2023): two regulator outcomes for one question. N2 (wave 7) follows the domain example: requested
  "11/06/2024", answered "05/07/2024" (NCND s24(2) and s31(3)), review "11 July 2024", ICO IC-000311-SY2M
  "NCND upheld under s24(2); s31(3) not considered" on "18 November 2024".
* later evidence of use: a media report (``news.example.org``, dated "2021") says N1 uses P1; Contracts
  Finder award notices for P1 to N3 (2024-03-15) and E1 ("2024-05"): forces that had NCNDed P1.
* timeliness: L1 answers wave 5 after 77 days, L2 wave 7 after 82 days; NR1 (wave 5) and NR2 (wave 7)
  "No response"; AW's wave 8 outcome is blank (awaiting); NA was not asked in wave 6. About 1 in 10
  background answers are late too.
* one Police and Crime Commissioner office (the first by id) answers wave 6 "Information not held",
  requested "Feb 2023".
* outcome wording: X1 "Not held (overt); NCND (covert)" (wave 1), X2 "Refused - cost limit" (wave 4), and
  every outcome text listed in the brief appears on some planted row.
* dates: ISO, day-first ("05/07/2024"), long ("18 November 2024"), month ("2024-05", "Feb 2023",
  "Jun 2019") and year ("2021", E3's wave 6 request date "2023"); E2's wave 6 request date is "2023-02".
* names: background rows use the register name, its aliases, "Constabulary"/"Police" swaps, upper and
  lower case; R1's wave 6 row is in upper case.
* notes: every cell starts with "SYNTHETIC"; S's wave 3 note holds a comma, double quotes and a newline.

Press-release, procurement and media rows have no request ref or request date; they are appended after
the wave rows.

The scaled sample (``rows=N``)
------------------------------
Exactly N rows of the same kinds, generated with numpy and polars (a Python loop only over waves and
lookup tables): request waves spread over 2016-2026 on every synthetic product and its categories, each
force with a latent "uses it" flag per question, NCND more likely over the years and (a tell) more likely
where the force uses the thing, about 4% deviating and 0.3% malformed exemption sets, internal reviews
and ICO decisions on a few NCNDs, press releases, procurement notices and media reports (about 3%, only
where the force uses it) and PCC offices answering (0.5%). No role is planted there: use the default
sample for checks with a known answer.

Determinism: the same inputs and seed give a byte-identical frame (numpy ``default_rng``; planted roles do
not depend on the seed). Different numpy versions may draw different background rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

__all__ = [
    "DEFAULT_WAVES",
    "PLANTED_ROLES",
    "SAMPLE_COLUMNS",
    "SKIPPED_WAVES",
    "generate_sample",
    "planted_patterns",
    "write_sample",
]

#: Output headers, as a user would type them (the ingest maps them to the contract's fields).
SAMPLE_COLUMNS: tuple[str, ...] = (
    "Force", "Technology", "Product", "Supplier", "Request ref", "Date requested", "Date of response",
    "Outcome", "Exemptions", "Internal review date", "Internal review outcome", "ICO reference",
    "ICO decision date", "ICO decision", "Source", "Source type", "Notes",
)  # fmt: skip

#: The default sample's request waves: (wave number, request ref, date sent, technology key asked about).
#: Keys: C1/C2 categories, P1/P2/Q1 synthetic products (resolved by ``planted_patterns``).
DEFAULT_WAVES: tuple[tuple[int, str, dt.date, str], ...] = (
    (1, "SYN-2019-01", dt.date(2019, 3, 4), "C1"),
    (2, "SYN-2020-01", dt.date(2020, 1, 20), "P1"),
    (3, "SYN-2020-02", dt.date(2020, 10, 5), "P2"),
    (4, "SYN-2021-01", dt.date(2021, 6, 7), "C2"),
    (5, "SYN-2022-01", dt.date(2022, 3, 7), "Q1"),
    (6, "SYN-2023-01", dt.date(2023, 2, 13), "P1"),
    (7, "SYN-2024-01", dt.date(2024, 6, 11), "P2"),
    (8, "SYN-2025-01", dt.date(2025, 11, 3), "Q1"),
)

# Background mood per default wave: P(NCND), P(overt/covert split), P(refused), share asked, P(awaiting).
_DEFAULT_MOOD: dict[int, tuple[float, float, float, float, float]] = {
    1: (0.15, 0.12, 0.06, 0.88, 0.0),
    2: (0.12, 0.05, 0.04, 0.90, 0.0),
    3: (0.30, 0.05, 0.04, 0.88, 0.0),
    4: (0.20, 0.10, 0.05, 0.88, 0.0),
    5: (0.30, 0.05, 0.04, 0.88, 0.0),
    6: (0.80, 0.04, 0.02, 0.90, 0.0),
    7: (0.80, 0.04, 0.02, 0.90, 0.0),
    8: (0.60, 0.05, 0.04, 0.88, 0.12),
}

#: Every planted role of the default sample: role -> (waves it answers in, what it does).
PLANTED_ROLES: dict[str, tuple[tuple[int, ...], str]] = {
    "D1": ((2, 6), "press release confirming P1 ('Jun 2019'); confirms P1 in waves 2 and 6"),
    "D2": ((2, 6), "press release confirming P1 ('12 September 2019'); confirms P1 in waves 2 and 6"),
    "D3": ((2, 6), "'Held - exempt' (s43(2)) to P1 in waves 2 and 6: a confirmation"),
    "D4": ((2, 6), "'Information not held' (wave 2) and 'No' (wave 6) to P1: a denial"),
    "S": ((2, 3), "selective NCND: 'No' to P1 (wave 2), NCND to P2 of the same category (wave 3)"),
    "R1": ((2, 6), "reversal: 'Yes' to P1 (wave 2), 'NCND' to P1 (wave 6, name in upper case)"),
    "R2": ((2, 6), "reversal: 'Not held' to P1 (wave 2), NCND to P1 (wave 6)"),
    "R3": ((3, 7), "reversal the other way: NCND to P2 (wave 3), 'Confirmed' to P2 (wave 7)"),
    "E1": ((6,), "NCND citing s23(5), s24(2), s30(3) and s31(3); Contracts Finder award for P1 ('2024-05')"),
    "E2": ((6,), "NCND citing s23(5) & s24(2); request date '2023-02'"),
    "E3": ((6,), "NCND citing Section 30(3) and 31(3); request date '2023'"),
    "M1": ((6,), "malformed NCND citing only s31(1)"),
    "M2": ((7,), "malformed NCND citing only Section 21"),
    "N1": ((6,), "NCND; review Upheld; ICO IC-000173-SY4P 'NCND upheld'; media report (2021) says it uses P1"),
    "N2": ((7,), "the domain example: NCND, review, ICO IC-000311-SY2M 'NCND upheld...' on 18 November 2024"),
    "N3": ((6,), "NCND; ICO IC-000248-SY9Q 'Confirm or deny within 35 days'; Contracts Finder award 2024-03-15"),
    "X1": ((1,), "'Not held (overt); NCND (covert)' to C1"),
    "X2": ((4,), "'Refused - cost limit' (s12) to C2"),
    "L1": ((5,), "late: answered Q1 77 days after the request"),
    "NR1": ((5,), "never responded to wave 5 ('No response')"),
    "L2": ((7,), "late: NCND to P2 82 days after the request"),
    "NR2": ((7,), "never responded to wave 7 ('No response')"),
    "AW": ((8,), "no answer yet to wave 8 (blank outcome and response date)"),
    "NA": ((), "not asked in wave 6"),
}

#: Waves a role's force was *not* asked in, so its planted answer tells one story: the forces that NCND P1
#: in wave 6 (or P2 in wave 7) had not confirmed or denied it in the earlier wave on the same product.
SKIPPED_WAVES: dict[str, tuple[int, ...]] = {
    "E1": (2,), "E2": (2,), "E3": (2,), "M1": (2,), "N1": (2,), "N3": (2,),
    "M2": (3,), "N2": (3,), "L2": (3,), "NA": (6,),
}  # fmt: skip

# Roles that tell the P1/P2 story must be distinct forces; the others only need to avoid forces already
# planted in the same wave (they prefer unused forces, so with the full register every role is distinct).
_STORY_ROLES = ("D1", "D2", "D3", "D4", "S", "R1", "R2", "R3", "E1", "E2", "E3", "M1", "M2", "N1", "N2", "N3")

_EXTRA_FORCE_NAMES = frozenset(
    {"police scotland", "police service of scotland", "police service of northern ireland", "psni",
     "british transport police", "btp"}
)  # fmt: skip

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%-d %B %Y", "%-d %b %Y", "%Y-%m", "%b %Y", "%Y")
_ISO, _DAY_FIRST, _LONG, _SHORT, _MONTH, _MONTH_NAME, _YEAR = range(7)
_REQUEST_FORMAT_WEIGHTS = np.array([0.42, 0.28, 0.14, 0.06, 0.04, 0.04, 0.02])
_RESPONSE_FORMAT_WEIGHTS = np.array([0.50, 0.30, 0.12, 0.06, 0.01, 0.01, 0.0])

# Outcome kinds (what the simulated authority did) and, per kind, (outcome text, exemption kind) variants.
_CONFIRM, _DENY, _NCND, _PARTIAL, _REFUSED, _OTHER, _NO_RESPONSE, _AWAITING = range(8)
_OUTCOMES: tuple[tuple[tuple[str | None, int], ...], ...] = (
    (("Yes", 0), ("Confirmed", 0), ("Held - exempt", 2), ("Yes - information disclosed", 0),
     ("Partially disclosed", 2), ("yes", 0)),
    (("No", 0), ("Information not held", 0), ("Not held", 0), ("No - not used by this force", 0), ("no", 0)),
    (("Neither confirm nor deny", 1), ("NCND", 1), ("NCND s24(2) & s31(3)", 1),
     ("Neither confirm nor deny (s24(2), s31(3))", 1), ("neither confirm or deny", 1)),
    (("Not held (overt); NCND (covert)", 1), ("Overt use: not held. Covert use: neither confirm nor deny", 1)),
    (("Refused - cost limit", 3), ("Refused (s12 cost limit)", 3), ("Refused - vexatious", 4)),
    (("Clarification requested", 0), ("Transferred to another authority", 0)),
    (("No response", 0), ("No response received", 0)),
    ((None, 0),),
)  # fmt: skip

# Exemption kinds: 0 none, 1 the national NCND line, 2 withheld, 3 cost, 4 vexatious, 5 FOISA NCND,
# 6 deviating NCND set, 7 malformed NCND (a disclosure limb or s21 only).
_EXEMPTIONS: tuple[tuple[str | None, ...], ...] = (
    (None,),
    ("s24(2) and s31(3)", "s24(2) and s31(3)", "Section 24(2) and 31(3)", "s.24(2), s.31(3)", "S24(2) & S31(3)",
     "s24(2); s31(3)"),
    ("s31(1)(a)", "s43(2)", "Section 31(1)(a) and (b)"),
    ("s12", "Section 12"),
    ("s14(1)",),
    ("Section 18 FOISA", "s18(1) FOISA"),
    ("s23(5), s24(2), s30(3) and s31(3)", "s23(5) & s24(2)", "Section 30(3) and 31(3)", "s24(2), s31(3), s40(5)"),
    ("s31(1)", "Section 21"),
)  # fmt: skip

_NOTES = (
    "SYNTHETIC sample row: fictional product, not a real response",
    "SYNTHETIC: round-robin request, standard national wording",
    'SYNTHETIC: letter says "the force neither confirms nor denies", see annex',
    "SYNTHETIC: answered by the disclosure unit,\nreferred to national guidance",
    "SYNTHETIC, fictional data; any resemblance to a real answer is coincidental",
    "SYNTHETIC",
)
_NOTE_LATE = "SYNTHETIC: response late, chased twice"
_NOTE_NO_RESPONSE = "SYNTHETIC: no reply received; chased twice"
_NOTE_AWAITING = "SYNTHETIC: awaiting response"
_FOI_SOURCE_TYPES = ("FOI response", "FOI response", "FOI", "Freedom of Information response", "foi response", None)
_REVIEW_OUTCOMES = ("Upheld", "Original decision upheld", "Overturned", "NCND maintained")
_ICO_DECISIONS = ("NCND upheld", "Confirm or deny within 35 days", "Not upheld", "Upheld in part")

# Name-variant slots per force and their weights: name x3, alias 1, alias 2, Constabulary/Police swap,
# upper case, lower case (a missing alias or swap falls back to the name).
_NAME_WEIGHTS = np.array([0.35, 0.15, 0.10, 0.12, 0.06, 0.08, 0.07, 0.07])
_TECH_WEIGHTS = np.array([0.40, 0.30, 0.15, 0.15])
_PRODUCT_WEIGHTS = np.array([0.45, 0.25, 0.15, 0.15])
_EPOCH = dt.date(1970, 1, 1)


# --------------------------------------------------------------------------------------------------
# Inputs: eligible forces and synthetic technologies


@dataclass(frozen=True)
class _Forces:
    """The asked forces (in planted-role order) with their name variants, as lookup arrays."""

    ids: list[str]
    names: list[str]
    variants: list[list[str]]  # per force, one string per _NAME_WEIGHTS slot
    slugs: list[str]
    is_scotland: np.ndarray


@dataclass(frozen=True)
class _Questions:
    """What can be asked: synthetic products and their categories, with display variants."""

    ids: list[str]
    is_product: np.ndarray
    tech_variants: list[list[str]]  # Technology column, one per _TECH_WEIGHTS slot
    product_variants: list[list[str | None]]  # Product column, one per _PRODUCT_WEIGHTS slot
    vendors: list[str | None]


def _as_list(value: object) -> list[str]:
    """Return a list cell as a clean list (registers may hold null or ';'-joined strings)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(";") if v.strip()]
    return [v for v in value if v]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _role_order(authority_id: str) -> str:
    """Fixed pseudo-random order for planted roles, so they spread over the map and ignore ``seed``."""
    return hashlib.sha1(f"mosaic-sample:{authority_id}".encode()).hexdigest()


def _swap_force_word(name: str, kind: str) -> str | None:
    """'Kent Police' -> 'Kent Constabulary' and back: the commonest misnaming of a territorial force."""
    if kind != "territorial_force" or name.startswith("City of London"):
        return None
    if name.endswith(" Constabulary"):
        return name.removesuffix(" Constabulary") + " Police"
    if name.endswith(" Police"):
        return name.removesuffix(" Police") + " Constabulary"
    return None


def _require(frame: pl.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} frame lacks column(s) {', '.join(missing)}")


def _is_extra_force(row: dict) -> bool:
    names = [row["name"], *_as_list(row["aliases"])]
    return any(n.strip().lower() in _EXTRA_FORCE_NAMES for n in names)


def _eligible_forces(authorities: pl.DataFrame) -> _Forces:
    """Every territorial force plus Police Scotland, PSNI and BTP (found by name, whatever their kind)."""
    _require(authorities, ("authority_id", "name", "aliases", "kind", "region"), "authorities")
    rows = [
        r
        for r in authorities.select("authority_id", "name", "aliases", "kind", "region").iter_rows(named=True)
        if r["kind"] == "territorial_force" or _is_extra_force(r)
    ]
    rows.sort(key=lambda r: _role_order(r["authority_id"]))
    variants = []
    for r in rows:
        name, aliases = r["name"], _as_list(r["aliases"])
        alias1 = aliases[0] if aliases else name
        alias2 = aliases[1] if len(aliases) > 1 else alias1
        swap = _swap_force_word(name, r["kind"]) or name
        variants.append([name, name, name, alias1, alias2, swap, name.upper(), name.lower()])
    return _Forces(
        ids=[r["authority_id"] for r in rows],
        names=[r["name"] for r in rows],
        variants=variants,
        slugs=[_slug(r["authority_id"]) for r in rows],
        is_scotland=np.array(["scotland" in (r["region"] or "").lower() for r in rows], dtype=bool),
    )


def _pcc_offices(authorities: pl.DataFrame) -> list[tuple[str, list[str]]]:
    """Police and Crime Commissioner offices by id: (authority_id, [name, aliases...])."""
    rows = authorities.filter(pl.col("kind") == "police_and_crime_commissioner").sort("authority_id")
    return [(r["authority_id"], [r["name"], *_as_list(r["aliases"])]) for r in rows.iter_rows(named=True)]


def _synthetic_technologies(technologies: pl.DataFrame) -> tuple[_Questions, dict[str, str], dict[str, str]]:
    """Return the askable questions, each synthetic product's top category, and every id's name.

    Only synthetic products (and variants) may appear: the sample names real forces. Their ancestors are
    real categories ("Facial recognition"), which are fine to name. The fictional products are the
    sample's own (``data/sample/technologies.csv``): a taxonomy without any (the shipped one) gets them
    added here.
    """
    _require(technologies, ("technology_id", "name", "parent_id", "level", "vendor", "aliases", "is_synthetic"),
             "technologies")  # fmt: skip
    if not technologies.get_column("is_synthetic").cast(pl.String).str.to_lowercase().is_in(["true", "1", "yes"]).any():
        from mosaic.registry import load_technologies

        own = load_technologies(sample=True).filter(pl.col("is_synthetic"))
        own = own.select(
            (
                pl.col(c).list.join(";")
                if own.schema[c] == pl.List(pl.String) and technologies.schema[c] == pl.String
                else pl.col(c)
            ).cast(technologies.schema[c])
            for c in technologies.columns
            if c in own.columns
        )
        technologies = pl.concat([technologies, own], how="diagonal_relaxed")
    rows = {r["technology_id"]: r for r in technologies.iter_rows(named=True)}

    def is_synthetic(r: dict) -> bool:
        value = r["is_synthetic"]
        return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "1", "yes"))

    def ancestors(tid: str) -> list[str]:
        chain, seen = [], {tid}
        parent = rows[tid]["parent_id"]
        while parent and parent in rows and parent not in seen:
            seen.add(parent)
            if rows[parent]["level"] == "category":
                chain.append(parent)
            parent = rows[parent]["parent_id"]
        return chain  # nearest first, top category last

    products = sorted(
        (tid for tid, r in rows.items() if r["level"] in ("product", "variant") and is_synthetic(r)),
        key=lambda tid: (rows[tid]["level"] != "product", tid),
    )
    if not products:
        raise ValueError("the technology taxonomy has no synthetic products: the sample needs fictional ones")
    top_category = {p: (ancestors(p) or [p])[-1] for p in products}
    categories = sorted({c for p in products for c in ancestors(p)})

    def tech_variants(tid: str) -> list[str]:
        name, aliases = rows[tid]["name"], _as_list(rows[tid]["aliases"])
        return [name, name[:1].upper() + name[1:], aliases[0] if aliases else name, name.lower()]

    ids, is_product, techs, prods, vendors = [], [], [], [], []
    for tid in categories:
        ids.append(tid)
        is_product.append(False)
        techs.append(tech_variants(tid))
        prods.append([None] * 4)
        vendors.append(None)
    for tid in products:
        chain = ancestors(tid) or [tid]
        near, top = rows[chain[0]]["name"], rows[chain[-1]]["name"]
        name, aliases = rows[tid]["name"], _as_list(rows[tid]["aliases"])
        ids.append(tid)
        is_product.append(True)
        techs.append([near, top, near[:1].upper() + near[1:], top.lower()])
        prods.append([name, name, aliases[0] if aliases else name, name.lower()])
        vendors.append(rows[tid]["vendor"] or None)
    questions = _Questions(ids, np.array(is_product, dtype=bool), techs, prods, vendors)
    names = {tid: r["name"] for tid, r in rows.items()}
    return questions, top_category, names


def _pick_technologies(top_category: dict[str, str], names: dict[str, str]) -> dict[str, str]:
    """Choose C1, P1, P2, Q1 and C2 by rule (see the module docstring)."""
    by_category: dict[str, list[str]] = {}
    for product, category in top_category.items():  # insertion order is the sorted product order
        by_category.setdefault(category, []).append(product)
    rich = [c for c, ps in by_category.items() if len(ps) >= 2]
    if not rich:
        raise ValueError("the sample needs a category with at least two synthetic products (selective NCND)")
    rich.sort(key=lambda c: ("facial recognition" not in names.get(c, c).lower(), -len(by_category[c]), c))
    c1 = rich[0]
    p1, p2 = by_category[c1][:2]
    others = [p for p in top_category if top_category[p] != c1]
    q1 = others[0] if others else (by_category[c1][2] if len(by_category[c1]) > 2 else p2)
    return {"C1": c1, "P1": p1, "P2": p2, "Q1": q1, "C2": top_category[q1]}


# --------------------------------------------------------------------------------------------------
# The vectorised core shared by both modes


@dataclass(frozen=True)
class _Waves:
    """Request waves as arrays: question index, date sent (days since 1970), ref and the answer mood."""

    question: np.ndarray
    day: np.ndarray
    ref: list[str]
    p_ncnd: np.ndarray
    p_partial: np.ndarray
    p_refused: np.ndarray
    p_awaiting: np.ndarray


def _flat_table(groups: tuple[tuple, ...]) -> tuple[list, np.ndarray, np.ndarray]:
    """Flatten variable-length variant groups into one list with per-group offsets and sizes."""
    flat = [v for g in groups for v in g]
    sizes = np.array([len(g) for g in groups])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    return flat, offsets, sizes


def _pick(groups: tuple[tuple, ...], group: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Index into the flattened ``groups`` of a variant chosen uniformly (by ``u`` in [0, 1)) per row."""
    _, offsets, sizes = _flat_table(groups)
    return offsets[group] + np.minimum((u * sizes[group]).astype(np.int64), sizes[group] - 1)


def _gather(values: list, index: np.ndarray) -> pl.Series:
    return pl.Series(values, dtype=pl.String).gather(index)


def _format_dates(day: np.ndarray, valid: np.ndarray, code: np.ndarray) -> pl.Series:
    """Render days since 1970 as strings, each in its own format (``_DATE_FORMATS[code]``); null if invalid.

    Rows are split by format and re-assembled in order, so each row is formatted once.
    """
    frame = pl.DataFrame(
        {"i": np.arange(len(day)), "d": day.astype(np.int32), "v": valid, "c": code.astype(np.int8)}
    ).with_columns(pl.when(pl.col("v")).then(pl.col("d")).cast(pl.Date).alias("d"))
    parts = [
        part.select("i", pl.col("d").dt.strftime(_DATE_FORMATS[int(c)]).alias("s"))
        for (c,), part in frame.partition_by("c", as_dict=True, maintain_order=True).items()
    ]
    return pl.concat(parts).sort("i").get_column("s")


def _format_date(day: dt.date | None, code: int = _ISO) -> str | None:
    if day is None:
        return None
    return _format_dates(np.array([(day - _EPOCH).days]), np.array([True]), np.array([code]))[0]


def _simulate(
    rng: np.random.Generator,
    forces: _Forces,
    questions: _Questions,
    waves: _Waves,
    wave_idx: np.ndarray,
    force_idx: np.ndarray,
    *,
    scaled: bool,
    pcc_names: list[str],
) -> pl.DataFrame:
    """Draw one answer per (wave, force) pair and render it as raw strings, all vectorised.

    Each force has a latent "uses it" flag per question; an answer is NCND with the wave's probability
    (raised where the force uses the thing, so NCND is a tell), else a split, a refusal, or a truthful
    confirm/deny. The result has the ``SAMPLE_COLUMNS`` plus ``_wave`` and ``_force`` index columns.
    """
    n = len(wave_idx)
    nf, nq = len(forces.ids), len(questions.ids)
    q = waves.question[wave_idx]
    use_rate = np.where(questions.is_product, 0.45, 0.6) * rng.uniform(0.6, 1.4, nq)
    uses = (rng.random((nf, nq)) < use_rate[None, :])[force_idx, q]

    # what the letter did
    p_ncnd = np.clip(waves.p_ncnd[wave_idx] * np.where(uses, 1.3, 0.7), 0.0, 0.95)
    c_partial = p_ncnd + waves.p_partial[wave_idx]
    c_refused = c_partial + waves.p_refused[wave_idx]
    c_other = c_refused + 0.01
    u = rng.random(n)
    kind = np.select(
        [u < p_ncnd, u < c_partial, u < c_refused, u < c_other],
        [_NCND, _PARTIAL, _REFUSED, _OTHER],
        np.where(uses, _CONFIRM, _DENY),
    )
    kind = np.where(rng.random(n) < 0.015, _NO_RESPONSE, kind)
    kind = np.where(rng.random(n) < waves.p_awaiting[wave_idx], _AWAITING, kind)
    answered = kind < _NO_RESPONSE

    # when
    request_day = waves.day[wave_idx] + rng.integers(0, 4, n)
    late = rng.random(n) < 0.1
    response_day = request_day + np.where(late, rng.integers(35, 121, n), rng.integers(3, 26, n))

    # what it said
    scotland = forces.is_scotland[force_idx]
    u_outcome = rng.random(n)
    u_outcome = np.where(scotland & (kind == _NCND), u_outcome * 2 / 5, u_outcome)  # plain NCND wording
    outcome_i = _pick(_OUTCOMES, kind, u_outcome)
    flat_outcomes, _, _ = _flat_table(_OUTCOMES)
    exemption_kind = np.array([e for _, e in flat_outcomes])[outcome_i]
    exemption_kind = np.where(scotland & (exemption_kind == 1), 5, exemption_kind)
    if scaled:
        r = rng.random(n)
        exemption_kind = np.where((exemption_kind == 1) & (r < 0.04), 6, exemption_kind)
        exemption_kind = np.where((exemption_kind == 1) & (r >= 0.04) & (r < 0.043), 7, exemption_kind)
    exemption_i = _pick(_EXEMPTIONS, exemption_kind, rng.random(n))

    # who and what, as typed
    name_slot = rng.choice(len(_NAME_WEIGHTS), n, p=_NAME_WEIGHTS)
    tech_slot = rng.choice(len(_TECH_WEIGHTS), n, p=_TECH_WEIGHTS)
    product_slot = rng.choice(len(_PRODUCT_WEIGHTS), n, p=_PRODUCT_WEIGHTS)
    flat_names = [v for vs in forces.variants for v in vs]
    flat_tech = [v for vs in questions.tech_variants for v in vs]
    flat_product = [v for vs in questions.product_variants for v in vs]
    supplier_blank = rng.random(n) < 0.2

    # provenance and notes
    source_type_i = rng.integers(0, len(_FOI_SOURCE_TYPES), n)
    url_blank = rng.random(n) < 0.05
    note = rng.integers(0, len(_NOTES), n)
    notes_table = [*_NOTES, _NOTE_LATE, _NOTE_NO_RESPONSE, _NOTE_AWAITING]
    note = np.where(late & answered, len(_NOTES), note)
    note = np.where(kind == _NO_RESPONSE, len(_NOTES) + 1, note)
    note = np.where(kind == _AWAITING, len(_NOTES) + 2, note)
    request_format = rng.choice(len(_DATE_FORMATS), n, p=_REQUEST_FORMAT_WEIGHTS)
    response_format = rng.choice(len(_DATE_FORMATS), n, p=_RESPONSE_FORMAT_WEIGHTS)

    ref = _gather(waves.ref, wave_idx)
    frame = pl.DataFrame(
        {
            "Force": _gather(flat_names, force_idx * len(_NAME_WEIGHTS) + name_slot),
            "Technology": _gather(flat_tech, q * len(_TECH_WEIGHTS) + tech_slot),
            "Product": _gather(flat_product, q * len(_PRODUCT_WEIGHTS) + product_slot),
            "Supplier": _gather(questions.vendors, q),
            "Request ref": ref,
            "Date requested": _format_dates(request_day, np.ones(n, dtype=bool), request_format),
            "Date of response": _format_dates(response_day, answered, response_format),
            "Outcome": _gather([o for o, _ in flat_outcomes], outcome_i),
            "Exemptions": _gather(list(_flat_table(_EXEMPTIONS)[0]), exemption_i),
            "_slug": _gather(forces.slugs, force_idx),
            "_url_blank": url_blank,
            "_supplier_blank": supplier_blank,
            "Source type": _gather(list(_FOI_SOURCE_TYPES), source_type_i),
            "Notes": _gather(notes_table, note),
            "_wave": wave_idx,
            "_force": force_idx,
        }
    ).with_columns(
        pl.when(~pl.col("_url_blank"))
        .then(pl.concat_str(pl.lit("https://foi.example.org/requests/"), pl.col("Request ref").str.to_lowercase(),
                            pl.lit("/"), pl.col("_slug")))  # fmt: skip
        .alias("Source"),
        pl.when(~pl.col("_supplier_blank")).then(pl.col("Supplier")).alias("Supplier"),
        *(pl.lit(None, dtype=pl.String).alias(c) for c in
          ("Internal review date", "Internal review outcome", "ICO reference", "ICO decision date", "ICO decision")),
    )  # fmt: skip
    if scaled:
        frame = _add_scaled_extras(rng, frame, kind, uses, response_day, pcc_names)
    return frame.select(*SAMPLE_COLUMNS, "_wave", "_force")


def _add_scaled_extras(
    rng: np.random.Generator,
    frame: pl.DataFrame,
    kind: np.ndarray,
    uses: np.ndarray,
    response_day: np.ndarray,
    pcc_names: list[str],
) -> pl.DataFrame:
    """Add reviews, ICO decisions, non-FOI sources and PCC answers to a scaled frame, vectorised."""
    n = frame.height
    # non-FOI evidence, only where the force uses the thing: 0 press release, 1 procurement, 2 media
    other_source = uses & (kind < _NO_RESPONSE) & (rng.random(n) < 0.03)
    source_kind = rng.choice(3, n, p=[0.4, 0.3, 0.3])
    pcc = (~other_source) & (kind < _NO_RESPONSE) & (rng.random(n) < 0.005)
    if not pcc_names:
        pcc[:] = False
    reviewed = (kind == _NCND) & ~other_source & ~pcc & (rng.random(n) < 0.03)
    to_ico = reviewed & (rng.random(n) < 0.3)
    review_day = response_day + rng.integers(14, 41, n)
    decision_day = review_day + rng.integers(90, 301, n)
    alphabet = list("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")
    extras = pl.DataFrame(
        {
            "_reviewed": reviewed,
            "_to_ico": to_ico,
            "_review_date": _format_dates(review_day, reviewed, rng.choice(3, n, p=[0.5, 0.3, 0.2])),
            "_review_outcome": _gather(list(_REVIEW_OUTCOMES), rng.integers(0, len(_REVIEW_OUTCOMES), n)),
            "_ico_number": rng.integers(0, 100_000, n),
            "_ico_a": _gather(alphabet, rng.integers(0, len(alphabet), n)),
            "_ico_b": _gather(alphabet, rng.integers(0, len(alphabet), n)),
            "_decision_date": _format_dates(decision_day, to_ico, rng.choice(3, n, p=[0.5, 0.3, 0.2])),
            "_decision": _gather(list(_ICO_DECISIONS), rng.integers(0, len(_ICO_DECISIONS), n)),
            "_other": other_source,
            "_source_kind": source_kind,
            "_pcc": pcc,
            "_pcc_name": _gather(pcc_names or [None], rng.integers(0, max(len(pcc_names), 1), n)),
            "_row": np.arange(n),
        }
    )
    frame = pl.concat([frame, extras], how="horizontal")
    other, sk = pl.col("_other"), pl.col("_source_kind")
    return frame.with_columns(
        pl.when("_reviewed").then(pl.col("_review_date")).alias("Internal review date"),
        pl.when("_reviewed").then(pl.col("_review_outcome")).alias("Internal review outcome"),
        pl.when("_to_ico")
        .then(pl.format("IC-0{}-SY{}{}", pl.col("_ico_number").cast(pl.String).str.zfill(5), "_ico_a", "_ico_b"))
        .alias("ICO reference"),
        pl.when("_to_ico").then(pl.col("_decision_date")).alias("ICO decision date"),
        pl.when("_to_ico").then(pl.col("_decision")).alias("ICO decision"),
        pl.when(other).then(None).otherwise(pl.col("Request ref")).alias("Request ref"),
        pl.when(other).then(None).otherwise(pl.col("Date requested")).alias("Date requested"),
        pl.when(other).then(pl.when(sk == 2).then(pl.lit("Yes")).otherwise(pl.lit("Confirmed")))
        .when("_pcc").then(pl.lit("Information not held"))
        .otherwise(pl.col("Outcome")).alias("Outcome"),
        pl.when(other | pl.col("_pcc")).then(None).otherwise(pl.col("Exemptions")).alias("Exemptions"),
        pl.when(other)
        .then(pl.when(sk == 0).then(pl.lit("Press release")).when(sk == 1).then(pl.lit("Contracts Finder"))
              .otherwise(pl.lit("Media report")))
        .otherwise(pl.col("Source type")).alias("Source type"),
        pl.when(other)
        .then(pl.when(sk == 0).then(pl.format("https://foi.example.org/press/{}-{}", "_slug", "_row"))
              .when(sk == 1).then(pl.format("https://foi.example.org/contracts/notice-{}", "_row"))
              .otherwise(pl.format("https://news.example.org/story/{}", "_row")))
        .otherwise(pl.col("Source")).alias("Source"),
        pl.when(other)
        .then(pl.when(sk == 0).then(pl.lit("SYNTHETIC: force press release"))
              .when(sk == 1).then(pl.lit("SYNTHETIC: contract award notice, fictional supplier"))
              .otherwise(pl.lit('SYNTHETIC: news story; force "did not comment"')))
        .when("_pcc").then(pl.lit("SYNTHETIC: OPCC does not hold operational information, passed to the force"))
        .otherwise(pl.col("Notes")).alias("Notes"),
        pl.when("_pcc").then(pl.col("_pcc_name")).otherwise(pl.col("Force")).alias("Force"),
    )  # fmt: skip


# --------------------------------------------------------------------------------------------------
# The default sample: background plus planted rows


def _assign_roles(forces: _Forces) -> dict[str, int]:
    """Give each planted role a force index: story roles distinct, others free of same-wave clashes."""
    nf = len(forces.ids)
    if nf < len(_STORY_ROLES):
        raise ValueError(
            f"the default sample needs at least {len(_STORY_ROLES)} asked forces to plant its patterns, got {nf}"
        )

    def touched(role: str) -> set[int]:
        return set(PLANTED_ROLES[role][0]) | set(SKIPPED_WAVES.get(role, ()))

    roles: dict[str, int] = {}
    for i, role in enumerate(_STORY_ROLES):
        roles[role] = i
    for role in PLANTED_ROLES:
        if role in roles:
            continue
        busy = {f for r, f in roles.items() if touched(r) & touched(role)}
        used = set(roles.values())
        free = [f for f in range(nf) if f not in busy]
        if not free:
            raise ValueError(f"not enough asked forces to plant role {role}")
        roles[role] = next((f for f in free if f not in used), free[0])
    return roles


def planted_patterns(authorities: pl.DataFrame, technologies: pl.DataFrame) -> dict:
    """Return where the default sample plants each pattern, for tests and demos that check the analyses.

    The planted roles depend only on the registers, not on ``seed``.

    Args:
        authorities: The authority register (``authority_id``, ``name``, ``aliases``, ``kind``, ``region``).
        technologies: The technology taxonomy (with ``is_synthetic``).

    Returns:
        A dict with ``technologies`` (key -> technology_id for C1, C2, P1, P2, Q1), ``waves`` (wave number
        -> dict of ``ref``, ``date``, ``technology_id``), ``roles`` (role -> authority_id; see
        ``PLANTED_ROLES``), ``role_names`` (role -> register name) and ``pcc`` (the answering Police and
        Crime Commissioner's authority_id, or None when the register has none).

    Example:
        >>> planted = planted_patterns(authorities, technologies)  # doctest: +SKIP
        >>> planted["roles"]["S"], planted["technologies"]["P2"]  # doctest: +SKIP
    """
    forces = _eligible_forces(authorities)
    _, top_category, names = _synthetic_technologies(technologies)
    tech = _pick_technologies(top_category, names)
    roles = _assign_roles(forces)
    pccs = _pcc_offices(authorities)
    return {
        "technologies": tech,
        "waves": {w: {"ref": ref, "date": day, "technology_id": tech[key]} for w, ref, day, key in DEFAULT_WAVES},
        "roles": {role: forces.ids[f] for role, f in roles.items()},
        "role_names": {role: forces.names[f] for role, f in roles.items()},
        "pcc": pccs[0][0] if pccs else None,
    }


def _default_sample(rng: np.random.Generator, authorities: pl.DataFrame, technologies: pl.DataFrame) -> pl.DataFrame:
    forces = _eligible_forces(authorities)
    questions, top_category, names = _synthetic_technologies(technologies)
    tech = _pick_technologies(top_category, names)
    roles = _assign_roles(forces)
    q_of = {tid: i for i, tid in enumerate(questions.ids)}
    wave_no = [w for w, _, _, _ in DEFAULT_WAVES]
    waves = _Waves(
        question=np.array([q_of[tech[key]] for _, _, _, key in DEFAULT_WAVES]),
        day=np.array([(day - _EPOCH).days for _, _, day, _ in DEFAULT_WAVES]),
        ref=[ref for _, ref, _, _ in DEFAULT_WAVES],
        p_ncnd=np.array([_DEFAULT_MOOD[w][0] for w in wave_no]),
        p_partial=np.array([_DEFAULT_MOOD[w][1] for w in wave_no]),
        p_refused=np.array([_DEFAULT_MOOD[w][2] for w in wave_no]),
        p_awaiting=np.array([_DEFAULT_MOOD[w][4] for w in wave_no]),
    )
    ask_rate = np.array([_DEFAULT_MOOD[w][3] for w in wave_no])
    asked = rng.random((len(wave_no), len(forces.ids))) < ask_rate[:, None]
    for role, f in roles.items():
        for w in PLANTED_ROLES[role][0]:
            asked[w - 1, f] = True
        for w in SKIPPED_WAVES.get(role, ()):
            asked[w - 1, f] = False
    wave_idx, force_idx = np.nonzero(asked)
    frame = _simulate(rng, forces, questions, waves, wave_idx, force_idx, scaled=False, pcc_names=[])

    planted, extra = _planted_rows(forces, questions, tech, roles, _pcc_offices(authorities))
    rows = []
    for r in frame.iter_rows(named=True):
        key = (r.pop("_wave") + 1, r.pop("_force"))
        rows.append(planted.get(key, r))
    return pl.DataFrame(rows + extra, schema={c: pl.String for c in SAMPLE_COLUMNS})


def _planted_rows(
    forces: _Forces,
    questions: _Questions,
    tech: dict[str, str],
    roles: dict[str, int],
    pccs: list[tuple[str, list[str]]],
) -> tuple[dict[tuple[int, int], dict], list[dict]]:
    """Build the planted rows: replacements keyed by (wave, force index), and rows appended at the end."""
    q_of = {tid: i for i, tid in enumerate(questions.ids)}
    wave_of = {w: (ref, day, key) for w, ref, day, key in DEFAULT_WAVES}

    def row(role: str, wave: int | None, key: str, outcome: str | None, **cells: object) -> dict:
        f = roles[role] if role in roles else None
        qi = q_of[tech[key]]
        ref, day, _ = wave_of[wave] if wave else (None, None, None)
        requested = cells.pop("requested", day + dt.timedelta(days=1) if day else None)
        responded = cells.pop("responded", day + dt.timedelta(days=15) if day else None)
        slug = forces.slugs[f] if f is not None else "pcc"
        base = {
            "Force": forces.names[f] if f is not None else None,
            "Technology": questions.tech_variants[qi][1],  # the top category, e.g. "Facial recognition"
            "Product": questions.product_variants[qi][0],
            "Supplier": questions.vendors[qi],
            "Request ref": ref,
            "Date requested": _format_date(requested, cells.pop("requested_format", _ISO)),
            "Date of response": _format_date(responded, cells.pop("responded_format", _ISO)),
            "Outcome": outcome,
            "Exemptions": None,
            "Internal review date": None,
            "Internal review outcome": None,
            "ICO reference": None,
            "ICO decision date": None,
            "ICO decision": None,
            "Source": f"https://foi.example.org/requests/{ref.lower()}/{slug}" if ref else None,
            "Source type": "FOI response",
            "Notes": f"SYNTHETIC planted row ({role}): {PLANTED_ROLES[role][1] if role in PLANTED_ROLES else role}",
        }
        base.update(cells)
        if f is not None and forces.is_scotland[f] and base["Exemptions"] in _EXEMPTIONS[1]:
            base["Exemptions"] = _EXEMPTIONS[5][0]  # Police Scotland answers under FOISA (s18 is its NCND)
        return base

    ncnd = "s24(2) and s31(3)"
    replace: dict[tuple[int, int], dict] = {}

    def plant(role: str, wave: int, key: str, outcome: str | None, **cells: object) -> None:
        replace[(wave, roles[role])] = row(role, wave, key, outcome, **cells)

    # disclosures before NCNDs
    plant("D1", 2, "P1", "Confirmed")
    plant("D1", 6, "P1", "Yes")
    plant("D2", 2, "P1", "Yes")
    plant("D2", 6, "P1", "Confirmed")
    plant("D3", 2, "P1", "Held - exempt", Exemptions="s43(2)")
    plant("D3", 6, "P1", "Held - exempt", Exemptions="s43(2)")
    plant("D4", 2, "P1", "Information not held")
    plant("D4", 6, "P1", "No")
    # selective NCND: deny P1, NCND P2 of the same category, within a year
    plant("S", 2, "P1", "No", requested=dt.date(2020, 1, 21), responded=dt.date(2020, 2, 10))
    s_name = forces.variants[roles["S"]][3]  # its first alias, when it has one
    plant("S", 3, "P2", "Neither confirm nor deny", Exemptions=ncnd, Force=s_name,
          requested=dt.date(2020, 10, 6), responded=dt.date(2020, 10, 26),
          Notes='SYNTHETIC planted row (S): selective NCND, "we neither confirm nor deny"\n'
                "although it denied P1, eight months earlier, see SYN-2020-01")  # fmt: skip
    # reversals
    plant("R1", 2, "P1", "Yes")
    plant("R1", 6, "P1", "NCND", Exemptions=ncnd, Force=forces.names[roles["R1"]].upper())
    plant("R2", 2, "P1", "Not held")
    plant("R2", 6, "P1", "Neither confirm nor deny", Exemptions="Section 24(2) and 31(3)")
    plant("R3", 3, "P2", "NCND", Exemptions="S24(2) & S31(3)")
    plant("R3", 7, "P2", "Confirmed", responded_format=_DAY_FIRST)
    # exemption sets
    plant("E1", 6, "P1", "Neither confirm nor deny", Exemptions="s23(5), s24(2), s30(3) and s31(3)",
          Force=forces.variants[roles["E1"]][5])  # fmt: skip
    plant("E2", 6, "P1", "Neither confirm nor deny", Exemptions="s23(5) & s24(2)", requested=dt.date(2023, 2, 1),
          requested_format=_MONTH)  # fmt: skip
    plant("E3", 6, "P1", "NCND", Exemptions="Section 30(3) and 31(3)", requested=dt.date(2023, 1, 1),
          requested_format=_YEAR)  # fmt: skip
    plant("M1", 6, "P1", "Neither confirm nor deny", Exemptions="s31(1)")
    plant("M2", 7, "P2", "Neither confirm nor deny", Exemptions="Section 21")
    # regulator outcomes
    plant("N1", 6, "P1", "NCND s24(2) & s31(3)", Exemptions=ncnd, **{
        "Internal review date": "2023-04-03", "Internal review outcome": "Upheld",
        "ICO reference": "IC-000173-SY4P", "ICO decision date": "19/10/2023",
        "ICO decision": "NCND upheld"})  # fmt: skip
    plant("N3", 6, "P1", "Neither confirm nor deny", Exemptions="s24(2), s31(3)", **{
        "Internal review date": "20 April 2023", "Internal review outcome": "Original decision upheld",
        "ICO reference": "IC-000248-SY9Q", "ICO decision date": "2023-11-27",
        "ICO decision": "Confirm or deny within 35 days"})  # fmt: skip
    plant("N2", 7, "P2", "Neither confirm nor deny", Exemptions=ncnd,
          requested=dt.date(2024, 6, 11), requested_format=_DAY_FIRST,
          responded=dt.date(2024, 7, 5), responded_format=_DAY_FIRST, **{
              "Internal review date": "11 July 2024", "Internal review outcome": "NCND maintained",
              "ICO reference": "IC-000311-SY2M", "ICO decision date": "18 November 2024",
              "ICO decision": "NCND upheld under s24(2); s31(3) not considered"})  # fmt: skip
    # outcome wording, timeliness
    plant("X1", 1, "C1", "Not held (overt); NCND (covert)", Exemptions="s24(2), s31(3)", Product=None, Supplier=None)
    plant("X2", 4, "C2", "Refused - cost limit", Exemptions="s12", Product=None, Supplier=None)
    plant("L1", 5, "Q1", "Information not held", requested=dt.date(2022, 3, 7), responded=dt.date(2022, 5, 23),
          responded_format=_LONG, Notes=_NOTE_LATE + " (planted L1)")  # fmt: skip
    plant("NR1", 5, "Q1", "No response", responded=None, Notes=_NOTE_NO_RESPONSE + " (planted NR1)")
    plant("L2", 7, "P2", "Neither confirm nor deny", Exemptions=ncnd, requested=dt.date(2024, 6, 12),
          responded=dt.date(2024, 9, 2), Notes=_NOTE_LATE + " (planted L2)")  # fmt: skip
    plant("NR2", 7, "P2", "No response", responded=None, Notes=_NOTE_NO_RESPONSE + " (planted NR2)")
    plant("AW", 8, "Q1", None, responded=None, Notes=_NOTE_AWAITING + " (planted AW)")

    def evidence(role: str, day: dt.date, fmt: int, source_type: str, url: str, outcome: str, note: str) -> dict:
        return row(role, None, "P1", outcome, requested=None, responded=day, responded_format=fmt,
                   **{"Source type": source_type, "Source": url, "Notes": note})  # fmt: skip

    slug = {role: forces.slugs[f] for role, f in roles.items()}
    extra = [
        evidence("D1", dt.date(2019, 6, 1), _MONTH_NAME, "Press release",
                 f"https://foi.example.org/press/{slug['D1']}-2019-06", "Confirmed",
                 "SYNTHETIC planted press release (D1): the force announces a trial of the product"),
        evidence("D2", dt.date(2019, 9, 12), _LONG, "Press release",
                 f"https://foi.example.org/press/{slug['D2']}-2019-09", "Confirmed",
                 "SYNTHETIC planted press release (D2), quoting the chief constable: \"a proportionate tool\""),
        evidence("N1", dt.date(2021, 1, 1), _YEAR, "Media report",
                 f"https://news.example.org/story/{slug['N1']}-2021", "Yes",
                 "SYNTHETIC planted media report (N1): unofficial, force \"did not comment\""),
        evidence("N3", dt.date(2024, 3, 15), _ISO, "Contracts Finder",
                 f"https://foi.example.org/contracts/{slug['N3']}-2024-03", "Confirmed",
                 "SYNTHETIC planted contract award notice (N3), after its NCND"),
        evidence("E1", dt.date(2024, 5, 1), _MONTH, "Contracts Finder",
                 f"https://foi.example.org/contracts/{slug['E1']}-2024-05", "Confirmed",
                 "SYNTHETIC planted contract award notice (E1), after its NCND"),
    ]  # fmt: skip
    if pccs:
        pcc_id, pcc_names = pccs[0]
        pcc_row = row("PCC", 6, "P1", "Information not held", requested=dt.date(2023, 2, 1),
                      requested_format=_MONTH_NAME, responded=dt.date(2023, 3, 6),
                      Force=pcc_names[-1] if len(pcc_names) > 1 else pcc_names[0],
                      Source=f"https://foi.example.org/requests/syn-2023-01/{_slug(pcc_id)}",
                      Notes="SYNTHETIC planted row (PCC): the OPCC does not hold operational information; "
                            "request passed to the force")  # fmt: skip
        extra.append(pcc_row)
    return replace, extra


# --------------------------------------------------------------------------------------------------
# The scaled sample


def _scaled_sample(
    rng: np.random.Generator, authorities: pl.DataFrame, technologies: pl.DataFrame, rows: int
) -> pl.DataFrame:
    forces = _eligible_forces(authorities)
    if not forces.ids:
        raise ValueError("the authorities frame has no territorial force (nor Police Scotland, PSNI, BTP)")
    questions, _, _ = _synthetic_technologies(technologies)
    nf, nq = len(forces.ids), len(questions.ids)
    start, end = (dt.date(2016, 1, 4) - _EPOCH).days, (dt.date(2026, 6, 30) - _EPOCH).days
    n_waves = math.ceil(rows / (nf * 0.8) * 1.05) + 1
    while True:
        day = np.sort(rng.integers(start, end + 1, n_waves))
        ask_rate = rng.uniform(0.65, 0.95, n_waves)
        asked = rng.random((n_waves, nf)) < ask_rate[:, None]
        if asked.sum() >= rows:
            break
        n_waves = math.ceil(n_waves * 1.5) + 1
    year = 1970 + day / 365.25
    # products asked three times as often as categories
    weight = np.where(questions.is_product, 3.0, 1.0)
    question = rng.choice(nq, n_waves, p=weight / weight.sum())
    years = (year.astype(int)).tolist()
    wave_ref = [f"SYN-{y}-{i:05d}" for i, y in enumerate(years)]  # a loop over waves, not rows
    base = np.clip(0.12 + 0.06 * (year - 2016), 0.1, 0.75) + np.where(questions.is_product[question], 0.08, 0.0)
    waves = _Waves(
        question=question,
        day=day,
        ref=wave_ref,
        p_ncnd=np.clip(base + rng.normal(0, 0.05, n_waves), 0.02, 0.9),
        p_partial=np.full(n_waves, 0.05),
        p_refused=np.full(n_waves, 0.04),
        p_awaiting=np.where(day > (dt.date(2026, 3, 1) - _EPOCH).days, 0.5, 0.005),
    )
    wave_idx, force_idx = np.nonzero(asked)
    keep = np.sort(rng.choice(len(wave_idx), rows, replace=False))  # exactly N, spread over all waves
    wave_idx, force_idx = wave_idx[keep], force_idx[keep]
    pcc_names = [names[0] for _, names in _pcc_offices(authorities)]
    frame = _simulate(rng, forces, questions, waves, wave_idx, force_idx, scaled=True, pcc_names=pcc_names)
    return frame.select(SAMPLE_COLUMNS)


# --------------------------------------------------------------------------------------------------
# Public API


def generate_sample(
    authorities: pl.DataFrame, technologies: pl.DataFrame, *, rows: int | None = None, seed: int = 7
) -> pl.DataFrame:
    """Return a SYNTHETIC spreadsheet of FOI answers as raw, messy strings (every column ``pl.String``).

    The frame looks like a user's hand-typed tracking sheet, so it exercises the ingest's header, name,
    date and outcome handling; the default sample also carries known patterns (see the module docstring
    and ``planted_patterns``) so each analysis can be checked against a known answer.

    Args:
        authorities: The authority register: ``authority_id``, ``name``, ``aliases`` (list or
            ';'-joined), ``kind``, ``region``. Asked forces are every ``territorial_force`` plus Police
            Scotland, PSNI and BTP; the first ``police_and_crime_commissioner`` by id answers once.
        technologies: The taxonomy: ``technology_id``, ``name``, ``parent_id``, ``level``, ``vendor``,
            ``aliases``, ``is_synthetic``. Only synthetic products are named; categories above them may be.
        rows: None for the bundled sample (about 330 rows with the full register, planted patterns); an
            integer N for exactly N scaled-up rows (vectorised: a million take a few seconds).
        seed: Seed of the background draws; the same inputs and seed give an identical frame.

    Returns:
        A frame with exactly the ``SAMPLE_COLUMNS``, all ``pl.String``; blank cells are null.

    Raises:
        ValueError: A register lacks a needed column, the taxonomy has no category with two synthetic
            products, or there are too few forces to plant the default sample's roles (16).

    Example:
        >>> frame = generate_sample(authorities, technologies)  # doctest: +SKIP
        >>> write_sample(frame, "data/sample/responses.csv")  # doctest: +SKIP
    """
    rng = np.random.default_rng(seed)
    if rows is None:
        return _default_sample(rng, authorities, technologies)
    if rows < 0:
        raise ValueError(f"rows must be a non-negative number of rows, got {rows}")
    if rows == 0:
        return pl.DataFrame(schema={c: pl.String for c in SAMPLE_COLUMNS})
    return _scaled_sample(rng, authorities, technologies, rows)


def write_sample(frame: pl.DataFrame, path: str | Path) -> Path:
    """Write a sample frame as UTF-8 CSV (quoted where needed, so notes with newlines survive).

    Args:
        frame: A frame from ``generate_sample``.
        path: Where to write; parent folders are created.

    Returns:
        The path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_csv(path)
    return path
