"""The workspace: atomic commits, de-duplication, locking, refusing folders that are not workspaces."""

from __future__ import annotations

import json
import multiprocessing
from datetime import date

import polars as pl
import pytest

from mosaic.errors import WorkspaceError
from mosaic.schema import empty_table, table_schema
from mosaic.store.workspace import Workspace


def responses(ids: list[str], source_file: str = "a.csv") -> pl.DataFrame:
    frame = empty_table("responses")
    rows = pl.DataFrame(
        {
            "response_id": ids,
            "authority_id": ["kent"] * len(ids),
            "authority_name": ["Kent Police"] * len(ids),
            "outcome": ["ncnd"] * len(ids),
            "stance": ["ncnd"] * len(ids),
            "response_date": [date(2024, 7, 5)] * len(ids),
            "exemptions": [["s24(2)"]] * len(ids),
            "source_file": [source_file] * len(ids),
            "source_row": list(range(2, 2 + len(ids))),
        }
    )
    return pl.concat([frame, rows], how="diagonal_relaxed").cast(table_schema("responses"))


def issues(ids: list[str]) -> pl.DataFrame:
    rows = pl.DataFrame({"response_id": ids, "issue": ["x"] * len(ids), "source_file": ["a.csv"] * len(ids)})
    return pl.concat([empty_table("issues"), rows], how="diagonal_relaxed").cast(table_schema("issues"))


def quarantine(ids: list[str]) -> pl.DataFrame:
    rows = pl.DataFrame(
        {"quarantine_id": ids, "reason": ["no authority"] * len(ids), "source_file": ["a.csv"] * len(ids)}
    )
    return pl.concat([empty_table("quarantine"), rows], how="diagonal_relaxed").cast(table_schema("quarantine"))


def test_commit_then_read_back(tmp_path):
    ws = Workspace(tmp_path / "ws")
    assert not ws.exists() and ws.responses().height == 0
    result = ws.commit(responses(["a", "b"]), issues(["a"]), quarantine(["q1"]), {"files": []})
    assert result.accepted == 2 and result.duplicates == 0
    assert ws.exists()
    assert ws.responses().get_column("response_id").to_list() == ["a", "b"]
    assert ws.read("issues").height == 1 and ws.read("quarantine").height == 1
    assert ws.responses().get_column("exemptions").to_list() == [["s24(2)"], ["s24(2)"]]


