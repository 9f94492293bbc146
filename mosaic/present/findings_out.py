"""Findings written as files straight from polars frames: JSON, NDJSON and Parquet, with no Python per finding.

Why: a run over a million answers makes hundreds of thousands of findings, most of them citing the same
few evidence lists (the same earlier disclosures stand against every NCND on a product). Turned into
Python objects and written with every check's metrics on every finding, that was 1.3 GB of JSON and a
process killed at 24 GB. Here the work stays in polars and each repeated thing is written once.

The contract (the README's "Findings files" says the same):

* **findings**: one record per finding: ``check``, ``severity``, ``scope``, ``authority_id``,
  ``authority_name``, ``technology_id``, ``technology_name``, ``region``, ``response_id``,
  ``response_date``, ``as_of``, ``summary``, ``metrics`` (only the metrics its own check reports, see
  ``check_metrics``), ``evidence_count`` and ``evidence_id``: the key of its evidence list in
  ``evidence_sets`` (null when it has none).
* **evidence_sets**: one record per distinct evidence list: ``evidence_id`` and ``evidence`` (the items, in
  order: authority, technology, date and its precision, stance, outcome, exemptions, grade, source,
  relation, role, response_id). Identical lists are stored once, whichever findings cite them.

JSON is one document (``{"as_of": ..., "findings": [...], "evidence_sets": [...]}``) readable on its own;
NDJSON is one record per line, each with ``"record": "finding"`` or ``"record": "evidence_set"`` (the
header line is ``"record": "run"``); Parquet is two files, ``NAME.parquet`` (the findings, whose
``metrics`` column holds every metric: one schema for every file) and ``NAME.evidence.parquet`` (the
evidence sets), in the layout of a stored run (``mosaic.analyses.cache``), which is copied when it can be.
``findings_records`` (``mosaic.analyses``) still gives one finding's evidence inline, as the reports use it.
"""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl

from mosaic.analyses.cache import HEADER_KEY
from mosaic.analyses.findings import METRICS, RUN_FILE_COLUMNS, in_citation_order, in_sequence, key_evidence
from mosaic.present.labels import check_rank, severity_rank

#: The scalar columns of a finding record, in order (those of a findings file, before the metrics).
FINDING_COLUMNS: tuple[str, ...] = RUN_FILE_COLUMNS[: RUN_FILE_COLUMNS.index("metrics")]


#: Findings as a frame, or as a lazy frame read as it is consumed (a run larger than memory).
Findings = pl.DataFrame | pl.LazyFrame


def check_metrics(findings: Findings) -> dict[tuple[str, str], list[str]]:
    """The metrics each kind of finding reports, by (check, scope): those set on at least one of its
    findings, in ``METRICS`` order. A finding then carries the metrics its own check gives findings of its
    scope (a technology's coverage, a response's peer counts), not every other check's nulls."""
    names = list(METRICS)
    present = (
        findings.lazy()
        .select("check", "scope", *[pl.col("metrics").struct.field(name).is_not_null().alias(name) for name in names])
        .group_by("check", "scope")
        .agg(pl.all().any())
        .collect()
    )
    return {
        (row["check"], row["scope"]): [name for name in names if row[name]]
        for row in present.iter_rows(named=True)  # one row per check and scope: a handful
    }


#: Scopes in reading order within a check: the answer, the authority's series, the national picture.
SCOPE_ORDER: dict[str, int] = {"response": 0, "authority": 1, "technology": 2, "region": 3}


#: What findings are ordered by, after the check, scope and severity ranks: the same data writes the same bytes.
_ORDER_TAIL: tuple[str, ...] = ("technology_id", "authority_id", "response_date", "response_id", "summary")


def _reading_order_keys() -> list[pl.Expr]:
    return [
        check_rank(),
        pl.col("scope").replace_strict(SCOPE_ORDER, default=len(SCOPE_ORDER), return_dtype=pl.Int64),
        severity_rank(),
        *(pl.col(name) for name in _ORDER_TAIL),
    ]


