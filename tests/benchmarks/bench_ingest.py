"""Benchmark: `mosaic ingest` of N synthetic rows against a bare `polars.read_csv` of the same file.

Both are measured in the same run on the same file, because these machines are shared and noisy: the
figure that matters is the ratio. Each is repeated and the best time kept. Peak memory is the ingest
process's maximum resident set size (the ingest runs in a child process so that its peak is its own).
CPU time (user + system, all threads) is printed too: on a busy machine it moves far less than wall
time, so its ratio is the steadier guide to whether a change helped.

Usage:
    python tests/benchmarks/bench_ingest.py [--rows 1000000] [--repeat 3] [--shapes sample,contested]
                                            [--keep DIR] [--profile]

``--shapes`` picks the generators (``shapes.SHAPES``: the bundled sample's and the independent
``contested`` one; both by default, each measured in turn and printed under its name, its ratios against
its own bare read), so no figure rests on one data layout.

``--keep DIR`` keeps the generated CSVs there (named after their shape) and reuses them on the next run.
``--profile`` adds one ingest per shape under cProfile and prints where its time went (the mosaic
functions by cumulative time; the polars work shows up inside the function that collects it).

Targets (issue: foundation): ingest at most 3x the bare read, peak memory under 2 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import peak_mb  # noqa: E402
from shapes import add_shapes_option, write_shape  # noqa: E402


def _child_ingest(csv_path: str, workspace: str) -> None:
    """Run one ingest in this process and print its wall time and reconciliation as JSON."""
    from mosaic.ingest.pipeline import Registers, ingest_files
    from mosaic.store.workspace import Workspace

    started, cpu = time.perf_counter(), _cpu_seconds()
    report = ingest_files([Path(csv_path)], Workspace(workspace), registers=Registers.with_sample())
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    summary = {k: v for k, v in report.as_dict().items() if k != "files"}
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb(), **summary}))


def _child_profile(csv_path: str, workspace: str) -> None:
    """Run one ingest under cProfile and print the mosaic functions by cumulative time."""
    import cProfile
    import pstats

    from mosaic.ingest.pipeline import Registers, ingest_files
    from mosaic.store.workspace import Workspace

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.runcall(ingest_files, [Path(csv_path)], Workspace(workspace), registers=Registers.with_sample())
    total = time.perf_counter() - started
    stats = pstats.Stats(profiler).stats  # (file, line, name) -> (calls, primitive, tottime, cumtime, callers)
    rows = [
        (cumulative, f"{Path(file).parent.name}/{Path(file).name}:{name}", calls)
        for (file, _, name), (calls, _, _, cumulative, _) in stats.items()
        if "/mosaic/" in file and not name.startswith("<")
    ]
    print(f"profile of one ingest ({total:.2f} s wall; cumulative seconds, nested stages overlap):")
    for cumulative, name, calls in sorted(rows, reverse=True)[:28]:
        print(f"  {cumulative:7.2f} s  {name} (x{calls})")


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _child_read(csv_path: str) -> None:
    started, cpu = time.perf_counter(), _cpu_seconds()
    frame = pl.read_csv(csv_path)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb(), "rows": frame.height}))


def _run_child(*args: str) -> dict:
    result = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    add_shapes_option(parser)
    parser.add_argument("--keep", type=Path, default=None, help="folder to keep (and reuse) the generated CSVs in")
    parser.add_argument("--profile", action="store_true", help="also profile one ingest and print the breakdown")
    args = parser.parse_args()

    folder = Path(args.keep or tempfile.mkdtemp(prefix="mosaic-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for shape in args.shapes:
            print(f"\n== {shape} ==", flush=True)
            run_shape(shape, folder, args)
    finally:
        if not args.keep:  # the CSVs and workspaces are gigabytes at a million rows
            shutil.rmtree(folder, ignore_errors=True)


def run_shape(shape: str, folder: Path, args: argparse.Namespace) -> None:
    """Generate (or reuse), measure and print one shape: its ratios are against its own bare read."""
    csv_path = folder / f"{shape}-{args.rows}-seed{args.seed}.csv"
    if args.keep and csv_path.is_file():
        print(f"reusing {csv_path} ({csv_path.stat().st_size / 1e6:.0f} MB)")
    else:
        started = time.perf_counter()
        write_shape(shape, args.rows, args.seed, csv_path)
        print(
            f"generated {args.rows:,} {shape} rows ({csv_path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s"
        )

    reads, ingests = [], []
    for attempt in range(args.repeat):
        reads.append(_run_child("--child-read", str(csv_path)))
        workspace = folder / f"{shape}-workspace-{attempt}"
        shutil.rmtree(workspace, ignore_errors=True)
        ingests.append(_run_child("--child-ingest", str(csv_path), str(workspace)))
    read = min(reads, key=lambda r: r["seconds"])
    ingest = min(ingests, key=lambda r: r["seconds"])
    ratio = ingest["seconds"] / read["seconds"]
    cpu_ratio = min(i["cpu"] for i in ingests) / min(r["cpu"] for r in reads)
    print(f"bare polars.read_csv: {read['seconds']:.2f} s (best of {args.repeat}), peak {read['peak_mb']:.0f} MB")
    print(
        f"mosaic ingest:        {ingest['seconds']:.2f} s (best of {args.repeat}), peak {max(i['peak_mb'] for i in ingests):.0f} MB"
    )
    print(
        f"ratio ingest / read:  {ratio:.2f}x (target <= 3x); all runs: "
        f"read {[round(r['seconds'], 2) for r in reads]}, ingest {[round(i['seconds'], 2) for i in ingests]}"
    )
    print(
        f"cpu seconds:          read {[round(r['cpu'], 2) for r in reads]}, ingest {[round(i['cpu'], 2) for i in ingests]}; "
        f"best-to-best ratio {cpu_ratio:.2f}x"
    )
    print(
        f"reconciliation: rows_read {ingest['rows_read']:,} = accepted {ingest['accepted']:,} + quarantined "
        f"{ingest['quarantined']:,} + duplicates {ingest['duplicates']:,}; issues {ingest['issues']:,}"
    )
    if args.profile:
        workspace = folder / f"{shape}-workspace-profile"
        shutil.rmtree(workspace, ignore_errors=True)
        result = subprocess.run(
            [sys.executable, __file__, "--child-profile", str(csv_path), str(workspace)],
            capture_output=True,
            text=True,
            check=True,
        )
        print(result.stdout, end="")


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--child-ingest":
        _child_ingest(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 2 and sys.argv[1] == "--child-profile":
        _child_profile(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 2 and sys.argv[1] == "--child-read":
        _child_read(sys.argv[2])
    else:
        main()
