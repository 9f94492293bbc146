"""GraphML and GEXF stay well-formed XML when a value holds characters XML 1.0 forbids, and say so."""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET

import networkx as nx
import polars as pl
import pytest

from mosaic.graph import build_graph, read_graph, write_graph
from mosaic.graph.export import graph_bytes
from mosaic.graph.frames import GraphFrames


@pytest.fixture
def graph(sample_inputs) -> GraphFrames:
    full = build_graph(sample_inputs)
    first, second = full.nodes.get_column("node_id").sort().to_list()[:2]
    labels = {first: "Kent\x01 Police", second: "bell\x07 and escape\x1b, tab\tok"}
    nodes = full.nodes.with_columns(pl.col("node_id").replace_strict(labels, default=pl.col("label")).alias("label"))
    return GraphFrames(nodes=nodes, edges=full.edges), first, second


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_forbidden_characters_are_replaced_and_reported(tmp_path, graph, fmt, caplog):
    graph, first, second = graph
    with caplog.at_level(logging.WARNING):
        data = graph_bytes(graph, fmt)
    ET.fromstring(data)  # well-formed
    assert b"\x01" not in data and b"\x1b" not in data and b"\x07" not in data
    assert any("XML 1.0 forbids" in r.getMessage() and "2 value(s)" in r.getMessage() for r in caplog.records)
    path = write_graph(graph, tmp_path / f"g.{fmt}", fmt)
    back = read_graph(path, fmt)
    assert back.nodes[first]["label"] == "Kent\ufffd Police"
    assert back.nodes[second]["label"] == "bell\ufffd and escape\ufffd, tab\tok"
    if fmt == "graphml":
        assert "XML 1.0 forbids" in back.graph["mosaic_note"]
        assert nx.read_graphml(path).number_of_nodes() == graph.nodes.height


def test_json_keeps_the_characters(graph):
    graph, _, _ = graph
    assert "\\u0001" in graph_bytes(graph, "json").decode()
