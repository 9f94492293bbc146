"""Fault injection, as a user meets faults: every command ends in one line on stderr and a known exit code,
and the workspace is exactly as before or exactly as after.

Kills are real (a subprocess SIGKILLs itself at a named write step through the workspace's test seam);
a full and a read-only disk are real too when a small tmpfs can be mounted (root on Linux), and simulated
in ``tests/unit/store/test_workspace_integrity.py`` otherwise.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from mosaic.cli import main
from mosaic.store.workspace import Workspace

CSV = "Force,Technology,Outcome,Date of response\nKent Police,drones,NCND,2024-07-05\nEssex Police,drones,Not held,2024-07-06\n"
MORE = "Force,Technology,Outcome\nSurrey Police,drones,NCND\n"


def run(capsys, monkeypatch, *args: str) -> tuple[int, str, list[str]]:
    """Run the CLI in this process as a user would; return (exit code, stdout, non-blank stderr lines)."""
    monkeypatch.setattr(sys, "argv", ["mosaic", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    captured = capsys.readouterr()
    return code, captured.out, [line for line in captured.err.splitlines() if line.strip()]


def files(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


@pytest.fixture
def inputs(tmp_path) -> tuple[Path, Path]:
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text(CSV)
    second.write_text(MORE)
    return first, second


@pytest.fixture
def workspace(tmp_path, inputs, capsys, monkeypatch) -> Path:
    folder = tmp_path / "ws"
    assert run(capsys, monkeypatch, "ingest", str(inputs[0]), "-w", str(folder))[0] == 0
    return folder


# --- kill -9 at each write step ------------------------------------------------------------------

KILL_SCRIPT = """
import os, signal, sys
import mosaic.store.workspace as workspace
step = sys.argv[1]
workspace._fault_hook = lambda name: os.kill(os.getpid(), signal.SIGKILL) if name == step else None
sys.argv = ["mosaic", *sys.argv[2:]]
from mosaic.cli import main
main()
"""


def killed_ingest(step: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", KILL_SCRIPT, step, "ingest", *args], capture_output=True, text=True, timeout=120
    )


NEW_FOLDER_STEPS = [
    "create",
    "locked",
    "part-tmp:responses",
    "part:issues",
    "part:quarantine",
    "manifest-tmp",
    "manifest",
]
EXISTING_STEPS = ["locked", "part-tmp:responses", "part:responses", "manifest-tmp", "manifest"]


@pytest.mark.parametrize("step", NEW_FOLDER_STEPS)
def test_kill_during_the_first_ingest_into_a_new_folder(tmp_path, inputs, capsys, monkeypatch, step):
    folder = tmp_path / "new"
    result = killed_ingest(step, str(inputs[0]), "-w", str(folder))
    assert result.returncode == -signal.SIGKILL
    if step == "manifest":  # the swap happened: exactly as after
        assert Workspace(folder).responses().height == 2
    else:  # exactly as before: no workspace, and the folder does not wedge
        code, _, err = run(capsys, monkeypatch, "summary", "-w", str(folder))
        assert (code, len(err)) == (2, 1) and "no workspace at" in err[0]
    code, _, err = run(capsys, monkeypatch, "ingest", str(inputs[1]), "-w", str(folder))
    assert (code, err) == (0, [])
    assert Workspace(folder).responses().height == (3 if step == "manifest" else 1)
    assert Workspace(folder).check().leftovers == []


@pytest.mark.parametrize("step", EXISTING_STEPS)
def test_kill_during_an_ingest_into_a_workspace(workspace, inputs, capsys, monkeypatch, step):
    before = files(workspace)
    result = killed_ingest(step, str(inputs[1]), "-w", str(workspace))
    assert result.returncode == -signal.SIGKILL
    ws = Workspace(workspace)
    if step == "manifest":
        assert ws.responses().height == 3
    else:
        assert files(workspace)["manifest.json"] == before["manifest.json"]
        assert {k: v for k, v in files(workspace).items() if k in before} == before and ws.responses().height == 2
    code, _, err = run(capsys, monkeypatch, "ingest", str(inputs[1]), "-w", str(workspace))
    assert (code, err) == (0, [])
    assert ws.responses().height == 3 and ws.check().ok and ws.check().leftovers == []


# --- damaged parts, through every command ---------------------------------------------------------

COMMANDS = [
    ("summary",),
    ("analyse",),
    ("report", "--technology", "drones", "-o", "-", "-f", "md"),
    ("graph", "-f", "graphml", "-o", "-"),
    ("ingest", "SECOND"),
]
"""Commands that read the responses (``show issues`` reads only the issues parts)."""


@pytest.mark.parametrize("damage", ["flip", "truncate"])
def test_a_damaged_part_is_one_line_in_every_command(workspace, inputs, capsys, monkeypatch, damage):
    part = next((workspace / "parts").glob("*.responses.parquet"))
    data = bytearray(part.read_bytes())
    if damage == "flip":
        data[len(data) // 3] ^= 0x01
    else:
        data = data[: len(data) - 100]
    part.write_bytes(bytes(data))
    before = files(workspace)
    for command in COMMANDS:
        args = [str(inputs[1]) if a == "SECOND" else a for a in command]
        code, out, err = run(capsys, monkeypatch, *args, "-w", str(workspace))
        assert code == 2 and len(err) == 1, (command, err)
        assert (
            err[0].startswith("mosaic: error: workspace")
            and part.name in err[0]
            and "2 responses from first.csv" in err[0]
        )
        assert files(workspace) == before
    code, out, err = run(capsys, monkeypatch, "check", "-w", str(workspace))
    assert code == 1 and len(err) == 1 and "check --repair --yes" in err[0] and part.name in out
    code, out, err = run(capsys, monkeypatch, "check", "--repair", "-w", str(workspace))
    assert code == 1 and len(err) == 1 and "add --yes" in err[0] and files(workspace) == before
    code, out, err = run(capsys, monkeypatch, "check", "--repair", "--yes", "-w", str(workspace))
    assert (code, err) == (0, []) and "dropped" in out and "first.csv" in out
    assert run(capsys, monkeypatch, "ingest", str(inputs[0]), "-w", str(workspace))[0] == 0
    assert Workspace(workspace).responses().height == 2
    code, out, err = run(capsys, monkeypatch, "check", "-w", str(workspace), "--json")
    assert code == 0 and json.loads(out)["ok"] is True


@pytest.mark.parametrize(
    "manifest",
    [
        b"[]",
        b"{not json",
        b"",
        json.dumps({"format": 1, "ingests": [{"ingest_id": "x"}]}).encode(),
        json.dumps({"format": 1, "ingests": None}).encode(),
    ],
    ids=["list", "not json", "empty", "ingest without parts", "ingests null"],
)
def test_a_manifest_of_the_wrong_shape_is_one_line_in_every_command(workspace, inputs, capsys, monkeypatch, manifest):
    (workspace / "manifest.json").write_bytes(manifest)
    before = files(workspace)
    for command in [*COMMANDS, ("show", "issues"), ("check",)]:
        args = [str(inputs[1]) if a == "SECOND" else a for a in command]
        code, _, err = run(capsys, monkeypatch, *args, "-w", str(workspace))
        assert code in (1, 2) and len(err) == 1 and "manifest" in err[0], (command, err)
        assert files(workspace) == before


# --- concurrent first ingests -----------------------------------------------------------------------


def test_concurrent_first_ingests_into_a_new_folder_all_succeed(tmp_path):
    sources = []
    for n, force in enumerate(["Kent Police", "Essex Police", "Surrey Police", "Sussex Police"]):
        path = tmp_path / f"in{n}.csv"
        path.write_text(f"Force,Technology,Outcome\n{force},drones,NCND\n")
        sources.append(path)
    env = {**os.environ, "COLUMNS": "120"}
    for attempt in range(2):
        folder = tmp_path / f"new{attempt}" / "ws"
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "mosaic.cli", "ingest", str(s), "-w", str(folder)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env=env,
            )
            for s in sources
        ]
        errors = [p.communicate(timeout=120)[1].decode() for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
        assert Workspace(folder).responses().height == 4 and Workspace(folder).check().ok


# --- a real full disk and a real read-only disk (tmpfs; needs root) ----------------------------------


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_full_and_read_only_disks_are_one_line_and_change_nothing(small_disk, tmp_path, inputs, capsys, monkeypatch):
    folder = small_disk / "ws"
    assert run(capsys, monkeypatch, "ingest", str(inputs[0]), "-w", str(folder))[0] == 0
    big = tmp_path / "big.csv"
    big.write_text(
        "Force,Technology,Outcome,Notes\n"
        + "".join(f"Kent Police,drones,NCND,{os.urandom(200).hex()}\n" for _ in range(400))
    )
    before = files(folder)
    code, _, err = run(capsys, monkeypatch, "ingest", str(big), "-w", str(folder))
    assert (code, len(err)) == (2, 1) and err[
        0
    ] == f"mosaic: error: cannot write workspace {folder}: No space left on device"
    assert files(folder) == before
    assert run(capsys, monkeypatch, "summary", "-w", str(folder))[0] == 0
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    for target in (folder, small_disk / "new"):
        code, _, err = run(capsys, monkeypatch, "ingest", str(inputs[1]), "-w", str(target))
        assert (code, len(err)) == (2, 1) and err[
            0
        ] == f"mosaic: error: cannot write workspace {target}: Read-only file system"
    assert files(folder) == before
    assert run(capsys, monkeypatch, "check", "-w", str(folder))[0] == 0


def test_findings_files_on_a_full_disk_are_one_line_and_leave_nothing(small_disk, workspace, capsys, monkeypatch):
    """Polars writes the Parquet findings files itself: a full disk is the same one line as any other
    write, and neither a part-written file nor a temporary one is left behind."""
    target = small_disk / "found.parquet"
    (small_disk / "filler").write_bytes(b"\0" * 92_000)  # leaves one page: less than the findings need
    code, _, err = run(capsys, monkeypatch, "analyse", "-w", str(workspace), "-f", "parquet", "-o", str(target))
    assert (code, len(err)) == (2, 1) and err[0].endswith("No space left on device"), err
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]
