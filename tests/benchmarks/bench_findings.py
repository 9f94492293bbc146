"""Benchmark: ingest and every check written as findings files, against a bare `polars.read_csv`, on two shapes.

For each shape (``shapes.SHAPES``: the sample generator and the independent ``contested`` one) the same N
responses are written as CSV once. Then, each in a fresh child process and in the same run (these
machines are shared and noisy, so only ratios mean anything):

* the baseline: ``polars.read_csv`` of the CSV;
* ``mosaic ingest`` of it into a new workspace;
* ``mosaic analyse --format parquet|json|ndjson|csv -o FILE`` (all checks, the findings cache emptied
  first), and its peak memory; then the JSON, the Parquet and the CSV once more, served from the findings
  cache, and the table a terminal shows (``--format table``: ten findings per check).

Each child reports its wall time (process start included, as a user waits for it) and its peak resident
set size. Best of ``--repeat`` runs.

Usage:
    python tests/benchmarks/bench_findings.py [--rows 1000000] [--repeat 1] [--shapes sample,contested]

Targets (issue 14): at 1M, ingest <= 3x the bare read; all checks to Parquet <= 5x, to JSON <= 10x; peak
memory < 2 GB.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import print_figures, run_cli  # noqa: E402
from shapes import add_shapes_option, write_shape  # noqa: E402


def _child(args: list[str]) -> None:
    """Run one measured step in this process and print {"seconds", "peak_mb"} as the last line."""

    def step() -> None:
        if args[0] == "read":
            import polars as pl

            pl.read_csv(args[1], infer_schema_length=10000)
        else:
            run_cli(args)

    print_figures(step)


def _measure(args: list[str], repeat: int, before=None) -> dict:
    best: dict | None = None
    for _ in range(repeat):
        if before:
            before()
        result = subprocess.run(
            [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed: {result.stderr[-2000:]}")
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        if best is None or figures["seconds"] < best["seconds"]:
            best = figures
    return best


def run_shape(shape: str, rows: int, seed: int, repeat: int, folder: Path) -> dict:
    csv_path = write_shape(shape, rows, seed, folder / f"{shape}-{rows}.csv")
    workspace = folder / f"{shape}-workspace"
    results = {"read": _measure(["read", str(csv_path)], repeat)}
    results["ingest"] = _measure(
        ["ingest", str(csv_path), "-w", str(workspace), "--sample-products", "--json"],
        repeat,
        before=lambda: shutil.rmtree(workspace, ignore_errors=True),
    )

    def no_cache() -> None:  # each format is timed computing the checks, not reading the findings cache
        shutil.rmtree(workspace / "derived", ignore_errors=True)

    for fmt in ("parquet", "json", "ndjson", "csv"):
        target = folder / f"{shape}-findings.{fmt}"
        args = ["analyse", "-w", str(workspace), "--format", fmt, "-o", str(target)]
        results[f"analyse {fmt}"] = _measure(args, repeat, before=no_cache)
        results[f"analyse {fmt}"]["bytes"] = target.stat().st_size + (
            (folder / f"{shape}-findings.evidence.parquet").stat().st_size if fmt == "parquet" else 0
        )
    # The same again, served from the findings cache the last run left (Parquet: a copy), and the table
    # a terminal shows (ten findings per check).
    for fmt in ("json", "parquet", "csv", "table"):
        target = folder / f"{shape}-findings.{fmt}"
        results[f"cached {fmt}"] = _measure(
            ["analyse", "-w", str(workspace), "--format", fmt, "-o", str(target)], repeat
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=11)
    add_shapes_option(parser)
    args = parser.parse_args()
    targets = {"ingest": 3.0, "analyse parquet": 5.0, "analyse json": 10.0, "analyse ndjson": 10.0}
    for shape in args.shapes:
        with tempfile.TemporaryDirectory(prefix=f"mosaic-bench-{shape}-") as scratch:
            print(f"{shape}: preparing {args.rows:,} responses ...", file=sys.stderr, flush=True)
            results = run_shape(shape, args.rows, args.seed, args.repeat, Path(scratch))
        baseline = results["read"]["seconds"]
        print(f"\n{shape} ({args.rows:,} rows): bare polars.read_csv {baseline:.2f} s = 1.0x (baseline)")
        for name, figures in results.items():
            if name == "read":
                continue
            ratio = figures["seconds"] / baseline
            target = f" (target <= {targets[name]:.0f}x)" if name in targets else ""
            size = f", {figures['bytes'] / 1e6:.1f} MB written" if "bytes" in figures else ""
            print(
                f"  {name:<16} {figures['seconds']:7.2f} s  {ratio:5.1f}x{target}  peak {figures['peak_mb']:.0f} MB{size}"
            )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2:])
    else:
        main()
