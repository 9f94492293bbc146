"""Read the documents themselves: response letters, disclosure-log pages and regulator decision notices.

Most evidence is not a spreadsheet: it is the authority's letter (a PDF, a web page, an e-mail) and,
after a complaint, the regulator's decision notice. This package turns each document into one response
record whose fields are *text as found* (``"18 November 2024"``, ``"Section 24(2); Section 31(3)"``,
the letter's own answer sentences), each with a confidence and the paragraph (and page) it came from. The
ingest stage then cleans those texts with the same cleaners as a CSV cell, so a letter and a spreadsheet
row about the same answer end up identical.

Public API:

* :func:`extract_document` / :func:`extract_documents`: path(s) -> :class:`Extraction` (kind, fields,
  missing).
* :func:`document_table`: one document as a one-row table of String cells named after ingest's fields,
  plus its issue rows (low-confidence and missing fields): what ``mosaic ingest`` reads.
* :func:`describe`: an extraction as a JSON-ready dict, with each field's normalised reading.
* :func:`apply_user_values`: the user's ``--set`` values put over a document's extracted cells (for a
  document the user's explicit value is the better source), each replacement an issue row and in the
  provenance.
* :data:`DOCUMENT_SUFFIXES`, :data:`ISSUE_SEVERITY`.

Modules: ``text`` (files -> paragraphs; PDF headers, footers, hyphenation), ``fields`` (shared finders
and the confidence levels), ``letters`` (response letters), ``notices`` (ICO and Scottish decision
notices).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from mosaic.extract.fields import HIGH, ISSUE_SEVERITY, Extraction, Found, iso_date, prime_dates, resolve_names
from mosaic.extract.letters import extract_letter
from mosaic.extract.notices import extract_notice, notice_kind
from mosaic.extract.text import DOCUMENT_SUFFIXES, Paragraph, read_paragraphs
from mosaic.normalise.exemptions import exemption_codes
from mosaic.normalise.outcomes import classify_outcome_rows
from mosaic.normalise.technologies import resolve_technologies
from mosaic.registry import load_technologies

__all__ = [
    "DOCUMENT_SUFFIXES",
    "ISSUE_SEVERITY",
    "RECORD_COLUMNS",
    "DocumentTable",
    "Extraction",
    "apply_user_values",
    "Found",
    "describe",
    "document_table",
    "extract_document",
    "extract_documents",
    "extract_paragraphs",
]

LETTER_KIND = "response_letter"

#: Columns of a document's record, in order: ingest's field names, then extra columns (kept by ingest
#: in ``extra``).
RECORD_COLUMNS: tuple[str, ...] = (
    "authority", "technology", "request_id", "request_date", "response_date", "outcome", "exemptions",
    "review_date", "review_outcome", "regulator_reference", "decision_date", "decision_outcome",
    "harm_statement", "public_interest_statement", "source_url",
    "document_kind", "complaint_date", "regulator_upheld", "regulator_not_upheld", "regulator_not_considered",
    "regulator_steps", "regulator_step_days", "regulator_step_by", "provenance", "extraction_notes",
)  # fmt: skip

_DATE_FIELDS = ("request_date", "response_date", "review_date", "decision_date", "complaint_date")


#: A line saying where a saved page came from ("Source: https://...", "URL: https://..."), as people note it
#: at the top of a letter or notice copied from the web; only an http(s) address is taken.
_SOURCE_LINE = re.compile(r"^\s*(?:source|url|address|link)\s*:\s*(https?://\S+)\s*$", re.IGNORECASE)


def extract_paragraphs(paragraphs: list[Paragraph], source_file: str) -> Extraction:
    """Extract one response from a document's paragraphs (pure: no I/O)."""
    prime_dates(paragraphs)
    kind = notice_kind(paragraphs)
    if kind is not None:
        extraction = extract_notice(paragraphs, Extraction(source_file=source_file, kind=kind))
    else:
        extraction = extract_letter(paragraphs, Extraction(source_file=source_file, kind=LETTER_KIND))
    _add_source_line(paragraphs, extraction)
    return extraction


def _add_source_line(paragraphs: list[Paragraph], extraction: Extraction) -> None:
    """The document's own address, from a "Source: URL" line among its first three paragraphs: a decision
    notice or letter saved from the web then links to its page in every finding that cites it."""
    for paragraph in paragraphs[:3]:
        match = _SOURCE_LINE.match(paragraph.text)
        if match:
            extraction.add(Found("source_url", match.group(1), HIGH, paragraph.where), "source_url")
            return


