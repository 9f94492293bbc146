"""Benchmark inputs of two shapes, so no figure rests on one data layout.

* ``sample``: ``mosaic sample`` (the bundled generator: waves of one question to every force, a few
  planted patterns, about 3% other sources).
* ``contested``: a second, independent generator: few technologies (three of the sample's fictional
  products), long histories (2012 to 2026), a heavy NCND share (about 60%), many repeated answers per
  authority and technology (the same force asked again and again), and contradictory rows (the same
  request answered twice with different outcomes). Every answer is marked SYNTHETIC and only fictional
  products are named; it is written to a scratch folder and never shipped.

Both write a CSV that ``mosaic ingest`` reads with the sample's registers (``Registers.with_sample()``).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

SHAPES = ("sample", "contested")
CONTESTED_PRODUCTS = ("Facewise Cloud", "Cellshade Mini", "Skyhawk X4")
_OUTCOMES = np.array(
    ["Neither confirm nor deny", "Not held", "Yes, held", "Partially disclosed", "Refused s12", "NCND s24(2) s31(3)"]
)
_WEIGHTS = np.array([0.45, 0.15, 0.12, 0.05, 0.08, 0.15])


def add_shapes_option(parser: argparse.ArgumentParser, each: str = "each run in turn") -> None:
    """``--shapes a,b``: the generators a benchmark runs on (all of ``SHAPES`` by default), as a list; an
    unknown name is a one-line usage error before anything is generated."""

    def shape_list(value: str) -> list[str]:
        shapes = [shape.strip() for shape in value.split(",") if shape.strip()]
        if not shapes or any(shape not in SHAPES for shape in shapes):
            raise argparse.ArgumentTypeError(f"unknown shape in {value!r}: use any of {', '.join(SHAPES)}")
        return shapes

    parser.add_argument(
        "--shapes",
        type=shape_list,
        default=list(SHAPES),
        help=f"generators of the responses ({','.join(SHAPES)}), {each}",
    )


def write_shape(shape: str, rows: int, seed: int, path: Path) -> Path:
    """Write ``rows`` responses of ``shape`` as CSV to ``path``."""
    if shape == "sample":
        from mosaic.registry import load_authorities, load_technologies
        from mosaic.sample import generate_sample, write_sample

        write_sample(generate_sample(load_authorities(), load_technologies(), rows=rows, seed=seed), path)
        return path
    if shape == "contested":
        contested(rows, seed).write_csv(path)
        return path
    raise ValueError(f"unknown shape {shape!r}: use {', '.join(SHAPES)}")


def contested(rows: int, seed: int) -> pl.DataFrame:
    """The ``contested`` shape (see the module docstring) as a frame of ingest's column names."""
    from mosaic.registry import load_authorities

    rng = np.random.default_rng(seed)
    forces = load_authorities().filter(pl.col("kind") == "territorial_force").get_column("name").to_numpy()
    # Repeated answers: each row's (force, product) pair is drawn from a small set of busy pairs 70% of
    # the time, so some pairs carry thousands of answers.
    busy = rng.integers(0, len(forces), size=12)
    force_index = np.where(rng.random(rows) < 0.7, rng.choice(busy, size=rows), rng.integers(0, len(forces), rows))
    product = rng.choice(np.array(CONTESTED_PRODUCTS), size=rows, p=[0.5, 0.3, 0.2])
    start = dt.date(2012, 1, 1).toordinal()
    span = dt.date(2026, 6, 30).toordinal() - start
    requested = start + rng.integers(0, span, size=rows)
    answered = requested + rng.integers(5, 60, size=rows)
    outcome = rng.choice(_OUTCOMES, size=rows, p=_WEIGHTS)
    # Contradictory rows: 5% repeat an earlier row's request with another outcome.
    twins = rng.random(rows) < 0.05
    source = rng.integers(0, rows, size=rows)
    force_index = np.where(twins, force_index[source], force_index)
    product = np.where(twins, product[source], product)
    requested = np.where(twins, requested[source], requested)
    answered = np.where(twins, answered[source], answered)
    reference = np.char.add("CON-", requested.astype(str))

    def iso(ordinals: np.ndarray) -> list[str]:
        epoch = dt.date(1970, 1, 1).toordinal()
        return pl.Series((ordinals - epoch).astype("int32")).cast(pl.Date).dt.to_string("%Y-%m-%d").to_list()

    return pl.DataFrame(
        {
            "authority": forces[force_index],
            "product": product,
            "request_id": reference,
            "request_date": iso(requested),
            "response_date": iso(answered),
            "outcome": outcome,
            "source_url": [f"https://foi.example.org/contested/{i}" for i in range(rows)],
            "source_type": "Freedom of Information response",
            "notes": "SYNTHETIC benchmark row (contested shape): fictional product",
        }
    )
