"""The fast CSV path (polars plus a delimiter count) gives what the careful csv-module parser gives.

``read_tables`` trusts polars only when the file's delimiter count proves that every record has the
header's width; otherwise it re-reads the file with the csv module, which sends ragged rows to
quarantine. These tests generate files with quoted delimiters, quoted line breaks, doubled quotes,
short and long rows, blank lines and stray quotes, and require ``read_tables`` to return exactly what
the careful parser returns for the same text, plus the fast path to be taken when nothing is wrong.
"""

from __future__ import annotations

import csv
import io

import polars as pl
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from mosaic.ingest import readers
from mosaic.ingest.readers import read_tables


def careful(text: str, delimiter: str) -> readers.RawTable:
    return readers._careful_parse("file.csv", text, delimiter, "utf-8")


def assert_same_as_careful(tmp_path, text: str) -> readers.RawTable:
    path = tmp_path / "file.csv"
    path.write_bytes(text.encode("utf-8"))
    [table] = read_tables(path)
    expected = careful(text, table.delimiter)
    assert table.header == expected.header
    assert table.blank_rows == expected.blank_rows
    assert_frame_equal(table.frame, expected.frame, check_column_order=False)
    assert_frame_equal(table.ragged, expected.ragged)
    return table


def fast_path_taken(text: str, delimiter: str) -> bool:
    return readers._fast_parse(text.encode("utf-8"), delimiter) is not None


HEADER = ["Force", "Outcome", "Notes"]


def test_quoted_delimiters_and_line_breaks_take_the_fast_path(tmp_path) -> None:
    text = 'Force,Outcome,Notes\nKent,"NCND, s24(2)","two\nlines"\nEssex,No,"say ""hi"", then go"\n'
    table = assert_same_as_careful(tmp_path, text)
    assert fast_path_taken(text, ",")
    assert table.frame.get_column("Notes").to_list() == ["two\nlines", 'say "hi", then go']


def test_short_row_hidden_by_a_quoted_delimiter_elsewhere_is_caught(tmp_path) -> None:
    # Same total of commas as a well-formed file would have without the quoted one: the count over
    # the parsed cells tells them apart.
    text = 'Force,Outcome,Notes\nKent,NCND,"a,b"\nEssex,No\n'
    assert not fast_path_taken(text, ",")
    table = assert_same_as_careful(tmp_path, text)
    assert table.ragged.get_column("source_row").to_list() == [3]


def test_long_row_short_row_blank_line_and_stray_quote_go_to_the_careful_parser(tmp_path) -> None:
    for body in ["Kent,NCND,x,extra\n", "Kent\n", "Kent,NCND,x\n\nEssex,No,y\n", 'Kent,N"CND,x\n', 'Kent,"NCND,x\n']:
        text = "Force,Outcome,Notes\n" + body
        assert not fast_path_taken(text, ",")
        assert_same_as_careful(tmp_path, text)


def previous_fast_parse(utf8: bytes, delimiter: str) -> pl.DataFrame | None:
    """The verification the fast path used before (per-record delimiter counts, records grouped by the
    parity of quote characters per physical line), kept here as the reference the new check must match."""
    import numpy as np

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
        utf8, has_header=False, separator="\x01", quote_char=None, infer_schema=False, empty_string_is_null=False,
        schema={"line": pl.String},
    )  # fmt: skip
    counts = lines.select(
        quotes=pl.col("line").str.count_matches('"', literal=True),
        delimiters=pl.col("line").str.count_matches(delimiter, literal=True),
    )
    quote_parity = np.cumsum(counts.get_column("quotes").to_numpy(), dtype=np.int64) % 2
    if quote_parity[-1] != 0:
        return None
    running = np.cumsum(counts.get_column("delimiters").to_numpy(), dtype=np.int64)[quote_parity == 0]
    per_record = np.diff(running, prepend=0)
    if per_record.size != frame.height:
        return None
    inside = frame.select(pl.sum_horizontal(pl.all().str.count_matches(delimiter, literal=True))).to_series().to_numpy()
    return frame if bool((per_record == inside + frame.width - 1).all()) else None


cell_text = st.text(alphabet=st.sampled_from(list('ab ,;"\n\u00a0é\t')), max_size=6)


@st.composite
def delimited_files(draw, *, proper_quoting: bool) -> tuple[str, str]:
    """A header and rows written by the csv module, some of them ragged (a cell short or long, or an
    empty line); without ``proper_quoting`` some rows are joined raw (stray quotes, unquoted delimiters)."""
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    width = draw(st.integers(min_value=1, max_value=4))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow([f"col{i}" for i in range(width)])
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        row_width = draw(st.sampled_from([width, width, width, width - 1, width + 1, 0]))
        cells = draw(st.lists(cell_text, min_size=row_width, max_size=row_width))
        if proper_quoting or draw(st.booleans()) or not cells:
            writer.writerow(cells)
        else:
            buffer.write(delimiter.join(cells) + "\n")
    return buffer.getvalue(), delimiter


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(delimited_files(proper_quoting=True))
def test_properly_quoted_files_read_as_the_careful_parser_reads_them(tmp_path, written: tuple[str, str]) -> None:
    text, delimiter = written
    path = tmp_path / "file.csv"
    path.write_bytes(text.encode("utf-8"))
    try:
        [table] = read_tables(path)
    except readers.DataError:
        return  # e.g. a header with no rows: the careful parser refuses it too
    # Quoting is only proper for the delimiter it was written with; on a tiny sample the sniffer may
    # pick another one, and then polars and the csv module read stray quotes differently (as before).
    assume(table.delimiter == delimiter)
    expected = careful(text, table.delimiter)
    assert table.header == expected.header
    assert table.blank_rows == expected.blank_rows
    assert_frame_equal(table.frame, expected.frame, check_column_order=False)
    assert_frame_equal(table.ragged, expected.ragged)


@settings(max_examples=500, deadline=None)
@given(delimited_files(proper_quoting=False), st.sampled_from([",", ";", "\t"]))
def test_fast_path_is_taken_exactly_when_the_previous_check_took_it(written: tuple[str, str], delimiter: str) -> None:
    utf8 = written[0].encode("utf-8")
    new, old = readers._fast_parse(utf8, delimiter), previous_fast_parse(utf8, delimiter)
    assert (new is None) == (old is None)
    if new is not None:
        assert_frame_equal(new, old)


def test_well_formed_large_file_takes_the_fast_path() -> None:
    rows = "\n".join(f'Force {i},"NCND, s24({i % 5})","line one\nline two"' for i in range(2000))
    text = "Force,Outcome,Notes\n" + rows + "\n"
    assert fast_path_taken(text, ",")
    parsed = pl.read_csv(text.encode(), infer_schema=False)
    assert parsed.height == 2000


def test_a_quote_inside_an_unquoted_cell_sends_the_file_to_the_careful_parser() -> None:
    # Found by the property above: the totals of separators balance, yet polars joins the records after a
    # stray quote differently from the csv module. The fast path must decline such a file.
    written = b'col0,col1\n,"\n",\t","\n\n"\n,"\n\n",\n,\n,"\n'
    assert previous_fast_parse(written, "\t") is None
    assert readers._fast_parse(written, "\t") is None
