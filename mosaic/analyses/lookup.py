"""Turn the names a user types (``--authority "Notts Police"``, ``--technology LFR``) into register ids.

They resolve exactly as ingest resolves names in files (ids, aliases, normalised forms, careful fuzzy
matching), so whatever works in a spreadsheet works on the command line and in the dashboard. A name that
resolves to nothing is a ``MappingError`` listing the closest register entries, one line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import polars as pl
from rapidfuzz import process

from mosaic.errors import MappingError
from mosaic.normalise.authorities import resolve_authorities
from mosaic.normalise.technologies import KEY_COLUMNS, resolve_technologies


def _close_matches(name: str, choices: dict[str, str], limit: int = 3) -> str:
    found = process.extract(name, list(choices), limit=limit)
    return ", ".join(f"{choices[label]} ({label})" if choices[label] != label else label for label, _, _ in found)


def _resolve_ids(kind: str, names: Sequence[str], register: pl.DataFrame, id_column: str, resolve: Callable[[str], str | None]) -> list[str]:
    """Ids for names (or ids) in order, without repeats; ``resolve`` maps one name to an id or None."""
    ids = set(register.get_column(id_column).to_list())
    resolved = []
    for name in names:
        text = name.strip()
        found = text if text in ids else resolve(text)
        if found is None or found.startswith("unresolved:"):
            choices = dict(zip(register.get_column("name").to_list(), register.get_column(id_column).to_list(), strict=True))
            raise MappingError(f"unknown {kind} {name!r}; closest: {_close_matches(text, choices)}")
        resolved.append(found)
    return list(dict.fromkeys(resolved))


def resolve_authority_ids(names: Sequence[str], authorities: pl.DataFrame) -> list[str]:
    """Register ids for authority names or ids, in order; unknown names raise ``MappingError``."""

    def resolve(text: str) -> str | None:
        match = resolve_authorities(pl.Series([text]), authorities)
        return match.item(0, "authority_id") if match.height else None

    return _resolve_ids("authority", names, authorities, "authority_id", resolve)


def resolve_technology_ids(names: Sequence[str], technologies: pl.DataFrame) -> list[str]:
    """Taxonomy ids for technology names or ids, in order; unknown names raise ``MappingError``."""

    def resolve(text: str) -> str | None:
        rows = pl.DataFrame({"technology_name": [text], "product": [None], "vendor": [None]}, schema=dict.fromkeys(KEY_COLUMNS, pl.String))
        match = resolve_technologies(rows, technologies)
        return match.item(0, "technology_id") if match.height else None

    return _resolve_ids("technology", names, technologies, "technology_id", resolve)
