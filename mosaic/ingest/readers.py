"""The only code that opens input files: CSV/TSV (any common encoding and delimiter) and spreadsheets.

Every reader returns ``RawTable`` objects: the cells exactly as strings, the header as the user wrote it,
and the spreadsheet row number of every record (the header is row 1), plus the records that could not be
split into the header's columns (ragged rows), which go to quarantine rather than being padded or
dropped. Nothing here interprets a cell; that is ``normalise``'s job.

Why this shape: polars' CSV reader is fast but pads short rows with nulls and gives up on long ones, so it
is trusted only when every record has exactly the header's width; otherwise the file is re-read with the
standard library's ``csv`` module, which reports each record's true width. Encoding is taken as UTF-8 when
the bytes decode as UTF-8 (with or without BOM), UTF-16 when a UTF-16 BOM says so (Excel's "Unicode text"),
and otherwise detected by charset-normalizer (Windows-1252 from Excel is the usual case). The delimiter
is detected by clevercsv among comma, semicolon, tab and pipe.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import charset_normalizer
import clevercsv
import numpy as np
import polars as pl

from mosaic.errors import DataError

ROW_COLUMN = "__source_row"
"""Name of the column that carries each record's spreadsheet row number inside a ``RawTable``."""

DELIMITED_SUFFIXES = frozenset({".csv", ".tsv", ".tab"})
SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"})
SUPPORTED_SUFFIXES = DELIMITED_SUFFIXES | SPREADSHEET_SUFFIXES

_SNIFF_CHARS = 64 * 1024
_CANDIDATE_DELIMITERS = [",", ";", "\t", "|"]
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class RawTable:
    """One table of raw string cells read from a file (a CSV, or one sheet of a workbook)."""

    source_file: str
    """What provenance calls this table: the file name, plus ``[Sheet]`` for a workbook sheet."""
    header: list[str]
    """Column names as written, made unique and non-blank (``column_3`` for a blank header cell)."""
    frame: pl.DataFrame
    """One String column per header name, plus ``__source_row`` (Int64)."""
    ragged: pl.DataFrame = field(default_factory=lambda: _empty_ragged())
    """Records whose width differs from the header's: ``source_row``, ``reason``, ``raw``."""
    blank_rows: int = 0
    """Records with no non-blank cell; they carry no data and are counted, not stored."""
    encoding: str | None = None
    delimiter: str | None = None

    @property
    def rows_read(self) -> int:
        """Data records read (blank records excluded): every one ends accepted, quarantined or duplicate."""
        return self.frame.height + self.ragged.height


def _empty_ragged() -> pl.DataFrame:
    return pl.DataFrame(schema={"source_row": pl.Int64, "reason": pl.String, "raw": pl.String})


def read_tables(path: Path) -> list[RawTable]:
    """Read one input file into raw tables (one for a CSV, one per non-empty sheet of a workbook).

    Raises:
        DataError: the file is missing, empty, binary, undecodable, of an unsupported type, or has a
            header and no data rows. The message is one line naming the file.
    """
    name = path.name
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    data = path.read_bytes()
    if not data.strip():
        raise DataError(f"{name}: the file is empty")
    suffix = path.suffix.lower()
    looks_like_workbook = data.startswith(_ZIP_MAGIC) or data.startswith(_OLE_MAGIC)
    if suffix in SPREADSHEET_SUFFIXES or (looks_like_workbook and suffix in DELIMITED_SUFFIXES):
        return _read_workbook(path, data)
    if suffix in DELIMITED_SUFFIXES:
        return [_read_delimited(name, data, default_delimiter="\t" if suffix != ".csv" else ",")]
    supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
    raise DataError(f"{name}: unsupported file type {suffix or '(none)'}; supported: {supported}")


# --- delimited text -----------------------------------------------------------------------------


