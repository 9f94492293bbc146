"""The technology taxonomy: category > product > variant, with vendors and aliases.

Analyses compare answers about the *same* thing, a *broader* thing (the category) or a *narrower* one (a
variant), so the taxonomy is a tree and its paths and ancestor pairs are computed once here, with polars,
rather than walked in every analysis.
"""

from __future__ import annotations

import functools
from pathlib import Path

import polars as pl

from mosaic.registry._files import (
    ROW,
    read_register,
    register_error,
    require_allowed,
    require_cells,
    require_slugs,
    require_unique,
    require_unique_names,
    split_list,
)
from mosaic.resources import reference_path

TECHNOLOGY_COLUMNS: tuple[str, ...] = (
    "technology_id", "name", "parent_id", "level", "vendor", "aliases", "is_synthetic", "description",
)  # fmt: skip
REQUIRED_CELLS: tuple[str, ...] = ("technology_id", "name", "level", "is_synthetic")

#: Allowed ``level`` values. A sub-category (live facial recognition) is a ``category`` too.
TECHNOLOGY_LEVELS: tuple[str, ...] = ("category", "product", "variant")
#: Which level a parent may have, by the child's level: products sit in categories, variants in products.
_PARENT_LEVELS: dict[str, tuple[str, ...]] = {
    "category": ("category",),
    "product": ("category",),
    "variant": ("product",),
}
CATEGORY_SEPARATOR = " > "

TECHNOLOGY_SCHEMA = pl.Schema(
    {
        "technology_id": pl.String(),
        "name": pl.String(),
        "parent_id": pl.String(),
        "level": pl.String(),
        "vendor": pl.String(),
        "aliases": pl.List(pl.String()),
        "is_synthetic": pl.Boolean(),
        "description": pl.String(),
        "category": pl.String(),
    }
)


def _check_tree(frame: pl.DataFrame, path: Path) -> None:
    """Parents must exist, have a fitting level, and never lead back to the child (no cycles)."""
    unknown = frame.filter(pl.col("parent_id").is_not_null() & ~pl.col("parent_id").is_in(frame.get_column("technology_id").to_list()))
    if unknown.height:
        raise register_error(path, unknown.item(0, ROW), "parent_id", f"unknown technology_id {unknown.item(0, 'parent_id')!r}")
    parents = frame.select(pl.col("technology_id").alias("parent_id"), pl.col("level").alias("parent_level"))
    joined = frame.join(parents, on="parent_id", how="left").sort(ROW)
    for level, allowed in _PARENT_LEVELS.items():
        bad = joined.filter(
            (pl.col("level") == level) & pl.col("parent_id").is_not_null() & ~pl.col("parent_level").is_in(list(allowed))
        )
        if bad.height:
            raise register_error(
                path, bad.item(0, ROW), "parent_id",
                f"a {level} cannot sit under the {bad.item(0, 'parent_level')} {bad.item(0, 'parent_id')!r}",
            )  # fmt: skip
    orphan = frame.filter(pl.col("parent_id").is_null() & (pl.col("level") != "category"))
    if orphan.height:
        raise register_error(path, orphan.item(0, ROW), "parent_id", f"a {orphan.item(0, 'level')} needs a parent")
    parent_of = dict(zip(frame.get_column("technology_id"), frame.get_column("parent_id"), strict=True))
    rows = dict(zip(frame.get_column("technology_id"), frame.get_column(ROW), strict=True))
    for start in frame.sort(ROW).get_column("technology_id"):
        seen, node = {start}, parent_of[start]
        while node is not None:
            if node in seen:
                raise register_error(path, rows[start], "parent_id", f"cycle: {start!r} is its own ancestor")
            seen.add(node)
            node = parent_of[node]


