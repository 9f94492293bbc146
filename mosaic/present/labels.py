"""How findings and maps are named and drawn, decided once for the CLI, the dashboard and the reports.

One label, colour, text colour, mark, plotly symbol and fill pattern per map stance; the counts a map's
headline and legends give (``map_tally``); the one check order and severity order; the name a technology
is shown by (``technology_names``); outcome, source, grade and relation labels; hexagon labels.

Every picture of the map (the dashboard's hexagons and geography, its timeline and network, the reports'
SVG map and legends) takes these from here, so a stance looks and reads the same everywhere. The colours
are Okabe-Ito (distinguishable under the common colour-vision deficiencies), and no stance relies on
colour alone: each has a mark in text and a marker symbol that echoes it (Denied is an x wherever it
appears, NCND a square; the timeline once drew NCND with the x that means Denied everywhere else).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import polars as pl

from mosaic.analyses import MapStance, stance_counts
from mosaic.schema import Outcome, Stance

#: An answer's own stance (not its cell on a map), as the reports' tables print it.
ANSWER_STANCE_LABELS: dict[str, str] = {
    Stance.CONFIRM: "Confirmed",
    Stance.DENY: "Denied",
    Stance.NCND: "NCND",
    Stance.UNKNOWN: "No stance",
}

#: A cell's stance on the map.
STANCE_LABELS: dict[str, str] = {
    MapStance.CONFIRM: "Confirmed",
    MapStance.DENY: "Denied",
    MapStance.NCND_PARTIAL: "Partial NCND",
    MapStance.NCND: "NCND",
    MapStance.NO_ANSWER: "No stance yet",  # awaiting an answer, or answered without one (refused, unreadable)
    MapStance.NOT_ASKED: "Not asked",
}

STANCE_COLOURS: dict[str, str] = {
    MapStance.CONFIRM: "#D55E00",  # vermillion
    MapStance.DENY: "#0072B2",  # blue
    MapStance.NCND_PARTIAL: "#CC79A7",  # reddish purple
    MapStance.NCND: "#222222",  # near black: the answers that stand out
    MapStance.NO_ANSWER: "#E69F00",  # orange
    MapStance.NOT_ASKED: "#E4E4E4",  # light grey
}

#: Text colour that reads on each fill.
STANCE_TEXT_COLOURS: dict[str, str] = {
    MapStance.CONFIRM: "#FFFFFF",
    MapStance.DENY: "#FFFFFF",
    MapStance.NCND_PARTIAL: "#000000",
    MapStance.NCND: "#FFFFFF",
    MapStance.NO_ANSWER: "#000000",
    MapStance.NOT_ASKED: "#555555",
}

#: A short mark in hover text, legends and the timeline's legend, so a stance reads without colour.
STANCE_MARKS: dict[str, str] = {
    MapStance.CONFIRM: "✔",
    MapStance.DENY: "✘",
    MapStance.NCND_PARTIAL: "◐",
    MapStance.NCND: "■",
    MapStance.NO_ANSWER: "…",
    MapStance.NOT_ASKED: "·",
}

#: The plotly marker symbol echoing each mark (plotly has no tick: a confirmation is a filled circle).
STANCE_SYMBOLS: dict[str, str] = {
    MapStance.CONFIRM: "circle",
    MapStance.DENY: "x",
    MapStance.NCND_PARTIAL: "diamond",
    MapStance.NCND: "square",
    MapStance.NO_ANSWER: "triangle-up",
    MapStance.NOT_ASKED: "circle-open",
}

#: plotly ``fillpattern.shape`` per stance on the dashboard's map ("" is a solid fill): a third cue after
#: colour and the written legend.
STANCE_PATTERNS: dict[str, str] = {
    MapStance.CONFIRM: "",
    MapStance.DENY: "",
    MapStance.NCND_PARTIAL: "/",
    MapStance.NCND: "x",
    MapStance.NO_ANSWER: ".",
    MapStance.NOT_ASKED: "",
}
#: Colour of each pattern's lines: close to the fill, so the pattern reads without drowning the label.
STANCE_PATTERN_COLOURS: dict[str, str] = {
    MapStance.NCND_PARTIAL: "#5A2D4A",
    MapStance.NCND: "#6E6E6E",
    MapStance.NO_ANSWER: "#8A5A00",
}

#: How an answer's own stance is drawn (the network's edges): as the map cell it makes, so an answer
#: without a stance has No stance yet's colour and mark rather than a colour of its own and no mark.
ANSWER_STANCE_LOOK: dict[str, MapStance] = {
    Stance.CONFIRM: MapStance.CONFIRM,
    Stance.DENY: MapStance.DENY,
    Stance.NCND: MapStance.NCND,
    Stance.UNKNOWN: MapStance.NO_ANSWER,
}


def stance_legend_label(stance: str) -> str:
    """A map stance as every legend writes it: its mark, then its label ("■ NCND"), readable without colour."""
    return f"{STANCE_MARKS[stance]} {STANCE_LABELS[stance]}"


# --- the map's counts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapTally:
    """What a map's headline and legends say, counted once (``map_tally``).

    ``counts``: authorities per map stance (every stance, zero when none); ``asked``: all but Not asked;
    ``on_record``: asked authorities with a confirm or deny on record (a later NCND does not erase it);
    ``ncnd_within``: cells showing a confirm or deny whose authority also NCNDed something within."""

    counts: dict[str, int]
    asked: int
    on_record: int
    ncnd_within: int


def shown_on_map(map_frame: pl.DataFrame) -> pl.DataFrame:
    """The authorities a map shows: every one with a hexagon, and every one asked without one (national
    bodies and commissioners, listed beside the map). An authority nobody asked and with no hexagon is
    nowhere on the page, so no legend counts it."""
    placed = pl.col("hex_col").is_not_null() & pl.col("hex_row").is_not_null()
    return map_frame.filter(placed | (pl.col("map_stance") != MapStance.NOT_ASKED.value))


def map_tally(map_frame: pl.DataFrame) -> MapTally:
    """Count a ``map_stances`` frame (filtered as shown) for the headline and every legend, dashboard and
    reports alike: they once counted different authorities ("23 of 26" beside a legend of 21), the
    legends only those with a hexagon and the headline every authority asked."""
    shown = shown_on_map(map_frame)
    asked = shown.filter(pl.col("map_stance") != MapStance.NOT_ASKED.value)
    return MapTally(
        counts=stance_counts(shown),
        asked=asked.height,
        on_record=asked.filter(pl.col("public_stance").is_not_null()).height,
        ncnd_within=asked.filter(pl.col("ncnd_within_id").is_not_null()).height
        if "ncnd_within_id" in asked.columns
        else 0,
    )


# --- answers, sources, evidence and findings -----------------------------------------------------------

OUTCOME_LABELS: dict[str, str] = {
    Outcome.DISCLOSED: "Disclosed",
    Outcome.PARTIALLY_DISCLOSED: "Partially disclosed",
    Outcome.WITHHELD: "Held, withheld under an exemption",
    Outcome.NOT_HELD: "Not held",
    Outcome.NCND: "Neither confirm nor deny",
    Outcome.NCND_PARTIAL: "Partial NCND (overt use answered, covert use NCND)",
    Outcome.REFUSED: "Refused",
    Outcome.NO_RESPONSE: "No response",
    Outcome.WITHDRAWN: "Withdrawn",
    Outcome.UNKNOWN: "Unknown",
    Outcome.OTHER: "Other",
}
SOURCE_TYPE_LABELS: dict[str, str] = {
    "foi_response": "FOI response", "press_release": "Press release", "procurement": "Procurement record",
    "parliamentary_answer": "Parliamentary answer", "published_policy": "Published policy", "survey": "Official survey",
    "media_report": "Media report", "leak": "Leak", "other": "Other",
}  # fmt: skip
GRADE_LABELS: dict[str, str] = {
    "official_self": "Official, own", "official_linked": "Official, linked body", "official_peer": "Official, peer", "unofficial": "Unofficial",
}  # fmt: skip
RELATION_TITLES: dict[str, str] = {
    "exact": "the same technology",
    "broader": "the broader category",
    "narrower": "a product or variant within it",
}
#: An evidence grade in plain words (the dashboard's panel and the reports; docs/numbers.md explains them).
GRADE_EXPLANATIONS: dict[str, str] = {
    "official_self": "the authority's own official answer",
    "official_linked": "an official answer by a linked body (a commissioner and its force)",
    "official_peer": "another authority's official answer (an FOI response, press release, survey...)",
    "unofficial": "a media report, leak or other unofficial source",
}
#: The one order checks are listed and read in (``mosaic checks`` and ``analyse``, the findings page, the
#: reports): the evidence against an NCND first, then consistency, then the map. The analyses' registry
#: keeps no order of its own (it lists checks by id); a check not named here comes after, by id.
CHECK_ORDER: tuple[str, ...] = (
    "peer_disclosure", "self_acknowledgment", "series_consistency", "selective_ncnd", "exemption_consistency",
    "regulator_consistency", "ncnd_limb", "boilerplate", "mosaic_exposure", "ncnd_tell", "timeliness",
)  # fmt: skip
REPORT_CHECK_ORDER = CHECK_ORDER  # the name present.tables imports
#: Strongest first, everywhere findings are listed.
SEVERITY_ORDER: dict[str, int] = {"strong": 0, "notable": 1, "info": 2}


def order_checks(check_ids: Iterable[str]) -> list[str]:
    """Check ids in ``CHECK_ORDER``, any it does not name after them by id.

    >>> order_checks(["timeliness", "zz_custom", "peer_disclosure"])
    ['peer_disclosure', 'timeliness', 'zz_custom']
    """
    rank = {check_id: index for index, check_id in enumerate(CHECK_ORDER)}
    return sorted(dict.fromkeys(check_ids), key=lambda check_id: (rank.get(check_id, len(rank)), check_id))


def check_rank(column: str = "check") -> pl.Expr:
    """A check's place in ``CHECK_ORDER`` as a sort key (a check it does not name sorts last)."""
    ranks = {check_id: index for index, check_id in enumerate(CHECK_ORDER)}
    return pl.col(column).replace_strict(ranks, default=len(ranks), return_dtype=pl.Int64)