def in_reading_order(findings: Findings) -> Findings:
    """Findings in one fixed order (check order, scope, strongest first, then technology, authority, date, id and
    sentence): the same data writes the same bytes, whatever order the checks' group-bys produced.

    Findings already in that order (a run the CLI stored, see ``cached_run``'s ``order``) are returned as
    they are: each row is compared with the next, which holds a few flags rather than a sorted copy.
    Sorting a million findings copied every one of them (900 MB) even when none moved. A lazy frame is
    tested (on its sort keys only) and sorted lazily."""
    keys = _reading_order_keys()
    if isinstance(findings, pl.LazyFrame):
        if _lazily_in_order(findings, keys):
            return findings
        return findings.sort(keys, nulls_last=True, maintain_order=True)
    permutation = READING_ORDER.permutation(findings)
    return findings if permutation is None else findings.select(pl.all().gather(permutation))


class ReadingOrder:
    """``in_reading_order`` as the findings cache applies it (``mosaic.analyses.cache.FindingsOrder``): the
    columns it reads and the permutation that orders them, so a check's findings are put in order a
    column at a time rather than sorted whole."""

    columns: tuple[str, ...] = ("check", "scope", "severity", *_ORDER_TAIL)

    def permutation(self, keys: pl.DataFrame) -> pl.Series | None:
        """The rows of ``keys`` (a frame of ``columns``) in reading order, or None when they are already."""
        order = _reading_order_keys()
        if keys.height < 2 or keys.select(_follows_in_order(order).all()).item():
            return None
        return _reading_permutation(keys, order)


#: The reading order, for ``cached_run(order=...)``.
READING_ORDER = ReadingOrder()


def _reading_permutation(findings: pl.DataFrame, keys: list[pl.Expr]) -> pl.Series:
    """The row order that sorts ``findings`` by ``keys`` (stable, nulls last). The last key, the summary, is
    only a tie-break: it is read only for the rows the other keys leave tied (362 of 1.1 million findings
    on the benchmarks' sample shape). Sorting on every summary built a row key of a few hundred bytes for
    each finding: 700 MB more for five million findings of one check."""
    *head, tie_break = keys
    tied = findings.select(head).is_duplicated()
    return findings.select(
        pl.arg_sort_by([*head, pl.when(tied).then(tie_break)], nulls_last=True, maintain_order=True)
    ).to_series()


def _lazily_in_order(findings: pl.LazyFrame, keys: list[pl.Expr]) -> bool:
    """Whether a lazy frame of findings is in reading order, read one check at a time (a run larger than
    memory: the sort keys of every finding together, summaries included, were gigabytes)."""
    runs = (
        findings.select(check_rank().alias("rank"))
        .with_row_index("start")
        .group_by(pl.col("rank").rle_id().alias("run"), maintain_order=True)
        .agg(pl.col("rank").first(), pl.col("start").first(), pl.len().alias("rows"))
        .collect()
    )
    if not runs.get_column("rank").is_sorted() or not runs.get_column("rank").is_unique().all():
        return False
    return all(
        findings.slice(start, rows).select(_follows_in_order(keys).all()).collect().item()
        for start, rows in runs.select("start", "rows").iter_rows()
    )


def _follows_in_order(keys: list[pl.Expr]) -> pl.Expr:
    """Per row: whether the next row comes after it (or ties) by ``keys``, nulls last; the last row is
    true. Built from the last key backwards: a row precedes the next when its first differing key is
    smaller."""
    in_order: pl.Expr | None = None
    for key in reversed(keys):
        following = key.shift(-1)
        before = (key.is_not_null() & following.is_null()) | (key < following).fill_null(False)
        same = key.eq_missing(following)
        in_order = (before | same) if in_order is None else (before | (same & in_order))
    assert in_order is not None
    return in_order | (pl.int_range(pl.len()) == pl.len() - 1)


