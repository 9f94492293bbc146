"""The only code that opens input files: CSV/TSV (any common encoding and delimiter) and spreadsheets.

Every reader returns ``RawTable`` objects: the cells exactly as strings, the header as the user wrote it,
and the spreadsheet row number of every record (the header is row 1), plus the records that could not be
split into the header's columns (ragged rows), which go to quarantine rather than being padded or
dropped. Nothing here interprets a cell; that is ``normalise``'s job.

Why this shape: polars' CSV reader is fast but pads short rows with nulls and gives up on long ones, so it
is trusted only when every record has exactly the header's width; otherwise the file is re-read with the
standard library's ``csv`` module, which reports each record's true width. Encoding is taken as UTF-8 when
the bytes decode as UTF-8 (with or without BOM), UTF-16 when a UTF-16 BOM says so (Excel's "Unicode text")
or when the zero bytes fall in every other position as they do in UTF-16 without a BOM, and otherwise detected by charset-normalizer (Windows-1252 from Excel is the usual case). The delimiter
is detected by clevercsv among comma, semicolon, tab and pipe.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import mmap
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import charset_normalizer
import clevercsv
import numpy as np
import polars as pl

from mosaic.errors import DataError
from mosaic.extract.text import DOCUMENT_SUFFIXES

ROW_COLUMN = "__source_row"
"""Name of the column that carries each record's spreadsheet row number inside a ``RawTable``."""

DELIMITED_SUFFIXES = frozenset({".csv", ".tsv", ".tab"})
SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"})
PLATFORM_SUFFIXES = frozenset({".json", ".zip"})
"""WhatDoTheyKnow/Alaveteli request or feed JSON and correspondence ZIPs (``mosaic.ingest.alaveteli``)."""
SUPPORTED_SUFFIXES = DELIMITED_SUFFIXES | SPREADSHEET_SUFFIXES | PLATFORM_SUFFIXES

_SNIFF_CHARS = 64 * 1024
_SNIFF_BYTES = 4 * _SNIFF_CHARS + 16
"""Bytes that surely hold more than ``_SNIFF_CHARS`` characters of UTF-8 (at most 4 bytes each, plus a BOM)."""
_COUNT_CHUNK = 1 << 20
SLICED_ABOVE_BYTES = 512 << 20
"""A delimited file larger than this is read and normalised a slice at a time (``read_chunks``), so memory
follows the slice, not the file (ten million rows fit in a few gigabytes). Smaller files are read whole:
slicing costs about a second per million rows (each slice is compressed and later streamed), and a file
this size still fits in memory comfortably."""
CHUNK_BYTES = 128 << 20
"""The size of a slice (``SLICED_ABOVE_BYTES``): about half a million rows, some 700 MB at the peak."""
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
    document_issues: pl.DataFrame | None = None
    """For a document (letter, decision notice): issue rows of fields the extractor did not keep."""
    has_nbsp: bool | None = None
    """Whether any cell holds a non-breaking space; None when the reader did not check. Trimming replaces
    them, and a reader that already holds the raw bytes can rule them out far faster than a cell scan."""

    @property
    def rows_read(self) -> int:
        """Data records read (blank records excluded): every one ends accepted, quarantined or duplicate."""
        return self.frame.height + self.ragged.height


def _empty_ragged() -> pl.DataFrame:
    return pl.DataFrame(schema={"source_row": pl.Int64, "reason": pl.String, "raw": pl.String})


