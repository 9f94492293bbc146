"""Neighbourhoods: one node and what lies within a hop or two, small enough to draw.

The dashboard's network view asks for this on every click, over a graph that may hold a million
``responded`` edges, so it never builds a networkx graph. Instead each graph gets, once, an integer
**link index** (cached for the graph object's lifetime): every edge as ``(src, dst)`` node codes with its
relation, dates and the technology that scopes it, plus one ``cited`` link per (response, exemption).
Filtering by date or technology, each hop of the search, the collapsing of parallel answers and the
response counts are then integer operations on that index; only the few hundred edges finally shown are
gathered from the edges frame. The index also sorts the links by source, target and request (CSR
offsets), so a search touches only the links of the nodes it visits, not every link of the graph.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from mosaic.errors import MappingError
from mosaic.graph.build import technology_scope
from mosaic.graph.frames import DATED_RELATIONS, EDGE_SCHEMA, NODE_SCHEMA, GraphFrames, NodeKind, Relation, conform
from mosaic.normalise.names import closest
from mosaic.schema import Stance

#: Relations whose parallel edges (same source, target) a neighbourhood collapses into one, counting them.
COLLAPSED_RELATIONS: tuple[str, ...] = (Relation.RESPONDED.value, Relation.EVIDENCE_FOR.value)
#: Within a hop, nodes of earlier kinds are kept first when the limit bites: the registers' structure
#: before requests, which at scale are thousands per authority and each tie to a single answer.
KIND_PRIORITY: tuple[str, ...] = (
    NodeKind.AUTHORITY.value, NodeKind.TECHNOLOGY.value, NodeKind.EXEMPTION.value, NodeKind.REGION.value,
    NodeKind.VENDOR.value, NodeKind.REQUEST.value,
)  # fmt: skip


@dataclass(frozen=True)
class _LinkIndex:
    """Node codes and integer links of one graph (see the module docstring), as numpy arrays."""

    codes: pl.DataFrame
    """node_id, code, kind_rank (one row per node, code = row number)."""
    row: np.ndarray
    """Row of the link's edge in ``graph.edges`` (for a cited link: the response's row)."""
    src: np.ndarray
    dst: np.ndarray
    relation: np.ndarray
    """Index into ``_RELATIONS``."""
    public_on: np.ndarray
    """Days since 1970-01-01; ``_NEVER`` when unknown."""
    date: np.ndarray
    scope_key: np.ndarray
    """Code of the technology the technology filter tests; -1 when none."""
    request_code: np.ndarray
    """responded: code of the request node; -1 otherwise."""
    is_ncnd: np.ndarray
    by_src: np.ndarray
    """Link ids sorted by src; the links of node c are ``by_src[src_offsets[c]:src_offsets[c + 1]]``."""
    src_offsets: np.ndarray
    by_dst: np.ndarray
    dst_offsets: np.ndarray
    by_request: np.ndarray
    request_offsets: np.ndarray
    about_links: np.ndarray
    """Ids of the ``about`` links (request -> technology), for the technology filter of ``asked`` links."""
    response_counts: np.ndarray
    """``_response_counts`` over all links: the answer when no filter is given."""
    pair_key: np.ndarray
    """(src, dst, relation) as one integer: parallel links share it."""
    rank: np.ndarray
    """Position of the link in (public_on, date, row) order: the latest of a group has the highest."""
    by_rank: np.ndarray
    """Link id at each rank (the inverse of ``rank``)."""

    @property
    def node_count(self) -> int:
        return self.codes.height


_RELATIONS: tuple[str, ...] = tuple(r.value for r in Relation)
_NEVER = np.iinfo(np.int32).max
_INDEX_CACHE: weakref.WeakKeyDictionary[GraphFrames, _LinkIndex] = weakref.WeakKeyDictionary()


def _relation_codes(names: Sequence[str]) -> np.ndarray:
    return np.array([_RELATIONS.index(name) for name in names], dtype=np.int8)


def _index(graph: GraphFrames) -> _LinkIndex:
    index = _INDEX_CACHE.get(graph)
    if index is None:
        index = _build_index(graph)
        _INDEX_CACHE[graph] = index
    return index


def _build_index(graph: GraphFrames) -> _LinkIndex:
    priority = {kind: rank for rank, kind in enumerate(KIND_PRIORITY)}
    codes = graph.nodes.select(
        "node_id",
        pl.int_range(pl.len(), dtype=pl.Int64).alias("code"),
        pl.col("kind").replace_strict(priority, default=len(priority), return_dtype=pl.Int64).alias("kind_rank"),
    )
    mapping = dict(old=codes.get_column("node_id"), new=codes.get_column("code"), default=-1, return_dtype=pl.Int64)

    def code(expr: pl.Expr) -> pl.Expr:
        return expr.replace_strict(**mapping)

    relation = pl.col("relation")
    relation_code = relation.replace_strict({name: i for i, name in enumerate(_RELATIONS)}, return_dtype=pl.Int8)
    days = {name: pl.col(name).cast(pl.Int32).fill_null(_NEVER).alias(name) for name in ("public_on", "date")}
    links = (
        graph.edges.lazy()
        .with_row_index("row")
        .filter(relation != Relation.CITED.value)
        .with_columns(code(pl.col("source")).alias("src"), code(pl.col("target")).alias("dst"))
        .select(
            "row",
            "src",
            "dst",
            relation_code.alias("relation"),
            days["public_on"],
            days["date"],
            pl.when(relation.is_in([Relation.RESPONDED.value, Relation.ABOUT.value]))
            .then(pl.col("dst"))
            .when(relation == Relation.EVIDENCE_FOR.value)
            .then(code(pl.concat_str(pl.lit(f"{NodeKind.TECHNOLOGY.value}:"), "ncnd_technology_id")))
            .when(relation.is_in([Relation.IS_A.value, Relation.MADE_BY.value]))
            .then(pl.col("src"))
            .otherwise(-1)
            .fill_null(-1)
            .alias("scope_key"),
            pl.when(relation == Relation.RESPONDED.value)
            .then(code(pl.concat_str(pl.lit(f"{NodeKind.REQUEST.value}:"), "request_id")))
            .otherwise(-1)
            .fill_null(-1)
            .alias("request_code"),
            (pl.col("stance") == Stance.NCND.value).fill_null(False).alias("is_ncnd"),
            "exemptions",
        )  # fmt: skip
        .collect()
    )
    citations = (
        links.lazy()
        .filter(pl.col("relation") == _RELATIONS.index(Relation.RESPONDED.value))
        .explode("exemptions")
        .drop_nulls("exemptions")
        .with_columns(
            code(pl.concat_str(pl.lit(f"{NodeKind.EXEMPTION.value}:"), "exemptions")).alias("dst"),
            pl.lit(_RELATIONS.index(Relation.CITED.value), pl.Int8).alias("relation"),
            pl.lit(-1, pl.Int64).alias("request_code"),
        )
        .collect()
    )
    every = pl.concat([links.drop("exemptions"), citations.drop("exemptions")]).filter(
        (pl.col("src") >= 0) & (pl.col("dst") >= 0)
    )
    arrays = {name: every.get_column(name).to_numpy() for name in _LINK_ARRAYS}
    for name in ("src", "dst", "scope_key", "request_code", "row"):
        arrays[name] = arrays[name].astype(np.int32 if name != "row" else np.uint32)
    size = codes.height
    for key, name in (("src", "src"), ("dst", "dst"), ("request_code", "request")):
        order = np.argsort(arrays[key], kind="stable")
        arrays[f"by_{name}"] = order
        arrays[f"{name}_offsets"] = np.searchsorted(arrays[key][order], np.arange(size + 1))
    arrays["about_links"] = np.flatnonzero(arrays["relation"] == _RELATIONS.index(Relation.ABOUT.value))
    everything = np.arange(arrays["src"].size)
    relation = arrays["relation"]
    responded = everything[relation == _RELATIONS.index(Relation.RESPONDED.value)]
    cited = everything[relation == _RELATIONS.index(Relation.CITED.value)]
    arrays["response_counts"] = (
        np.bincount(arrays["src"][responded], minlength=size)
        + np.bincount(arrays["dst"][responded], minlength=size)
        + np.bincount(arrays["dst"][cited], minlength=size)
    )
    requests = arrays["request_code"][responded]
    arrays["response_counts"][:size] += np.bincount(requests[requests >= 0], minlength=size)
    arrays["pair_key"] = (arrays["src"].astype(np.int64) * size + arrays["dst"]) * len(_RELATIONS) + relation
    undated_first = {
        name: np.where(arrays[name] == _NEVER, np.iinfo(np.int32).min, arrays[name]) for name in ("public_on", "date")
    }
    arrays["by_rank"] = np.lexsort((arrays["row"], undated_first["date"], undated_first["public_on"]))
    arrays["rank"] = np.empty_like(arrays["by_rank"])
    arrays["rank"][arrays["by_rank"]] = np.arange(arrays["by_rank"].size)
    return _LinkIndex(codes=codes, **arrays)


def _incident(order: np.ndarray, offsets: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Ids of the links whose key (src, dst or request, by ``order``/``offsets``) is one of ``codes``."""
    starts, lengths = offsets[codes], offsets[codes + 1] - offsets[codes]
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return order[shift + np.arange(total)]


