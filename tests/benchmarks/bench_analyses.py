"""Benchmark: every consistency check on N responses, against a bare `polars.read_csv` of the same rows.

For each shape (``shapes.SHAPES``: the sample generator and the independent ``contested`` one; both by
default, each printed under its name) the responses are written as CSV and ingested once into a workspace
(kept with ``--keep`` so later runs skip it). Then a child process times, in the same run: a bare
``polars.read_csv`` of the rows written as CSV (the baseline), and each check in turn on the workspace's
responses (best of ``--repeat``). The figure that matters is the ratio to that shape's baseline: these
machines are shared and noisy. Peak memory is the child's maximum resident set size, measured separately
for the checks (a child that only runs them).

Usage:
    python tests/benchmarks/bench_analyses.py [--rows 1000000] [--repeat 3] [--keep DIR] [--shapes sample,contested]

Target (issue: consistency analyses): all checks together under 5x the bare read, under 2 GB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import peak_mb  # noqa: E402
from shapes import add_shapes_option, write_shape  # noqa: E402


def _child_checks(workspace: str, repeat: int) -> None:
    from mosaic.analyses import AnalysisInputs, all_checks, run_checks
    from mosaic.store.workspace import Workspace

    responses = Workspace(workspace).responses()
    timings: dict[str, float] = {}
    counts: dict[str, int] = {}
    for check_id in ["prepare", *all_checks()]:
        best = float("inf")
        for _ in range(repeat):
            inputs = AnalysisInputs.from_responses(responses)
            started = time.perf_counter()
            if check_id == "prepare":
                _ = inputs.events, inputs.coded_events, inputs.pairs, inputs.neighbours
                found = inputs.events.height
            else:
                _ = (
                    inputs.events,
                    inputs.coded_events,
                    inputs.pairs,
                    inputs.neighbours,
                )  # shared preparation is timed apart
                started = time.perf_counter()
                found = run_checks(inputs, [check_id]).height
            best = min(best, time.perf_counter() - started)
        timings[check_id], counts[check_id] = best, found
    print(json.dumps({"timings": timings, "counts": counts, "peak_mb": peak_mb(), "rows": responses.height}))


def _child_read(csv_path: str, repeat: int) -> None:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        frame = pl.read_csv(csv_path)
        best = min(best, time.perf_counter() - started)
    print(json.dumps({"seconds": best, "rows": frame.height}))


def _run_child(*args: str) -> dict:
    result = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _prepare(folder: Path, shape: str, rows: int, seed: int) -> tuple[Path, Path]:
    csv_path, workspace = folder / f"{shape}-{rows}-{seed}.csv", folder / f"{shape}-workspace-{rows}-{seed}"
    if not csv_path.exists():
        write_shape(shape, rows, seed, csv_path)
    if not (workspace / "manifest.json").exists():
        from mosaic.ingest.pipeline import Registers, ingest_files
        from mosaic.store.workspace import Workspace

        report = ingest_files([csv_path], Workspace(workspace), registers=Registers.with_sample())
        if not report.committed:
            raise SystemExit(f"ingest failed: {report.errors}")
    return csv_path, workspace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", type=Path, default=None, help="folder to keep the CSVs and workspaces in")
    add_shapes_option(parser)
    args = parser.parse_args()
    for shape in args.shapes:
        run_shape(shape, args)


def run_shape(shape: str, args: argparse.Namespace) -> None:
    """Prepare, measure and print one shape: its ratios are against its own bare read."""
    with tempfile.TemporaryDirectory(prefix=f"mosaic-bench-{shape}-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"{shape}: preparing {args.rows:,} responses in {folder} ...", file=sys.stderr, flush=True)
        csv_path, workspace = _prepare(folder, shape, args.rows, args.seed)
        read = _run_child("--child-read", str(csv_path), str(args.repeat))
        checks = _run_child("--child-checks", str(workspace), str(args.repeat))
    baseline = read["seconds"]
    print(f"\n== {shape} ==")
    total = sum(checks["timings"].values())
    print(f"rows: {checks['rows']:,}")
    print(f"bare polars.read_csv: {baseline:.3f} s (baseline, 1.0x)")
    for name, seconds in checks["timings"].items():
        print(f"  {name:<24} {seconds:7.3f} s  {seconds / baseline:5.2f}x  ({checks['counts'][name]:,} rows)")
    print(f"all checks incl. preparation: {total:.3f} s = {total / baseline:.2f}x the bare read (target < 5x)")
    print(f"peak memory of the checks process: {checks['peak_mb']:.0f} MB (target < 2048 MB)")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child-read":
        _child_read(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--child-checks":
        _child_checks(sys.argv[2], int(sys.argv[3]))
    else:
        main()