def expand_inputs(paths: Sequence[Path]) -> list[Path]:
    """The input files: each path as given, and a folder as the files in it (and its subfolders) that
    ``mosaic`` reads, in name order, so a folder of decision notices or letters ingests in one command.

    Hidden files (``.DS_Store``) and files of a type ``mosaic`` does not read are left out of a folder;
    a file named on its own is always read (and an unsupported type is its one error line).

    Raises:
        DataError: a folder holds no file ``mosaic`` reads (one line naming it).
    """
    readable = SUPPORTED_SUFFIXES | DOCUMENT_SUFFIXES
    expanded: list[Path] = []
    for path in map(Path, paths):
        if not path.is_dir():
            expanded.append(path)
            continue
        inside = sorted(
            found
            for found in path.rglob("*")
            if found.is_file()
            and found.suffix.lower() in readable
            and not any(part.startswith(".") for part in found.relative_to(path).parts)
        )
        if not inside:
            supported = ", ".join(sorted(readable))
            raise DataError(f"{path}: the folder holds no file mosaic reads ({supported})")
        expanded.extend(inside)
    return expanded


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
    if not data or data.isspace():  # same as ``not data.strip()`` without copying the whole file
        raise DataError(f"{name}: the file is empty")
    suffix = path.suffix.lower()
    platform = _read_platform(path, data, suffix)
    if platform is not None:
        return [platform]
    looks_like_workbook = data.startswith(_ZIP_MAGIC) or data.startswith(_OLE_MAGIC)
    if suffix in SPREADSHEET_SUFFIXES or (looks_like_workbook and suffix in DELIMITED_SUFFIXES):
        return _read_workbook(path, data)
    if suffix in DELIMITED_SUFFIXES:
        return [_read_delimited(name, data, default_delimiter="\t" if suffix != ".csv" else ",")]
    if suffix in DOCUMENT_SUFFIXES:
        return [_read_document(path)]
    supported = ", ".join(sorted(SUPPORTED_SUFFIXES | DOCUMENT_SUFFIXES))
    raise DataError(f"{name}: unsupported file type {suffix or '(none)'}; supported: {supported}")


def _read_platform(path: Path, data: bytes, suffix: str) -> RawTable | None:
    """WhatDoTheyKnow data, detected by content: a correspondence ZIP, or Alaveteli JSON (a request, a list
    of them, a feed). None when the file is neither; a ``.json``/``.zip`` that is not readable as one is a
    one-line ``DataError``."""
    from mosaic.ingest import alaveteli

    if suffix not in SPREADSHEET_SUFFIXES and data.startswith(_ZIP_MAGIC) and alaveteli.is_correspondence_zip(data):
        return alaveteli.read_correspondence_zip(path.name, data)
    if suffix == ".zip":
        return alaveteli.read_correspondence_zip(path.name, data)  # raises with the reason
    if suffix in SPREADSHEET_SUFFIXES or not alaveteli.looks_like_json(data, suffix):
        return None
    try:
        document = alaveteli.parse_json(path.name, data)
    except DataError:
        if suffix == ".json":
            raise
        return None  # text that merely starts with a bracket: read it as what its name says
    if suffix != ".json" and not alaveteli.is_alaveteli_document(document):
        return None
    return alaveteli.read_alaveteli_json(path.name, document)


# --- delimited text -----------------------------------------------------------------------------


def decode_bytes(name: str, data: bytes) -> tuple[str, str]:
    """Decode a text file's bytes, returning ``(text, encoding)``; raise ``DataError`` if binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DataError(f"{name}: claims UTF-16 but cannot be decoded ({exc.reason})") from None
    if b"\x00" in data[:8192]:
        bomless = _bomless_utf16(data)
        if bomless is not None:
            return bomless
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


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text saved without a byte-order mark, or None.

    Text that is mostly ASCII has a zero byte in every other position in UTF-16 (the odd positions in
    little-endian, the even ones in big-endian) and almost never in the other half; binary files do not
    look like that. The whole file must then decode, and hold no control characters but tab and line ends.
    """
    sample = data[:8192]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    for encoding, zeros, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros.count(0) >= 0.6 * len(zeros) and other.count(0) == 0:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            text = text.removeprefix("\ufeff")
            if any(ch < " " and ch not in "\t\r\n" for ch in text[:8192]):
                return None
            return text, encoding
    return None


def _sniff_delimiter(text: str, default: str) -> str:
    """The delimiter clevercsv finds in the first ``_SNIFF_CHARS`` characters of ``text``."""
    return _sniff_sample(text[:_SNIFF_CHARS], len(text) > _SNIFF_CHARS, default)


