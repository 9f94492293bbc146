"""neighbourhood: hops, collapsing, limits and filters on a small literal graph."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from mosaic.analyses import empty_findings
from mosaic.errors import MappingError
from mosaic.graph import build_graph, neighbourhood, restrict, validate

P = "clearsight-match"
Q = "cellshade-mini"


@pytest.fixture
def graph(inputs, response):
    rows = [
        response("kent", P, "ncnd", "2021-03-10", exemptions=["s24(2)"], request_id="R1"),
        response("kent", P, "ncnd", "2022-03-10", exemptions=["s24(2)", "s31(3)"], request_id="R2"),
        response("kent", P, "disclosed", "2023-03-10", request_id="R3"),
        response("kent", Q, "not_held", "2023-05-01"),
        response("essex", P, "disclosed", "2021-01-05", request_id="R1"),
    ]
    return build_graph(inputs(rows), findings=empty_findings())


def _ids(view, kind=None):
    nodes = view.nodes if kind is None else view.nodes.filter(pl.col("kind") == kind)
    return nodes.get_column("node_id").to_list()


def test_one_hop_around_an_authority_collapses_its_answers(graph):
    view = neighbourhood(graph, "kent")
    validate(view)
    assert view.nodes.filter(pl.col("distance") == 0).get_column("node_id").to_list() == ["authority:kent"]
    # Kent's land neighbours, its region, the two technologies, the codes it cited and its requests
    assert _ids(view, "authority") == [
        "authority:kent",
        "authority:metropolitan",
        "authority:surrey",
        "authority:sussex",
    ]
    assert _ids(view, "technology") == [f"technology:{Q}", f"technology:{P}"]
    assert _ids(view, "exemption") == ["exemption:s24(2)", "exemption:s31(3)"]
    assert _ids(view, "request") == ["request:R1", "request:R2", "request:R3"]
    assert _ids(view, "region") == ["region:south-east"]
    assert view.omitted_node_count == 0
    answers = view.edges.filter(pl.col("relation") == "responded").sort("target")
    # three answers on P become one edge: the latest (the 2023 confirmation), counting 3
    assert answers.select("edge_id", "count", "stance", "date").rows() == [
        (answers.item(0, "edge_id"), 1, "deny", dt.date(2023, 5, 1)),
        (f"responded:authority:kent->technology:{P}", 3, "confirm", dt.date(2023, 3, 10)),
    ]
    assert answers.item(0, "edge_id") == "responded:" + answers.item(
        0, "response_id"
    )  # a single answer keeps its own id
    cited = view.edges.filter(pl.col("relation") == "cited").sort("target")
    assert cited.select("edge_id", "count", "ncnd_count").rows() == [
        ("cited:authority:kent|s24(2)", 2, 2), ("cited:authority:kent|s31(3)", 1, 1),
    ]  # fmt: skip
    counts = dict(view.nodes.select("node_id", "response_count").iter_rows())
    assert counts["authority:kent"] == 4 and counts[f"technology:{P}"] == 4  # Essex's answer counts too (whole graph)
    assert counts["region:south-east"] is None
    # borders among the kept: Kent's three, and Surrey-Sussex, Metropolitan-Surrey
    assert len(view.edges.filter(pl.col("relation") == "borders")) == 5


def test_two_hops_reach_the_other_authorities_that_answered(graph):
    view = neighbourhood(graph, f"technology:{P}", hops=2, limit=1000)
    validate(view)
    distance = dict(view.nodes.select("node_id", "distance").iter_rows())
    assert distance[f"technology:{P}"] == 0
    assert distance["authority:kent"] == distance["authority:essex"] == 1
    assert distance["region:east"] == 2  # Essex's region
    assert distance[f"technology:{Q}"] == 2  # through Kent
    assert "authority:suffolk" in distance and distance["authority:suffolk"] == 2  # Essex's neighbour


def test_limit_keeps_the_centre_then_nearest_and_strongest_and_says_how_many_were_left(graph):
    full = neighbourhood(graph, "kent", limit=1000)
    view = neighbourhood(graph, "kent", limit=3)
    validate(view)
    assert view.nodes.height == 3 and view.omitted_node_count == full.nodes.height - 3
    # hop 1, authorities first (each tied by one border), then by id
    assert _ids(view) == ["authority:kent", "authority:metropolitan", "authority:surrey"]
    assert sorted(view.edges.get_column("edge_id").to_list()) == [
        "borders:kent|metropolitan", "borders:kent|surrey", "borders:metropolitan|surrey",
    ]  # fmt: skip
    only_centre = neighbourhood(graph, "kent", limit=1)
    assert _ids(only_centre) == ["authority:kent"] and only_centre.edges.height == 0
    # requests come last when the limit bites: technologies (strength 3 and 1) before them
    eight = neighbourhood(graph, "kent", limit=9)
    assert set(_ids(eight, "technology")) == {f"technology:{P}", f"technology:{Q}"} and _ids(eight, "request") == []


def test_date_and_technology_filters(graph):
    early = neighbourhood(graph, "kent", as_of=dt.date(2021, 12, 31))
    validate(early)
    answers = early.edges.filter(pl.col("relation") == "responded")
    assert answers.select("count", "stance").rows() == [(1, "ncnd")]
    assert _ids(early, "request") == ["request:R1"]
    assert dict(early.nodes.select("node_id", "response_count").iter_rows())["authority:kent"] == 1
    cited = early.edges.filter(pl.col("relation") == "cited")
    assert cited.select("target", "count").rows() == [("exemption:s24(2)", 1)]
    # the cited counts agree with the restricted graph's
    restricted = restrict(graph, as_of=dt.date(2021, 12, 31))
    assert restricted.edges.filter(pl.col("relation") == "cited").select("target", "count").rows() == [
        ("exemption:s24(2)", 1)
    ]
    only_q = neighbourhood(graph, "kent", technology_ids=[Q])
    assert _ids(only_q, "technology") == [f"technology:{Q}"] and _ids(only_q, "exemption") == []


def test_bad_arguments_are_one_line_errors(graph):
    with pytest.raises(MappingError, match="no node 'kentt'.*authority:kent"):
        neighbourhood(graph, "kentt")
    with pytest.raises(MappingError, match="hops"):
        neighbourhood(graph, "kent", hops=0)
    with pytest.raises(MappingError, match="limit"):
        neighbourhood(graph, "kent", limit=0)


def test_sample_neighbourhood_is_consistent_with_the_graph(sample_inputs):
    graph = build_graph(sample_inputs)
    view = neighbourhood(graph, "kent", hops=2, limit=60)
    validate(view)
    assert view.nodes.height == 60 and view.omitted_node_count > 0
    # every edge shown exists in the graph (or collapses edges that do)
    answers = view.edges.filter(pl.col("relation") == "responded")
    underlying = graph.edges.filter(pl.col("relation") == "responded")
    for source, target, count in answers.select("source", "target", "count").iter_rows():
        assert underlying.filter((pl.col("source") == source) & (pl.col("target") == target)).height == count
