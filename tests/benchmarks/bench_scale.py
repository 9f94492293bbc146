"""Benchmark: reports and the dashboard's first load on a large workspace, against a bare read of its answers.

Issue 14 asks that, at ten million answers, `mosaic report` for one technology and the dashboard's first
load complete under 8 GB. On a workspace (``--workspace``, e.g. one `bench_findings.py`'s shapes were
ingested into; or built here from ``--rows`` of each of ``--shapes``: ``shapes.SHAPES``, both by default,
each printed under its name with its ratios against its own baseline), each in a fresh child process, in
the same run (these machines are shared and noisy, so ratios are what compare across runs):

* the baseline: ``polars.read_parquet`` of the workspace's responses (every column);
* `mosaic report` of the busiest technology, of the busiest authority, and the dossier of the busiest
  authority's latest NCND on that technology: first with no findings cache (the report computes and keeps
  its runs), then again (served from the cache);
* with Debian's Chromium: the dashboard's server started on the workspace and the map page loaded until
  its hexagons are drawn (the server's own peak; Chromium is another process).

Each child reports its wall time (process start included) and its peak resident set size.

Usage:
    python tests/benchmarks/bench_scale.py --workspace DIR
    python tests/benchmarks/bench_scale.py [--rows 1000000] [--shapes sample,contested]

Target (issue 14): at ten million answers every step completes with a peak under 8 GB.
"""

from __future__ import annotations

import argparse
import json
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

            pl.read_parquet(f"{args[1]}/parts/*.responses.parquet")
        elif args[0] == "dashboard":
            _first_load(args[1])
        else:
            run_cli(args)

    print_figures(step)


def _first_load(workspace: str) -> None:
    """Serve the dashboard on the workspace and load the map page in Chromium until its hexagons are drawn."""
    import logging
    import threading

    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from dashboards.app import create_app
    from dashboards.data import WorkspaceData
    from mosaic.store.workspace import Workspace

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, create_app(WorkspaceData(Workspace(workspace))).server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
    try:
        with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
            browser = playwright.chromium.launch_persistent_context(
                profile, executable_path="/usr/bin/chromium", args=args, headless=True
            )
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_port}/")
            page.wait_for_selector("#map-graph .scatterlayer .trace:last-of-type path.point", timeout=600_000)
            browser.close()
    finally:
        server.shutdown()


def _measure(args: list[str], before=None) -> dict:
    if before:
        before()
    result = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        return {"failed": (result.stderr.strip().splitlines() or ["killed"])[-1][:200]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def _subjects(workspace: Path) -> tuple[str, str, str | None]:
    """The busiest technology and authority, and the latter's latest NCND on the former (if any)."""
    import polars as pl

    answers = pl.scan_parquet(f"{workspace}/parts/*.responses.parquet")
    busiest = answers.group_by("technology_id").len().sort("len", "technology_id", descending=[True, False])
    technology = busiest.collect().item(0, "technology_id")
    on_it = answers.filter(pl.col("technology_id") == technology)
    authority = (
        on_it.group_by("authority_id").len().sort("len", "authority_id", descending=[True, False]).collect()
    ).item(0, "authority_id")
    ncnd = (
        on_it.filter((pl.col("authority_id") == authority) & (pl.col("stance") == "ncnd"))
        .sort("response_date", "response_id", nulls_last=False)
        .select("response_id")
        .collect()
    )
    return technology, authority, (ncnd.item(-1, "response_id") if ncnd.height else None)


def run(workspace: Path, folder: Path) -> dict:
    technology, authority, response = _subjects(workspace)
    results = {"read": _measure(["read", str(workspace)])}

    def no_cache() -> None:
        for path in (workspace / "derived").glob("focusedfindings*"):
            path.unlink()

    reports = {"technology": ["-t", technology], "authority": ["-a", authority]}
    if response:
        reports["dossier"] = ["-r", response]
    for name, choice in reports.items():
        args = ["report", "-w", str(workspace), *choice, "-o", str(folder / f"{name}.html")]
        results[f"report {name}"] = _measure(args, before=no_cache)
        results[f"report {name}, cached"] = _measure(args)
    if Path("/usr/bin/chromium").is_file():
        results["dashboard first load"] = _measure(["dashboard", str(workspace)])
    print(f"technology {technology}, authority {authority}, dossier {response}", file=sys.stderr)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, help="an existing workspace (left as it was, but its cache)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    add_shapes_option(parser)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    if args.workspace is not None:
        with tempfile.TemporaryDirectory(prefix="mosaic-bench-scale-") as scratch:
            results = run(args.workspace, Path(scratch))
        _print(str(args.workspace), results)
        return
    for shape in args.shapes:
        with tempfile.TemporaryDirectory(prefix=f"mosaic-bench-scale-{shape}-") as scratch:
            folder = Path(scratch)
            print(f"preparing {args.rows:,} responses ({shape}) ...", file=sys.stderr, flush=True)
            csv_path = write_shape(shape, args.rows, args.seed, folder / "answers.csv")
            workspace = folder / "workspace"
            built = _measure(["ingest", str(csv_path), "-w", str(workspace), "--sample-products", "--json"])
            if "failed" in built:
                raise SystemExit(f"ingest failed: {built['failed']}")
            csv_path.unlink()
            results = run(workspace, folder)
        _print(f"{shape} ({args.rows:,} rows)", results)


def _print(label: str, results: dict) -> None:
    """One workspace's (or shape's) block: each step against its own baseline."""
    baseline = results["read"]["seconds"]
    print(f"\n{label}: bare polars.read_parquet of the responses {baseline:.2f} s = 1.0x (baseline)", flush=True)
    for name, figures in results.items():
        if name == "read":
            continue
        if "failed" in figures:
            print(f"  {name:<26} failed: {figures['failed']}")
            continue
        ratio = figures["seconds"] / baseline
        flag = "" if figures["peak_mb"] < 8000 else "  (over 8 GB)"
        print(f"  {name:<26} {figures['seconds']:7.1f} s  {ratio:6.1f}x  peak {figures['peak_mb']:.0f} MB{flag}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2:])
    else:
        main()