def _sniff_sample(sample: str, truncated: bool, default: str) -> str:
    """Sniff ``sample`` (cut back to its last full line when the text goes on past it)."""
    if truncated and "\n" in sample:
        sample = sample[: sample.rfind("\n")]
    try:
        dialect = clevercsv.Detector().detect(sample, delimiters=_CANDIDATE_DELIMITERS)
    except Exception:  # clevercsv raises assorted errors on odd samples; the default is then right
        dialect = None
    if dialect is None or dialect.delimiter not in _CANDIDATE_DELIMITERS:
        return default
    return dialect.delimiter


def _read_delimited(name: str, data: bytes, *, default_delimiter: str) -> RawTable:
    table, fast_parse_failed = _read_utf8_directly(name, data, default_delimiter)
    if table is not None:
        return table
    text, encoding = decode_bytes(name, data)
    delimiter = _sniff_delimiter(text, default_delimiter)
    utf8 = data[3:] if encoding == "utf-8" and data.startswith(b"\xef\xbb\xbf") else data
    if encoding != "utf-8":
        utf8 = text.encode("utf-8")
    # A UTF-8 file polars could not parse exactly will not parse better a second time.
    records = None if encoding == "utf-8" and fast_parse_failed else _fast_parse(utf8, delimiter)
    if records is None:
        return _careful_parse(name, text, delimiter, encoding)
    header_row = records.row(0)
    body = records.slice(1)
    return _assemble(name, list(header_row), body, first_row=2, encoding=encoding, delimiter=delimiter)


def _read_utf8_directly(name: str, data: bytes, default_delimiter: str) -> tuple[RawTable | None, bool]:
    """The common case without decoding the whole file in Python: UTF-8 text that polars parses exactly.

    Only the sniffing sample is decoded (exactly as ``decode_bytes`` would decode it, so the delimiter is
    the same); polars then parses the raw bytes and rejects any invalid UTF-8 in them. Anything else (a
    UTF-16 BOM, NUL bytes, a sample that is not UTF-8, a parse polars cannot vouch for) returns
    ``(None, fast_parse_failed)`` and the caller takes the general path, which decides as before.
    """
    delimiter = _utf8_delimiter(data, default_delimiter)
    if delimiter is None:
        return None, False
    utf8 = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    parsed = _verified_parse(utf8, delimiter)
    if parsed is None:
        return None, True
    records, has_nbsp = parsed
    header_row = records.row(0)
    body = records.slice(1)
    table = _assemble(name, list(header_row), body, first_row=2, encoding="utf-8", delimiter=delimiter)
    return replace(table, has_nbsp=has_nbsp), False


def _utf8_delimiter(data: bytes | mmap.mmap, default: str) -> str | None:
    """The delimiter clevercsv finds in the start of ``data`` when that start is UTF-8 text; None for a
    UTF-16 BOM, NUL bytes or a start that is not UTF-8 (only the sniffing sample is decoded)."""
    head = data[:_SNIFF_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:8192]:
        return None
    try:
        # The incremental decoder holds back a character cut at the end of ``head`` instead of failing.
        head_text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=len(head) == len(data))
    except UnicodeDecodeError:
        return None
    return _sniff_sample(head_text[:_SNIFF_CHARS], len(head_text) > _SNIFF_CHARS, default)


class NotChunkable(Exception):
    """``read_chunks`` cannot vouch for a slice: the file is read whole instead (the careful path)."""


def read_chunks(path: Path, chunk_bytes: int | None = None) -> Iterator[tuple[RawTable, float]] | None:
    """A large UTF-8 delimited file as consecutive tables of whole records, each with the share of the
    file read so far; None when ``path`` is not such a file (``read_tables`` reads it whole).
    ``chunk_bytes``, when given, is both the slice size and the size above which a file is sliced.

    The file is mapped, not read: a slice ends at the first line break at or after ``chunk_bytes`` that
    is outside any quoted cell (an even number of quote characters since the slice began), each slice
    is parsed with the file's header in front of it, rows keep the numbers a spreadsheet shows, and the
    pages of a slice are released once it is parsed. Every slice must pass ``_fast_parse``'s checks; if
    one does not (a quote inside an unquoted cell can make a line break look like a record boundary),
    iterating raises ``NotChunkable`` and the caller reads the whole file the careful way.
    """
    above = chunk_bytes or SLICED_ABOVE_BYTES
    chunk_bytes = chunk_bytes or CHUNK_BYTES
    if path.suffix.lower() not in DELIMITED_SUFFIXES or not path.is_file() or path.stat().st_size <= above:
        return None
    return _chunks(path, chunk_bytes, default_delimiter="\t" if path.suffix.lower() != ".csv" else ",")


