"""Static SVG charts for the reports: the hex map, counts over time, shares with intervals.

Drawn by hand rather than with plotly because a report must be one self-contained file that prints and
converts to PDF (WeasyPrint renders inline SVG) with no browser and no network. Every piece of text from
the data goes through ``escape``; numbers are formatted with fixed precision so reruns are byte-identical.
"""

from __future__ import annotations

import datetime as dt
import math

from markupsafe import Markup, escape

from mosaic.present.labels import STANCE_COLOURS, STANCE_TEXT_COLOURS
from mosaic.registry.hexgrid import hex_corners
from mosaic.report.model import HexMap, IntervalChart, TimeChart

#: Cell colours: the shared, colour-blind-safe palette the dashboard's map uses too.
STANCE_FILL: dict[str, str] = STANCE_COLOURS
STANCE_TEXT: dict[str, str] = STANCE_TEXT_COLOURS
SERIES_COLOURS = ("#777777", "#0072B2", "#222222", "#D55E00")
FONT = 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"'


def _n(value: float) -> str:
    """A coordinate with two decimals and no trailing noise (stable output)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def hexmap_svg(block: HexMap, *, unit: float = 46.0) -> Markup:
    """The hexagon cartogram with a legend; the subject authority outlined; a tooltip per cell."""
    if not block.cells:
        return Markup("")
    xs = [cell["x"] for cell in block.cells]
    ys = [-cell["y"] for cell in block.cells]
    margin = unit * 0.7
    left, top = min(xs) * unit - margin, min(ys) * unit - margin
    map_width = (max(xs) - min(xs)) * unit + 2 * margin
    height = (max(ys) - min(ys)) * unit + 2 * margin
    # Wide enough for the longest legend line at 11px (about 6.2px a character) after its 20px key.
    longest = max((len(f"{entry['label']}: {int(entry['count'])}") for entry in block.legend), default=0)
    legend_width = max(190.0, 30.0 + 6.2 * longest)
    width = map_width + legend_width
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="hexmap" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'width="{_n(width)}" height="{_n(height)}" role="img" aria-label="{escape(block.title)}">'
    ]
    subject = None
    for cell in block.cells:
        cx, cy = cell["x"] * unit - left, -cell["y"] * unit - top
        corners = hex_corners(cx, cy, unit * 0.96)
        points = " ".join(f"{_n(x)},{_n(2 * cy - y)}" for x, y in corners)  # flip: hex_corners is y-up
        stance = cell["stance"]
        title = f"{cell['name']}: {cell['stance_label']}"
        parts.append(
            f'<g><title>{escape(title)}</title><polygon points="{points}" fill="{STANCE_FILL.get(stance, "#FFFFFF")}" '
            f'stroke="#FFFFFF" stroke-width="1.5"/>'
            f'<text x="{_n(cx)}" y="{_n(cy + 3.5)}" text-anchor="middle" font-size="10" {FONT} '
            f'fill="{STANCE_TEXT.get(stance, "#000000")}">{escape(cell["short"])}</text></g>'
        )
        if cell.get("ncnd_within"):  # a confirm or deny on the cell, an NCND within the technology: a dot
            parts.append(
                f'<circle cx="{_n(cx)}" cy="{_n(cy - unit * 0.42)}" r="{_n(unit * 0.11)}" fill="{STANCE_FILL["ncnd"]}" stroke="#FFFFFF" stroke-width="1"/>'
            )
        if cell.get("is_subject"):
            subject = (cx, cy)
    if subject is not None:
        cx, cy = subject
        points = " ".join(f"{_n(x)},{_n(2 * cy - y)}" for x, y in hex_corners(cx, cy, unit * 1.02))
        parts.append(f'<polygon points="{points}" fill="none" stroke="#FFD700" stroke-width="4"/>')
        parts.append(f'<polygon points="{points}" fill="none" stroke="#000000" stroke-width="1.5"/>')
    x0 = map_width + 10
    y = margin
    parts.append(
        f'<text x="{_n(x0)}" y="{_n(y - 14)}" font-size="12" font-weight="bold" {FONT}>On {escape(block.as_of)}</text>'
    )
    for entry in block.legend:
        key = (
            f'<circle cx="{_n(x0 + 7)}" cy="{_n(y - 3)}" r="5" fill="{STANCE_FILL["ncnd"]}"/>'
            if entry["stance"] == "ncnd_within"
            else f'<rect x="{_n(x0)}" y="{_n(y - 10)}" width="14" height="14" fill="{STANCE_FILL.get(entry["stance"], "#FFFFFF")}" stroke="#999999" stroke-width="0.5"/>'
        )
        parts.append(
            key
            + f'<text x="{_n(x0 + 20)}" y="{_n(y + 1.5)}" font-size="11" {FONT}>{escape(entry["label"])}: {int(entry["count"])}</text>'
        )
        y += 20
    if subject is not None:
        parts.append(
            f'<rect x="{_n(x0)}" y="{_n(y - 10)}" width="14" height="14" fill="none" stroke="#FFD700" stroke-width="3"/>'
            f'<text x="{_n(x0 + 20)}" y="{_n(y + 1.5)}" font-size="11" {FONT}>this authority</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _date_number(text: str) -> float:
    return dt.date.fromisoformat(text).toordinal()


def timechart_svg(block: TimeChart, *, width: float = 640.0, height: float = 230.0) -> Markup:
    """Step lines of cumulative counts, with year ticks and a legend."""
    if not block.points:
        return Markup("")
    pad_left, pad_right, pad_top, pad_bottom = 44.0, 12.0, 30.0, 28.0
    days = [_date_number(point["date"]) for point in block.points]
    start, end = days[0], max(days[-1], days[0] + 1)
    top_value = max(max(int(point.get(key) or 0) for point in block.points) for key, _ in block.series) or 1
    step = _nice_step(top_value)
    top_value = math.ceil(top_value / step) * step

    def px(day: float) -> float:
        return pad_left + (day - start) / (end - start) * (width - pad_left - pad_right)

    def py(value: float) -> float:
        return height - pad_bottom - value / top_value * (height - pad_top - pad_bottom)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" '
        f'height="{_n(height)}" role="img" aria-label="{escape(block.title)}">'
    ]
    for value in range(0, int(top_value) + 1, int(step)):
        parts.append(
            f'<line x1="{_n(pad_left)}" x2="{_n(width - pad_right)}" y1="{_n(py(value))}" y2="{_n(py(value))}" stroke="#DDDDDD" stroke-width="0.6"/>'
            f'<text x="{_n(pad_left - 5)}" y="{_n(py(value) + 3.5)}" text-anchor="end" font-size="10" {FONT}>{value}</text>'
        )
    first_year, last_year = dt.date.fromordinal(int(start)).year, dt.date.fromordinal(int(end)).year
    years = range(first_year + 1, last_year + 1)
    every = max(1, math.ceil(len(years) / 10))
    for year in list(years)[::every]:
        x = px(dt.date(year, 1, 1).toordinal())
        parts.append(
            f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{_n(pad_top)}" y2="{_n(height - pad_bottom)}" stroke="#EEEEEE" stroke-width="0.6"/>'
            f'<text x="{_n(x)}" y="{_n(height - pad_bottom + 14)}" text-anchor="middle" font-size="10" {FONT}>{year}</text>'
        )
    parts.append(
        f'<line x1="{_n(pad_left)}" x2="{_n(width - pad_right)}" y1="{_n(py(0))}" y2="{_n(py(0))}" stroke="#444444" stroke-width="0.8"/>'
    )
    legend_x = pad_left
    for index, (key, label) in enumerate(block.series):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        path = [f"M{_n(px(days[0]))},{_n(py(int(block.points[0].get(key) or 0)))}"]
        for day, point in zip(days[1:], block.points[1:], strict=True):
            path.append(f"H{_n(px(day))}V{_n(py(int(point.get(key) or 0)))}")
        dash = ' stroke-dasharray="4 3"' if index == 0 else ""
        parts.append(f'<path d="{"".join(path)}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        final = int(block.points[-1].get(key) or 0)
        parts.append(
            f'<line x1="{_n(legend_x)}" x2="{_n(legend_x + 18)}" y1="12" y2="12" stroke="{colour}" stroke-width="2"{dash}/>'
            f'<text x="{_n(legend_x + 22)}" y="15.5" font-size="11" {FONT}>{escape(label)} ({final})</text>'
        )
        legend_x += 30 + 6.5 * (len(label) + len(str(final)) + 3)
    parts.append("</svg>")
    return Markup("".join(parts))


def _nice_step(top: float) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if top / step <= 6:
            return step
    return int(10 ** math.ceil(math.log10(top / 6)))


def intervalchart_svg(block: IntervalChart, *, width: float = 640.0) -> Markup:
    """One row per label: the share as a dot, its 95% Wilson interval as a line, and k/n on the right."""
    if not block.rows:
        return Markup("")
    label_width, count_width, row_height, top = 190.0, 70.0, 22.0, 26.0
    height = top + row_height * len(block.rows) + 8
    axis = width - label_width - count_width

    def px(share: float) -> float:
        return label_width + share * axis

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" '
        f'height="{_n(height)}" role="img" aria-label="{escape(block.title)}">'
    ]
    for tick in (0, 25, 50, 75, 100):
        x = px(tick / 100)
        parts.append(
            f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{_n(top - 6)}" y2="{_n(height - 8)}" stroke="#DDDDDD" stroke-width="0.6"/>'
            f'<text x="{_n(x)}" y="{_n(top - 10)}" text-anchor="middle" font-size="10" {FONT}>{tick}%</text>'
        )
    for index, row in enumerate(block.rows):
        y = top + row_height * index + row_height / 2
        bold = ' font-weight="bold"' if index == len(block.rows) - 1 and row["label"].startswith("All") else ""
        parts.append(
            f'<text x="{_n(label_width - 8)}" y="{_n(y + 3.5)}" text-anchor="end" font-size="10.5"{bold} {FONT}>{escape(row["label"])}</text>'
            f'<line x1="{_n(px(row["low"]))}" x2="{_n(px(row["high"]))}" y1="{_n(y)}" y2="{_n(y)}" stroke="#222222" stroke-width="1.6"/>'
            f'<circle cx="{_n(px(row["share"]))}" cy="{_n(y)}" r="4" fill="#222222"/>'
            f'<text x="{_n(width - count_width + 8)}" y="{_n(y + 3.5)}" font-size="10.5" {FONT}>{int(row["successes"])} of {int(row["trials"])}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
