"""Writing the files a user asks for (reports, graphs, findings) without ever leaving half a file behind.

The bytes go to a temporary file in the target's folder, are flushed to disk, and the file is renamed over
the target: a reader sees the old file or the new one, never a torn one, and nothing else is created.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from mosaic.errors import MosaicError


@contextlib.contextmanager
def open_atomically(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A binary stream whose bytes become exactly ``path`` when the block ends without an error (and
    nothing at all otherwise): for outputs too large to hold in memory first, written piece by piece.

    A new file gets mode 0644; a replaced one keeps its mode. Raises ``MosaicError`` (one line) when
    ``path`` is a folder or its folder does not exist.
    """
    target = Path(path)
    if target.is_dir():
        raise MosaicError(f"{target} is a folder; give a file name")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise MosaicError(f"cannot write {target}: the folder {folder} does not exist")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, target.stat().st_mode & 0o777 if target.exists() else 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomically(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to exactly ``path``, replacing an existing file atomically; return the path
    (``open_atomically`` with the bytes in hand)."""
    with open_atomically(path) as stream:
        stream.write(data)
    return Path(path)
