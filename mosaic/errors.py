"""The small exception hierarchy that the CLI turns into one line and the dashboard into an alert.

Fail fast on bad configuration (``MappingError``, ``SchemaError``), degrade on bad data: a bad cell never
raises, it becomes null plus an issue row. ``DataError`` is for a whole input that cannot be used at all
(an empty or binary file), and its message names the file, and the row and column where they apply.
"""

from __future__ import annotations


class MosaicError(Exception):
    """Base of every error a user can cause; its message is one readable line."""


class SchemaError(MosaicError):
    """A frame does not match its table's declared contract (a bug, or a damaged workspace)."""


class MappingError(MosaicError):
    """A bad ``--map``/``--set`` option or column mapping, found before any row is read."""


class DataError(MosaicError):
    """An input file that cannot be read at all: empty, binary, undecodable, no header, no usable rows."""


class WorkspaceError(MosaicError):
    """The workspace cannot be read or written (damaged files, permissions, lock timeout)."""
