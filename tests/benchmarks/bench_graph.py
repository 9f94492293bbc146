"""Benchmark: the disclosure graph on N responses, against a bare `polars.read_csv` of the same rows.

For each shape (``shapes.SHAPES``: the sample generator and the independent ``contested`` one; both by
default, each printed under its name) the responses are written as CSV and ingested once into a workspace
(``--keep DIR`` keeps both so later runs skip it). Child processes then time, in the same run:

* the baseline: a bare ``polars.read_csv`` of the CSV (best of ``--repeat``);
* ``build_graph`` without and with the ``evidence_for`` edges (the findings of the evidence checks are
  computed beforehand, timed apart and cached in ``--keep``; so are the shared ``AnalysisInputs.events``),
  with the peak resident memory before and after;
* an as-of view (``restrict``), ``to_networkx`` of the graph without evidence (a million responses give
  several million evidence items: too many for an in-memory networkx graph), ``neighbourhood`` (the first call
  builds the integer link index; later calls reuse it), ``agreement_projection`` and ``national_line``.

The views and neighbourhoods are taken from the data, so they hold on either shape: the technology with
most answers (and its top category, for the technology views), and the two authorities with most answers.

Shared machines are noisy: the figure that matters is the ratio to the same shape's bare read.

Usage:
    python tests/benchmarks/bench_graph.py [--rows 1000000] [--repeat 3] [--keep DIR] [--skip-networkx]
                                           [--shapes sample,contested]

Targets (issue: the disclosure graph): frames without Python loops over responses; neighbourhood and
agreement calls without a per-call networkx build (well under a second each at a million responses).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import peak_mb  # noqa: E402
from shapes import add_shapes_option, write_shape  # noqa: E402


def _peak_mb() -> float:
    return peak_mb()


def _best(function, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def _subjects(events: pl.DataFrame) -> dict[str, str]:
    """The two authorities and the technology with most answers (ties by id), and that technology's top category."""
    from mosaic.registry import load_technologies

    def busiest(column: str) -> list[str]:
        counts = events.group_by(column).len().sort("len", column, descending=[True, False])
        return counts.get_column(column).to_list()

    authorities, technology = busiest("authority_id"), busiest("technology_id")[0]
    parents = dict(load_technologies(sample=True).select("technology_id", "parent_id").iter_rows())
    category = technology
    while parents.get(category):
        category = parents[category]
    return {
        "authority": authorities[0],
        "other_authority": authorities[1 % len(authorities)],
        "technology": technology,
        "category": category,
    }


def _child_graph(workspace: str, findings_path: str, repeat: int, skip_networkx: bool) -> None:
    from mosaic.analyses import AnalysisInputs, empty_findings
    from mosaic.graph import (
        agreement_projection,
        build_graph,
        evidence_findings,
        national_line,
        neighbourhood,
        restrict,
        to_networkx,
    )
    from mosaic.store.workspace import Workspace

    figures: dict[str, float] = {}
    started = time.perf_counter()
    inputs = AnalysisInputs.from_workspace(Workspace(workspace))
    _ = inputs.events
    figures["load_and_events_s"] = time.perf_counter() - started
    subjects = _subjects(inputs.events)
    authority, other, technology, category = (
        subjects["authority"],
        subjects["other_authority"],
        subjects["technology"],
        subjects["category"],
    )
    cached = Path(findings_path)
    if cached.exists():
        findings = pl.read_parquet(cached)
        figures["evidence_checks_s"] = float("nan")
    else:
        started = time.perf_counter()
        findings = evidence_findings(inputs)
        figures["evidence_checks_s"] = time.perf_counter() - started
        findings.write_parquet(cached)
    figures["evidence_items"] = int(findings.get_column("evidence").list.len().sum())
    figures["peak_before_build_mb"] = _peak_mb()
    figures["build_plain_s"], plain = _best(lambda: build_graph(inputs, findings=empty_findings()), repeat)
    figures["peak_after_plain_build_mb"] = _peak_mb()
    figures["build_s"], graph = _best(lambda: build_graph(inputs, findings=findings), repeat)
    figures["peak_after_build_mb"] = _peak_mb()
    figures["nodes"], figures["edges"] = graph.nodes.height, graph.edges.height
    figures["graph_frames_mb"] = graph.nodes.estimated_size("mb") + graph.edges.estimated_size("mb")
    figures["evidence_for_edges"] = graph.count("evidence_for")
    figures["as_of_view_s"], _ = _best(lambda: restrict(graph, as_of=dt.date(2022, 1, 1)), repeat)
    figures["technology_view_s"], _ = _best(lambda: restrict(graph, technology_ids=[category]), repeat)

    started = time.perf_counter()
    neighbourhood(graph, authority)
    figures["neighbourhood_first_call_s"] = time.perf_counter() - started  # builds the link index
    calls = [
        dict(node_id=authority, hops=1),
        dict(node_id=authority, hops=2),
        dict(node_id=technology, hops=2),
        dict(node_id=authority, hops=2, as_of=dt.date(2021, 1, 1)),
        dict(node_id=other, hops=2, technology_ids=[category]),
    ]
    times = []
    for call in calls:
        seconds, _ = _best(lambda call=call: neighbourhood(graph, **call), repeat)
        times.append(seconds)
    figures["neighbourhood_median_s"], figures["neighbourhood_max_s"] = statistics.median(times), max(times)
    figures["agreement_s"], projection = _best(lambda: agreement_projection(graph), repeat)
    figures["agreement_pairs"] = projection.pairs.height
    figures["national_line_s"], _ = _best(lambda: national_line(graph), repeat)
    figures["peak_before_networkx_mb"] = _peak_mb()
    graph = findings = None  # free them before networkx
    if not skip_networkx:
        started = time.perf_counter()
        G = to_networkx(plain)
        figures["to_networkx_s"] = time.perf_counter() - started
        figures["networkx_edges"] = G.number_of_edges()
        figures["peak_after_networkx_mb"] = _peak_mb()
    figures["rows"] = inputs.responses.height
    print(json.dumps({**figures, "subjects": subjects}))


