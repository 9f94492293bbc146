"""The workspace: a folder of immutable Parquet parts plus a manifest that says which parts exist.

Layout::

    WORKSPACE/
      manifest.json                  the only file ever rewritten, always by an atomic replace
      parts/<ingest_id>.<table>.parquet   one file per table per ingest run, never modified
      .lock                          serialises writers (filelock)

Why: an ingest writes its parts first and then swaps in a new manifest with ``os.replace``, so a failure
(or a kill) at any step leaves the previous workspace exactly as it was, at worst with unreferenced part
files or ``.tmp-*`` files, which the next writer removes. Writers take the lock, check the folder and
re-read the manifest inside it, so two ingests at once (two terminals, or the CLI and the dashboard) both
keep their rows: never last-writer-wins. Readers need no lock: they read one manifest and the parts it
names, which never change.

Integrity: the manifest records each part's SHA-256, size and row count. Every read verifies the parts it
reads against those checksums before handing a single row on (SHA-256 runs at about 1 GB/s, a few per cent
of a Parquet read), so a damaged part is one ``WorkspaceError`` naming the part and what it held, never
different numbers. ``Workspace.check`` verifies everything; ``Workspace.repair`` drops damaged ingests from
the manifest so their files can be ingested again. A part is written to a temporary file whose footer is
read back (its row count must match) before its checksum is taken and it is renamed into place, so a short
write (a full disk) can never be sealed as good.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import logging
import mmap
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
from filelock import FileLock, Timeout

from mosaic.errors import WorkspaceError
from mosaic.schema import empty_table, enforce_schema, table_schema
from mosaic.store.files import native_write_error, verify_parquet

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
TABLES = ("responses", "issues", "quarantine")
TEMP_PREFIX = ".tmp-"
DERIVED = "derived"
"""Folder of derived tables (the findings cache): rebuilt from the parts, outside the manifest and its hash."""
DERIVED_KEEP = 4
"""Derived tables kept per kind (the most recent)."""
LOG = logging.getLogger(__name__)
_PART_PATH = re.compile(r"parts/[A-Za-z0-9][A-Za-z0-9_.-]*\.parquet")
_SHA256 = re.compile(r"[0-9a-f]{64}")

_fault_hook: Callable[[str], None] | None = None
"""Test seam: called with the name of each write step (``create``, ``locked``, ``part-tmp:responses``,
``part:responses``, ..., ``manifest-tmp``, ``manifest``). The fault-injection tests set it to kill the
process or raise ``OSError(ENOSPC)`` at that step; it is None otherwise."""


def _step(name: str) -> None:
    if _fault_hook is not None:
        _fault_hook(name)


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


@dataclass(frozen=True)
class Damage:
    """One damaged ingest found by ``Workspace.check``: which part, what is wrong, what it held."""

    ingest_id: str
    part: str | None
    """The damaged part's path inside the workspace, or None when the ingest's manifest entry is bad."""
    problem: str
    holds: str
    """What the whole ingest holds (rows per table, files): what a repair would drop."""
    files: tuple[str, ...] = ()

    def describe(self) -> str:
        where = self.part or f"ingest {self.ingest_id}"
        return f"{where}: {self.problem} (ingest {self.ingest_id}: {self.holds})"


@dataclass
class CheckResult:
    """The outcome of verifying a whole workspace."""

    path: str
    manifest_problem: str | None = None
    """Set when the manifest itself cannot be read; nothing else could be checked."""
    ingests: int = 0
    parts_verified: int = 0
    damage: list[Damage] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)
    """Files of interrupted writes (orphan parts, ``.tmp-*``): harmless, removed by the next writer."""

    @property
    def ok(self) -> bool:
        return self.manifest_problem is None and not self.damage

    def as_dict(self) -> dict[str, Any]:
        return {
            "workspace": self.path,
            "ok": self.ok,
            "manifest_problem": self.manifest_problem,
            "ingests": self.ingests,
            "parts_verified": self.parts_verified,
            "damage": [
                {
                    "ingest_id": d.ingest_id,
                    "part": d.part,
                    "problem": d.problem,
                    "holds": d.holds,
                    "files": list(d.files),
                }
                for d in self.damage
            ],
            "leftovers": self.leftovers,
        }


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
        """Return the manifest (an empty one when there is no workspace yet), checked for shape.

        Raises:
            WorkspaceError: the manifest is unreadable or not of the expected shape (one line).
        """
        manifest = self._load_manifest()
        problems = _ingest_problems(manifest)
        if problems:
            index, problem = next(iter(problems.items()))
            raise WorkspaceError(
                f"{self.path / MANIFEST}: the workspace manifest is damaged: ingest {index + 1} {problem}; "
                "'mosaic check --repair' drops such entries"
            )
        return manifest

    def id_schemes(self) -> set[str | None]:
        """The ``id_scheme`` each ingest recorded (None for ingests written before schemes were recorded)."""
        return {ingest.get("id_scheme") for ingest in self.manifest()["ingests"]}

    def _load_manifest(self) -> dict[str, Any]:
        """The manifest with its top level checked (ingest entries are checked by the caller)."""
        file = self.path / MANIFEST
        if not file.is_file():
            if file.exists() or file.is_symlink():
                raise WorkspaceError(f"{file}: the workspace manifest is not a regular file")
            return {"format": FORMAT_VERSION, "ingests": []}
        try:
            manifest = json.loads(file.read_bytes().decode("utf-8"))
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).splitlines()[0][:120]
            raise WorkspaceError(f"{file}: cannot read the workspace manifest ({reason})") from None
        if not isinstance(manifest, dict):
            raise WorkspaceError(
                f"{file}: cannot read the workspace manifest (it is a JSON {_json_kind(manifest)}, not an object)"
            )
        if manifest.get("format") != FORMAT_VERSION:
            raise WorkspaceError(f"{file}: workspace format {manifest.get('format')!r} is not {FORMAT_VERSION}")
        if not isinstance(manifest.get("ingests"), list):
            raise WorkspaceError(f"{file}: cannot read the workspace manifest ('ingests' is not a list)")
        return manifest

    def scan(self, table: str) -> pl.LazyFrame:
        """Lazily read every part of one table (``responses``, ``issues`` or ``quarantine``).

        Each part is verified against its checksum first: a damaged or missing part raises
        ``WorkspaceError`` naming it, and nothing is read.
        """
        if table not in TABLES:
            raise WorkspaceError(f"unknown workspace table {table!r}; one of {', '.join(TABLES)}")
        files = [self._verified_part(ingest, table) for ingest in self.manifest()["ingests"]]
        if not files:
            return empty_table(table).lazy()
        # Parts written before a column joined the contract lack it: read them with the table's schema,
        # inserting such columns as null, so older workspaces keep working.
        return pl.scan_parquet(files, schema=table_schema(table), missing_columns="insert")

    def read(self, table: str, columns: Sequence[str] | None = None) -> pl.DataFrame:
        """Read one whole table (or only ``columns`` of it), as one contiguous chunk: the reader returns one
        chunk per batch, and row lookups on a frame of ten chunks ran several times slower in the checks.
        Columns are left unread rather than dropped after reading: at ten million responses the reader
        holds 16 bytes a row for every text column, so a column not read is 160 MB never allocated."""
        query = self.scan(table)
        if columns is not None:
            query = query.select(columns)
        try:
            return _contiguous(query.collect())
        except pl.exceptions.PolarsError as exc:  # a verified part that still will not decode: say so in one line
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
            raise WorkspaceError(
                f"workspace {self.path}: cannot read the {table} parts ({first}); run 'mosaic check'"
            ) from None

    def responses(self) -> pl.DataFrame:
        """All accepted responses."""
        return self.read("responses")

    # --- derived tables ----------------------------------------------------------------------------

    def read_derived(
        self, name: str, *, collect: Callable[[pl.LazyFrame], pl.DataFrame] | None = None
    ) -> pl.DataFrame | None:
        """A derived table (``write_derived``) if it is there and its bytes match their checksum, else None.

        Derived tables (the findings cache) are rebuilt from the parts whenever they are missing, stale
        or damaged: never trusted unverified, never a reason to fail. ``collect`` turns the verified table
        (a scan of its bytes) into the frame, for a reader that builds it a piece at a time; by default it
        is read whole, one chunk per column."""
        data = self.derived_bytes(name)
        if data is None:
            return None
        try:
            if collect is not None:
                return collect(pl.scan_parquet(io.BytesIO(data)))
            return _contiguous(pl.read_parquet(io.BytesIO(data)))
        except (OSError, ValueError, pl.exceptions.PolarsError) as exc:
            LOG.warning("derived table %s cannot be read (%s): rebuilding it", self._derived_files(name)[0], exc)
            return None

    def derived_bytes(self, name: str) -> bytes | None:
        """A derived table's file as it is stored, if it is there and matches its checksum, else None: for a
        reader that hands the file on whole (``mosaic analyse -f parquet`` copies a stored run)."""
        data_file, sum_file = self._derived_files(name)
        try:
            expected = json.loads(sum_file.read_text(encoding="utf-8"))
            data = data_file.read_bytes()
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            LOG.warning("derived table %s cannot be read (%s): rebuilding it", data_file, exc)
            return None
        if not isinstance(expected, dict) or hashlib.sha256(data).hexdigest() != expected.get("sha256"):
            LOG.warning("derived table %s does not match its checksum: rebuilding it", data_file)
            return None
        return data

    def write_derived(
        self,
        name: str,
        frame: pl.DataFrame | pl.LazyFrame,
        *,
        keep: int = DERIVED_KEEP,
        rows: int | None = None,
        metadata: dict[str, str] | None = None,
    ) -> None:
        """Store ``frame`` as the derived table ``name`` (Parquet plus its checksum). Of the tables of the
        same kind (the name before its first ``-``) only the ``keep`` most recent stay, this one included:
        a cache holds a few runs (all checks, one check, a past date), not every run ever made. A
        workspace that cannot be written to is left as it is: the cache is an optimisation.

        Written as a part is (``_atomic_write_parquet``), its checksum taken from the file. A temporary file left by a writer that died is removed once it is an hour old; a younger one may
        be another writer's (a dashboard download while the dashboard stores its run). A lazy frame is
        streamed to the file; ``rows`` gives its length, checked against the file's footer. ``metadata``
        goes into the file's key-value metadata."""
        folder = self.path / DERIVED
        data_file, sum_file = self._derived_files(name)
        try:
            folder.mkdir(exist_ok=True)
            stale = time.time() - 3600
            for leftover in folder.glob(f"{TEMP_PREFIX}*"):
                with suppress(FileNotFoundError):
                    if leftover.stat().st_mtime < stale:
                        leftover.unlink(missing_ok=True)
            kind = name.split("-", 1)[0]
            others = sorted(
                (p for p in folder.glob(f"{kind}-*.parquet") if p.name != data_file.name),
                key=lambda p: p.stat().st_mtime_ns,
                reverse=True,
            )
            for old in others[max(keep - 1, 0) :]:
                old.unlink(missing_ok=True)
                old.with_name(old.name.removesuffix(".parquet") + ".sha256.json").unlink(missing_ok=True)
            rows = frame.height if isinstance(frame, pl.DataFrame) else rows
            if rows is None:
                raise ValueError("write_derived: a lazy frame needs its rows")
            checksum = _atomic_write_parquet(data_file, frame, rows, step="derived", metadata=metadata)
            _atomic_write_bytes(sum_file, json.dumps(checksum).encode("utf-8"), step="derived")
        except OSError as exc:
            LOG.warning("cannot cache %s in %s (%s)", name, folder, exc)

    def scratch_file(self, label: str) -> Path | None:
        """A new temporary file name in ``derived/`` for work in progress (a run's findings set down while
        the next checks run), or None when the folder cannot be made (a read-only workspace). The caller
        removes it; one left by a process that died is removed an hour later by ``write_derived``."""
        folder = self.path / DERIVED
        try:
            folder.mkdir(exist_ok=True)
        except OSError:
            return None
        if not os.access(folder, os.W_OK):
            return None
        safe = re.sub(r"[^a-z0-9_]+", "_", label.lower())[:40]
        return folder / f"{TEMP_PREFIX}{uuid.uuid4().hex}-{safe}.parquet"

    def _derived_files(self, name: str) -> tuple[Path, Path]:
        if not re.fullmatch(r"[a-z0-9_]+-[0-9a-f]+", name):
            raise ValueError(f"derived table name {name!r}: kind-hexkey")
        folder = self.path / DERIVED
        return folder / f"{name}.parquet", folder / f"{name}.sha256.json"

    def content_hash(self) -> str:
        """A short hash naming the workspace's content: reports cite it so a reader can tell versions apart.

        Only ingests that stored something count, so re-ingesting files that add nothing keeps the hash.
        """
        digests = [ingest["digest"] for ingest in self.manifest()["ingests"] if _adds_content(ingest)]
        return hashlib.sha256("\n".join(digests).encode()).hexdigest()[:16]

    def _verified_part(self, ingest: dict[str, Any], table: str) -> Path:
        problem = self._part_problem(ingest, table)
        if problem:
            part = ingest["parts"][table]
            raise WorkspaceError(
                f"workspace {self.path} is damaged: {part} ({_holds(ingest, table)}) {problem}; nothing was read. "
                f"'mosaic check --repair' drops it so its files can be ingested again"
            )
        return self.path / ingest["parts"][table]

    def _part_problem(self, ingest: dict[str, Any], table: str) -> str | None:
        """Why one part cannot be trusted, or None when it matches its checksum."""
        file = self.path / ingest["parts"][table]
        expected = (ingest.get("checksums") or {}).get(table)
        try:
            size = file.stat().st_size
        except FileNotFoundError:
            return "is missing"
        except OSError as exc:
            return f"cannot be read ({exc.strerror or exc})"
        if expected is None:  # written before per-part checksums: the ingest's digest covers all its parts
            return self._legacy_problem(ingest)
        if size != expected["bytes"]:
            return f"has {size:,} bytes where {expected['bytes']:,} were written (truncated or damaged)"
        try:
            digest = _sha256_file(file)
        except OSError as exc:
            return f"cannot be read ({exc.strerror or exc})"
        if digest != expected["sha256"]:
            return "does not match its checksum (its bytes have changed since it was written)"
        return None

    def _legacy_problem(self, ingest: dict[str, Any]) -> str | None:
        digest = hashlib.sha256()
        for relative in ingest["parts"].values():
            try:
                digest.update((self.path / relative).read_bytes())
            except OSError as exc:
                return f"cannot be read ({exc.strerror or exc})"
        if digest.hexdigest() != ingest["digest"]:
            return "does not match its ingest's checksum (a part of this ingest has changed since it was written)"
        return None

    # --- checking and repairing ----------------------------------------------------------------

    def check(self) -> CheckResult:
        """Verify the whole workspace: the manifest's shape and every part's checksum."""
        result = CheckResult(path=str(self.path))
        try:
            manifest = self._load_manifest()
        except WorkspaceError as exc:
            result.manifest_problem = str(exc)
            return result
        result.ingests = len(manifest["ingests"])
        result.damage = self._damage(manifest)
        result.parts_verified = sum(
            len(TABLES)
            for i in manifest["ingests"]
            if isinstance(i, dict) and i.get("ingest_id") not in {d.ingest_id for d in result.damage}
        )
        result.leftovers = [str(p.relative_to(self.path)) for p in self._leftovers(manifest)]
        return result

    def _damage(self, manifest: dict[str, Any]) -> list[Damage]:
        damage = []
        shape = _ingest_problems(manifest)
        for index, ingest in enumerate(manifest["ingests"]):
            ingest_id = _label(index, ingest)
            if index in shape:
                damage.append(
                    Damage(ingest_id, None, f"its manifest entry {shape[index]}", _holds(ingest), _files(ingest))
                )
                continue
            for table in TABLES:
                problem = self._part_problem(ingest, table)
                if problem:
                    damage.append(Damage(ingest_id, ingest["parts"][table], problem, _holds(ingest), _files(ingest)))
                    break
        return damage

    def repair(self, *, expected: list[Damage] | None = None) -> list[Damage]:
        """Drop every damaged ingest from the manifest (atomically, under the lock); return what was dropped.

        A whole ingest goes, not just its damaged part, so that ingesting its files again restores it
        exactly (responses, their issues and quarantined rows together). ``expected`` is the damage the
        user agreed to lose: if the workspace has changed since (other damage found), nothing is done.

        Raises:
            WorkspaceError: the manifest itself is unreadable, or the damage is not what was expected.
        """
        try:
            with self._lock():
                manifest = self._load_manifest()
                damage = self._damage(manifest)
                if expected is not None and {d.ingest_id for d in damage} != {d.ingest_id for d in expected}:
                    raise WorkspaceError(f"workspace {self.path} changed while being checked; run 'mosaic check' again")
                if not damage:
                    return []
                ids = {d.ingest_id for d in damage}
                manifest["ingests"] = [i for n, i in enumerate(manifest["ingests"]) if _label(n, i) not in ids]
                self._write_manifest(manifest)
                self._remove_leftovers(manifest)
                return damage
        except OSError as exc:
            raise WorkspaceError(f"cannot write workspace {self.path}: {exc.strerror or exc}") from None

    # --- writing -------------------------------------------------------------------------------

    def commit(
        self,
        responses: pl.DataFrame,
        issues: pl.DataFrame,
        quarantine: pl.DataFrame,
        record: dict[str, Any],
        *,
        legacy_ids: pl.DataFrame | None = None,
    ) -> CommitResult:
        """Add one ingest's rows, skipping responses (and quarantined rows) already in the workspace.

        ``record`` describes the run (files, counts) and is stored in the manifest. ``legacy_ids``
        (``response_id``, ``legacy_id``) gives the id an earlier id scheme gave the same rows: a row whose
        old id is stored is already there too. The whole commit is atomic and serialised with other
        writers: the folder is checked again under the lock.
        """
        self._check_folder()  # refuse early, creating nothing; checked again under the lock
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            _step("create")
            with self._lock():
                _step("locked")
                self._check_folder()
                return self._commit_locked(responses, issues, quarantine, record, legacy_ids)
        except OSError as exc:
            raise WorkspaceError(f"cannot write workspace {self.path}: {exc.strerror or exc}") from None

    @contextmanager
    def _lock(self) -> Iterator[None]:
        """Hold the writers' lock; a timeout is one line."""
        lock = FileLock(str(self.path / ".lock"), timeout=self.lock_timeout)
        try:
            lock.acquire()
        except Timeout:
            raise WorkspaceError(
                f"workspace {self.path} is busy: another ingest held it for {self.lock_timeout:.0f} s; try again"
            ) from None
        try:
            yield
        finally:
            lock.release()

    def _commit_locked(self, responses, issues, quarantine, record, legacy_ids) -> CommitResult:
        manifest = self.manifest()
        self._remove_leftovers(manifest)
        (self.path / "parts").mkdir(exist_ok=True)
        known_ids = self.scan("responses").select("response_id").collect().get_column("response_id")
        if legacy_ids is not None and known_ids.len():
            stored_under_old_id = legacy_ids.filter(pl.col("legacy_id").is_in(known_ids.implode()))
            known_ids = pl.concat([known_ids, stored_under_old_id.get_column("response_id")])
        # Lazy responses (a large file's slices, spilled) are only ever streamed: their ids decide.
        responses = responses.lazy()
        ids = responses.select("response_id").collect().get_column("response_id")
        fresh_ids = ids.filter(~ids.is_in(known_ids.implode())) if known_ids.len() else ids
        fresh = (
            responses.filter(~pl.col("response_id").is_in(known_ids.implode()))
            if fresh_ids.len() < ids.len()
            else responses
        )
        issues = issues.filter(pl.col("response_id").is_in(_present(issues.get_column("response_id"), fresh_ids)))
        known_quarantine = self.scan("quarantine").select("quarantine_id").collect().get_column("quarantine_id")
        quarantine = quarantine.filter(~pl.col("quarantine_id").is_in(known_quarantine.implode()))
        self._seal_legacy(manifest)

        ingest_id = record.get("ingest_id") or new_ingest_id()
        frames = {"responses": fresh, "issues": issues, "quarantine": quarantine}
        parts: dict[str, str] = {}
        checksums: dict[str, dict[str, Any]] = {}
        digest = hashlib.sha256()
        for table, frame in frames.items():
            frame = enforce_schema(frame, table)
            relative = f"parts/{ingest_id}.{table}.parquet"
            rows = fresh_ids.len() if table == "responses" else frame.height
            checksums[table] = _atomic_write_parquet(self.path / relative, frame, rows, digest, step=f"part:{table}")
            parts[table] = relative
        entry = {
            **record,
            "ingest_id": ingest_id,
            "committed_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "accepted": fresh_ids.len(),
            "parts": parts,
            "checksums": checksums,
            "digest": digest.hexdigest(),
        }
        manifest["ingests"].append(entry)
        self._write_manifest(manifest)
        if entry["accepted"]:
            shutil.rmtree(self.path / DERIVED, ignore_errors=True)  # the cache described the old content
        return CommitResult(
            ingest_id=ingest_id,
            accepted_ids=fresh_ids,
            duplicates=ids.len() - fresh_ids.len(),
            issues=issues.height,
            quarantined_new=quarantine.height,
        )

    def _write_manifest(self, manifest: dict[str, Any]) -> None:
        text = json.dumps(manifest, indent=2, ensure_ascii=False)
        _atomic_write_bytes(self.path / MANIFEST, text.encode("utf-8"), step="manifest")

    def _seal_legacy(self, manifest: dict[str, Any]) -> None:
        """Give ingests written before per-part checksums their own (their ingest digest was verified by
        the scans above), so later reads verify each part alone."""
        for ingest in manifest["ingests"]:
            if "checksums" in ingest:
                continue
            if self._legacy_problem(ingest):
                continue  # left as it is: reads and 'mosaic check' report it
            checksums = {}
            for table, relative in ingest["parts"].items():
                data = (self.path / relative).read_bytes()
                rows = pl.scan_parquet(io.BytesIO(data)).select(pl.len()).collect().item()
                checksums[table] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "rows": rows}
            ingest["checksums"] = checksums

    def _check_folder(self) -> None:
        """Refuse to turn an unrelated folder (or a file) into a workspace."""
        if self.path.exists() and not self.path.is_dir():
            raise WorkspaceError(f"workspace {self.path} is a file, not a folder")
        if self.path.is_dir() and not self.exists():
            unexpected = sorted(
                p.name
                for p in self.path.iterdir()
                if p.name not in {"parts", ".lock", MANIFEST} and not p.name.startswith(TEMP_PREFIX)
            )
            if unexpected:
                raise WorkspaceError(
                    f"{self.path} is not a mosaic workspace (it holds {unexpected[0]!r}); give an empty or new folder"
                )

    def _leftovers(self, manifest: dict[str, Any]) -> list[Path]:
        """Files left by writers that failed or were killed: unreferenced parts and temporary files."""
        referenced = {
            part
            for ingest in manifest["ingests"]
            if isinstance(ingest, dict) and isinstance(ingest.get("parts"), dict)
            for part in ingest["parts"].values()
        }
        found = [p for p in self.path.glob(f"{TEMP_PREFIX}*") if p.is_file()]
        parts = self.path / "parts"
        if parts.is_dir():
            for file in parts.iterdir():
                if file.name.startswith(TEMP_PREFIX) or (
                    file.suffix == ".parquet" and f"parts/{file.name}" not in referenced
                ):
                    found.append(file)
        return sorted(found)

    def _remove_leftovers(self, manifest: dict[str, Any]) -> None:
        for file in self._leftovers(manifest):
            file.unlink(missing_ok=True)


