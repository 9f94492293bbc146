"""Network page: the graph neighbourhood of an authority or a technology (``mosaic.graph.neighbourhood``).

Drawn with dash-cytoscape, limited to a few hundred nodes (``NODE_LIMIT``): answers are edges coloured
by stance (the latest answer when an authority answered several times), nodes are shaped by kind.
"""

from __future__ import annotations

import math
from typing import Any

import dash_cytoscape as cyto
import polars as pl
from dash import Dash, Input, Output, dcc, html

from dashboards import views
from dashboards.data import DataAccess
from dashboards.ids import NetworkIds
from mosaic.errors import MosaicError
from mosaic.present.labels import ANSWER_STANCE_LABELS, ANSWER_STANCE_LOOK, STANCE_COLOURS, STANCE_MARKS

NODE_LIMIT = 250
EDGE_LIMIT = 600
"""Links drawn at most: those touching the centre first, then the heaviest (cytoscape slows past ~1k)."""
#: An answer's edge has the colour of the map cell its stance makes (``ANSWER_STANCE_LOOK``).
EDGE_STANCE_COLOURS = {stance: STANCE_COLOURS[look] for stance, look in ANSWER_STANCE_LOOK.items()}
KIND_STYLE = {
    "authority": ("ellipse", "#56B4E9"),
    "technology": ("round-rectangle", "#009E73"),
    "exemption": ("diamond", "#F0E442"),
    "region": ("hexagon", "#BBBBBB"),
    "vendor": ("triangle", "#999999"),
    "request": ("tag", "#DDDDDD"),
}
#: Community fills (Okabe-Ito, then greys); the label also carries the community number.
COMMUNITY_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999", "#666666")
STYLESHEET = [
    {
        "selector": "node",
        "style": {
            "label": "data(label)",
            "font-size": "9px",
            "text-wrap": "wrap",
            "text-max-width": "90px",
            # A light backing keeps a label readable where it crosses edges or a neighbour's label.
            "text-background-color": "#FFFFFF",
            "text-background-opacity": 0.85,
            "text-background-padding": "1px",
            "text-valign": "bottom",
            "text-margin-y": 2,
            "width": "data(size)",
            "height": "data(size)",
            "border-width": 1,
            "border-color": "#555",
        },
    },
    *(
        {"selector": f"node[kind = '{kind}']", "style": {"shape": shape, "background-color": colour}}
        for kind, (shape, colour) in KIND_STYLE.items()
    ),
    {"selector": "node[community_colour]", "style": {"background-color": "data(community_colour)"}},
    {
        "selector": "node[distance = 0]",
        "style": {"border-width": 4, "border-color": "#FFD700", "font-weight": "bold", "font-size": "12px"},
    },
    {
        "selector": "edge",
        "style": {"line-color": "data(colour)", "width": "data(width)", "curve-style": "bezier", "opacity": 0.8},
    },
    {"selector": "edge[dashed = 1]", "style": {"line-style": "dashed"}},
]


def layout(
    data: DataAccess,
    node: str | None = None,
    technology: str | None = None,
    hops: str | None = None,
    communities: str | None = None,
    **_ignored: Any,
) -> html.Div:
    """The network page for ``?node=authority:kent&technology=&hops=1``."""
    options = data.node_choices()
    known = {o["value"] for o in options}
    default = f"technology:{data.default_technology()}"
    technology_choices = data.technology_choices()
    return html.Div(
        [
            html.Div(
                [
                    html.Label(
                        [
                            "Centre",
                            dcc.Dropdown(
                                id=NetworkIds.NODE,
                                options=options,
                                value=node if node in known else default,
                                clearable=False,
                            ),
                        ],
                        style={"flex": "2 1 320px"},
                    ),
                    html.Label(
                        [
                            "Only technology",
                            dcc.Dropdown(
                                id=NetworkIds.TECHNOLOGY,
                                options=technology_choices,
                                value=views.offered_technology(technology_choices, technology, None),
                                placeholder="all technologies",
                            ),
                        ],
                        style={"flex": "2 1 320px"},
                    ),
                    html.Label(
                        [
                            "Hops",
                            dcc.RadioItems(
                                id=NetworkIds.HOPS, options=[1, 2], value=2 if hops == "2" else 1, inline=True
                            ),
                        ],
                        style={"flex": "0 1 120px"},
                    ),
                    dcc.Checklist(
                        id=NetworkIds.COMMUNITIES,
                        options=[{"label": " Colour authorities by agreement community", "value": "on"}],
                        value=["on"] if communities == "on" else [],
                        style={"flex": "1 1 260px"},
                    ),
                ],
                style={"display": "flex", "gap": "12px", "flexWrap": "wrap", "alignItems": "flex-end"},
            ),
            html.P(id=NetworkIds.NOTE, style={"fontSize": "13px", "color": "#444"}),
            legend(),
            cyto.Cytoscape(
                id=NetworkIds.GRAPH,
                elements=[],
                stylesheet=STYLESHEET,
                layout={"name": "concentric", "animate": False, "minNodeSpacing": 34},  # room for two-line labels
                style={"width": "100%", "height": "860px", "border": "1px solid #DDD"},
            ),
        ]
    )


def legend() -> html.Div:
    edges = [
        html.Span(
            [
                html.Span("━━ ", style={"color": colour, "fontWeight": "900"}),
                f"{STANCE_MARKS[ANSWER_STANCE_LOOK[stance]]} {ANSWER_STANCE_LABELS[stance]}",
            ],
            style={"marginRight": "14px"},
        )
        for stance, colour in EDGE_STANCE_COLOURS.items()
    ]
    nodes = [
        html.Span(f"{shape.replace('-', ' ')}: {kind}", style={"marginRight": "14px"})
        for kind, (shape, _) in KIND_STYLE.items()
    ]
    return html.Div(
        [
            html.Div(["Answers: "] + edges),
            html.Div(["Shapes: "] + nodes),
            html.Div("Dashed: evidence links (a disclosure bearing on an NCND)."),
        ],
        style={"fontSize": "12px", "color": "#333", "marginBottom": "6px"},
    )