def _child_read(csv_path: str, repeat: int) -> None:
    seconds, frame = _best(lambda: pl.read_csv(csv_path), repeat)
    print(json.dumps({"seconds": seconds, "rows": frame.height, "peak_mb": _peak_mb()}))


def _run_child(*args: str) -> dict:
    result = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", type=Path, default=None, help="folder to keep the CSV and workspace in (reused)")
    parser.add_argument(
        "--skip-networkx", action="store_true", help="leave out the (slow, memory-hungry) networkx conversion"
    )
    add_shapes_option(parser)
    args = parser.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="mosaic-bench-graph-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for shape in args.shapes:
            run_shape(shape, folder, args)
    finally:
        if not args.keep:  # the CSVs, workspaces and findings are gigabytes at a million rows
            shutil.rmtree(folder, ignore_errors=True)


def run_shape(shape: str, folder: Path, args: argparse.Namespace) -> None:
    """Prepare, measure and print one shape: its ratios are against its own bare read."""
    from mosaic.ingest.pipeline import Registers, ingest_files
    from mosaic.store.workspace import Workspace

    print(f"\n== {shape} ==")
    csv_path = folder / f"{shape}-{args.rows}-{args.seed}.csv"
    workspace = folder / f"{shape}-workspace-{args.rows}-{args.seed}"
    if not csv_path.exists() or not (workspace / "manifest.json").exists():
        started = time.perf_counter()
        write_shape(shape, args.rows, args.seed, csv_path)
        report = ingest_files([csv_path], Workspace(workspace), registers=Registers.with_sample())
        print(f"generated and ingested {report.total('accepted'):,} rows in {time.perf_counter() - started:.1f} s")

    read = _run_child("--child-read", str(csv_path), str(args.repeat))
    findings = folder / f"{shape}-findings-{args.rows}-{args.seed}.parquet"
    graph = _run_child(
        "--child-graph", str(workspace), str(findings), str(args.repeat), "1" if args.skip_networkx else "0"
    )
    base = read["seconds"]
    subjects = graph["subjects"]

    def line(label: str, seconds: float) -> str:
        return f"{label:<34} {seconds:8.3f} s   {seconds / base:6.2f}x the bare read"

    print(f"responses: {graph['rows']:,}; graph: {graph['nodes']:,} nodes, {graph['edges']:,} edges "
          f"({graph['evidence_for_edges']:,} evidence_for); frames {graph['graph_frames_mb']:.0f} MB")  # fmt: skip
    print(f"views of authorities {subjects['authority']} and {subjects['other_authority']}, technology "
          f"{subjects['technology']} (top category {subjects['category']})")  # fmt: skip
    print(line("bare polars.read_csv (baseline)", base))
    print(line("build_graph, no evidence", graph["build_plain_s"]))
    print(line("build_graph, all evidence_for", graph["build_s"]) + f"   ({graph['evidence_items']:,} evidence items)")
    print(f"{'':<34} peak memory {graph['peak_before_build_mb']:.0f} MB before the builds -> "
          f"{graph['peak_after_plain_build_mb']:.0f} MB (no evidence) -> {graph['peak_after_build_mb']:.0f} MB (with)")  # fmt: skip
    print(line("  (inputs + events, not the graph's)", graph["load_and_events_s"]))
    if graph["evidence_checks_s"] == graph["evidence_checks_s"]:  # not NaN: computed in this run
        print(line("  (evidence checks, not the graph's)", graph["evidence_checks_s"]))
    else:
        print(f"{'  (evidence checks)':<34} read from the findings kept in the --keep folder")
    print(line("as-of view (restrict)", graph["as_of_view_s"]))
    print(line("technology view (restrict)", graph["technology_view_s"]))
    print(line("neighbourhood, first call (index)", graph["neighbourhood_first_call_s"]))
    print(line("neighbourhood, later calls (median)", graph["neighbourhood_median_s"]))
    print(line("neighbourhood, later calls (max)", graph["neighbourhood_max_s"]))
    print(line("agreement_projection", graph["agreement_s"]) + f"   ({graph['agreement_pairs']:,} pairs)")
    print(line("national_line", graph["national_line_s"]))
    if "to_networkx_s" in graph:
        print(line("to_networkx (no evidence_for)", graph["to_networkx_s"]) + f"   ({graph['networkx_edges']:,} edges)")
        print(
            f"{'':<34} peak memory {graph['peak_before_networkx_mb']:.0f} MB -> {graph['peak_after_networkx_mb']:.0f} MB"
        )


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--child-graph":
        _child_graph(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5] == "1")
    elif len(sys.argv) >= 2 and sys.argv[1] == "--child-read":
        _child_read(sys.argv[2], int(sys.argv[3]))
    else:
        main()
