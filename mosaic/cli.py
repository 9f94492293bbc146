"""The ``mosaic`` command line: a thin layer over the library.

Each command parses options, calls one library function and prints the result: tables for people (rich),
JSON for programs (``--json``), progress and logs on stderr. Any error a user can cause ends as one line,
``mosaic: error: ...``, and a non-zero exit; never a traceback.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich import box
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from mosaic import __version__, settings
from mosaic.errors import MosaicError

app = typer.Typer(
    name="mosaic",
    help="Lay every authority's answer to the same FOI question side by side: who confirmed, denied or NCNDed, and when.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
show_app = typer.Typer(help="Show what the workspace holds: issue rows or quarantined rows.", no_args_is_help=True)
app.add_typer(show_app, name="show")

out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False)

WorkspaceOption = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        help=f"Workspace folder (default: ${settings.SETTINGS['workspace'].env}, else ./mosaic-workspace).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


def _version(value: bool) -> None:
    if value:
        out.print(f"mosaic {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")] = False,
) -> None:
    """mosaic: disclosure consistency across authorities."""


# --- ingest --------------------------------------------------------------------------------------


@app.command()
def ingest(
    files: Annotated[list[Path], typer.Argument(help="CSV, TSV or XLSX files of responses.", show_default=False)],
    workspace: WorkspaceOption = None,
    map_: Annotated[
        list[str] | None,
        typer.Option("--map", help="COLUMN=FIELD: read an input column as a field (FIELD 'extra' keeps it aside). Repeatable."),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="FIELD=VALUE: fill a field the file lacks, or its blank cells. Repeatable."),
    ] = None,
    monthfirst: Annotated[bool, typer.Option("--monthfirst", help="Read 05/07/2024 as May 7 (default: UK day first).")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Write nothing if any row is quarantined or any cell has a warning.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Read response files into the workspace, accounting for every row."""
    from mosaic.ingest.headers import ColumnMapping
    from mosaic.ingest.pipeline import IngestOptions, ingest_files
    from mosaic.store.workspace import Workspace

    mapping = ColumnMapping.from_options(map_ or [], set_ or [])
    options = IngestOptions(monthfirst=monthfirst, fuzzy_threshold=settings.get("fuzzy_threshold"), strict=strict)
    target = Workspace(settings.workspace_path(workspace), lock_timeout=settings.get("lock_timeout"))
    with _progress() as progress:
        task = progress.add_task("starting", total=None)
        report = ingest_files(
            files, target, mapping, options, on_progress=lambda stage, name: progress.update(task, description=f"{stage} {name}")
        )
    if as_json:
        out.print_json(json.dumps(report.as_dict()))
    else:
        _print_ingest_report(report)
        if report.committed:
            _print_quarantine_preview(target, report.ingest_id)
    if not report.committed:
        for line in report.errors:
            err.print(f"mosaic: error: {line}", markup=False)
        raise typer.Exit(1)


def _print_ingest_report(report) -> None:
    table = Table(title=f"Ingest into {report.workspace}", title_justify="left")
    for column in ("file", "read", "accepted", "quarantined", "duplicates", "issues", "blank"):
        table.add_column(column, justify="left" if column == "file" else "right")
    for f in report.files:
        table.add_row(Text(f.source_file), *(str(v) for v in (f.rows_read, f.accepted, f.quarantined, f.duplicates, f.issues, f.blank_rows)))
    if len(report.files) > 1:
        table.add_row(
            "total", *(str(report.total(n)) for n in ("rows_read", "accepted", "quarantined", "duplicates", "issues", "blank_rows")),
            style="bold",
        )
    out.print(table)
    for f in report.files:
        for note in f.notes:
            out.print(f"note: {f.source_file}: {note}", markup=False)
    if report.committed:
        out.print(
            f"rows read {report.total('rows_read')} = accepted {report.total('accepted')} + quarantined "
            f"{report.total('quarantined')} + duplicates {report.total('duplicates')}",
            markup=False,
        )
        if report.total("issues"):
            out.print("See the issues with: mosaic show issues", markup=False)
    else:
        out.print("Nothing was written.", markup=False)


def _print_quarantine_preview(workspace, ingest_id: str | None) -> None:
    rows = workspace.read("quarantine").filter(pl.col("ingest_id") == ingest_id)
    if rows.height == 0:
        return
    out.print(f"Quarantined rows ({rows.height}; all with: mosaic show quarantine):", markup=False)
    for r in rows.head(10).iter_rows(named=True):
        where = f"row {r['source_row']}" + (f", column {r['column']!r}" if r["column"] else "")
        out.print(f"  {r['source_file']}: {where}: {r['reason']}", markup=False)


# --- show ----------------------------------------------------------------------------------------


@show_app.command("issues")
def show_issues(
    workspace: WorkspaceOption = None,
    limit: Annotated[int, typer.Option(help="Show at most this many rows (0 for all).")] = 50,
    as_json: JsonOption = False,
) -> None:
    """List cells that were cleaned to null or changed, with file, row, column and reason."""
    frame = _shown(workspace, "issues", limit, as_json, ["source_file", "source_row", "column", "value", "issue", "severity", "message"])
    for r in frame.iter_rows(named=True):
        out.print(f"{r['source_file']}: row {r['source_row']}, column {r['column']!r}: {r['severity']}: {r['message']}", markup=False)