def decode_bytes(name: str, data: bytes) -> tuple[str, str]:
    """Decode a text file's bytes, returning ``(text, encoding)``; raise ``DataError`` if binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DataError(f"{name}: claims UTF-16 but cannot be decoded ({exc.reason})") from None
    if b"\x00" in data[:8192]:
        raise DataError(f"{name}: looks like a binary file, not CSV text")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    matches = charset_normalizer.from_bytes(data)
    if not matches:
        raise DataError(f"{name}: cannot tell the text encoding; save it as UTF-8 CSV and try again")
    # Excel on a UK or US machine saves "CSV" as Windows-1252; when that reading is among the plausible
    # ones, prefer it to a neighbour such as cp1250 that would turn "£" into "Ł".
    if any(m.encoding == "cp1252" for m in matches):
        return data.decode("cp1252"), "cp1252"
    best = matches.best()
    return str(best), best.encoding


def _sniff_delimiter(text: str, default: str) -> str:
    sample = text[:_SNIFF_CHARS]
    if len(text) > _SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rfind("\n")]
    try:
        dialect = clevercsv.Detector().detect(sample, delimiters=_CANDIDATE_DELIMITERS)
    except Exception:  # clevercsv raises assorted errors on odd samples; the default is then right
        dialect = None
    if dialect is None or dialect.delimiter not in _CANDIDATE_DELIMITERS:
        return default
    return dialect.delimiter


def _read_delimited(name: str, data: bytes, *, default_delimiter: str) -> RawTable:
    text, encoding = decode_bytes(name, data)
    delimiter = _sniff_delimiter(text, default_delimiter)
    utf8 = data[3:] if encoding == "utf-8" and data.startswith(b"\xef\xbb\xbf") else data
    if encoding != "utf-8":
        utf8 = text.encode("utf-8")
    records = _fast_parse(utf8, delimiter)
    if records is None:
        return _careful_parse(name, text, delimiter, encoding)
    header_row = records.row(0)
    body = records.slice(1)
    return _assemble(name, list(header_row), body, first_row=2, encoding=encoding, delimiter=delimiter)


def _fast_parse(utf8: bytes, delimiter: str) -> pl.DataFrame | None:
    """Parse with polars; return None unless every record provably has the header's width.

    polars pads a short record with empty strings (indistinguishable from empty cells) and fails on a
    long one, so widths are verified separately, without a regex: the file is also split into physical
    lines (fast, in parallel), lines are grouped into records by the running parity of quote characters
    (a line inside a quoted cell continues its record), and each record's delimiter count must equal
    ``width - 1`` plus the delimiters polars found inside that record's cells. Any disagreement (a
    padded row, a stray quote, a different record count) sends the file to the careful parser.
    """
    try:
        frame = pl.read_csv(
            utf8,
            has_header=False,
            separator=delimiter,
            infer_schema=False,
            empty_string_is_null=False,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError:
        return None
    if frame.height == 0 or b"\x01" in utf8:
        return None
    lines = pl.read_csv(
        utf8,
        has_header=False,
        separator="\x01",
        quote_char=None,
        infer_schema=False,
        empty_string_is_null=False,
        schema={"line": pl.String},
    )
    counts = lines.select(
        quotes=pl.col("line").str.count_matches('"', literal=True),
        delimiters=pl.col("line").str.count_matches(delimiter, literal=True),
    )
    quote_parity = np.cumsum(counts.get_column("quotes").to_numpy(), dtype=np.int64) % 2
    if quote_parity[-1] != 0:
        return None
    record_ends = quote_parity == 0
    running = np.cumsum(counts.get_column("delimiters").to_numpy(), dtype=np.int64)[record_ends]
    per_record = np.diff(running, prepend=0)
    if per_record.size != frame.height:
        return None
    if not (counts.get_column("quotes") > 0).any():
        return frame if bool((per_record == frame.width - 1).all()) else None
    inside_cells = frame.select(pl.sum_horizontal(pl.all().str.count_matches(delimiter, literal=True))).to_series().to_numpy()
    return frame if bool((per_record == inside_cells + frame.width - 1).all()) else None


def _careful_parse(name: str, text: str, delimiter: str, encoding: str) -> RawTable:
    """Parse with the csv module, sending records of the wrong width to ``ragged`` with their row."""
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
        records = list(reader)
    except csv.Error as exc:
        raise DataError(f"{name}: cannot be parsed as delimited text ({exc})") from None
    if not records:
        raise DataError(f"{name}: the file is empty")
    header = records[0]
    width = len(header)
    good: list[list[str]] = []
    good_rows: list[int] = []
    ragged_rows: list[dict[str, object]] = []
    for index, record in enumerate(records[1:], start=2):
        if len(record) == width:
            good.append(record)
            good_rows.append(index)
        elif not any(cell.strip() for cell in record):
            good.append([""] * width)  # a blank record: counted as blank by _assemble
            good_rows.append(index)
        else:
            ragged_rows.append(
                {
                    "source_row": index,
                    "reason": f"row has {len(record)} cells but the header has {width}",
                    "raw": json.dumps(record, ensure_ascii=False),
                }
            )
    columns = list(zip(*good, strict=True)) if good else [()] * width
    body = pl.DataFrame({f"column_{i + 1}": list(col) for i, col in enumerate(columns)}, schema={f"column_{i + 1}": pl.String for i in range(width)})
    ragged = pl.DataFrame(ragged_rows, schema=_empty_ragged().schema) if ragged_rows else _empty_ragged()
    return _assemble(name, header, body, first_row=None, row_numbers=good_rows, ragged=ragged, encoding=encoding, delimiter=delimiter)


# --- spreadsheets -----------------------------------------------------------------------------


def _read_workbook(path: Path, data: bytes) -> list[RawTable]:
    try:
        sheets = pl.read_excel(
            io.BytesIO(data),
            sheet_id=0,
            has_header=False,
            infer_schema_length=0,
            drop_empty_rows=False,
            drop_empty_cols=False,
            raise_if_empty=False,
        )
    except Exception as exc:  # calamine reports damaged workbooks with assorted exception types
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{path.name}: cannot be read as a spreadsheet ({first_line})") from None
    tables = []
    for sheet_name, frame in sheets.items():
        frame = frame.select(pl.all().cast(pl.String))
        non_blank = frame.filter(pl.any_horizontal(pl.all().str.strip_chars().ne("")))
        if non_blank.height == 0:
            continue
        # calamine starts a sheet at its first used row, so in a sheet whose header is not in row 1 the
        # row numbers count from the header's row (a known limit). Blank leading rows inside the used
        # range are skipped: the header is the first non-blank row.
        numbered = frame.with_row_index("__index", offset=1)
        first = numbered.filter(pl.any_horizontal(pl.exclude("__index").str.strip_chars().ne(""))).item(0, "__index")
        header = [("" if v is None else v) for v in frame.row(first - 1)]
        body = frame.slice(first)
        label = f"{path.name} [{sheet_name}]" if len(sheets) > 1 else path.name
        tables.append(_assemble(label, header, body.fill_null(""), first_row=first + 1, encoding=None, delimiter=None))
    if not tables:
        raise DataError(f"{path.name}: the workbook has no data in any sheet")
    return tables


# --- shared -----------------------------------------------------------------------------------


def unique_header(cells: list[str | None]) -> list[str]:
    """Make header names non-blank and unique (``Notes``, ``Notes (2)``), keeping the user's spelling."""
    seen: dict[str, int] = {}
    names = []
    for position, cell in enumerate(cells, start=1):
        name = (cell or "").strip() or f"column_{position}"
        count = seen.get(name.casefold(), 0) + 1
        seen[name.casefold()] = count
        names.append(name if count == 1 else f"{name} ({count})")
    return names


