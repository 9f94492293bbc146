"""Every spreadsheet-bound writer: CSV from a frame, with the formula guard, in one place.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula (or a
DDE payload) by Excel, LibreOffice and Google Sheets; data is never that. OWASP's rule: prefix such a
text cell with an apostrophe, which the spreadsheet shows as text. An authority named
``=HYPERLINK("http://evil.example","x")`` must come out as that text in every CSV and XLSX ``mosaic``
writes: the CLI's, the dashboard's and the reports'. Numbers are written as numbers (a negative count is
not a formula), which is why the guard is applied to text columns only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

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
    flat = frame.with_columns(
        pl.col(name).cast(pl.List(pl.String)).list.join("; ")
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.List)
    )
    return neutralise_text_columns(flat).write_csv()


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