def _with_category_paths(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``category``: ids from the root down to the row, joined by " > " (by repeated parent joins)."""
    parents = frame.select(pl.col("technology_id").alias("_up"), pl.col("parent_id").alias("_next"))
    walk = frame.select("technology_id", pl.concat_list("technology_id").alias("_path"), pl.col("parent_id").alias("_up"))
    while walk.get_column("_up").is_not_null().any():
        walk = (
            walk.join(parents, on="_up", how="left")
            .with_columns(
                pl.when(pl.col("_up").is_not_null())
                .then(pl.concat_list(pl.col("_up"), "_path"))
                .otherwise("_path")
                .alias("_path")
            )
            .select("technology_id", "_path", pl.col("_next").alias("_up"))
        )
    paths = walk.select("technology_id", pl.col("_path").list.join(CATEGORY_SEPARATOR).alias("category"))
    return frame.join(paths, on="technology_id", how="left", maintain_order="left")


def read_technologies(path: Path) -> pl.DataFrame:
    """Read and validate a technology taxonomy file (uncached); see ``load_technologies``."""
    frame = read_register(path, TECHNOLOGY_COLUMNS)
    require_cells(frame, path, REQUIRED_CELLS)
    require_slugs(frame, path, "technology_id")
    require_unique(frame, path, "technology_id")
    require_allowed(frame, path, "level", TECHNOLOGY_LEVELS)
    frame = frame.with_columns(pl.col("is_synthetic").str.to_lowercase())
    require_allowed(frame, path, "is_synthetic", ("true", "false"))
    frame = frame.with_columns(split_list("aliases"), pl.col("is_synthetic") == "true")
    require_unique_names(frame, path, "technology_id")
    _check_tree(frame, path)
    frame = _with_category_paths(frame)
    return frame.select(TECHNOLOGY_SCHEMA.names()).cast(dict(TECHNOLOGY_SCHEMA))


@functools.lru_cache(maxsize=1)
def _default_technologies() -> pl.DataFrame:
    return read_technologies(reference_path("technologies.csv"))


def load_technologies(path: Path | None = None) -> pl.DataFrame:
    """Load the technology taxonomy, validated, with each entry's ``category`` path.

    Args:
        path: a taxonomy CSV; ``None`` reads the bundled ``data/reference/technologies.csv`` (cached).

    Returns:
        One row per technology with the columns of ``TECHNOLOGY_SCHEMA``; ``category`` is the path of ids
        from the root, e.g. ``facial-recognition > retrospective-facial-recognition > amazon-rekognition``,
        so "is X within Y" is a string prefix test and a report can show where a product sits.

    Raises:
        SchemaError: one line naming the file, row and column, on duplicate ids, blank required cells, an
            unknown parent, a parent of the wrong level, a cycle, or a name/alias claimed twice.

    Example:
        >>> taxonomy = load_technologies()
        >>> taxonomy.filter(pl.col("technology_id") == "amazon-rekognition").item(0, "category")
        'facial-recognition > retrospective-facial-recognition > amazon-rekognition'
    """
    if path is None:
        return _default_technologies().clone()
    return read_technologies(Path(path))


def technology_pairs(technologies: pl.DataFrame) -> pl.DataFrame:
    """Return the transitive closure of the taxonomy: every (ancestor, descendant) pair and its distance.

    Each technology is paired with itself at distance 0, so one join answers "same, broader or narrower"
    (distance 0, ancestor side, descendant side) for the peer-disclosure analysis without recursion.

    Args:
        technologies: a frame from ``load_technologies`` (needs ``technology_id`` and ``category``).

    Returns:
        Columns ``ancestor_id``, ``descendant_id`` (String) and ``distance`` (Int64: 0 self, 1 parent...),
        sorted by descendant, then distance.

    Example:
        >>> pairs = technology_pairs(load_technologies())
        >>> pairs.filter(pl.col("descendant_id") == "cellebrite-ufed").get_column("ancestor_id").to_list()
        ['cellebrite-ufed', 'mobile-phone-extraction']
    """
    return (
        technologies.select(
            pl.col("technology_id").alias("descendant_id"),
            pl.col("category").str.split(CATEGORY_SEPARATOR).alias("ancestor_id"),
        )
        .with_columns(pl.col("ancestor_id").list.len().alias("_depth"))
        .explode("ancestor_id")
        .with_columns((pl.col("_depth") - 1 - pl.int_range(pl.len()).over("descendant_id")).cast(pl.Int64).alias("distance"))
        .select("ancestor_id", "descendant_id", "distance")
        .sort("descendant_id", "distance")
    )


def ancestors(technologies: pl.DataFrame, technology_id: str) -> list[str]:
    """Return the ids above ``technology_id``, broadest first (empty for a top-level category or unknown id).

    Example:
        >>> ancestors(load_technologies(), "amazon-rekognition")
        ['facial-recognition', 'retrospective-facial-recognition']
    """
    path = technologies.filter(pl.col("technology_id") == technology_id).get_column("category")
    return path.item(0).split(CATEGORY_SEPARATOR)[:-1] if path.len() else []


def descendants(technologies: pl.DataFrame, technology_id: str) -> list[str]:
    """Return the ids below ``technology_id``, nearest first, then by id (empty when it has none).

    Example:
        >>> descendants(load_technologies(), "cellebrite-ufed")
        ['cellebrite-ufed-4pc', 'cellebrite-ufed-touch2']
    """
    pairs = technology_pairs(technologies).filter(
        (pl.col("ancestor_id") == technology_id) & (pl.col("distance") > 0)
    )
    return pairs.sort("distance", "descendant_id").get_column("descendant_id").to_list()