def _prepared(
    run: pl.DataFrame | tuple[Findings, pl.DataFrame], *, in_order: bool = False
) -> tuple[Findings, pl.DataFrame]:
    """A run's findings keyed (``key_evidence``; a pair from the findings cache is used as it is), in
    reading order, with the evidence sets in the order their findings first cite them: the same data
    writes the same bytes, from the cache or not. ``in_order``: the pair is already so (a run stored with
    its header, ``mosaic.analyses.cache.stored_run_bytes``): testing it again took 0.9 s a million findings."""
    keyed, evidence = run if isinstance(run, tuple) else key_evidence(run)
    if in_order:
        return keyed, evidence
    keyed = in_reading_order(keyed)
    return keyed, in_citation_order(keyed, evidence)


def _records(findings: Findings, metrics_of: dict[tuple[str, str], list[str]]) -> Iterator[pl.DataFrame]:
    """One frame per check and scope (in reading order), each with only its own metrics, NaN as null: made
    one at a time as they are written.

    In reading order each kind's findings are one run of rows, taken as a slice (no copy) before its own
    metrics are picked out; filtering the frame instead copied every metric of every finding of the kind,
    the unset ones included."""
    for (check_id, scope), piece in _kinds(findings):
        names = metrics_of[(check_id, scope)]
        own = pl.struct(
            [
                (
                    pl.col("metrics").struct.field(name).fill_nan(None)
                    if METRICS[name][0].is_float()
                    else pl.col("metrics").struct.field(name)
                )
                for name in names
            ]
        )
        yield piece.select(
            *FINDING_COLUMNS,
            (own if names else pl.lit({}, pl.Struct({}))).alias("metrics"),
            "evidence_count",
            "evidence_id",
        )


def _kinds(findings: Findings) -> Iterator[tuple[tuple[str, str], pl.DataFrame]]:
    """Each (check, scope) with its findings, in order of first appearance: slices when each kind's rows are
    together (findings in reading order), else filtered copies. From a lazy frame each is read when its
    turn comes, so no more than one kind is held."""
    runs = (
        findings.lazy()
        .select("check", "scope")
        .with_row_index("start")
        .group_by(pl.struct("check", "scope").rle_id().alias("run"), maintain_order=True)
        .agg(pl.col("check").first(), pl.col("scope").first(), pl.col("start").first(), pl.len().alias("rows"))
        .collect()
    )
    if runs.select(pl.struct("check", "scope").is_unique().all()).item():
        for check_id, scope, start, rows in runs.select("check", "scope", "start", "rows").iter_rows():
            yield (check_id, scope), _collected(findings.slice(start, rows))
        return
    for check_id, scope in runs.select("check", "scope").unique(maintain_order=True).iter_rows():
        yield (
            (check_id, scope),
            _collected(findings.filter((pl.col("check") == check_id) & (pl.col("scope") == scope))),
        )


def _collected(findings: Findings) -> pl.DataFrame:
    return findings.collect() if isinstance(findings, pl.LazyFrame) else findings


#: Rows written per piece: a million findings make a gigabyte of JSON, never held in memory at once.
CHUNK_ROWS = 50_000


def _write_json_items(frame: pl.DataFrame, stream: BinaryIO, first: bool) -> bool:
    """Write a frame's records as JSON array items (comma-separated, no brackets), ``CHUNK_ROWS`` at a
    time; return whether nothing has been written yet (for the next separator)."""
    for offset in range(0, frame.height, CHUNK_ROWS):
        buffer = io.BytesIO()
        frame.slice(offset, CHUNK_ROWS).write_json(buffer)
        body = buffer.getbuffer()[1:-1]  # drop "[" and "]" without copying the rest
        if len(body):
            if not first:
                stream.write(b",\n")
            stream.write(body)
            first = False
        del body
    return first