def extract_document(path: Path) -> Extraction:
    """Read one document file and extract its response.

    Raises:
        DataError: the file cannot be read as a document (see :func:`mosaic.extract.text.read_paragraphs`).
    """
    path = Path(path)
    return extract_paragraphs(read_paragraphs(path), path.name)


def extract_documents(paths: Iterable[Path]) -> list[Extraction]:
    """Extract every document, in the order given (all their dates are read in one pass first)."""
    documents = [(Path(p).name, read_paragraphs(Path(p))) for p in paths]
    prime_dates(paragraph for _, paragraphs in documents for paragraph in paragraphs)
    return [extract_paragraphs(paragraphs, name) for name, paragraphs in documents]


@dataclass(frozen=True)
class DocumentTable:
    """One document as ingest reads it: a one-row table of String cells and the extraction's issue rows."""

    source_file: str
    header: list[str]
    frame: pl.DataFrame
    """One String column per ``header`` name, one row."""
    issues: pl.DataFrame
    """``source_row`` (Int64, always 1), ``column``, ``value``, ``issue``, ``severity``, ``message``."""


ISSUE_FRAME_SCHEMA = pl.Schema(
    {
        "source_row": pl.Int64(),
        "column": pl.String(),
        "value": pl.String(),
        "issue": pl.String(),
        "severity": pl.String(),
        "message": pl.String(),
    }
)


def record(extraction: Extraction) -> dict[str, str | None]:
    """The document's cells: kept fields as found (others null), its kind, the provenance of each field,
    and the notes on fields that were not kept."""
    cells: dict[str, str | None] = {name: extraction.value(name) for name in RECORD_COLUMNS}
    cells["document_kind"] = extraction.kind
    cells["provenance"] = (
        "; ".join(
            f"{name} {found.where}" + ("" if found.level == "high" else f" ({found.level})")
            for name, found in extraction.fields.items()
            if found.kept and found.where
        )
        or None
    )
    # Why a field was not kept travels with the row, so a quarantined letter (no authority kept, say)
    # still shows the reason in its raw cells.
    cells["extraction_notes"] = (
        "; ".join(f"{name}: {found.note}" for name, found in extraction.fields.items() if not found.kept and found.note)
        or None
    )
    return cells


def issue_rows(extraction: Extraction) -> pl.DataFrame:
    """Issue rows for fields not kept: low confidence (warning), a placeholder seen instead of a reference
    (info), and not found (core fields: warning)."""
    rows = []
    for name, found in extraction.fields.items():
        if found.kept:
            continue
        code = found.issue or "low_confidence_field"
        why = "" if found.issue else " (low confidence)"
        rows.append(
            (1, name, found.value, code, ISSUE_SEVERITY[code].value,
             f"{name.replace('_', ' ').capitalize()} was not kept{why}: {found.note or 'the cue was too weak'}"
             + (f" (seen at {found.where})" if found.where else "") + ".")
        )  # fmt: skip
    for name in extraction.missing:
        if name in extraction.fields:
            continue
        code = "core_field_not_found" if name in extraction.core else "field_not_found"
        rows.append(
            (
                1,
                name,
                None,
                code,
                ISSUE_SEVERITY[code].value,
                f"No {name.replace('_', ' ')} found in the {extraction.kind.replace('_', ' ')}.",
            )
        )
    return pl.DataFrame(rows, schema=ISSUE_FRAME_SCHEMA, orient="row")


def document_table(path: Path) -> DocumentTable:
    """Read one document into the table ingest normalises (see :class:`DocumentTable`)."""
    extraction = extract_document(path)
    cells = record(extraction)
    frame = pl.DataFrame({name: [value] for name, value in cells.items()}, schema={name: pl.String for name in cells})
    return DocumentTable(source_file=Path(path).name, header=list(cells), frame=frame, issues=issue_rows(extraction))


