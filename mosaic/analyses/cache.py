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
import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import polars as pl

from mosaic import __version__
from mosaic.analyses.findings import (
    FINDING_SCHEMA,
    compact_metrics,
    empty_findings,
    flat_metrics,
    from_flat_metrics,
    key_evidence,
    with_evidence,
)
from mosaic.analyses.inputs import AnalysisInputs
from mosaic.analyses.registry import CheckParams, resolve_check_ids, run_checks

LOG = logging.getLogger(__name__)

#: Bumped when the findings a run produces change shape or meaning without a version change.
CACHE_FORMAT = 1

#: The kind of derived table focused runs are kept as (``findings`` holds whole runs). Kinds are evicted
#: separately, so a run of a report never pushes out the whole run the dashboard and ``mosaic analyse``
#: read; the eight most recent are kept: the two runs (response- and map-level) of four reports.
FOCUSED_KIND, FOCUSED_KEEP = "focusedfindings", 8


def findings_key(
    content_hash: str,
    checks: Sequence[str],
    as_of: dt.date | None,
    params: CheckParams,
    *,
    technology_ids: Sequence[str] | None = None,
    authority_ids: Sequence[str] | None = None,
) -> str:
    """The cache key of a run: a hash of everything that decides its findings. The focus (technologies,
    authorities) counts only when given: a whole run's key is the same as before focused runs were kept."""
    settings = {k: v for k, v in dataclasses.asdict(params).items() if not k.startswith("focus_")}
    decided = {
        "format": CACHE_FORMAT,
        "tool": __version__,
        "content": content_hash,
        "checks": sorted(checks),
        "as_of": as_of.isoformat() if as_of else None,
        "params": settings,
    }
    if technology_ids or authority_ids:
        # As run_checks reads them: a set each, an empty one the same as none.
        decided["focus"] = {
            "technology_ids": sorted(set(technology_ids or ())),
            "authority_ids": sorted(set(authority_ids or ())),
        }
    payload = json.dumps(decided, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


def store_findings(
    workspace, key: str, run: tuple[pl.DataFrame, pl.DataFrame], *, kind: str = "findings", keep: int | None = None
) -> None:
    """Keep a run as two derived tables: its findings naming their evidence list (``<kind>-<key>``) and
    each distinct list once (``<kind>evidence-<key>``), as ``key_evidence`` gives them; of each kind the
    ``keep`` most recent stay (default: the workspace's). Storing the lists nested in every finding took
    longer to write than the checks took to run, and longer to read back too."""
    keyed, evidence_sets = run
    options = {} if keep is None else {"keep": keep}
    workspace.write_derived(f"{kind}evidence-{key}", evidence_sets, **options)
    workspace.write_derived(f"{kind}-{key}", keyed, **options)


def load_findings(workspace, key: str, *, kind: str = "findings") -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """The run ``store_findings`` kept under ``key``, or None when either table is missing, damaged or of
    another schema: the run is then computed again."""
    keyed = workspace.read_derived(f"{kind}-{key}", collect=_read_by_check)
    evidence_sets = workspace.read_derived(f"{kind}evidence-{key}") if keyed is not None else None
    if keyed is None or evidence_sets is None:
        return None
    expected = [name for name in FINDING_SCHEMA.names() if name != "evidence"]
    if [keyed.schema.get(name) for name in expected] != [FINDING_SCHEMA[name] for name in expected]:
        return None
    if evidence_sets.schema.get("evidence") != FINDING_SCHEMA["evidence"]:
        return None
    return keyed, evidence_sets


def keyed_checks(
    inputs: AnalysisInputs | Callable[[], AnalysisInputs],
    checks: Sequence[str],
    *,
    on_progress: Callable[[str, int, int], None] | None = None,
    order: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
    scratch: Callable[[str], Path | None] | None = None,
    **options,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``key_evidence(run_checks(inputs, checks, **options))``, made one check at a time: each check's
    findings are keyed as soon as they exist, so no more than one check's nested evidence lists are ever
    held. Keying the whole run at once held every list of every check, then a copy of the distinct ones:
    at a million answers that step alone peaked 1.4 GB above the checks. Same rows, same lists.

    ``order`` sorts each check's keyed findings as they are made (the CLI's reading order, with the checks
    given in that order): the run is then stored in the order it is written in, and writing it never
    sorts a million findings again.

    ``scratch(name)`` gives a temporary file (the workspace's, see ``Workspace.scratch_file``) or None:
    each check's keyed findings are set down there while the next checks run and read back once the
    inputs are let go (``inputs`` given as a function, so nothing else holds them). At a million answers
    the findings kept so far (up to 950 MB) and the responses (700 MB) were otherwise held together."""
    loaded = inputs() if callable(inputs) else inputs
    keyed: list[pl.DataFrame | _SetDown] = []
    evidence_sets = []
    try:
        for index, check_id in enumerate(checks):
            if on_progress:
                on_progress(check_id, index, len(checks))
            findings, sets = key_evidence(run_checks(loaded, [check_id], **options))
            findings = order(findings) if order else findings
            kept = _set_down(findings, scratch(check_id) if scratch else None)
            if scratch and not isinstance(kept, _SetDown):
                scratch = None  # no room or no right to write: the rest of the run is held, with one warning
            keyed.append(kept)
            evidence_sets.append(sets)
            del findings, sets, kept  # a check set down is not held while the next one runs
        del loaded  # from here only the findings are needed
        if on_progress:
            on_progress("", len(checks), len(checks))
        if not keyed:
            return key_evidence(empty_findings())
        # Two checks may cite the same list (the same earlier answers): it is kept once, where first cited.
        distinct = pl.concat(evidence_sets).unique("evidence_id", keep="first", maintain_order=True)
        frames = [item.read() if isinstance(item, _SetDown) else compact_metrics(item) for item in keyed]
        return pl.concat(frames), distinct
    finally:
        for item in keyed:
            if isinstance(item, _SetDown):
                item.file.unlink(missing_ok=True)


@dataclasses.dataclass(frozen=True)
class _SetDown:
    """One check's keyed findings in a scratch file, flat (``flat_metrics``), and the order of their columns."""

    file: Path
    columns: list[str]

    def read(self) -> pl.DataFrame:
        return from_flat_metrics(pl.read_parquet(self.file).rechunk(), self.columns)


def _set_down(findings: pl.DataFrame, file: Path | None) -> pl.DataFrame | _SetDown:
    """``findings`` written to ``file`` with only the metrics they set (``flat_metrics``), or kept as they
    are when there is no file or it cannot be written (a read-only workspace: the run then holds them)."""
    if file is None:
        return findings
    try:
        flat_metrics(findings).write_parquet(file, compression="zstd", compression_level=1)
        return _SetDown(file, findings.columns)
    except (OSError, pl.exceptions.PolarsError) as exc:
        LOG.warning("cannot set findings down in %s (%s): keeping them in memory", file, exc)
        file.unlink(missing_ok=True)
        return findings


def _read_by_check(table: pl.LazyFrame) -> pl.DataFrame:
    """A stored run read one check at a time, each check's unset metrics taking no memory
    (``compact_metrics``), in the stored order. A run whose checks' rows are not each together (not one
    this module stored) is read whole."""
    found = table.select(
        pl.col("check").unique(maintain_order=True).implode().alias("checks"), pl.col("check").rle_id().max()
    ).collect()
    checks, runs = found.get_column("checks")[0], found.get_column("check")[0]
    if checks.len() == 0 or runs != checks.len() - 1:
        return table.collect()
    return pl.concat([compact_metrics(table.filter(pl.col("check") == check_id).collect()) for check_id in checks])


def cached_run(
    workspace,
    inputs: AnalysisInputs | Callable[[], AnalysisInputs],
    checks: Sequence[str] | None = None,
    *,
    as_of: dt.date | None = None,
    params: CheckParams | None = None,
    technology_ids: Sequence[str] | None = None,
    authority_ids: Sequence[str] | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
    run: Callable[..., pl.DataFrame] | None = None,
    keep: Callable[[], bool] = lambda: True,
    store_focused: bool = False,
    order: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``run_checks`` over a workspace as ``key_evidence``'s pair (findings naming their evidence list,
    the lists once), served from the workspace's findings cache when the same run was made before.

    ``inputs`` may be a function giving them, so a cache hit never reads the responses. ``run`` computes a
    whole run on a miss (default ``keyed_checks``; the dashboard gives its own, one check at a time, which
    keeps the run when a check fails); ``keep()`` says whether
    that run may be cached (the dashboard's is not when a check failed). ``store_focused``: a run focused
    on technologies or authorities is kept too, under a key naming its focus (``FOCUSED_KIND``), and
    read back by the same run; reports use it. ``order``: see ``keyed_checks`` (used when ``run`` is not given). The evidence sets may hold lists no kept finding cites
    after a focused read; readers join on ``evidence_id``."""
    ids = resolve_check_ids(checks)
    params = params or CheckParams()
    content = workspace.content_hash()
    is_focused = bool(technology_ids or authority_ids)
    focused_key = (
        findings_key(content, ids, as_of, params, technology_ids=technology_ids, authority_ids=authority_ids)
        if is_focused and store_focused
        else None
    )
    found = load_findings(workspace, focused_key, kind=FOCUSED_KIND) if focused_key else None
    key = findings_key(content, ids, as_of, params)
    if found is None:
        found = load_findings(workspace, key)
    if found is None and sorted(ids) != sorted(resolve_check_ids(None)):
        # Some checks only (the graph's peer and self findings, say): the whole run has them too.
        whole = load_findings(workspace, findings_key(content, resolve_check_ids(None), as_of, params))
        if whole is not None:
            found = (whole[0].filter(pl.col("check").is_in(ids)), whole[1])
    if found is None:
        if is_focused:
            focus = {"technology_ids": technology_ids, "authority_ids": authority_ids}
            focused = _keyed_run(
                run, inputs, ids, as_of=as_of, params=params, on_progress=on_progress, order=order, **focus
            )
            if focused_key and keep():
                store_findings(workspace, focused_key, focused, kind=FOCUSED_KIND, keep=FOCUSED_KEEP)
            return focused
        found = _keyed_run(
            run, inputs, ids, as_of=as_of, params=params, on_progress=on_progress, order=order,
            scratch=workspace.scratch_file,
        )  # fmt: skip
        if keep():
            store_findings(workspace, key, found)
    elif on_progress:
        on_progress("", len(ids), len(ids))
    keyed, evidence_sets = found
    if technology_ids:
        keyed = keyed.filter(pl.col("technology_id").is_in(list(technology_ids)))
    if authority_ids:
        keyed = keyed.filter(pl.col("authority_id").is_null() | pl.col("authority_id").is_in(list(authority_ids)))
    return keyed, evidence_sets


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
