"""The data contract: every column of every stored table, declared once.

A column has a name, a polars dtype, a one-line meaning and, for closed vocabularies, the enum of allowed
values. Tables are built from column names, so the same quantity has the same name, type and meaning
everywhere (PUDL's ``metadata/fields.py`` is the model). Docs, the dashboard's tooltips and
``enforce_schema`` all read the same declaration.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

import polars as pl

from mosaic.errors import SchemaError
from mosaic.schema.vocab import DatePrecision, MatchMethod, Outcome, Severity, SourceType, Stance

FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)


@dataclass(frozen=True)
class Column:
    """One column of the data contract."""

    name: str
    dtype: pl.DataType
    description: str
    allowed: type[StrEnum] | None = None


EXTRA_DTYPE = pl.List(pl.Struct({"column": pl.String, "value": pl.String}))

_COLUMNS: list[Column] = [
    # identity and provenance
    Column(
        "response_id",
        pl.String(),
        "Stable hash of the response's source content: re-ingesting the same row finds the same id.",
    ),
    Column("source_file", pl.String(), "File name the row came from, as given to ingest."),
    Column("source_row", pl.Int64(), "Row number in the source file as a spreadsheet shows it (the header is row 1)."),
    Column("ingest_id", pl.String(), "Identifier of the ingest run that added the row."),
    # authority
    Column(
        "authority_id",
        pl.String(),
        "Register id of the authority that answered; 'unresolved:<slug>' when the name matched nothing.",
    ),
    Column("authority_name", pl.String(), "The authority's name as given in the input."),
    Column("authority_match", pl.String(), "How the name was resolved against the authority register.", MatchMethod),
    Column(
        "authority_match_score", pl.Float64(), "Similarity score (0-100) of the match; 100 for exact and alias matches."
    ),
    # technology
    Column(
        "technology_id", pl.String(), "Taxonomy id of the most specific technology resolved (a product or a category)."
    ),
    Column("technology_name", pl.String(), "The technology as given in the input."),
    Column("technology_match", pl.String(), "How the technology was resolved against the taxonomy.", MatchMethod),
    Column("technology_match_score", pl.Float64(), "Similarity score (0-100) of the technology match."),
    Column(
        "product",
        pl.String(),
        "Product name (resolved from the taxonomy, else as given); null when only a category was asked about.",
    ),
    Column("vendor", pl.String(), "Vendor of the product (from the taxonomy, else as given)."),
    Column("category", pl.String(), "Taxonomy path of the technology, ids joined by ' > ', broadest first."),
    # request and response
    Column("request_id", pl.String(), "Reference of the request (or of the batch it belongs to), as given."),
    Column(
        "request_date", pl.Date(), "Date the request was made; the first day of the period for month or year precision."
    ),
    Column("request_date_precision", pl.String(), "How much of the request date was given.", DatePrecision),
    Column(
        "response_date",
        pl.Date(),
        "Date of the authority's answer; the first day of the period for month or year precision.",
    ),
    Column("response_date_precision", pl.String(), "How much of the response date was given.", DatePrecision),
    Column("outcome", pl.String(), "What the letter did with the request.", Outcome),
    Column("outcome_text", pl.String(), "The outcome as given in the input."),
    Column(
        "stance",
        pl.String(),
        "What the answer tells the world about existence or use; derived from the outcome.",
        Stance,
    ),
    Column(
        "exemptions",
        pl.List(pl.String()),
        "Normalised exemption codes cited, e.g. s24(2), s31(3), foisa_s18, reg12(6); sorted, distinct.",
    ),
    Column("exemptions_text", pl.String(), "The exemptions as given in the input."),
    # review and regulator
    Column("review_date", pl.Date(), "Date of the internal review's result."),
    Column("review_date_precision", pl.String(), "How much of the review date was given.", DatePrecision),
    Column("review_outcome", pl.String(), "Outcome of the internal review, as given."),
    Column("regulator_reference", pl.String(), "Regulator's case or decision notice reference, e.g. IC-312345-A1B2."),
    Column("decision_date", pl.Date(), "Date of the regulator's decision."),
    Column("decision_date_precision", pl.String(), "How much of the decision date was given.", DatePrecision),
    Column("decision_outcome", pl.String(), "The regulator's outcome, as given."),
    # source
    Column(
        "source_url",
        pl.String(),
        "Where the answer can be read (http or https only; anything else is dropped with an issue).",
    ),
    Column(
        "source_type", pl.String(), "Kind of source; decides the evidence grade. Defaults to foi_response.", SourceType
    ),
    Column("notes", pl.String(), "Free-text notes."),
    Column(
        "harm_statement",
        pl.String(),
        "The letter's statement of the harm in answering (e.g. its 'Evidence of Harm' text), as written; compared across authorities by the boilerplate check.",
    ),
    Column(
        "public_interest_statement",
        pl.String(),
        "The letter's public interest test text, as written; compared across authorities by the boilerplate check.",
    ),
    Column("extra", EXTRA_DTYPE, "Input columns that map to no field, kept as (column, value) pairs in file order."),
    # issues and quarantine
    Column("column", pl.String(), "The input column the issue or quarantine is about (null for the whole row)."),
    Column("value", pl.String(), "The offending input value."),
    Column("issue", pl.String(), "Short machine-readable issue code, e.g. unparseable_date."),
    Column("severity", pl.String(), "How much the issue matters.", Severity),
    Column("message", pl.String(), "The issue in one plain sentence."),
    Column("reason", pl.String(), "Why the row was quarantined, in one plain sentence."),
    Column(
        "raw",
        pl.String(),
        "The quarantined row's raw cells as JSON (an object header -> cell, or a list for a ragged row).",
    ),
    Column(
        "quarantine_id",
        pl.String(),
        "Stable hash of a quarantined row's file, row and content: re-ingesting the same file adds nothing.",
    ),
]

COLUMNS: dict[str, Column] = {c.name: c for c in _COLUMNS}

#: The stored responses table, in column order.
RESPONSE_COLUMNS: tuple[str, ...] = (
    "response_id",
    "authority_id", "authority_name", "authority_match", "authority_match_score",
    "technology_id", "technology_name", "technology_match", "technology_match_score",
    "product", "vendor", "category",
    "request_id", "request_date", "request_date_precision",
    "response_date", "response_date_precision",
    "outcome", "outcome_text", "stance",
    "exemptions", "exemptions_text",
    "review_date", "review_date_precision", "review_outcome",
    "regulator_reference", "decision_date", "decision_date_precision", "decision_outcome",
    "source_url", "source_type", "notes", "harm_statement", "public_interest_statement", "extra",
    "source_file", "source_row", "ingest_id",
)  # fmt: skip

#: One row per cell that was cleaned to null or changed in a way a user should see.
ISSUE_COLUMNS: tuple[str, ...] = (
    "response_id", "source_file", "source_row", "column", "value", "issue", "severity", "message", "ingest_id",
)  # fmt: skip

#: One row per input row that could not become a response.
QUARANTINE_COLUMNS: tuple[str, ...] = (
    "quarantine_id", "source_file", "source_row", "column", "reason", "raw", "ingest_id",
)  # fmt: skip

TABLES: dict[str, tuple[str, ...]] = {
    "responses": RESPONSE_COLUMNS,
    "issues": ISSUE_COLUMNS,
    "quarantine": QUARANTINE_COLUMNS,
}


def table_schema(table: str) -> pl.Schema:
    """Return the polars schema of a stored table, built from the column declarations."""
    return pl.Schema({name: COLUMNS[name].dtype for name in TABLES[table]})


def empty_table(table: str) -> pl.DataFrame:
    """Return an empty frame with the table's schema."""
    return pl.DataFrame(schema=table_schema(table))


