"""Turn raw tables into stored responses: map headers, clean cells, resolve names, account for every row.

The flow for each file is one direction and pure apart from reading the file and the final commit::

    read_tables ─> map columns ─> quarantine rows naming no authority/technology ─> hash ─> clean ─> batch
                                                                                   (dates, outcome,
                                                                                    exemptions, names)

Every cleaner works on the distinct values of a column and is joined back, so a million rows cost a few
thousand cleaner calls. A cell a cleaner cannot read becomes null plus an issue row naming the file, row
and column; a row is quarantined only when it names no authority or no technology, or could not be split
into the header's columns. ``rows_read = accepted + quarantined + duplicates`` for every file and overall.

A CSV over ``readers.SLICED_ABOVE_BYTES`` goes through the same flow a slice at a time, each slice's
responses held as compressed Parquet until the commit streams them into the part (``_normalise_in_slices``).

All files of one ``ingest_files`` call are read and normalised before anything is written, then committed
in one atomic, locked step: a file that cannot be read at all stops the whole run with the workspace
untouched, and ``strict`` does the same for any quarantined row or warning.
"""

from __future__ import annotations

import dataclasses
import io
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import polars_hash as plh

from mosaic.errors import DataError, MappingError, WorkspaceError
from mosaic.ingest.headers import FIELDS, HEADER_ALIASES, ColumnMapping, header_key
from mosaic.ingest.readers import ROW_COLUMN, NotChunkable, RawTable, expand_inputs, read_chunks, read_tables
from mosaic.normalise import authorities, dates, exemptions, outcomes, technologies, values
from mosaic.normalise.authorities import resolve_authorities
from mosaic.normalise.dates import parse_dates
from mosaic.normalise.exemptions import parse_exemptions
from mosaic.normalise.outcomes import classify_outcome_rows, stance_expr
from mosaic.normalise.technologies import resolve_technologies
from mosaic.normalise.values import PLAIN_URL_PATTERN, classify_source_types, clean_urls
from mosaic.registry import load_authorities, load_technologies
from mosaic.resources import is_bundled_sample_file
from mosaic.schema import Outcome, Severity, SourceType, empty_table, enforce_schema
from mosaic.store.workspace import Workspace, new_ingest_id

#: Severity of every issue code any cleaner or resolver can emit (each module declares its own).
ISSUE_SEVERITY: dict[str, str] = {
    code: severity.value
    for module in (authorities, dates, exemptions, outcomes, technologies, values)
    for code, severity in module.ISSUE_SEVERITY.items()
}

DATE_FIELDS = ("request_date", "response_date", "review_date", "decision_date")
_ENGINE = "in-memory"
"""polars engine for this module's lazy queries: whole-frame string work and left joins that keep row
order run several times faster in memory than in polars' default streaming engine."""
ID_LENGTH = 16
"""Hex characters kept in ``response_id`` (and ``quarantine_id``): 64 bits, collision-safe far beyond
10^8 rows."""
ID_SCHEME = "xxh3-fields"
"""How ``response_id`` is computed (see ``_response_id``); recorded on every ingest in the manifest."""
LEGACY_ID_SCHEME = "sha256"
"""The scheme of ingests that record none (before version 0.2): SHA-256 of the joined fields
(``_sha256_response_id``). Their ids are kept as they are; see ``ingest_files``."""
HASH_IF_PRESENT = ("harm_statement", "public_interest_statement")
"""Fields added to the contract after responses were stored under the SHA-256 scheme: hashed only when
present, so such a row keeps the id it had before they existed."""

#: Inside a list of codes: the section of each code that carries a subsection ("s21(1)" -> "s21").
_LIMBED_SECTION = pl.element().str.extract(r"^([^()]+)\(", 1)


@dataclass(frozen=True)
class IngestOptions:
    """Options that change how cells are read (validated, immutable)."""

    monthfirst: bool = False
    fuzzy_threshold: float = 90.0
    strict: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.fuzzy_threshold <= 100:
            raise MappingError(f"fuzzy threshold must be between 0 and 100, not {self.fuzzy_threshold}")


@dataclass(frozen=True)
class Registers:
    """The reference registers names are resolved against."""

    authorities: pl.DataFrame
    technologies: pl.DataFrame

    @classmethod
    def default(cls) -> Registers:
        """The bundled registers in ``data/reference``."""
        return cls(load_authorities(), load_technologies())

    @classmethod
    def with_sample(cls) -> Registers:
        """The default registers plus the sample's fictional products, for data made by the sample
        generator (``mosaic sample``; the benchmarks): it names them as the bundled sample does."""
        return cls(load_authorities(), load_technologies(sample=True))

    @classmethod
    def for_file(cls, path: Path) -> Registers:
        """The default registers, plus the sample's fictional products when ``path`` is the bundled sample
        itself (and only then: real data never resolves to a fictional product)."""
        return cls(load_authorities(), load_technologies(sample=is_bundled_sample_file(path)))


