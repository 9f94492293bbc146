"""Workspace integrity: checksummed parts verified on every read, manifests of every wrong shape refused in
one line, crash points that leave the workspace exactly as before or exactly as after, check and repair."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
from pathlib import Path

import polars as pl
import pytest

from mosaic.errors import WorkspaceError
from mosaic.store import workspace as workspace_module
from mosaic.store.workspace import TABLES, Workspace

from .test_workspace import issues, quarantine, responses


def commit(ws: Workspace, ids: list[str], name: str = "a.csv"):
    return ws.commit(
        responses(ids, source_file=name),
        issues(ids[:1]),
        quarantine([f"q-{ids[0]}"]),
        {"files": [{"source_file": name}]},
    )


def state(path: Path) -> dict[str, bytes]:
    """Every file of the workspace but the lock, with its bytes."""
    if not path.exists():
        return {}
    return {
        str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file() and p.name != ".lock"
    }


def visible(path: Path) -> dict[str, bytes]:
    """What a reader sees: the manifest and the parts it names (leftovers of a failed write are not part of it)."""
    manifest_file = path / "manifest.json"
    if not manifest_file.is_file():
        return {}
    manifest = json.loads(manifest_file.read_text())
    names = ["manifest.json", *(p for i in manifest["ingests"] for p in i["parts"].values())]
    return {n: (path / n).read_bytes() for n in names}


def part(ws: Workspace, table: str = "responses", index: int = -1) -> Path:
    return ws.path / ws.manifest()["ingests"][index]["parts"][table]


# --- checksums -----------------------------------------------------------------------------------


def test_each_part_has_its_checksum_size_and_rows(tmp_path):
    ws = Workspace(tmp_path / "ws")
    commit(ws, ["a", "b"])
    [ingest] = ws.manifest()["ingests"]
    for table in TABLES:
        data = (ws.path / ingest["parts"][table]).read_bytes()
        assert ingest["checksums"][table] == {
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
            "rows": ws.read(table).height,
        }
    assert ws.check().ok


@pytest.mark.parametrize("damage", ["flip", "truncate", "append", "delete", "empty"])
def test_a_damaged_part_is_one_line_naming_it_and_what_it_held(tmp_path, damage):
    ws = Workspace(tmp_path / "ws")
    commit(ws, ["a", "b", "c"], name="letters.csv")
    file = part(ws)
    data = bytearray(file.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x10
        file.write_bytes(bytes(data))
    elif damage == "truncate":
        file.write_bytes(bytes(data[: len(data) // 2]))
    elif damage == "append":
        file.write_bytes(bytes(data) + b"\0")
    elif damage == "delete":
        file.unlink()
    else:
        file.write_bytes(b"")
    with pytest.raises(WorkspaceError) as raised:
        ws.responses()
    message = str(raised.value)
    assert "\n" not in message
    assert file.name in message and "3 responses from letters.csv" in message
    assert ws.read("issues").height == 1  # the other tables of the ingest still read
    result = ws.check()
    assert not result.ok and [d.part for d in result.damage] == [f"parts/{file.name}"]


def test_repair_drops_the_damaged_ingest_and_reingest_restores_it(tmp_path):
    ws = Workspace(tmp_path / "ws")
    commit(ws, ["a", "b"], name="one.csv")
    commit(ws, ["c"], name="two.csv")
    before = ws.content_hash()
    file = part(ws, "quarantine", 0)
    file.write_bytes(file.read_bytes()[:-3])
    damage = ws.check().damage
    assert [d.files for d in damage] == [("one.csv",)] and "2 responses, 1 issue rows, 1 quarantined rows" in damage[
        0
    ].holds
    assert [d.ingest_id for d in ws.repair(expected=damage)] == [damage[0].ingest_id]
    assert ws.check().ok and not file.exists()
    assert ws.responses().get_column("response_id").to_list() == ["c"]
    commit(ws, ["a", "b"], name="one.csv")
    assert sorted(ws.responses().get_column("response_id")) == ["a", "b", "c"]
    assert ws.read("quarantine").height == 2 and ws.check().ok
    assert ws.content_hash() != before  # different ingests now, in a different order


def test_repair_refuses_when_the_damage_changed_since_the_check(tmp_path):
    ws = Workspace(tmp_path / "ws")
    commit(ws, ["a"])
    commit(ws, ["b"])
    part(ws, index=0).write_bytes(b"x")
    damage = ws.check().damage
    part(ws, index=1).write_bytes(b"y")
    with pytest.raises(WorkspaceError, match="changed while being checked"):
        ws.repair(expected=damage)
    assert len(ws.manifest()["ingests"]) == 2


def test_a_damaged_workspace_refuses_an_ingest_and_stays_as_it_was(tmp_path):
    ws = Workspace(tmp_path / "ws")
    commit(ws, ["a"])
    part(ws).write_bytes(b"PAR1 not really")
    before = state(ws.path)
    with pytest.raises(WorkspaceError, match="is damaged"):
        commit(ws, ["b"])
    assert state(ws.path) == before


def test_hash_changes_only_when_contents_change(tmp_path):
    ws = Workspace(tmp_path / "ws")
    commit(ws, ["a", "b"])
    first = ws.content_hash()
    again = commit(ws, ["a", "b"])  # the same rows again: nothing new (quarantine id is the same too)
    assert again.accepted == 0 and again.quarantined_new == 0
    assert ws.content_hash() == first
    commit(ws, ["c"])
    assert ws.content_hash() != first


def test_legacy_ingest_without_part_checksums_is_verified_and_sealed(tmp_path):
    ws = Workspace(tmp_path / "ws")
    commit(ws, ["a", "b"])
    manifest_file = ws.path / "manifest.json"
    manifest = json.loads(manifest_file.read_text())
    del manifest["ingests"][0]["checksums"]  # as written before per-part checksums existed
    manifest_file.write_text(json.dumps(manifest))
    legacy_hash = ws.content_hash()
    digest = manifest["ingests"][0]["digest"]
    assert legacy_hash == hashlib.sha256(digest.encode()).hexdigest()[:16]  # the formula old workspaces used
    assert ws.responses().height == 2 and ws.check().ok
    commit(ws, ["c"])  # the next writer seals the old ingest with per-part checksums
    sealed = ws.manifest()["ingests"][0]
    assert sealed["checksums"]["responses"]["rows"] == 2 and sealed["digest"] == digest
    ws2 = Workspace(tmp_path / "ws2")
    commit(ws2, ["a", "b"])
    manifest = json.loads((ws2.path / "manifest.json").read_text())
    del manifest["ingests"][0]["checksums"]
    (ws2.path / "manifest.json").write_text(json.dumps(manifest))
    part(ws2).write_bytes(part(ws2).read_bytes()[:-1])
    with pytest.raises(WorkspaceError, match="does not match its ingest's checksum"):
        ws2.responses()


# --- manifests of every wrong shape --------------------------------------------------------------

GOOD_DIGEST = "0" * 64
GOOD_PARTS = {t: f"parts/x.{t}.parquet" for t in TABLES}
BAD_MANIFESTS = {
    "not json": b"{not json",
    "empty file": b"",
    "binary": b"\xff\xfe\x00garbage",
    "a list": b"[]",
    "null": b"null",
    "a string": b'"manifest"',
    "a number": b"1",
    "empty object": b"{}",
    "other format": json.dumps({"format": 2, "ingests": []}).encode(),
    "ingests not a list": json.dumps({"format": 1, "ingests": {}}).encode(),
    "ingests missing": json.dumps({"format": 1}).encode(),
    "ingest not an object": json.dumps({"format": 1, "ingests": [1]}).encode(),
    "ingest without parts": json.dumps({"format": 1, "ingests": [{"ingest_id": "x", "digest": GOOD_DIGEST}]}).encode(),
    "parts a list": json.dumps(
        {"format": 1, "ingests": [{"ingest_id": "x", "parts": [], "digest": GOOD_DIGEST}]}
    ).encode(),
    "part missing": json.dumps(
        {
            "format": 1,
            "ingests": [{"ingest_id": "x", "parts": {"responses": "parts/x.responses.parquet"}, "digest": GOOD_DIGEST}],
        }
    ).encode(),
    "part outside": json.dumps(
        {
            "format": 1,
            "ingests": [
                {"ingest_id": "x", "parts": {**GOOD_PARTS, "responses": "../../etc/passwd"}, "digest": GOOD_DIGEST}
            ],
        }
    ).encode(),
    "part absolute": json.dumps(
        {
            "format": 1,
            "ingests": [{"ingest_id": "x", "parts": {**GOOD_PARTS, "issues": "/tmp/x.parquet"}, "digest": GOOD_DIGEST}],
        }
    ).encode(),
    "part a number": json.dumps(
        {"format": 1, "ingests": [{"ingest_id": "x", "parts": {**GOOD_PARTS, "issues": 3}, "digest": GOOD_DIGEST}]}
    ).encode(),
    "no ingest id": json.dumps({"format": 1, "ingests": [{"parts": GOOD_PARTS, "digest": GOOD_DIGEST}]}).encode(),
    "no digest": json.dumps({"format": 1, "ingests": [{"ingest_id": "x", "parts": GOOD_PARTS}]}).encode(),
    "bad checksums": json.dumps(
        {
            "format": 1,
            "ingests": [
                {"ingest_id": "x", "parts": GOOD_PARTS, "digest": GOOD_DIGEST, "checksums": {"responses": "abc"}}
            ],
        }
    ).encode(),
    "negative rows": json.dumps(
        {
            "format": 1,
            "ingests": [
                {
                    "ingest_id": "x",
                    "parts": GOOD_PARTS,
                    "digest": GOOD_DIGEST,
                    "checksums": {t: {"sha256": GOOD_DIGEST, "bytes": 1, "rows": -1} for t in TABLES},
                }
            ],
        }
    ).encode(),
    "shared part": json.dumps(
        {
            "format": 1,
            "ingests": [
                {"ingest_id": "x", "parts": GOOD_PARTS, "digest": GOOD_DIGEST},
                {"ingest_id": "y", "parts": GOOD_PARTS, "digest": GOOD_DIGEST},
            ],
        }
    ).encode(),
}


@pytest.mark.parametrize("name", BAD_MANIFESTS)
def test_a_manifest_of_the_wrong_shape_is_one_line_and_nothing_is_written(tmp_path, name):
    ws = Workspace(tmp_path / "ws")
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "manifest.json").write_bytes(BAD_MANIFESTS[name])
    before = state(ws.path)
    for action in (ws.responses, lambda: ws.read("quarantine"), ws.content_hash, lambda: commit(ws, ["a"])):
        with pytest.raises(WorkspaceError) as raised:
            action()
        assert "\n" not in str(raised.value) and "manifest" in str(raised.value)
    assert state(ws.path) == before
    assert not ws.check().ok


def test_repair_drops_malformed_ingest_entries_and_keeps_the_good_ones(tmp_path):
    ws = Workspace(tmp_path / "ws")
    commit(ws, ["a"])
    manifest = json.loads((ws.path / "manifest.json").read_text())
    manifest["ingests"] += [7, {"ingest_id": "broken"}]
    (ws.path / "manifest.json").write_text(json.dumps(manifest))
    damage = ws.check().damage
    assert [d.ingest_id for d in damage] == ["#2", "broken"]
    ws.repair(expected=damage)
    assert ws.check().ok and ws.responses().get_column("response_id").to_list() == ["a"]


# --- crash points --------------------------------------------------------------------------------

STEPS = [
    "create",
    "locked",
    "part-tmp:responses",
    "part:responses",
    "part-tmp:issues",
    "part:issues",
    "part-tmp:quarantine",
    "part:quarantine",
    "manifest-tmp",
    "manifest",
]


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so no handler in the code under test runs."""


