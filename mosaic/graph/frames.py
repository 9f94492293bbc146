"""The graph's data contract: two polars frames, ``nodes`` and ``edges``, with every column declared once.

Why frames and not a networkx graph: a million responses make a million ``responded`` edges, and polars
filters, joins and aggregates them in milliseconds, where building a networkx graph of them takes seconds
and a gigabyte. So the graph *is* the two frames; views (as of a date, one technology, a neighbourhood)
are frame operations, and networkx (``to_networkx``) is one adapter used for algorithms and exports.

Every node and edge has the same columns; a column that does not apply to a kind or relation is null.
Ids are prefixed with the node kind (``authority:kent``, ``technology:clearsight-match``,
``exemption:s24(2)``, ``region:south-east``, ``vendor:acme-ltd``, ``request:SYN-2019-01``) so the kinds
share one id space without collisions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from mosaic.errors import SchemaError


class NodeKind(StrEnum):
    """What a node stands for."""

    AUTHORITY = "authority"
    """A public authority (register entry, or ``unresolved:<slug>`` as it appears in the responses)."""
    TECHNOLOGY = "technology"
    """A category, product or variant of the taxonomy (or an unresolved technology from the responses)."""
    VENDOR = "vendor"
    """The maker of a product."""
    EXEMPTION = "exemption"
    """A normalised exemption code such as ``s24(2)``."""
    REGION = "region"
    """A region of the authority register (e.g. South East)."""
    REQUEST = "request"
    """A request reference (often one round-robin question sent to many authorities)."""


class Relation(StrEnum):
    """What an edge says. Direction is source -> target as written below."""

    RESPONDED = "responded"
    """authority -> technology: one per response, with its stance, outcome, date and source."""
    CITED = "cited"
    """authority -> exemption: how many of the authority's responses cited the code (an aggregate)."""
    BORDERS = "borders"
    """authority -> authority: land neighbours; symmetric, stored once per pair (source id < target id)."""
    IN_REGION = "in_region"
    """authority -> region."""
    IS_A = "is_a"
    """technology -> its parent technology (variant -> product -> category -> broader category)."""
    MADE_BY = "made_by"
    """technology (product or variant) -> vendor."""
    ASKED = "asked"
    """request -> authority: the request was put to the authority (one per distinct pair)."""
    ABOUT = "about"
    """request -> technology: the request asked about the technology (one per distinct pair)."""
    EVIDENCE_FOR = "evidence_for"
    """authority -> authority: a disclosure by the source bears on an NCND by the target (self-loop for
    self-acknowledgment); from the ``peer_disclosure`` and ``self_acknowledgment`` findings."""


#: Relations whose edges became public on a date (``public_on``); the others are timeless facts of the
#: registers. An as-of view keeps a dated edge only when ``public_on`` is known and on or before the date.
DATED_RELATIONS: tuple[str, ...] = (
    Relation.RESPONDED.value, Relation.CITED.value, Relation.ASKED.value, Relation.ABOUT.value,
    Relation.EVIDENCE_FOR.value,
)  # fmt: skip

