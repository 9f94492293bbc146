"""Benchmark: `mosaic ingest` of N synthetic rows against a bare `polars.read_csv` of the same file.

Both are measured in the same run on the same file, because these machines are shared and noisy: the
figure that matters is the ratio. Each is repeated and the best time kept. Peak memory is the ingest
process's maximum resident set size (the ingest runs in a child process so that its peak is its own).

Usage:
    python tests/benchmarks/bench_ingest.py [--rows 1000000] [--repeat 3] [--keep DIR]

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


def _child_ingest(csv_path: str, workspace: str) -> None:
    """Run one ingest in this process and print its wall time and reconciliation as JSON."""
    from mosaic.ingest.pipeline import ingest_files
    from mosaic.store.workspace import Workspace

    started = time.perf_counter()
    report = ingest_files([Path(csv_path)], Workspace(workspace))
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024, **{k: v for k, v in report.as_dict().items() if k != "files"}}))


def _child_read(csv_path: str) -> None:
    started = time.perf_counter()
    frame = pl.read_csv(csv_path)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024, "rows": frame.height}))


def _run_child(*args: str) -> dict:
    result = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", type=Path, default=None, help="folder to keep the generated CSV in")
    args = parser.parse_args()

    from mosaic.registry import load_authorities, load_technologies
    from mosaic.sample import generate_sample, write_sample

    folder = Path(args.keep or tempfile.mkdtemp(prefix="mosaic-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / f"sample-{args.rows}.csv"
    started = time.perf_counter()
    write_sample(generate_sample(load_authorities(), load_technologies(), rows=args.rows, seed=args.seed), csv_path)
    print(f"generated {args.rows:,} rows ({csv_path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s")

    reads, ingests = [], []
    for attempt in range(args.repeat):
        reads.append(_run_child("--child-read", str(csv_path)))
        workspace = folder / f"workspace-{attempt}"
        shutil.rmtree(workspace, ignore_errors=True)
        ingests.append(_run_child("--child-ingest", str(csv_path), str(workspace)))
    read = min(reads, key=lambda r: r["seconds"])
    ingest = min(ingests, key=lambda r: r["seconds"])
    ratio = ingest["seconds"] / read["seconds"]
    print(f"bare polars.read_csv: {read['seconds']:.2f} s (best of {args.repeat}), peak {read['peak_mb']:.0f} MB")
    print(
        f"mosaic ingest:        {ingest['seconds']:.2f} s (best of {args.repeat}), peak {max(i['peak_mb'] for i in ingests):.0f} MB"
    )
    print(f"ratio ingest / read:  {ratio:.2f}x (target <= 3x); all runs: "
          f"read {[round(r['seconds'], 2) for r in reads]}, ingest {[round(i['seconds'], 2) for i in ingests]}")
    print(
        f"reconciliation: rows_read {ingest['rows_read']:,} = accepted {ingest['accepted']:,} + quarantined "
        f"{ingest['quarantined']:,} + duplicates {ingest['duplicates']:,}; issues {ingest['issues']:,}"
    )


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--child-ingest":
        _child_ingest(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 2 and sys.argv[1] == "--child-read":
        _child_read(sys.argv[2])
    else:
        main()
