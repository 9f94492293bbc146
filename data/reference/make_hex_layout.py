"""Rewrite the ``hex_col``/``hex_row`` columns of ``authorities.csv``: a hexagon cartogram of the territories.

Why a cartogram: on a real map the City of London is a speck and Police Scotland covers a third of the
picture; one equal hexagon per authority shows every answer at the same weight while keeping the country's
shape and most neighbours next to each other.

How: every authority with a centroid (the 43 territorial forces of England and Wales, Police Scotland, the
PSNI) is projected (longitude scaled by cos(54 deg), so a degree of longitude is not drawn wider than it is)
and scaled onto a grid of pointy-top hexagons in "odd-r" offset coordinates (odd rows are shifted right by
half a hexagon; row 0 is the top, the north). Then all (authority, cell) pairs near each ideal position are
sorted by distance and assigned greedily: the authority closest to a free cell gets it. A hill-climb then
moves or swaps authorities while that lowers (squared displacement + a penalty per land-neighbour pair not
adjacent on the grid). Lone authorities far from the rest (Scotland, Northern Ireland) are first pulled
towards their nearest one, keeping the direction but not the distance. Authorities without a centroid
(national bodies, special forces, commissioners) get blanks.

Run from anywhere, it edits the file in place and keeps every other column byte for byte::

    python data/reference/make_hex_layout.py            # rewrite the columns
    python data/reference/make_hex_layout.py --show     # also print the grid
"""

from __future__ import annotations

import argparse
import csv
import io
import math
from pathlib import Path

CSV_PATH = Path(__file__).resolve().parent / "authorities.csv"
ROW_HEIGHT = math.sqrt(3) / 2  # vertical distance between hexagon rows, in hexagon widths
SCALE = 2.0  # hexagon widths per projected degree: the smallest that keeps the regions readable
SEARCH_RADIUS = 4  # cells around the ideal position considered for each authority
MAX_GAP = 1.0  # lone authorities are pulled to this many hexagon widths from their nearest one
NEIGHBOUR_PENALTY = 1.0  # cost of a land-neighbour pair drawn apart, in squared hexagon widths


def cell_centre(col: int, row: int) -> tuple[float, float]:
    """Return the centre of an odd-r offset cell, in hexagon widths (x right, y down)."""
    return col + 0.5 * (row & 1), row * ROW_HEIGHT


def hex_neighbours(col: int, row: int) -> set[tuple[int, int]]:
    """Return the six cells touching an odd-r offset cell."""
    shift = row & 1  # odd rows: the diagonal neighbours are at col and col + 1
    return {
        (col - 1, row), (col + 1, row),
        (col - 1 + shift, row - 1), (col + shift, row - 1),
        (col - 1 + shift, row + 1), (col + shift, row + 1),
    }  # fmt: skip


