"""Stances as people see them: one label, colour, text colour, mark and plotly symbol per map stance.

Every picture of the map (the dashboard's hexagons and geography, its timeline and network, the reports'
SVG map and legends) takes these from here, so a stance looks and reads the same everywhere. The colours
are Okabe-Ito (distinguishable under the common colour-vision deficiencies), and no stance relies on
colour alone: each has a mark in text and a marker symbol that echoes it (Denied is an x wherever it
appears, NCND a square; the timeline once drew NCND with the x that means Denied everywhere else).
"""

from __future__ import annotations

from collections.abc import Sequence

from mosaic.analyses import MapStance
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
#: The order findings are read in (reports, the CLI and the dashboard): the evidence against an NCND first, then consistency, then the map.
REPORT_CHECK_ORDER: tuple[str, ...] = (
    "peer_disclosure", "self_acknowledgment", "series_consistency", "selective_ncnd", "exemption_consistency",
    "ncnd_limb", "boilerplate", "mosaic_exposure", "ncnd_tell", "timeliness",
)  # fmt: skip
#: Strongest first, everywhere findings are listed.
SEVERITY_ORDER: dict[str, int] = {"strong": 0, "notable": 1, "info": 2}
#: An evidence grade in plain words (the dashboard's panel and the reports; docs/numbers.md explains them).
GRADE_EXPLANATIONS: dict[str, str] = {
    "official_self": "the authority's own official answer",
    "official_linked": "an official answer by a linked body (a commissioner and its force)",
    "official_peer": "another authority's official answer (an FOI response, press release, survey...)",
    "unofficial": "a media report, leak or other unofficial source",
}


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