@dataclass
class FileReport:
    """What happened to one table (a CSV, or one sheet of a workbook)."""

    source_file: str
    rows_read: int = 0
    accepted: int = 0
    quarantined: int = 0
    duplicates: int = 0
    issues: int = 0
    blank_rows: int = 0
    encoding: str | None = None
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Batch:
    """Normalised rows of one or more tables, ready to commit.

    ``responses`` is lazy: in memory for a table read whole, or over compressed Parquet held in memory
    for each slice of a large file (``_spill``), so ten million rows never sit in memory uncompressed.
    ``response_ids`` are its ids in order, which is all that counting and de-duplicating need.
    """

    responses: pl.LazyFrame
    response_ids: pl.Series
    issues: pl.DataFrame
    quarantine: pl.DataFrame
    files: list[FileReport]
    legacy_ids: pl.DataFrame | None = None
    """``response_id`` beside ``legacy_id`` (the SHA-256 scheme's id) when asked for; else None."""
    spilled: bool = False
    """Whether ``responses`` is held as compressed Parquet (``_spill``)."""


@dataclass
class IngestReport:
    """The reconciliation of one ``ingest_files`` call."""

    files: list[FileReport]
    workspace: str
    ingest_id: str | None = None
    committed: bool = False
    errors: list[str] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)

    def as_dict(self) -> dict[str, Any]:
        """The JSON summary: totals, then one entry per file."""
        return {
            "workspace": self.workspace,
            "ingest_id": self.ingest_id,
            "committed": self.committed,
            "rows_read": self.total("rows_read"),
            "accepted": self.total("accepted"),
            "quarantined": self.total("quarantined"),
            "duplicates": self.total("duplicates"),
            "issues": self.total("issues"),
            "blank_rows": self.total("blank_rows"),
            "errors": self.errors,
            "files": [vars(f) for f in self.files],
        }


ProgressCallback = Callable[[str, str], None]
"""Called as ``(stage, source_file)`` while ingest runs; the CLI and dashboard show it."""


def ingest_files(
    paths: Sequence[Path],
    workspace: Workspace,
    mapping: ColumnMapping | None = None,
    options: IngestOptions | None = None,
    *,
    registers: Registers | None = None,
    on_progress: ProgressCallback | None = None,
) -> IngestReport:
    """Read, normalise and commit files into a workspace, all or nothing.

    Args:
        paths: input files (CSV, TSV, XLSX, platform JSON, letters and notices) or folders of them
            (``readers.expand_inputs``).
        workspace: where accepted rows go.
        mapping: ``--map``/``--set`` options.
        options: date order, fuzzy threshold, strictness.
        registers: authority and technology registers (by default the bundled ones, per file: see
            ``Registers.for_file``).
        on_progress: receives ``(stage, file)`` as work proceeds.

    Returns:
        The reconciliation. ``committed`` is False when an error or ``strict`` stopped the run; the
        workspace is then untouched and ``errors`` says why, one line each.
    """
    mapping = mapping or ColumnMapping()
    options = options or IngestOptions()
    progress = on_progress or (lambda stage, name: None)
    ingest_id = new_ingest_id()
    report = IngestReport(files=[], workspace=str(workspace.path), ingest_id=ingest_id)
    batches: list[Batch] = []
    seen_keys: set[str] = set()
    try:
        paths = expand_inputs(paths)
        # An ingest stored under the old scheme keeps its ids: new rows then get their old-scheme id too,
        # only to recognise a response the workspace already holds under it.
        legacy_ids = workspace.exists() and None in workspace.id_schemes()
    except (DataError, WorkspaceError) as error:
        report.errors.append(str(error))
        return report
    for path in map(Path, paths):
        progress("reading", path.name)
        file_registers = registers or Registers.for_file(path)

        def normalise(table: RawTable, file_registers: Registers = file_registers) -> Batch:
            seen_keys.update(header_key(h) for h in table.header)
            return normalise_table(table, mapping, file_registers, options, ingest_id, legacy_ids=legacy_ids)

        try:
            in_slices = _normalise_in_slices(path, normalise, progress)
            if in_slices is not None:
                batches.append(in_slices)
                continue
            for table in read_tables(path):
                progress("normalising", table.source_file)
                batches.append(normalise(table))
        except (DataError, MappingError) as exc:
            report.errors.append(str(exc))
    report.errors.extend(_unused_maps(mapping, seen_keys))
    report.files = [f for b in batches for f in b.files]
    if report.errors:
        return _nothing_stored(report)
    batch = _merge(batches)
    if options.strict:
        problems = _strict_problems(batch)
        if problems:
            report.errors.extend(problems)
            return _nothing_stored(report)
    progress("writing", str(workspace.path))
    result = workspace.commit(
        batch.responses,
        batch.issues,
        batch.quarantine,
        {
            "ingest_id": ingest_id,
            "id_scheme": ID_SCHEME,
            "files": [vars(f) for f in batch.files],
            "options": {"monthfirst": options.monthfirst, "fuzzy_threshold": options.fuzzy_threshold},
            "map": dict(mapping.mapped),
            "set": dict(mapping.defaults),
        },
        legacy_ids=batch.legacy_ids,
    )
    _apportion_workspace_duplicates(batch, result.accepted_ids)
    report.committed = True
    return report