def _chunks(path: Path, chunk_bytes: int, *, default_delimiter: str) -> Iterator[tuple[RawTable, float]]:
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        is_workbook = data[: len(_OLE_MAGIC)].startswith((_ZIP_MAGIC, _OLE_MAGIC))
        delimiter = None if is_workbook else _utf8_delimiter(data, default_delimiter)
        if delimiter is None:
            raise NotChunkable
        start = 3 if data[:3] == b"\xef\xbb\xbf" else 0
        header_end = _record_end(data, start, start)
        header = data[start:header_end]
        if not header.endswith(b"\n"):
            raise NotChunkable
        position, first_row, total = header_end, 2, len(data)
        while position < total:
            end = _record_end(data, position, min(position + chunk_bytes, total))
            chunk = header + data[position:end]
            parsed = _verified_parse(chunk, delimiter)
            if parsed is None:
                raise NotChunkable
            records, has_nbsp = parsed
            body = records.slice(1)
            records_in_slice = body.height
            table = _assemble(
                path.name, list(records.row(0)), body, first_row=first_row, encoding="utf-8",
                delimiter=delimiter, allow_empty=True,
            )  # fmt: skip
            del chunk, records, body
            data.madvise(
                mmap.MADV_DONTNEED, position - position % mmap.PAGESIZE, end - position + position % mmap.PAGESIZE
            )
            yield replace(table, has_nbsp=has_nbsp), end / total
            first_row += records_in_slice
            position = end


def _record_end(data: mmap.mmap, start: int, target: int) -> int:
    """The offset just past the first line break at or after ``target`` with an even number of quote
    characters between ``start`` (a record's first byte) and it; the end of the data if there is none."""
    if target >= len(data):
        return len(data)
    parity = data[start:target].count(b'"') % 2
    while True:
        newline = data.find(b"\n", target)
        if newline == -1:
            return len(data)
        parity = (parity + data[target : newline + 1].count(b'"')) % 2
        if parity == 0:
            return newline + 1
        target = newline + 1


@dataclass(frozen=True)
class _ByteCounts:
    """What one pass over a text's bytes finds (numpy, a slice at a time to bound memory)."""

    counts: list[int]
    """How often each counted single-byte character occurs, in the order asked."""
    has_nbsp: bool
    """Whether the text holds a UTF-8 non-breaking space (C2 A0)."""

    @classmethod
    def of(cls, data: bytes, targets: str) -> _ByteCounts:
        """Count each character of ``targets`` in ``data``, and look for a non-breaking space: only where
        an A0 byte (the end of one) occurs is the byte before it looked at."""
        array = np.frombuffer(data, dtype=np.uint8)
        codes = [ord(t) for t in targets]
        counts = [0] * len(codes)
        has_nbsp = False
        for start in range(0, array.size, _COUNT_CHUNK):
            chunk = array[start : start + _COUNT_CHUNK]
            for i, code in enumerate(codes):
                counts[i] += int(np.count_nonzero(chunk == code))
            if not has_nbsp:
                ends = np.flatnonzero(chunk == 0xA0) + start
                has_nbsp = bool((array[ends[ends > 0] - 1] == 0xC2).any())
        return cls(counts, has_nbsp)


def _fast_parse(utf8: bytes, delimiter: str) -> pl.DataFrame | None:
    """The records polars parses from ``utf8``, or None unless every one provably has the header's width
    (``_verified_parse``)."""
    parsed = _verified_parse(utf8, delimiter)
    return None if parsed is None else parsed[0]


