"""Reading an editable reference register (a CSV) and reporting where it is broken.

The registers are edited by hand, often in a spreadsheet, so the loader is strict (fail fast on bad
configuration) and every error names the file, the row as a spreadsheet shows it (the header is row 1)
and the column, in one line, so the person editing can go straight to the cell.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from mosaic.errors import SchemaError

ROW = "_row"  # spreadsheet row number (header = 1), kept until validation is done


def register_error(path: Path, row: int | None, column: str | None, problem: str) -> SchemaError:
    """Build the one-line error: ``<file>: row <n>, column <name>: <problem>``."""
    where = ([f"row {row}"] if row is not None else []) + ([f"column {column}"] if column is not None else [])
    return SchemaError(
        f"{path}: " + "".join(f"{w}, " for w in where[:-1]) + (f"{where[-1]}: " if where else "") + problem
    )


def read_register(path: Path, columns: tuple[str, ...]) -> pl.DataFrame:
    """Read a register with every cell as a stripped string (blank -> null) plus a ``_row`` number column.

    Raises:
        SchemaError: the file is missing or unreadable, or lacks one of ``columns`` (extra columns are
            kept: a user may annotate the register).
    """
    try:
        frame = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    except FileNotFoundError:
        raise register_error(path, None, None, "file not found") from None
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise register_error(path, None, None, f"cannot be read as CSV ({exc.__class__.__name__})") from None
    frame = frame.rename({c: c.strip().lstrip("\ufeff") for c in frame.columns})
    for column in columns:
        if column not in frame.columns:
            raise register_error(path, 1, column, "required column is missing from the header")
    return (
        frame.with_columns(
            pl.col(pl.String).str.strip_chars().replace("", None),
        )
        .with_row_index(ROW, offset=2)
        .with_columns(pl.col(ROW).cast(pl.Int64))
    )


def require_cells(frame: pl.DataFrame, path: Path, columns: tuple[str, ...]) -> None:
    """Raise on the first blank cell in any of ``columns``."""
    for column in columns:
        blank = frame.filter(pl.col(column).is_null())
        if blank.height:
            raise register_error(path, blank.item(0, ROW), column, "required cell is blank")


def require_unique(frame: pl.DataFrame, path: Path, column: str) -> None:
    """Raise on the first value of ``column`` that appears twice, naming the later row."""
    dup = frame.filter(pl.col(column).is_duplicated() & (pl.col(ROW) != pl.col(ROW).min().over(column)))
    if dup.height:
        first = frame.filter(pl.col(column) == dup.item(0, column)).item(0, ROW)
        raise register_error(path, dup.item(0, ROW), column, f"duplicate id {dup.item(0, column)!r} (also row {first})")


def require_slugs(frame: pl.DataFrame, path: Path, column: str) -> None:
    """Raise on the first id that is not a lower-case slug (letters, digits, single hyphens)."""
    bad = frame.filter(pl.col(column).is_not_null() & ~pl.col(column).str.contains(r"^[a-z0-9]+(-[a-z0-9]+)*$"))
    if bad.height:
        raise register_error(
            path, bad.item(0, ROW), column, f"{bad.item(0, column)!r} is not a slug (a-z, 0-9, single hyphens)"
        )


def require_allowed(frame: pl.DataFrame, path: Path, column: str, allowed: tuple[str, ...]) -> None:
    """Raise on the first non-blank value of ``column`` outside ``allowed``."""
    bad = frame.filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(list(allowed)))
    if bad.height:
        raise register_error(
            path, bad.item(0, ROW), column, f"{bad.item(0, column)!r} is not one of {', '.join(allowed)}"
        )


def split_list(column: str) -> pl.Expr:
    """Split a semicolon-separated cell into a list of stripped, non-empty strings (blank -> empty list)."""
    return (
        pl.col(column)
        .fill_null("")
        .str.split(";")
        .list.eval(pl.element().str.strip_chars().filter(pl.element() != ""))
        .cast(pl.List(pl.String))
    )


def require_unique_names(frame: pl.DataFrame, path: Path, id_column: str) -> None:
    """Raise when one folded name or alias belongs to two entries, naming the later row and its column.

    Folding (see ``mosaic.normalise.names.fold``) is the resolvers' comparison key, so two names that fold
    alike could never be told apart at resolution time: "Met Police" for one force and "MET police" for
    another is the same claim.
    """
    from mosaic.normalise.names import fold  # leaf module: no import cycle

    owner: dict[str, tuple[str, int, str]] = {}
    for row in frame.select(id_column, "name", "aliases", ROW).iter_rows(named=True):
        claims = [("name", row["name"])] + [("aliases", a) for a in row["aliases"]]
        for column, text in claims:
            key = fold(text)
            if not key:
                raise register_error(path, row[ROW], column, f"{text!r} has no letters or digits")
            if key in owner and owner[key][0] != row[id_column]:
                other_id, other_row, _ = owner[key]
                raise register_error(
                    path, row[ROW], column,
                    f"{text!r} is also a name or alias of {other_id!r} (row {other_row})",
                )  # fmt: skip
            owner.setdefault(key, (row[id_column], row[ROW], column))