def enforce_schema(frame: FrameT, table: str) -> FrameT:
    """Check a frame (eager or lazy) against its table's contract and return it with columns in contract
    order.

    Raises ``SchemaError`` naming the table and every offending column: missing columns, wrong dtypes,
    unexpected columns, and values outside a closed vocabulary. A stage ends by calling this, so a bug
    in one stage cannot leak malformed data into the next.
    """
    expected = table_schema(table)
    schema = frame.collect_schema() if isinstance(frame, pl.LazyFrame) else frame.schema
    problems: list[str] = []
    missing = [n for n in expected if n not in schema]
    if missing:
        problems.append(f"missing {', '.join(missing)}")
    unexpected = [n for n in schema if n not in expected]
    if unexpected:
        problems.append(f"unexpected {', '.join(unexpected)}")
    for name, dtype in expected.items():
        if name in schema and schema[name] != dtype:
            problems.append(f"{name} is {schema[name]}, expected {dtype}")
    if not problems:
        for name in expected:
            allowed = COLUMNS[name].allowed
            if allowed is None:
                continue
            bad = frame.select(pl.col(name).drop_nulls().unique()).filter(
                ~pl.col(name).is_in([v.value for v in allowed])
            )
            bad = bad.collect() if isinstance(bad, pl.LazyFrame) else bad
            if bad.height:
                shown = ", ".join(repr(v) for v in bad.get_column(name).head(5).to_list())
                problems.append(f"{name} has values outside {allowed.__name__}: {shown}")
    if problems:
        raise SchemaError(f"table {table!r} does not match its schema: " + "; ".join(problems))
    return frame.select(expected.names())
