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
header line is ``"record": "run"``); Parquet is two files, ``NAME.parquet`` (the findings) and
``NAME.evidence.parquet`` (the evidence sets). ``findings_records`` (``mosaic.analyses``) still gives one
finding's evidence inline, as the reports use it.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl

from mosaic.analyses.findings import METRICS, key_evidence
from mosaic.present.labels import check_rank, severity_rank

#: The scalar columns of a finding record, in order.
FINDING_COLUMNS: tuple[str, ...] = (
    "check", "severity", "scope", "authority_id", "authority_name", "technology_id", "technology_name",
    "region", "response_id", "response_date", "as_of", "summary",
)  # fmt: skip


def check_metrics(findings: pl.DataFrame) -> dict[tuple[str, str], list[str]]:
    """The metrics each kind of finding reports, by (check, scope): those set on at least one of its
    findings, in ``METRICS`` order. A finding then carries the metrics its own check gives findings of its
    scope (a technology's coverage, a response's peer counts), not every other check's nulls."""
    names = list(METRICS)
    if findings.height == 0:
        return {}
    present = (
        findings.select(
            "check", "scope", *[pl.col("metrics").struct.field(name).is_not_null().alias(name) for name in names]
        )
        .group_by("check", "scope")
        .agg(pl.all().any())
    )
    return {
        (row["check"], row["scope"]): [name for name in names if row[name]]
        for row in present.iter_rows(named=True)  # one row per check and scope: a handful
    }


#: Scopes in reading order within a check: the answer, the authority's series, the national picture.
SCOPE_ORDER: dict[str, int] = {"response": 0, "authority": 1, "technology": 2, "region": 3}


def in_reading_order(findings: pl.DataFrame) -> pl.DataFrame:
    """Findings in one fixed order (check order, scope, strongest first, then technology, authority, date, id and
    sentence): the same data writes the same bytes, whatever order the checks' group-bys produced."""
    return findings.sort(
        check_rank(),
        pl.col("scope").replace_strict(SCOPE_ORDER, default=len(SCOPE_ORDER), return_dtype=pl.Int64),
        severity_rank(),
        "technology_id",
        "authority_id",
        "response_date",
        "response_id",
        "summary",
        nulls_last=True,
    )


def _prepared(run: pl.DataFrame | tuple[pl.DataFrame, pl.DataFrame]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A run's findings keyed (``key_evidence``; a pair from the findings cache is used as it is), in
    reading order, with the evidence sets in the order their findings first cite them: the same data
    writes the same bytes, from the cache or not."""
    keyed, evidence = run if isinstance(run, tuple) else key_evidence(run)
    keyed = in_reading_order(keyed)
    order = keyed.select("evidence_id").drop_nulls().unique(maintain_order=True)
    return keyed, order.join(evidence, on="evidence_id", how="left", maintain_order="left")


def _records(findings: pl.DataFrame, metrics_of: dict[tuple[str, str], list[str]]) -> list[pl.DataFrame]:
    """One frame per check and scope (in reading order), each with only its own metrics, NaN as null."""
    frames = []
    kinds = findings.select("check", "scope").unique(maintain_order=True).iter_rows()
    for check_id, scope in kinds:
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
        frames.append(
            findings.filter((pl.col("check") == check_id) & (pl.col("scope") == scope)).select(
                *FINDING_COLUMNS,
                (own if names else pl.lit({}, pl.Struct({}))).alias("metrics"),
                "evidence_count",
                "evidence_id",
            )
        )
    return frames


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


def write_json(run: pl.DataFrame | tuple[pl.DataFrame, pl.DataFrame], header: dict[str, Any], stream: BinaryIO) -> None:
    """The findings as one JSON document on ``stream``: ``header``'s keys, then ``findings`` and
    ``evidence_sets`` (see the module's contract)."""
    keyed, evidence = _prepared(run)
    opening = json.dumps(header, ensure_ascii=False)[:-1]
    stream.write(opening.encode("utf-8") + (b', "findings": [' if header else b'{"findings": ['))
    first = True
    for frame in _records(keyed, check_metrics(keyed)):
        first = _write_json_items(frame, stream, first)
    stream.write(b'],\n "evidence_sets": [')
    _write_json_items(evidence, stream, True)
    stream.write(b"]}\n")


def write_ndjson(
    run: pl.DataFrame | tuple[pl.DataFrame, pl.DataFrame], header: dict[str, Any], stream: BinaryIO
) -> None:
    """The findings as NDJSON on ``stream``: a ``run`` line (``header``), a line per finding, then a line
    per evidence set; each line says which it is in ``record``."""
    keyed, evidence = _prepared(run)
    stream.write(json.dumps({"record": "run", **header}, ensure_ascii=False).encode("utf-8") + b"\n")
    pieces = [
        frame.select(pl.lit("finding").alias("record"), pl.all()) for frame in _records(keyed, check_metrics(keyed))
    ]
    pieces.append(evidence.select(pl.lit("evidence_set").alias("record"), pl.all()))
    for frame in pieces:
        for offset in range(0, frame.height, CHUNK_ROWS):
            buffer = io.BytesIO()
            frame.slice(offset, CHUNK_ROWS).write_ndjson(buffer)
            stream.write(buffer.getbuffer())


def evidence_path(path: Path) -> Path:
    """Where the evidence sets of a Parquet findings file go: ``NAME.evidence.parquet`` beside ``NAME.parquet``."""
    return path.with_name(f"{path.stem}.evidence{path.suffix or '.parquet'}")


def parquet_files(run: pl.DataFrame | tuple[pl.DataFrame, pl.DataFrame], header: dict[str, Any]) -> tuple[bytes, bytes]:
    """The findings as two Parquet files' bytes: the findings, then the evidence sets (written to
    ``NAME.parquet`` and ``evidence_path(NAME.parquet)`` by the caller).

    Parquet has one schema per file, so the metrics column holds the metrics of every check present (a
    finding's other checks' fields are null, which Parquet stores in a bit); ``header`` goes into the
    files' key-value metadata under ``mosaic``. Zstandard-compressed, a million findings take megabytes."""
    keyed, evidence = _prepared(run)
    reported = {name for names in check_metrics(keyed).values() for name in names}
    used = [name for name in METRICS if name in reported]
    table = keyed.select(
        *FINDING_COLUMNS,
        pl.struct([pl.col("metrics").struct.field(name) for name in used]).alias("metrics")
        if used
        else pl.lit(None, pl.Null).alias("metrics"),
        "evidence_count",
        "evidence_id",
    )
    metadata = {"mosaic": json.dumps(header, ensure_ascii=False)}
    files = []
    for frame in (table, evidence):
        buffer = io.BytesIO()
        frame.write_parquet(buffer, compression="zstd", statistics=False, metadata=metadata)
        files.append(buffer.getvalue())
    return files[0], files[1]