#: Node columns: name -> (dtype, meaning). ``node_id``, ``kind`` and ``label`` are never null.
NODE_COLUMNS: dict[str, tuple[pl.DataType, str]] = {
    "node_id": (pl.String(), "Unique id: the kind, a colon, and the id within the kind (authority:kent)."),
    "kind": (pl.String(), "NodeKind: authority, technology, vendor, exemption, region or request."),
    "label": (pl.String(), "Display name: register or taxonomy name, else the name as given."),
    "entity_id": (
        pl.String(),
        "The id within its kind: authority_id, technology_id, exemption code, region or vendor name, request reference.",
    ),
    "authority_kind": (pl.String(), "Authority: register kind (territorial_force, national_body...)."),
    "country": (pl.String(), "Authority: country."),
    "region": (pl.String(), "Authority: region name."),
    "hex_col": (pl.Int64(), "Authority: column of its hexagon-cartogram cell."),
    "hex_row": (pl.Int64(), "Authority: row of its hexagon-cartogram cell."),
    "centroid_lat": (pl.Float64(), "Authority: latitude of the area's centroid."),
    "centroid_lon": (pl.Float64(), "Authority: longitude of the area's centroid."),
    "level": (pl.String(), "Technology: category, product or variant (null when not in the taxonomy)."),
    "category": (pl.String(), "Technology: taxonomy path of ids, broadest first, joined by ' > '."),
    "vendor": (pl.String(), "Technology: the product's vendor."),
    "is_synthetic": (pl.Boolean(), "Technology: a fictional product of the synthetic sample."),
    "is_ncnd_limb": (pl.Boolean(), "Exemption: the code excludes the duty to confirm or deny (s24(2), s23(5)...)."),
    "is_registered": (pl.Boolean(), "Authority/technology: in the register or taxonomy (false for unresolved:<slug>)."),
    "public_on": (pl.Date(), "Request: the earliest date by which it had certainly been asked."),
    "response_count": (
        pl.Int64(),
        "Authority, technology, exemption, request: responded edges in this view that touch it (exemption: responses citing it).",
    ),
    "distance": (pl.Int64(), "neighbourhood: hops from the centre node (0 for the centre); null in other views."),
}

#: Edge columns: name -> (dtype, meaning). ``edge_id``, ``source``, ``target`` and ``relation`` are never null.
EDGE_COLUMNS: dict[str, tuple[pl.DataType, str]] = {
    "edge_id": (pl.String(), "Unique id (the networkx multigraph key): the relation and what identifies the edge."),
    "source": (pl.String(), "node_id of the source."),
    "target": (pl.String(), "node_id of the target."),
    "relation": (
        pl.String(),
        "Relation: responded, cited, borders, in_region, is_a, made_by, asked, about, evidence_for.",
    ),
    "date": (pl.Date(), "responded/evidence_for: the response or disclosure date as given (first day of its period)."),
    "date_precision": (pl.String(), "responded: precision of date (day, month or year)."),
    "public_on": (
        pl.Date(),
        "Dated relations: the first day the fact was certainly public (end of the date's period; for cited/asked/about the earliest such day); null for register facts.",
    ),
    "response_id": (
        pl.String(),
        "responded: the response; evidence_for: the disclosure's response (its responded edge has the outcome, exemptions and source type).",
    ),
    "request_id": (pl.String(), "responded/asked/about: the request reference."),
    "technology_id": (
        pl.String(),
        "responded: the technology answered about; evidence_for: the technology the disclosure was about.",
    ),
    "stance": (pl.String(), "responded/evidence_for: confirm, deny, ncnd or unknown."),
    "outcome": (pl.String(), "responded: what the letter did (Outcome)."),
    "exemptions": (pl.List(pl.String()), "responded: exemption codes cited, sorted."),
    "source_url": (pl.String(), "responded/evidence_for: where the answer can be read."),
    "source_type": (pl.String(), "responded: kind of source (decides the evidence grade)."),
    "ncnd_response_id": (pl.String(), "evidence_for: the NCND response the disclosure bears on."),
    "ncnd_technology_id": (pl.String(), "evidence_for: the technology of that NCND."),
    "evidence_relation": (
        pl.String(),
        "evidence_for: exact, broader, narrower or sibling (the disclosure's technology against the NCND's).",
    ),
    "grade": (pl.String(), "evidence_for: official_self, official_linked, official_peer or unofficial."),
    "check": (pl.String(), "evidence_for: the check whose finding listed the evidence."),
    "count": (
        pl.Int64(),
        "cited: responses citing the code; asked: responses to the request; a collapsed neighbourhood edge: edges it stands for.",
    ),
    "ncnd_count": (pl.Int64(), "cited: of those, NCND responses."),
}

NODE_SCHEMA = pl.Schema({name: dtype for name, (dtype, _) in NODE_COLUMNS.items()})
EDGE_SCHEMA = pl.Schema({name: dtype for name, (dtype, _) in EDGE_COLUMNS.items()})
_REQUIRED_NODE = ("node_id", "kind", "label")
_REQUIRED_EDGE = ("edge_id", "source", "target", "relation")


