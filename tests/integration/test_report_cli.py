"""``mosaic report`` as a user runs it: a real process on the report fixture, every format, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE_CSV = Path(__file__).resolve().parents[1] / "golden" / "report" / "responses.csv"


def mosaic(*args: str, cwd=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, "-m", "mosaic.cli", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=180
    )


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    from mosaic.ingest.pipeline import Registers, ingest_files
    from mosaic.registry import load_authorities, load_technologies
    from mosaic.store.workspace import Workspace

    # The fixture names the sample's fictional products, which real ingest keeps unresolved: ingest it
    # with the sample's registers, as ingest does for the bundled sample itself.
    path = tmp_path_factory.mktemp("report-cli") / "ws"
    registers = Registers(load_authorities(), load_technologies(sample=True))
    assert ingest_files([FIXTURE_CSV], Workspace(path), registers=registers).committed
    return path


@pytest.mark.parametrize("fmt", ["html", "pdf", "md", "json", "csv", "xlsx"])
def test_dossier_in_every_format_from_names_as_people_write_them(workspace, tmp_path, fmt):
    target = tmp_path / f"dossier.{fmt}"
    done = mosaic(
        "report",
        "-w",
        str(workspace),
        "--authority",
        "West Mercia Constabulary",
        "--technology",
        "cellshade mini",
        "-o",
        str(target),
    )
    assert done.returncode == 0, done.stderr
    assert f"wrote response report 'West Mercia Police: Cellshade Mini' ({fmt}) to {target}" in done.stderr
    data = target.read_bytes()
    assert data[:5] == {"pdf": b"%PDF-", "xlsx": b"PK\x03\x04\x14"}.get(fmt, data[:5])
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # only the path given


def test_json_states_the_command_that_regenerates_it_and_rerunning_it_gives_the_same_bytes(workspace, tmp_path):
    first = tmp_path / "tech.json"
    done = mosaic("report", "-w", str(workspace), "-t", "Cellshade Mini", "-o", str(first))
    assert done.returncode == 0, done.stderr
    document = json.loads(first.read_text())
    command = document["meta"]["command"]
    assert (
        command
        == f"mosaic report --workspace {workspace} --technology cellshade-mini --as-of 2023-01-25 --format json -o {first}"
    )
    again = mosaic(*command.split()[1:])
    assert again.returncode == 0, again.stderr
    assert json.loads(first.read_text()) == document


def test_unknown_names_and_bad_options_are_one_line_errors(workspace, tmp_path):
    for args, message in [
        (["-a", "Wst Mercya"], "unknown authority 'Wst Mercya'; closest: west-mercia (West Mercia Police)"),
        (["-r", "ffff"], "no response with id 'ffff'"),
        (["-t", "Cellshade Mini", "--as-of", "14/03/2022"], "is not a date; use YYYY-MM-DD"),
        ([], "say what to report on"),
    ]:
        done = mosaic("report", "-w", str(workspace), *args, "-o", str(tmp_path / "r.html"))
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.startswith("mosaic: error: ") and message in done.stderr and done.stderr.count("\n") == 1, (
            done.stderr
        )
    done = mosaic("report", "-w", str(workspace), "-t", "Cellshade Mini", "-o", str(tmp_path / "r.docx"))
    assert done.returncode == 2 and "use one of html, pdf, md, json, csv, xlsx" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_authority_without_ncnd_gets_a_report_that_says_so(workspace):
    done = mosaic("report", "-w", str(workspace), "-a", "Essex", "-t", "Platewatch 360", "-f", "md", "-o", "-")
    assert done.returncode == 0, done.stderr
    assert "Essex Police gave no neither-confirm-nor-deny answer on Platewatch 360" in done.stdout


def test_a_second_report_on_the_same_workspace_reads_the_findings_cache(tmp_path, monkeypatch, capsysbinary):
    # Issue 14: the first report keeps its findings in the workspace's derived/ folder; the same report
    # again (in another format, as people do) runs no check and states the same findings.
    import dataclasses

    from mosaic.analyses import all_checks
    from mosaic.analyses.registry import CHECKS
    from mosaic.cli import main
    from mosaic.ingest.pipeline import Registers, ingest_files
    from mosaic.registry import load_authorities, load_technologies
    from mosaic.store.workspace import Workspace

    path = tmp_path / "ws"
    registers = Registers(load_authorities(), load_technologies(sample=True))
    assert ingest_files([FIXTURE_CSV], Workspace(path), registers=registers).committed

    def report(fmt: str) -> bytes:
        monkeypatch.setattr(
            sys, "argv", ["mosaic", "report", "-w", str(path), "-t", "Cellshade Mini", "-f", fmt, "-o", "-"]
        )
        try:
            main()
        except SystemExit as exc:
            assert not exc.code, capsysbinary.readouterr().err
        return capsysbinary.readouterr().out

    first = {fmt: report(fmt) for fmt in ("json", "md")}
    # Three runs kept: response-level over the technology, map-level, response-level for the answers shown.
    assert len(list((path / "derived").glob("focusedfindings-*.parquet"))) == 3

    def no_check(*_args):
        raise AssertionError("a check ran on a cache hit")

    for check_id, check in all_checks().items():
        monkeypatch.setitem(CHECKS, check_id, dataclasses.replace(check, run=no_check))
    assert {fmt: report(fmt) for fmt in ("md", "json")} == first
    assert json.loads(first["json"])["findings"]  # the report has findings to state
