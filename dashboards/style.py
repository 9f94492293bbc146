"""The dashboard's own page CSS.

Stance labels, colours, marks, symbols and fill patterns live in ``mosaic.present.labels`` with the rest of
how a stance looks, shared with the reports; here are only the page's boxes and fonts.
"""

from __future__ import annotations

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