def _normalise_in_slices(
    path: Path, normalise: Callable[[RawTable], Batch], progress: ProgressCallback
) -> Batch | None:
    """A large delimited file normalised a slice at a time (``readers.read_chunks``), each slice's
    responses spilled to compressed Parquet in memory: None when the file is small, or when a slice
    needs the careful parser (the file is then read whole, exactly as a small one)."""
    slices = read_chunks(path)
    if slices is None:
        return None
    batches: list[Batch] = []
    try:
        for table, share in slices:
            progress("normalising", f"{path.name} ({share:.0%} read)")
            batch = normalise(table)
            batches.append(dataclasses.replace(batch, responses=_spill(batch.responses), spilled=True))
    except NotChunkable:
        return None
    return _one_file(batches)


def _nothing_stored(report: IngestReport) -> IngestReport:
    """A run that wrote nothing accepted nothing: its reconciliation must not say otherwise."""
    for file in report.files:
        file.accepted = 0
        file.issues = 0
    return report


def normalise_table(
    raw: RawTable,
    mapping: ColumnMapping,
    registers: Registers,
    options: IngestOptions,
    ingest_id: str,
    *,
    legacy_ids: bool = False,
) -> Batch:
    """Normalise one raw table into responses, issues and quarantined rows (pure; no I/O).

    ``legacy_ids`` also gives each kept row its id under the old SHA-256 scheme (``Batch.legacy_ids``),
    for a workspace that holds ingests stored under it.
    """
    if raw.document_issues is not None and mapping.defaults:
        # A document's cells are the extractor's reading: a value the user sets explicitly wins over it
        # (a CSV's --set only fills blanks), with an issue row and provenance saying what it replaced.
        from mosaic.extract import apply_user_values

        frame, document_issues = apply_user_values(raw.frame, raw.document_issues, mapping.defaults)
        raw = dataclasses.replace(raw, frame=frame, document_issues=document_issues)
    assigned, extras, notes = mapping.assign(raw.header)
    _require_fields(raw, assigned, mapping)
    labels = {f: assigned.get(f, f"--set {f}") for f in FIELDS}
    report = FileReport(
        source_file=raw.source_file,
        blank_rows=raw.blank_rows,
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        notes=notes,
    )
    has_authority = pl.col("authority_name").is_not_null()
    has_technology = pl.col("technology_name").is_not_null() | pl.col("product").is_not_null()
    # One pass: trim the cells, hash every row (a quarantined row's id is simply never used) and flag
    # the rows that can be kept. The hash is one expression, which polars runs on one thread: a large
    # table is cut into one slice per thread, hashed side by side and put back in order.
    canonical = _canonical(raw, assigned, extras, mapping.defaults)
    hashed = [
        part.lazy()
        .select(*canonical)
        .with_columns(
            __id_bits=_response_id_bits(list(FIELDS.values()), has_extra=bool(extras)),
            __keep=has_authority & has_technology,
            **({"__legacy_id": _sha256_response_id([*FIELDS.values(), "extra"])} if legacy_ids else {}),
        )
        for part in _slices(raw.frame)
    ]
    frame = pl.concat(hashed).collect(engine=_ENGINE)
    # The id's bits are kept as a number too (``__id_key``), for finding repeated rows without hashing
    # strings. Derived here, not in the sliced query: a second step there held ~170 MB more at 1M rows.
    frame = frame.with_columns(
        response_id=pl.col("__id_bits").bin.encode("hex"),
        __id_key=pl.col("__id_bits").bin.reinterpret(dtype=pl.UInt64),
    ).drop("__id_bits")
    keep = frame.get_column("__keep")
    frame = frame.drop("__keep")
    all_kept = bool(keep.all())
    missing = frame.clear() if all_kept else frame.filter(~keep)
    quarantine = pl.concat(
        [
            _quarantine_ragged(raw),
            _quarantine_missing(raw, missing.drop("response_id", "__id_key"), labels),
        ]
    )
    rows = frame if all_kept else frame.filter(keep)

    # The same bits as the id string, so the same rows: a number is hashed several times faster. Counting
    # the distinct ids is cheaper still, and usually says there is no repeat to find.
    keys = rows.get_column("__id_key")
    duplicates_in_file = rows.height - keys.n_unique()
    rows = rows.filter(keys.is_first_distinct()) if duplicates_in_file else rows
    aliases = rows.select("response_id", legacy_id="__legacy_id") if legacy_ids else None
    rows = rows.drop("__legacy_id", "__id_key", strict=False)

    rows, issues = _clean(rows, labels, registers, options)
    if raw.document_issues is not None:
        issues = pl.concat([issues, _document_issues(raw.document_issues, rows)])
    rows = rows.with_columns(
        source_file=pl.lit(raw.source_file),
        ingest_id=pl.lit(ingest_id),
    )
    issues = issues.with_columns(source_file=pl.lit(raw.source_file), ingest_id=pl.lit(ingest_id))
    quarantine = quarantine.with_columns(source_file=pl.lit(raw.source_file), ingest_id=pl.lit(ingest_id))
    quarantine = quarantine.with_columns(
        quarantine_id=plh.concat_str(
            pl.col("source_file"), pl.col("source_row").cast(pl.String), pl.col("raw"), separator="\x1f"
        )
        .chash.sha2_256()
        .str.slice(0, ID_LENGTH)
    )

    report.rows_read = raw.rows_read
    report.quarantined = quarantine.height
    report.duplicates = duplicates_in_file
    report.accepted = rows.height
    report.issues = issues.height
    return Batch(
        responses=enforce_schema(rows, "responses").lazy(),
        response_ids=rows.get_column("response_id"),
        issues=enforce_schema(issues, "issues"),
        quarantine=enforce_schema(quarantine, "quarantine"),
        files=[report],
        legacy_ids=aliases,
    )


