"""Readers: every encoding, delimiter and damage users bring, read exactly or refused in one clear line."""

from __future__ import annotations

import json

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mosaic.errors import DataError
from mosaic.ingest import readers
from mosaic.ingest.readers import ROW_COLUMN, read_tables, unique_header


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def cells(table) -> list[tuple]:
    return table.frame.select(*table.header, ROW_COLUMN).rows()


def test_semicolon_csv_with_quoted_delimiter(tmp_path):
    path = write(tmp_path, "semi.csv", b'Force;Outcome;Notes\nKent;NCND;"a;b"\nEssex;Not held;\n')
    [table] = read_tables(path)
    assert table.delimiter == ";"
    assert table.header == ["Force", "Outcome", "Notes"]
    assert cells(table) == [("Kent", "NCND", "a;b", 2), ("Essex", "Not held", "", 3)]


def test_windows_1252_from_excel(tmp_path):
    text = "Force,Outcome,Notes\r\nKent,NCND,café “quoted” £100 – ok\r\nEssex,No,naïve\r\n"
    [table] = read_tables(write(tmp_path, "excel.csv", text.encode("cp1252")))
    assert table.encoding is not None and table.encoding.lower().replace("-", "") in {"cp1252", "windows1252"}
    assert cells(table)[0] == ("Kent", "NCND", "café “quoted” £100 – ok", 2)
    assert cells(table)[1][2] == "naïve"


def test_utf8_bom_tab_separated_with_blank_lines(tmp_path):
    [table] = read_tables(write(tmp_path, "bom.tsv", "\ufeffForce\tOutcome\nKent\tYes\n\n\t\nEssex\tNo\n".encode()))
    assert table.header == ["Force", "Outcome"]  # the BOM is not part of the first header
    assert cells(table) == [("Kent", "Yes", 2), ("Essex", "No", 5)]
    assert table.blank_rows == 2
    assert table.rows_read == 2


def test_utf16_unicode_text_from_excel(tmp_path):
    text = "Force\tOutcome\r\nDyfed-Powys Police\tNCND\r\n"
    [table] = read_tables(write(tmp_path, "unicode.tsv", text.encode("utf-16")))
    assert cells(table) == [("Dyfed-Powys Police", "NCND", 2)]


def test_multiline_quoted_cell_keeps_record_numbering(tmp_path):
    data = b'Force,Notes\nKent,"line one\nline two"\nEssex,plain\n'
    [table] = read_tables(write(tmp_path, "multi.csv", data))
    assert cells(table) == [("Kent", "line one\nline two", 2), ("Essex", "plain", 3)]


def test_ragged_rows_are_set_aside_with_row_and_reason(tmp_path):
    data = b'Force,Outcome\nKent,Yes,extra\nEssex\n"Surrey","multi\nline"\nSussex,No\n'
    [table] = read_tables(write(tmp_path, "ragged.csv", data))
    assert cells(table) == [("Surrey", "multi\nline", 4), ("Sussex", "No", 5)]
    ragged = table.ragged.to_dicts()
    assert [r["source_row"] for r in ragged] == [2, 3]
    assert ragged[0]["reason"] == "row has 3 cells but the header has 2"
    assert json.loads(ragged[0]["raw"]) == ["Kent", "Yes", "extra"]
    assert ragged[1]["reason"] == "row has 1 cells but the header has 2"
    assert table.rows_read == 4


def test_blank_and_duplicate_headers_get_names(tmp_path):
    [table] = read_tables(write(tmp_path, "h.csv", b"Force,,Notes,notes\nKent,x,a,b\n"))
    assert table.header == ["Force", "column_2", "Notes", "notes (2)"]
    assert unique_header(["A", "a", None, " "]) == ["A", "a (2)", "column_3", "column_4"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "empty.csv: the file is empty"),
        ("spaces.csv", b"  \n\n", "spaces.csv: the file is empty"),
        ("header.csv", b"Force,Outcome\n", "header.csv: has a header but no data rows"),
        ("blanks.csv", b"Force,Outcome\n,\n,\n", "blanks.csv: has a header but no data rows"),
        ("binary.csv", bytes(range(256)) * 4, "binary.csv: looks like a binary file"),
        ("notes.docx", b"PK\x03\x04", "notes.docx: unsupported file type .docx"),
        ("notes.pdf", b"%PDF-1.4", "notes.pdf: cannot be read as a PDF"),
        ("blankhead.csv", b",,\na,b,c\n", "blankhead.csv: row 1 (the header) is blank"),
    ],
)
def test_unusable_files_fail_with_one_line_naming_the_file(tmp_path, name, data, message):
    with pytest.raises(DataError) as caught:
        read_tables(write(tmp_path, name, data))
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_tables(tmp_path / "nope.csv")


