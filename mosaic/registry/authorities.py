"""The authority register: every public authority that can answer, with names, aliases and geography.

The register (``data/reference/authorities.csv``, documented in ``data/reference/README.md``) is the
single list that input names are resolved against, that the maps draw and that "neighbour" analyses
walk. It is checked strictly on load: a broken register would silently mis-attribute answers.
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

AUTHORITY_COLUMNS: tuple[str, ...] = (
    "authority_id", "name", "aliases", "kind", "country", "region", "pfa_code",
    "centroid_lat", "centroid_lon", "hex_col", "hex_row", "neighbours", "linked_authority_id", "source",
)  # fmt: skip
REQUIRED_CELLS: tuple[str, ...] = ("authority_id", "name", "kind", "country", "region", "source")

#: Allowed ``kind`` values. Police Scotland and the PSNI are ``national_force`` (one force for a nation);
#: BTP, the Civil Nuclear Constabulary and the MoD Police are ``special_force`` (no territory of their own);
#: a ``legacy_force`` has since been merged away (the eight Scottish forces before Police Scotland): its
#: old answers and decisions stay its own, never its successor's. An ``oversight_body`` (the Scottish
#: Police Authority, the Biometrics and Surveillance Camera Commissioner) oversees police rather than
#: policing: like a commissioner, what it holds is about forces, not its own use of a technology.
AUTHORITY_KINDS: tuple[str, ...] = (
    "territorial_force", "national_force", "special_force", "national_body", "police_and_crime_commissioner",
    "legacy_force", "oversight_body",
)  # fmt: skip
#: Kinds that oversee police rather than police: off the national map and out of its coverage and base rates.
OVERSIGHT_KINDS: tuple[str, ...] = ("police_and_crime_commissioner", "oversight_body")

AUTHORITY_SCHEMA = pl.Schema(
    {
        "authority_id": pl.String(),
        "name": pl.String(),
        "aliases": pl.List(pl.String()),
        "kind": pl.String(),
        "country": pl.String(),
        "region": pl.String(),
        "pfa_code": pl.String(),
        "centroid_lat": pl.Float64(),
        "centroid_lon": pl.Float64(),
        "hex_col": pl.Int64(),
        "hex_row": pl.Int64(),
        "neighbours": pl.List(pl.String()),
        "linked_authority_id": pl.String(),
        "source": pl.String(),
    }
)


def _cast_numbers(frame: pl.DataFrame, path: Path) -> pl.DataFrame:
    """Cast coordinates and hex cells, raising on the first cell that is not a number in range."""
    checks = {
        "centroid_lat": (pl.Float64, -90.0, 90.0),
        "centroid_lon": (pl.Float64, -180.0, 180.0),
        "hex_col": (pl.Int64, 0, None),
        "hex_row": (pl.Int64, 0, None),
    }
    for column, (dtype, low, high) in checks.items():
        cast = pl.col(column).cast(dtype, strict=False)
        out_of_range = cast.is_null()
        if low is not None:
            out_of_range |= cast < low
        if high is not None:
            out_of_range |= cast > high
        bad = frame.filter(pl.col(column).is_not_null() & out_of_range)
        if bad.height:
            kind = "a whole number >= 0" if dtype is pl.Int64 else f"a number from {low} to {high}"
            raise register_error(path, bad.item(0, ROW), column, f"{bad.item(0, column)!r} is not {kind}")
        frame = frame.with_columns(cast)
    for first, second in (("centroid_lat", "centroid_lon"), ("hex_col", "hex_row")):
        half = frame.filter(pl.col(first).is_null() != pl.col(second).is_null())
        if half.height:
            blank = first if half.item(0, first) is None else second
            raise register_error(path, half.item(0, ROW), blank, f"blank while {first}/{second} is half given")
    return frame


def _check_links(frame: pl.DataFrame, path: Path) -> None:
    """Neighbours and linked ids must exist; neighbours must be mutual; hex cells must be distinct."""
    ids = set(frame.get_column("authority_id").to_list())
    neighbours = {r["authority_id"]: (r[ROW], r["neighbours"]) for r in frame.iter_rows(named=True)}
    for authority_id, (row, listed) in neighbours.items():
        for other in listed:
            if other not in ids:
                raise register_error(path, row, "neighbours", f"unknown authority_id {other!r}")
            if other == authority_id:
                raise register_error(path, row, "neighbours", f"{authority_id!r} lists itself")
            if authority_id not in neighbours[other][1]:
                raise register_error(
                    path, row, "neighbours",
                    f"{authority_id!r} lists {other!r} but {other!r} (row {neighbours[other][0]}) does not list it back",
                )  # fmt: skip
    linked = frame.filter(pl.col("linked_authority_id").is_not_null() & ~pl.col("linked_authority_id").is_in(list(ids)))
    if linked.height:
        raise register_error(
            path,
            linked.item(0, ROW),
            "linked_authority_id",
            f"unknown authority_id {linked.item(0, 'linked_authority_id')!r}",
        )
    unlinked = frame.filter(
        (pl.col("kind") == "police_and_crime_commissioner") & pl.col("linked_authority_id").is_null()
    )
    if unlinked.height:
        raise register_error(
            path, unlinked.item(0, ROW), "linked_authority_id", "a police_and_crime_commissioner must name its force"
        )
    placed = frame.filter(pl.col("hex_col").is_not_null())
    clash = placed.filter(pl.struct("hex_col", "hex_row").is_duplicated()).sort(ROW)
    if clash.height >= 2:
        raise register_error(
            path, clash.item(1, ROW), "hex_col",
            f"hex cell ({clash.item(1, 'hex_col')}, {clash.item(1, 'hex_row')}) is also used by "
            f"{clash.item(0, 'authority_id')!r} (row {clash.item(0, ROW)})",
        )  # fmt: skip


def read_authorities(path: Path) -> pl.DataFrame:
    """Read and validate an authority register file (uncached); see ``load_authorities``."""
    frame = read_register(path, AUTHORITY_COLUMNS)
    require_cells(frame, path, REQUIRED_CELLS)
    require_slugs(frame, path, "authority_id")
    require_unique(frame, path, "authority_id")
    require_allowed(frame, path, "kind", AUTHORITY_KINDS)
    frame = frame.with_columns(split_list("aliases"), split_list("neighbours"))
    frame = _cast_numbers(frame, path)
    require_unique_names(frame, path, "authority_id")
    _check_links(frame, path)
    return frame.select(AUTHORITY_SCHEMA.names()).cast(dict(AUTHORITY_SCHEMA))


@functools.lru_cache(maxsize=1)
def _default_authorities() -> pl.DataFrame:
    return read_authorities(reference_path("authorities.csv"))


def load_authorities(path: Path | None = None) -> pl.DataFrame:
    """Load the authority register, validated and typed.

    Args:
        path: a register CSV; ``None`` reads the bundled ``data/reference/authorities.csv`` (cached: the
            dashboard and every analysis ask for it, and it does not change while the process runs).

    Returns:
        One row per authority with the columns of ``AUTHORITY_SCHEMA``: ``aliases`` and ``neighbours``
        as lists of strings, centroids as Float64 and hexagon-cartogram cells as Int64 (null when the
        authority has no territory of its own).

    Raises:
        SchemaError: one line naming the file, the row and the column, on duplicate ids, blank required
            cells, unknown neighbour or linked ids, neighbours listed one way only, two authorities in one
            hex cell, or a name/alias claimed by two authorities.

    Example:
        >>> authorities = load_authorities()
        >>> authorities.filter(pl.col("authority_id") == "nottinghamshire").item(0, "name")
        'Nottinghamshire Police'
    """
    if path is None:
        return _default_authorities().clone()
    return read_authorities(Path(path))
