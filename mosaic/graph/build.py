"""Build the disclosure graph from the analysis inputs, and restrict it to a date or to technologies.

Every edge family is one polars query over the responses (or the registers, or the findings); nothing
loops over responses in Python. The graph holds:

* register facts, true whatever the date: authorities ``in_region`` regions and ``borders`` land
  neighbours; technologies ``is_a`` their parent and are ``made_by`` vendors;
* one ``responded`` edge per response (authority -> technology), with its stance, outcome, date,
  exemptions, source and ids, and the request it answered (``asked``, ``about``);
* ``cited`` edges, authority -> exemption, one per pair with the number of responses citing the code.
  Why an aggregate rather than one edge per (response, exemption): responses are edges here, not nodes,
  so a per-response citation would need a million extra nodes; the per-response codes are on each
  ``responded`` edge already (``exemptions``), and the aggregate is what a network view shows (which
  authorities lean on which codes). Views recompute it from the ``responded`` edges they keep, so a
  ``cited`` count is always the count within the view;
* ``evidence_for`` edges from the ``peer_disclosure`` and ``self_acknowledgment`` findings: one per piece
  of evidence, from the disclosing authority to the NCND's authority (a self-loop for self-acknowledgment).

Dates: each dated edge has ``public_on``, the first day its fact was certainly public (the end of a month-
or year-precision date's period, as the analyses use; for evidence, the later of the disclosure and the
NCND). An as-of view keeps dated edges with ``public_on`` on or before the date, and drops dated edges
whose date is unknown (they cannot be shown to have been public).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from mosaic.analyses import AnalysisInputs, all_checks, empty_findings, run_checks
from mosaic.errors import MappingError
from mosaic.graph.frames import (
    DATED_RELATIONS,
    EDGE_SCHEMA,
    NODE_SCHEMA,
    GraphFrames,
    NodeKind,
    Relation,
    conform,
)
from mosaic.normalise.dates import period_end
from mosaic.normalise.exemptions import NCND_LIMBS
from mosaic.normalise.names import closest
from mosaic.registry import CATEGORY_SEPARATOR
from mosaic.schema import Stance

#: The checks whose findings become ``evidence_for`` edges.
EVIDENCE_CHECKS: tuple[str, ...] = ("peer_disclosure", "self_acknowledgment")
#: Stand-in id for a response that names no authority or technology (ingest quarantines those, so this
#: only guards hand-made frames): the response still gets its edge.
UNNAMED = "unresolved:unnamed"


def _prefixed(kind: NodeKind, column: str | pl.Expr) -> pl.Expr:
    expr = pl.col(column) if isinstance(column, str) else column
    return pl.concat_str(pl.lit(f"{kind.value}:"), expr)


def _slug(column: str) -> pl.Expr:
    """Lower-case, hyphen-separated form of a name, for vendor and region ids."""
    return pl.col(column).str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]+", "-").str.strip_chars("-")


def evidence_findings(inputs: AnalysisInputs) -> pl.DataFrame:
    """Run the checks that produce ``evidence_for`` edges (those registered so far) on all responses."""
    registered = all_checks()
    ids = [check for check in EVIDENCE_CHECKS if check in registered]
    return run_checks(inputs, ids) if ids else empty_findings()


def build_graph(
    inputs: AnalysisInputs,
    *,
    as_of: dt.date | None = None,
    technology_ids: Sequence[str] | None = None,
    findings: pl.DataFrame | None = None,
) -> GraphFrames:
    """Build the disclosure graph: authorities, technologies, vendors, exemptions, regions and requests.

    Args:
        inputs: responses and registers.
        as_of: keep only what was public on this date (see ``restrict``).
        technology_ids: keep only these technologies and everything below them in the taxonomy.
        findings: findings of ``peer_disclosure``/``self_acknowledgment`` (other checks' rows are
            ignored); None runs those checks here. Pass ``empty_findings()`` to leave evidence out.

    Returns:
        A ``GraphFrames`` whose frames follow ``NODE_SCHEMA`` and ``EDGE_SCHEMA``.

    Raises:
        MappingError: a technology id that is not in the graph (the message names close ones).

    Example:
        >>> from mosaic.analyses import AnalysisInputs, empty_findings
        >>> from mosaic.schema import empty_table
        >>> graph = build_graph(AnalysisInputs.from_responses(empty_table("responses")), findings=empty_findings())
        >>> graph.count(kind="authority")
        91
    """
    if findings is None:
        findings = evidence_findings(inputs)
    full = _build(inputs, findings)
    if as_of is None and not technology_ids:
        return full
    return restrict(full, as_of=as_of, technology_ids=technology_ids)


def as_of_view(graph: GraphFrames, as_of: dt.date) -> GraphFrames:
    """The graph as it stood on ``as_of``: later responses, requests, citations and evidence dropped."""
    return restrict(graph, as_of=as_of)


def restrict(
    graph: GraphFrames, *, as_of: dt.date | None = None, technology_ids: Sequence[str] | None = None
) -> GraphFrames:
    """Restrict a graph to a date and/or to technologies, recomputing the aggregates it holds.

    Rules: dated edges (``DATED_RELATIONS``) are kept when ``public_on <= as_of``; with technologies,
    ``responded``/``about`` edges to technologies in scope (the ids and their descendants), the requests
    about them (``asked``), ``evidence_for`` edges whose NCND is in scope, and the taxonomy around the
    scope (its ``is_a`` chain up to the root and the vendors) are kept. ``cited`` counts are recomputed
    from the ``responded`` edges kept. Register authorities and regions always stay (the map's frame);
    requests, exemptions, vendors and unresolved entries stay only while an edge touches them.
    Restricting an already restricted view narrows it further (``as_of`` never widens it).
    """
    if as_of is None and not technology_ids:
        return graph
    if graph.as_of is not None and as_of is not None:
        as_of = min(as_of, graph.as_of)
    as_of = as_of if as_of is not None else graph.as_of
    scope_ids = tuple(sorted(set(technology_ids or ()) | set(graph.technology_ids or ()))) or None
    edges, keep_technologies = filtered_edges(graph, as_of=as_of, technology_ids=technology_ids)
    edges_frame = edges.collect()
    edges_frame = pl.concat([edges_frame, cited_edges(edges_frame)])
    return _finish(graph.nodes, edges_frame, as_of=as_of, technology_ids=scope_ids, keep_technologies=keep_technologies)


def filtered_edges(
    graph: GraphFrames, *, as_of: dt.date | None = None, technology_ids: Sequence[str] | None = None
) -> tuple[pl.LazyFrame, pl.Series | None]:
    """The graph's edges kept by a date and technology filter (see ``restrict``), without ``cited``.

    Returns the edges (lazy, for the caller to narrow further before collecting) and, with technologies,
    the technology node ids the view keeps (scope plus ancestors); None without.
    """
    edges = graph.edges.lazy().filter(pl.col("relation") != Relation.CITED.value)
    if as_of is not None:
        edges = edges.filter(~pl.col("relation").is_in(DATED_RELATIONS) | (pl.col("public_on") <= as_of))
    if not technology_ids:
        return edges, None
    scope, keep_technologies = technology_scope(graph, technology_ids)
    relation = pl.col("relation")
    in_scope_requests = (
        edges.filter((relation == Relation.ABOUT.value) & pl.col("target").is_in(scope.implode()))
        .select("source")
        .unique()
        .collect()
        .get_column("source")
    )
    edges = edges.filter(
        pl.when(relation.is_in([Relation.RESPONDED.value, Relation.ABOUT.value]))
        .then(pl.col("target").is_in(scope.implode()))
        .when(relation == Relation.EVIDENCE_FOR.value)
        .then(_prefixed(NodeKind.TECHNOLOGY, "ncnd_technology_id").is_in(scope.implode()))
        .when(relation.is_in([Relation.IS_A.value, Relation.MADE_BY.value]))
        .then(pl.col("source").is_in(keep_technologies.implode()))
        .when(relation == Relation.ASKED.value)
        .then(pl.col("source").is_in(in_scope_requests.implode()))
        .otherwise(True)
    )
    return edges, keep_technologies


def technology_scope(graph: GraphFrames, technology_ids: Sequence[str]) -> tuple[pl.Series, pl.Series]:
    """Node ids of the technologies in scope (the ids and everything below them), and of those plus
    everything above them, following the graph's ``is_a`` edges: a variant that also sits under a second
    category (``also_under`` in the taxonomy: NEC NeoFace Live under live facial recognition) is below it.

    Ids may be given bare (``clearsight-match``) or as node ids (``technology:clearsight-match``).

    Raises:
        MappingError: an id that is not a technology of the graph (naming close ones).
    """
    prefix = f"{NodeKind.TECHNOLOGY.value}:"
    known = graph.nodes.filter(pl.col("kind") == NodeKind.TECHNOLOGY.value).get_column("entity_id").to_list()
    wanted = [str(t).removeprefix(prefix) for t in technology_ids]
    for technology_id in wanted:
        if technology_id not in known:
            close = closest(technology_id, {k: k for k in known})
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise MappingError(f"unknown technology {technology_id!r}{hint}")
    links = graph.edges.filter(pl.col("relation") == Relation.IS_A.value).select("source", "target").rows()
    children: dict[str, set[str]] = {}
    parents: dict[str, set[str]] = {}
    for child, parent in links:  # a taxonomy: a few hundred links at most
        children.setdefault(parent, set()).add(child)
        parents.setdefault(child, set()).add(parent)

    def closure(start: set[str], step: dict[str, set[str]]) -> set[str]:
        found, frontier = set(start), set(start)
        while frontier:
            frontier = {n for node in frontier for n in step.get(node, ())} - found
            found |= frontier
        return found

    scope = closure({prefix + t for t in wanted}, children)
    keep = closure(scope, parents)
    return pl.Series("node_id", sorted(scope), dtype=pl.String), pl.Series("node_id", sorted(keep), dtype=pl.String)


# --- building ----------------------------------------------------------------------------------------


def _build(inputs: AnalysisInputs, findings: pl.DataFrame) -> GraphFrames:
    # the taxonomy's path is authoritative for its ids; a response's own path places unresolved ones
    taxonomy_paths = inputs.technologies.lazy().select("technology_id", pl.col("category").alias("_taxonomy_path"))
    events = (
        inputs.with_details(inputs.events, ["request_id"])  # request nodes (a ``for_checks`` read lacks the ids)
        .lazy()
        .with_columns(pl.col("authority_id").fill_null(UNNAMED), pl.col("technology_id").fill_null(UNNAMED))
        .join(taxonomy_paths, on="technology_id", how="left", maintain_order="left")
        .with_columns(pl.coalesce("_taxonomy_path", "category", "technology_id").alias("category"))
        .drop("_taxonomy_path")
    )
    authorities = inputs.authorities.lazy()
    paths = _technology_paths(inputs.technologies, events)
    # every node comes from the registers or the responses, so only evidence (from findings that may name
    # authorities absent here) could point outside the graph: such items are dropped, not given nodes
    known_authorities = pl.concat(
        [
            inputs.authorities.get_column("authority_id"),
            events.select(pl.col("authority_id").unique()).collect().get_column("authority_id"),
        ]
    ).unique()
    responded = _responded_edges(events).collect()
    edge_parts = [
        responded,
        cited_edges(responded),
        _register_edges(authorities),
        _taxonomy_edges(inputs.technologies, events, paths),
        _request_edges(events),
        _evidence_edges(findings, events, known_authorities),
    ]
    edges = pl.concat([conform(part, EDGE_SCHEMA).collect() for part in edge_parts])
    nodes = pl.concat(
        [
            conform(part, NODE_SCHEMA).collect()
            for part in (
                _authority_nodes(authorities, events),
                _technology_nodes(inputs.technologies, events, paths),
                _vendor_nodes(inputs.technologies, events),
                _region_nodes(authorities),
                _exemption_nodes(events),
                _request_nodes(events),
            )
        ]
    )
    return _finish(nodes, edges, as_of=None, technology_ids=None, keep_technologies=None, prune=False)


def _responded_edges(events: pl.LazyFrame) -> pl.LazyFrame:
    return conform(
        events.select(
            pl.concat_str(pl.lit(f"{Relation.RESPONDED.value}:"), "response_id").alias("edge_id"),
            _prefixed(NodeKind.AUTHORITY, "authority_id").alias("source"),
            _prefixed(NodeKind.TECHNOLOGY, "technology_id").alias("target"),
            pl.lit(Relation.RESPONDED.value).alias("relation"),
            pl.col("response_date").alias("date"),
            pl.col("response_date_precision").alias("date_precision"),
            pl.col("response_end").alias("public_on"),
            "response_id",
            "request_id",
            "technology_id",
            "stance",
            "outcome",
            "exemptions",
            "source_url",
            "source_type",
        ),  # fmt: skip
        EDGE_SCHEMA,
    )


def cited_edges(edges: pl.DataFrame) -> pl.DataFrame:
    """The ``cited`` aggregate (authority -> exemption, with counts) of the ``responded`` edges given."""
    return conform(
        edges.lazy()
        .filter(pl.col("relation") == Relation.RESPONDED.value)
        .select("source", "exemptions", "stance", "public_on")
        .explode("exemptions")
        .drop_nulls("exemptions")
        .group_by("source", "exemptions", maintain_order=True)
        .agg(
            pl.len().cast(pl.Int64).alias("count"),
            (pl.col("stance") == Stance.NCND.value).sum().cast(pl.Int64).alias("ncnd_count"),
            pl.col("public_on").min(),
        )
        .select(
            pl.concat_str(pl.lit(f"{Relation.CITED.value}:"), "source", pl.lit("|"), "exemptions").alias("edge_id"),
            "source",
            _prefixed(NodeKind.EXEMPTION, "exemptions").alias("target"),
            pl.lit(Relation.CITED.value).alias("relation"),
            "public_on",
            "count",
            "ncnd_count",
        ),  # fmt: skip
        EDGE_SCHEMA,
    ).collect()


def _register_edges(authorities: pl.LazyFrame) -> pl.LazyFrame:
    borders = (
        authorities.select("authority_id", pl.col("neighbours").alias("neighbour_id"))
        .explode("neighbour_id")
        .drop_nulls()
        .select(
            pl.min_horizontal("authority_id", "neighbour_id").alias("a"),
            pl.max_horizontal("authority_id", "neighbour_id").alias("b"),
        )
        .filter(pl.col("a") != pl.col("b"))
        .unique()
        .select(
            pl.concat_str(pl.lit(f"{Relation.BORDERS.value}:"), "a", pl.lit("|"), "b").alias("edge_id"),
            _prefixed(NodeKind.AUTHORITY, "a").alias("source"),
            _prefixed(NodeKind.AUTHORITY, "b").alias("target"),
            pl.lit(Relation.BORDERS.value).alias("relation"),
        )
    )
    in_region = authorities.drop_nulls("region").select(
        pl.concat_str(pl.lit(f"{Relation.IN_REGION.value}:"), "authority_id").alias("edge_id"),
        _prefixed(NodeKind.AUTHORITY, "authority_id").alias("source"),
        _prefixed(NodeKind.REGION, _slug("region")).alias("target"),
        pl.lit(Relation.IN_REGION.value).alias("relation"),
    )
    return pl.concat([borders, in_region])


def _technology_paths(technologies: pl.DataFrame, events: pl.LazyFrame) -> pl.DataFrame:
    """Every technology id on any taxonomy or response path, with its own path and its parent.

    Unresolved products sit under the technology the row named (``facial-recognition > unresolved:x``),
    and an unknown technology can head its own path, so the ids come from the paths, not the taxonomy.
    """
    # sorted, so that an unresolved id found under two paths always takes the same (first) one
    categories = (
        pl.concat([technologies.lazy().select("category"), events.select("category")])
        .unique()
        .drop_nulls()
        .sort("category")
    )
    return (
        categories.with_row_index("_p")
        .with_columns(pl.col("category").str.split(CATEGORY_SEPARATOR).alias("technology_id"))
        .explode("technology_id")
        .with_columns(pl.int_range(pl.len()).over("_p").alias("_pos"))
        .with_columns(
            (
                pl.col("technology_id").str.len_chars().cum_sum().over("_p") + len(CATEGORY_SEPARATOR) * pl.col("_pos")
            ).alias("_end"),
            pl.col("technology_id").shift(1).over("_p").alias("parent_id"),
        )
        .select("technology_id", pl.col("category").str.slice(0, pl.col("_end")).alias("path"), "parent_id")
        .unique("technology_id", keep="first")
        .sort("technology_id")
        .collect()
    )


def _taxonomy_edges(technologies: pl.DataFrame, events: pl.LazyFrame, paths: pl.DataFrame) -> pl.LazyFrame:
    is_a = (
        paths.lazy()
        .drop_nulls("parent_id")
        .select(
            pl.concat_str(pl.lit(f"{Relation.IS_A.value}:"), "technology_id").alias("edge_id"),
            _prefixed(NodeKind.TECHNOLOGY, "technology_id").alias("source"),
            _prefixed(NodeKind.TECHNOLOGY, "parent_id").alias("target"),
            pl.lit(Relation.IS_A.value).alias("relation"),
        )
    )
    if "also_under" in technologies.columns:  # a variant's second category: is_a that one too
        also = (
            technologies.lazy()
            .select("technology_id", pl.col("also_under").alias("parent_id"))
            .explode("parent_id")
            .drop_nulls("parent_id")
            .select(
                pl.concat_str(pl.lit(f"{Relation.IS_A.value}:"), "technology_id", pl.lit("|"), "parent_id").alias(
                    "edge_id"
                ),
                _prefixed(NodeKind.TECHNOLOGY, "technology_id").alias("source"),
                _prefixed(NodeKind.TECHNOLOGY, "parent_id").alias("target"),
                pl.lit(Relation.IS_A.value).alias("relation"),
            )
        )
        is_a = pl.concat([is_a, also])
    made_by = _vendors(technologies, events).select(
        pl.concat_str(pl.lit(f"{Relation.MADE_BY.value}:"), "technology_id", pl.lit("|"), "vendor_slug").alias(
            "edge_id"
        ),
        _prefixed(NodeKind.TECHNOLOGY, "technology_id").alias("source"),
        _prefixed(NodeKind.VENDOR, "vendor_slug").alias("target"),
        pl.lit(Relation.MADE_BY.value).alias("relation"),
    )
    return pl.concat([is_a, made_by])


def _vendors(technologies: pl.DataFrame, events: pl.LazyFrame) -> pl.LazyFrame:
    """(technology_id, vendor, vendor_slug): taxonomy products' vendors, and vendors given for unresolved ones."""
    registered = (
        technologies.lazy().filter(pl.col("level").is_in(["product", "variant"])).select("technology_id", "vendor")
    )
    unregistered = events.join(technologies.lazy().select("technology_id"), on="technology_id", how="anti").select(
        "technology_id", "vendor"
    )
    return (
        pl.concat([registered, unregistered])
        .drop_nulls()
        .with_columns(_slug("vendor").alias("vendor_slug"))
        .filter(pl.col("vendor_slug") != "")
        .unique(["technology_id", "vendor_slug"], keep="first")
    )


def _request_edges(events: pl.LazyFrame) -> pl.LazyFrame:
    requested = events.drop_nulls("request_id")
    parts = []
    for relation, column, kind in (
        (Relation.ASKED, "authority_id", NodeKind.AUTHORITY),
        (Relation.ABOUT, "technology_id", NodeKind.TECHNOLOGY),
    ):
        parts.append(
            requested.group_by("request_id", column, maintain_order=True)
            .agg(pl.len().cast(pl.Int64).alias("count"), pl.col("asked_on").min().alias("public_on"))
            .select(
                pl.concat_str(pl.lit(f"{relation.value}:"), "request_id", pl.lit("|"), column).alias("edge_id"),
                _prefixed(NodeKind.REQUEST, "request_id").alias("source"),
                _prefixed(kind, column).alias("target"),
                pl.lit(relation.value).alias("relation"),
                "public_on",
                "request_id",
                "count",
            )  # fmt: skip
        )
    return pl.concat(parts)


def _evidence_edges(findings: pl.DataFrame, events: pl.LazyFrame, known_authorities: pl.Series) -> pl.LazyFrame:
    """One edge per evidence item of the evidence checks' findings: disclosing authority -> NCND authority.

    The NCND's public date is joined per finding, before the evidence lists are exploded (a million
    responses can carry several million evidence items). Edge ids are ``evidence_for:<check>:<NCND
    response>:<disclosure response>``; a check lists a disclosure once per finding, so they are unique.
    """
    ncnd_end = events.select(pl.col("response_id").alias("ncnd_response_id"), pl.col("response_end").alias("_ncnd_end"))
    per_finding = findings.filter(
        pl.col("check").is_in(EVIDENCE_CHECKS)
        & pl.col("authority_id").is_in(known_authorities.implode())
        & (pl.col("evidence").list.len() > 0)
    ).select(
        "check",
        pl.col("authority_id").alias("_ncnd_authority_id"),
        pl.col("technology_id").alias("ncnd_technology_id"),
        pl.col("response_id").alias("ncnd_response_id"),
        pl.col("response_date").alias("_ncnd_date"),
        "evidence",
    )
    # join the narrow key column only, then attach by position: gathering the nested evidence lists
    # through a join costs seconds at a million responses
    public = (
        per_finding.lazy()
        .select("ncnd_response_id", "_ncnd_date")
        .join(ncnd_end, on="ncnd_response_id", how="left", maintain_order="left")
        .select(pl.coalesce("_ncnd_end", "_ncnd_date").alias("_ncnd_public"))
        .collect()
    )
    per_finding = per_finding.drop("_ncnd_date").hstack(public)
    # the disclosure's outcome, exemptions and source type stay on its own responded edge (response_id):
    # at a million responses there are several million evidence items, and copies would double the graph
    wanted = [
        "authority_id",
        "technology_id",
        "date",
        "date_precision",
        "stance",
        "grade",
        "source_url",
        "relation",
        "response_id",
    ]
    items = (
        per_finding.with_columns(pl.col("evidence").list.eval(pl.struct(pl.element().struct.field(*wanted))))
        .explode("evidence")
        .unnest("evidence")
        .filter(pl.col("authority_id").is_in(known_authorities.implode()))
    )
    return items.lazy().select(
        pl.concat_str(
            pl.lit(f"{Relation.EVIDENCE_FOR.value}:"), "check", pl.lit(":"), pl.col("ncnd_response_id").fill_null(""),
            pl.lit(":"), pl.col("response_id").fill_null(pl.col("authority_id")),
        ).alias("edge_id"),  # fmt: skip
        _prefixed(NodeKind.AUTHORITY, "authority_id").alias("source"),
        _prefixed(NodeKind.AUTHORITY, "_ncnd_authority_id").alias("target"),
        pl.lit(Relation.EVIDENCE_FOR.value).alias("relation"),
        "date",
        pl.max_horizontal(period_end("date", "date_precision"), "_ncnd_public").alias("public_on"),
        "response_id", "technology_id", "stance", "source_url", "ncnd_response_id", "ncnd_technology_id",
        pl.col("relation").alias("evidence_relation"), "grade", "check",
    )  # fmt: skip


def _authority_nodes(authorities: pl.LazyFrame, events: pl.LazyFrame) -> pl.LazyFrame:
    registered = authorities.select(
        _prefixed(NodeKind.AUTHORITY, "authority_id").alias("node_id"),
        pl.lit(NodeKind.AUTHORITY.value).alias("kind"),
        pl.col("name").alias("label"),
        pl.col("authority_id").alias("entity_id"),
        pl.col("kind").alias("authority_kind"),
        "country", "region", "hex_col", "hex_row", "centroid_lat", "centroid_lon",
        pl.lit(True).alias("is_registered"),
    )  # fmt: skip
    unregistered = (
        events.join(authorities.select("authority_id"), on="authority_id", how="anti")
        .group_by("authority_id", maintain_order=True)
        .agg(pl.col("authority_label").drop_nulls().first())
        .select(
            _prefixed(NodeKind.AUTHORITY, "authority_id").alias("node_id"),
            pl.lit(NodeKind.AUTHORITY.value).alias("kind"),
            pl.coalesce("authority_label", "authority_id").alias("label"),
            pl.col("authority_id").alias("entity_id"),
            pl.lit(False).alias("is_registered"),
        )
    )
    return pl.concat([conform(registered, NODE_SCHEMA), conform(unregistered, NODE_SCHEMA)])


def _technology_nodes(technologies: pl.DataFrame, events: pl.LazyFrame, paths: pl.DataFrame) -> pl.LazyFrame:
    labels = events.group_by("technology_id").agg(pl.col("technology_label").drop_nulls().first().alias("_given"))
    vendors = events.group_by("technology_id").agg(pl.col("vendor").drop_nulls().first().alias("_given_vendor"))
    taxonomy = technologies.lazy().select(
        "technology_id",
        pl.col("name").alias("_name"),
        "level",
        "vendor",
        "is_synthetic",
        pl.lit(True).alias("is_registered"),
    )
    return (
        paths.lazy()
        .join(taxonomy, on="technology_id", how="left")
        .join(labels, on="technology_id", how="left")
        .join(vendors, on="technology_id", how="left")
        .select(
            _prefixed(NodeKind.TECHNOLOGY, "technology_id").alias("node_id"),
            pl.lit(NodeKind.TECHNOLOGY.value).alias("kind"),
            pl.coalesce("_name", "_given", "technology_id").alias("label"),
            pl.col("technology_id").alias("entity_id"),
            "level",
            pl.col("path").alias("category"),
            pl.when(pl.col("is_registered")).then("vendor").otherwise("_given_vendor").alias("vendor"),
            "is_synthetic",
            pl.col("is_registered").fill_null(False),
        )
    )


def _vendor_nodes(technologies: pl.DataFrame, events: pl.LazyFrame) -> pl.LazyFrame:
    return (
        _vendors(technologies, events)
        .unique("vendor_slug", keep="first")
        .select(
            _prefixed(NodeKind.VENDOR, "vendor_slug").alias("node_id"),
            pl.lit(NodeKind.VENDOR.value).alias("kind"),
            pl.col("vendor").alias("label"),
            pl.col("vendor").alias("entity_id"),
        )
    )


def _region_nodes(authorities: pl.LazyFrame) -> pl.LazyFrame:
    return (
        authorities.drop_nulls("region")
        .select("region", _slug("region").alias("_slug"))
        .unique("_slug", keep="first")
        .select(
            _prefixed(NodeKind.REGION, "_slug").alias("node_id"),
            pl.lit(NodeKind.REGION.value).alias("kind"),
            pl.col("region").alias("label"),
            pl.col("region").alias("entity_id"),
        )
    )


def _exemption_nodes(events: pl.LazyFrame) -> pl.LazyFrame:
    return events.select(pl.col("exemptions").explode().drop_nulls().unique().alias("code")).select(
        _prefixed(NodeKind.EXEMPTION, "code").alias("node_id"),
        pl.lit(NodeKind.EXEMPTION.value).alias("kind"),
        pl.col("code").alias("label"),
        pl.col("code").alias("entity_id"),
        pl.col("code").is_in(sorted(NCND_LIMBS)).alias("is_ncnd_limb"),
    )


def _request_nodes(events: pl.LazyFrame) -> pl.LazyFrame:
    return (
        events.drop_nulls("request_id")
        .group_by("request_id")
        .agg(pl.col("asked_on").min().alias("public_on"))
        .select(
            _prefixed(NodeKind.REQUEST, "request_id").alias("node_id"),
            pl.lit(NodeKind.REQUEST.value).alias("kind"),
            pl.col("request_id").alias("label"),
            pl.col("request_id").alias("entity_id"),
            "public_on",
        )
    )


# --- finishing a graph or a view --------------------------------------------------------------------


#: Kinds kept in every view even without edges: the register's frame of the map.
_ALWAYS_KEPT = (NodeKind.AUTHORITY.value, NodeKind.REGION.value)
_COUNTED = (NodeKind.AUTHORITY.value, NodeKind.TECHNOLOGY.value, NodeKind.EXEMPTION.value, NodeKind.REQUEST.value)


def _finish(
    nodes: pl.DataFrame,
    edges: pl.DataFrame,
    *,
    as_of: dt.date | None,
    technology_ids: tuple[str, ...] | None,
    keep_technologies: pl.Series | None,
    prune: bool = True,
) -> GraphFrames:
    """Prune nodes no edge needs (views), count responses per node, and wrap the frames.

    Row order: nodes are sorted by kind and id; edges keep the order they were built in (responses in
    workspace order; sorting two million string ids costs seconds, so exports sort instead).
    """
    kind = pl.col("kind")
    if prune:
        touched = pl.concat([edges.get_column("source").unique(), edges.get_column("target").unique()]).unique()
        keep = (kind.is_in(_ALWAYS_KEPT) & pl.col("is_registered").fill_null(True)) | pl.col("node_id").is_in(
            touched.implode()
        )
        if keep_technologies is not None:
            keep = (
                pl.when(kind == NodeKind.TECHNOLOGY.value)
                .then(pl.col("node_id").is_in(keep_technologies.implode()))
                .otherwise(keep)
            )
        else:
            keep = keep | ((kind == NodeKind.TECHNOLOGY.value) & pl.col("is_registered"))
        dropped = nodes.filter(~keep).get_column("node_id")
        if dropped.len():
            nodes = nodes.filter(keep)
            edges = edges.filter(
                ~pl.col("source").is_in(dropped.implode()) & ~pl.col("target").is_in(dropped.implode())
            )
    responded = edges.lazy().filter(pl.col("relation") == Relation.RESPONDED.value)
    counts = (
        pl.concat(
            [
                responded.select(pl.col("source").alias("node_id")),
                responded.select(pl.col("target").alias("node_id")),
                responded.drop_nulls("request_id").select(_prefixed(NodeKind.REQUEST, "request_id").alias("node_id")),
                responded.select(
                    _prefixed(NodeKind.EXEMPTION, pl.col("exemptions").explode()).alias("node_id")
                ).drop_nulls(),
            ]
        )
        .group_by("node_id")
        .agg(pl.len().cast(pl.Int64).alias("_count"))
    )
    nodes = (
        nodes.lazy()
        .join(counts, on="node_id", how="left")
        .with_columns(
            pl.when(kind.is_in(_COUNTED)).then(pl.col("_count").fill_null(0)).otherwise(None).alias("response_count")
        )
        .drop("_count")
        .sort("kind", "node_id")
        .collect()
    )
    return GraphFrames(nodes=nodes, edges=edges, as_of=as_of, technology_ids=technology_ids)