@dataclass(frozen=True, eq=False)
class GraphFrames:
    """The disclosure graph (or a view of it) as two frames with ``NODE_SCHEMA`` and ``EDGE_SCHEMA``.

    Attributes:
        nodes: one row per node; ``node_id`` unique.
        edges: one row per edge; ``edge_id`` unique; ``source`` and ``target`` are node ids in ``nodes``.
        as_of: the date the view was restricted to (None: everything).
        technology_ids: the technologies the view was restricted to (None: all).
        omitted_node_count: nodes a limited view (``neighbourhood``) left out.
    """

    nodes: pl.DataFrame
    edges: pl.DataFrame
    as_of: dt.date | None = None
    technology_ids: tuple[str, ...] | None = None
    omitted_node_count: int = 0

    def __post_init__(self) -> None:
        for name, frame, schema in (("nodes", self.nodes, NODE_SCHEMA), ("edges", self.edges, EDGE_SCHEMA)):
            if frame.schema != schema:
                problems = [
                    f"{col} {'missing' if col not in frame.schema else f'is {frame.schema[col]}, expected {dtype}'}"
                    for col, dtype in schema.items()
                    if frame.schema.get(col) != dtype
                ] + [f"unexpected {col}" for col in frame.columns if col not in schema]
                raise SchemaError(f"graph {name} do not match their schema: " + "; ".join(problems))

    def count(self, relation: str | None = None, kind: str | None = None) -> int:
        """Number of edges of ``relation`` (or nodes of ``kind``); both None: all edges."""
        if kind is not None:
            return self.nodes.filter(pl.col("kind") == kind).height
        if relation is None:
            return self.edges.height
        return self.edges.filter(pl.col("relation") == relation).height


def conform(frame: pl.DataFrame | pl.LazyFrame, schema: pl.Schema) -> pl.LazyFrame:
    """Add the schema's missing columns as nulls, cast, and order them (frames built per relation)."""
    lazy = frame.lazy()
    present = lazy.collect_schema()
    unknown = [c for c in present.names() if c not in schema]
    if unknown:
        raise SchemaError(f"graph frame has unknown column(s): {', '.join(unknown)}")
    return lazy.select(
        (pl.col(name).cast(dtype) if name in present else pl.lit(None, dtype)).alias(name)
        for name, dtype in schema.items()
    )


def empty_nodes() -> pl.DataFrame:
    """An empty nodes frame."""
    return pl.DataFrame(schema=NODE_SCHEMA)


def empty_edges() -> pl.DataFrame:
    """An empty edges frame."""
    return pl.DataFrame(schema=EDGE_SCHEMA)


def validate(graph: GraphFrames) -> GraphFrames:
    """Check the invariants the schema cannot express; raise ``SchemaError`` naming the first broken one.

    Unique node and edge ids, required cells present, and every edge's ends among the nodes. Used by the
    builders and by tests; cheap (a few vectorised passes).
    """
    nodes, edges = graph.nodes, graph.edges
    for name, frame, required, key in (
        ("nodes", nodes, _REQUIRED_NODE, "node_id"),
        ("edges", edges, _REQUIRED_EDGE, "edge_id"),
    ):
        for column in required:
            if frame.get_column(column).null_count():
                raise SchemaError(f"graph {name}: {column} has nulls")
        if frame.get_column(key).n_unique() != frame.height:
            dup = frame.filter(pl.col(key).is_duplicated()).item(0, key)
            raise SchemaError(f"graph {name}: {key} {dup!r} is not unique")
    ends = pl.concat([edges.get_column("source"), edges.get_column("target")]).unique()
    dangling = ends.filter(~ends.is_in(nodes.get_column("node_id").implode()))
    if dangling.len():
        raise SchemaError(f"graph edges: end {dangling.sort().item(0)!r} is not a node")
    return graph