def severity_rank(column: str = "severity") -> pl.Expr:
    """A severity's place in ``SEVERITY_ORDER`` as a sort key (strongest first, anything else last)."""
    return pl.col(column).replace_strict(SEVERITY_ORDER, default=len(SEVERITY_ORDER), return_dtype=pl.Int64)


# --- technologies ----------------------------------------------------------------------------------------


def technology_names(technologies: pl.DataFrame, events: pl.DataFrame | None = None) -> dict[str, str]:
    """The one name each technology is shown by, by id: the register's name, else the name its answers
    give most often (``AnalysisInputs.events``' ``technology_label``; ties alphabetical).

    The findings' own sentences name a technology by the register too, so ``mosaic summary`` (which once
    printed the name as typed, "facial recognition (any type)"), ``mosaic analyse``, the dashboard and the
    reports all say "Facial recognition".
    """
    names: dict[str, str] = {}
    if events is not None and events.height:
        given = (
            events.select("technology_id", pl.coalesce("technology_label", "technology_id").alias("name"))
            .drop_nulls("technology_id")
            .group_by("technology_id", "name")
            .len()
            .sort(["technology_id", "len", "name"], descending=[False, True, False])
            .unique("technology_id", keep="first", maintain_order=True)
        )
        names.update(given.select("technology_id", "name").iter_rows())
    names.update(technologies.select("technology_id", "name").drop_nulls().iter_rows())
    return names


