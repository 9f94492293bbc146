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
from mosaic.analyses.findings import FINDING_SCHEMA
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


def cached_findings(
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
) -> pl.DataFrame:
    """``run_checks`` over a workspace, served from its findings cache when the same run was made before.

    ``inputs`` may be a function giving them, so a cache hit never reads the responses. ``run`` is the
    function that computes a whole run on a miss (``run_checks``, or the dashboard's one check at a time).
    """
    ids = resolve_check_ids(checks)
    params = params or CheckParams()
    name = f"findings-{findings_key(workspace.content_hash(), ids, as_of, params)}"
    found = workspace.read_derived(name)
    if found is not None and found.schema != FINDING_SCHEMA:
        found = None  # written by another version of the schema: rebuilt
    if found is None:
        focused = bool(technology_ids or authority_ids)
        loaded = inputs() if callable(inputs) else inputs
        if focused:
            return run(
                loaded,
                ids,
                as_of=as_of,
                params=params,
                technology_ids=technology_ids,
                authority_ids=authority_ids,
                on_progress=on_progress,
            )
        found = run(loaded, ids, as_of=as_of, params=params, on_progress=on_progress)
        workspace.write_derived(name, found)
    elif on_progress:
        on_progress("", len(ids), len(ids))
    if technology_ids:
        found = found.filter(pl.col("technology_id").is_in(list(technology_ids)))
    if authority_ids:
        found = found.filter(pl.col("authority_id").is_null() | pl.col("authority_id").is_in(list(authority_ids)))
    return found
