"""Who answers alike: the authority agreement projection, its communities, and the national line.

Both views start from each authority's **latest answer** on each technology (the latest ``responded`` edge
with a stance of confirm, deny or NCND, public by the as-of date; refusals and non-answers are not
stances). Technologies are compared as answered, at their own level: an answer about a category is not
rolled into its products.

* ``agreement_projection``: two authorities are linked when they answered the same technology; the
  weight is the share of the technologies both answered on which their stances agree. Louvain communities
  (networkx, fixed seed) group authorities that answer alike; each authority's ``distance`` is the share of
  its answers that differ from its community's usual (modal) stance on that technology.
* ``national_line``: per technology, the modal stance across all authorities that answered, and who
  departed from it.

Ties: when two stances are equally common, neither is "the" line. In a community, an answer matching any
of the tied stances counts as usual; nationally, ``national_stance`` is null, ``is_tied`` true and nobody
is listed as departing. Both computations are aggregates of at most authorities x technologies rows, so
they stay fast whatever the number of responses; only the community search uses networkx, on that small
projected graph.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
import polars as pl

from mosaic.graph.build import filtered_edges
from mosaic.graph.frames import GraphFrames, NodeKind, Relation
from mosaic.schema import Stance

#: Stances that count as an answer for agreement (refused, no response and unknown do not).
ANSWER_STANCES: tuple[str, ...] = (Stance.CONFIRM.value, Stance.DENY.value, Stance.NCND.value)
DEFAULT_SEED = 42

PAIR_SCHEMA = pl.Schema(
    {
        "authority_id": pl.String(),
        "other_authority_id": pl.String(),
        "shared_count": pl.Int64(),
        "agree_count": pl.Int64(),
        "weight": pl.Float64(),
    }
)
MEMBER_SCHEMA = pl.Schema(
    {
        "authority_id": pl.String(),
        "authority_name": pl.String(),
        "community": pl.Int64(),
        "community_size": pl.Int64(),
        "answered_count": pl.Int64(),
        "departure_count": pl.Int64(),
        "distance": pl.Float64(),
    }
)
NATIONAL_LINE_SCHEMA = pl.Schema(
    {
        "technology_id": pl.String(),
        "technology_name": pl.String(),
        "answered_count": pl.Int64(),
        "confirm_count": pl.Int64(),
        "deny_count": pl.Int64(),
        "ncnd_count": pl.Int64(),
        "national_stance": pl.String(),
        "national_share": pl.Float64(),
        "is_tied": pl.Boolean(),
        "departed_count": pl.Int64(),
        "departed_authority_ids": pl.List(pl.String()),
    }
)


@dataclass(frozen=True)
class AgreementProjection:
    """The agreement projection of a graph (view).

    Attributes:
        pairs: one row per pair of authorities with a technology both answered (``PAIR_SCHEMA``;
            ``authority_id < other_authority_id``): ``shared_count`` technologies, ``agree_count`` of them
            with the same stance, ``weight = agree_count / shared_count``.
        members: one row per authority with an answer (``MEMBER_SCHEMA``): its ``community`` (1 = the
            largest), the community's size, ``answered_count`` technologies, ``departure_count`` of them
            where it differs from the community's usual stance, ``distance = departure_count /
            answered_count``.
        modularity: weighted modularity of the communities (0 when there are no positive weights).
        seed: the Louvain seed used.
    """

    pairs: pl.DataFrame
    members: pl.DataFrame
    modularity: float
    seed: int


def latest_answers(
    graph: GraphFrames, *, as_of: dt.date | None = None, technology_ids: Sequence[str] | None = None
) -> pl.DataFrame:
    """Each authority's latest answer (confirm, deny or NCND) per technology, within the filters.

    Returns:
        authority_id, technology_id (bare ids), stance, response_id, public_on; sorted by the two ids.
    """
    if graph.as_of is not None:
        as_of = graph.as_of if as_of is None else min(as_of, graph.as_of)
    edges, _ = filtered_edges(graph, as_of=as_of, technology_ids=technology_ids)
    return (
        edges.filter((pl.col("relation") == Relation.RESPONDED.value) & pl.col("stance").is_in(ANSWER_STANCES))
        .select(
            pl.col("source").str.strip_prefix(f"{NodeKind.AUTHORITY.value}:").alias("authority_id"),
            pl.col("target").str.strip_prefix(f"{NodeKind.TECHNOLOGY.value}:").alias("technology_id"),
            "stance",
            "response_id",
            "public_on",
            "date",
        )  # fmt: skip
        .sort(["public_on", "date", "response_id"], nulls_last=False)
        .group_by("authority_id", "technology_id")
        .agg(pl.all().last())
        .drop("date")
        .sort("authority_id", "technology_id")
        .collect()
    )


def agreement_pairs(answers: pl.DataFrame) -> pl.DataFrame:
    """Pairwise agreement from latest answers (``authority_id``, ``technology_id``, ``stance``)."""
    left = answers.lazy().select("authority_id", "technology_id", "stance")
    right = left.rename({"authority_id": "other_authority_id", "stance": "other_stance"})
    return (
        left.join(right, on="technology_id")
        .filter(pl.col("authority_id") < pl.col("other_authority_id"))
        .group_by("authority_id", "other_authority_id")
        .agg(
            pl.len().cast(pl.Int64).alias("shared_count"),
            (pl.col("stance") == pl.col("other_stance")).sum().cast(pl.Int64).alias("agree_count"),
        )
        .with_columns((pl.col("agree_count") / pl.col("shared_count")).alias("weight"))
        .select(PAIR_SCHEMA.names())
        .sort("authority_id", "other_authority_id")
        .collect()
    )


def agreement_projection(
    graph: GraphFrames,
    *,
    as_of: dt.date | None = None,
    technology_ids: Sequence[str] | None = None,
    seed: int = DEFAULT_SEED,
    resolution: float = 1.0,
) -> AgreementProjection:
    """Link authorities that answered the same technologies, weighted by how often they agree.

    See the module docstring for the method. Louvain runs on the authorities with an answer, over the
    pairs with a positive weight, nodes and edges added in sorted order with ``seed``, so the same graph
    gives the same communities.

    Args:
        graph: a graph from ``build_graph`` (or a view).
        as_of: use only answers public on this date.
        technology_ids: use only these technologies (and what is below them).
        seed: Louvain's random seed.
        resolution: Louvain's resolution (above 1 favours smaller communities).

    Example:
        >>> projection = agreement_projection(graph)  # doctest: +SKIP
        >>> projection.members.sort("distance", descending=True).head(3)  # doctest: +SKIP
    """
    answers = latest_answers(graph, as_of=as_of, technology_ids=technology_ids)
    pairs = agreement_pairs(answers)
    authorities = answers.get_column("authority_id").unique().sort().to_list()
    projected = nx.Graph()
    projected.add_nodes_from(authorities)
    positive = pairs.filter(pl.col("weight") > 0)
    projected.add_weighted_edges_from(positive.select("authority_id", "other_authority_id", "weight").iter_rows())
    if projected.number_of_nodes():
        found = nx.community.louvain_communities(projected, weight="weight", resolution=resolution, seed=seed)
    else:
        found = []
    ordered = sorted((sorted(c) for c in found), key=lambda members: (-len(members), members[0]))
    has_weight = positive.height > 0
    modularity = (
        float(nx.community.modularity(projected, ordered, weight="weight", resolution=resolution))
        if has_weight
        else 0.0
    )
    community_of = pl.DataFrame(
        [(member, number, len(members)) for number, members in enumerate(ordered, start=1) for member in members],
        schema={"authority_id": pl.String(), "community": pl.Int64(), "community_size": pl.Int64()},
        orient="row",
    )
    members = _departures(answers, community_of, graph)
    return AgreementProjection(pairs=pairs, members=members, modularity=modularity, seed=seed)


def _modal_stances(frame: pl.LazyFrame, group: list[str]) -> pl.LazyFrame:
    """The stances with the highest count within each group (several when tied), with that count."""
    counts = frame.group_by([*group, "stance"]).agg(pl.len().cast(pl.Int64).alias("_count"))
    return counts.filter(pl.col("_count") == pl.col("_count").max().over(group))


def _departures(answers: pl.DataFrame, community_of: pl.DataFrame, graph: GraphFrames) -> pl.DataFrame:
    placed = answers.lazy().join(community_of.lazy(), on="authority_id", how="left")
    usual = _modal_stances(placed, ["community", "technology_id"]).select(
        "community", "technology_id", "stance", pl.lit(True).alias("_usual")
    )
    names = (
        graph.nodes.lazy()
        .filter(pl.col("kind") == NodeKind.AUTHORITY.value)
        .select(pl.col("entity_id").alias("authority_id"), pl.col("label").alias("authority_name"))
    )
    return (
        placed.join(usual, on=["community", "technology_id", "stance"], how="left")
        .group_by("authority_id", "community", "community_size")
        .agg(
            pl.len().cast(pl.Int64).alias("answered_count"),
            pl.col("_usual").is_null().sum().cast(pl.Int64).alias("departure_count"),
        )
        .with_columns((pl.col("departure_count") / pl.col("answered_count")).alias("distance"))
        .join(names, on="authority_id", how="left")
        .select(MEMBER_SCHEMA.names())
        .sort("community", "authority_id")
        .collect()
    )


def national_line(
    graph: GraphFrames, *, as_of: dt.date | None = None, technology_ids: Sequence[str] | None = None
) -> pl.DataFrame:
    """Per technology: the modal stance across the authorities that answered, and who departed from it.

    Returns:
        One row per technology with an answer (``NATIONAL_LINE_SCHEMA``): counts of each stance, the
        ``national_stance`` (null when tied) and its share, ``is_tied``, and the departing authorities'
        ids, sorted.
    """
    answers = latest_answers(graph, as_of=as_of, technology_ids=technology_ids).lazy()
    modal = (
        _modal_stances(answers, ["technology_id"])
        .group_by("technology_id")
        .agg(pl.col("stance").sort().alias("_modal"), pl.col("_count").first().alias("national_count"))
        .with_columns(
            (pl.col("_modal").list.len() > 1).alias("is_tied"),
        )
        .with_columns(pl.when(~pl.col("is_tied")).then(pl.col("_modal").list.first()).alias("national_stance"))
    )
    departed = (
        answers.join(modal.select("technology_id", "national_stance"), on="technology_id")
        .filter(pl.col("national_stance").is_not_null() & (pl.col("stance") != pl.col("national_stance")))
        .group_by("technology_id")
        .agg(pl.col("authority_id").sort().alias("departed_authority_ids"))
    )
    names = (
        graph.nodes.lazy()
        .filter(pl.col("kind") == NodeKind.TECHNOLOGY.value)
        .select(pl.col("entity_id").alias("technology_id"), pl.col("label").alias("technology_name"))
    )
    return (
        answers.group_by("technology_id")
        .agg(
            pl.len().cast(pl.Int64).alias("answered_count"),
            *[(pl.col("stance") == s).sum().cast(pl.Int64).alias(f"{s}_count") for s in ANSWER_STANCES],
        )
        .join(modal, on="technology_id")
        .join(departed, on="technology_id", how="left")
        .join(names, on="technology_id", how="left")
        .with_columns(
            pl.when(pl.col("is_tied"))
            .then(None)
            .otherwise(pl.col("national_count") / pl.col("answered_count"))
            .alias("national_share"),
            pl.col("departed_authority_ids").fill_null(pl.lit([], pl.List(pl.String()))),
        )
        .with_columns(pl.col("departed_authority_ids").list.len().cast(pl.Int64).alias("departed_count"))
        .select(NATIONAL_LINE_SCHEMA.names())
        .sort("technology_id")
        .collect()
    )
