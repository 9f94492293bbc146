"""Which input column feeds which response field: header aliases as data, plus the user's ``--map``/``--set``.

Headers are compared after ``header_key``: case, spacing and punctuation are ignored, so "Date of
response", "date_of_response" and "DATE OF RESPONSE:" are one key. The aliases below are the spellings
seen in hand-made spreadsheets and request-platform exports (WhatDoTheyKnow/Alaveteli, MuckRock). A
``--map COLUMN=FIELD`` wins over them; ``--set FIELD=VALUE`` fills a field the file lacks, or its blank
cells. A bad mapping fails before any row is read (``MappingError``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mosaic.errors import MappingError

#: User-facing field names (for --map/--set) -> the stored column that holds the value as given.
FIELDS: dict[str, str] = {
    "authority": "authority_name",
    "technology": "technology_name",
    "product": "product",
    "vendor": "vendor",
    "request_id": "request_id",
    "request_date": "request_date",
    "response_date": "response_date",
    "outcome": "outcome_text",
    "exemptions": "exemptions_text",
    "review_date": "review_date",
    "review_outcome": "review_outcome",
    "regulator_reference": "regulator_reference",
    "decision_date": "decision_date",
    "decision_outcome": "decision_outcome",
    "source_url": "source_url",
    "source_type": "source_type",
    "notes": "notes",
    "harm_statement": "harm_statement",
    "public_interest_statement": "public_interest_statement",
}

#: Special --map target: keep the column out of every field (it still lands in ``extra``).
IGNORE = "extra"

#: Known header spellings of each field, before ``header_key``. Order matters only for readability.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "authority": (
        "authority", "authority name", "authority_name", "public authority", "public body", "public_body",
        "public body name", "public_body_name", "body", "body name", "force", "force name", "police force",
        "police force name", "organisation", "organization", "agency", "council", "responder",
    ),
    "technology": (
        "technology", "technology name", "technology asked about", "subject", "topic", "question",
        "capability", "category", "technology category",
    ),
    "product": ("product", "product name", "tool", "system", "software", "product or service"),
    "vendor": ("vendor", "supplier", "company", "manufacturer", "provider", "vendor name", "supplier name"),
    "request_id": (
        "request id", "request ref", "request reference", "reference", "ref", "foi ref", "foi reference",
        "foi number", "our ref", "case reference", "request number", "batch", "batch id",
    ),
    "request_date": (
        "request date", "date requested", "date of request", "requested", "date sent", "sent", "submitted",
        "date submitted", "created at", "created_at", "request made",
    ),
    "response_date": (
        "response date", "date of response", "response received", "date responded", "responded",
        "date received", "reply date", "date of reply", "answered", "date answered", "response_date",
    ),
    "outcome": (
        "outcome", "response", "result", "status", "request status", "request_status", "described state",
        "described_state", "answer", "decision", "response type", "response outcome", "position",
    ),
    "exemptions": (
        "exemptions", "exemption", "exemptions cited", "exemptions applied", "sections cited", "sections",
        "section", "sections applied", "exemptions used", "foi exemptions",
    ),
    "review_date": ("internal review date", "review date", "ir date", "date of internal review"),
    "review_outcome": ("internal review outcome", "review outcome", "internal review", "ir outcome", "review result"),
    "regulator_reference": (
        "ico reference", "ico ref", "ico case", "ico case reference", "regulator reference", "decision notice",
        "decision notice reference", "dn reference", "sic reference", "commissioner reference",
    ),
    "decision_date": ("ico decision date", "decision date", "decision notice date", "regulator decision date", "dn date"),
    "decision_outcome": ("ico decision", "ico outcome", "regulator decision", "regulator outcome", "decision outcome", "dn outcome"),
    "source_url": ("source url", "url", "link", "source", "request url", "request_url", "web link", "evidence url", "source link"),
    "source_type": ("source type", "type of source", "evidence type", "source kind"),
    "notes": ("notes", "note", "comments", "comment", "remarks", "details"),
    "harm_statement": ("harm statement", "harm", "evidence of harm", "harm text", "overall harm"),
    "public_interest_statement": ("public interest statement", "public interest test", "public interest", "pit", "public interest text"),
}  # fmt: skip


def header_key(text: str) -> str:
    """Reduce a header to letters and digits, lower case: the form in which headers are compared."""
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


_ALIAS_INDEX: dict[str, str] = {header_key(a): f for f, aliases in HEADER_ALIASES.items() for a in (f, *aliases)}


def field_for_header(column: str) -> str | None:
    """The field a column name is a known alias of ("Force" -> "authority"), or None."""
    return _ALIAS_INDEX.get(header_key(column))


@dataclass(frozen=True)
class ColumnMapping:
    """The user's mapping options, validated before any file is read."""

    mapped: dict[str, str] = field(default_factory=dict)
    """header_key(input column) -> field name, or ``IGNORE``."""
    defaults: dict[str, str] = field(default_factory=dict)
    """field name -> value filling the field where the file has no column or a blank cell."""

    @classmethod
    def from_options(
        cls, maps: list[str] | tuple[str, ...] = (), sets: list[str] | tuple[str, ...] = ()
    ) -> ColumnMapping:
        """Build from ``COLUMN=FIELD`` and ``FIELD=VALUE`` strings; raise ``MappingError`` on a bad one."""
        mapped: dict[str, str] = {}
        for option in maps:
            column, sep, target = option.partition("=")
            target_field = _field_named(target.strip())
            if not sep or not column.strip() or target_field is None:
                raise MappingError(f"--map {option!r}: expected COLUMN=FIELD with FIELD one of {_field_list()}")
            if header_key(column) == "":
                raise MappingError(f"--map {option!r}: the column name is blank")
            mapped[header_key(column)] = target_field
        defaults: dict[str, str] = {}
        for option in sets:
            name, sep, value = option.partition("=")
            target_field = _field_named(name.strip())
            if not sep or target_field is None or target_field == IGNORE:
                raise MappingError(
                    f"--set {option!r}: expected FIELD=VALUE with FIELD one of {_field_list(extra=False)}"
                )
            if not value.strip():
                raise MappingError(f"--set {option!r}: the value is blank")
            defaults[target_field] = value.strip()
        return cls(mapped=mapped, defaults=defaults)

    def assign(self, header: list[str]) -> tuple[dict[str, str], list[str], list[str]]:
        """Decide which header column feeds each field.

        Returns ``(field -> header column, extra columns in file order, notes)``. A column claimed by
        ``--map`` wins; otherwise the first column whose name is a known alias of a field takes it, and a
        later column with the same meaning is kept in ``extra`` with a note, never silently dropped.
        """
        assigned: dict[str, str] = {}
        for column in header:
            target = self.mapped.get(header_key(column))
            if target is None or target == IGNORE:
                continue
            if target in assigned:
                raise MappingError(f"--map gives field {target!r} two columns: {assigned[target]!r} and {column!r}")
            assigned[target] = column
        explicit = set(assigned.values())
        extras: list[str] = []
        notes: list[str] = []
        for column in header:
            if column in explicit:
                continue
            key = header_key(column)
            target = None if self.mapped.get(key) == IGNORE else _ALIAS_INDEX.get(key)
            if target is None:
                extras.append(column)
            elif target in assigned:
                extras.append(column)
                notes.append(
                    f"column {column!r} also looks like {target} (taken from {assigned[target]!r}); kept as extra"
                )
            else:
                assigned[target] = column
        return assigned, extras, notes


def _field_named(name: str) -> str | None:
    key = header_key(name)
    for candidate in (*FIELDS, IGNORE):
        if header_key(candidate) == key:
            return candidate
    return None


def _field_list(*, extra: bool = True) -> str:
    return ", ".join([*FIELDS, IGNORE] if extra else list(FIELDS))
