"""Writing the files a user asks for (reports, graphs, findings) without ever leaving half a file behind.

The bytes go to a temporary file in the target's folder, are flushed to disk, and the file is renamed over
the target: a reader sees the old file or the new one, never a torn one, and nothing else is created.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl

from mosaic.errors import MosaicError


def _temporary_beside(target: Path) -> str:
    """A new empty temporary file in ``target``'s folder (so the final rename stays on one filesystem).
    Raises ``MosaicError`` (one line) when ``target`` is a folder or its folder does not exist."""
    if target.is_dir():
        raise MosaicError(f"{target} is a folder; give a file name")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise MosaicError(f"cannot write {target}: the folder {folder} does not exist")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    os.close(handle)
    return temporary


def _put_in_place(temporary: str, target: Path) -> None:
    """Flush ``temporary`` to disk and rename it over ``target`` (a replaced file keeps its mode)."""
    with open(temporary, "rb+") as written:
        os.fsync(written.fileno())
    os.chmod(temporary, target.stat().st_mode & 0o777 if target.exists() else 0o644)
    os.replace(temporary, target)


@contextlib.contextmanager
def open_atomically(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A binary stream whose bytes become exactly ``path`` when the block ends without an error (and
    nothing at all otherwise): for outputs too large to hold in memory first, written piece by piece.

    A new file gets mode 0644; a replaced one keeps its mode. Raises ``MosaicError`` (one line) when
    ``path`` is a folder or its folder does not exist.
    """
    target = Path(path)
    temporary = _temporary_beside(target)
    try:
        with open(temporary, "wb") as stream:
            yield stream
        _put_in_place(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomically(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to exactly ``path``, replacing an existing file atomically; return the path
    (``open_atomically`` with the bytes in hand)."""
    with open_atomically(path) as stream:
        stream.write(data)
    return Path(path)


def write_parquet_atomically(path: str | os.PathLike[str], frame: pl.DataFrame | pl.LazyFrame, **options: Any) -> Path:
    """Write ``frame`` as Parquet to exactly ``path``, replacing an existing file atomically; ``options`` go
    to ``DataFrame.write_parquet`` (``LazyFrame.sink_parquet`` for a lazy frame, streamed to the file).

    Why polars writes to a temporary *path* rather than to ``open_atomically``'s stream: given a Python
    stream it builds the whole file in memory first (740 MB more for a million findings), given a path
    it writes as it encodes (50 MB). A native writer may not report a short write (a full disk), so the
    file's footer is read back and its row count compared before it is renamed into place."""
    target = Path(path)
    temporary = _temporary_beside(target)
    try:
        try:
            if isinstance(frame, pl.LazyFrame):
                frame.sink_parquet(temporary, **options)
            else:
                frame.write_parquet(temporary, **options)
        except pl.exceptions.PolarsError as exc:
            raise native_write_error(exc, target) from None
        rows = frame.height if isinstance(frame, pl.DataFrame) else frame.select(pl.len()).collect().item()
        verify_parquet(Path(temporary), rows)
        _put_in_place(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


#: Free space below which a failed native write is taken to be a full disk (one Parquet page is larger).
FULL_DISK_BYTES = 64 * 1024


def native_write_error(exc: Exception, target: Path) -> OSError:
    """A polars write error as the ``OSError`` it stands for, naming ``target`` (the file the user asked
    for, not its temporary). Polars reports a full disk as text ending in "(os error 28)", or, when the
    disk fills while it writes the footer, only as a transport error: so a failed write on a folder with
    less than ``FULL_DISK_BYTES`` free is reported as the full disk it is. Call it before the partial
    temporary file is removed, or the space it took is counted free."""
    text = str(exc)
    found = re.search(r"os error (\d+)", text)
    if found:
        code = int(found.group(1))
        return OSError(code, os.strerror(code), str(target))
    try:
        disk = os.statvfs(target.parent if str(target.parent) else ".")
        if disk.f_bavail * disk.f_frsize < FULL_DISK_BYTES:
            return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
    except OSError:
        pass
    return OSError(f"cannot write {target}: {text.splitlines()[0] if text else type(exc).__name__}")


def verify_parquet(path: Path, rows: int) -> None:
    """Raise ``OSError`` unless ``path`` is a whole Parquet file of ``rows`` rows (its footer is read, not
    its data): a writer cut short by a full disk leaves a file without one."""
    try:
        found = pl.scan_parquet(path).select(pl.len()).collect().item()
    except pl.exceptions.PolarsError as exc:
        raise OSError(f"{path.name} was not written whole ({str(exc).splitlines()[0] if str(exc) else exc})") from None
    if found != rows:
        raise OSError(f"{path.name} was not written whole ({found} of {rows} rows)")