@show_app.command("quarantine")
def show_quarantine(
    workspace: WorkspaceOption = None,
    limit: Annotated[int, typer.Option(help="Show at most this many rows (0 for all).")] = 50,
    as_json: JsonOption = False,
) -> None:
    """List rows that could not become responses, with file, row, column, reason and the raw cells."""
    frame = _shown(workspace, "quarantine", limit, as_json, ["source_file", "source_row", "column", "reason", "raw"])
    for r in frame.iter_rows(named=True):
        where = f"row {r['source_row']}" + (f", column {r['column']!r}" if r["column"] else "")
        out.print(f"{r['source_file']}: {where}: {r['reason']}\n    {r['raw']}", markup=False)


def _shown(workspace: Path | None, table_name: str, limit: int, as_json: bool, columns: list[str]) -> pl.DataFrame:
    """Read a table for ``show``; print it as JSON (and return nothing to print) or a heading."""
    frame = _open_workspace(workspace).read(table_name).sort(["source_file", "source_row"])
    total = frame.height
    frame = frame.head(limit) if limit > 0 else frame
    if as_json:
        out.print_json(json.dumps({"total": total, "rows": frame.select(columns).to_dicts()}, default=str))
        return frame.clear()
    out.print(f"{table_name}: showing {frame.height} of {total}", markup=False)
    return frame


# --- sample, summary, demo ---------------------------------------------------------------------


@app.command()
def sample(
    output: Annotated[str, typer.Option("--output", "-o", help="CSV file to write, or - for standard output.")],
    rows: Annotated[int | None, typer.Option(help="Rows to generate (default: the bundled sample's waves).", min=1)] = None,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same file.")] = 7,
) -> None:
    """Write realistic SYNTHETIC responses (real force names, fictional products) for trying mosaic out."""
    from mosaic.registry import load_authorities, load_technologies
    from mosaic.sample import generate_sample, write_sample

    frame = generate_sample(load_authorities(), load_technologies(), rows=rows, seed=seed)
    if output == "-":
        sys.stdout.write(frame.write_csv())
        return
    write_sample(frame, Path(output))
    err.print(f"wrote {frame.height} synthetic rows to {output}", markup=False)


@app.command()
def summary(workspace: WorkspaceOption = None, as_json: JsonOption = False) -> None:
    """Print the national picture per technology: authorities asked and their latest stances."""
    _print_summary(_open_workspace(workspace), as_json)


@app.command()
def demo(as_json: JsonOption = False) -> None:
    """Ingest the bundled synthetic sample into a temporary workspace and print its summary."""
    from mosaic.ingest.pipeline import ingest_files
    from mosaic.resources import sample_path
    from mosaic.store.workspace import Workspace

    source = sample_path("responses.csv")
    with tempfile.TemporaryDirectory(prefix="mosaic-demo-") as folder:
        target = Workspace(Path(folder) / "workspace")
        with _progress() as progress:
            task = progress.add_task("starting", total=None)
            report = ingest_files([source], target, on_progress=lambda s, n: progress.update(task, description=f"{s} {n}"))
        if not report.committed:
            raise MosaicError("; ".join(report.errors))
        if not as_json:
            out.print("SYNTHETIC SAMPLE: real force names, fictional products and events.", style="bold yellow")
            _print_ingest_report(report)
        _print_summary(target, as_json)


def _print_summary(workspace, as_json: bool) -> None:
    from mosaic.analyses.overview import stance_overview, wilson_interval

    responses = workspace.responses()
    overview = stance_overview(responses)
    if as_json:
        out.print_json(json.dumps({"workspace_hash": workspace.content_hash(), "technologies": overview.to_dicts()}))
        return
    table = Table(title="Latest stance per authority, by technology", title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, show_edge=False)
    table.add_column("technology", min_width=14)
    for column in ("asked", "confirm", "deny", "NCND", "unknown", "public", "NCND, 95% CI"):
        table.add_column(column, justify="right", no_wrap=True)
    for r in overview.iter_rows(named=True):
        interval = wilson_interval(r["ncnd_count"], r["asked_count"])
        share = (
            f"{r['ncnd_count']}/{r['asked_count']}"
            if r["asked_count"] < 10 or interval is None
            else f"{r['ncnd_count'] / r['asked_count']:.0%} ({interval[0] * 100:.0f}-{interval[1] * 100:.0f})"
        )
        table.add_row(
            Text(r["technology_label"] or r["technology_id"]),
            *(str(r[k]) for k in ("asked_count", "confirm_count", "deny_count", "ncnd_count", "unknown_count")),
            f"{r['coverage_share']:.0%}",
            share,
        )
    out.print(table)
    out.print(
        f"{responses.height} responses from {responses.get_column('authority_id').n_unique()} authorities. "
        "'public' = share of authorities asked whose latest answer confirmed or denied.",
        markup=False,
    )


# --- helpers -------------------------------------------------------------------------------------


def _open_workspace(given: Path | None):
    from mosaic.store.workspace import Workspace

    workspace = Workspace(settings.workspace_path(given))
    if not workspace.exists():
        raise MosaicError(f"no workspace at {workspace.path}: run 'mosaic ingest FILE' first, or give --workspace")
    return workspace


def _progress() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err, transient=True)


def main() -> None:
    """Entry point: run the app, turning user-caused errors into one line and exit status 2."""
    try:
        app()
    except MosaicError as exc:
        err.print(f"mosaic: error: {exc}", markup=False, highlight=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("mosaic: interrupted", markup=False)
        sys.exit(130)
    except OSError as exc:
        err.print(f"mosaic: error: {exc.filename or ''}: {exc.strerror or exc}", markup=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
