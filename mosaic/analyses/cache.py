"""Findings cached in the workspace: computed once per content and parameters, read back after that.

Why: every check over a million answers takes seconds to minutes, and the dashboard, ``mosaic analyse``
and ``mosaic graph`` each ran them again on data that had not changed. The findings of a whole run are
stored as a derived Parquet table of the workspace (``Workspace.write_derived``), keyed by what decides
them: the workspace's content hash, the checks, the as-of date, every parameter (``today`` included, so
map-level findings are recomputed on a new day) and the tool's version. A new ingest clears the cache;
a damaged cache file fails its checksum and is rebuilt, never trusted.

Only whole runs are cached. A run focused on some technologies or authorities reads the whole run's
cache when there is one and keeps the findings about them (what ``run_checks`` keeps), and otherwise
runs focused, which is already fast.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence

import polars as pl

from mosaic import __version__
from mosaic.analyses.findings import FINDING_SCHEMA, key_evidence, with_evidence
from mosaic.analyses.inputs import AnalysisInputs
from mosaic.analyses.registry import CheckParams, resolve_check_ids, run_checks

#: Bumped when the findings a run produces change shape or meaning without a version change.
CACHE_FORMAT = 1


def findings_key(content_hash: str, checks: Sequence[str], as_of: dt.date | None, params: CheckParams) -> str:
    """The cache key of a whole run: a hash of everything that decides its findings."""
    settings = {k: v for k, v in dataclasses.asdict(params).items() if not k.startswith("focus_")}
    payload = json.dumps(
        {
            "format": CACHE_FORMAT,
            "tool": __version__,
            "content": content_hash,
            "checks": sorted(checks),
            "as_of": as_of.isoformat() if as_of else None,
            "params": settings,
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


def store_findings(workspace, key: str, run: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    """Keep a whole run as two derived tables: its findings naming their evidence list (``findings-<key>``)
    and each distinct list once (``findingsevidence-<key>``), as ``key_evidence`` gives them. Storing the
    lists nested in every finding took longer to write than the checks took to run."""
    keyed, evidence_sets = run
    workspace.write_derived(f"findingsevidence-{key}", evidence_sets)
    workspace.write_derived(f"findings-{key}", keyed)


def load_findings(workspace, key: str) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """The run ``store_findings`` kept under ``key``, or None when either table is missing, damaged or of
    another schema: the run is then computed again."""
    keyed = workspace.read_derived(f"findings-{key}")
    evidence_sets = workspace.read_derived(f"findingsevidence-{key}") if keyed is not None else None
    if keyed is None or evidence_sets is None:
        return None
    expected = [name for name in FINDING_SCHEMA.names() if name != "evidence"]
    if [keyed.schema.get(name) for name in expected] != [FINDING_SCHEMA[name] for name in expected]:
        return None
    if evidence_sets.schema.get("evidence") != FINDING_SCHEMA["evidence"]:
        return None
    return keyed, evidence_sets


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
    run: Callable[..., pl.DataFrame] = run_checks,
    keep: Callable[[], bool] = lambda: True,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``run_checks`` over a workspace as ``key_evidence``'s pair (findings naming their evidence list,
    the lists once), served from the workspace's findings cache when the same run was made before.

    ``inputs`` may be a function giving them, so a cache hit never reads the responses. ``run`` computes a
    whole run on a miss (``run_checks``, or the dashboard's one check at a time); ``keep()`` says whether
    that run may be cached (the dashboard's is not when a check failed). The evidence sets may
    hold lists no kept finding cites after a focused read; readers join on ``evidence_id``."""
    ids = resolve_check_ids(checks)
    params = params or CheckParams()
    key = findings_key(workspace.content_hash(), ids, as_of, params)
    found = load_findings(workspace, key)
    if found is None and sorted(ids) != sorted(resolve_check_ids(None)):
        # Some checks only (the graph's peer and self findings, say): the whole run has them too.
        whole = load_findings(workspace, findings_key(workspace.content_hash(), resolve_check_ids(None), as_of, params))
        if whole is not None:
            found = (whole[0].filter(pl.col("check").is_in(ids)), whole[1])
    if found is None:
        loaded = inputs() if callable(inputs) else inputs
        if technology_ids or authority_ids:
            focused = run(
                loaded, ids, as_of=as_of, params=params, technology_ids=technology_ids,
                authority_ids=authority_ids, on_progress=on_progress,
            )  # fmt: skip
            return key_evidence(focused)
        found = key_evidence(run(loaded, ids, as_of=as_of, params=params, on_progress=on_progress))
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


def cached_findings(workspace, inputs, checks=None, **options) -> pl.DataFrame:
    """``cached_run`` with each finding's evidence list back in place (the ``FINDING_SCHEMA``)."""
    return with_evidence(*cached_run(workspace, inputs, checks, **options))
