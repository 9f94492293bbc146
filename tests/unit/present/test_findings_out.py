"""Findings files: the reading order (sorted only when a row is out of place) and Parquet written whole."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
import pytest

from mosaic.analyses import AnalysisInputs, CheckParams, run_checks
from mosaic.analyses.findings import key_evidence
from mosaic.errors import MosaicError
from mosaic.ingest.pipeline import Registers, ingest_files
from mosaic.present.findings_out import evidence_path, in_reading_order, parquet_options, parquet_tables
from mosaic.resources import sample_path
from mosaic.store.files import write_parquet_atomically
from mosaic.store.workspace import Workspace


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every check's findings on the sample, keyed: (findings, evidence sets)."""
    target = Workspace(tmp_path_factory.mktemp("ws") / "ws")
    assert ingest_files([sample_path("responses.csv")], target, registers=Registers.with_sample()).committed
    inputs = AnalysisInputs.from_workspace(target)
    return key_evidence(run_checks(inputs, params=CheckParams(today=dt.date(2026, 12, 3))))


@pytest.fixture(scope="module")
def keyed(run) -> pl.DataFrame:
    return run[0]


def reference_order(findings: pl.DataFrame) -> pl.DataFrame:
    """The reading order by a plain multi-key sort (what ``in_reading_order`` did before it looked first)."""
    from mosaic.present.findings_out import _reading_order_keys

    return findings.sort(_reading_order_keys(), nulls_last=True, maintain_order=True)


def test_findings_in_reading_order_are_returned_as_they_are(keyed):
    ordered = reference_order(keyed)
    assert in_reading_order(ordered) is ordered  # nothing moved, nothing copied


def test_findings_out_of_order_are_sorted_whatever_moved(keyed):
    # Nulls sit in technology, authority, date and id columns: a shuffled frame, one swapped pair and a
    # frame reversed must all come back in exactly the reference order.
    assert keyed.select(pl.col("authority_id").null_count()).item() > 0
    assert keyed.select(pl.col("response_date").null_count()).item() > 0
    ordered = reference_order(keyed)
    rows = list(range(ordered.height))
    random.Random(7).shuffle(rows)
    swapped = list(range(ordered.height))
    swapped[10], swapped[11] = swapped[11], swapped[10]
    for permutation in (rows, swapped, list(reversed(range(ordered.height)))):
        shuffled = ordered[permutation]
        if shuffled.equals(ordered):
            continue  # a swap of two identical rows moves nothing
        result = in_reading_order(shuffled)
        assert result is not shuffled
        assert result.equals(ordered)


def test_parquet_files_are_written_whole_and_in_place(run, tmp_path):
    keyed, evidence = run
    target = tmp_path / "found.parquet"
    target.write_bytes(b"an older file")
    paths = (target, evidence_path(target))
    for path, table in zip(paths, parquet_tables(run), strict=True):  # as the CLI writes them
        write_parquet_atomically(path, table, **parquet_options({"as_of": None}))
    assert paths[1] == tmp_path / "found.evidence.parquet"
    written = pl.read_parquet(target)
    assert written.height == keyed.height
    assert written.get_column("summary").to_list() == in_reading_order(keyed).get_column("summary").to_list()
    assert pl.read_parquet(paths[1]).height == evidence.height
    assert sorted(p.name for p in tmp_path.iterdir()) == ["found.evidence.parquet", "found.parquet"]  # no temporaries


def test_a_parquet_file_cut_short_is_never_put_in_place(tmp_path, monkeypatch):
    """A native writer may not report a full disk: the footer is read back before the rename."""
    target = tmp_path / "out.parquet"
    target.write_bytes(b"the old file")
    frame = pl.DataFrame({"a": list(range(1000))})

    def truncated(self, path, **options):  # what a full disk leaves: the start of a file, no footer
        with open(path, "wb") as handle:
            handle.write(b"PAR1" + b"\0" * 100)

    monkeypatch.setattr(pl.DataFrame, "write_parquet", truncated)
    with pytest.raises(OSError, match="not written whole"):
        write_parquet_atomically(target, frame)
    assert target.read_bytes() == b"the old file"
    assert [p.name for p in tmp_path.iterdir()] == ["out.parquet"]


def test_a_folder_or_a_missing_folder_is_one_clear_error(tmp_path):
    frame = pl.DataFrame({"a": [1]})
    with pytest.raises(MosaicError, match="is a folder"):
        write_parquet_atomically(tmp_path, frame)
    with pytest.raises(MosaicError, match="does not exist"):
        write_parquet_atomically(tmp_path / "missing" / "x.parquet", frame)


def test_each_kind_of_finding_is_written_once_with_all_its_rows(keyed):
    """In reading order each (check, scope) is a slice; in any other order it is gathered: the same pieces."""
    from mosaic.present.findings_out import _kinds

    ordered = in_reading_order(keyed)
    shuffled = ordered.sample(fraction=1.0, shuffle=True, seed=3)
    for frame in (ordered, shuffled):
        pieces = list(_kinds(frame))
        assert len(pieces) == len({kind for kind, _ in pieces}) == frame.select("check", "scope").n_unique()
        assert sum(piece.height for _, piece in pieces) == frame.height
        for (check_id, scope), piece in pieces:
            assert piece.select((pl.col("check") == check_id) & (pl.col("scope") == scope)).to_series().all()