def apply_user_values(
    frame: pl.DataFrame, issues: pl.DataFrame, values: dict[str, str]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Put the values the user set explicitly (``--set FIELD=VALUE``) over a document's extracted cells.

    For a CSV, ``--set`` only fills blanks: the file is the user's own data. For a document the cells are
    the extractor's reading, and a value the user states is the better source, so it wins. Nothing is
    replaced silently: each replaced cell adds an ``extracted_value_replaced`` issue row (its ``value`` is
    the extracted text) and its provenance entry becomes ``technology --set (replaced extracted
    'Cellebrite UFED' ¶14)``; a cell the extractor left null is filled and cited as ``technology --set``.
    A value equal to the extracted one (ignoring case and spacing) changes nothing.

    Args:
        frame: the document's one-row table (:class:`DocumentTable` ``frame``, extra columns allowed).
        issues: its issue rows (``ISSUE_FRAME_SCHEMA``).
        values: field name -> value, as ``--set`` gives them; fields the document has no cell for
            (``product``, ``source_url``...) are left to ingest, which fills them.

    Returns:
        ``(frame, issues)`` with the values applied and the new issue rows appended.
    """
    row = frame.row(0, named=True)
    provenance = [entry for entry in (row.get("provenance") or "").split("; ") if entry]
    replaced: dict[str, str | None] = {}
    added = []
    for name, value in values.items():
        if name not in frame.columns or name in ("provenance", "extraction_notes", "document_kind"):
            continue
        extracted = row[name]
        if extracted is not None and " ".join(extracted.split()).casefold() == " ".join(value.split()).casefold():
            continue
        replaced[name] = value
        at = next((i for i, entry in enumerate(provenance) if entry.startswith(f"{name} ")), None)
        where = provenance[at][len(name) + 1 :] if at is not None else None
        if extracted is None:
            cited = f"{name} --set"
        else:
            cited = f"{name} --set (replaced extracted {extracted!r}" + (f" {where}" if where else "") + ")"
            added.append(
                (1, name, extracted, "extracted_value_replaced", ISSUE_SEVERITY["extracted_value_replaced"].value,
                 f"{name.replace('_', ' ').capitalize()}: the document reads {extracted!r}" + (f" (at {where})" if where else "")
                 + f"; replaced by the value given with --set, {value!r}.")
            )  # fmt: skip
        if at is None:
            provenance.append(cited)
        else:
            provenance[at] = cited
    if not replaced:
        return frame, issues
    if "provenance" in frame.columns:
        replaced["provenance"] = "; ".join(provenance)
    frame = frame.with_columns(pl.lit(text, dtype=pl.String).alias(name) for name, text in replaced.items())
    if added:
        issues = pl.concat([issues, pl.DataFrame(added, schema=ISSUE_FRAME_SCHEMA, orient="row")])
    return frame, issues


def describe(extraction: Extraction) -> dict[str, Any]:
    """An extraction as a JSON-ready dict: every field with value, confidence, level, provenance, note and
    its normalised reading (ISO date, outcome, exemption codes, register id), plus what was not found."""
    fields: dict[str, Any] = {}
    for name, found in extraction.fields.items():
        fields[name] = {
            "value": found.value if found.kept else None,
            "seen": None if found.kept else found.value,
            "confidence": found.confidence,
            "level": found.level,
            "where": found.where,
            "note": found.note,
            "normalised": _normalised(name, found.value, extraction) if found.kept else None,
        }
    return {
        "file": extraction.source_file,
        "kind": extraction.kind,
        "fields": fields,
        "missing": [m for m in extraction.missing if m not in fields],
    }


def _normalised(name: str, value: str | None, extraction: Extraction) -> Any:
    if value is None:
        return None
    if name in _DATE_FIELDS:
        return iso_date(value)
    if name == "outcome":
        # Read exactly as ingest reads the row: the outcome text with the exemptions the document cites.
        cited = exemption_codes(extraction.value("exemptions") or "")
        return classify_outcome_rows(
            pl.Series([value], dtype=pl.String), pl.Series([cited], dtype=pl.List(pl.String))
        ).item(0, "outcome")
    if name == "exemptions":
        return exemption_codes(value)
    if name == "authority":
        return resolve_names([value]).get(value)
    if name == "technology":
        rows = pl.DataFrame(
            {"technology_name": [value], "product": [None], "vendor": [None]},
            schema=dict.fromkeys(("technology_name", "product", "vendor"), pl.String),
        )
        technology_id = resolve_technologies(rows, load_technologies()).item(0, "technology_id")
        return None if technology_id is None or technology_id.startswith("unresolved:") else technology_id
    return None