# --- manifest shape ----------------------------------------------------------------------------


def _label(index: int, ingest: Any) -> str:
    """An ingest's id, or ``#N`` (its position) when its entry has none."""
    if isinstance(ingest, dict) and isinstance(ingest.get("ingest_id"), str) and ingest["ingest_id"]:
        return ingest["ingest_id"]
    return f"#{index + 1}"


def _json_kind(value: Any) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean", type(None): "null"}.get(
        type(value), type(value).__name__
    )


def _ingest_problems(manifest: dict[str, Any]) -> dict[int, str]:
    """Index -> what is wrong, for each ingest entry not of the expected shape."""
    problems: dict[int, str] = {}
    seen_parts: set[str] = set()
    for index, ingest in enumerate(manifest["ingests"]):
        problem = _ingest_problem(ingest)
        if problem is None:
            overlap = seen_parts & set(ingest["parts"].values())
            if overlap:
                problem = f"names a part another ingest also names ({sorted(overlap)[0]})"
            seen_parts |= set(ingest["parts"].values())
        if problem:
            problems[index] = problem
    return problems


def _ingest_problem(ingest: Any) -> str | None:
    if not isinstance(ingest, dict):
        return f"is a JSON {_json_kind(ingest)}, not an object"
    if not isinstance(ingest.get("ingest_id"), str) or not ingest["ingest_id"]:
        return "has no ingest_id"
    parts = ingest.get("parts")
    if not isinstance(parts, dict):
        return "has no parts" if parts is None else "has parts that are not an object"
    for table in TABLES:
        part = parts.get(table)
        if not isinstance(part, str) or not _PART_PATH.fullmatch(part) or ".." in part:
            return (
                f"has no valid {table} part"
                if part is None
                else f"has a {table} part that is not a file in parts/ ({str(part)[:60]!r})"
            )
    if set(parts) - set(TABLES):
        return f"has an unknown part {sorted(set(parts) - set(TABLES))[0]!r}"
    if not isinstance(ingest.get("digest"), str) or not _SHA256.fullmatch(ingest["digest"]):
        return "has no valid digest"
    checksums = ingest.get("checksums")
    if checksums is not None:
        if not isinstance(checksums, dict) or set(checksums) != set(TABLES):
            return "has checksums that do not cover its three parts"
        for table, entry in checksums.items():
            if (
                not isinstance(entry, dict)
                or not isinstance(entry.get("sha256"), str)
                or not _SHA256.fullmatch(entry["sha256"])
                or not all(type(entry.get(k)) is int and entry[k] >= 0 for k in ("bytes", "rows"))
            ):
                return f"has a malformed checksum for its {table} part"
    return None