def drawn_edges(graph: Any, limit: int = EDGE_LIMIT) -> Any:
    """The edges worth drawing: those that lead outwards from the centre (touching it, or joining a node
    to one a hop further out), heaviest first, up to ``limit``.

    Links between two nodes at the same distance (two peers' evidence, two forces' answers on a product
    both answered) are left out: they say little about the centre and turn the picture into a hairball.
    """
    distance = graph.nodes.select("node_id", "distance")
    outward = (
        graph.edges.join(
            distance.rename({"node_id": "source", "distance": "_source_distance"}), on="source", how="left"
        )
        .join(distance.rename({"node_id": "target", "distance": "_target_distance"}), on="target", how="left")
        .filter((pl.col("_source_distance") - pl.col("_target_distance")).abs() == 1)
    )
    touches = (pl.col("_source_distance") == 0) | (pl.col("_target_distance") == 0)
    return (
        outward.sort(touches, pl.col("count").fill_null(1), "edge_id", descending=[True, True, False])
        .head(limit)
        .drop("_source_distance", "_target_distance")
    )


def elements(graph: Any, edges: Any, communities: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """Cytoscape elements for a neighbourhood (nodes sized by answers, edges coloured by stance; with
    ``communities``, authorities coloured and labelled by their agreement community)."""
    nodes = graph.nodes.select("node_id", "label", "kind", "entity_id", "distance", "response_count").to_dicts()
    result = []
    for n in nodes:
        item = {
            "id": n["node_id"],
            "label": n["label"],
            "kind": n["kind"],
            "distance": n["distance"] or 0,
            "size": 18 + 6 * math.log1p(n["response_count"] or 0),
        }
        community = (communities or {}).get(n["entity_id"]) if n["kind"] == "authority" else None
        if community is not None:
            item["label"] = f"{n['label']} [C{community}]"
            item["community_colour"] = COMMUNITY_COLOURS[(community - 1) % len(COMMUNITY_COLOURS)]
        result.append({"data": item})
    for e in edges.select("edge_id", "source", "target", "relation", "stance", "count").to_dicts():
        colour = EDGE_STANCE_COLOURS.get(e["stance"] or "", "#BBBBBB")
        result.append(
            {"data": {"id": e["edge_id"], "source": e["source"], "target": e["target"], "relation": e["relation"], "colour": colour,
                      "width": 1 + math.log1p(e["count"] or 1), "dashed": 1 if e["relation"] == "evidence_for" else 0}}
        )  # fmt: skip
    return result


def update_network(
    data: DataAccess, node_id: str, technology_id: str | None, hops: int, show_communities: bool = False
) -> tuple[list[dict[str, Any]], str]:
    """Elements and a note for the chosen centre (or the one-line reason it cannot be drawn)."""
    from mosaic.graph import neighbourhood

    whole = data.graph()
    try:
        view = neighbourhood(
            whole,
            node_id,
            hops=int(hops or 1),
            technology_ids=[technology_id] if technology_id else None,
            limit=NODE_LIMIT,
        )
    except MosaicError as exc:
        return [], str(exc)
    omitted = (
        f"; {view.omitted_node_count} more nodes left out (showing the {NODE_LIMIT} most connected)"
        if view.omitted_node_count
        else ""
    )
    edges = drawn_edges(view)
    community_note, communities = "", None
    if show_communities:
        members = data.communities(technology_id)
        communities = dict(members.select("authority_id", "community").iter_rows())
        sizes = members.group_by("community").len().sort("community")
        community_note = (
            " Agreement communities (authorities that tend to answer alike; C1 the largest): "
            + ", ".join(f"C{c} {n}" for c, n in sizes.iter_rows())
            + "."
        )
    links = (
        f"{view.edges.height} links"
        if edges.height == view.edges.height
        else f"{view.edges.height} links ({edges.height} drawn: those leading outwards from the centre)"
    )
    return (
        elements(view, edges, communities),
        f"{view.nodes.height} nodes and {links} within {hops} hop(s){omitted}. Repeated answers between the same two nodes are drawn once, in the latest stance.{community_note}",
    )


def register_callbacks(app: Dash, data: DataAccess) -> None:
    @app.callback(
        Output(NetworkIds.GRAPH, "elements"),
        Output(NetworkIds.NOTE, "children"),
        Input(NetworkIds.NODE, "value"),
        Input(NetworkIds.TECHNOLOGY, "value"),
        Input(NetworkIds.HOPS, "value"),
        Input(NetworkIds.COMMUNITIES, "value"),
    )
    def _network(node_id, technology_id, hops, communities):
        return update_network(data, node_id, technology_id, hops, "on" in (communities or []))

    app.clientside_callback(
        """
        function(node, technology, hops, communities) {
            const params = new URLSearchParams();
            if (node) { params.set('node', node); }
            if (technology) { params.set('technology', technology); }
            if (hops && hops !== 1) { params.set('hops', hops); }
            if (communities && communities.length) { params.set('communities', 'on'); }
            window.history.replaceState(null, '', window.location.pathname + '?' + params.toString());
        }
        """,
        Input(NetworkIds.NODE, "value"),
        Input(NetworkIds.TECHNOLOGY, "value"),
        Input(NetworkIds.HOPS, "value"),
        Input(NetworkIds.COMMUNITIES, "value"),
    )
