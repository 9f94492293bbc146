"""The disclosure graph: authorities, technologies, vendors, exemptions, regions and requests.

The graph is two polars frames (``GraphFrames``: ``nodes`` and ``edges``, schemas in ``frames.py``), built
by ``build_graph`` without Python loops over responses. Views are frame operations: ``restrict`` /
``as_of_view`` (what was public on a date, one technology), ``neighbourhood`` (one node within a hop or
two, capped for drawing). ``agreement_projection`` and ``national_line`` compare authorities' latest
answers. ``to_networkx`` is the one adapter to networkx; ``write_graph`` exports GraphML, GEXF and
node-link JSON with attribute values legal in each (see ``export.py`` for the encoding).

Public API:

* ``build_graph``, ``restrict``, ``as_of_view``, ``technology_scope``, ``EVIDENCE_CHECKS``
* ``GraphFrames``, ``NodeKind``, ``Relation``, ``NODE_SCHEMA``, ``EDGE_SCHEMA``, ``NODE_COLUMNS``,
  ``EDGE_COLUMNS``, ``DATED_RELATIONS``, ``validate``
* ``neighbourhood``, ``resolve_node``
* ``agreement_projection``, ``AgreementProjection``, ``national_line``, ``latest_answers``
* ``to_networkx``, ``graph_bytes``, ``write_graph``, ``read_graph``, ``decode_attributes``, ``FORMATS``,
  ``LIST_SEPARATOR``
"""

from mosaic.graph.agreement import AgreementProjection, agreement_projection, latest_answers, national_line
from mosaic.graph.build import EVIDENCE_CHECKS, as_of_view, build_graph, evidence_findings, restrict, technology_scope
from mosaic.graph.export import (
    FORMATS,
    LIST_SEPARATOR,
    decode_attributes,
    graph_bytes,
    read_graph,
    to_networkx,
    write_graph,
)
from mosaic.graph.frames import (
    DATED_RELATIONS,
    EDGE_COLUMNS,
    EDGE_SCHEMA,
    NODE_COLUMNS,
    NODE_SCHEMA,
    GraphFrames,
    NodeKind,
    Relation,
    validate,
)
from mosaic.graph.views import neighbourhood, resolve_node

__all__ = [
    "AgreementProjection", "agreement_projection", "latest_answers", "national_line",
    "EVIDENCE_CHECKS", "as_of_view", "build_graph", "evidence_findings", "restrict", "technology_scope",
    "FORMATS", "LIST_SEPARATOR", "decode_attributes", "graph_bytes", "read_graph", "to_networkx", "write_graph",
    "DATED_RELATIONS", "EDGE_COLUMNS", "EDGE_SCHEMA", "NODE_COLUMNS", "NODE_SCHEMA", "GraphFrames", "NodeKind",
    "Relation", "validate", "neighbourhood", "resolve_node",
]  # fmt: skip