def _adds_content(ingest: dict[str, Any]) -> bool:
    checksums = ingest.get("checksums")
    if not checksums:
        return True  # written before row counts were recorded: counted, as it always was
    return any(entry["rows"] for entry in checksums.values())


def _files(ingest: Any) -> tuple[str, ...]:
    if not isinstance(ingest, dict) or not isinstance(ingest.get("files"), list):
        return ()
    names = [f.get("source_file") for f in ingest["files"] if isinstance(f, dict)]
    return tuple(dict.fromkeys(str(n) for n in names if n))


def _holds(ingest: Any, table: str | None = None) -> str:
    """What an ingest (or one of its parts) held, in words: rows per table and the files they came from."""
    if not isinstance(ingest, dict):
        return "contents unknown"
    checksums = ingest.get("checksums") if isinstance(ingest.get("checksums"), dict) else {}
    nouns = {"responses": "responses", "issues": "issue rows", "quarantine": "quarantined rows"}

    def count(name: str) -> str | None:
        entry = checksums.get(name)
        if isinstance(entry, dict) and isinstance(entry.get("rows"), int):
            return f"{entry['rows']:,} {nouns[name]}"
        if name == "responses" and isinstance(ingest.get("accepted"), int):
            return f"{ingest['accepted']:,} responses"
        return None

    counts = [c for c in ([count(table)] if table else [count(t) for t in TABLES]) if c]
    if table and not counts:
        counts = [f"{nouns[table]} of ingest {ingest.get('ingest_id', '?')}"]
    files = _files(ingest)
    shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
    text = ", ".join(counts) or "contents unknown"
    return f"{text} from {shown}" if shown else text