# --- hexagon labels ----------------------------------------------------------------------------------


def _label_candidates(name: str) -> list[str]:
    """Short labels for a hexagon, best first: initials, then letters of the significant words."""
    stop = {"and", "of", "the", "police", "constabulary", "service", "force", "for"}
    words = [w for w in name.replace("-", " ").split() if w.lower() not in stop and w[:1].isalpha()] or [name or "?"]
    letters = "".join(words).upper()
    candidates = []
    if len(words) >= 2:
        candidates += [
            "".join(w[0] for w in words[:4]).upper(),
            (words[0][0] + words[1][:2]).upper(),
            (words[0][:2] + words[1][0]).upper(),
        ]
    candidates += [
        letters[:3],
        letters[:2] + letters[-1],
        letters[0] + letters[2:4],
        letters[:4],
        letters[0] + letters[-2:],
    ]
    return [c for c in dict.fromkeys(candidates) if c]


def hex_labels(names: Sequence[str]) -> dict[str, str]:
    """A distinct 2-4 letter label per name (the printed map has no tooltips, so labels must not collide).

    A candidate shared by two names is given to neither; each name takes its first candidate left free.

    >>> hex_labels(["West Mercia Police", "West Midlands Police", "Kent Police"])
    {'Kent Police': 'KEN', 'West Mercia Police': 'WME', 'West Midlands Police': 'WMI'}
    """
    options = {name: _label_candidates(name) for name in sorted(set(names))}
    labels: dict[str, str] = {}
    taken: set[str] = set()
    for depth in range(max((len(v) for v in options.values()), default=0)):
        wanted: dict[str, list[str]] = {}
        for name, candidates in options.items():
            if name not in labels and depth < len(candidates) and candidates[depth] not in taken:
                wanted.setdefault(candidates[depth], []).append(name)
        for label, claimants in sorted(wanted.items()):
            if len(claimants) == 1:
                labels[claimants[0]] = label
                taken.add(label)
    for name in options:  # whatever is left keeps its first choice
        labels.setdefault(name, options[name][0])
    return dict(sorted(labels.items()))


def authority_hex_labels(authority_ids: Sequence[str], names: Sequence[str | None]) -> dict[str, str]:
    """The label each authority's hexagon carries, by id: the dashboard's map and the reports' map both
    call this with the same cells (every authority with a place on the grid), so a force reads the same
    on both (they once differed for six forces: HAM/HIW, NOR/NOK, WM/WME, PSN/NI, ...)."""
    by_name = hex_labels([name or authority_id for authority_id, name in zip(authority_ids, names, strict=True)])
    return {
        authority_id: by_name[name or authority_id] for authority_id, name in zip(authority_ids, names, strict=True)
    }