_LINK_ARRAYS = ("row", "src", "dst", "relation", "public_on", "date", "scope_key", "request_code", "is_ncnd")


def resolve_node(nodes: pl.DataFrame, node_id: str) -> str:
    """Return the node id for ``node_id``: a node id (``authority:kent``) or a bare authority/technology id.

    Raises:
        MappingError: no such node, naming close ones.
    """
    ids = nodes.get_column("node_id")
    for candidate in (node_id, f"{NodeKind.AUTHORITY.value}:{node_id}", f"{NodeKind.TECHNOLOGY.value}:{node_id}"):
        if ids.is_in([candidate]).any():
            return candidate
    by_entity = dict(zip(nodes.get_column("entity_id").to_list(), ids.to_list(), strict=True))
    close = closest(node_id, {**{i: i for i in ids.to_list()}, **by_entity})
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise MappingError(f"no node {node_id!r} in the graph{hint}")


def neighbourhood(
    graph: GraphFrames,
    node_id: str,
    *,
    hops: int = 1,
    as_of: dt.date | None = None,
    technology_ids: Sequence[str] | None = None,
    limit: int = 300,
) -> GraphFrames:
    """The nodes within ``hops`` of ``node_id`` (edges in either direction) and the edges among them.

    The date and technology filters are those of ``restrict`` (``cited`` counts are computed within
    them). Then:

    * **Collapsing**: parallel ``responded`` or ``evidence_for`` edges between the same two nodes become
      one edge, the latest (by ``public_on``, then ``date``, then workspace order), whose ``count`` is how
      many it stands for; its ``edge_id`` is ``<relation>:<source>-><target>`` when it stands for more
      than one. An authority's thirty answers on one product show as one edge with its latest stance.
    * **Limit**: at most ``limit`` nodes: the centre, then nearer hops first; within a hop by kind
      (``KIND_PRIORITY``: requests last), then the nodes most strongly tied to the hop before (most
      underlying edges), then by id. ``distance`` gives each node's hops from the centre.
      ``omitted_node_count`` says how many were left out of the hops searched: when the nearer hops
      already hold ``limit`` nodes the farther ones are not searched (none of them could be shown).
    * ``response_count`` counts the ``responded`` edges within the filters that touch the node (in the
      whole graph, not only among the nodes shown).

    Args:
        graph: a graph from ``build_graph`` (or a view of it).
        node_id: ``authority:kent``, ``technology:clearsight-match``... or a bare authority/technology id.
        hops: 1 or more.
        as_of: keep only what was public on this date.
        technology_ids: keep only these technologies (and what is below them).
        limit: the most nodes to return (at least 1).

    Raises:
        MappingError: an unknown node or technology, or hops/limit below 1.
    """
    if hops < 1:
        raise MappingError("hops must be 1 or more")
    if limit < 1:
        raise MappingError("limit must be 1 or more")
    centre = resolve_node(graph.nodes, node_id)
    if graph.as_of is not None:
        as_of = graph.as_of if as_of is None else min(as_of, graph.as_of)
    index = _index(graph)
    keep = _link_filter(graph, index, as_of, technology_ids)
    src, dst = index.src, index.dst
    centre_code = index.codes.filter(pl.col("node_id") == centre).item(0, "code")

    distance = np.full(index.node_count, -1, dtype=np.int64)
    strength = np.zeros(index.node_count, dtype=np.int64)
    distance[centre_code] = 0
    frontier = np.array([centre_code], dtype=np.int64)
    found_count = 1
    for hop in range(1, hops + 1):
        if found_count >= limit:
            break  # the nearer hops fill the limit: farther nodes could not be shown
        leaving = keep(_incident(index.by_src, index.src_offsets, frontier))
        arriving = keep(_incident(index.by_dst, index.dst_offsets, frontier))
        reached = np.concatenate([dst[leaving], src[arriving]])
        reached = reached[distance[reached] < 0]
        if reached.size == 0:
            break
        tally = np.bincount(reached, minlength=index.node_count)
        frontier = np.flatnonzero(tally)
        distance[frontier] = hop
        strength[frontier] = tally[frontier]
        found_count += frontier.size
    found = np.flatnonzero(distance >= 0)
    ranked = (
        pl.DataFrame({"code": found, "distance": distance[found], "strength": strength[found]})
        .join(index.codes, on="code", how="left")
        .sort(["distance", "kind_rank", "strength", "node_id"], descending=[False, False, True, False])
    )
    kept = ranked.head(limit)
    kept_codes = kept.get_column("code").to_numpy()
    is_kept = np.zeros(index.node_count, dtype=bool)
    is_kept[kept_codes] = True
    candidates = _incident(index.by_src, index.src_offsets, kept_codes)
    inside = keep(candidates[is_kept[dst[candidates]]])
    edges = _view_edges(graph, index, inside)
    if as_of is None and not technology_ids:
        counts = index.response_counts[kept_codes]
    else:
        counts = _response_counts(index, keep, kept_codes)
    kept = kept.with_columns(pl.Series("response_count", counts, dtype=pl.Int64))
    nodes = (
        graph.nodes.lazy()
        .drop("distance", "response_count")
        .join(kept.lazy().select("node_id", "distance", "response_count"), on="node_id", how="inner")
        .with_columns(
            pl.when(pl.col("kind").is_in([NodeKind.REGION.value, NodeKind.VENDOR.value]))
            .then(None)
            .otherwise(pl.col("response_count"))
            .alias("response_count")
        )
        .select(NODE_SCHEMA.names())
        .sort("distance", "kind", "node_id")
        .collect()
    )
    scope = tuple(sorted(set(technology_ids or ()) | set(graph.technology_ids or ()))) or None
    return GraphFrames(
        nodes=nodes, edges=edges, as_of=as_of, technology_ids=scope, omitted_node_count=ranked.height - kept.height
    )