# --- steps -------------------------------------------------------------------------------------


def _require_fields(raw: RawTable, assigned: dict[str, str], mapping: ColumnMapping) -> None:
    """A file with no authority or no technology column at all cannot be ingested: say what to do."""
    for required, alternatives in (("authority", ("authority",)), ("technology", ("technology", "product"))):
        if any(f in assigned or f in mapping.defaults for f in alternatives):
            continue
        looked_for = ", ".join(repr(a) for a in HEADER_ALIASES[required][:6])
        raise DataError(
            f"{raw.source_file}: no {required} column (looked for {looked_for}, ...); "
            f"name one with --map COLUMN={required}"
            + (f" or --set {required}=VALUE" if required == "technology" else "")
        )


_NBSP = "\u00a0"


def _tidy(expr: pl.Expr, *, has_nbsp: bool = True) -> pl.Expr:
    """Trim a text cell (non-breaking spaces too, anywhere in the cell, become spaces); blank becomes null.

    ``has_nbsp=False`` (the column holds no non-breaking space at all) skips the replacement, which
    would change nothing there and costs as much as the trim.
    """
    text = expr.str.replace_all(_NBSP, " ", literal=True) if has_nbsp else expr
    return text.str.strip_chars().replace("", None)  # far cheaper than when/then on a million cells


def _canonical(raw: RawTable, assigned: dict[str, str], extras: list[str], defaults: dict[str, str]) -> list[pl.Expr]:
    """The expressions that select, from ``raw.frame`` (or a slice of it), one String column per field (as
    given, trimmed), ``extra`` pairs, and the row number.

    Only the columns a field or ``extra`` uses are trimmed, and the non-breaking-space replacement runs
    only on columns that contain one (found by one cheap scan per column).
    """
    used = list(dict.fromkeys([*assigned.values(), *extras]))
    if raw.has_nbsp is False or not used:
        found = (False,) * len(used)
    else:
        found = raw.frame.select(pl.col(c).str.contains(_NBSP, literal=True).any() for c in used).row(0)
    has_nbsp = dict(zip(used, found, strict=True))
    columns = []
    for name, stored in FIELDS.items():
        column = assigned.get(name)
        expr = _tidy(pl.col(column), has_nbsp=bool(has_nbsp[column])) if column else pl.lit(None, dtype=pl.String)
        if name in defaults:
            expr = expr.fill_null(pl.lit(defaults[name]))
        columns.append(expr.alias(stored))
    if extras:
        pairs = pl.concat_list(
            [pl.struct(column=pl.lit(c), value=_tidy(pl.col(c), has_nbsp=bool(has_nbsp[c]))) for c in extras]
        )
        extra = pairs.list.eval(pl.element().filter(pl.element().struct.field("value").is_not_null()))
    else:
        extra = pl.lit([], dtype=pl.List(pl.Struct({"column": pl.String, "value": pl.String})))
    return [*columns, extra.alias("extra"), pl.col(ROW_COLUMN).alias("source_row")]


