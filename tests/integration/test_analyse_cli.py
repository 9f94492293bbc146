"""`mosaic analyse` on the bundled sample: every check finds what the sample planted, JSON contract holds."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from mosaic.analyses import FINDING_SCHEMA, METRICS, all_checks
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
    assert findings["as_of"] is None and set(findings) >= {"as_of", "findings", "workspace_hash", "checks"}
    assert findings["findings"], "the sample must produce findings"
    for record in findings["findings"]:
        assert set(record) == set(FINDING_SCHEMA.names())
        assert record["severity"] in ("info", "notable", "strong")
        assert set(record["metrics"]) <= set(METRICS)
        assert all(isinstance(v, int | float) for v in record["metrics"].values())
        assert isinstance(record["summary"], str) and record["summary"].endswith(".")
        assert len(record["as_of"]) == 10 and record["as_of"][4] == "-"
        for item in record["evidence"]:
            assert item["relation"] in ("exact", "broader", "narrower", "sibling")


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