def test_xlsx_cells_as_text_with_row_numbers_and_sheets(tmp_path):
    xlsxwriter = pytest.importorskip("xlsxwriter")
    import datetime

    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Wave 1")
    sheet.write_row(0, 0, ["Force", "Date of response", "Count"])
    sheet.write(1, 0, "Kent Police")
    sheet.write_datetime(1, 1, datetime.datetime(2024, 7, 5), book.add_format({"num_format": "dd/mm/yyyy"}))
    sheet.write_number(1, 2, 3)
    sheet.write(3, 0, "Essex Police")  # after a blank row
    book.add_worksheet("Empty")
    other = book.add_worksheet("Wave 2")
    other.write_row(0, 0, ["Force", "Outcome"])
    other.write_row(1, 0, ["Surrey Police", "NCND"])
    book.close()
    tables = read_tables(path)
    assert [t.source_file for t in tables] == ["book.xlsx [Wave 1]", "book.xlsx [Wave 2]"]
    first = tables[0]
    assert first.header == ["Force", "Date of response", "Count"]
    rows = first.frame.select(*first.header, ROW_COLUMN).rows()
    assert rows == [("Kent Police", "2024-07-05 00:00:00", "3", 2), ("Essex Police", "", "", 4)]
    assert first.blank_rows == 1
    assert tables[1].frame.select("Force", ROW_COLUMN).rows() == [("Surrey Police", 2)]


def test_damaged_xlsx_is_one_line(tmp_path):
    with pytest.raises(DataError, match=r"^broken.xlsx: cannot be read as a spreadsheet"):
        read_tables(write(tmp_path, "broken.xlsx", b"PK\x03\x04 not really a zip"))


def test_fast_and_careful_paths_agree(tmp_path):
    """A clean file parsed by polars equals the same file parsed by the csv module (via one ragged row)."""
    body = "".join(f'Force {i},"note, {i}",{i}\n' for i in range(50))
    clean = read_tables(write(tmp_path, "clean.csv", ("A,B,C\n" + body).encode()))[0]
    careful = read_tables(write(tmp_path, "careful.csv", ("A,B,C\n" + body + "x\n").encode()))[0]
    assert careful.ragged.height == 1
    assert clean.frame.select("A", "B", "C", ROW_COLUMN).equals(careful.frame.select("A", "B", "C", ROW_COLUMN))


@pytest.mark.parametrize(
    ("text", "fast", "kent"),
    [
        ('Force,Outcome\r\nKent,No\r\nEssex,"NCND, s24(2)"\r\n', True, "No"),  # Windows line ends
        ('Force,Outcome\nKent,"No\rthen yes"\nEssex,"NCND, s24(2)"\n', True, "No\rthen yes"),  # one in a cell
        ('Force,Outcome\nKent,No\rEssex,"NCND, s24(2)"\n', False, "No"),  # a line end to the csv module only
        # polars keeps the first of two carriage returns (as it always did; trimming drops it later)
        ('Force,Outcome\nKent,No\r\r\nEssex,"NCND, s24(2)"\n', True, "No\r"),
    ],
)
def test_carriage_returns_are_read_as_before(tmp_path, text, fast, kent):
    """The check skips its scan of the cells for line breaks when the file has no carriage return; with
    one, the scan decides as before (the verdicts and cells here are those of the check before)."""
    assert (readers._fast_parse(text.encode(), ",") is not None) == fast
    [table] = read_tables(write(tmp_path, "cr.csv", text.encode()))
    assert cells(table) == [("Kent", kent, 2), ("Essex", "NCND, s24(2)", 3)]
    assert table.ragged.is_empty()