def crash_at(step: str):
    def hook(name: str) -> None:
        if name == step:
            raise Crash(step)

    return hook


def test_the_step_names_are_the_ones_a_commit_passes(tmp_path, monkeypatch):
    seen: list[str] = []
    monkeypatch.setattr(workspace_module, "_fault_hook", seen.append)
    commit(Workspace(tmp_path / "ws"), ["a"])
    assert seen == STEPS


@pytest.mark.parametrize("existing", [False, True], ids=["new folder", "existing workspace"])
@pytest.mark.parametrize("step", STEPS)
def test_a_crash_at_any_step_leaves_the_workspace_as_before_or_as_after(tmp_path, monkeypatch, step, existing):
    """Without cleanup code running (a kill): before the manifest swap a reader sees the old workspace,
    after it the new one; the next writer removes every leftover file."""
    ws = Workspace(tmp_path / "ws")
    if existing:
        commit(ws, ["a"])
    before = visible(ws.path)
    monkeypatch.setattr(workspace_module, "_fault_hook", crash_at(step))
    with pytest.raises(Crash):
        commit(ws, ["b"], name="b.csv")
    monkeypatch.setattr(workspace_module, "_fault_hook", None)
    ids = sorted(ws.responses().get_column("response_id")) if ws.exists() else []
    if step == "manifest":
        assert ids == (["a", "b"] if existing else ["b"])
    else:
        assert visible(ws.path) == before and ids == (["a"] if existing else [])
        assert ws.exists() == existing
    commit(ws, ["c"], name="c.csv")  # the next writer: works, and cleans up
    assert ws.check().ok and ws.check().leftovers == []
    assert set(state(ws.path)) == set(visible(ws.path))


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EIO])
@pytest.mark.parametrize("existing", [False, True], ids=["new folder", "existing workspace"])
def test_a_failed_write_is_one_line_and_leaves_the_workspace_exactly_as_before(tmp_path, monkeypatch, code, existing):
    ws = Workspace(tmp_path / "ws")
    if existing:
        commit(ws, ["a"])
    before = state(ws.path)
    real_fsync = os.fsync
    calls = []

    def failing_fsync(fd):
        if stat.S_ISREG(os.fstat(fd).st_mode):
            calls.append(fd)
        if len(calls) == 2:  # the second part: one part is already in place
            raise OSError(code, os.strerror(code))
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(WorkspaceError) as raised:
        commit(ws, ["b"])
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert str(raised.value) == f"cannot write workspace {ws.path}: {os.strerror(code)}"
    assert {k: v for k, v in state(ws.path).items() if not k.startswith("parts/") or k in before} == before
    commit(ws, ["c"])
    assert ws.check().ok and ws.check().leftovers == []


