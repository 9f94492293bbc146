"""Geometry of the hexagon cartogram: where each authority's hexagon sits and its six corners.

Pure numbers, no plotting library: the dashboard draws these polygons with plotly, the reports write them
as SVG, and both agree cell for cell. Cells are pointy-top hexagons in odd-r offset coordinates (see
``data/reference/README.md``): cell (c, r) is centred at x = c + 0.5·(r mod 2), y = −r·√3/2, in hexagon
widths, north up.
"""

from __future__ import annotations

import math

import polars as pl

ROW_HEIGHT = math.sqrt(3) / 2
#: Circumradius of a pointy-top hexagon one unit wide.
RADIUS = 1 / math.sqrt(3)


def hex_corners(x: float, y: float, scale: float = 1.0) -> list[tuple[float, float]]:
    """The six corners of the pointy-top hexagon centred at (x, y), clockwise from the top.

    ``scale`` < 1 leaves a gap between neighbouring cells.

    >>> [(round(a, 3), round(b, 3)) for a, b in hex_corners(0, 0)][:2]
    [(0.0, 0.577), (0.5, 0.289)]
    """
    return [
        (x + scale * RADIUS * math.sin(math.radians(angle)), y + scale * RADIUS * math.cos(math.radians(angle)))
        for angle in range(0, 360, 60)
    ]


def hex_cells(authorities: pl.DataFrame) -> pl.DataFrame:
    """One row per authority with a cell: ``authority_id``, ``hex_col``, ``hex_row``, centre ``x``, ``y``.

    Authorities without a cell (national bodies, commissioners) are left out; callers decide whether to
    draw them elsewhere (a commissioner can share its force's cell through ``linked_authority_id``).
    """
    return (
        authorities.filter(pl.col("hex_col").is_not_null() & pl.col("hex_row").is_not_null())
        .select(
            "authority_id",
            "hex_col",
            "hex_row",
            x=(pl.col("hex_col") + 0.5 * (pl.col("hex_row") % 2)).cast(pl.Float64),
            y=(-pl.col("hex_row") * ROW_HEIGHT).cast(pl.Float64),
        )
        .sort("authority_id")
    )
