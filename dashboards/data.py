"""How the dashboard gets its data: one small interface, a cached workspace implementation and a fake.

Callbacks never read files. They ask a ``DataAccess`` for analysis inputs, findings or a map frame; the
workspace implementation keys every cached result on the workspace's content hash, so the first callback
after an upload sees the new data and every other callback reuses what was computed. Nothing is read at
import time or when the app is created: the first request pays for the first read.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from dashboards.views import findings_index
from mosaic.analyses import (
    AnalysisInputs,
    CheckParams,
    all_checks,
    empty_findings,
    map_stances,
    run_checks,
    technology_scope,
)
from mosaic.analyses.mapview import pair_timelines

LOG = logging.getLogger(__name__)


class DataAccess(Protocol):
    """What the pages need from the data. Implementations must be safe to call from several threads."""

    is_sample: bool
    """True when the data is the bundled synthetic sample (the pages show a banner)."""

    def version(self) -> str:
        """A hash naming the current data; it changes whenever the data changes."""

    def inputs(self) -> AnalysisInputs:
        """Responses and registers for the analyses."""

    def findings(self) -> pl.DataFrame:
        """Every check's findings over the whole data (the ``FINDING_SCHEMA``)."""

    def findings_index(self) -> pl.DataFrame:
        """``views.findings_index`` of ``findings()``: scalar columns and row numbers, strongest first."""

    def memo(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """``compute()`` cached under ``key`` for the current data version."""

    def technology_choices(self) -> list[dict[str, str]]:
        """The technology dropdown's options: what the data holds, with its categories, in taxonomy order."""

    def default_technology(self) -> str:
        """The technology a page opens on (the most asked about)."""

    def date_bounds(self) -> tuple[dt.date, dt.date]:
        """The slider's range: the first and last date on which anything became public."""

    def authority_choices(self) -> list[dict[str, str]]:
        """The authority dropdown's options, by name."""

    def regions(self) -> list[str]:
        """The regions of the register, sorted."""

    def technology_scope(self, technology_id: str) -> list[str]:
        """The technology and everything below it in the taxonomy (what a category's pages cover)."""

    def map_frame(self, technology_id: str, as_of: dt.date, *, with_undated: bool = False) -> pl.DataFrame:
        """``map_stances`` for one technology on one date (``with_undated``: the data as it stands now)."""

    def exposure(self, technology_id: str, as_of: dt.date, *, with_undated: bool = False) -> dict[str, Any] | None:
        """The technology-wide ``mosaic_exposure`` metrics (``with_undated``: the data as it stands now)."""

    def graph(self) -> Any:
        """The whole disclosure graph (``mosaic.graph.build_graph``)."""

    def communities(self, technology_id: str | None) -> pl.DataFrame:
        """Agreement communities (authority_id, community...)."""

    def ingest(self, paths: Sequence[Path], mapping: Any = None) -> Any:
        """Ingest files through the same pipeline as the CLI (``mapping``: a ``ColumnMapping``, as --map
        gives); returns its ``IngestReport``."""

    def quarantine(self, ingest_id: str) -> pl.DataFrame:
        """The quarantined rows of one ingest."""


class _LruCache:
    """A small thread-safe LRU cache that computes each value once.

    Callbacks run in parallel threads and the first page load fires several at once, all wanting the same
    inputs: a per-key lock makes the others wait for the first computation instead of repeating it.
    ``clear`` drops everything (the data changed: the old frames would only hold memory).
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[tuple, Any] = OrderedDict()
        self._key_locks: dict[tuple, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._items:
                    return self._items[key]
            value = compute()
            with self._lock:
                self._items[key] = value
                self._key_locks.pop(key, None)
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class _CachedAnalyses:
    """The cached analyses shared by both implementations; subclasses say what the data is and its version."""

    is_sample = False

    def __init__(self, checks: Sequence[str] | None = None) -> None:
        self._lru = _LruCache(256)
        self._checks = list(checks) if checks else None
        self._cached_version: str | None = None
        self.failed_checks: dict[str, str] = {}

    @property
    def _cache(self) -> _LruCache:
        """The cache, emptied whenever the data version changes (keys carry the version as well)."""
        version = self.version()
        if version != self._cached_version:
            self._lru.clear()
            self._cached_version = version
        return self._lru

    def version(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def _load_inputs(self) -> AnalysisInputs:  # pragma: no cover - abstract
        raise NotImplementedError

    def inputs(self) -> AnalysisInputs:
        version = self.version()

        def build() -> AnalysisInputs:
            inputs = self._load_inputs()
            # Derived once here rather than inside the first callback: the events, and the integer codes
            # every per-date view (map, exposure) reads instead of rescanning a million rows of strings.
            pair_timelines(inputs)
            return inputs

        return self._cache.get(("inputs", version), build)

    def findings(self) -> pl.DataFrame:
        return self._cache.get(("findings", self.version()), self._run_checks)

    def _run_checks(self) -> pl.DataFrame:
        """Run the checks one by one, so one failing check costs its own findings, not every page's.

        A failure is logged and remembered in ``failed_checks`` (the findings page lists them)."""
        inputs = self.inputs()
        frames = []
        self.failed_checks = {}
        for check_id in self._checks or list(all_checks()):
            try:
                frames.append(run_checks(inputs, [check_id]))
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # noqa: BLE001 - a polars panic is a BaseException; reported, never silent
                LOG.exception("check %s failed", check_id)
                self.failed_checks[check_id] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        # One contiguous frame: the panels fetch an authority's rows by number, and gathering from ten
        # separate chunks of nested evidence was twenty times slower.
        return pl.concat(frames, how="vertical", rechunk=True) if frames else empty_findings()

    def findings_index(self) -> pl.DataFrame:
        return self._cache.get(("findings-index", self.version()), lambda: findings_index(self.findings()))

    def memo(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """Cache ``compute()`` under ``key`` for the current data version (for a page's own derived views)."""
        return self._cache.get(("memo", self.version(), *key), compute)

    # Presented choices: what the pages' controls offer, computed once per data version, so a page layout
    # asks for them rather than reaching into the raw inputs.
    def technology_choices(self) -> list[dict[str, str]]:
        from dashboards.views import technology_options

        return self.memo(
            ("technology_choices",), lambda: technology_options(self.inputs().technologies, self.inputs().events)
        )

    def default_technology(self) -> str:
        from dashboards.views import default_technology

        return self.memo(
            ("default_technology",), lambda: default_technology(self.inputs().events, self.inputs().technologies)
        )

    def date_bounds(self) -> tuple[dt.date, dt.date]:
        from dashboards.views import date_bounds

        return self.memo(("date_bounds",), lambda: date_bounds(self.inputs().events))

    def authority_choices(self) -> list[dict[str, str]]:
        def build() -> list[dict[str, str]]:
            register = self.inputs().authorities.sort("name").select("authority_id", "name")
            return [{"label": r["name"], "value": r["authority_id"]} for r in register.to_dicts()]

        return self.memo(("authority_choices",), build)

    def regions(self) -> list[str]:
        return self.memo(
            ("regions",),
            lambda: sorted(r for r in self.inputs().authorities.get_column("region").unique().to_list() if r),
        )

    def technology_scope(self, technology_id: str) -> list[str]:
        return self.memo(("technology_scope", technology_id), lambda: technology_scope(self.inputs(), technology_id))

    def map_frame(self, technology_id: str, as_of: dt.date, *, with_undated: bool = False) -> pl.DataFrame:
        key = ("map", self.version(), technology_id, as_of, with_undated)
        return self._cache.get(key, lambda: map_stances(self.inputs(), technology_id, as_of, with_undated=with_undated))

    def exposure(self, technology_id: str, as_of: dt.date, *, with_undated: bool = False) -> dict[str, Any] | None:
        def compute() -> dict[str, Any] | None:
            # The data as it stands is the checks' "no --as-of" view, stated on the given day.
            found = run_checks(
                self.inputs(),
                ["mosaic_exposure"],
                as_of=None if with_undated else as_of,
                technology_ids=[technology_id],
                params=CheckParams(today=as_of),
            )
            national = found.filter(pl.col("scope") == "technology")
            if national.height == 0:
                return None
            return {k: v for k, v in national.row(0, named=True)["metrics"].items() if v is not None}

        return self._cache.get(("exposure", self.version(), technology_id, as_of, with_undated), compute)

    def graph(self) -> Any:
        from mosaic.graph import build_graph

        return self._cache.get(("graph", self.version()), lambda: build_graph(self.inputs(), findings=self.findings()))

    def communities(self, technology_id: str | None) -> pl.DataFrame:
        """Agreement communities of the authorities (``mosaic.graph.agreement_projection``'s members)."""
        from mosaic.graph import agreement_projection

        whole = self.graph()
        key = ("communities", self.version(), technology_id)
        return self._cache.get(
            key, lambda: agreement_projection(whole, technology_ids=[technology_id] if technology_id else None).members
        )


class WorkspaceData(_CachedAnalyses):
    """A workspace on disk; results cached per workspace content hash."""

    def __init__(self, workspace: Any, *, is_sample: bool = False, checks: Sequence[str] | None = None) -> None:
        super().__init__(checks)
        self.workspace = workspace
        self.is_sample = is_sample

    def version(self) -> str:
        return self.workspace.content_hash()

    def _load_inputs(self) -> AnalysisInputs:
        return AnalysisInputs.from_workspace(self.workspace)

    def ingest(self, paths: Sequence[Path], mapping: Any = None) -> Any:
        from mosaic import settings
        from mosaic.ingest.pipeline import IngestOptions, ingest_files

        options = IngestOptions(fuzzy_threshold=settings.get("fuzzy_threshold"))
        return ingest_files(list(paths), self.workspace, mapping, options=options)

    def quarantine(self, ingest_id: str) -> pl.DataFrame:
        return self.workspace.read("quarantine").filter(pl.col("ingest_id") == ingest_id)


class FakeData(_CachedAnalyses):
    """In-memory data for tests: a responses frame and, optionally, literal findings."""

    def __init__(
        self, responses: pl.DataFrame, *, findings: pl.DataFrame | None = None, is_sample: bool = False
    ) -> None:
        super().__init__()
        self._responses = responses
        self._findings = findings
        self.is_sample = is_sample
        self._version = 0

    def version(self) -> str:
        return f"fake-{self._version}"

    def _load_inputs(self) -> AnalysisInputs:
        return AnalysisInputs.from_responses(self._responses)

    def findings(self) -> pl.DataFrame:
        return self._findings if self._findings is not None else super().findings()

    def ingest(self, paths: Sequence[Path], mapping: Any = None) -> Any:
        """Ingest into a throwaway workspace and append its accepted rows (same pipeline as the CLI)."""
        from mosaic.ingest.pipeline import ingest_files
        from mosaic.store.workspace import Workspace

        with tempfile.TemporaryDirectory(prefix="mosaic-fake-") as folder:
            workspace = Workspace(Path(folder) / "ws")
            report = ingest_files(list(paths), workspace, mapping)
            if report.committed:
                self._responses = pl.concat([self._responses, workspace.responses()], how="diagonal_relaxed")
                self._quarantine = workspace.read("quarantine")
                self._version += 1
        return report

    def quarantine(self, ingest_id: str) -> pl.DataFrame:
        frame = getattr(self, "_quarantine", None)
        if frame is None:
            return pl.DataFrame()
        return frame.filter(pl.col("ingest_id") == ingest_id)


def no_findings() -> pl.DataFrame:
    """An empty findings frame (for fakes that want none)."""
    return empty_findings()