def _link_filter(
    graph: GraphFrames, index: _LinkIndex, as_of: dt.date | None, technology_ids: Sequence[str] | None
) -> Callable[[np.ndarray], np.ndarray]:
    """A function keeping the link ids that pass the date and technology filters (``build.restrict``'s rules).

    It works on the few links a search touches rather than on every link of the graph.
    """
    relation, public_on, scope_key = index.relation, index.public_on, index.scope_key
    dated = np.zeros(len(_RELATIONS), dtype=bool)
    dated[_relation_codes(DATED_RELATIONS)] = True
    as_of_day = None if as_of is None else (as_of - dt.date(1970, 1, 1)).days

    def public(ids: np.ndarray) -> np.ndarray:
        return (
            np.ones(ids.size, dtype=bool)
            if as_of_day is None
            else ~dated[relation[ids]] | (public_on[ids] <= as_of_day)
        )

    if not technology_ids:
        return (lambda ids: ids) if as_of_day is None else (lambda ids: ids[public(ids)])
    scope, keep = technology_scope(graph, technology_ids)
    in_scope = np.zeros(index.node_count + 1, dtype=bool)  # the extra last cell answers for -1 (none)
    in_keep = np.zeros(index.node_count + 1, dtype=bool)
    in_scope[index.codes.filter(pl.col("node_id").is_in(scope.implode())).get_column("code").to_numpy()] = True
    in_keep[index.codes.filter(pl.col("node_id").is_in(keep.implode())).get_column("code").to_numpy()] = True
    about = index.about_links[public(index.about_links)]
    request_in_scope = np.zeros(index.node_count, dtype=bool)
    request_in_scope[index.src[about[in_scope[scope_key[about]]]]] = True
    # per relation: 0 no technology test, 1 scope, 2 scope or above, 3 a request about the scope
    rule = np.zeros(len(_RELATIONS), dtype=np.int8)
    rule[_relation_codes([Relation.RESPONDED, Relation.ABOUT, Relation.EVIDENCE_FOR, Relation.CITED])] = 1
    rule[_relation_codes([Relation.IS_A, Relation.MADE_BY])] = 2
    rule[_relation_codes([Relation.ASKED])] = 3

    def keep_ids(ids: np.ndarray) -> np.ndarray:
        kind = rule[relation[ids]]
        key = scope_key[ids]
        passes = np.select(
            [kind == 1, kind == 2, kind == 3],
            [in_scope[key], in_keep[key], request_in_scope[index.src[ids]]],
            default=True,
        )
        return ids[passes & public(ids)]

    return keep_ids