def _verified_parse(utf8: bytes, delimiter: str) -> tuple[pl.DataFrame, bool] | None:
    """Parse with polars; return the records and whether the text holds a non-breaking space, or None
    unless every record provably has the header's width.

    polars pads a short record with empty strings (indistinguishable from empty cells) and fails on a
    long one (and on invalid UTF-8, and on a stray quote inside an unquoted cell). So once polars has
    parsed the file, every delimiter byte in it is either a separator between two cells of a record or a
    character inside a (quoted) cell, and every record has at most ``width - 1`` separators. Hence every
    record has exactly the header's width if and only if::

        delimiters in the file == records * (width - 1) + delimiters inside cells

    Both sides are cheap: a byte count over the file and a count over the parsed cells (only needed when
    the file has a quote character at all; without quotes no cell can hold a delimiter). An odd number
    of quote characters (an unterminated quote) also sends the file to the careful parser. The one pass
    that counts bytes also counts line breaks, carriage returns and the byte that ends a UTF-8
    non-breaking space.
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
    if frame.height == 0:
        return None
    counted = _ByteCounts.of(utf8, delimiter + '"\n\x01\r')
    delimiters, quotes, newlines, marks, returns = counted.counts
    if quotes % 2 or marks:
        return None
    has_nbsp = counted.has_nbsp
    inside = None  # delimiters inside each record's cells (only a quoted cell can hold one)
    if quotes:
        holding = [
            c
            for c, n in zip(
                frame.columns, frame.select(pl.all().str.contains(delimiter, literal=True).any()).row(0), strict=True
            )
            if n
        ]
        if holding:
            inside = frame.select(
                pl.sum_horizontal(pl.col(holding).str.count_matches(delimiter, literal=True))
            ).to_series()
    inside_cells = int(inside.sum()) if inside is not None else 0
    if delimiters != frame.height * (frame.width - 1) + inside_cells:
        return None
    if not quotes:
        return frame, has_nbsp
    # With quotes, the totals can balance while polars and the csv module split records differently (a
    # quote inside an unquoted cell, then a quoted cell spanning lines). When no cell holds a line break
    # and there are as many lines as records, every record is one line and the totals settle it;
    # otherwise check record by record. Every record takes at least one line, and one more for each line
    # break in its cells (a cell is text of the file, line breaks included), so as many lines as records
    # means no cell holds one; and a file without a carriage return has none in any cell either.
    lines = newlines + (0 if utf8.endswith(b"\n") else 1)
    if lines == frame.height and (not returns or not any(frame.select(pl.all().str.contains(r"[\r\n]").any()).row(0))):
        return frame, has_nbsp
    return (frame, has_nbsp) if _records_match(utf8, delimiter, frame, inside) else None


def _records_match(utf8: bytes, delimiter: str, frame: pl.DataFrame, inside: pl.Series | None) -> bool:
    """Whether polars' records are the file's records: physical lines grouped into records by the parity
    of their quote characters, each with exactly ``width - 1`` separators besides ``inside`` (those in
    its cells; None for none)."""
    quotes, delimiters = _counts_at_line_ends(utf8, delimiter)
    quote_parity = quotes % 2
    if quote_parity.size == 0 or quote_parity[-1] != 0:
        return False
    per_record = np.diff(delimiters[quote_parity == 0], prepend=0)
    if per_record.size != frame.height:
        return False
    expected = frame.width - 1 + (inside.to_numpy() if inside is not None else 0)
    return bool((per_record == expected).all())


def _counts_at_line_ends(utf8: bytes, delimiter: str) -> tuple[np.ndarray, np.ndarray]:
    """How many quote characters, and how many ``delimiter``s, the text holds up to the end of each
    physical line (a line ends at a line feed, or at the end of a text that does not end with one).

    numpy, a slice at a time: each slice's line feeds cut it into segments, whose quotes and delimiters
    are summed by one ``reduceat`` each; a line cut by the slice's end carries over into the next. This
    takes a third of the CPU time of reading the lines with polars and counting in each.
    """
    array = np.frombuffer(utf8, dtype=np.uint8)
    quote, separator = ord('"'), ord(delimiter)
    quotes_at, delimiters_at = [], []
    quotes_before = delimiters_before = 0  # in the text before the current slice
    for start in range(0, array.size, _COUNT_CHUNK):
        chunk = array[start : start + _COUNT_CHUNK]
        ends = np.flatnonzero(chunk == ord("\n"))
        segments = np.concatenate(([0], ends[ends + 1 < chunk.size] + 1))  # the last may run on past the slice
        # A segment is at most a slice long, so its sums fit 32 bits (which reduce twice as fast as 64).
        quotes = np.add.reduceat((chunk == quote).view(np.uint8), segments, dtype=np.int32)
        delimiters = np.add.reduceat((chunk == separator).view(np.uint8), segments, dtype=np.int32)
        quotes_at.append(quotes_before + np.cumsum(quotes, dtype=np.int64)[: ends.size])
        delimiters_at.append(delimiters_before + np.cumsum(delimiters, dtype=np.int64)[: ends.size])
        quotes_before += int(quotes.sum())
        delimiters_before += int(delimiters.sum())
    if array.size and array[-1] != ord("\n"):  # the last line has no line feed
        quotes_at.append(np.array([quotes_before]))
        delimiters_at.append(np.array([delimiters_before]))
    empty = np.zeros(0, dtype=np.int64)
    return np.concatenate([empty, *quotes_at]), np.concatenate([empty, *delimiters_at])


def _careful_parse(name: str, text: str, delimiter: str, encoding: str) -> RawTable:
    """Parse with the csv module, sending records of the wrong width to ``ragged`` with their row."""
    # The csv module refuses cells over 128 KiB by default; a long cell (a pasted letter) is data, not damage.
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))
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
    body = pl.DataFrame(
        {f"column_{i + 1}": list(col) for i, col in enumerate(columns)},
        schema={f"column_{i + 1}": pl.String for i in range(width)},
    )
    ragged = pl.DataFrame(ragged_rows, schema=_empty_ragged().schema) if ragged_rows else _empty_ragged()
    return _assemble(
        name, header, body, first_row=None, row_numbers=good_rows, ragged=ragged, encoding=encoding, delimiter=delimiter
    )


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
        if _is_encrypted_workbook(data) or re.search(r"password|encrypt", first_line, re.IGNORECASE):
            raise DataError(
                f"{path.name}: the workbook is password-protected (encrypted); open it in Excel, remove the password "
                "(File > Info > Protect Workbook) or save a copy without one, and ingest that"
            ) from None
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


def _is_encrypted_workbook(data: bytes) -> bool:
    """An Office file saved with a password: an OLE container holding an ``EncryptedPackage`` stream
    (xlsx and other OOXML), or a legacy workbook whose stream names say it is encrypted."""
    if not data.startswith(_OLE_MAGIC):
        return False
    return "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data


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
    allow_empty: bool = False,
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
    # Only rows whose first cell is blank can be blank: test the whole row on those alone.
    first_blank = (
        body.select(pl.col(header[0]).str.strip_chars().eq("").arg_true()).to_series() if body.height else None
    )
    blank_rows = 0
    if first_blank is not None and first_blank.len():
        blank_rows = body[first_blank].select(is_blank.sum()).item()
    body = body.filter(~is_blank) if blank_rows else body
    ragged = ragged if ragged is not None else _empty_ragged()
    if body.height == 0 and ragged.height == 0 and not allow_empty:
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


# --- documents (letters, decision notices) -------------------------------------------------------


def _read_document(path: Path) -> RawTable:
    """A response letter or decision notice as a one-row table whose header is ingest's field names.

    The extractor (``mosaic.extract``) finds each field's text; the row then goes through the same
    cleaning as a spreadsheet row. Fields it did not keep come back as issue rows.
    """
    from mosaic.extract import document_table

    table = document_table(path)
    frame = table.frame.with_columns(pl.lit(1, dtype=pl.Int64).alias(ROW_COLUMN))
    return RawTable(source_file=table.source_file, header=table.header, frame=frame, document_issues=table.issues)
