"""Byte-flip sweep: flip one bit in every Nth byte of a stored part and read the workspace back.

    .venv/bin/python tests/benchmarks/sweep_byte_flips.py [--step 10] [--table responses]

For each flip the part is damaged, the table read, the part restored. A flip is "detected" when the read
raises ``WorkspaceError``, and "silent" when the read returns data different from the original without an
error (the figure that must be 0). ``--baseline N`` repeats a sparser sweep with polars alone (no
checksum), each read in its own process because a flipped byte can abort the reader outright.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import polars as pl

from mosaic.errors import WorkspaceError
from mosaic.ingest.pipeline import ingest_files
from mosaic.resources import sample_path
from mosaic.store.workspace import Workspace


def sweep(ws: Workspace, table: str, step: int) -> dict[str, int]:
    part = ws.path / ws.manifest()["ingests"][0]["parts"][table]
    original_bytes = part.read_bytes()
    original = ws.read(table)
    counts = {"flips": 0, "detected": 0, "other_error": 0, "silent": 0, "same_data": 0}
    for offset in range(0, len(original_bytes), step):
        damaged = bytearray(original_bytes)
        damaged[offset] ^= 1 << (offset % 8)
        part.write_bytes(bytes(damaged))
        counts["flips"] += 1
        try:
            frame = ws.read(table)
        except WorkspaceError:
            counts["detected"] += 1
            continue
        except Exception:  # noqa: BLE001 - a reader error (polars, a panic) is loud but not one line
            counts["other_error"] += 1
            continue
        except BaseException:  # noqa: BLE001 - pyo3 panics are BaseException
            counts["other_error"] += 1
            continue
        finally:
            part.write_bytes(original_bytes)
        counts["same_data" if frame.equals(original) else "silent"] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--step", type=int, default=10)
    parser.add_argument("--table", default="responses")
    parser.add_argument(
        "--baseline",
        type=int,
        default=0,
        help="Also sweep every Nth byte without verification (slow: a process per flip).",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        ws = Workspace(Path(folder) / "ws")
        assert ingest_files([sample_path("responses.csv")], ws).committed
        size = (ws.path / ws.manifest()["ingests"][0]["parts"][args.table]).stat().st_size
        print(
            f"part: {args.table}, {size:,} bytes, {ws.read(args.table).height:,} rows; flipping every {args.step}th byte"
        )
        print("with verification:   ", sweep(ws, args.table, args.step))
        if args.baseline:
            print(
                f"without verification (every {args.baseline}th byte, each read in its own process):",
                baseline(ws, args.table, args.baseline),
            )


BASELINE_READ = """
import sys, polars as pl
from mosaic.schema import table_schema
original = pl.read_parquet(sys.argv[1])
try:
    frame = pl.scan_parquet(sys.argv[2], schema=table_schema(sys.argv[3]), missing_columns="insert").collect()
except Exception:
    sys.exit(3)
sys.exit(0 if frame.equals(pl.scan_parquet(sys.argv[1], schema=table_schema(sys.argv[3]), missing_columns="insert").collect()) else 4)
"""


def baseline(ws: Workspace, table: str, step: int) -> dict[str, int]:
    """The same flips read by polars alone (no checksum), each in a fresh process: a flip can abort it."""
    import subprocess
    import sys

    part = ws.path / ws.manifest()["ingests"][0]["parts"][table]
    data = part.read_bytes()
    damaged_file = part.with_name("damaged.parquet.bin")
    counts = {"flips": 0, "reader_error": 0, "process_crashed": 0, "silent": 0, "same_data": 0}
    for offset in range(0, len(data), step):
        damaged = bytearray(data)
        damaged[offset] ^= 1 << (offset % 8)
        damaged_file.write_bytes(bytes(damaged))
        code = subprocess.run(
            [sys.executable, "-c", BASELINE_READ, str(part), str(damaged_file), table], capture_output=True
        ).returncode
        counts["flips"] += 1
        key = {0: "same_data", 3: "reader_error", 4: "silent"}.get(code, "process_crashed")
        counts[key] += 1
    damaged_file.unlink()
    return counts


if __name__ == "__main__":
    pl.Config.set_tbl_rows(5)
    main()
