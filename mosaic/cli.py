"""The ``mosaic`` command line: a thin layer over the library.

Each command parses options, calls one library function and prints the result: tables for people (rich),
JSON for programs (``--json``), progress and logs on stderr. Any error a user can cause ends as one line,
``mosaic: error: ...``, and a non-zero exit; never a traceback.
"""

from __future__ import annotations

import datetime as dt
import io
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
from mosaic.errors import MappingError, MosaicError

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

#: Width of output that is not a terminal (a pipe or a file): wide enough that no table is ever cut or
#: wrapped; tables keep their natural width (rich only fills the width when asked to expand).
UNLIMITED_WIDTH = 100_000


def _stdout_console() -> Console:
    """Standard output: fitted to a terminal; to a pipe or a file, never truncated (``mosaic summary | cat``
    used to cut columns at 80 characters and drop small counts)."""
    return Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else UNLIMITED_WIDTH)


out = _stdout_console()
err = Console(stderr=True, highlight=False, soft_wrap=True)

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
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """mosaic: disclosure consistency across authorities."""


# --- ingest --------------------------------------------------------------------------------------


@app.command()
def ingest(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="CSV, TSV or XLSX files of responses, letters and decision notices (.txt, .md, .html, .pdf, .eml), platform JSON or ZIP, or folders of them.",
            show_default=False,
        ),
    ],
    workspace: WorkspaceOption = None,
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map", help="COLUMN=FIELD: read an input column as a field (FIELD 'extra' keeps it aside). Repeatable."
        ),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="FIELD=VALUE: fill a field the file lacks, or its blank cells (for a letter or notice: replace the extracted value). Repeatable.",
        ),
    ] = None,
    monthfirst: Annotated[
        bool, typer.Option("--monthfirst", help="Read 05/07/2024 as May 7 (default: UK day first).")
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Write nothing if any row is quarantined or any cell has a warning.")
    ] = False,
    sample_products: Annotated[
        bool,
        typer.Option(
            "--sample-products",
            help="Also know the fictional products 'mosaic sample' writes (only for files it generated).",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Read response files into the workspace, accounting for every row."""
    from mosaic.ingest.headers import ColumnMapping
    from mosaic.ingest.pipeline import IngestOptions, Registers, ingest_files
    from mosaic.store.workspace import Workspace

    mapping = ColumnMapping.from_options(map_ or [], set_ or [])
    options = IngestOptions(monthfirst=monthfirst, fuzzy_threshold=settings.get("fuzzy_threshold"), strict=strict)
    target = Workspace(settings.workspace_path(workspace), lock_timeout=settings.get("lock_timeout"))
    with _progress() as progress:
        task = progress.add_task("starting", total=None)
        report = ingest_files(
            files,
            target,
            mapping,
            options,
            # Real data never resolves to a fictional product unless the user says the file is generated.
            registers=Registers.with_sample() if sample_products else None,
            on_progress=lambda stage, name: progress.update(task, description=f"{stage} {name}"),
        )
    if as_json:
        out.print_json(json.dumps(report.as_dict()))
    elif report.committed or report.files:  # a refusal before any file was read is its one error line
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
        table.add_row(
            Text(f.source_file),
            *(str(v) for v in (f.rows_read, f.accepted, f.quarantined, f.duplicates, f.issues, f.blank_rows)),
        )
    if len(report.files) > 1:
        table.add_row(
            "total",
            *(
                str(report.total(n))
                for n in ("rows_read", "accepted", "quarantined", "duplicates", "issues", "blank_rows")
            ),
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
    frame = _shown(
        workspace,
        "issues",
        limit,
        as_json,
        ["source_file", "source_row", "column", "value", "issue", "severity", "message"],
    )
    for r in frame.iter_rows(named=True):
        out.print(
            f"{r['source_file']}: row {r['source_row']}, column {r['column']!r}: {r['severity']}: {r['message']}",
            markup=False,
        )


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
    rows: Annotated[
        int | None, typer.Option(help="Rows to generate (default: the bundled sample's waves).", min=1)
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same file.")] = 7,
) -> None:
    """Write realistic SYNTHETIC responses (real force names, fictional products) for trying mosaic out."""
    from mosaic.registry import load_authorities, load_technologies
    from mosaic.sample import generate_sample, write_sample

    frame = generate_sample(load_authorities(), load_technologies(sample=True), rows=rows, seed=seed)
    if output == "-":
        from mosaic.present.writers import frame_csv

        sys.stdout.write(frame_csv(frame))
        return
    write_sample(frame, Path(output))
    err.print(
        f"wrote {frame.height} synthetic rows to {output}; read them with: mosaic ingest {output} --sample-products",
        markup=False,
    )


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
            report = ingest_files(
                [source], target, on_progress=lambda s, n: progress.update(task, description=f"{s} {n}")
            )
        if not report.committed:
            raise MosaicError("; ".join(report.errors))
        if not as_json:
            out.print("SYNTHETIC SAMPLE: real force names, fictional products and events.", style="bold yellow")
            _print_ingest_report(report)
        _print_summary(target, as_json)


def _print_summary(workspace, as_json: bool) -> None:
    from mosaic.analyses import AnalysisInputs
    from mosaic.analyses.overview import stance_overview, wilson_interval
    from mosaic.present.labels import technology_names

    inputs = AnalysisInputs.from_workspace(workspace)
    responses = inputs.responses
    # Named as `analyse`, the dashboard and the reports name it (the register's name, else as most often given).
    names = technology_names(inputs.technologies, inputs.events)
    overview = stance_overview(responses).with_columns(
        technology_label=pl.col("technology_id").replace_strict(
            names, default=pl.col("technology_label"), return_dtype=pl.String
        )
    )
    if as_json:
        out.print_json(json.dumps({"workspace_hash": workspace.content_hash(), "technologies": overview.to_dicts()}))
        return
    table = Table(
        title="Latest stance per authority, by technology",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        pad_edge=False,
        show_edge=False,
    )
    table.add_column("technology", min_width=14)
    for column in ("asked", "confirm", "deny", "NCND", "unknown", "answering", "NCND, 95% CI"):
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
        "'answering' = share of authorities asked whose latest answer confirmed or denied; an earlier answer "
        "stays public after a later NCND (see 'mosaic analyse -c mosaic_exposure').",
        markup=False,
    )


# --- check ---------------------------------------------------------------------------------------


@app.command()
def check(
    workspace: WorkspaceOption = None,
    repair: Annotated[
        bool,
        typer.Option(
            "--repair",
            help="Drop damaged ingests from the manifest so their files can be ingested again (needs --yes).",
        ),
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="With --repair: really drop them.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Verify every part of the workspace against its checksum; with --repair --yes, drop the damaged ones."""
    target = _open_workspace(workspace)
    result = target.check()
    dropped = (
        target.repair(expected=result.damage)
        if repair and yes and result.damage and not result.manifest_problem
        else []
    )
    if as_json:
        out.print_json(
            json.dumps({**result.as_dict(), "repaired": bool(dropped), "dropped": [d.ingest_id for d in dropped]})
        )
    elif result.manifest_problem is None:
        out.print(
            f"workspace {target.path}: {result.ingests} ingests, {result.parts_verified} parts verified",
            markup=False,
            soft_wrap=True,
        )
        for damage in result.damage:
            out.print(f"{'dropped' if dropped else 'damaged'}: {damage.describe()}", markup=False, soft_wrap=True)
        if result.leftovers:
            out.print(
                f"{len(result.leftovers)} files left by an interrupted write (removed by the next ingest): {', '.join(result.leftovers[:3])}",
                markup=False,
                soft_wrap=True,
            )
        if dropped:
            files = sorted({f for d in dropped for f in d.files})
            out.print(
                f"Ingest these files again to restore what was dropped: {', '.join(files) or '(not recorded)'}",
                markup=False,
                soft_wrap=True,
            )
    if result.manifest_problem:
        raise MosaicError(
            f"{result.manifest_problem}; it cannot be repaired automatically: move the folder aside and ingest the files again"
        )
    if result.damage and not dropped:
        lost = "; ".join(f"{d.ingest_id}: {d.holds}" for d in result.damage)
        hint = (
            "add --yes to drop them"
            if repair
            else "'mosaic check --repair --yes' drops them so their files can be ingested again"
        )
        err.print(
            f"mosaic: error: workspace {target.path} has {len(result.damage)} damaged ingest(s) ({lost}); {hint}",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(1)


# --- analyse -------------------------------------------------------------------------------------

_SEVERITY_STYLE = {"strong": "bold red", "notable": "yellow", "info": "dim"}


def parse_date_option(value: str | None, option: str) -> dt.date | None:
    """Parse an ISO date given on the command line; a bad one is a one-line MappingError."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise MappingError(f"{option} {value!r} is not a date; use YYYY-MM-DD") from None


@app.command()
def analyse(
    workspace: WorkspaceOption = None,
    check: Annotated[
        list[str] | None,
        typer.Option("--check", "-c", help="Check id to run (repeatable; default: all). See 'mosaic checks'."),
    ] = None,
    technology: Annotated[
        list[str] | None,
        typer.Option("--technology", "-t", help="Only findings about this technology (name, alias or id; repeatable)."),
    ] = None,
    authority: Annotated[
        list[str] | None,
        typer.Option("--authority", "-a", help="Only findings about this authority (name, alias or id; repeatable)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Judge everything as of this date (YYYY-MM-DD). Default: each response's own date; today for map-level checks.",
        ),
    ] = None,
    format_: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="table, json, ndjson, csv or parquet (parquet needs -o NAME.parquet; its evidence goes to NAME.evidence.parquet).",
        ),
    ] = "table",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of standard output ('-' is standard output)."),
    ] = None,
    limit: Annotated[
        int, typer.Option(help="Table format: findings shown per check, strongest first (0 = all).", min=0)
    ] = 8,
) -> None:
    """Run the consistency checks and print their findings (each with a one-sentence summary)."""
    from mosaic.analyses import (
        AnalysisInputs,
        all_checks,
        resolve_authority_ids,
        resolve_check_ids,
        resolve_technology_ids,
    )
    from mosaic.analyses.cache import cached_run, run_header, stored_run_bytes
    from mosaic.present.findings_out import READING_ORDER

    if format_ not in _ANALYSE_FORMATS:
        raise MappingError(f"--format {format_!r}: use {', '.join(_ANALYSE_FORMATS)}")
    if format_ == "parquet" and (output is None or str(output) == "-"):
        raise MappingError("--format parquet writes files: give -o NAME.parquet")
    date = parse_date_option(as_of, "--as-of")
    store = _open_workspace(workspace)
    from mosaic.present.labels import order_checks, severity_rank

    checks = order_checks(resolve_check_ids(check))
    # The responses are read only when needed (names to resolve, or no cached run), and handed over rather
    # than kept here: they are freed once the run is made, before it is written.
    held = [AnalysisInputs.for_checks(store)] if technology or authority else []
    if held:
        inputs = held[0]
        technology_ids = (
            resolve_technology_ids(technology, inputs.technologies, inputs.responses) if technology else None
        )
        authority_ids = resolve_authority_ids(authority, inputs.authorities, inputs.responses) if authority else None
        del inputs
    else:
        technology_ids = authority_ids = None
    header = run_header(date, store.content_hash(), checks)
    to_files = format_ in ("json", "ndjson", "parquet")
    # A whole run stored as the files hold it (``stored_run_bytes``) is copied (Parquet) or written in the
    # order it is stored in (JSON, NDJSON): never read back to be sorted and encoded again.
    whole = to_files and technology_ids is None and authority_ids is None
    stored = stored_run_bytes(store, checks, as_of=date, header=header) if whole else None
    if stored is None:
        with _progress() as progress:
            task = progress.add_task("analysing", total=len(checks))
            # A whole run is kept in the workspace's findings cache; the next run on the same data reads it.
            keyed_run = cached_run(
                store,
                lambda: held.pop() if held else AnalysisInputs.for_checks(store),
                checks,
                as_of=date,
                technology_ids=technology_ids,
                authority_ids=authority_ids,
                on_progress=lambda name, done, total: progress.update(
                    task, completed=done, description=f"check {name}"
                ),
                order=READING_ORDER,  # stored as written: writing it then sorts nothing
                lazy=True,  # written (or its lines chosen) as read: never held whole
                header=header,  # a whole run is stored as the files hold it
                evidence=format_ != "table",  # the terminal table prints no evidence: none is read
            )
        # The run just stored (a workspace that cannot be written keeps none: written from the frames).
        stored = stored_run_bytes(store, checks, as_of=date, header=header) if whole else None
    if stored is not None:
        if format_ == "parquet":
            _copy_files(stored, output)
        else:
            findings_file, lists_file = stored
            as_stored = (pl.scan_parquet(io.BytesIO(findings_file)), pl.read_parquet(io.BytesIO(lists_file)))
            _write_findings(as_stored, format_, output, header, in_order=True)
        return
    if to_files:
        # Written as stored: findings naming their evidence list, each list once.
        _write_findings(keyed_run, format_, output, header)
        return
    if format_ == "csv":
        _write_findings_csv(keyed_run, output)
        return
    findings = keyed_run[0]  # the table shows no evidence: none is put back in place
    from mosaic.present.labels import SEVERITY_ORDER

    registered = all_checks()
    # To a file: rendered into memory, then written atomically like the other formats (no half-written file).
    to_file = output is not None and str(output) != "-"
    console = Console(file=io.StringIO(), width=UNLIMITED_WIDTH, highlight=False, soft_wrap=False) if to_file else out
    for check_id in checks:
        rows = findings.lazy().filter(pl.col("check") == check_id)
        counts = dict(rows.group_by("severity").len().collect().iter_rows())
        tally = ", ".join(f"{counts[s]} {s}" for s in SEVERITY_ORDER if s in counts) or "no findings"
        console.print(Text.assemble((f"{check_id}", "bold"), f": {registered[check_id].title} ({tally})"))
        ordered = rows.select("severity", "summary", "response_date").sort(
            severity_rank(), "response_date", nulls_last=True, maintain_order=True
        )
        shown = (ordered if limit == 0 else ordered.head(limit)).collect()
        total = sum(counts.values())
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for row in shown.iter_rows(named=True):
            grid.add_row(
                Text("  " + row["severity"], style=_SEVERITY_STYLE.get(row["severity"], "")), Text(row["summary"] or "")
            )
        console.print(grid)
        if shown.height < total:
            console.print(
                Text(
                    f"  ... and {total - shown.height} more (--limit 0 shows all; --format json or csv for the data)",
                    style="dim",
                )
            )
        console.print()
    if date is None:
        console.print(
            Text("As of: each response's own date; today for map-level checks. --as-of to change.", style="dim")
        )
    if to_file:
        _emit(console.file.getvalue(), output)


@app.command("checks")
def list_checks() -> None:
    """List the consistency checks with what each one tests."""
    from mosaic.analyses import all_checks
    from mosaic.present.labels import order_checks

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("check", no_wrap=True)
    table.add_column("level", no_wrap=True)
    table.add_column("what it tests")
    registered = all_checks()
    for item in (registered[check_id] for check_id in order_checks(registered)):
        table.add_row(item.id, item.level, Text(item.description))
    out.print(table)


_ANALYSE_FORMATS = ("table", "json", "ndjson", "csv", "parquet")


def _copy_files(stored: tuple[bytes, bytes], output: Path) -> None:
    """A stored run's two files (``stored_run_bytes``) written to ``NAME.parquet`` and ``NAME.evidence.parquet``,
    each replaced atomically."""
    from mosaic.present.findings_out import evidence_path
    from mosaic.store.files import write_atomically

    for path, data in zip((Path(output), evidence_path(Path(output))), stored, strict=True):
        write_atomically(path, data)
        err.print(f"wrote {path}", markup=False, highlight=False)


def _write_findings(findings, format_: str, output: Path | None, header: dict, *, in_order: bool = False) -> None:
    """JSON, NDJSON or Parquet findings (``mosaic.present.findings_out``) to a file or standard output.
    ``in_order``: a run as stored with its header, already in reading order (see ``findings_out``)."""
    from mosaic.present import findings_out
    from mosaic.store.files import open_atomically

    if format_ == "parquet":
        # Polars writes each file itself (to a temporary path, renamed into place): a million findings
        # encoded into a Python buffer first took 740 MB more.
        from mosaic.store.files import write_parquet_atomically

        tables = findings_out.parquet_tables(findings)
        options = findings_out.parquet_options(header)
        for path, table in zip((Path(output), findings_out.evidence_path(Path(output))), tables, strict=True):
            write_parquet_atomically(path, table, **options)
            err.print(f"wrote {path}", markup=False, highlight=False)
        return
    write = findings_out.write_json if format_ == "json" else findings_out.write_ndjson
    if output is None or str(output) == "-":
        write(findings, header, sys.stdout.buffer, in_order=in_order)
        sys.stdout.buffer.flush()
        return
    with open_atomically(output) as stream:
        write(findings, header, stream, in_order=in_order)


def _write_findings_csv(run: tuple[pl.DataFrame | pl.LazyFrame, pl.DataFrame], output: Path | None) -> None:
    """Findings as CSV: the one findings table every front end writes, formulas neutralised, written a
    slice at a time (``findings_table_slices``) to a file (replaced atomically) or standard output."""
    from mosaic.present.tables import findings_table_slices
    from mosaic.present.writers import write_frames_csv
    from mosaic.store.files import open_atomically

    if output is None or str(output) == "-":
        sys.stdout.flush()
        write_frames_csv(findings_table_slices(*run), sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    with open_atomically(output) as stream:
        write_frames_csv(findings_table_slices(*run), stream)
    err.print(f"wrote {output}", markup=False)


def _emit(text: str, output: Path | None) -> None:
    """Write text to a file (replaced atomically) or to standard output (no file, or ``-o -``)."""
    from mosaic.store.files import write_atomically

    if output is None or str(output) == "-":
        sys.stdout.write(text)
        return
    write_atomically(output, text.encode("utf-8"))
    err.print(f"wrote {output}", markup=False)


# --- dashboard -----------------------------------------------------------------------------------


@app.command()
def dashboard(
    workspace: WorkspaceOption = None,
    host: Annotated[
        str, typer.Option(help="Address to listen on. Anything but 127.0.0.1 needs $MOSAIC_DASHBOARD_PASSWORD.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8050,
    boundaries: Annotated[
        Path | None,
        typer.Option(
            help="GeoJSON of police force areas for the geographic map (default: the ONS boundaries shipped with mosaic).",
            show_default=False,
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Dash debug mode (development only: never on a shared address).")
    ] = False,
) -> None:
    """Serve the interactive map dashboard (the bundled synthetic sample when there is no workspace)."""
    from dashboards.app import create_app
    from dashboards.data import WorkspaceData
    from dashboards.server import default_boundaries, load_boundaries, required_password
    from mosaic.registry import is_bundled_sample, load_authorities
    from mosaic.store.workspace import Workspace

    password = required_password(host, settings.get("dashboard_password"))
    codes = load_authorities().get_column("pfa_code").drop_nulls().to_list()
    loaded = load_boundaries(boundaries, codes) if boundaries is not None else default_boundaries(codes)
    limit = int(settings.get("upload_limit_mb") * 1024 * 1024)
    with tempfile.TemporaryDirectory(prefix="mosaic-dashboard-") as folder:
        target = Workspace(settings.workspace_path(workspace), lock_timeout=settings.get("lock_timeout"))
        is_sample = False
        if not target.exists():
            if workspace is not None:
                raise MosaicError(
                    f"no workspace at {target.path}: run 'mosaic ingest FILE -w {target.path}' first, or leave out --workspace for the sample"
                )
            target, is_sample = _sample_workspace(Path(folder)), True
            err.print(
                "No workspace: showing the bundled SYNTHETIC sample (uploads go to a temporary workspace).",
                markup=False,
            )
        data = WorkspaceData(
            target, is_sample=is_sample or is_bundled_sample(target.scan("responses").select("technology_id").collect())
        )
        application = create_app(data, boundaries=loaded, upload_limit_bytes=limit, password=password)
        where = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
        err.print(f"mosaic dashboard on {where} (workspace {target.path}); Ctrl+C stops it.", markup=False)
        if password:
            err.print("Password required (MOSAIC_DASHBOARD_PASSWORD; any user name).", markup=False)
        application.run(host=host, port=port, debug=debug)


def _sample_workspace(folder: Path):
    """The bundled synthetic sample ingested into a workspace under ``folder``."""
    from mosaic.ingest.pipeline import ingest_files
    from mosaic.resources import sample_path
    from mosaic.store.workspace import Workspace

    target = Workspace(folder / "workspace")
    report = ingest_files([sample_path("responses.csv")], target)
    if not report.committed:
        raise MosaicError("; ".join(report.errors))
    return target


# --- report --------------------------------------------------------------------------------------

_REPORT_FORMATS = ("html", "pdf", "md", "json", "csv", "xlsx")


@app.command()
def report(
    output: Annotated[
        str,
        typer.Option(
            "--output", "-o", help="File to write (replaced atomically), or - for standard output.", show_default=False
        ),
    ],
    workspace: WorkspaceOption = None,
    authority: Annotated[
        str | None,
        typer.Option(
            "--authority",
            "-a",
            help="Authority (name, alias or id): its report, or with --technology its NCND dossier.",
        ),
    ] = None,
    technology: Annotated[
        str | None,
        typer.Option(
            "--technology",
            "-t",
            help="Technology (name, alias or id): the national report, or with --authority a dossier.",
        ),
    ] = None,
    response: Annotated[
        str | None,
        typer.Option("--response", "-r", help="Response id (or a unique prefix of it): the dossier of that answer."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Only facts public by this date (YYYY-MM-DD). Default: the answer's date for a dossier (today for an undated answer), else the latest date in the workspace.",
        ),
    ] = None,
    format_: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="html, pdf, md, json, csv or xlsx (default: from the file name).", show_default=False
        ),
    ] = None,
) -> None:
    """Write a consistency report: a dossier for one NCND answer, a technology's national picture, or an authority's answers."""
    import shlex

    from mosaic.analyses import AnalysisInputs, resolve_authority_ids, resolve_technology_ids
    from mosaic.report import build_report, render_report, write_report

    fmt = (format_ or Path(output).suffix.lstrip(".")).lower()
    fmt = {"markdown": "md", "htm": "html"}.get(fmt, fmt)
    if fmt not in _REPORT_FORMATS:
        raise MappingError(
            f"--format {format_ or fmt!r}: use one of {', '.join(_REPORT_FORMATS)} (or a file name ending in one)"
        )
    if authority is None and technology is None and response is None:
        raise MappingError("say what to report on: --authority, --technology or --response")
    date = parse_date_option(as_of, "--as-of")
    store = _open_workspace(workspace)
    inputs = AnalysisInputs.for_checks(store)  # the display columns are read for the answers a report shows
    authority_id = (
        resolve_authority_ids([authority], inputs.authorities, inputs.responses, one=True)[0] if authority else None
    )
    technology_id = (
        resolve_technology_ids([technology], inputs.technologies, inputs.responses, one=True)[0] if technology else None
    )
    response_id = _resolve_response_id(response, inputs.responses) if response else None

    command = ["mosaic", "report"]
    if workspace is not None:
        command += ["--workspace", str(workspace)]
    for flag, value in (("--response", response_id), ("--authority", authority_id), ("--technology", technology_id)):
        if value:
            command += [flag, value]
    model = build_report(
        inputs,
        authority_id=authority_id,
        technology_id=technology_id,
        response_id=response_id,
        as_of=date,
        workspace_hash=store.content_hash(),
        findings_cache=store,  # the next report on the same data and choices runs no check
    )
    # The default as-of date is only known once the report is built; the command states it explicitly,
    # except for a report of the data as it stands now (a dossier of an undated answer), which the builder
    # marks by leaving --as-of out of its own regenerate command.
    as_of_args = ["--as-of", model.meta.as_of] if "--as-of" in model.meta.command.split() else []
    model = model.with_command(shlex.join([*command, *as_of_args, "--format", fmt, "-o", output]))
    if output == "-":
        data = render_report(model, fmt)
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    target = write_report(model, fmt, Path(output))
    err.print(f"wrote {model.kind} report '{model.title}' ({fmt}) to {target}", markup=False)


def _resolve_response_id(given: str, responses: pl.DataFrame) -> str:
    """A response id, or a unique prefix of one; anything else is a one-line error."""
    text = given.strip()
    ids = responses.get_column("response_id")
    if (ids == text).any():
        return text
    matches = ids.filter(ids.str.starts_with(text)).unique().sort().to_list() if text else []
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise MappingError(
            f"response id prefix {given!r} matches {len(matches)} responses ({', '.join(matches[:3])}, ...); give more characters"
        )
    raise MappingError(
        f"no response with id {given!r} in the workspace (ids are shown by 'mosaic analyse --format csv')"
    )


# --- extract -------------------------------------------------------------------------------------


@app.command()
def extract(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Response letters, disclosure-log pages or decision notices (.txt, .md, .html, .pdf, .eml).",
            show_default=False,
        ),
    ],
    format_: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="table (for people), json (every field with confidence and provenance), or csv (one row per document; 'mosaic ingest' reads it back).",
        ),
    ] = "table",
) -> None:
    """Print the response found in each document: every field with its confidence and where it was found."""
    from mosaic.errors import DataError
    from mosaic.extract import RECORD_COLUMNS, describe, extract_document, record

    if format_ not in ("table", "json", "csv"):
        raise MappingError(f"--format {format_!r}: expected table, json or csv")
    extractions, failures = [], []
    for path in files:
        try:
            extractions.append(extract_document(path))
        except DataError as exc:
            failures.append(str(exc))
    if format_ == "json":
        sys.stdout.write(json.dumps([describe(e) for e in extractions], indent=2, ensure_ascii=False) + "\n")
    elif format_ == "csv":
        rows = [{"source_file": e.source_file, **record(e)} for e in extractions]
        schema = {name: pl.String for name in ("source_file", *RECORD_COLUMNS)}
        from mosaic.present.writers import frame_csv

        sys.stdout.write(frame_csv(pl.DataFrame(rows, schema=schema)))
    else:
        for extraction in extractions:
            _print_extraction(describe(extraction))
    for line in failures:
        err.print(f"mosaic: error: {line}", markup=False)
    if failures:
        raise typer.Exit(1)


def _print_extraction(described: dict) -> None:
    table = Table(
        title=f"{described['file']} ({described['kind'].replace('_', ' ')})",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        pad_edge=False,
    )
    table.add_column("field", overflow="fold", max_width=18)
    table.add_column("value", overflow="fold", ratio=3, min_width=16)
    table.add_column("reads as", overflow="fold", ratio=2, min_width=10)
    for column in ("confidence", "where"):
        table.add_column(column, no_wrap=True)
    for name, field in described["fields"].items():
        if field["value"] is None:
            shown = Text(
                f"not kept: {field['note'] or 'low confidence'}"
                + (f" (saw {field['seen']!r})" if field["seen"] else ""),
                style="yellow",
            )
        else:
            text = field["value"]
            shown = Text(text if len(text) <= 100 else text[:99] + "\u2026")
        normalised = field["normalised"]
        reads_as = (
            ", ".join(normalised) if isinstance(normalised, list) else ("" if normalised is None else str(normalised))
        )
        table.add_row(name, shown, Text(reads_as), field["level"], Text(field["where"] or ""))
    out.print(table)
    if described["missing"]:
        out.print(f"not found: {', '.join(described['missing'])}", markup=False)
    out.print("")


# --- graph ---------------------------------------------------------------------------------------


@app.command()
def graph(
    output: Annotated[
        str,
        typer.Option(
            "--output", "-o", help="File to write (replaced atomically), or - for standard output.", show_default=False
        ),
    ],
    format_: Annotated[
        str, typer.Option("--format", "-f", help="graphml, gexf or json (networkx node-link).", show_default=False)
    ],
    workspace: WorkspaceOption = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Only what was public on this date (YYYY-MM-DD).")
    ] = None,
    technology: Annotated[
        list[str] | None,
        typer.Option(
            "--technology", "-t", help="Only this technology and what is below it (name, alias or id; repeatable)."
        ),
    ] = None,
) -> None:
    """Export the disclosure graph (authorities, technologies, exemptions, evidence) for Gephi, Cytoscape or networkx."""
    from mosaic.analyses import AnalysisInputs, all_checks, resolve_technology_ids
    from mosaic.analyses.cache import cached_findings
    from mosaic.graph import FORMATS, build_graph, restrict, write_graph
    from mosaic.graph.build import EVIDENCE_CHECKS
    from mosaic.graph.export import graph_bytes

    fmt = format_.strip().lower()
    if fmt not in FORMATS:
        raise MappingError(f"--format {format_!r}: use {', '.join(FORMATS)}")
    date = parse_date_option(as_of, "--as-of")
    store = _open_workspace(workspace)
    with _progress() as progress:
        task = progress.add_task("reading workspace", total=None)
        inputs = AnalysisInputs.from_workspace(store)
        technology_ids = (
            resolve_technology_ids(technology, inputs.technologies, inputs.responses) if technology else None
        )
        progress.update(task, description="finding evidence (peer disclosure, self-acknowledgment)")
        # From the workspace's findings cache when a run made them already (mosaic analyse, the dashboard).
        findings = cached_findings(store, inputs, [c for c in EVIDENCE_CHECKS if c in all_checks()])
        progress.update(task, description="building the graph")
        full = build_graph(inputs, findings=findings)
        view = restrict(full, as_of=date, technology_ids=technology_ids)
        progress.update(task, description=f"writing {fmt} ({view.nodes.height:,} nodes, {view.edges.height:,} edges)")
        if output == "-":
            data = graph_bytes(view, fmt)
        else:
            write_graph(view, Path(output), fmt)
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    err.print(f"wrote {view.nodes.height:,} nodes and {view.edges.height:,} edges to {output} ({fmt})", markup=False)


# --- helpers -------------------------------------------------------------------------------------


def _open_workspace(given: Path | None):
    from mosaic.store.workspace import Workspace

    workspace = Workspace(settings.workspace_path(given))
    if not workspace.exists():
        raise MosaicError(f"no workspace at {workspace.path}: run 'mosaic ingest FILE' first, or give --workspace")
    return workspace


def _progress() -> Progress:
    """A spinner on a terminal; nothing at all when standard error is a pipe or a file (rich would leave a
    blank line there, before the one-line error a script reads)."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


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
