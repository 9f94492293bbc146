"""What verifying checksums costs a read: read the responses of a 1M-row workspace with and without it.

    .venv/bin/python tests/benchmarks/bench_workspace_verify.py [--rows 1000000] [--folder /tmp/mosaic-bench-verify]
                                                                [--repeat 5] [--shapes sample,contested]

For each shape (``shapes.SHAPES``: the sample generator, as ``mosaic sample`` writes it, and the independent
``contested`` one; both by default) the responses are generated and ingested once (kept in the folder for
later runs). Prints, under each shape's name, the median of several alternating runs and the overhead; the
target is under 10%.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from shapes import add_shapes_option, write_shape  # noqa: E402

from mosaic.store.workspace import Workspace  # noqa: E402

SEED = 7  # ``mosaic sample``'s default: the sample shape is the file that command writes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/mosaic-bench-verify"))
    parser.add_argument("--repeat", type=int, default=5)
    add_shapes_option(parser)
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    for shape in args.shapes:
        print(f"\n== {shape} ==", flush=True)
        run_shape(shape, args.rows, args.folder, args.repeat)


def run_shape(shape: str, rows: int, root: Path, repeat: int) -> None:
    """Prepare, measure and print one shape: its overhead is against its own unverified reads."""
    csv_path, folder = root / f"{shape}-{rows}.csv", root / f"ws-{shape}-{rows}"
    mosaic = [sys.executable, "-m", "mosaic.cli"]
    if not csv_path.exists():
        write_shape(shape, rows, SEED, csv_path)
    if not (folder / "manifest.json").exists():
        subprocess.run(
            [*mosaic, "ingest", str(csv_path), "-w", str(folder), "--sample-products", "--json"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    verified = Workspace(folder)
    unverified = Workspace(folder)
    unverified._part_problem = lambda ingest, table: None  # the read path with the check switched off
    part_bytes = sum(i["checksums"]["responses"]["bytes"] for i in verified.manifest()["ingests"])
    times: dict[str, list[float]] = {"verified": [], "unverified": []}
    verified.responses()  # warm the page cache
    for _ in range(repeat):
        for name, ws in (("unverified", unverified), ("verified", verified)):
            start = time.perf_counter()
            height = ws.responses().height
            times[name].append(time.perf_counter() - start)
    with_check, without = statistics.median(times["verified"]), statistics.median(times["unverified"])
    start = time.perf_counter()
    for ingest in verified.manifest()["ingests"]:
        verified._part_problem(ingest, "responses")
    hashing = time.perf_counter() - start
    print(f"{height:,} responses, {part_bytes / 1e6:.1f} MB of parts")
    print(f"read without verification: median {without:.3f} s  {[round(t, 3) for t in times['unverified']]}")
    print(f"read with verification:    median {with_check:.3f} s  {[round(t, 3) for t in times['verified']]}")
    print(
        f"checksum alone: {hashing:.3f} s ({hashing / without:.1%} of a read); overhead of medians: {with_check / without - 1:+.1%}"
    )


if __name__ == "__main__":
    main()
