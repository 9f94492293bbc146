"""How the dashboard gets its data: one small interface, a cached workspace implementation and a fake.

Callbacks never read files, and are never handed the raw analysis inputs: they ask a ``DataAccess`` the
page's own questions (the choices a control offers, a technology's name and place, a map frame, an
authority's answers in words, a timeline, findings, a report) and get presented frames and values back.
The workspace implementation keys every cached result on the workspace's content hash, so the first
callback after an upload sees the new data and every other callback reuses what was computed. Nothing is read at
import time or when the app is created: the first request pays for the first read.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from dashboards.views import authority_events, findings_index
from mosaic.analyses import (
    AnalysisInputs,
    CheckParams,
    all_checks,
    empty_findings,
    map_stances,
    run_checks,
    technology_scope,
)
from mosaic.analyses.findings import gather_findings, key_evidence, with_evidence
from mosaic.analyses.mapview import pair_timelines, stance_timeline
from mosaic.present.labels import ANSWER_STANCE_LABELS, OUTCOME_LABELS, technology_names
from mosaic.present.tables import findings_table_slices
from mosaic.present.writers import write_frames_csv

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class TechnologyView:
    """A technology as the pages name and place it (``DataAccess.technology``).

    ``name`` is the one display name (``mosaic.present.labels.technology_names``); ``level`` and ``path``
    come from the taxonomy (``None`` for a technology only the answers name); ``products`` counts what a
    category covers below it."""

    technology_id: str
    name: str
    level: str | None = None
    path: str | None = None
    vendor: str | None = None
    products: int = 0

    @property
    def is_category(self) -> bool:
        return self.level == "category"


@dataclass(frozen=True)
class TimelineView:
    """The timeline of one technology (``DataAccess.timeline``): ``points`` and ``grain`` from
    ``mosaic.analyses.mapview.stance_timeline``, and the authorities whose answers are undated (an
    undated answer has no place on a time axis; the page says so, so that none vanishes)."""

    points: pl.DataFrame
    grain: str
    undated_count: int
    undated_authorities: list[str]


class DataAccess(Protocol):
    """What the pages need from the data. Implementations must be safe to call from several threads."""

    is_sample: bool
    """True when the data is the bundled synthetic sample (the pages show a banner)."""

    failed_checks: dict[str, str]
    """Checks that failed on this data, by id, with their one-line error (the findings page lists them)."""

    def version(self) -> str:
        """A hash naming the current data; it changes whenever the data changes."""

    def findings(self) -> pl.DataFrame:
        """Every check's findings over the whole data, each with its evidence in place (the ``FINDING_SCHEMA``):
        the network page's graph. It holds every finding's evidence list (at ten million answers, more than
        this machine's 24 GB): the findings page, the panel and the downloads use ``findings_index`` and
        ``findings_at``."""

    def findings_index(self) -> pl.DataFrame:
        """``views.findings_index`` of the findings: row numbers and codes, strongest first, no text."""

    def findings_at(self, rows: pl.Series) -> pl.DataFrame:
        """The findings at positions ``rows`` (the index's ``row``), in that order, whole (the ``FINDING_SCHEMA``)."""

    def findings_csv(self, rows: pl.Series) -> bytes:
        """The findings at positions ``rows`` as the findings CSV ``mosaic analyse -f csv`` writes."""

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

    def technology(self, technology_id: str) -> TechnologyView:
        """How a technology is named and placed (its display name, level, path, vendor, products below it)."""

    def authority_register(self) -> pl.DataFrame:
        """The authorities register (id, name, kind, region, hexagon position, PFA code): where each is drawn."""

    def authority_answers(self, authority_id: str) -> pl.DataFrame:
        """One authority's responses with their outcome and stance in words (the panel's table)."""

    def node_choices(self) -> list[dict[str, str]]:
        """The network page's centre options: every authority, then every technology."""

    def timeline(self, technology_id: str) -> TimelineView:
        """The timeline's points for a technology (and below it), their grain, and its undated answers."""

    def report(self, technology_id: str | None, as_of: dt.date, authority_id: str | None) -> Any:
        """The consistency report of a selection (``mosaic.report.ReportModel``; see ``exports``)."""

    def command_flags(self) -> list[str]:
        """The ``mosaic`` options that name this data on the command line (``--workspace PATH``), if any."""

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


def _in_words(column: str, labels: dict[Any, str]) -> pl.Expr:
    """A code column in the words of ``labels`` (an unknown code stays as it is, never blanked)."""
    words = {str(getattr(code, "value", code)): label for code, label in labels.items()}
    return pl.col(column).cast(pl.String).replace_strict(words, default=pl.col(column).cast(pl.String))


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

    def analysis_inputs(self) -> AnalysisInputs:
        """The responses and registers the analyses read: for this class's own methods (and tests), never
        handed to a page; pages ask the presented questions below."""
        version = self.version()

        def build() -> AnalysisInputs:
            inputs = self._load_inputs()
            # Derived once here rather than inside the first callback: the events, and the integer codes
            # every per-date view (map, exposure) reads instead of rescanning a million rows of strings.
            pair_timelines(inputs)
            return inputs

        return self._cache.get(("inputs", version), build)

    def findings(self) -> pl.DataFrame:
        # Not kept: its one caller (``graph``) is kept, and a second copy of the run beside ``keyed_findings``
        # would only hold memory.
        return with_evidence(*self.keyed_findings())

    def keyed_findings(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Every check's findings naming their evidence list, and each list once (``key_evidence``'s pair):
        what the findings page and the panels hold. The evidence goes back in place only for the rows
        shown (``findings_at``): in place for every finding, ten million answers' findings ran this
        machine out of memory."""
        return self._cache.get(("keyed-findings", self.version()), self._compute_keyed_findings)

    def _compute_keyed_findings(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Every check's findings (``_run_checks``); the workspace implementation reads and fills the
        workspace's findings cache around it."""
        return key_evidence(self._run_checks())

    def findings_at(self, rows: pl.Series) -> pl.DataFrame:
        keyed, evidence_sets = self.keyed_findings()
        shown = gather_findings(keyed, rows)
        # The shown rows' lists only: a join against every list (three million at ten million answers) would
        # hash them all for a handful of rows.
        cited = shown.get_column("evidence_id").drop_nulls().unique().implode()
        return with_evidence(shown, evidence_sets.filter(pl.col("evidence_id").is_in(cited)))

    def findings_csv(self, rows: pl.Series) -> bytes:
        # Written from the run as held, a slice at a time, as the CLI writes it: a download of a whole
        # technology's findings never puts every finding's evidence in place.
        keyed, evidence_sets = self.keyed_findings()
        stream = io.BytesIO()
        write_frames_csv(findings_table_slices(gather_findings(keyed, rows), evidence_sets), stream)
        return stream.getvalue()

    def _run_checks(self) -> pl.DataFrame:
        """Run the checks one by one, so one failing check costs its own findings, not every page's.

        A failure is logged and remembered in ``failed_checks`` (the findings page lists them)."""
        inputs = self.analysis_inputs()
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
        return self._cache.get(("findings-index", self.version()), lambda: findings_index(self.keyed_findings()[0]))

    def _memo(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """Cache ``compute()`` under ``key`` for the current data version."""
        return self._cache.get(("memo", self.version(), *key), compute)

    # Presented choices: what the pages' controls offer, computed once per data version, so a page layout
    # asks for them rather than reaching into the raw inputs.
    def technology_choices(self) -> list[dict[str, str]]:
        from dashboards.views import technology_options

        return self._memo(
            ("technology_choices",),
            lambda: technology_options(self.analysis_inputs().technologies, self.analysis_inputs().events),
        )

    def default_technology(self) -> str:
        from dashboards.views import default_technology

        return self._memo(
            ("default_technology",),
            lambda: default_technology(self.analysis_inputs().events, self.analysis_inputs().technologies),
        )

    def date_bounds(self) -> tuple[dt.date, dt.date]:
        from dashboards.views import date_bounds

        return self._memo(("date_bounds",), lambda: date_bounds(self.analysis_inputs().events))

    def authority_choices(self) -> list[dict[str, str]]:
        def build() -> list[dict[str, str]]:
            register = self.analysis_inputs().authorities.sort("name").select("authority_id", "name")
            return [{"label": r["name"], "value": r["authority_id"]} for r in register.to_dicts()]

        return self._memo(("authority_choices",), build)

    def regions(self) -> list[str]:
        return self._memo(
            ("regions",),
            lambda: sorted(r for r in self.analysis_inputs().authorities.get_column("region").unique().to_list() if r),
        )

    def technology_scope(self, technology_id: str) -> list[str]:
        return self._memo(
            ("technology_scope", technology_id), lambda: technology_scope(self.analysis_inputs(), technology_id)
        )

    def technology(self, technology_id: str) -> TechnologyView:
        def build() -> TechnologyView:
            inputs = self.analysis_inputs()
            name = self._memo(("technology_names",), lambda: technology_names(inputs.technologies, inputs.events))
            row = inputs.technologies.filter(pl.col("technology_id") == technology_id)
            if row.height == 0:
                return TechnologyView(technology_id, name.get(technology_id, technology_id))
            record = row.row(0, named=True)
            return TechnologyView(
                technology_id,
                name.get(technology_id, record["name"] or technology_id),
                level=record["level"],
                path=(record["category"] or "").replace("-", " ") or None,
                vendor=record.get("vendor") or None,
                products=len(self.technology_scope(technology_id)) - 1,
            )

        return self._memo(("technology", technology_id), build)

    def authority_register(self) -> pl.DataFrame:
        return self.analysis_inputs().authorities

    def authority_answers(self, authority_id: str) -> pl.DataFrame:
        def build() -> pl.DataFrame:
            answers = authority_events(self.analysis_inputs(), authority_id)
            return answers.with_columns(
                outcome=_in_words("outcome", OUTCOME_LABELS),
                stance=_in_words("stance", ANSWER_STANCE_LABELS),
            )

        return self._memo(("authority_answers", authority_id), build)

    def node_choices(self) -> list[dict[str, str]]:
        def build() -> list[dict[str, str]]:
            inputs = self.analysis_inputs()
            names = self._memo(("technology_names",), lambda: technology_names(inputs.technologies, inputs.events))
            options = [
                {"label": f"Authority: {r['name']}", "value": f"authority:{r['authority_id']}"}
                for r in inputs.authorities.sort("name").select("authority_id", "name").to_dicts()
            ]
            return options + [
                {"label": f"Technology: {names.get(t, t)}", "value": f"technology:{t}"}
                for t in inputs.technologies.sort("category").get_column("technology_id").to_list()
            ]

        return self._memo(("node_choices",), build)

    def timeline(self, technology_id: str) -> TimelineView:
        from dashboards.views import TIMELINE_POINT_LIMIT

        def build() -> TimelineView:
            events = self.analysis_inputs().events
            scope = self.technology_scope(technology_id)
            points, grain = stance_timeline(events, scope, TIMELINE_POINT_LIMIT)
            undated = events.filter(
                pl.col("technology_id").is_in(scope)
                & pl.col("response_end").is_null()
                & (pl.col("is_disclosure") | pl.col("is_ncnd"))
            )
            who = undated.get_column("authority_label").unique().sort().to_list()
            return TimelineView(points, grain, undated.height, who)

        return self._memo(("timeline", technology_id), build)

    def report(self, technology_id: str | None, as_of: dt.date, authority_id: str | None) -> Any:
        """With an authority chosen, the dossier of its latest NCND on the technology by ``as_of``, stated
        as of that answer's own date (never ``as_of``: that would count disclosures made after the NCND);
        else the technology (or authority) report on ``as_of``."""
        from mosaic.report import build_report, dossier_response_id

        inputs = self.analysis_inputs()
        response_id = (
            dossier_response_id(inputs, authority_id, technology_id, as_of) if authority_id and technology_id else None
        )
        return build_report(
            inputs,
            response_id=response_id,
            authority_id=None if response_id else authority_id or None,
            technology_id=None if response_id else technology_id,
            as_of=None if response_id else as_of,
            workspace_hash=self.version(),
            findings_cache=self._findings_cache(),
        )

    def _findings_cache(self) -> Any:
        """The workspace whose findings cache a report reads and fills (``build_report``); None: none."""
        return None

    def command_flags(self) -> list[str]:
        return []

    def map_frame(self, technology_id: str, as_of: dt.date, *, with_undated: bool = False) -> pl.DataFrame:
        key = ("map", self.version(), technology_id, as_of, with_undated)
        return self._cache.get(
            key, lambda: map_stances(self.analysis_inputs(), technology_id, as_of, with_undated=with_undated)
        )

    def exposure(self, technology_id: str, as_of: dt.date, *, with_undated: bool = False) -> dict[str, Any] | None:
        def compute() -> dict[str, Any] | None:
            # The data as it stands is the checks' "no --as-of" view, stated on the given day.
            found = run_checks(
                self.analysis_inputs(),
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

        return self._cache.get(
            ("graph", self.version()), lambda: build_graph(self.analysis_inputs(), findings=self.findings())
        )

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

    def command_flags(self) -> list[str]:
        return ["--workspace", str(self.workspace.path)]

    def _findings_cache(self) -> Any:
        return self.workspace

    def _compute_keyed_findings(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The findings from the workspace's cache (``mosaic.analyses.cache``: the same entry ``mosaic
        analyse`` writes and reads), else computed and cached as ``mosaic analyse`` does it (each check's
        findings set down as it finishes: at ten million answers they are not all held at once). When a
        check fails, they are computed again check by check (``_run_checks``), keeping every other check's
        findings; a run with a failed check is not kept, so the next start tries it again."""
        from mosaic.analyses.cache import cached_run

        self.failed_checks = {}
        try:
            return cached_run(self.workspace, self.analysis_inputs, self._checks)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # noqa: BLE001 - a polars panic is a BaseException; the next run names the check
            LOG.warning("a check failed on this workspace: running the checks one by one")
        return cached_run(
            self.workspace,
            self.analysis_inputs,
            self._checks,
            run=lambda *_args, **_options: self._run_checks(),
            keep=lambda: not self.failed_checks,
        )

    def _load_inputs(self) -> AnalysisInputs:
        # The columns the checks read; the panel reads its notes for the answers it shows (``with_details``).
        return AnalysisInputs.for_checks(self.workspace)

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

    def _compute_keyed_findings(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        return key_evidence(self._findings) if self._findings is not None else super()._compute_keyed_findings()

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