def _assemble(
    name: str,
    header_cells: list[str | None],
    body: pl.DataFrame,
    *,
    first_row: int | None,
    row_numbers: list[int] | None = None,
    ragged: pl.DataFrame | None = None,
    encoding: str | None,
    delimiter: str | None,
) -> RawTable:
    header = unique_header(header_cells)
    if not any((c or "").strip() for c in header_cells):
        raise DataError(f"{name}: row 1 (the header) is blank")
    body = body.rename(dict(zip(body.columns, header, strict=True)))
    if row_numbers is not None:
        body = body.with_columns(pl.Series(ROW_COLUMN, row_numbers, dtype=pl.Int64))
    else:
        body = body.with_row_index(ROW_COLUMN, offset=first_row or 2).with_columns(pl.col(ROW_COLUMN).cast(pl.Int64))
    is_blank = pl.all_horizontal(pl.exclude(ROW_COLUMN).str.strip_chars().eq(""))
    blank_rows = body.select(is_blank.sum()).item() if body.height else 0
    body = body.filter(~is_blank) if blank_rows else body
    ragged = ragged if ragged is not None else _empty_ragged()
    if body.height == 0 and ragged.height == 0:
        raise DataError(f"{name}: has a header but no data rows")
    return RawTable(
        source_file=name,
        header=header,
        frame=body,
        ragged=ragged,
        blank_rows=int(blank_rows),
        encoding=encoding,
        delimiter=delimiter,
    )