def test_recommit_adds_nothing_and_hash_is_stable_for_reads(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.commit(responses(["a", "b"]), issues(["a"]), quarantine(["q1"]), {})
    before = ws.content_hash()
    assert ws.content_hash() == before
    again = ws.commit(responses(["a", "b", "c"]), issues(["a", "c"]), quarantine(["q1"]), {})
    assert again.accepted == 1 and again.duplicates == 2 and again.issues == 1 and again.quarantined_new == 0
    assert sorted(ws.responses().get_column("response_id").to_list()) == ["a", "b", "c"]
    assert ws.read("issues").height == 2
    assert ws.read("quarantine").height == 1
    assert ws.content_hash() != before


def test_failed_commit_leaves_workspace_intact(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.commit(responses(["a"]), issues([]), quarantine([]), {})
    manifest = (tmp_path / "ws" / "manifest.json").read_text()
    broken = responses(["b"]).with_columns(pl.lit("not-an-outcome").alias("outcome"))
    with pytest.raises(Exception, match="outcome"):
        ws.commit(broken, issues([]), quarantine([]), {})
    assert (tmp_path / "ws" / "manifest.json").read_text() == manifest
    assert ws.responses().get_column("response_id").to_list() == ["a"]
    ws.commit(responses(["c"]), issues([]), quarantine([]), {})  # orphans of the failure are cleaned
    parts = sorted(p.name for p in (tmp_path / "ws" / "parts").iterdir())
    referenced = {
        p.split("/")[1]
        for i in json.loads((tmp_path / "ws" / "manifest.json").read_text())["ingests"]
        for p in i["parts"].values()
    }
    assert set(parts) == referenced


def test_refuses_a_folder_that_is_not_a_workspace(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "letter.txt").write_text("hello")
    with pytest.raises(WorkspaceError, match="is not a mosaic workspace"):
        Workspace(tmp_path / "docs").commit(responses(["a"]), issues([]), quarantine([]), {})
    (tmp_path / "file").write_text("x")
    with pytest.raises(WorkspaceError, match="is a file"):
        Workspace(tmp_path / "file").commit(responses(["a"]), issues([]), quarantine([]), {})


def test_damaged_manifest_is_one_clear_error(tmp_path):
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "manifest.json").write_text("{not json")
    with pytest.raises(WorkspaceError, match="cannot read the workspace manifest"):
        Workspace(tmp_path / "ws").responses()


def _commit_many(path: str, prefix: str, count: int) -> None:
    ws = Workspace(path)
    for i in range(count):
        ws.commit(responses([f"{prefix}{i}"], source_file=prefix), issues([]), quarantine([]), {})


def test_concurrent_writers_both_keep_their_rows(tmp_path):
    path = str(tmp_path / "ws")
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_commit_many, args=(path, prefix, 8)) for prefix in ("x", "y")]
    for w in writers:
        w.start()
    for w in writers:
        w.join(60)
        assert w.exitcode == 0
    ids = Workspace(path).responses().get_column("response_id").to_list()
    assert sorted(ids) == sorted([f"x{i}" for i in range(8)] + [f"y{i}" for i in range(8)])


def test_lock_timeout_is_a_clear_error(tmp_path):
    from filelock import FileLock

    ws = Workspace(tmp_path / "ws", lock_timeout=0.2)
    (tmp_path / "ws").mkdir()
    with FileLock(str(tmp_path / "ws" / ".lock")):
        with pytest.raises(WorkspaceError, match="is busy"):
            ws.commit(responses(["a"]), issues([]), quarantine([]), {})


def test_reading_keeps_every_value_in_one_chunk_per_column_and_empty_columns_hold_no_memory(tmp_path):
    """``Workspace.read`` joins the parts' chunks and replaces a column with no value at all by a null column;
    what it returns equals what the parts hold."""
    from mosaic.ingest.pipeline import Registers, ingest_files
    from mosaic.resources import sample_path

    workspace = Workspace(tmp_path / "ws")
    assert ingest_files([sample_path("responses.csv")], workspace, registers=Registers.with_sample()).committed
    read = workspace.read("responses")
    assert read.equals(workspace.scan("responses").collect())
    assert all(read.get_column(name).n_chunks() == 1 for name in read.columns)
    empty = [name for name in read.columns if read.get_column(name).null_count() == read.height]
    assert "harm_statement" in empty and read.schema["harm_statement"] == pl.String
    from mosaic.store.workspace import _contiguous

    chunked = pl.concat([read.head(10), read.slice(10)], rechunk=False)
    assert chunked.get_column("response_id").n_chunks() == 2
    assert _contiguous(chunked).equals(read)


def test_a_scratch_file_is_a_new_temporary_name_in_derived_or_none_when_it_cannot_be(tmp_path, monkeypatch):
    from pathlib import Path

    workspace = Workspace(tmp_path / "ws")
    workspace.commit(responses(["a"]), issues([]), quarantine([]), {"files": ["a.csv"]})
    first, second = workspace.scratch_file("peer_disclosure"), workspace.scratch_file("Peer Disclosure/../x")
    assert first != second and first.parent == second.parent == workspace.path / "derived"
    assert first.name.startswith(".tmp-") and "/" not in second.name and not first.exists()

    def read_only(*args, **kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(Path, "mkdir", read_only)
    assert workspace.scratch_file("peer_disclosure") is None
