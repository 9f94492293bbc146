"""Every CLI command, run as a user runs it: a real process, real files, exit codes and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def mosaic(*args: str, cwd=None, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "120", **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "mosaic.cli", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120
    )


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "responses.csv"
    path.write_text(
        "Force,Technology,Date of response,Outcome,Exemptions\n"
        "Kent Police,drones,05/07/2024,NCND,s24(2) and s31(3)\n"
        "Essex Police,drones,2024,Not held,\n"
        ",drones,2024,Yes,\n"
    )
    return path


def test_ingest_json_reconciles_and_reingest_adds_nothing(tmp_path, csv_file):
    ws = tmp_path / "ws"
    first = mosaic("ingest", str(csv_file), "--workspace", str(ws), "--json")
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert {k: summary[k] for k in ("rows_read", "accepted", "quarantined", "duplicates")} == {
        "rows_read": 3, "accepted": 2, "quarantined": 1, "duplicates": 0,
    }  # fmt: skip
    again = json.loads(mosaic("ingest", str(csv_file), "-w", str(ws), "--json").stdout)
    assert (again["accepted"], again["duplicates"], again["quarantined"]) == (0, 2, 1)


def test_ingest_human_summary_and_workspace_from_environment(tmp_path, csv_file):
    result = mosaic("ingest", str(csv_file), env_extra={"MOSAIC_WORKSPACE": str(tmp_path / "env-ws")})
    assert result.returncode == 0, result.stderr
    assert "rows read 3 = accepted 2 + quarantined 1 + duplicates 0" in result.stdout
    assert "responses.csv: row 4, column 'Force': the row names no authority" in result.stdout
    assert (tmp_path / "env-ws" / "manifest.json").is_file()


def test_default_workspace_is_in_the_current_folder(tmp_path, csv_file):
    result = mosaic("ingest", str(csv_file), cwd=tmp_path, env_extra={"MOSAIC_WORKSPACE": ""})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "mosaic-workspace" / "manifest.json").is_file()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "mosaic: error: bad.csv: the file is empty"),
        (b"Force,Technology\n", "mosaic: error: bad.csv: has a header but no data rows"),
        (b"\x00\x01\x02binary" * 100, "mosaic: error: bad.csv: looks like a binary file"),
        (b"Force,Outcome\nKent,NCND\n", "mosaic: error: bad.csv: no technology column"),
    ],
)
def test_unusable_input_is_one_line_and_nonzero(tmp_path, content, expected):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    result = mosaic("ingest", str(bad), "-w", str(tmp_path / "ws"))
    assert result.returncode != 0
    # one line, and only that: no empty reconciliation table on stdout, no blank line before the error
    assert result.stderr.splitlines() == [result.stderr.strip()] and result.stderr.startswith(expected)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "ws").exists()


def test_ragged_rows_are_quarantined_with_row_numbers(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("Force,Technology\nKent Police,drones,extra\nEssex Police,drones\n")
    result = mosaic("ingest", str(path), "-w", str(tmp_path / "ws"), "--json")
    summary = json.loads(result.stdout)
    assert (summary["accepted"], summary["quarantined"]) == (1, 1)
    shown = json.loads(mosaic("show", "quarantine", "-w", str(tmp_path / "ws"), "--json").stdout)
    assert shown["rows"][0]["source_row"] == 2
    assert shown["rows"][0]["reason"] == "row has 3 cells but the header has 2"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--map", "nonsense"], "mosaic: error: --map 'nonsense': expected COLUMN=FIELD"),
        (["--set", "colour=red"], "mosaic: error: --set 'colour=red'"),
    ],
)
def test_bad_options_are_one_line(tmp_path, csv_file, args, expected):
    result = mosaic("ingest", str(csv_file), "-w", str(tmp_path / "ws"), *args)
    assert result.returncode == 2
    assert result.stderr.strip().startswith(expected)
    assert "Traceback" not in result.stderr


def test_missing_file_and_not_a_workspace(tmp_path):
    result = mosaic("ingest", str(tmp_path / "nope.csv"), "-w", str(tmp_path / "ws"))
    assert result.returncode == 1 and "nope.csv: no such file" in result.stderr
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "thesis.txt").write_text("mine")
    good = tmp_path / "g.csv"
    good.write_text("Force,Technology\nKent Police,drones\n")
    result = mosaic("ingest", str(good), "-w", str(tmp_path / "docs"))
    assert result.returncode == 2 and "is not a mosaic workspace" in result.stderr
    assert sorted(p.name for p in (tmp_path / "docs").iterdir()) == ["thesis.txt"]


def test_strict_fails_and_writes_nothing(tmp_path, csv_file):
    result = mosaic("ingest", str(csv_file), "-w", str(tmp_path / "ws"), "--strict")
    assert result.returncode == 1
    assert "--strict: nothing was written" in result.stderr
    assert not (tmp_path / "ws").exists()


def test_show_issues_and_summary(tmp_path, csv_file):
    ws = str(tmp_path / "ws")
    bad_date = tmp_path / "dates.csv"
    bad_date.write_text("Force,Technology,Date of response\nKent Police,drones,31/02/2024\n")
    mosaic("ingest", str(csv_file), str(bad_date), "-w", ws)
    issues = mosaic("show", "issues", "-w", ws)
    assert issues.returncode == 0
    assert "dates.csv: row 2, column 'Date of response': warning:" in issues.stdout
    shown = json.loads(mosaic("show", "issues", "-w", ws, "--json").stdout)
    assert shown["total"] == 1 and shown["rows"][0]["issue"] == "unparseable_date"
    summary = json.loads(mosaic("summary", "-w", ws, "--json").stdout)
    [drones] = summary["technologies"]
    assert (drones["asked_count"], drones["ncnd_count"], drones["deny_count"]) == (2, 1, 1)
    assert mosaic("summary", "-w", ws).returncode == 0


def test_commands_on_a_missing_workspace_say_so(tmp_path):
    result = mosaic("summary", "-w", str(tmp_path / "none"))
    assert result.returncode == 2
    assert "no workspace at" in result.stderr and "Traceback" not in result.stderr


def test_sample_to_file_and_stdout(tmp_path):
    out = tmp_path / "s.csv"
    result = mosaic("sample", "--rows", "500", "--seed", "3", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert len(out.read_text().splitlines()) >= 501
    piped = mosaic("sample", "--rows", "500", "--seed", "3", "-o", "-")
    assert piped.stdout == out.read_text()


def test_a_generated_sample_knows_its_products_only_when_asked(tmp_path):
    """A regenerated sample names fictional products: plain ingest leaves them unresolved (real data never
    resolves to one); ``--sample-products``, which ``mosaic sample`` suggests, resolves them."""
    out = tmp_path / "s.csv"
    written = mosaic("sample", "--rows", "300", "--seed", "5", "-o", str(out))
    assert f"mosaic ingest {out} --sample-products" in written.stderr
    technologies = {}
    for name, extra in (("plain", []), ("sample", ["--sample-products"])):
        ws = tmp_path / name
        assert mosaic("ingest", str(out), "-w", str(ws), "--json", *extra).returncode == 0
        import polars as pl

        technologies[name] = set(pl.read_parquet(ws / "parts" / "*.responses.parquet")["technology_id"])
    assert any(t.startswith("unresolved:") for t in technologies["plain"])
    assert not any(t.startswith("unresolved:") for t in technologies["sample"])
    from mosaic.registry import load_technologies

    fictional = set(load_technologies(sample=True)["technology_id"]) - set(load_technologies()["technology_id"])
    assert technologies["sample"] & fictional and not technologies["plain"] & fictional


def test_demo_runs_on_the_bundled_sample_without_writing_here(tmp_path):
    result = mosaic("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "SYNTHETIC SAMPLE" in result.stdout
    assert "Latest stance per authority" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_version_and_help():
    assert mosaic("--version").stdout.startswith("mosaic ")
    help_text = mosaic("ingest", "--help").stdout
    for option in ("--workspace", "--map", "--set", "--monthfirst", "--strict", "--sample-products", "--json"):
        assert option in help_text


def test_a_product_under_a_technology_the_taxonomy_lacks_is_analysed(tmp_path):
    """The Met's body-worn video answer names its cameras: "Body-worn video" and "Axon Body 3" are both
    unknown to the taxonomy, so the product is placed under an unresolved category no response is stored as.
    Every check used to fail on that ancestor with a polars error; now each one runs, and the report too.
    (https://www.met.police.uk/foi-ai/metropolitan-police/disclosure-2025/june-2025/manual-body-worn-video-system/)"""
    source = tmp_path / "answers.csv"
    source.write_text(
        "authority,technology,product,response_date,outcome\n"
        "Metropolitan Police Service,Body-worn video,Axon Body 3,2025-06,"
        '"I have today decided to disclose the located information to you in full. The MPS uses the Axon flex 2 '
        'and Axon AB3 cameras."\n'
        "Kent Police,Drones,,2025-05-02,Neither confirm nor deny\n",
        encoding="utf-8",
    )
    ws = tmp_path / "ws"
    assert mosaic("ingest", str(source), "-w", str(ws), "--json").returncode == 0
    result = mosaic("analyse", "-w", str(ws), "--format", "json")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    findings = json.loads(result.stdout)["findings"]
    assert any(f["technology_id"] == "unresolved:axon-body-3" for f in findings)
    report = mosaic("report", "-w", str(ws), "-a", "Kent Police", "-o", str(tmp_path / "kent.md"))
    assert report.returncode == 0, report.stderr[-2000:]
