"""Every spreadsheet-bound writer (CSV from a frame or rows, XLSX workbooks), with the formula guard, in one place.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula (or a
DDE payload) by Excel, LibreOffice and Google Sheets; data is never that. OWASP's rule: prefix such a
text cell with an apostrophe, which the spreadsheet shows as text. An authority named
``=HYPERLINK("http://evil.example","x")`` must come out as that text in every CSV and XLSX ``mosaic``
writes: the CLI's, the dashboard's and the reports'. Numbers are written as numbers (a negative count is
not a formula), which is why the guard is applied to text columns only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

import polars as pl

#: Characters that start a formula (or a DDE payload) in a spreadsheet cell (OWASP CSV injection).
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: str) -> str:
    """Prefix a text cell that a spreadsheet would read as a formula with an apostrophe.

    >>> neutralise_cell("=HYPERLINK(\\"http://x\\")"), neutralise_cell("-3"), neutralise_cell("s24(2)")
    ('\\'=HYPERLINK("http://x")', "'-3", 's24(2)')
    """
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def neutralise_text_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """``neutralise_cell`` over every text column at once (numbers, dates and booleans untouched)."""
    strings = [name for name, dtype in frame.schema.items() if dtype in (pl.String, pl.Categorical)]
    return frame.with_columns(
        pl.when(
            pl.any_horizontal([pl.col(name).cast(pl.String).str.starts_with(t) for t in FORMULA_TRIGGERS]).fill_null(
                False
            )
        )
        .then(pl.lit("'") + pl.col(name).cast(pl.String))
        .otherwise(pl.col(name).cast(pl.String))
        .alias(name)
        for name in strings
    )


def frame_csv(frame: pl.DataFrame) -> str:
    """A flat frame as CSV text, safe to open in a spreadsheet (list columns joined with "; ")."""
    return _spreadsheet_safe(frame).write_csv()


def write_frames_csv(frames: Iterable[pl.DataFrame], stream: BinaryIO) -> None:
    """``frame_csv`` of the frames one after another (one header: the first frame's), written to
    ``stream`` as each comes, so a table too large to hold as text is never held whole."""
    for position, frame in enumerate(frames):
        _spreadsheet_safe(frame).write_csv(stream, include_header=position == 0)


def _spreadsheet_safe(frame: pl.DataFrame) -> pl.DataFrame:
    flat = frame.with_columns(
        pl.col(name).cast(pl.List(pl.String)).list.join("; ")
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.List)
    )
    return neutralise_text_columns(flat)


def safe_cell(value: Any) -> Any:
    """One cell for a CSV or spreadsheet row: numbers stay numbers, booleans read true/false, None is
    empty, and text is neutralised (``neutralise_cell``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value  # numbers stay numbers: a negative count is not a formula
    return neutralise_cell(str(value))


def rows_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Rows of Python values as CSV text (CRLF, minimal quoting), every cell through ``safe_cell``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralise_cell(name) for name in header])
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


# --- cells as people read them ----------------------------------------------------------------------------


def display_value(value: Any, kind: str = "text") -> str:
    """A cell as text for people: shares as percentages, lists joined, floats to two places."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(display_value(item) for item in value)
    if kind == "share" and isinstance(value, int | float):
        return f"{value:.0%}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


# --- XLSX -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a name, a header and rows of ``(value, kind)`` cells (kind as in ``display_value``)."""

    name: str
    header: list[str]
    rows: list[list[tuple[Any, str]]]


def xlsx_workbook(sheets: Sequence[Sheet], *, title: str, author: str, created: dt.datetime) -> bytes:
    """The sheets as an XLSX workbook. Text is always written as text (never a formula, a URL or a
    number guessed from it) and neutralised as in the CSV; numbers as numbers, shares as percentages."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    workbook.set_properties({"title": title, "author": author, "created": created})
    bold = workbook.add_format({"bold": True, "bg_color": "#F1F1F1", "bottom": 1})
    share = workbook.add_format({"num_format": "0%"})
    used_names: set[str] = set()
    for sheet in sheets:
        ws = workbook.add_worksheet(_sheet_name(sheet.name, used_names))
        for col, label in enumerate(sheet.header):
            ws.write_string(0, col, neutralise_cell(label), bold)
        for r, row in enumerate(sheet.rows, start=1):
            for c, (value, kind) in enumerate(row):
                _write_cell(ws, r, c, value, kind, share)
        ws.freeze_panes(1, 0)
        for col, label in enumerate(sheet.header):
            width = max([len(label), *[len(display_value(row[col][0])) for row in sheet.rows[:200]]] or [8])
            ws.set_column(col, col, min(max(width + 2, 8), 60))
    workbook.close()
    return buffer.getvalue()


def _write_cell(ws: Any, row: int, col: int, value: Any, kind: str, share_format: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, share_format if kind == "share" else None)
    else:
        ws.write_string(row, col, neutralise_cell(display_value(value, "text")))


def _sheet_name(title: str, used: set[str]) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique."""
    base = re.sub(r"[\[\]:*?/\\']", " ", title).strip()[:31] or "Sheet"
    name, counter = base, 2
    while name.lower() in used:
        suffix = f" ({counter})"
        name, counter = base[: 31 - len(suffix)] + suffix, counter + 1
    used.add(name.lower())
    return name