def test_a_read_only_folder_is_one_line(tmp_path, monkeypatch):
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(Path, "mkdir", read_only)
    with pytest.raises(WorkspaceError, match="cannot write workspace .*: Read-only file system"):
        commit(Workspace(tmp_path / "new"), ["a"])
    assert not (tmp_path / "new").exists()


def test_leftovers_anywhere_are_cleaned_by_the_next_writer(tmp_path):
    ws = Workspace(tmp_path / "ws")
    commit(ws, ["a"])
    junk = [
        ws.path / ".tmp-dead-manifest.json",
        ws.path / "parts" / ".tmp-dead-x.parquet",
        ws.path / "parts" / "orphan.responses.parquet",
    ]
    for file in junk:
        file.write_bytes(b"x")
    assert sorted(ws.check().leftovers) == sorted(str(f.relative_to(ws.path)) for f in junk)
    assert ws.check().ok  # leftovers are not damage
    commit(ws, ["b"])
    assert not any(f.exists() for f in junk)


def test_a_new_folder_holding_only_leftovers_of_a_killed_first_ingest_is_usable(tmp_path):
    folder = tmp_path / "ws"
    (folder / "parts").mkdir(parents=True)
    (folder / ".lock").write_bytes(b"")
    (folder / ".tmp-0123-manifest.json").write_text("{}")
    (folder / "parts" / "x.responses.parquet").write_bytes(b"half")
    ws = Workspace(folder)
    assert not ws.exists()
    commit(ws, ["a"])
    assert ws.check().ok and ws.check().leftovers == []
    assert sorted(p.name for p in folder.iterdir()) == [".lock", "manifest.json", "parts"]


