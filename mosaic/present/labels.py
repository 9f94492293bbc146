"""Stances as people see them: one label, colour, text colour, mark and plotly symbol per map stance.

Every picture of the map (the dashboard's hexagons and geography, its timeline and network, the reports'
SVG map and legends) takes these from here, so a stance looks and reads the same everywhere. The colours
are Okabe-Ito (distinguishable under the common colour-vision deficiencies), and no stance relies on
colour alone: each has a mark in text and a marker symbol that echoes it (Denied is an x wherever it
appears, NCND a square; the timeline once drew NCND with the x that means Denied everywhere else).
"""

from __future__ import annotations

from mosaic.analyses import MapStance
from mosaic.schema import Stance

#: An answer's own stance (not its cell on a map), as the reports' tables print it.
ANSWER_STANCE_LABELS: dict[str, str] = {Stance.CONFIRM: "Confirmed", Stance.DENY: "Denied", Stance.NCND: "NCND", Stance.UNKNOWN: "No stance"}

#: A cell's stance on the map.
STANCE_LABELS: dict[str, str] = {
    MapStance.CONFIRM: "Confirmed",
    MapStance.DENY: "Denied",
    MapStance.NCND_PARTIAL: "Partial NCND",
    MapStance.NCND: "NCND",
    MapStance.NO_ANSWER: "No answer yet",
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