# --- files ---------------------------------------------------------------------------------------


def _contiguous(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` as one chunk per column, a column at a time: rechunking the whole frame at once holds
    two copies of it (ten million responses: 9 GB instead of 4.5 GB).

    A column without a single value (no answer of this workspace gives a harm statement, say) becomes a
    null column that holds no memory: the reader gives each row of an empty text column 16 bytes all the
    same, and a workspace of one source leaves a dozen columns empty (a million rows of the benchmarks'
    ``contested`` shape: 635 MB read, 467 MB kept)."""
    empty = {name for name in frame.columns if frame.height and frame.get_column(name).null_count() == frame.height}
    if not empty and all(frame.get_column(name).n_chunks() <= 1 for name in frame.columns):
        return frame
    columns = []
    for name in frame.columns:
        column = frame.get_column(name)
        if name in empty:
            columns.append(pl.repeat(None, frame.height, dtype=column.dtype, eager=True).alias(name))
        else:
            columns.append(column.rechunk())
        del column
        frame = frame.drop(name)  # the column's chunks are freed as soon as its copy exists
    return pl.DataFrame(columns)


def _present(wanted: pl.Series, ids: pl.Series) -> pl.Series:
    """The distinct values of ``wanted`` that are in ``ids``, as a one-row list for ``is_in``.

    Probes the many ``ids`` (a million responses) against the few ``wanted`` (those with an issue)
    rather than hashing every id into a set to look the few up in: the same values, in a fraction of the
    time. Nulls are never present.
    """
    distinct = wanted.drop_nulls().unique()
    return ids.filter(ids.is_in(distinct.implode())).unique().implode()


def new_ingest_id() -> str:
    """A sortable, unique ingest id: UTC time plus a random suffix."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]


def _atomic_write_parquet(
    target: Path,
    frame: pl.DataFrame | pl.LazyFrame,
    rows: int,
    digest: Any = None,
    *,
    step: str,
    metadata: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Write a part (or a derived table) as ``_atomic_write_bytes`` does, with polars writing to the temporary
    file itself; return its checksum entry (sha256, bytes, rows) and feed its bytes to ``digest`` if given
    (the ingest's digest).

    Why not bytes in memory first: polars encoding Parquet into a Python buffer held a second copy of the
    encoding (about 740 MB for a million rows). A lazy frame (a large file's slices) is streamed. A native
    writer may not report a short write (a full disk), so the footer's row count is read back and must be
    ``rows`` before the file is renamed into place."""
    tmp = target.with_name(f"{TEMP_PREFIX}{uuid.uuid4().hex}-{target.name}")
    options: dict[str, Any] = {"compression": "zstd", "compression_level": 1, "statistics": True}
    if metadata:
        options["metadata"] = metadata
    try:
        if isinstance(frame, pl.LazyFrame):
            frame.sink_parquet(tmp, **options)
        else:
            frame.write_parquet(tmp, **options)
        verify_parquet(tmp, rows)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
            size = os.fstat(handle.fileno()).st_size
            checksum = hashlib.sha256()
            if size:
                with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                    checksum.update(mapped)
                    if digest is not None:
                        digest.update(mapped)
        _step(f"{step}-tmp" if ":" not in step else step.replace(":", "-tmp:", 1))
        os.replace(tmp, target)
        _fsync_folder(target.parent)
        _step(step)
    except pl.exceptions.PolarsError as exc:  # a write polars could not finish (a full disk, say)
        raise native_write_error(exc, target) from None
    finally:
        tmp.unlink(missing_ok=True)
    return {"sha256": checksum.hexdigest(), "bytes": size, "rows": rows}


def _sha256_file(path: Path) -> str:
    """SHA-256 of a file, mapped into memory (the fastest way to feed hashlib: about 1 GB/s here)."""
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return hashlib.sha256(b"").hexdigest()
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            return hashlib.sha256(mapped).hexdigest()


def _atomic_write_bytes(target: Path, data: bytes, *, step: str) -> None:
    """Write ``data`` to a temporary file beside ``target``, flush it to disk, rename it over ``target``.

    Python's writes raise on a short write (a full disk), unlike some native writers, and the size is
    checked after the flush, so a truncated file is never renamed into place.
    """
    tmp = target.with_name(f"{TEMP_PREFIX}{uuid.uuid4().hex}-{target.name}")
    try:
        with open(tmp, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if tmp.stat().st_size != len(data):
            raise OSError(28, f"short write of {tmp.name}")
        _step(f"{step}-tmp" if ":" not in step else step.replace(":", "-tmp:", 1))
        os.replace(tmp, target)
        _fsync_folder(target.parent)
        _step(step)
    finally:
        tmp.unlink(missing_ok=True)


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable (a crash right after it must not bring back the old name)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
        # some filesystems cannot sync a folder; the rename itself is still atomic
    finally:
        os.close(handle)


__all__ = ["CheckResult", "CommitResult", "Damage", "Workspace", "new_ingest_id"]
