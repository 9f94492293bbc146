"""Turn the names a user types (``--authority "Notts Police"``, ``--technology LFR``) into register ids.

They resolve exactly as ingest resolves names in files (ids, aliases, normalised forms, careful fuzzy
matching), so whatever works in a spreadsheet works on the command line and in the dashboard. A name that
resolves to nothing is a ``MappingError`` listing the closest register entries, one line.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from rapidfuzz import process

from mosaic.errors import MappingError
from mosaic.normalise.authorities import resolve_authorities
from mosaic.normalise.technologies import resolve_technologies


def _close_matches(name: str, choices: dict[str, str], limit: int = 3) -> str:
    found = process.extract(name, list(choices), limit=limit)
    return ", ".join(f"{choices[label]} ({label})" if choices[label] != label else label for label, _, _ in found)


def resolve_authority_ids(names: Sequence[str], authorities: pl.DataFrame) -> list[str]:
    """Register ids for authority names or ids, in order; unknown names raise ``MappingError``."""
    ids = set(authorities.get_column("authority_id").to_list())
    resolved = []
    for name in names:
        text = name.strip()
        if text in ids:
            resolved.append(text)
            continue
        match = resolve_authorities(pl.Series([text]), authorities)
        authority_id = match.item(0, "authority_id") if match.height else None
        if authority_id is None or authority_id.startswith("unresolved:"):
            choices = dict(zip(authorities.get_column("name").to_list(), authorities.get_column("authority_id").to_list(), strict=True))
            raise MappingError(f"unknown authority {name!r}; closest: {_close_matches(text, choices)}")
        resolved.append(authority_id)
    return list(dict.fromkeys(resolved))


def resolve_technology_ids(names: Sequence[str], technologies: pl.DataFrame) -> list[str]:
    """Taxonomy ids for technology names or ids, in order; unknown names raise ``MappingError``."""
    ids = set(technologies.get_column("technology_id").to_list())
    resolved = []
    for name in names:
        text = name.strip()
        if text in ids:
            resolved.append(text)
            continue
        rows = pl.DataFrame({"technology_name": [text], "product": [None], "vendor": [None]}, schema={c: pl.String for c in ("technology_name", "product", "vendor")})
        match = resolve_technologies(rows, technologies)
        technology_id = match.item(0, "technology_id") if match.height else None
        if technology_id is None or technology_id.startswith("unresolved:"):
            choices = dict(zip(technologies.get_column("name").to_list(), technologies.get_column("technology_id").to_list(), strict=True))
            raise MappingError(f"unknown technology {name!r}; closest: {_close_matches(text, choices)}")
        resolved.append(technology_id)
    return list(dict.fromkeys(resolved))