@pytest.mark.parametrize("at", [0, 1, readers._COUNT_CHUNK - 1, readers._COUNT_CHUNK, readers._COUNT_CHUNK + 1])
def test_a_non_breaking_space_is_found_wherever_it_falls(at):
    """One pass counts the bytes and finds a non-breaking space (C2 A0), also across the pass's slices."""
    data = bytearray(b"x" * (readers._COUNT_CHUNK + 8))
    data[at : at + 2] = "\u00a0".encode()
    assert readers._ByteCounts.of(bytes(data), "x").has_nbsp
    assert not readers._ByteCounts.of(bytes(data).replace(b"\xc2", b"y"), "x").has_nbsp  # a lone A0 byte is not one
    assert not readers._ByteCounts.of(b"x" * 10, "x").has_nbsp


def test_a_large_cell_and_a_ragged_row_together(tmp_path):
    """Each alone was handled; together the careful parser met the csv module's 128 KiB field limit."""
    letter = "x" * 200_000
    data = f'Force,Technology,Notes\nKent Police,drones,"{letter}"\nEssex Police,drones\n'.encode()
    [table] = read_tables(write(tmp_path, "big.csv", data))
    assert cells(table) == [("Kent Police", "drones", letter, 2)]
    assert table.ragged.select("source_row", "reason").rows() == [(3, "row has 2 cells but the header has 3")]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom(tmp_path, encoding):
    text = "Force\tOutcome\r\nDyfed-Powys Police\tNCND – s24(2)\r\nKent\tNo\r\n"
    [table] = read_tables(write(tmp_path, "nobom.tsv", text.encode(encoding)))
    assert table.encoding == encoding
    assert cells(table) == [("Dyfed-Powys Police", "NCND – s24(2)", 2), ("Kent", "No", 3)]


def test_binary_with_zero_bytes_is_still_binary(tmp_path):
    with pytest.raises(DataError, match="binary"):
        read_tables(write(tmp_path, "image.csv", bytes(range(256)) * 40))


def test_encrypted_workbook_says_it_is_password_protected(tmp_path):
    """An xlsx saved with a password is an OLE container with an EncryptedPackage stream."""
    ole = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 504
        + "EncryptionInfo".encode("utf-16-le")
        + b"\0" * 50
        + "EncryptedPackage".encode("utf-16-le")
        + b"\0" * 2000
    )
    with pytest.raises(DataError) as raised:
        read_tables(write(tmp_path, "locked.xlsx", ole))
    assert str(raised.value).startswith("locked.xlsx: the workbook is password-protected") and "\n" not in str(
        raised.value
    )


def counts_at_line_ends_with_polars(utf8: bytes, delimiter: str) -> tuple[list[int], list[int]]:
    """The reference ``_counts_at_line_ends`` replaced: the lines read by polars, counted in each."""
    import polars as pl

    lines = pl.read_csv(
        utf8, has_header=False, separator="\x01", quote_char=None, infer_schema=False, empty_string_is_null=False,
        schema={"line": pl.String},
    )  # fmt: skip
    counts = lines.select(
        quotes=pl.col("line").str.count_matches('"', literal=True).cum_sum(),
        delimiters=pl.col("line").str.count_matches(delimiter, literal=True).cum_sum(),
    )
    return counts.get_column("quotes").to_list(), counts.get_column("delimiters").to_list()


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab,;"\n\r\t é')), max_size=60), st.sampled_from([",", ";", "\t"]))
def test_counts_at_line_ends_are_those_of_the_lines_polars_reads(text, delimiter):
    """The record check's counts per physical line, taken with numpy, equal polars' reading of the lines."""
    utf8 = text.encode()
    assume(utf8)
    quotes, delimiters = readers._counts_at_line_ends(utf8, delimiter)
    assert (quotes.tolist(), delimiters.tolist()) == counts_at_line_ends_with_polars(utf8, delimiter)


@pytest.mark.parametrize("size", [readers._COUNT_CHUNK - 1, readers._COUNT_CHUNK, readers._COUNT_CHUNK + 1])
def test_counts_at_line_ends_across_the_slices_of_the_pass(size):
    """A line cut by the end of a slice of the pass is counted once, whole, where it ends."""
    line = b'a,"b\n'
    utf8 = (line * (size // len(line) + 2))[:size]
    quotes, delimiters = readers._counts_at_line_ends(utf8, ",")
    assert (quotes.tolist(), delimiters.tolist()) == counts_at_line_ends_with_polars(utf8, ",")