def write_json(
    run: pl.DataFrame | tuple[Findings, pl.DataFrame],
    header: dict[str, Any],
    stream: BinaryIO,
    *,
    in_order: bool = False,
) -> None:
    """The findings as one JSON document on ``stream``: ``header``'s keys, then ``findings`` and
    ``evidence_sets`` (see the module's contract). ``in_order``: see ``_prepared``."""
    keyed, evidence = _prepared(run, in_order=in_order)
    opening = json.dumps(header, ensure_ascii=False)[:-1]
    stream.write(opening.encode("utf-8") + (b', "findings": [' if header else b'{"findings": ['))
    first = True
    for frame in _records(keyed, check_metrics(keyed)):
        first = _write_json_items(frame, stream, first)
    stream.write(b'],\n "evidence_sets": [')
    _write_json_items(evidence, stream, True)
    stream.write(b"]}\n")


def write_ndjson(
    run: pl.DataFrame | tuple[Findings, pl.DataFrame],
    header: dict[str, Any],
    stream: BinaryIO,
    *,
    in_order: bool = False,
) -> None:
    """The findings as NDJSON on ``stream``: a ``run`` line (``header``), a line per finding, then a line
    per evidence set; each line says which it is in ``record``. ``in_order``: see ``_prepared``."""
    keyed, evidence = _prepared(run, in_order=in_order)
    stream.write(json.dumps({"record": "run", **header}, ensure_ascii=False).encode("utf-8") + b"\n")
    pieces = itertools.chain(_records(keyed, check_metrics(keyed)), [evidence])
    for piece in pieces:
        kind = "evidence_set" if piece is evidence else "finding"
        frame = piece.select(pl.lit(kind).alias("record"), pl.all())
        for offset in range(0, frame.height, CHUNK_ROWS):
            buffer = io.BytesIO()
            frame.slice(offset, CHUNK_ROWS).write_ndjson(buffer)
            stream.write(buffer.getbuffer())


def evidence_path(path: Path) -> Path:
    """Where the evidence sets of a Parquet findings file go: ``NAME.evidence.parquet`` beside ``NAME.parquet``."""
    return path.with_name(f"{path.stem}.evidence{path.suffix or '.parquet'}")


def parquet_tables(run: pl.DataFrame | tuple[Findings, pl.DataFrame]) -> tuple[Findings, pl.DataFrame]:
    """The findings as the two Parquet files hold them: the findings (to ``NAME.parquet``, in the layout
    ``RUN_FILE_COLUMNS``), then the evidence sets (to ``evidence_path(NAME.parquet)``); the caller writes
    them with ``parquet_options``.

    Parquet has one schema per file, and every findings file has the same one: the metrics column holds
    every metric (``METRICS``), null where a finding's check does not report it (Parquet stores a null in
    a bit), so files of different runs read together. It is the layout of a stored run, which ``mosaic
    analyse`` copies when it can (``mosaic.analyses.cache.stored_run_bytes``); this writes the others.
    Findings given lazily stay lazy, for the writer to stream."""
    keyed, evidence = _prepared(run)
    if isinstance(keyed, pl.LazyFrame):  # streamed to the file a slice at a time (see ``in_sequence``)
        keyed = in_sequence(keyed, keyed.select(pl.len()).collect().item())
        # The lists too: written whole, ten million answers' 3.5 million lists took 3.3 GB more to encode.
        evidence = in_sequence(evidence.lazy(), evidence.height)
    return keyed.select(RUN_FILE_COLUMNS), evidence


def parquet_options(header: dict[str, Any]) -> dict[str, Any]:
    """``write_parquet`` options for both findings files: ``header`` goes into the files' key-value metadata
    under ``mosaic``."""
    return {
        "compression": "zstd",
        "statistics": False,
        "metadata": {HEADER_KEY: json.dumps(header, ensure_ascii=False)},
    }