def _view_edges(graph: GraphFrames, index: _LinkIndex, inside: np.ndarray) -> pl.DataFrame:
    """The edges among the kept nodes: collapsed answers and evidence, cited aggregates, the rest as is.

    Works on integer arrays (when every authority is kept, ``inside`` holds millions of links); only the
    edges finally shown are gathered from the edges frame.
    """
    relation = index.relation[inside]
    collapsible = np.zeros(len(_RELATIONS), dtype=bool)
    collapsible[_relation_codes(COLLAPSED_RELATIONS)] = True
    cited_code = _RELATIONS.index(Relation.CITED.value)
    plain = inside[~collapsible[relation] & (relation != cited_code)]
    grouped = inside[collapsible[relation]]
    latest = (
        pl.DataFrame({"key": index.pair_key[grouped], "rank": index.rank[grouped]})
        .group_by("key")
        .agg(pl.col("rank").max(), pl.len().cast(pl.Int64).alias("_n"))
        .sort("rank")
    )
    latest_links = index.by_rank[latest.get_column("rank").to_numpy()]
    collapsed = (
        graph.edges[pl.Series(index.row[latest_links])]
        .with_columns(latest.get_column("_n"))
        .with_columns(
            pl.when(pl.col("_n") > 1)
            .then(pl.concat_str("relation", pl.lit(":"), "source", pl.lit("->"), "target"))
            .otherwise("edge_id")
            .alias("edge_id"),
            pl.col("_n").alias("count"),
        )
        .drop("_n")
    )
    citing = inside[relation == cited_code]
    node_of = index.codes.lazy().select("code", "node_id")
    citations = (
        pl.DataFrame(
            {
                "key": index.pair_key[citing],
                "src": index.src[citing].astype(np.int64),
                "dst": index.dst[citing].astype(np.int64),
                "is_ncnd": index.is_ncnd[citing],
                "public_on": index.public_on[citing],
            }
        )  # fmt: skip
        .lazy()
        .group_by("key")
        .agg(
            pl.col("src").first(),
            pl.col("dst").first(),
            pl.len().cast(pl.Int64).alias("count"),
            pl.col("is_ncnd").sum().cast(pl.Int64).alias("ncnd_count"),
            pl.col("public_on").min(),
        )
        .join(node_of.rename({"code": "src", "node_id": "source"}), on="src", how="left")
        .join(node_of.rename({"code": "dst", "node_id": "target"}), on="dst", how="left")
        .select(
            pl.concat_str(
                pl.lit(f"{Relation.CITED.value}:"),
                "source",
                pl.lit("|"),
                pl.col("target").str.strip_prefix(f"{NodeKind.EXEMPTION.value}:"),
            ).alias("edge_id"),
            "source",
            "target",
            pl.lit(Relation.CITED.value).alias("relation"),
            pl.when(pl.col("public_on") < _NEVER).then(pl.col("public_on")).cast(pl.Date).alias("public_on"),
            "count",
            "ncnd_count",
        )  # fmt: skip
    )
    return pl.concat(
        [graph.edges[pl.Series(index.row[plain])], collapsed, conform(citations, EDGE_SCHEMA).collect()]
    ).sort("relation", "edge_id")


def _response_counts(index: _LinkIndex, keep: Callable[[np.ndarray], np.ndarray], codes: np.ndarray) -> np.ndarray:
    """Responded links within the filters touching each of ``codes``; exemptions: responses citing them."""
    relation = index.relation
    responded, cited = _RELATIONS.index(Relation.RESPONDED.value), _RELATIONS.index(Relation.CITED.value)
    size = index.node_count
    leaving = keep(_incident(index.by_src, index.src_offsets, codes))
    arriving = keep(_incident(index.by_dst, index.dst_offsets, codes))
    asked_in = keep(_incident(index.by_request, index.request_offsets, codes))
    arriving_answers = arriving[(relation[arriving] == responded) | (relation[arriving] == cited)]
    counts = (
        np.bincount(index.src[leaving[relation[leaving] == responded]], minlength=size)
        + np.bincount(index.dst[arriving_answers], minlength=size)
        + np.bincount(index.request_code[asked_in], minlength=size)
    )
    return counts[codes]
