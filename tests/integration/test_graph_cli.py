"""`mosaic graph` as a user runs it: a real process on the ingested sample, real files, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from mosaic.graph import read_graph


def mosaic(*args: str, cwd=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, "-m", "mosaic.cli", *args], capture_output=True, cwd=cwd, env=env, timeout=300
    )


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    from mosaic.resources import sample_path

    folder = tmp_path_factory.mktemp("graph-cli") / "ws"
    result = mosaic("ingest", str(sample_path("responses.csv")), "-w", str(folder), "--json")
    assert result.returncode == 0, result.stderr
    return folder


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_each_format_writes_a_file_networkx_reads(tmp_path, workspace, fmt):
    target = tmp_path / f"out.{fmt}"
    result = mosaic("graph", "-w", str(workspace), "--format", fmt, "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert f"to {target} ({fmt})" in result.stderr.decode()
    if fmt != "json":
        ET.parse(target)
    graph = read_graph(target, fmt)
    assert isinstance(graph, nx.MultiDiGraph)
    relations = {d["relation"] for _, _, d in graph.edges(data=True)}
    assert {"responded", "cited", "borders", "in_region", "is_a", "made_by", "evidence_for"} <= relations
    responded = sum(1 for _, _, d in graph.edges(data=True) if d["relation"] == "responded")
    assert responded == 329  # one per response of the bundled sample


def test_as_of_and_technology_names_resolve_like_ingest(tmp_path, workspace):
    target = tmp_path / "view.json"
    # "ClearSight match" (any case), an alias-free name; and the category by its alias "FRT"
    result = mosaic(
        "graph",
        "-w",
        str(workspace),
        "-f",
        "json",
        "-o",
        str(target),
        "--as-of",
        "2021-01-01",
        "-t",
        "clearsight MATCH",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(target.read_text())
    assert data["graph"]["as_of"] == "2021-01-01" and data["graph"]["technology_ids"] == "clearsight-match"
    answers = [e for e in data["edges"] if e["relation"] == "responded"]
    assert answers and all(
        e["target"] == "technology:clearsight-match" and e["public_on"] <= "2021-01-01" for e in answers
    )
    category = mosaic("graph", "-w", str(workspace), "-f", "json", "-o", "-", "-t", "FRT")
    assert category.returncode == 0, category.stderr
    targets = {e["target"] for e in json.loads(category.stdout)["edges"] if e["relation"] == "responded"}
    assert "technology:facial-recognition" in targets and "technology:cellshade-mini" not in targets


def test_output_is_replaced_atomically(tmp_path, workspace):
    target = tmp_path / "g.graphml"
    target.write_text("previous contents")
    assert mosaic("graph", "-w", str(workspace), "-f", "graphml", "-o", str(target)).returncode == 0
    ET.parse(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.graphml"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-t", "clearsite macth"],
            "unknown technology 'clearsite macth'; closest: clearsight-match (ClearSight Match)",
        ),
        (["--as-of", "2021-13-01"], "--as-of '2021-13-01' is not a date"),
        (["-f", "dot"], "--format 'dot': use graphml, gexf, json"),
    ],
)
def test_user_errors_are_one_line_and_write_nothing(tmp_path, workspace, args, message):
    target = tmp_path / "x.json"
    base = ["graph", "-w", str(workspace), "-o", str(target)]
    if "-f" not in args:
        base += ["-f", "json"]
    result = mosaic(*base, *args)
    assert result.returncode == 2
    lines = [line for line in result.stderr.decode().splitlines() if line.strip()]
    assert lines == [f"mosaic: error: {lines[0].removeprefix('mosaic: error: ')}"] and message in lines[0]
    assert not target.exists()


def test_missing_workspace_and_missing_folder(tmp_path, workspace):
    result = mosaic("graph", "-w", str(tmp_path / "nothing"), "-f", "json", "-o", str(tmp_path / "x.json"))
    assert result.returncode == 2 and "no workspace at" in result.stderr.decode()
    result = mosaic("graph", "-w", str(workspace), "-f", "json", "-o", str(tmp_path / "no" / "x.json"))
    assert result.returncode == 2 and "does not exist" in result.stderr.decode()
