"""Literal response rows for unit tests: a row is a dict of the few fields that matter, ``frame`` fills the rest.

Shared by the analyses and graph tests (their conftests re-export it as fixtures).
"""

from __future__ import annotations

import datetime as dt
import hashlib

import polars as pl

from mosaic.schema import STANCE_BY_OUTCOME, Outcome, table_schema


def d(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def response(authority: str, technology: str, outcome: str, date: str | None, **fields) -> dict:
    """One response row: ``date`` is the response date; 'YYYY-MM' gives month precision."""
    precision = "day"
    if date is not None and len(date) == 7:
        date, precision = date + "-01", "month"
    row = {
        "authority_id": authority,
        "authority_name": authority,
        "technology_id": technology,
        "technology_name": technology,
        "outcome": outcome,
        "stance": STANCE_BY_OUTCOME[Outcome(outcome)].value,
        "response_date": d(date),
        "response_date_precision": precision if date else None,
        "exemptions": [],
        "source_type": "foi_response",
        "source_url": f"https://foi.example.org/{authority}/{technology}/{date}",
        "source_file": "test.csv",
    }
    request = fields.pop("request", None)
    if request is not None:
        row["request_date"] = d(request)
        row["request_date_precision"] = "day"
    row.update(fields)
    return row


def frame(rows: list[dict]) -> pl.DataFrame:
    schema = table_schema("responses")
    filled = []
    for index, row in enumerate(rows):
        row = dict(row)
        row.setdefault("source_row", index + 2)
        row.setdefault("ingest_id", "test")
        key = f"{index}|{sorted(row.items(), key=lambda kv: kv[0])}"
        row.setdefault("response_id", hashlib.sha256(key.encode()).hexdigest()[:16])
        filled.append(row)
    return pl.DataFrame(filled, schema=schema)
