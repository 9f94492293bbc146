"""to_networkx and the GraphML / GEXF / node-link JSON exports: valid files that round-trip."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from mosaic.errors import MappingError, MosaicError
from mosaic.graph import FORMATS, build_graph, read_graph, restrict, to_networkx, write_graph


@pytest.fixture(scope="module")
def sample_graph(sample_inputs):
    return build_graph(sample_inputs)


def _encoded(value):
    """What a value becomes in the files (dates as ISO text); lists come back decoded."""
    return value.isoformat() if isinstance(value, dt.date) else value


def test_to_networkx_keys_nodes_and_edges_by_id(sample_graph):
    G = to_networkx(sample_graph)
    assert isinstance(G, nx.MultiDiGraph)
    assert G.number_of_nodes() == sample_graph.nodes.height
    assert G.number_of_edges() == sample_graph.edges.height
    assert {k for _, _, k in G.edges(keys=True)} == set(sample_graph.edges.get_column("edge_id").to_list())
    edge = sample_graph.edges.filter(sample_graph.edges["relation"] == "responded").row(0, named=True)
    data = G.edges[edge["source"], edge["target"], edge["edge_id"]]
    assert data["response_id"] == edge["response_id"] and data["exemptions"] == edge["exemptions"]
    assert isinstance(data["date"], dt.date)
    assert "grade" not in data  # nulls are left out
    assert G.nodes["authority:kent"]["label"] == "Kent Police"


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip(tmp_path, sample_graph, fmt):
    path = write_graph(sample_graph, tmp_path / f"graph.{fmt}", fmt)
    if fmt == "json":
        json.loads(path.read_text(encoding="utf-8"))
    else:
        root = ET.parse(path).getroot()  # well-formed XML
        values = [element.text for element in root.iter() if element.tag.endswith("data")] + [
            element.get("value") for element in root.iter() if element.tag.endswith("attvalue")
        ]
        assert values and "None" not in values and not any(v and v.startswith("[") for v in values)
    back = read_graph(path, fmt)
    original = to_networkx(sample_graph)
    assert isinstance(back, nx.MultiDiGraph)
    assert set(back.nodes) == set(original.nodes)
    assert {(u, v, k) for u, v, k in back.edges(keys=True)} == {(u, v, k) for u, v, k in original.edges(keys=True)}
    for node, data in original.nodes(data=True):
        assert back.nodes[node] == {key: _encoded(value) for key, value in data.items()}, node
    for u, v, key, data in original.edges(keys=True, data=True):
        assert back.edges[u, v, key] == {name: _encoded(value) for name, value in data.items()}, key


def test_round_trip_keeps_empty_lists_and_evidence(tmp_path, sample_graph):
    evidence = restrict(sample_graph, technology_ids=["clearsight-match"])
    assert evidence.count("evidence_for") > 0
    for fmt in ("graphml", "gexf"):
        back = read_graph(write_graph(evidence, tmp_path / f"e.{fmt}", fmt), fmt)
        grades = {d.get("grade") for _, _, d in back.edges(data=True) if d["relation"] == "evidence_for"}
        assert grades <= {"official_peer", "official_self", "unofficial"} and grades
        empty = [d for _, _, d in back.edges(data=True) if d["relation"] == "responded" and d["exemptions"] == []]
        assert empty  # an empty list survives as [] (written as ""), distinct from a missing value
    assert back.graph.get("technology_ids") == "clearsight-match" or fmt == "gexf"


def test_write_replaces_atomically_and_fails_cleanly(tmp_path, sample_graph):
    target = tmp_path / "graph.json"
    target.write_text("old")
    write_graph(sample_graph, target, "json")
    assert json.loads(target.read_text())["directed"] is True
    assert [p.name for p in tmp_path.iterdir()] == ["graph.json"]  # no temporary file left behind
    with pytest.raises(MosaicError, match="does not exist"):
        write_graph(sample_graph, tmp_path / "missing" / "graph.json", "json")
    with pytest.raises(MappingError, match="unknown graph format 'dot'"):
        write_graph(sample_graph, target, "dot")
    assert json.loads(target.read_text())["directed"] is True
