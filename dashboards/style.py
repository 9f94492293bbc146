"""The dashboard's own styles: fill patterns for the map and page CSS.

Stance labels, colours, marks and symbols are shared with the reports and live in ``mosaic.present.labels``;
here is only what the dashboard alone draws. No stance relies on colour alone: each also has a fill
pattern on the map, a mark in the hover text and its written label with a count in the legend.
"""

from __future__ import annotations

from mosaic.analyses import MapStance

#: plotly ``fillpattern.shape`` per stance ("" is a solid fill).
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

FADED = "#F6F6F6"
"""Fill of a cell hidden by the outcome or region filter (the country's shape stays visible)."""

PAGE_STYLE = {
    "fontFamily": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    "margin": "0 auto",
    "maxWidth": "1400px",
    "padding": "0 16px",
}
BANNER_STYLE = {
    "background": "#FFF3CD", "border": "1px solid #E0B000", "padding": "6px 12px", "fontWeight": "600",
    "margin": "8px 0",
}  # fmt: skip
CARD_STYLE = {
    "border": "1px solid #DDD",
    "borderRadius": "6px",
    "padding": "8px 12px",
    "minWidth": "140px",
    "background": "#FAFAFA",
}
