"""Findings cached in the workspace: computed once per content and parameters, read back after that.

Why: every check over a million answers takes seconds to minutes, and the dashboard, ``mosaic analyse``
and ``mosaic graph`` each ran them again on data that had not changed. The findings of a whole run are
stored as a derived Parquet table of the workspace (``Workspace.write_derived``), keyed by what decides
them: the workspace's content hash, the checks, the as-of date, every parameter (``today`` included, so
map-level findings are recomputed on a new day) and the tool's version. A new ingest clears the cache;
a damaged cache file fails its checksum and is rebuilt, never trusted.

Whole runs are cached. A run focused on some technologies or authorities reads the whole run's
cache when there is one and keeps the findings about them (what ``run_checks`` keeps), and otherwise
runs focused, which is already fast. Reports keep their focused runs too (``store_focused``), as a kind
of their own (``FOCUSED_KIND``), so a run of theirs never evicts a whole run; ``mosaic.report.common``
says why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import polars as pl

from mosaic import __version__
from mosaic.analyses.findings import (
    FINDING_SCHEMA,
    FLAT_METRIC_PREFIX,
    RUN_FILE_COLUMNS,
    compact_metrics,
    empty_findings,
    flat_metrics,
    from_flat_metrics,
    in_citation_order,
    in_sequence,
    key_evidence,
    with_evidence,
)
from mosaic.analyses.inputs import AnalysisInputs
from mosaic.analyses.registry import CheckParams, all_checks, resolve_check_ids, run_checks

LOG = logging.getLogger(__name__)

#: Bumped when the findings a run produces change shape or meaning without a version change (2: evidence
#: ids hashed from the lists' text, see ``key_evidence``).
CACHE_FORMAT = 2

#: The kind of derived table focused runs are kept as (``findings`` holds whole runs). Kinds are evicted
#: separately, so a run of a report never pushes out the whole run the dashboard and ``mosaic analyse``
#: read; the twelve most recent are kept: the runs of four reports (a dossier makes two: response- and
#: map-level; a technology or authority report three: ``ReportContext.capped_findings``).
FOCUSED_KIND, FOCUSED_KEEP = "focusedfindings", 12


def findings_key(
    content_hash: str,
    checks: Sequence[str],
    as_of: dt.date | None,
    params: CheckParams,
    *,
    technology_ids: Sequence[str] | None = None,
    authority_ids: Sequence[str] | None = None,
    response_ids: Sequence[str] | None = None,
) -> str:
    """The cache key of a run: a hash of everything that decides its findings. The focus (technologies,
    authorities, responses) counts only when given: a whole run's key is the same as before focused runs
    were kept, and a focus without responses the same as before a focus could name them."""
    settings = {k: v for k, v in dataclasses.asdict(params).items() if not k.startswith("focus_")}
    decided = {
        "format": CACHE_FORMAT,
        "tool": __version__,
        "content": content_hash,
        "checks": sorted(checks),
        "as_of": as_of.isoformat() if as_of else None,
        "params": settings,
    }
    if technology_ids or authority_ids or response_ids:
        # As run_checks reads them: a set each, an empty one the same as none.
        decided["focus"] = {
            "technology_ids": sorted(set(technology_ids or ())),
            "authority_ids": sorted(set(authority_ids or ())),
        }
        if response_ids:
            decided["focus"]["response_ids"] = sorted(set(response_ids))
    payload = json.dumps(decided, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


def store_findings(
    workspace,
    key: str,
    run: tuple[pl.DataFrame | pl.LazyFrame, pl.DataFrame],
    *,
    kind: str = "findings",
    keep: int | None = None,
    rows: int | None = None,
    header: dict | None = None,
) -> None:
    """Keep a run as two derived tables: its findings naming their evidence list (``<kind>-<key>``, in the
    findings file's layout, ``RUN_FILE_COLUMNS``) and each distinct list once (``<kind>evidence-<key>``), as
    ``key_evidence`` gives them; of each kind the ``keep`` most recent stay (default: the workspace's).
    Storing the lists nested in every finding took longer to write than the checks took to run, and longer
    to read back too. Findings given lazily (``run_lazily``) are streamed to the file; ``rows`` says how
    many there are.

    ``header`` (``run_header``; for a run in reading order): the run is stored exactly as ``mosaic analyse
    -f parquet`` writes it, the header in both files' metadata and the lists in the order the findings
    cite them, so the command writes out a copy of the files (``stored_run_bytes``) rather than reading
    and encoding the run again (3.5 s of 13 at a million answers)."""
    keyed, evidence_sets = run
    options: dict = {} if keep is None else {"keep": keep}
    if header is not None:
        options["metadata"] = {HEADER_KEY: json.dumps(header, ensure_ascii=False)}
        evidence_sets = in_citation_order(keyed, evidence_sets)
    if isinstance(keyed, pl.LazyFrame):  # a streamed run: its lists are streamed too (see ``in_sequence``)
        lists = in_sequence(evidence_sets.lazy(), evidence_sets.height)
        workspace.write_derived(f"{kind}evidence-{key}", lists, rows=evidence_sets.height, **options)
    else:
        workspace.write_derived(f"{kind}evidence-{key}", evidence_sets, **options)
    workspace.write_derived(f"{kind}-{key}", keyed.select(RUN_FILE_COLUMNS), rows=rows, **options)


#: The key of a findings file's run header in its Parquet key-value metadata.
HEADER_KEY = "mosaic"


def run_header(as_of: dt.date | None, content_hash: str, checks: Sequence[str]) -> dict:
    """What every findings file says about its run: the view date and its rule, the data, the checks (JSON
    and NDJSON open with it; Parquet files and a stored run carry it in their metadata, ``HEADER_KEY``)."""
    return {
        "as_of": as_of.isoformat() if as_of else None,
        "as_of_rule": "given date" if as_of else "each response's own date; today for map-level checks",
        "workspace_hash": content_hash,
        "checks": list(checks),
        "evidence": "shared: each finding's evidence_id names its list in evidence_sets (identical lists once)",
    }


def stored_run_bytes(
    workspace, checks: Sequence[str], *, as_of: dt.date | None, header: dict, params: CheckParams | None = None
) -> tuple[bytes, bytes] | None:
    """The two files of the whole run of ``checks`` as stored with ``header`` (``store_findings``): the
    findings, then the evidence sets, verified against their checksums; None when the run is not stored,
    or was stored by another front end (without that header, or in another order)."""
    key = findings_key(workspace.content_hash(), resolve_check_ids(checks), as_of, params or CheckParams())
    findings = workspace.derived_bytes(f"findings-{key}")
    lists = workspace.derived_bytes(f"findingsevidence-{key}") if findings is not None else None
    if findings is None or lists is None:
        return None
    wanted = json.dumps(header, ensure_ascii=False)
    for data in (findings, lists):
        try:
            if pl.read_parquet_metadata(io.BytesIO(data)).get(HEADER_KEY) != wanted:
                return None
        except (OSError, pl.exceptions.PolarsError):
            return None
    return findings, lists


def load_findings(
    workspace, key: str, *, kind: str = "findings", lazy: bool = False, evidence: bool = True
) -> tuple[pl.DataFrame | pl.LazyFrame, pl.DataFrame] | None:
    """The run ``store_findings`` kept under ``key``, or None when either table is missing, damaged or of
    another schema: the run is then computed again. ``lazy``: the findings as a lazy frame over the
    verified file, read as they are consumed, its columns as stored (``RUN_FILE_COLUMNS``). ``evidence``
    False: the evidence lists are not read (an empty table stands in), for a reader that prints none (the
    terminal table: at ten million answers the lists are a gigabyte it would only hold)."""
    keyed = workspace.read_derived(f"{kind}-{key}", collect=(lambda table: table) if lazy else _read_by_check)
    if keyed is not None and not evidence:
        evidence_sets = pl.DataFrame(schema={"evidence_id": pl.String, "evidence": FINDING_SCHEMA["evidence"]})
    else:
        evidence_sets = workspace.read_derived(f"{kind}evidence-{key}") if keyed is not None else None
    if keyed is None or evidence_sets is None:
        return None
    expected = [name for name in FINDING_SCHEMA.names() if name != "evidence"]
    schema = keyed.collect_schema()
    if [schema.get(name) for name in expected] != [FINDING_SCHEMA[name] for name in expected]:
        return None
    if evidence_sets.schema.get("evidence") != FINDING_SCHEMA["evidence"]:
        return None
    if isinstance(keyed, pl.LazyFrame):
        # As stored (``RUN_FILE_COLUMNS``): a lazy frame with its columns reordered is not read a slice at a
        # time (``in_sequence``) but whole (ten million findings: 0.9 GB to write, reordered over 9 GB).
        return keyed, evidence_sets
    # Stored in the file's layout, read back in ``key_evidence``'s (no copy).
    return keyed.select(*expected, "evidence_count", "evidence_id"), evidence_sets


def keyed_checks(
    inputs: AnalysisInputs | Callable[[], AnalysisInputs],
    checks: Sequence[str],
    *,
    on_progress: Callable[[str, int, int], None] | None = None,
    order: FindingsOrder | None = None,
    scratch: Callable[[str], Path | None] | None = None,
    **options,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``key_evidence(run_checks(inputs, checks, **options))``, made one check at a time: each check's
    findings are keyed as soon as they exist, so no more than one check's nested evidence lists are ever
    held. Keying the whole run at once held every list of every check, then a copy of the distinct ones:
    at a million answers that step alone peaked 1.4 GB above the checks. Same rows, same lists.

    ``order`` (a ``FindingsOrder``: the CLI's reading order, with the checks given in that order) puts each
    check's keyed findings in order as they are made: the run is then stored in the order it is written
    in, and writing it never sorts a million findings again.

    ``scratch(name)`` gives a temporary file (the workspace's, see ``Workspace.scratch_file``) or None:
    each check's keyed findings are set down there while the next checks run and read back once the
    inputs are let go (``inputs`` given as a function, so nothing else holds them). At a million answers
    the findings kept so far (up to 950 MB) and the responses (700 MB) were otherwise held together.

    Response-level checks run a group of authorities at a time on more than ``BATCH_RESPONSES``
    responses (``authority_batches``). ``checks_set_down`` gives the same run without reading it back."""
    with checks_set_down(inputs, checks, on_progress=on_progress, order=order, scratch=scratch, **options) as run:
        pieces, distinct = run
        if not pieces:
            return key_evidence(empty_findings())
        return pl.concat([piece.read() if isinstance(piece, _SetDown) else piece for piece in pieces]), distinct


class FindingsOrder(Protocol):
    """An order for findings (the CLI's reading order, ``mosaic.present.findings_out.READING_ORDER``):
    the ``columns`` it reads, and the ``permutation`` that puts a frame of them in order (None when they
    are already). Given the sort keys alone, a check's findings are ordered without a sorted copy of all
    of them beside the original."""

    columns: tuple[str, ...]

    def permutation(self, keys: pl.DataFrame) -> pl.Series | None: ...


def _ordered(findings: pl.DataFrame, order: FindingsOrder | None) -> pl.DataFrame:
    permutation = order.permutation(findings.select(order.columns)) if order else None
    return findings if permutation is None else findings.select(pl.all().gather(permutation))


@contextmanager
def checks_set_down(
    inputs: AnalysisInputs | Callable[[], AnalysisInputs],
    checks: Sequence[str],
    *,
    on_progress: Callable[[str, int, int], None] | None = None,
    order: FindingsOrder | None = None,
    scratch: Callable[[str], Path | None] | None = None,
    **options,
) -> Iterator[tuple[list[pl.DataFrame | _SetDown], pl.DataFrame]]:
    """``keyed_checks``' run as it is made: one piece per check, in order (its keyed findings set down in a
    scratch file, or held with unset metrics taking no memory when there is none), and the distinct
    evidence lists. The files are removed on leaving. ``run_lazily`` reads the pieces as one lazy frame,
    so a run larger than memory can be stored and written without being held (ten million answers)."""
    loaded = inputs() if callable(inputs) else inputs
    registered = all_checks()
    batches = (
        [None] if options.get("authority_ids") or options.get("response_ids") else authority_batches(loaded.responses)
    )
    made: list[Path] = []

    def written(frame: pl.DataFrame, label: str) -> Path | None:
        """``frame`` in a new scratch file, or None: then no more are tried (no room or no right to write:
        the rest of the run is held, with one warning)."""
        nonlocal scratch
        file = scratch(label) if scratch else None
        if file is not None and _write_scratch(frame, file):
            made.append(file)
            return file
        scratch = None
        return None

    def set_down(findings: pl.DataFrame, label: str, order: FindingsOrder | None = None) -> pl.DataFrame | _SetDown:
        """``findings`` put in ``order`` and set down flat (``flat_metrics``). Ordered once flat: the rows
        gathered then carry the metrics the check sets, not all sixty (a third of the time)."""
        flat = _ordered(flat_metrics(findings), order)
        file = written(flat, label)
        if file is None:
            return from_flat_metrics(flat, findings.columns)
        held = [name.removeprefix(FLAT_METRIC_PREFIX) for name in flat.columns if name.startswith(FLAT_METRIC_PREFIX)]
        return _SetDown(file, findings.columns, held, findings.height)

    def set_down_lists(sets: pl.DataFrame, label: str) -> pl.DataFrame | Path:
        """A piece's distinct evidence lists, set down too: at ten million answers those of the checks
        already run (1.5 GB) were otherwise held beside the inputs while the next checks ran."""
        return written(sets, f"{label}-lists") or sets

    try:
        by_check: list[list[pl.DataFrame | _SetDown]] = []
        evidence_sets = []
        for index, check_id in enumerate(checks):
            if on_progress:
                on_progress(check_id, index, len(checks))
            pieces: list[pl.DataFrame | _SetDown] = []
            by_check.append(pieces)
            in_groups = registered[check_id].level == "response" and len(batches) > 1
            for number, batch in enumerate(batches if in_groups else [None]):
                found = run_checks(
                    loaded,
                    [check_id],
                    evidence_groups=True,  # lists told apart as the check made them (``key_evidence``)
                    **({**options, "authority_ids": batch} if batch else options),
                )
                if batch is not None and number:  # the findings about no one authority: from the first group
                    found = found.filter(pl.col("authority_id").is_in(batch))
                findings, sets = key_evidence(found)
                del found
                pieces.append(set_down(findings, f"{check_id}-{number}", None if in_groups else order))
                evidence_sets.append(set_down_lists(sets, f"{check_id}-{number}"))
                del findings, sets  # a piece set down is not held while the next one runs
        del loaded  # from here only the findings are needed
        if on_progress:
            on_progress("", len(checks), len(checks))
        # Two checks may cite the same list (the same earlier answers): it is kept once, where first cited.
        distinct = (
            pl.concat([pl.read_parquet(item) if isinstance(item, Path) else item for item in evidence_sets]).unique(
                "evidence_id", keep="first", maintain_order=True
            )
            if evidence_sets
            else key_evidence(empty_findings())[1]
        )
        del evidence_sets
        run: list[pl.DataFrame | _SetDown] = []
        for check_id, pieces in zip(checks, by_check, strict=True):
            if len(pieces) == 1:
                run.append(pieces[0] if isinstance(pieces[0], _SetDown) else compact_metrics(pieces[0]))
                continue
            # A check run in groups: its findings together, in order, once the inputs are gone.
            whole = _joined(pieces, order)
            for piece in pieces:
                if isinstance(piece, _SetDown):
                    piece.file.unlink(missing_ok=True)
            pieces.clear()
            run.append(set_down(whole, f"{check_id}-all"))
            del whole
        yield run, distinct
    finally:
        for file in made:
            file.unlink(missing_ok=True)


def _joined(pieces: list[pl.DataFrame | _SetDown], order: FindingsOrder | None) -> pl.DataFrame:
    """One check's pieces (its groups of authorities) as one frame, in ``order``, unset metrics taking no
    memory. Pieces set down are put in order a column at a time from their files: the order is found on
    the sort keys alone, then each column is read, gathered and added. Five million findings of one check
    (1.9 GB) peaked 4.5 GB sorted whole, as the sorted copy and the row keys of every column sat beside
    the original."""
    if not all(isinstance(piece, _SetDown) for piece in pieces):
        whole = pl.concat(
            [piece.read() if isinstance(piece, _SetDown) else compact_metrics(piece) for piece in pieces],
            how="vertical_relaxed",
        )
        return compact_metrics(_ordered(whole.rechunk(), order))
    metric_types = FINDING_SCHEMA["metrics"].to_schema()

    def column(name: str) -> pl.Series:
        """One column of every piece, in piece order; a metric a piece does not set is null there."""
        metric = name.removeprefix(FLAT_METRIC_PREFIX) if name.startswith(FLAT_METRIC_PREFIX) else None
        parts = [
            pl.repeat(None, piece.rows, dtype=metric_types[metric], eager=True)
            if metric is not None and metric not in piece.metrics
            else pl.read_parquet(piece.file, columns=[name]).to_series()
            for piece in pieces
        ]
        return pl.concat(parts).rechunk().alias(name)

    permutation = order.permutation(pl.DataFrame([column(name) for name in order.columns])) if order else None
    metrics = sorted({FLAT_METRIC_PREFIX + name for piece in pieces for name in piece.metrics})
    gathered = []
    for name in [name for name in pieces[0].columns if name != "metrics"] + metrics:
        values = column(name)
        gathered.append(values if permutation is None else values.gather(permutation))
        del values
    return from_flat_metrics(pl.DataFrame(gathered), pieces[0].columns)


def run_lazily(pieces: Sequence[pl.DataFrame | _SetDown]) -> pl.LazyFrame:
    """``checks_set_down``'s pieces as one lazy frame, read from their files as it is consumed."""
    if not pieces:
        return key_evidence(empty_findings())[0].lazy()
    return pl.concat(
        [in_sequence(piece.scan(), piece.rows) if isinstance(piece, _SetDown) else piece.lazy() for piece in pieces],
        parallel=False,
    )


def run_rows(pieces: Sequence[pl.DataFrame | _SetDown]) -> int:
    """The findings in ``checks_set_down``'s pieces."""
    return sum(piece.rows if isinstance(piece, _SetDown) else piece.height for piece in pieces)


#: Responses per batch of a response-level check (see ``authority_batches``).
BATCH_RESPONSES = 1_000_000


def authority_batches(responses: pl.DataFrame, size: int | None = None) -> list[list[str] | None]:
    """The authorities in groups of about ``size`` responses (default ``BATCH_RESPONSES``), or ``[None]``
    (one batch, no focus) when all responses fit in one.

    A response-level check (``peer_disclosure``, ``self_acknowledgment``) lists each finding's evidence
    inline, a kilobyte or more a finding: at ten million responses one check's findings would be about
    9 GB before they are keyed. Run focused on one group of authorities at a time (the evidence still
    drawn from every authority), each group's findings are keyed and set down before the next group runs;
    together they are the findings of the whole run (tested). An authority is never split: one with more
    responses than ``size`` is a batch of its own."""
    size = size or BATCH_RESPONSES
    if responses.height <= size or responses.get_column("authority_id").has_nulls():
        return [None]
    counts = (
        responses.group_by("authority_id")
        .len()
        .drop_nulls()
        .sort("authority_id")
        .with_columns(batch=(pl.col("len").cum_sum() - pl.col("len")) // size)
    )
    return [ids.to_list() for ids in counts.group_by("batch", maintain_order=True).agg("authority_id")["authority_id"]]


@dataclasses.dataclass(frozen=True)
class _SetDown:
    """One check's keyed findings in a scratch file, flat (``flat_metrics``): the order of their columns,
    the metrics the file holds and its rows."""

    file: Path
    columns: list[str]
    metrics: list[str]
    rows: int

    def read(self) -> pl.DataFrame:
        return from_flat_metrics(pl.read_parquet(self.file).rechunk(), self.columns)

    def scan(self) -> pl.LazyFrame:
        """The findings as ``read`` gives them, lazily (unset metrics are typed nulls)."""
        held = set(self.metrics)
        fields = [
            pl.col(FLAT_METRIC_PREFIX + name).alias(name) if name in held else pl.lit(None, dtype).alias(name)
            for name, dtype in FINDING_SCHEMA["metrics"].to_schema().items()
        ]
        return pl.scan_parquet(self.file).with_columns(pl.struct(fields).alias("metrics")).select(self.columns)


def _write_scratch(frame: pl.DataFrame, file: Path) -> bool:
    """Write ``frame`` to the scratch ``file``; False (with a warning, and no file left) when it cannot be."""
    try:
        frame.write_parquet(file, compression="zstd", compression_level=1)
        return True
    except (OSError, pl.exceptions.PolarsError) as exc:
        LOG.warning("cannot set findings down in %s (%s): keeping them in memory", file, exc)
        file.unlink(missing_ok=True)
        return False


#: Rows of a stored run read at a time (``_read_by_check``).
READ_ROWS = 1_000_000


def _read_by_check(table: pl.LazyFrame, *, rows_at_a_time: int | None = None) -> pl.DataFrame:
    """A stored run read one check at a time, each check's unset metrics taking no memory
    (``compact_metrics``), in the stored order. A run whose checks' rows are not each together (not one
    this module stored) is read whole.

    A check's rows are read as slices of ``READ_ROWS`` (``rows_at_a_time``), each compacted as it is
    read: read whole, a check's metrics took all their memory before they were compacted (ten million
    answers: 5 million peer findings, 2.6 GB of mostly null metrics, on top of the checks already read;
    the read peaked 9.8 GB to hold 6.9). The columns' chunks stay aligned (one per slice)."""
    step = rows_at_a_time or READ_ROWS
    runs = table.select(pl.col("check").rle()).unnest("check").collect()
    checks = runs.get_column("value")
    if checks.len() == 0 or checks.n_unique() != checks.len():
        return table.collect()
    pieces, start = [], 0
    for length in runs.get_column("len").to_list():
        for offset in range(start, start + length, step):
            pieces.append(compact_metrics(table.slice(offset, min(step, start + length - offset)).collect()))
        start += length
    return pl.concat(pieces)


def cached_run(
    workspace,
    inputs: AnalysisInputs | Callable[[], AnalysisInputs],
    checks: Sequence[str] | None = None,
    *,
    as_of: dt.date | None = None,
    params: CheckParams | None = None,
    technology_ids: Sequence[str] | None = None,
    authority_ids: Sequence[str] | None = None,
    response_ids: Sequence[str] | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
    run: Callable[..., pl.DataFrame] | None = None,
    keep: Callable[[], bool] = lambda: True,
    store_focused: bool = False,
    order: FindingsOrder | None = None,
    lazy: bool = False,
    header: dict | None = None,
    evidence: bool = True,
) -> tuple[pl.DataFrame | pl.LazyFrame, pl.DataFrame]:
    """``run_checks`` over a workspace as ``key_evidence``'s pair (findings naming their evidence list,
    the lists once), served from the workspace's findings cache when the same run was made before.

    ``inputs`` may be a function giving them, so a cache hit never reads the responses. ``run`` computes a
    whole run on a miss (default ``keyed_checks``; the dashboard gives its own, one check at a time, which
    keeps the run when a check fails); ``keep()`` says whether
    that run may be cached (the dashboard's is not when a check failed). ``store_focused``: a run focused
    on technologies, authorities or responses is kept too, under a key naming its focus (``FOCUSED_KIND``), and
    read back by the same run; reports use it. ``order``: see ``keyed_checks`` (used when ``run`` is not given). The evidence sets may hold lists no kept finding cites
    after a focused read; readers join on ``evidence_id``.

    ``lazy``: the findings as a lazy frame, never held whole (read from the cache, its columns are as
    stored, ``RUN_FILE_COLUMNS``: readers take them by name). A whole run computed here is then streamed
    from its pieces (``checks_set_down``) into the cache and read from there as it is consumed: at ten
    million answers the findings (about 8 GB in memory) are written without being held.

    ``header`` (``run_header``, with ``order`` the reading order): a whole run computed here is stored as
    ``mosaic analyse -f parquet`` writes it (see ``store_findings``). ``evidence`` False: a run read from
    the cache comes without its evidence lists (see ``load_findings``)."""
    ids = resolve_check_ids(checks)
    params = params or CheckParams()
    # Only a run made here, in an order, is stored as the files hold it: another front end's (``run``) is not.
    header = header if run is None and order is not None else None
    content = workspace.content_hash()
    focus = {"technology_ids": technology_ids, "authority_ids": authority_ids, "response_ids": response_ids}
    is_focused = any(focus.values())
    focused_key = findings_key(content, ids, as_of, params, **focus) if is_focused and store_focused else None
    found = load_findings(workspace, focused_key, kind=FOCUSED_KIND) if focused_key else None
    key = findings_key(content, ids, as_of, params)
    if found is None:
        found = load_findings(workspace, key, lazy=lazy, evidence=evidence)
    if found is None and sorted(ids) != sorted(resolve_check_ids(None)):
        # Some checks only (the graph's peer and self findings, say): the whole run has them too.
        whole_key = findings_key(content, resolve_check_ids(None), as_of, params)
        whole = load_findings(workspace, whole_key, lazy=lazy, evidence=evidence)
        if whole is not None:
            found = (whole[0].filter(pl.col("check").is_in(ids)), whole[1])
    if found is None:
        if is_focused:
            focused = _keyed_run(
                run, inputs, ids, as_of=as_of, params=params, on_progress=on_progress, order=order, **focus
            )
            if focused_key and keep():
                store_findings(workspace, focused_key, focused, kind=FOCUSED_KIND, keep=FOCUSED_KEEP)
            return (focused[0].lazy(), focused[1]) if lazy else focused
        if lazy and run is None:
            return _streamed_run(workspace, key, inputs, ids, as_of=as_of, params=params, on_progress=on_progress,
                                 order=order, keep=keep, header=header, evidence=evidence)  # fmt: skip
        found = _keyed_run(
            run, inputs, ids, as_of=as_of, params=params, on_progress=on_progress, order=order,
            scratch=workspace.scratch_file,
        )  # fmt: skip
        if keep():
            store_findings(workspace, key, found, header=header)
    elif on_progress:
        on_progress("", len(ids), len(ids))
    keyed, evidence_sets = found
    if technology_ids:
        keyed = keyed.filter(pl.col("technology_id").is_in(list(technology_ids)))
    if authority_ids:
        keyed = keyed.filter(pl.col("authority_id").is_null() | pl.col("authority_id").is_in(list(authority_ids)))
    if response_ids:
        keyed = keyed.filter(pl.col("response_id").is_null() | pl.col("response_id").is_in(list(response_ids)))
    return keyed, evidence_sets


def _streamed_run(
    workspace,
    key: str,
    inputs,
    ids: Sequence[str],
    *,
    keep: Callable[[], bool],
    header: dict | None,
    evidence: bool = True,
    **options,
):
    """A whole run made piece by piece (``checks_set_down``), streamed into the cache and returned as a
    lazy frame over the cached file; held in memory only when the cache cannot be written."""
    with checks_set_down(inputs, ids, scratch=workspace.scratch_file, **options) as (pieces, evidence_sets):
        if keep():
            store_findings(workspace, key, (run_lazily(pieces), evidence_sets), rows=run_rows(pieces), header=header)
            stored = load_findings(workspace, key, lazy=True, evidence=evidence)
            if stored is not None:
                return stored
        return run_lazily(pieces).collect().lazy(), evidence_sets


def _keyed_run(
    run: Callable[..., pl.DataFrame] | None,
    inputs: AnalysisInputs | Callable[[], AnalysisInputs],
    ids: Sequence[str],
    *,
    order=None,
    scratch=None,
    **options,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The run as ``key_evidence``'s pair: ``keyed_checks`` unless the caller gave its own ``run``. The inputs
    are loaded here, not by the caller, so ``keyed_checks`` can let them go before reading its findings back."""
    if run is None:
        return keyed_checks(inputs, ids, order=order, scratch=scratch, **options)
    return key_evidence(run(inputs() if callable(inputs) else inputs, ids, **options))


def cached_findings(workspace, inputs, checks=None, **options) -> pl.DataFrame:
    """``cached_run`` with each finding's evidence list back in place (the ``FINDING_SCHEMA``)."""
    return with_evidence(*cached_run(workspace, inputs, checks, **options))
