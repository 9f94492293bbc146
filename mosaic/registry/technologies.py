"""The technology taxonomy: category > product > variant, with vendors and aliases.

Analyses compare answers about the *same* thing, a *broader* thing (the category) or a *narrower* one (a
variant), so the taxonomy is a tree and its paths and ancestor pairs are computed once here, with polars,
rather than walked in every analysis.

A product *family* whose variants serve different modes of use (NEC NeoFace: NeoFace Live is live facial
recognition, NeoFace Reveal retrospective) sits in the category the modes share (facial recognition); each
variant names the sub-category of its mode in ``also_under``. The tree (``parent_id``) gives each entry
one path; ``technology_pairs`` adds the ``also_under`` links, so "broader", "narrower" and "sibling" see
NeoFace Live under live facial recognition as well as under NEC NeoFace.

The fictional products of the bundled synthetic sample are not here: they live in
``data/sample/technologies.csv`` and are added only for data that came from the bundled sample
(``load_technologies(sample=True)``, ``technologies_for``).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import polars as pl

from mosaic.errors import SchemaError
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
from mosaic.resources import reference_path, sample_path

TECHNOLOGY_COLUMNS: tuple[str, ...] = (
    "technology_id", "name", "parent_id", "level", "vendor", "aliases", "is_synthetic", "description",
)  # fmt: skip
REQUIRED_CELLS: tuple[str, ...] = ("technology_id", "name", "level", "is_synthetic")
#: Optional columns (a file without them is read as if they were blank).
OPTIONAL_COLUMNS: tuple[str, ...] = ("also_under",)
#: The bundled sample's own taxonomy file (fictional products under the real categories), in ``data/sample``.
SAMPLE_TAXONOMY = "technologies.csv"

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
        "also_under": pl.List(pl.String()),
    }
)


def _check_tree(frame: pl.DataFrame, path: Path) -> None:
    """Parents must exist, have a fitting level, and never lead back to the child (no cycles)."""
    unknown = frame.filter(
        pl.col("parent_id").is_not_null() & ~pl.col("parent_id").is_in(frame.get_column("technology_id").to_list())
    )
    if unknown.height:
        raise register_error(
            path, unknown.item(0, ROW), "parent_id", f"unknown technology_id {unknown.item(0, 'parent_id')!r}"
        )
    parents = frame.select(pl.col("technology_id").alias("parent_id"), pl.col("level").alias("parent_level"))
    joined = frame.join(parents, on="parent_id", how="left").sort(ROW)
    for level, allowed in _PARENT_LEVELS.items():
        bad = joined.filter(
            (pl.col("level") == level)
            & pl.col("parent_id").is_not_null()
            & ~pl.col("parent_level").is_in(list(allowed))
        )
        if bad.height:
            raise register_error(
                path, bad.item(0, ROW), "parent_id",
                f"a {level} cannot sit under the {bad.item(0, 'parent_level')} {bad.item(0, 'parent_id')!r}",
            )  # fmt: skip
    levels = dict(zip(frame.get_column("technology_id"), frame.get_column("level"), strict=True))
    for row in frame.filter(pl.col("also_under").list.len() > 0).sort(ROW).iter_rows(named=True):
        for other in row["also_under"]:
            if row["level"] == "category":
                raise register_error(
                    path, row[ROW], "also_under", "only a product or variant may sit under a second category"
                )
            if levels.get(other) != "category":
                problem = (
                    f"unknown technology_id {other!r}"
                    if other not in levels
                    else f"{other!r} is a {levels[other]}, not a category"
                )
                raise register_error(path, row[ROW], "also_under", problem)
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
    walk = frame.select(
        "technology_id", pl.concat_list("technology_id").alias("_path"), pl.col("parent_id").alias("_up")
    )
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


def read_technologies(path: Path, *more: Path) -> pl.DataFrame:
    """Read and validate a technology taxonomy file (uncached); see ``load_technologies``.

    ``more`` files (the sample's own taxonomy) are appended and validated with it as one tree; an error
    in one of them names that file and its row.
    """
    frame = _read_rows(path)
    for number, extra in enumerate(more, start=1):
        frame = pl.concat(
            [frame, _read_rows(extra).with_columns(pl.col(ROW) + number * _FILE_OFFSET)], how="vertical_relaxed"
        )
    try:
        return _validate(frame, path)
    except SchemaError as exc:
        found = re.match(rf"{re.escape(str(path))}: row (\d+)", str(exc))
        if not (found and int(found.group(1)) >= _FILE_OFFSET):
            raise
        number, row = divmod(int(found.group(1)), _FILE_OFFSET)
        raise SchemaError(f"{more[number - 1]}: row {row}" + str(exc)[found.end() :]) from None


#: Rows of an appended file are numbered from (its position) x this, so an error can name its file and row.
_FILE_OFFSET = 1_000_000


def _read_rows(path: Path) -> pl.DataFrame:
    frame = read_register(path, TECHNOLOGY_COLUMNS)
    for column in OPTIONAL_COLUMNS:
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    return frame


def _validate(frame: pl.DataFrame, path: Path) -> pl.DataFrame:
    require_cells(frame, path, REQUIRED_CELLS)
    require_slugs(frame, path, "technology_id")
    require_unique(frame, path, "technology_id")
    require_allowed(frame, path, "level", TECHNOLOGY_LEVELS)
    frame = frame.with_columns(pl.col("is_synthetic").str.to_lowercase())
    require_allowed(frame, path, "is_synthetic", ("true", "false"))
    frame = frame.with_columns(split_list("aliases"), split_list("also_under"), pl.col("is_synthetic") == "true")
    require_unique_names(frame, path, "technology_id")
    _check_tree(frame, path)
    frame = _with_category_paths(frame)
    return frame.select(TECHNOLOGY_SCHEMA.names()).cast(dict(TECHNOLOGY_SCHEMA))


@functools.lru_cache(maxsize=2)
def _default_technologies(sample: bool) -> pl.DataFrame:
    if sample:
        return read_technologies(reference_path("technologies.csv"), sample_path(SAMPLE_TAXONOMY))
    return read_technologies(reference_path("technologies.csv"))


def load_technologies(path: Path | None = None, *, sample: bool = False) -> pl.DataFrame:
    """Load the technology taxonomy, validated, with each entry's ``category`` path.

    Args:
        path: a taxonomy CSV; ``None`` reads the bundled ``data/reference/technologies.csv`` (cached).
        sample: also load the bundled sample's fictional products (``data/sample/technologies.csv``),
            for data that came from the bundled sample and nothing else (see ``technologies_for``).

    Returns:
        One row per technology with the columns of ``TECHNOLOGY_SCHEMA``; ``category`` is the path of ids
        from the root, e.g. ``facial-recognition > retrospective-facial-recognition > amazon-rekognition``,
        so a report can show where a product sits; ``also_under`` lists a variant's second categories
        (``technology_pairs`` has both).

    Raises:
        SchemaError: one line naming the file, row and column, on duplicate ids, blank required cells, an
            unknown parent, a parent of the wrong level, a cycle, or a name/alias claimed twice.

    Example:
        >>> taxonomy = load_technologies()
        >>> taxonomy.filter(pl.col("technology_id") == "amazon-rekognition").item(0, "category")
        'facial-recognition > retrospective-facial-recognition > amazon-rekognition'
    """
    if path is None:
        return _default_technologies(sample).clone()
    return read_technologies(Path(path), *([sample_path(SAMPLE_TAXONOMY)] if sample else []))


@functools.lru_cache(maxsize=1)
def sample_technology_ids() -> frozenset[str]:
    """Ids of the bundled sample's fictional products (in ``data/sample/technologies.csv``)."""
    return frozenset(
        read_register(sample_path(SAMPLE_TAXONOMY), TECHNOLOGY_COLUMNS).get_column("technology_id").to_list()
    )


def is_bundled_sample(technology_ids: pl.DataFrame | pl.Series | list[str]) -> bool:
    """True when data holding these technology ids (or a responses frame) came, at least in part, from the
    bundled sample.

    This is provenance, not a guess from names: ingest resolves names against the sample's fictional
    products only for the bundled sample file itself (``mosaic.ingest.pipeline.Registers.for_file``), so
    a stored id of one of them can only have come from that file. Any other data naming them keeps them
    as ``unresolved:<slug>``. Reports and the dashboard show their SYNTHETIC DATA notice on this test.

    Example:
        >>> is_bundled_sample(["clearsight-match", "facial-recognition"]), is_bundled_sample(["amazon-rekognition"])
        (True, False)
    """
    if isinstance(technology_ids, pl.DataFrame):  # a responses frame: its technology_id column
        technology_ids = technology_ids.get_column("technology_id") if "technology_id" in technology_ids.columns else []
    ids = technology_ids if isinstance(technology_ids, pl.Series) else pl.Series(list(technology_ids), dtype=pl.String)
    return bool(ids.is_in(list(sample_technology_ids())).any())


def technologies_for(technology_ids: pl.DataFrame | pl.Series | list[str]) -> pl.DataFrame:
    """The taxonomy data holding these ids needs: the shipped one, plus the sample's fictional products
    when the data came from the bundled sample (``is_bundled_sample``)."""
    return load_technologies(sample=is_bundled_sample(technology_ids))


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
    tree = (
        technologies.select(
            pl.col("technology_id").alias("descendant_id"),
            pl.col("category").str.split(CATEGORY_SEPARATOR).alias("ancestor_id"),
        )
        .with_columns(pl.col("ancestor_id").list.len().alias("_depth"))
        .explode("ancestor_id")
        .with_columns(
            (pl.col("_depth") - 1 - pl.int_range(pl.len()).over("descendant_id")).cast(pl.Int64).alias("distance")
        )
        .select("ancestor_id", "descendant_id", "distance")
    )
    if "also_under" not in technologies.columns:
        return tree.sort("descendant_id", "distance")
    # A second category C of X: every ancestor-or-self A of C is above every descendant-or-self D of X,
    # at distance (D up to X) + 1 + (C up to A). Categories never sit under products, so one step suffices.
    links = (
        technologies.select(pl.col("technology_id").alias("_x"), pl.col("also_under").alias("_c"))
        .explode("_c")
        .drop_nulls()
    )
    extra = (
        links.join(tree.rename({"ancestor_id": "_x", "distance": "_down"}), on="_x")
        .join(tree.rename({"descendant_id": "_c", "distance": "_up"}), on="_c")
        .select("ancestor_id", "descendant_id", (pl.col("_down") + 1 + pl.col("_up")).alias("distance"))
    )
    return (
        pl.concat([tree, extra])
        .group_by("ancestor_id", "descendant_id")
        .agg(pl.col("distance").min())
        .sort("descendant_id", "distance", "ancestor_id")
    )


def ancestors(technologies: pl.DataFrame, technology_id: str) -> list[str]:
    """Return the ids above ``technology_id``, broadest first (empty for a top-level category or unknown id).

    The tree path comes first; a variant's second category (``also_under``) and what is above it follow.

    Example:
        >>> ancestors(load_technologies(), "amazon-rekognition")
        ['facial-recognition', 'retrospective-facial-recognition']
        >>> ancestors(load_technologies(), "nec-neoface-live")
        ['facial-recognition', 'nec-neoface', 'live-facial-recognition']
    """
    path = technologies.filter(pl.col("technology_id") == technology_id).get_column("category")
    if not path.len():
        return []
    above = path.item(0).split(CATEGORY_SEPARATOR)[:-1]
    pairs = technology_pairs(technologies).filter((pl.col("descendant_id") == technology_id) & (pl.col("distance") > 0))
    return above + [
        a for a in pairs.sort("distance", descending=True).get_column("ancestor_id").to_list() if a not in above
    ]


def descendants(technologies: pl.DataFrame, technology_id: str) -> list[str]:
    """Return the ids below ``technology_id``, nearest first, then by id (empty when it has none).

    Example:
        >>> descendants(load_technologies(), "cellebrite-ufed")
        ['cellebrite-ufed-4pc', 'cellebrite-ufed-touch2']
    """
    pairs = technology_pairs(technologies).filter((pl.col("ancestor_id") == technology_id) & (pl.col("distance") > 0))
    return pairs.sort("distance", "descendant_id").get_column("descendant_id").to_list()
