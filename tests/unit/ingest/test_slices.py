"""Large files are read and normalised a slice at a time; the slices must add up to exactly the whole file.

``read_chunks`` cuts a delimited file at record boundaries (line breaks outside quoted cells). Here the
slice size is a few hundred bytes instead of 128 MB, so every file is cut many times, and what is read and
stored is compared with reading the same file whole.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

import mosaic.ingest.readers as readers
from mosaic.ingest.pipeline import Registers, ingest_files
from mosaic.ingest.readers import NotChunkable, read_chunks, read_tables
from mosaic.store.workspace import Workspace

ROOT = Path(__file__).parents[3]
REAL_ANSWERS = ROOT / "tests" / "realdata" / "answers.csv"
SAMPLE = ROOT / "data" / "sample" / "responses.csv"

AWKWARD = (
    "\ufeffForce,Technology,Outcome,Notes\r\n"
    'Kent Police,drones,NCND,"a note, with a comma"\r\n'
    'Essex Police,drones,Not held,"two\r\nlines, and ""quotes"""\r\n'
    ",,,\r\n"
    'Surrey Police,"facial\nrecognition",Confirmed,plain\u00a0space\r\n'
    'Kent Police,drones,NCND,"a note, with a comma"\r\n'
    "Sussex Police,drones,Partial,last row without a line break"
)
WITH_AN_EMPTY_LINE = AWKWARD.replace(",,,\r\n", ",,,\r\n\r\n")
"""polars skips an empty line that the csv module counts as a row: the whole file takes the careful path."""


def slices(path: Path, size: int) -> list:
    found = read_chunks(path, size)
    assert found is not None
    return [table for table, _ in found]


def test_slices_of_an_awkward_file_are_the_whole_file(tmp_path):
    path = tmp_path / "awkward.csv"
    path.write_text(AWKWARD, encoding="utf-8")
    [whole] = read_tables(path)
    for size in (1, 40, 90):
        parts = slices(path, size)
        assert len(parts) > 1
        assert pl.concat([p.frame for p in parts]).equals(whole.frame)
        assert sum(p.blank_rows for p in parts) == whole.blank_rows == 1
        assert any(p.has_nbsp for p in parts) and whole.has_nbsp
        assert {p.delimiter for p in parts} == {","} and [p.header for p in parts] == [whole.header] * len(parts)


def test_a_small_file_and_a_workbook_are_not_sliced(tmp_path):
    path = tmp_path / "small.csv"
    path.write_text("Force,Technology\nKent Police,drones\n", encoding="utf-8")
    assert read_chunks(path, 1 << 20) is None
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"PK\x03\x04" + b"x" * 100)
    assert read_chunks(book, 10) is None


@pytest.mark.parametrize(
    "text",
    [
        # A quote inside an unquoted cell upsets the quote count a cut relies on.
        'Force,Notes\nKent,5" screen\nEssex,"multi\nline"\nSurrey,plain\n' * 5,
        WITH_AN_EMPTY_LINE,
    ],
)
def test_a_slice_the_fast_parser_cannot_vouch_for_gives_up(tmp_path, text):
    """Then the file is read whole, the careful way (the ingest test below checks the result)."""
    path = tmp_path / "odd.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(NotChunkable):
        slices(path, 20)


def stored(workspace: Workspace) -> dict[str, pl.DataFrame]:
    return {
        table: workspace.read(table).drop("ingest_id").sort(pl.all()) for table in ("responses", "issues", "quarantine")
    }


@pytest.mark.parametrize("source", [REAL_ANSWERS, SAMPLE, "awkward", "empty line", "stray", "windows-1252"])
def test_ingest_in_slices_stores_exactly_what_ingest_of_the_whole_file_does(tmp_path, monkeypatch, source):
    if source in ("awkward", "empty line"):
        text = AWKWARD if source == "awkward" else WITH_AN_EMPTY_LINE
        source = tmp_path / "awkward.csv"
        source.write_text(text, encoding="utf-8")
    elif source == "windows-1252":  # UTF-8 until a later slice: that slice fails, the file is read whole
        source = tmp_path / "excel.csv"
        rows = "".join(f"Kent Police,drones,NCND,row {i}\r\n" for i in range(60))
        source.write_bytes(
            ("Force,Technology,Outcome,Notes\r\n" + rows + "Essex Police,drones,No,café £5\r\n").encode("cp1252")
        )
    elif source == "stray":
        source = tmp_path / "stray.csv"
        source.write_text('Force,Technology,Notes\nKent Police,drones,5" screen\nEssex Police,drones,"a\nb"\n' * 3)
    else:
        shutil.copy(source, tmp_path / source.name)
        source = tmp_path / source.name
    if source.name in (REAL_ANSWERS.name, SAMPLE.name):
        assert len(slices(source, 500)) > 10  # these really are read in slices
    registers = Registers.for_file(source) if source.name != "responses.csv" else Registers.with_sample()
    whole = ingest_files([source], Workspace(tmp_path / "whole"), registers=registers)
    monkeypatch.setattr(readers, "CHUNK_BYTES", 500)
    monkeypatch.setattr(readers, "SLICED_ABOVE_BYTES", 500)
    sliced = ingest_files([source], Workspace(tmp_path / "sliced"), registers=registers)
    assert whole.committed and sliced.committed
    drop = ("ingest_id",)
    assert [{k: v for k, v in vars(f).items() if k not in drop} for f in sliced.files] == [
        {k: v for k, v in vars(f).items() if k not in drop} for f in whole.files
    ]
    a, b = stored(Workspace(tmp_path / "whole")), stored(Workspace(tmp_path / "sliced"))
    for table in a:
        assert b[table].equals(a[table]), table


def test_a_response_repeated_in_a_later_slice_is_a_duplicate_of_the_file(tmp_path, monkeypatch):
    rows = "".join(f"Kent Police,drones,NCND,{i}\n" for i in range(40))
    path = tmp_path / "repeats.csv"
    path.write_text("Force,Technology,Outcome,Ref\n" + rows + rows, encoding="utf-8")
    monkeypatch.setattr(readers, "CHUNK_BYTES", 300)
    monkeypatch.setattr(readers, "SLICED_ABOVE_BYTES", 300)
    report = ingest_files([path], Workspace(tmp_path / "ws"))
    [file] = report.files
    assert (file.rows_read, file.accepted, file.duplicates) == (80, 40, 40)
    assert Workspace(tmp_path / "ws").responses().height == 40
