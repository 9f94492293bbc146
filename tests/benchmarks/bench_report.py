"""Benchmark: building and rendering reports, against running the checks they rest on, in the same run.

A report run is ``run_checks`` (the analysis) plus ``build_report`` and a renderer (the report's own
work). The machines are shared and noisy, so the figure that matters is the ratio of the report's own
work to the checks measured on the same data in the same run. Each step is repeated and the best kept.
It runs on each shape (``shapes.SHAPES``: the sample generator and the independent ``contested`` one; both
by default), each printed under its name with its ratios against its own checks. The reports are of the
technology and the authority with most answers and of that technology's first NCND, taken from the data.

Usage:
    python tests/benchmarks/bench_report.py [--rows 200000] [--repeat 2] [--shapes sample,contested]

Target (issue 6): each report's own work (build + any one format but PDF) well under the checks' time,
and bounded output (a technology report shows at most 50 findings per check, whatever the data size).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from shapes import add_shapes_option, write_shape  # noqa: E402


def _best(repeat: int, function):
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=2)
    add_shapes_option(parser)
    args = parser.parse_args()
    for shape in args.shapes:
        print(f"\n== {shape} ==", flush=True)
        run_shape(shape, args.rows, args.repeat)


def run_shape(shape: str, rows: int, repeat: int) -> None:
    """Measure and print one shape: its ratios are against its own checks."""
    from mosaic.analyses import AnalysisInputs, run_checks
    from mosaic.ingest.pipeline import Registers, ingest_files
    from mosaic.report import build_report, render_report
    from mosaic.store.workspace import Workspace

    with tempfile.TemporaryDirectory(prefix=f"bench-report-{shape}-") as folder:
        csv_path = write_shape(shape, rows, 7, Path(folder) / "rows.csv")
        workspace = Workspace(Path(folder) / "ws")
        assert ingest_files([csv_path], workspace, registers=Registers.with_sample()).committed
        inputs = AnalysisInputs.from_workspace(workspace)
        _ = inputs.events
        checks_seconds, findings = _best(repeat, lambda: run_checks(inputs))
        print(
            f"{inputs.responses.height} responses; run_checks: {checks_seconds:.2f} s ({findings.height} findings)  [baseline]"
        )
        technology = (
            inputs.events.group_by("technology_id")
            .len()
            .sort("len", "technology_id", descending=[True, False])
            .item(0, "technology_id")
        )
        ncnd = (
            inputs.events.filter(pl.col("is_ncnd") & (pl.col("technology_id") == technology))
            .sort("response_id")
            .item(0, "response_id")
        )
        authority = (
            inputs.events.group_by("authority_id")
            .len()
            .sort("len", "authority_id", descending=[True, False])
            .item(0, "authority_id")
        )
        for name, selection in (
            ("dossier", {"response_id": ncnd}),
            ("technology", {"technology_id": technology}),
            ("authority", {"authority_id": authority}),
        ):
            build_seconds, model = _best(repeat, lambda s=selection: build_report(inputs, findings=findings, **s))
            line = [f"{name:<10} build {build_seconds:6.2f} s ({build_seconds / checks_seconds:.2f}x checks)"]
            for fmt in ("html", "md", "json", "csv", "xlsx", "pdf"):
                seconds, data = _best(1 if fmt == "pdf" else repeat, lambda f=fmt, m=model: render_report(m, f))
                line.append(f"{fmt} {seconds:.2f} s/{len(data) // 1024} KB")
            print("; ".join(line))


if __name__ == "__main__":
    main()
