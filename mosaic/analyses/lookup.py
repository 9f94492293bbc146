"""Turn the names a user types (``--authority "Notts Police"``, ``--technology LFR``) into ids.

They resolve exactly as ingest resolves names in files (ids, aliases, normalised forms, careful fuzzy
matching), so whatever works in a spreadsheet works on the command line and in the dashboard. Resolution
looks at the registers *and* at what the data holds: an authority or technology kept as
``unresolved:<slug>`` (or one the register no longer lists) is addressable by that id and by the name it
was written with. A name that resolves to nothing is a ``MappingError`` naming the closest entries, one
line (``mosaic.normalise.names.closest``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import polars as pl

from mosaic.errors import MappingError
from mosaic.normalise.authorities import resolve_authorities
from mosaic.normalise.names import closest, fold, slugify
from mosaic.normalise.technologies import KEY_COLUMNS, resolve_technologies, technology_key

#: Per kind: the id column and the responses' columns holding the names as written.
_HELD_NAMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "authority": ("authority_id", ("authority_name",)),
    "technology": ("technology_id", ("product", "technology_name")),
}


def held_names(responses: pl.DataFrame | None, kind: str) -> pl.DataFrame:
    """The ids the data holds (``kind`` authority or technology) with each name written for them.

    Columns ``id`` and ``name`` (null for an id whose rows name nothing); one row per distinct pair.
    """
    id_column, name_columns = _HELD_NAMES[kind]
    if responses is None or id_column not in responses.columns:
        return pl.DataFrame(schema={"id": pl.String, "name": pl.String})
    present = [c for c in name_columns if c in responses.columns]
    frames = [responses.select(pl.col(id_column).alias("id"), pl.col(c).cast(pl.String).alias("name")) for c in present]
    frames = frames or [responses.select(pl.col(id_column).alias("id"), pl.lit(None, pl.String).alias("name"))]
    return pl.concat(frames).drop_nulls("id").unique().sort("id", "name", nulls_last=True)


def _matcher(
    kind: str,
    register: pl.DataFrame,
    id_column: str,
    resolve: Callable[[str], str | None],
    responses: pl.DataFrame | None,
    key: Callable[[str], str],
) -> Callable[[str], list[str]]:
    """A function from one typed name to its ids, best first (empty when nothing fits); see ``_candidates``."""
    registered = set(register.get_column(id_column).to_list())
    held = held_names(responses, kind)
    held_ids = set(held.get_column("id").to_list())
    # Names written for ids the register does not know (unresolved ones), by folded and normalised form.
    by_name: dict[str, set[str]] = {}
    for held_id, name in held.filter(~pl.col("id").is_in(list(registered))).iter_rows():
        for form in {fold(name or ""), key(name or "")} - {""}:
            by_name.setdefault(form, set()).add(held_id)

    def candidates(text: str) -> list[str]:
        if text in registered or text in held_ids:
            return [text]
        found = resolve(text)
        if found is not None and found.startswith("unresolved:"):
            found = found if found in held_ids else None
        written = set().union(*(by_name.get(form, set()) for form in {fold(text), key(text)} - {""}))
        slug = f"unresolved:{slugify(text)}"
        if slug in held_ids:
            written.add(slug)
        ids = ([found] if found else []) + sorted(written - {found})
        # What the data holds comes before a register entry it holds nothing about.
        return sorted(ids, key=lambda i: i not in held_ids) if held_ids else ids

    return candidates


def _unknown(
    kind: str, text: str, register: pl.DataFrame, id_column: str, responses: pl.DataFrame | None
) -> MappingError:
    """The one-line error for a name nothing matches, naming the closest register and data entries."""
    names = dict(zip(register.get_column(id_column).to_list(), register.get_column("name").to_list(), strict=True))
    choices = {name: i for i, name in names.items()} | {i: i for i in names}
    for held_id, name in held_names(responses, kind).iter_rows():
        choices.setdefault(held_id, held_id)
        if name:
            choices.setdefault(name, held_id)
            names.setdefault(held_id, name)
    near = closest(text, choices)
    shown = ", ".join(f"{i} ({names[i]})" if names.get(i, i) != i else i for i in near)
    return MappingError(f"unknown {kind} {text!r}" + (f"; closest: {shown}" if shown else ""))


def _resolve_ids(
    kind: str,
    names: Sequence[str],
    register: pl.DataFrame,
    id_column: str,
    resolve: Callable[[str], str | None],
    responses: pl.DataFrame | None,
    key: Callable[[str], str],
    *,
    one: bool,
) -> list[str]:
    """Ids for names (or ids) in order, without repeats. ``one``: the best id per name, else all of them."""
    candidates = _matcher(kind, register, id_column, resolve, responses, key)
    resolved: list[str] = []
    for name in names:
        text = name.strip()
        ids = candidates(text) if text else []
        if not ids:
            raise _unknown(kind, text or name, register, id_column, responses)
        resolved.extend(ids[:1] if one else ids)
    return list(dict.fromkeys(resolved))


def resolve_authority_ids(
    names: Sequence[str], authorities: pl.DataFrame, responses: pl.DataFrame | None = None, *, one: bool = False
) -> list[str]:
    """Ids for authority names or ids, in order; unknown names raise ``MappingError``.

    Args:
        names: as typed: an id (``kent``, ``unresolved:narnia-police``), a name, an alias, a misspelling.
        authorities: the register.
        responses: what the data holds (optional): its ids, resolved or not, and the names written for
            unresolved ones are addressable too.
        one: at most one id per name (the best: one the data holds first). Otherwise a name written for
            an unresolved authority also brings that id along with the register's.
    """

    def resolve(text: str) -> str | None:
        match = resolve_authorities(pl.Series([text]), authorities)
        return match.item(0, "authority_id") if match.height else None

    return _resolve_ids("authority", names, authorities, "authority_id", resolve, responses, fold, one=one)


def resolve_technology_ids(
    names: Sequence[str], technologies: pl.DataFrame, responses: pl.DataFrame | None = None, *, one: bool = False
) -> list[str]:
    """Ids for technology names or ids, in order; unknown names raise ``MappingError``.

    Same arguments as ``resolve_authority_ids``. Example: with a workspace holding rows kept as
    ``unresolved:nec-neoface``, ``-t unresolved:nec-neoface`` gives that id, and ``-t "NEC NeoFace"`` the
    taxonomy's ``nec-neoface`` and that unresolved id (``one``: the one with rows).
    """

    def resolve(text: str) -> str | None:
        rows = pl.DataFrame(
            {"technology_name": [text], "product": [None], "vendor": [None]},
            schema=dict.fromkeys(KEY_COLUMNS, pl.String),
        )
        match = resolve_technologies(rows, technologies)
        return match.item(0, "technology_id") if match.height else None

    return _resolve_ids("technology", names, technologies, "technology_id", resolve, responses, technology_key, one=one)