def pull_in_outliers(ideal: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Move a lone authority (Scotland, Northern Ireland) towards its nearest one until MAX_GAP away.

    Their centroids lie far from any English one, which would leave a sea of empty cells; a cartogram
    keeps the direction (Scotland north, Northern Ireland west) but not the distance.
    """
    out = dict(ideal)
    for a, (ax, ay) in ideal.items():
        others = [(math.hypot(bx - ax, by - ay), bx, by) for b, (bx, by) in ideal.items() if b != a]
        gap, bx, by = min(others)
        if gap > MAX_GAP:
            out[a] = (bx + (ax - bx) * MAX_GAP / gap, by + (ay - by) * MAX_GAP / gap)
    return out


def cost(
    cells: dict[str, tuple[int, int]],
    ideal: dict[str, tuple[float, float]],
    neighbours: dict[str, set[str]],
) -> float:
    """Squared displacement from the ideal positions plus a penalty per land-neighbour pair not adjacent."""
    total = 0.0
    for a, (col, row) in cells.items():
        cx, cy = cell_centre(col, row)
        total += (cx - ideal[a][0]) ** 2 + (cy - ideal[a][1]) ** 2
    apart = sum(
        1 for a, ns in neighbours.items() for b in ns
        if a < b and a in cells and b in cells and cells[b] not in hex_neighbours(*cells[a])
    )  # fmt: skip
    return total + NEIGHBOUR_PENALTY * apart


def improve(
    cells: dict[str, tuple[int, int]],
    ideal: dict[str, tuple[float, float]],
    neighbours: dict[str, set[str]],
) -> dict[str, tuple[int, int]]:
    """Hill-climb from the greedy layout: move an authority to a nearby cell, or swap two, while it helps.

    Greedy assignment alone pushes the loser of a crowded spot (London, Merseyside) to wherever is free,
    sometimes on the wrong side of its neighbours; local moves repair that. Deterministic (sorted order).
    """
    cells = dict(cells)
    best = cost(cells, ideal, neighbours)
    improved = True
    while improved:
        improved = False
        for a in sorted(cells):
            col0, row0 = cells[a]
            owner = {v: k for k, v in cells.items()}
            for row in range(row0 - 2, row0 + 3):
                for col in range(col0 - 2, col0 + 3):
                    if (col, row) == cells[a]:
                        continue
                    trial = dict(cells)
                    other = owner.get((col, row))
                    trial[a] = (col, row)
                    if other is not None:
                        trial[other] = cells[a]
                    c = cost(trial, ideal, neighbours)
                    if c < best - 1e-9:
                        cells, best, improved = trial, c, True
                        owner = {v: k for k, v in cells.items()}
    return cells


def layout(
    points: dict[str, tuple[float, float]],
    scale: float,
    neighbours: dict[str, set[str]] | None = None,
) -> dict[str, tuple[int, int]]:
    """Assign each authority (id -> projected x, y with y growing north) a distinct cell, greedily by distance."""
    xmin = min(x for x, _ in points.values())
    ymax = max(y for _, y in points.values())
    ideal = {a: ((x - xmin) * scale, (ymax - y) * scale) for a, (x, y) in points.items()}
    ideal = pull_in_outliers(ideal)
    pairs = []
    for a, (ix, iy) in ideal.items():
        row0 = round(iy / ROW_HEIGHT)
        for row in range(row0 - SEARCH_RADIUS, row0 + SEARCH_RADIUS + 1):
            for col in range(math.floor(ix) - SEARCH_RADIUS, math.floor(ix) + SEARCH_RADIUS + 2):
                cx, cy = cell_centre(col, row)
                pairs.append((math.hypot(cx - ix, cy - iy), a, col, row))
    pairs.sort()
    placed: dict[str, tuple[int, int]] = {}
    taken: set[tuple[int, int]] = set()
    for _, a, col, row in pairs:
        if a not in placed and (col, row) not in taken:
            placed[a] = (col, row)
            taken.add((col, row))
    missing = set(points) - set(placed)
    if missing:
        raise RuntimeError(f"no free cell near {sorted(missing)}; raise SEARCH_RADIUS")
    placed = improve(placed, ideal, neighbours or {})
    # shift so the smallest column and row are 0, keeping row parity (odd-r shifts depend on it)
    min_col = min(c for c, _ in placed.values())
    min_row = min(r for _, r in placed.values())
    min_row -= min_row & 1
    return {a: (c - min_col, r - min_row) for a, (c, r) in placed.items()}


def score(cells: dict[str, tuple[int, int]], neighbours: dict[str, set[str]]) -> int:
    """Count land-neighbour pairs that are also adjacent on the grid."""
    return sum(
        1
        for a, ns in neighbours.items()
        for b in ns
        if a < b and a in cells and b in cells and cells[b] in hex_neighbours(*cells[a])
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print the grid")
    parser.add_argument("path", nargs="?", type=Path, default=CSV_PATH)
    args = parser.parse_args()
    with args.path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    points = {}
    for r in rows:
        if r["centroid_lat"] and r["centroid_lon"]:
            lat, lon = float(r["centroid_lat"]), float(r["centroid_lon"])
            points[r["authority_id"]] = (lon * math.cos(math.radians(54)), lat)
    neighbours = {r["authority_id"]: {n for n in r["neighbours"].split(";") if n} for r in rows}

    cells = layout(points, SCALE, neighbours)
    for r in rows:
        col_row = cells.get(r["authority_id"])
        r["hex_col"], r["hex_row"] = (str(col_row[0]), str(col_row[1])) if col_row else ("", "")
    assert len(set(cells.values())) == len(cells), "two authorities share a cell"
    out = io.StringIO()
    writer = csv.DictWriter(out, fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    args.path.write_text(out.getvalue(), encoding="utf-8")
    total = sum(1 for a, ns in neighbours.items() for b in ns if a < b and a in cells and b in cells)
    print(f"scale {SCALE}: {score(cells, neighbours)} of {total} land-neighbour pairs adjacent on the grid")
    if args.show:
        width = max(c for c, _ in cells.values()) + 1
        height = max(r for _, r in cells.values()) + 1
        grid = {v: k for k, v in cells.items()}
        for row in range(height):
            line = "   " * (row & 1) + "".join(f"{grid.get((c, row), '.')[:5]:<6}" for c in range(width))
            print(line)


if __name__ == "__main__":
    main()