def test_a_part_the_writer_cut_short_is_never_sealed(tmp_path, monkeypatch):
    """Polars writes parts itself and may not report a full disk: a part without its footer (or with fewer
    rows than were given) is one clear error and the workspace stays as it was."""
    ws = Workspace(tmp_path / "ws")
    commit(ws, ["a"])
    before = state(ws.path)
    real_write = pl.DataFrame.write_parquet

    def cut_short(self, file, **options):
        real_write(self, file, **options)
        with open(file, "rb+") as handle:  # what a full disk leaves: the start of the file only
            handle.truncate(max(os.fstat(handle.fileno()).st_size // 2, 1))

    monkeypatch.setattr(pl.DataFrame, "write_parquet", cut_short)
    with pytest.raises(WorkspaceError, match=r"cannot write workspace .*not written whole"):
        commit(ws, ["b"])
    monkeypatch.setattr(pl.DataFrame, "write_parquet", real_write)
    # A part already in place is unreferenced (the manifest never named it) until the next writer removes it.
    assert {k: v for k, v in state(ws.path).items() if not k.startswith("parts/") or k in before} == before
    assert sorted(ws.responses().get_column("response_id")) == ["a"]
    commit(ws, ["c"])
    assert ws.check().ok and ws.check().leftovers == []