def _slices(frame: pl.DataFrame, *, min_rows: int = 100_000) -> list[pl.DataFrame]:
    """``frame`` as consecutive row slices (zero-copy), one per polars thread, so queries over them run
    side by side under a concat.

    The frame is sliced before the query, not the query's result: polars does not push a slice of a
    lazy query below its expressions, so each slice computed the whole table (at a million rows on two
    threads, 0.8 s of CPU instead of 0.5 s, and slower than not slicing at all). A table with no rows
    (every record ragged) is one empty slice.
    """
    parts = max(1, min(pl.thread_pool_size(), frame.height // min_rows))
    size = max(1, -(-frame.height // parts))
    return [frame.slice(start, size) for start in range(0, frame.height, size)] or [frame]


#: A fixed seed per field for ``_response_id`` (the CRC-32 of its stored name): the same value in two
#: different fields hashes differently, and the seeds never depend on the order of the fields.
_FIELD_SEEDS = {name: zlib.crc32(name.encode("utf-8")) for name in [*FIELDS.values(), "extra"]}


def _response_id(columns: list[str], *, has_extra: bool) -> pl.Expr:
    """The row's id from its fields as given (not its file or row number): ``ID_SCHEME``.

    Each non-null field is hashed alone with XXH3-64 (seeded per field), the hashes are combined by XOR,
    and the combined number (in decimal) is hashed with XXH3-128, whose first ``ID_LENGTH`` hex digits
    are the id. A null field adds nothing, so a field added to the contract later leaves the ids of rows
    without it unchanged; ``extra`` (the unmapped columns as ``column=value`` pairs) counts as one field.
    Hashing fields one by one avoids building a joined string per row: about five times faster than
    SHA-256 of the joined fields (the old scheme), which dominated ingest.

    The same response ingested again, from the same file or a copy, gets the same id and is skipped.
    ``tests/unit/ingest/test_response_ids.py`` checks the scheme against the reference ``xxhash``.
    """
    return _response_id_bits(columns, has_extra=has_extra).bin.encode("hex")


def _response_id_bits(columns: list[str], *, has_extra: bool) -> pl.Expr:
    """The bytes whose hex digits are ``_response_id``: ``ID_LENGTH // 2`` of them, big-endian.

    Ingest keeps them as a number too, to find repeated rows without hashing the id strings.
    """
    hashes = [pl.col(c).nchash.xxh3_64(seed=_FIELD_SEEDS[c]).fill_null(0) for c in columns if c != "extra"]
    if has_extra:
        pairs = pl.col("extra").list.eval(
            pl.concat_str(pl.element().struct.field("column"), pl.element().struct.field("value"), separator="=")
        )
        joined = pl.when(pl.col("extra").list.len() > 0).then(pairs.list.join("\x1e"))
        hashes.append(joined.nchash.xxh3_64(seed=_FIELD_SEEDS["extra"]).fill_null(0))
    combined = pl.reduce(lambda left, right: left ^ right, hashes)
    # The first bytes of the digest are its first hex digits: cut before encoding, not after.
    return combined.cast(pl.String).nchash.xxh3_128(return_binary=True, byte_order="big").bin.head(ID_LENGTH // 2)


def _sha256_response_id(columns: list[str]) -> pl.Expr:
    """The row's id under ``LEGACY_ID_SCHEME``: SHA-256 of its fields joined, truncated to ``ID_LENGTH``.

    Computed only beside ``_response_id`` for a workspace holding ingests stored under this scheme.
    """
    parts = [pl.col(c).fill_null("\x00") for c in columns if c != "extra" and c not in HASH_IF_PRESENT]
    extra = (
        pl.col("extra")
        .list.eval(
            pl.concat_str(pl.element().struct.field("column"), pl.element().struct.field("value"), separator="=")
        )
        .list.join("\x1e")
    )
    late = [pl.col(c) for c in columns if c in HASH_IF_PRESENT]  # null ones are skipped by ignore_nulls
    return (
        plh.concat_str(*parts, extra, *late, separator="\x1f", ignore_nulls=True)
        .chash.sha2_256()
        .str.slice(0, ID_LENGTH)
    )


def _document_issues(document_issues: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """Issue rows the document extractor raised (fields not kept), attached to the row's response id."""
    return document_issues.join(rows.select("source_row", "response_id"), on="source_row", how="inner").select(
        "response_id", "source_row", "column", "value", "issue", "severity", "message"
    )


def _quarantine_ragged(raw: RawTable) -> pl.DataFrame:
    return raw.ragged.select(
        pl.col("source_row"),
        pl.lit(None, dtype=pl.String).alias("column"),
        pl.col("reason"),
        pl.col("raw"),
    )


def _quarantine_missing(raw: RawTable, missing: pl.DataFrame, labels: dict[str, str]) -> pl.DataFrame:
    """Rows naming no authority or no technology, with their raw cells as a JSON object."""
    # Usually there are none: then the whole table is not filtered to find nothing.
    source = (
        raw.frame.clear()
        if missing.is_empty()
        else raw.frame.filter(pl.col(ROW_COLUMN).is_in(missing.get_column("source_row").implode()))
    )
    raw_cells = source.select(
        pl.col(ROW_COLUMN).alias("source_row"), pl.struct(pl.exclude(ROW_COLUMN)).struct.json_encode().alias("__raw")
    )
    missing = missing.join(raw_cells, on="source_row", how="left", maintain_order="left")
    no_authority = pl.col("authority_name").is_null()
    return missing.select(
        pl.col("source_row"),
        pl.when(no_authority).then(pl.lit(labels["authority"])).otherwise(pl.lit(labels["technology"])).alias("column"),
        pl.when(no_authority)
        .then(pl.lit("the row names no authority"))
        .otherwise(pl.lit("the row names no technology or product"))
        .alias("reason"),
        pl.col("__raw").alias("raw"),
    )


def _clean(
    rows: pl.DataFrame, labels: dict[str, str], registers: Registers, options: IngestOptions
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Apply every cleaner and resolver; return the typed rows and their issue rows.

    Each cleaner sees the distinct values of its input column(s) only. Its results reach the rows by
    one left join per cleaner (all joins in one lazy query), and its issues by an inner join of the rows
    with just the values that have an issue (usually a handful), so no per-row issue columns are built.
    """
    issue_frames: list[pl.LazyFrame] = []
    joins: list[tuple[list[str], pl.DataFrame]] = []
    severity = pl.col("issue").replace_strict(ISSUE_SEVERITY, default=Severity.WARNING.value, return_dtype=pl.String)

    def attach(
        keys: list[str], cleaned: pl.DataFrame, label: str, *, join: bool = True, hidden: tuple[str, ...] = ()
    ) -> None:
        """Queue the join of a cleaner's per-value results on ``keys`` and collect its issues.

        ``hidden`` keys take part in the join but not in the issue's ``value`` (a derived flag, say).
        """
        cleaned = cleaned.rename({"value": keys[0]}) if "value" in cleaned.columns else cleaned
        flagged = cleaned.filter(pl.col("issue").is_not_null()).select(*keys, "issue", "message")
        if flagged.height:
            shown = [k for k in keys if k not in hidden]
            value = (
                pl.concat_str([pl.col(k) for k in shown], separator=" | ", ignore_nulls=True)
                if len(shown) > 1
                else pl.col(shown[0])
            )
            issue_frames.append(
                rows.lazy()
                .select("response_id", "source_row", *keys)
                .join(flagged.lazy(), on=keys, how="inner", nulls_equal=True, maintain_order="left")
                .select(
                    "response_id",
                    "source_row",
                    pl.lit(label).alias("column"),
                    value.alias("value"),
                    "issue",
                    severity.alias("severity"),
                    "message",
                )
            )
        outputs = [c for c in cleaned.columns if c not in {*keys, "issue", "severity", "message"}]
        if join and outputs:
            joins.append((keys, cleaned.select(*keys, *outputs)))

    # The distinct inputs of every cleaner, computed together.
    url = pl.col("source_url")
    plain_url = url.str.contains(PLAIN_URL_PATTERN)
    queries = {
        **{
            c: rows.lazy().select(pl.col(c).drop_nulls().unique())
            for c in (*DATE_FIELDS, "outcome_text", "exemptions_text", "source_type", "authority_name")
        },
        "technology": rows.lazy().select("technology_name", "product", "vendor").unique(),
        # Per authority name too: a Scottish authority's "s18" is FOISA s18 (see the exemptions block).
        "exemption_pairs": rows.lazy().select("exemptions_text", "outcome_text", "authority_name").unique(),
        "plain_url": rows.lazy().select(plain_url.fill_null(False)),
    }
    collected = dict(zip(queries, pl.collect_all(list(queries.values()), engine=_ENGINE), strict=True))
    distinct = {name: frame.to_series() for name, frame in collected.items()}
    # URLs are often unique per row: only the ones that are not plainly valid go to the cleaner.
    distinct["source_url"] = rows.get_column("source_url").filter(~distinct["plain_url"]).drop_nulls().unique()

    # dates
    for name in DATE_FIELDS:
        parsed = parse_dates(distinct[name], monthfirst=options.monthfirst).rename(
            {"date": f"{name}__parsed", "precision": f"{name}_precision"}
        )
        attach([name], parsed, labels[name])

    # authority (first: the law an answer is under depends on who gave it)
    authority_table = resolve_authorities(
        distinct["authority_name"], registers.authorities, fuzzy_threshold=options.fuzzy_threshold
    )
    attach(["authority_name"], authority_table, labels["authority"])
    scottish_ids = registers.authorities.filter(pl.col("country") == "Scotland").get_column("authority_id").implode()
    scottish_names = authority_table.filter(pl.col("authority_id").is_in(scottish_ids)).get_column("value").implode()
    rows = rows.with_columns(__scottish=pl.col("authority_name").is_in(scottish_names).fill_null(False))

    # exemptions: from the exemptions column (issues reported) and from the outcome text (silently),
    # merged per distinct (exemptions text, outcome text, law) triple, a few hundred at most, not per row.
    # A Scottish authority answers under FOISA, so its texts are read with FOISA as the default law.
    pairs = (
        collected["exemption_pairs"]
        .with_columns(__scottish=pl.col("authority_name").is_in(scottish_names).fill_null(False))
        .select("exemptions_text", "outcome_text", "__scottish")
        .unique()
    )
    column_parts, outcome_parts = [], []
    for scottish in (False, True):
        texts = pairs.filter(pl.col("__scottish") == scottish)
        if texts.is_empty():
            continue
        parsed = parse_exemptions(texts.get_column("exemptions_text"), scottish_authority=scottish)
        column_parts.append(parsed.rename({"value": "exemptions_text"}).with_columns(__scottish=pl.lit(scottish)))
        parsed = parse_exemptions(texts.get_column("outcome_text"), scottish_authority=scottish)
        outcome_parts.append(
            parsed.select(
                pl.col("value").alias("outcome_text"),
                pl.col("exemptions").alias("__ex_outcome"),
                __scottish=pl.lit(scottish),
            )
        )
    from_column = (
        pl.concat(column_parts)
        if column_parts
        else parse_exemptions(pl.Series([], dtype=pl.String))
        .rename({"value": "exemptions_text"})
        .with_columns(__scottish=pl.lit(False))
    )
    attach(["exemptions_text", "__scottish"], from_column, labels["exemptions"], join=False, hidden=("__scottish",))
    from_outcome = (
        pl.concat(outcome_parts)
        if outcome_parts
        else pl.DataFrame(
            schema={"outcome_text": pl.String, "__ex_outcome": pl.List(pl.String), "__scottish": pl.Boolean}
        )
    )
    pairs = (
        pairs.join(
            from_column.select("exemptions_text", "__scottish", pl.col("exemptions").alias("__ex_column")),
            on=["exemptions_text", "__scottish"],
            how="left",
            nulls_equal=True,
        )
        .join(from_outcome, on=["outcome_text", "__scottish"], how="left", nulls_equal=True)
        .select(
            "exemptions_text",
            "outcome_text",
            "__scottish",
            exemptions=pl.concat_list(
                pl.col("__ex_column").fill_null(pl.lit([], dtype=pl.List(pl.String))),
                pl.col("__ex_outcome").fill_null(pl.lit([], dtype=pl.List(pl.String))),
            )
            .list.unique()
            # "Section 21" in one column and "Section 21 (1)" in the other are one exemption: the bare
            # section goes when the same section is cited with its subsection.
            .list.eval(pl.element().filter(~pl.element().is_in(_LIMBED_SECTION.drop_nulls().implode())))
            .list.sort(),
        )
    )
    # outcome (stance is derived below): read from the text together with every code the row cites, so
    # "Partial" with s24(2) in the exemptions column is a partial NCND, not a confirmation.
    classified = pairs.hstack(
        classify_outcome_rows(pairs.get_column("outcome_text"), pairs.get_column("exemptions")).get_columns()
    )
    keys = ["outcome_text", "exemptions_text", "__scottish"]
    attach(keys, classified.drop("exemptions"), labels["outcome"], join=False, hidden=("exemptions_text", "__scottish"))
    joins.append((keys, classified.select(*keys, "exemptions", "outcome")))

    # source url and type. Usually every URL given is plainly valid: the column is then kept as it is,
    # without a join or a copy of a column that is often unique per row.
    all_plain = distinct["source_url"].is_empty()
    if not all_plain:
        urls = clean_urls(distinct["source_url"]).rename({"url": "__url"})
        attach(["source_url"], urls, labels["source_url"])
    types = classify_source_types(distinct["source_type"]).rename({"source_type": "__source_type"})
    attach(["source_type"], types, labels["source_type"])

    # technology
    keys = ["technology_name", "product", "vendor"]
    technology_table = resolve_technologies(
        collected["technology"], registers.technologies, fuzzy_threshold=options.fuzzy_threshold
    )
    attach(keys, technology_table, labels["technology"])

    typed = rows.lazy() if all_plain else rows.lazy().with_columns(distinct["plain_url"].alias("__plain_url"))
    for keys, table in joins:
        typed = typed.join(table.lazy(), on=keys, how="left", nulls_equal=True, maintain_order="left")
    typed = typed.with_columns(
        *(pl.col(f"{name}__parsed").alias(name) for name in DATE_FIELDS),
        pl.col("outcome").fill_null(Outcome.UNKNOWN.value),
        url if all_plain else pl.when(pl.col("__plain_url")).then(url).otherwise(pl.col("__url")).alias("source_url"),
        pl.col("__source_type").fill_null(SourceType.FOI_RESPONSE.value).alias("source_type"),
        pl.col("product_resolved").alias("product"),
        pl.col("vendor_resolved").alias("vendor"),
    ).with_columns(stance_expr("outcome").alias("stance"))
    typed = typed.drop(
        *(f"{name}__parsed" for name in DATE_FIELDS),
        *(() if all_plain else ("__plain_url", "__url")),
        "__scottish",
        "__source_type",
        "product_resolved",
        "vendor_resolved",
    )
    if issue_frames:
        rows, *issue_parts = pl.collect_all([typed, *issue_frames], engine=_ENGINE)
        issues = pl.concat(issue_parts)
    else:
        rows = typed.collect(engine=_ENGINE)
        issues = empty_table("issues").drop("source_file", "ingest_id")
    return rows, issues


def _merge(batches: list[Batch]) -> Batch:
    """Concatenate per-table batches, counting a response seen in an earlier table as a duplicate."""
    if not batches:
        return Batch(
            empty_table("responses").lazy(),
            pl.Series("response_id", [], dtype=pl.String),
            empty_table("issues"),
            empty_table("quarantine"),
            [],
        )
    files = [f for b in batches for f in b.files]
    # Each table's ids are distinct already (``normalise_table``), so a row is new exactly when its id is
    # the first of its kind across the tables in order: one pass over every id, not one per table. A lone
    # table has nothing earlier to repeat, so its million ids are not hashed again for nothing.
    is_first = pl.concat([b.response_ids for b in batches]).is_first_distinct() if len(batches) > 1 else None
    kept: list[pl.LazyFrame] = []
    kept_ids: list[pl.Series] = []
    offset = 0
    for batch, report in zip(batches, files, strict=True):
        ids = batch.response_ids
        fresh_mask = is_first.slice(offset, ids.len()) if is_first is not None else None
        offset += ids.len()
        if fresh_mask is None or fresh_mask.all():
            fresh, fresh_ids = batch.responses, ids
        else:  # rows an earlier table already gave: only then is a spilled slice read back
            fresh = batch.responses.collect().filter(fresh_mask)
            fresh = _spill(fresh) if batch.spilled else fresh.lazy()
            fresh_ids = ids.filter(fresh_mask)
        report.duplicates += ids.len() - fresh_ids.len()
        report.accepted = fresh_ids.len()
        kept.append(fresh)
        kept_ids.append(fresh_ids)
    responses = pl.concat(kept)
    response_ids = pl.concat(kept_ids)
    issues = pl.concat([b.issues for b in batches])
    if response_ids.len() < sum(b.response_ids.len() for b in batches):  # else every issue's response is kept
        issues = issues.filter(pl.col("response_id").is_in(response_ids.implode()))
    # Per file by position, not by name: two files may share a name (a/same.csv, b/same.csv).
    for batch, report, fresh_ids in zip(batches, files, kept_ids, strict=True):
        whole = fresh_ids.len() == batch.response_ids.len()
        report.issues = (
            batch.issues.height
            if whole
            else batch.issues.filter(pl.col("response_id").is_in(fresh_ids.implode())).height
        )
    quarantine = pl.concat([b.quarantine for b in batches]).unique("quarantine_id", keep="first", maintain_order=True)
    aliases = [b.legacy_ids for b in batches if b.legacy_ids is not None]
    legacy_ids = pl.concat(aliases).unique("response_id", keep="first") if aliases else None
    spilled = any(b.spilled for b in batches)
    return Batch(responses, response_ids, issues, quarantine, files, legacy_ids, spilled)


def _spill(responses: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Responses as a scan of compressed Parquet held in memory (about a twentieth of their size)."""
    buffer = io.BytesIO()
    responses.lazy().sink_parquet(buffer, compression="zstd", compression_level=1)
    buffer.seek(0)
    return pl.scan_parquet(buffer)


def _one_file(slices: list[Batch]) -> Batch:
    """The batches of a large file's slices as one file's batch: a response repeated in a later slice is
    a duplicate within the file, and the file has one line in the reconciliation."""
    merged = _merge(slices)
    first, *rest = merged.files
    for report in rest:
        for name in ("rows_read", "accepted", "quarantined", "duplicates", "issues", "blank_rows"):
            setattr(first, name, getattr(first, name) + getattr(report, name))
    merged.files = [first]
    return merged


def _apportion_workspace_duplicates(batch: Batch, accepted_ids: pl.Series) -> None:
    """After the commit, move responses the workspace already had from each file's accepted count to its duplicates.

    ``batch.responses`` holds each file's accepted rows in file order (see ``_merge``), so rows are
    attributed to files by position: two files may share a name (``a/same.csv`` and ``b/same.csv``).
    """
    if accepted_ids.len() == batch.response_ids.len():
        return  # the workspace had none of them: every count stands as ``_merge`` made it
    owners = pl.DataFrame(
        {"__file": range(len(batch.files)), "__n": [f.accepted for f in batch.files]},
        schema={"__file": pl.Int64, "__n": pl.Int64},
    )
    owner = owners.select(pl.col("__file").repeat_by("__n").explode().drop_nulls()).to_series()
    stored = (
        batch.response_ids.to_frame().with_columns(owner).filter(pl.col("response_id").is_in(accepted_ids.implode()))
    )
    accepted = dict(stored.group_by("__file").len().iter_rows())
    issues = dict(batch.issues.join(stored, on="response_id", how="inner").group_by("__file").len().iter_rows())
    for index, file in enumerate(batch.files):
        now = accepted.get(index, 0)
        file.duplicates += file.accepted - now
        file.accepted = now
        file.issues = issues.get(index, 0)


def _strict_problems(batch: Batch) -> list[str]:
    """Under --strict, each quarantined row and each warning is a reason to write nothing."""
    problems = [
        f"{r['source_file']}: row {r['source_row']}"
        + (f", column {r['column']!r}" if r["column"] else "")
        + f": {r['reason']}"
        for r in batch.quarantine.head(20).iter_rows(named=True)
    ]
    warnings = batch.issues.filter(pl.col("severity").is_in([Severity.WARNING.value, Severity.ERROR.value]))
    problems += [
        f"{r['source_file']}: row {r['source_row']}, column {r['column']!r}: {r['message']}"
        for r in warnings.head(20).iter_rows(named=True)
    ]
    total = batch.quarantine.height + warnings.height
    if total > len(problems):
        problems.append(f"... and {total - len(problems)} more")
    if problems:
        problems.append("--strict: nothing was written")
    return problems


def _unused_maps(mapping: ColumnMapping, seen_keys: set[str]) -> list[str]:
    """A --map naming a column that no input has is a typo: report it before writing."""
    return [f"--map: no input file has a column named like {key!r}" for key in mapping.mapped if key not in seen_keys]


__all__ = [
    "Batch",
    "FileReport",
    "IngestOptions",
    "IngestReport",
    "Registers",
    "ingest_files",
    "normalise_table",
]
