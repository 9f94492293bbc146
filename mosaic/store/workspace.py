"""The workspace: a folder of immutable Parquet parts plus a manifest that says which parts exist.

Layout::

    WORKSPACE/
      manifest.json                  the only file ever rewritten, always by an atomic replace
      parts/<ingest_id>.<table>.parquet   one file per table per ingest run, never modified
      .lock                          serialises writers (filelock)

Why: an ingest writes its parts first and then swaps in a new manifest with ``os.replace``, so a failure
part-way leaves the previous workspace exactly as it was (at worst an unreferenced part file, which the
next writer removes). Writers take the lock and re-read the manifest inside it, so two ingests at once
(two terminals, or the CLI and the dashboard) both keep their rows: never last-writer-wins. Readers need
no lock: they read one manifest and the parts it names, which never change.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
from filelock import FileLock, Timeout

from mosaic.errors import WorkspaceError
from mosaic.schema import empty_table, enforce_schema, table_schema

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class CommitResult:
    """What one commit added: accepted rows, and rows that were already in the workspace."""

    ingest_id: str
    accepted_ids: pl.Series
    """Ids of the responses this commit stored (the rest were already there)."""
    duplicates: int
    issues: int
    quarantined_new: int

    @property
    def accepted(self) -> int:
        return self.accepted_ids.len()


class Workspace:
    """A mosaic workspace folder. Creating the object touches nothing on disk."""

    def __init__(self, path: Path | str, *, lock_timeout: float = 60.0) -> None:
        self.path = Path(path)
        self.lock_timeout = lock_timeout

    # --- reading -------------------------------------------------------------------------------

    def exists(self) -> bool:
        """True when the folder holds a workspace manifest."""
        return (self.path / MANIFEST).is_file()

    def manifest(self) -> dict[str, Any]:
        """Return the manifest (an empty one when there is no workspace yet)."""
        file = self.path / MANIFEST
        if not file.is_file():
            return {"format": FORMAT_VERSION, "ingests": []}
        try:
            manifest = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise WorkspaceError(f"{file}: cannot read the workspace manifest ({exc})") from None
        if manifest.get("format") != FORMAT_VERSION:
            raise WorkspaceError(f"{file}: workspace format {manifest.get('format')!r} is not {FORMAT_VERSION}")
        return manifest

    def scan(self, table: str) -> pl.LazyFrame:
        """Lazily read every part of one table (``responses``, ``issues`` or ``quarantine``)."""
        files = [self.path / ingest["parts"][table] for ingest in self.manifest()["ingests"]]
        if not files:
            return empty_table(table).lazy()
        missing = [str(f) for f in files if not f.is_file()]
        if missing:
            raise WorkspaceError(f"workspace {self.path} is damaged: missing {missing[0]}")
        # Parts written before a column joined the contract lack it: read them with the table's schema,
        # inserting such columns as null, so older workspaces keep working.
        return pl.scan_parquet(files, schema=table_schema(table), missing_columns="insert")

    def read(self, table: str) -> pl.DataFrame:
        """Read one whole table, as one contiguous chunk: the reader returns one chunk per batch, and row
        lookups on a frame of ten chunks ran several times slower in the checks."""
        return self.scan(table).collect().rechunk()

    def responses(self) -> pl.DataFrame:
        """All accepted responses."""
        return self.read("responses")

    def content_hash(self) -> str:
        """A short hash naming the workspace's content: reports cite it so a reader can tell versions apart."""
        digests = [ingest["digest"] for ingest in self.manifest()["ingests"]]
        return hashlib.sha256("\n".join(digests).encode()).hexdigest()[:16]

    # --- writing -------------------------------------------------------------------------------

    def commit(
        self,
        responses: pl.DataFrame,
        issues: pl.DataFrame,
        quarantine: pl.DataFrame,
        record: dict[str, Any],
    ) -> CommitResult:
        """Add one ingest's rows, skipping responses (and quarantined rows) already in the workspace.

        ``record`` describes the run (files, counts) and is stored in the manifest. The whole commit is
        atomic and serialised with other writers.
        """
        self._check_folder()
        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / "parts").mkdir(exist_ok=True)
        lock = FileLock(str(self.path / ".lock"), timeout=self.lock_timeout)
        try:
            with lock:
                return self._commit_locked(responses, issues, quarantine, record)
        except Timeout:
            raise WorkspaceError(
                f"workspace {self.path} is busy: another ingest held it for {self.lock_timeout:.0f} s; try again"
            ) from None
        except OSError as exc:
            raise WorkspaceError(f"cannot write workspace {self.path}: {exc.strerror or exc}") from None

    def _commit_locked(self, responses, issues, quarantine, record) -> CommitResult:
        manifest = self.manifest()
        known_ids = self.scan("responses").select("response_id").collect().get_column("response_id")
        fresh = responses.filter(~pl.col("response_id").is_in(known_ids.implode())) if known_ids.len() else responses
        issues = issues.filter(pl.col("response_id").is_in(fresh.get_column("response_id").implode()))
        known_quarantine = self.scan("quarantine").select("quarantine_id").collect().get_column("quarantine_id")
        quarantine = quarantine.filter(~pl.col("quarantine_id").is_in(known_quarantine.implode()))

        ingest_id = record.get("ingest_id") or new_ingest_id()
        frames = {"responses": fresh, "issues": issues, "quarantine": quarantine}
        parts: dict[str, str] = {}
        digest = hashlib.sha256()
        self._remove_orphans(manifest)
        for table, frame in frames.items():
            frame = enforce_schema(frame, table)
            relative = f"parts/{ingest_id}.{table}.parquet"
            _atomic_write_parquet(frame, self.path / relative)
            parts[table] = relative
            digest.update((self.path / relative).read_bytes())
        entry = {
            **record,
            "ingest_id": ingest_id,
            "committed_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "accepted": fresh.height,
            "parts": parts,
            "digest": digest.hexdigest(),
        }
        manifest["ingests"].append(entry)
        _atomic_write_text(self.path / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
        return CommitResult(
            ingest_id=ingest_id,
            accepted_ids=fresh.get_column("response_id"),
            duplicates=responses.height - fresh.height,
            issues=issues.height,
            quarantined_new=quarantine.height,
        )

    def _check_folder(self) -> None:
        """Refuse to turn an unrelated folder (or a file) into a workspace."""
        if self.path.exists() and not self.path.is_dir():
            raise WorkspaceError(f"workspace {self.path} is a file, not a folder")
        if self.path.is_dir() and not self.exists():
            unexpected = [p.name for p in self.path.iterdir() if p.name not in {"parts", ".lock"}]
            if unexpected:
                raise WorkspaceError(
                    f"{self.path} is not a mosaic workspace (it holds {unexpected[0]!r}); give an empty or new folder"
                )

    def _remove_orphans(self, manifest: dict[str, Any]) -> None:
        """Delete part files left by a writer that failed before its manifest swap."""
        referenced = {part for ingest in manifest["ingests"] for part in ingest["parts"].values()}
        for file in (self.path / "parts").glob("*.parquet"):
            if f"parts/{file.name}" not in referenced:
                file.unlink(missing_ok=True)
        for file in (self.path / "parts").glob(".tmp-*"):
            file.unlink(missing_ok=True)


def new_ingest_id() -> str:
    """A sortable, unique ingest id: UTC time plus a random suffix."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]


def _atomic_write_parquet(frame: pl.DataFrame, target: Path) -> None:
    tmp = target.with_name(f".tmp-{uuid.uuid4().hex}-{target.name}")
    try:
        frame.write_parquet(tmp, compression="zstd", statistics=True)
        _fsync(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _atomic_write_text(target: Path, text: str) -> None:
    tmp = target.with_name(f".tmp-{uuid.uuid4().hex}-{target.name}")
    try:
        tmp.write_text(text, encoding="utf-8")
        _fsync(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


__all__ = ["CommitResult", "Workspace", "new_ingest_id"]
