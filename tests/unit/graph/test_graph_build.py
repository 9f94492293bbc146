"""build_graph, restrict and as_of_view on literal frames (counts by hand) and on the bundled sample."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from mosaic.analyses import EVIDENCE_STRUCT, FINDING_SCHEMA, METRICS, empty_findings, run_checks
from mosaic.errors import MappingError, SchemaError
from mosaic.graph import (
    EDGE_SCHEMA,
    NODE_SCHEMA,
    GraphFrames,
    as_of_view,
    build_graph,
    restrict,
    validate,
)
from mosaic.registry import load_authorities, load_technologies

P = "clearsight-match"  # facial-recognition > live-facial-recognition > clearsight-match
P2 = "facewise-cloud"  # facial-recognition > retrospective-facial-recognition > facewise-cloud
Q = "cellshade-mini"  # covert-communications-data-capture > cellshade-mini


def edges_of(graph: GraphFrames, relation: str) -> pl.DataFrame:
    return graph.edges.filter(pl.col("relation") == relation).sort("edge_id")


def test_register_structure_matches_the_registers(inputs):
    graph = build_graph(inputs([]), findings=empty_findings())
    validate(graph)
    authorities, technologies = load_authorities(), load_technologies(sample=True)
    assert graph.count(kind="authority") == authorities.height == 101
    assert graph.count(kind="technology") == technologies.height
    assert graph.count("in_region") == authorities.filter(pl.col("region").is_not_null()).height
    # every unordered neighbour pair once
    pairs = {
        tuple(sorted((a, n))) for a, ns in authorities.select("authority_id", "neighbours").iter_rows() for n in ns
    }
    assert graph.count("borders") == len(pairs)
    # one is_a per parent, plus one per second category of a variant (also_under)
    assert (
        graph.count("is_a")
        == technologies.filter(pl.col("parent_id").is_not_null()).height
        + technologies.get_column("also_under").list.len().sum()
    )
    assert edges_of(graph, "is_a").filter(pl.col("source") == "technology:nec-neoface-live").get_column("target").to_list() == [
        "technology:nec-neoface", "technology:live-facial-recognition",
    ]  # fmt: skip
    made_by = edges_of(graph, "made_by").filter(pl.col("source") == f"technology:{P}")
    assert made_by.select("target").item() == "vendor:quillon-optics-ltd"
    is_a = edges_of(graph, "is_a").filter(pl.col("source") == f"technology:{P}")
    assert is_a.select("target").item() == "technology:live-facial-recognition"
    assert graph.count("responded") == 0 and graph.count(kind="request") == 0 and graph.count(kind="exemption") == 0
    assert graph.nodes.schema == NODE_SCHEMA and graph.edges.schema == EDGE_SCHEMA


def test_responded_edges_carry_the_response(inputs, response):
    rows = [
        response(
            "kent", P, "ncnd", "2023-03-10", exemptions=["s24(2)", "s31(3)"], request_id="R1", response_id="r-kent"
        ),
        response("essex", P, "disclosed", "2021-07", request_id="R1", response_id="r-essex"),
        response("kent", Q, "not_held", "2022-01-05", response_id="r-kent-q"),
    ]
    graph = build_graph(inputs(rows), findings=empty_findings())
    validate(graph)
    responded = edges_of(graph, "responded")
    assert responded.get_column("edge_id").to_list() == ["responded:r-essex", "responded:r-kent", "responded:r-kent-q"]
    kent = responded.filter(pl.col("response_id") == "r-kent").row(0, named=True)
    assert (kent["source"], kent["target"], kent["stance"], kent["outcome"]) == (
        "authority:kent",
        f"technology:{P}",
        "ncnd",
        "ncnd",
    )
    assert kent["exemptions"] == ["s24(2)", "s31(3)"]
    assert (kent["date"], kent["public_on"], kent["request_id"]) == (dt.date(2023, 3, 10), dt.date(2023, 3, 10), "R1")
    essex = responded.filter(pl.col("response_id") == "r-essex").row(0, named=True)
    # month precision: dated the 1st, public only from the end of the month
    assert (essex["date"], essex["date_precision"], essex["public_on"]) == (
        dt.date(2021, 7, 1),
        "month",
        dt.date(2021, 7, 31),
    )
    # cited: authority -> exemption with counts; Kent cited each code once, in an NCND
    cited = edges_of(graph, "cited")
    assert cited.select("source", "target", "count", "ncnd_count").rows() == [
        ("authority:kent", "exemption:s24(2)", 1, 1),
        ("authority:kent", "exemption:s31(3)", 1, 1),
    ]
    # one request node, asked of two authorities, about one technology
    assert edges_of(graph, "asked").select("source", "target", "count").rows() == [
        ("request:R1", "authority:essex", 1), ("request:R1", "authority:kent", 1),
    ]  # fmt: skip
    assert edges_of(graph, "about").select("target", "public_on").rows() == [(f"technology:{P}", dt.date(2021, 7, 31))]
    counts = dict(graph.nodes.select("node_id", "response_count").iter_rows())
    assert counts["authority:kent"] == 2 and counts[f"technology:{P}"] == 2 and counts["request:R1"] == 2
    assert counts["exemption:s24(2)"] == 1 and counts["region:south-east"] is None


def test_unresolved_names_get_their_own_nodes_under_the_path_they_were_given(inputs, response):
    rows = [
        response("unresolved:gotham-pd", "unresolved:batscan", "disclosed", "2024-01-01", authority_name="Gotham PD",
                 category="facial-recognition > unresolved:batscan", vendor="Wayne Enterprises", technology_name="BatScan"),
    ]  # fmt: skip
    graph = build_graph(inputs(rows), findings=empty_findings())
    validate(graph)
    node = graph.nodes.filter(pl.col("node_id") == "technology:unresolved:batscan").row(0, named=True)
    assert (node["label"], node["is_registered"], node["level"], node["vendor"]) == (
        "BatScan",
        False,
        None,
        "Wayne Enterprises",
    )
    assert edges_of(graph, "is_a").filter(pl.col("source") == "technology:unresolved:batscan").get_column(
        "target"
    ).to_list() == ["technology:facial-recognition"]
    assert graph.nodes.filter(pl.col("node_id") == "authority:unresolved:gotham-pd").item(0, "label") == "Gotham PD"
    assert (
        edges_of(graph, "made_by").filter(pl.col("source") == "technology:unresolved:batscan").item(0, "target")
        == "vendor:wayne-enterprises"
    )


def _findings(rows: list[dict]) -> pl.DataFrame:
    metrics = {name: None for name in METRICS}
    filled = [
        {"scope": "response", "severity": "notable", "summary": "s", "metrics": metrics, "as_of": None, **row}
        for row in rows
    ]
    return pl.DataFrame(filled, schema=FINDING_SCHEMA)


def _evidence(
    authority: str, technology: str, date: str, relation: str, grade: str, response_id: str, precision: str = "day"
) -> dict:
    item = {name: None for name in EVIDENCE_STRUCT.to_schema()}
    item.update(
        authority_id=authority, authority=authority, technology_id=technology, technology=technology, date=dt.date.fromisoformat(date),
        date_precision=precision, stance="confirm", outcome="disclosed", exemptions=None, grade=grade, relation=relation,
        role="disclosure", response_id=response_id, source_type="foi_response", source_url=f"https://foi.example.org/{response_id}",
    )  # fmt: skip
    return item


def test_evidence_for_edges_from_literal_findings(inputs, response):
    rows = [
        response("kent", P, "ncnd", "2023-03-10", response_id="ncnd-kent"),
        response("essex", P, "disclosed", "2021-07", response_id="d-essex"),
        response("sussex", "live-facial-recognition", "not_held", "2022-02-02", response_id="d-sussex"),
        response("kent", P, "disclosed", "2020-05-05", response_id="d-kent"),
    ]
    findings = _findings(
        [
            {"check": "peer_disclosure", "authority_id": "kent", "technology_id": P, "response_id": "ncnd-kent",
             "response_date": dt.date(2023, 3, 10), "evidence": [
                 _evidence("essex", P, "2021-07-01", "exact", "official_peer", "d-essex", precision="month"),
                 _evidence("sussex", "live-facial-recognition", "2022-02-02", "broader", "official_peer", "d-sussex"),
                 # an authority neither in the register nor in the responses: dropped, not given a node
                 _evidence("nowhere-police", P, "2022-02-02", "exact", "official_peer", "d-elsewhere"),
             ]},
            {"check": "self_acknowledgment", "authority_id": "kent", "technology_id": P, "response_id": "ncnd-kent",
             "response_date": dt.date(2023, 3, 10), "evidence": [_evidence("kent", P, "2020-05-05", "exact", "official_self", "d-kent")]},
            # another check's evidence is not evidence_for
            {"check": "selective_ncnd", "authority_id": "kent", "technology_id": P, "response_id": "ncnd-kent",
             "response_date": dt.date(2023, 3, 10), "evidence": [_evidence("essex", P, "2021-07-01", "sibling", "official_peer", "d-essex")]},
        ]
    )  # fmt: skip
    graph = build_graph(inputs(rows), findings=findings)
    validate(graph)
    evidence = edges_of(graph, "evidence_for")
    assert evidence.select(
        "source", "target", "check", "response_id", "ncnd_response_id", "evidence_relation", "grade"
    ).rows() == [
        ("authority:essex", "authority:kent", "peer_disclosure", "d-essex", "ncnd-kent", "exact", "official_peer"),
        ("authority:sussex", "authority:kent", "peer_disclosure", "d-sussex", "ncnd-kent", "broader", "official_peer"),
        ("authority:kent", "authority:kent", "self_acknowledgment", "d-kent", "ncnd-kent", "exact", "official_self"),
    ]
    # public from the later of the disclosure (end of its period) and the NCND
    assert evidence.get_column("public_on").unique().to_list() == [dt.date(2023, 3, 10)]
    assert evidence.filter(pl.col("response_id") == "d-essex").item(0, "technology_id") == P
    assert evidence.get_column("ncnd_technology_id").unique().to_list() == [P]


def test_as_of_view_drops_later_edges_and_recounts(inputs, response):
    rows = [
        response("kent", P, "ncnd", "2021-03-10", exemptions=["s24(2)"], request_id="R1", request="2021-02-01"),
        response("kent", P, "ncnd", "2023-03-10", exemptions=["s24(2)"], request_id="R2", request="2023-02-01"),
        response("essex", P, "disclosed", "2021-03", request_id="R1", request="2021-02-01"),  # public from 31 March
        response("essex", Q, "not_held", "2022-06-01", request_id="R3", request="2022-05-01"),
        response("sussex", Q, "no_response", None, request_id="R3", request="2022-05-01"),  # asked, never answered
    ]
    full = build_graph(inputs(rows), findings=empty_findings())
    view = as_of_view(full, dt.date(2021, 3, 20))
    validate(view)
    assert view.as_of == dt.date(2021, 3, 20)
    assert edges_of(view, "responded").get_column("source").to_list() == ["authority:kent"]
    assert edges_of(view, "cited").select("target", "count").rows() == [("exemption:s24(2)", 1)]  # was 2 in full
    assert edges_of(full, "cited").select("count").item() == 2
    assert edges_of(view, "asked").select("source", "target").rows() == [
        ("request:R1", "authority:essex"),
        ("request:R1", "authority:kent"),
    ]
    assert view.nodes.filter(pl.col("kind") == "request").get_column("node_id").to_list() == ["request:R1"]
    assert view.count(kind="authority") == 101  # the register stays: the map's frame
    # nothing in the view is dated after the as-of date
    assert view.edges.filter(pl.col("public_on") > dt.date(2021, 3, 20)).height == 0
    # a response with no date is never shown as public, but its request was asked
    later = as_of_view(full, dt.date(2030, 1, 1))
    assert edges_of(later, "responded").height == 4
    assert ("request:R3", "authority:sussex") in edges_of(later, "asked").select("source", "target").rows()
    # build_graph(as_of=) is the same view
    direct = build_graph(inputs(rows), as_of=dt.date(2021, 3, 20), findings=empty_findings())
    assert_frame_equal(direct.nodes, view.nodes)
    assert_frame_equal(direct.edges.sort("edge_id"), view.edges.sort("edge_id"))
    # narrowing never widens
    assert restrict(view, as_of=dt.date(2030, 1, 1)).as_of == dt.date(2021, 3, 20)


def test_technology_restriction_keeps_descendants_ancestors_and_their_requests(inputs, response):
    rows = [
        response("kent", P, "ncnd", "2021-03-10", exemptions=["s24(2)"], request_id="R1"),
        response("essex", "facial-recognition", "disclosed", "2021-03-01", request_id="R2"),
        response("essex", Q, "not_held", "2022-06-01", exemptions=["s12"], request_id="R3"),
    ]
    full = build_graph(inputs(rows), findings=empty_findings())
    view = restrict(full, technology_ids=["live-facial-recognition"])
    validate(view)
    assert view.technology_ids == ("live-facial-recognition",)
    assert edges_of(view, "responded").get_column("target").to_list() == [f"technology:{P}"]
    technologies = view.nodes.filter(pl.col("kind") == "technology").get_column("entity_id").to_list()
    # the scope (live facial recognition and both its products) and the path above it; nothing else
    # (NEC NeoFace Live is under live facial recognition too: its family NEC NeoFace sits above it)
    assert technologies == [
        "clearsight-match",
        "facial-recognition",
        "live-facial-recognition",
        "nec-neoface",
        "nec-neoface-live",
    ]
    assert view.nodes.filter(pl.col("kind") == "request").get_column("entity_id").to_list() == ["R1"]
    assert view.nodes.filter(pl.col("kind") == "exemption").get_column("entity_id").to_list() == ["s24(2)"]
    assert view.nodes.filter(pl.col("kind") == "vendor").get_column("entity_id").to_list() == [
        "NEC",
        "Quillon Optics Ltd",
    ]
    # the category covers everything below it
    category = restrict(full, technology_ids=["technology:facial-recognition"])
    assert sorted(edges_of(category, "responded").get_column("target").to_list()) == [
        f"technology:{P}",
        "technology:facial-recognition",
    ]


def test_unknown_technology_names_close_ones(inputs):
    graph = build_graph(inputs([]), findings=empty_findings())
    with pytest.raises(MappingError, match="unknown technology 'clearsight-mach'; did you mean clearsight-match"):
        restrict(graph, technology_ids=["clearsight-mach"])


def test_validate_catches_dangling_edges_and_duplicate_ids(inputs, response):
    graph = build_graph(inputs([response("kent", P, "ncnd", "2021-03-10")]), findings=empty_findings())
    dangling = graph.edges.head(1).with_columns(
        pl.lit("authority:nowhere").alias("target"), pl.lit("x").alias("edge_id")
    )
    with pytest.raises(SchemaError, match="authority:nowhere"):
        validate(GraphFrames(graph.nodes, pl.concat([graph.edges, dangling])))
    with pytest.raises(SchemaError, match="not unique"):
        validate(GraphFrames(graph.nodes, pl.concat([graph.edges, graph.edges.head(1)])))
    with pytest.raises(SchemaError, match="edges do not match"):
        GraphFrames(graph.nodes, graph.edges.drop("grade"))


# --- the bundled sample -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_graph(sample_inputs):
    findings = run_checks(sample_inputs, ["peer_disclosure", "self_acknowledgment"])
    return build_graph(sample_inputs, findings=findings), findings


def test_sample_counts_reconcile_with_the_workspace(sample_inputs, sample_graph):
    graph, _ = sample_graph
    validate(graph)
    responses = sample_inputs.responses
    responded = edges_of(graph, "responded")
    assert responded.height == responses.height
    assert responded.get_column("response_id").sort().to_list() == responses.get_column("response_id").sort().to_list()
    # cited counts add up to the exemption codes cited across all responses
    assert edges_of(graph, "cited").get_column("count").sum() == responses.get_column("exemptions").list.len().sum()
    asked_pairs = responses.drop_nulls("request_id").select("request_id", "authority_id").unique().height
    assert graph.count("asked") == asked_pairs
    assert graph.count(kind="request") == responses.get_column("request_id").drop_nulls().n_unique()
    # an authority's response_count is its number of responses
    per_authority = dict(responses.group_by("authority_id").len().iter_rows())
    counted = dict(graph.nodes.filter(pl.col("kind") == "authority").select("entity_id", "response_count").iter_rows())
    assert {k: v for k, v in counted.items() if v} == per_authority


def test_sample_evidence_for_edges_match_the_checks(sample_graph):
    graph, findings = sample_graph
    items = (
        findings.select(
            "check", pl.col("response_id").alias("ncnd_response_id"), pl.col("authority_id").alias("target"), "evidence"
        )
        .explode("evidence")
        .drop_nulls("evidence")
        .select(
            "check",
            "ncnd_response_id",
            "target",
            pl.col("evidence").struct.field("response_id"),
            pl.col("evidence").struct.field("authority_id"),
        )
    )
    assert items.height > 0
    evidence = edges_of(graph, "evidence_for")
    assert evidence.height == items.height
    expected = items.select(
        "check",
        "ncnd_response_id",
        "response_id",
        ("authority:" + pl.col("authority_id")).alias("source"),
        ("authority:" + pl.col("target")).alias("target"),
    )
    got = evidence.select("check", "ncnd_response_id", "response_id", "source", "target")
    assert_frame_equal(got.sort(got.columns), expected.sort(expected.columns))
    # every NCND with evidence has at least one edge into its authority, and each edge starts at a disclosure
    ncnd_ids = set(findings.filter(pl.col("evidence").list.len() > 0).get_column("response_id").to_list())
    assert set(evidence.get_column("ncnd_response_id").to_list()) == ncnd_ids
    assert set(evidence.get_column("stance").unique().to_list()) <= {"confirm", "deny"}
    # self-acknowledgment edges are self-loops
    own = evidence.filter(pl.col("check") == "self_acknowledgment")
    assert own.height > 0 and (own.get_column("source") == own.get_column("target")).all()


def test_build_graph_runs_the_evidence_checks_itself_when_not_given(sample_inputs, sample_graph):
    graph, _ = sample_graph
    assert build_graph(sample_inputs).count("evidence_for") == graph.count("evidence_for")
    assert build_graph(sample_inputs, findings=empty_findings()).count("evidence_for") == 0
