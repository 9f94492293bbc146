"""`mosaic analyse` on the bundled sample: every check finds what the sample planted, JSON contract holds."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import polars as pl
import pytest

from mosaic.analyses import METRICS, all_checks
from mosaic.analyses.findings import METRICS_STRUCT
from mosaic.registry import load_authorities, load_technologies
from mosaic.resources import sample_path
from mosaic.sample import planted_patterns


def mosaic(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, "-m", "mosaic.cli", *args], capture_output=True, text=True, env=env, timeout=300
    )


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    folder = tmp_path_factory.mktemp("analyse") / "ws"
    result = mosaic("ingest", str(sample_path("responses.csv")), "-w", str(folder))
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture(scope="module")
def findings(workspace):
    result = mosaic("analyse", "-w", str(workspace), "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def roles():
    return planted_patterns(load_authorities(), load_technologies())


def test_json_contract(findings):
    # Issue 14: findings as a table. Each finding carries its own check's metrics only and names its evidence
    # list by evidence_id; identical lists are stored once in evidence_sets; nothing is lost on the way.
    from mosaic.present.findings_out import FINDING_COLUMNS

    assert findings["as_of"] is None and set(findings) >= {"as_of", "findings", "evidence_sets", "workspace_hash"}
    assert findings["findings"], "the sample must produce findings"
    sets = {entry["evidence_id"]: entry["evidence"] for entry in findings["evidence_sets"]}
    assert len(sets) == len(findings["evidence_sets"])  # one entry per id
    assert len({json.dumps(items, sort_keys=True) for items in sets.values()}) == len(sets)  # each list once
    metric_keys: dict[tuple[str, str], set[str]] = {}
    cited = set()
    for record in findings["findings"]:
        assert set(record) == {*FINDING_COLUMNS, "metrics", "evidence_count", "evidence_id"}
        assert record["severity"] in ("info", "notable", "strong")
        assert set(record["metrics"]) <= set(METRICS)
        kind = (record["check"], record["scope"])
        assert metric_keys.setdefault(kind, set(record["metrics"])) == set(record["metrics"])
        assert all(v is None or isinstance(v, int | float) for v in record["metrics"].values())
        assert isinstance(record["summary"], str) and record["summary"].endswith(".")
        assert len(record["as_of"]) == 10 and record["as_of"][4] == "-"
        items = sets[record["evidence_id"]] if record["evidence_id"] else []
        assert len(items) == record["evidence_count"]
        cited.add(record["evidence_id"])
        for item in items:
            assert item["relation"] in ("exact", "broader", "narrower", "sibling")
    assert cited - {None} == set(sets)  # every stored list is cited
    # Each check's metrics are its own: peer_disclosure's findings carry no exposure numbers, and so on.
    peer = metric_keys[("peer_disclosure", "response")]
    assert "coverage" not in peer and "peers_exact" in peer
    assert "peers_exact" not in metric_keys[("mosaic_exposure", "technology")]
    assert "coverage" in metric_keys[("mosaic_exposure", "technology")]
    # Sharing pays: the sample's findings cite fewer distinct lists than they have findings with evidence.
    assert len(sets) < sum(1 for r in findings["findings"] if r["evidence_id"])


def test_ndjson_and_parquet_carry_the_same_findings_as_json(workspace, findings, tmp_path):
    result = mosaic("analyse", "-w", str(workspace), "--format", "ndjson")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0]["record"] == "run" and lines[0]["workspace_hash"] == findings["workspace_hash"]
    rows = [line for line in lines if line["record"] == "finding"]
    assert [r["summary"] for r in rows] == [r["summary"] for r in findings["findings"]]
    assert sum(line["record"] == "evidence_set" for line in lines) == len(findings["evidence_sets"])
    target = tmp_path / "found.parquet"
    result = mosaic("analyse", "-w", str(workspace), "--format", "parquet", "-o", str(target))
    assert result.returncode == 0, result.stderr
    table = pl.read_parquet(target)
    evidence = pl.read_parquet(tmp_path / "found.evidence.parquet")
    assert table.get_column("summary").to_list() == [r["summary"] for r in findings["findings"]]
    assert evidence.height == len(findings["evidence_sets"])
    assert table.join(evidence, on="evidence_id", how="anti").filter(pl.col("evidence_id").is_not_null()).height == 0
    assert json.loads(pl.read_parquet_metadata(target)["mosaic"])["workspace_hash"] == findings["workspace_hash"]
    refused = mosaic("analyse", "-w", str(workspace), "--format", "parquet")
    assert refused.returncode != 0 and refused.stderr.strip().count("\n") == 0 and "-o NAME.parquet" in refused.stderr


def test_every_check_finds_something_on_the_sample(findings):
    found = {record["check"] for record in findings["findings"]}
    expected = set(all_checks()) - {"boilerplate"}  # boilerplate needs letter text, which the CSV lacks
    assert expected <= found


def test_planted_patterns_are_found(findings, roles):
    by_check: dict[str, list[dict]] = {}
    for record in findings["findings"]:
        by_check.setdefault(record["check"], []).append(record)
    role = roles["roles"]
    tech = roles["technologies"]
    selective = {(r["authority_id"], r["technology_id"]) for r in by_check["selective_ncnd"]}
    assert (role["S"], tech["P2"]) in selective  # Cleveland: denied P1, NCNDed P2 within a year
    reversals = {r["authority_id"] for r in by_check["series_consistency"] if r["metrics"]["reversals"] > 0}
    assert {role["R1"], role["R2"]} <= reversals
    answered_after = {
        r["authority_id"] for r in by_check["series_consistency"] if r["metrics"]["ncnd_then_answered"] > 0
    }
    assert role["R3"] in answered_after  # Humberside: NCND in 2020, confirmed in 2024
    malformed = {r["authority_id"] for r in by_check["ncnd_limb"] if r["severity"] == "notable"}
    assert {role["M1"], role["M2"]} <= malformed  # Sussex s31(1) only, Surrey s21
    self_ack = {
        (r["authority_id"], r["technology_id"]) for r in by_check["self_acknowledgment"] if r["severity"] == "strong"
    }
    assert (role["R1"], tech["P1"]) in self_ack
    # Peer disclosure: the wave-6 NCNDs on P1 came after the 2019/2020 disclosures.
    r1 = [
        r for r in by_check["peer_disclosure"] if r["authority_id"] == role["R1"] and r["technology_id"] == tech["P1"]
    ]
    assert r1 and all(r["metrics"]["peers_exact"] > 0 and r["severity"] == "strong" for r in r1)
    assert all(r["metrics"]["peers_exact"] <= r["metrics"]["peers_asked"] - 1 for r in by_check["peer_disclosure"])


def test_filters_as_of_and_formats(workspace, roles):
    cleveland = roles["role_names"]["S"]
    result = mosaic(
        "analyse",
        "-w",
        str(workspace),
        "-c",
        "selective_ncnd",
        "-a",
        cleveland,
        "--format",
        "json",
        "--as-of",
        "2021-01-01",
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["as_of"] == "2021-01-01"
    assert {r["authority_id"] for r in document["findings"]} == {roles["roles"]["S"]}
    table = mosaic("analyse", "-w", str(workspace), "-c", "peer_disclosure", "--limit", "2")
    assert table.returncode == 0 and "peer_disclosure" in table.stdout and "Before " in table.stdout
    as_csv = mosaic("analyse", "-w", str(workspace), "-c", "ncnd_limb", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert rows and {"check", "summary", "cited_codes", "evidence_count"} <= set(rows[0])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-c", "peer"], "unknown check 'peer'; did you mean peer_disclosure?"),
        (["-t", "clearsite"], "unknown technology 'clearsite'; closest: clearsight-match"),
        (["-a", "Narnia Constabulary"], "unknown authority 'Narnia Constabulary'"),
        (["--as-of", "2020-13-01"], "--as-of '2020-13-01' is not a date"),
    ],
)
def test_user_errors_are_one_line(workspace, args, message):
    result = mosaic("analyse", "-w", str(workspace), *args)
    assert result.returncode == 2
    assert result.stderr.startswith("mosaic: error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_output_dash_is_standard_output(workspace, tmp_path):
    # Issue 12, defect 13: `-o -` wrote a file named "-".
    result = subprocess.run(
        [sys.executable, "-m", "mosaic.cli", "analyse", "-w", str(workspace), "-c", "ncnd_limb", "--format", "json", "-o", "-"],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["findings"]
    assert not (tmp_path / "-").exists()


def test_an_evidence_id_is_the_same_in_any_process(workspace, tmp_path):
    """An evidence list's id is a hash of its items, not of how a process holds them: keyed again here, each
    list ``mosaic analyse`` wrote gets the id it was written with. (Polars hashes a Categorical nested in a
    list by its code, and codes follow the order a process met the values in: hashed so, two runs of the
    same command gave the same sample's lists other ids now and then.)"""
    from mosaic.analyses.findings import key_evidence

    target = tmp_path / "found.parquet"
    result = mosaic("analyse", "-w", str(workspace), "--format", "parquet", "-o", str(target))
    assert result.returncode == 0, result.stderr
    pl.Series([f"met first {n}" for n in range(50)], dtype=pl.Categorical)  # this process's codes differ
    written = pl.read_parquet(tmp_path / "found.evidence.parquet")
    keyed_here, _ = key_evidence(written.select("evidence"))
    assert written.height > 100
    assert keyed_here.get_column("evidence_id").to_list() == written.get_column("evidence_id").to_list()


def test_a_stored_run_is_written_out_as_it_is_stored(workspace, tmp_path):
    """``mosaic analyse`` stores a whole run as its files hold it and writes a copy (Parquet) or writes it in
    the order it is stored in (JSON): the same findings, lists and bytes as writing them from the frames,
    which it still does when the stored run is another front end's (the dashboard's, stored without the
    run header) and when a stored file no longer matches its checksum."""
    import shutil

    from mosaic.analyses import AnalysisInputs
    from mosaic.analyses.cache import cached_run
    from mosaic.store.workspace import Workspace

    copied, framed = tmp_path / "copied", tmp_path / "framed"
    for folder in (copied, framed):
        shutil.copytree(workspace, folder)
        shutil.rmtree(folder / "derived", ignore_errors=True)
    # As the dashboard stores it: the same run (same key), no header, in the checks' order.
    other = Workspace(framed)
    cached_run(other, lambda: AnalysisInputs.for_checks(other))

    def written(folder, fmt):
        target = tmp_path / f"{folder.name}-{fmt}.{fmt}"
        result = mosaic("analyse", "-w", str(folder), "--format", fmt, "-o", str(target))
        assert result.returncode == 0, result.stderr
        return target

    copy, frames = written(copied, "parquet"), written(framed, "parquet")
    [stored] = (copied / "derived").glob("findings-*.parquet")
    [stored_lists] = (copied / "derived").glob("findingsevidence-*.parquet")
    assert copy.read_bytes() == stored.read_bytes()
    assert (tmp_path / "copied-parquet.evidence.parquet").read_bytes() == stored_lists.read_bytes()
    assert copy.read_bytes() != frames.read_bytes()  # the other one was encoded here, from the frames ...
    assert pl.read_parquet(copy).equals(pl.read_parquet(frames))  # ... to the same findings
    lists = [pl.read_parquet(tmp_path / f"{name}-parquet.evidence.parquet") for name in ("copied", "framed")]
    assert lists[0].equals(lists[1]) and lists[0].height > 100
    assert pl.read_parquet_metadata(copy)["mosaic"] == pl.read_parquet_metadata(frames)["mosaic"]
    assert pl.read_parquet_schema(copy)["metrics"] == METRICS_STRUCT  # every file: one schema
    # JSON from the stored run (in the order it is stored) and from the frames (tested and put in order).
    assert written(copied, "json").read_bytes() == written(framed, "json").read_bytes()
    # A damaged stored file is never handed on: the run is made again, stored again and copied.
    damaged = bytearray(stored.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    stored.write_bytes(bytes(damaged))
    again = written(copied, "parquet")
    assert again.read_bytes() == stored.read_bytes() != bytes(damaged)
    assert pl.read_parquet(again).equals(pl.read_parquet(frames))
