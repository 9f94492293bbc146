"""The registry of checks: every consumer (CLI, reports, graph, dashboard) iterates the same list.

A check is a pure function ``run(inputs, as_of, params) -> findings`` registered with an id, a title, a
description and a level:

* ``response`` checks (peer disclosure, self-acknowledgment, limb, timeliness) judge each response as of
  its own date unless an as-of date is given;
* ``map`` checks (mosaic exposure, NCND as a tell, exemption consistency, series) judge the picture as of
  today unless an as-of date is given.

``run_checks`` runs the chosen checks and filters the findings to the technologies and authorities asked
for. Checks always see every response: evidence about a category or a neighbour must not be filtered away.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import polars as pl

from mosaic.analyses.findings import empty_findings, finalise_findings
from mosaic.analyses.inputs import AnalysisInputs, today
from mosaic.errors import MappingError


@dataclass(frozen=True)
class CheckParams:
    """Tunable parameters of the checks, validated once (fail fast on bad configuration)."""

    today: dt.date = field(default_factory=today)
    selective_window_days: int = 365
    neighbour_prior_weight: float = 2.0
    deadline_working_days: int = 20
    evidence_limit: int = 10
    """Most evidence items listed per finding (counts in the metrics are always complete)."""
    min_tell_known: int = 4
    """ncnd_tell says "insufficient evidence" when fewer authorities than this have a later known status."""
    focus_authority_ids: tuple[str, ...] | None = None
    focus_technology_ids: tuple[str, ...] | None = None
    focus_response_ids: tuple[str, ...] | None = None
    """Set by ``run_checks``: checks may skip subjects outside the focus (evidence still uses everything)."""

    def map_as_of(self, as_of: dt.date | None) -> dt.date:
        """The as-of date of a map-level check: the date given, else today."""
        return self.today if as_of is None else as_of

    def focus(self, *, authority: bool = True, technology: bool = True, response: bool = True) -> pl.Expr:
        """A boolean expression keeping rows inside the focus (on the columns the caller names)."""
        keep = pl.lit(True)
        if authority and self.focus_authority_ids is not None:
            keep = keep & pl.col("authority_id").is_in(list(self.focus_authority_ids))
        if technology and self.focus_technology_ids is not None:
            keep = keep & pl.col("technology_id").is_in(list(self.focus_technology_ids))
        if response and self.focus_response_ids is not None:
            keep = keep & pl.col("response_id").is_in(list(self.focus_response_ids))
        return keep

    def __post_init__(self) -> None:
        if self.selective_window_days < 0:
            raise MappingError("selective window must be 0 days or more")
        if self.neighbour_prior_weight <= 0:
            raise MappingError("neighbour prior weight k must be positive")
        if self.deadline_working_days <= 0:
            raise MappingError("the response deadline must be at least one working day")
        if self.evidence_limit < 1:
            raise MappingError("evidence limit must be at least 1")


CheckFunction = Callable[[AnalysisInputs, dt.date | None, CheckParams], pl.DataFrame]


@dataclass(frozen=True)
class Check:
    """One registered check."""

    id: str
    title: str
    description: str
    level: Literal["response", "map"]
    run: CheckFunction


CHECKS: dict[str, Check] = {}


def register(id: str, title: str, level: Literal["response", "map"]) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under ``id``; its docstring's first paragraph becomes the description."""

    def decorate(function: CheckFunction) -> CheckFunction:
        if id in CHECKS:
            raise ValueError(f"check {id!r} registered twice")
        description = (function.__doc__ or title).strip().split("\n\n")[0].replace("\n", " ")
        CHECKS[id] = Check(id=id, title=title, description=description, level=level, run=function)
        return function

    return decorate


def _load_builtin_checks() -> None:
    """Import the check modules so their ``@register`` decorators run (once)."""
    from mosaic.analyses import checks  # noqa: F401


def all_checks() -> dict[str, Check]:
    """Return every registered check, by id: a fixed order whatever order the modules were imported in.

    The order people read checks in is a presentation decision (``mosaic.present.labels.CHECK_ORDER``)."""
    _load_builtin_checks()
    return dict(sorted(CHECKS.items()))


def resolve_check_ids(given: Iterable[str] | None) -> list[str]:
    """Return the check ids to run (all when none given); an unknown id is a MappingError naming close ones."""
    from mosaic.normalise.names import closest

    known = all_checks()
    if not given:
        return list(known)
    chosen = []
    for name in given:
        key = name.strip().lower().replace("-", "_")
        if key not in known:
            close = [c for c in known if c.startswith(key) or key in c] or closest(key, {c: c for c in known})
            hint = f"; did you mean {', '.join(close)}?" if close else f"; known checks: {', '.join(known)}"
            raise MappingError(f"unknown check {name!r}{hint}")
        if key not in chosen:
            chosen.append(key)
    return chosen


def run_checks(
    inputs: AnalysisInputs,
    checks: Sequence[str] | None = None,
    *,
    as_of: dt.date | None = None,
    technology_ids: Sequence[str] | None = None,
    authority_ids: Sequence[str] | None = None,
    response_ids: Sequence[str] | None = None,
    params: CheckParams | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
    evidence_groups: bool = False,
) -> pl.DataFrame:
    """Run checks and return their findings in one frame (the ``FINDING_SCHEMA``).

    Args:
        inputs: responses and registers.
        checks: check ids (default: all).
        as_of: override the default as-of date (a response's own date, or today for map checks).
        technology_ids: keep findings about these technologies (evidence still uses everything).
        authority_ids: keep findings about these authorities, plus technology- and region-wide findings.
        response_ids: keep findings about these responses, plus findings not about one response.
            The three filters also let checks skip work outside them, so a dossier on one response or
            a dashboard panel on one authority does not pay for the whole country.
        params: check parameters.
        on_progress: called as ``on_progress(check_id, done, total)`` before each check and at the end.
        evidence_groups: add ``EVIDENCE_GROUP`` (see ``finalise_findings``), for ``key_evidence``.
    """
    params = replace(
        params or CheckParams(),
        focus_authority_ids=tuple(authority_ids) if authority_ids else None,
        focus_technology_ids=tuple(technology_ids) if technology_ids else None,
        focus_response_ids=tuple(response_ids) if response_ids else None,
    )
    ids = resolve_check_ids(checks)
    registered = all_checks()
    frames = []
    for index, check_id in enumerate(ids):
        if on_progress:
            on_progress(check_id, index, len(ids))
        frames.append(
            finalise_findings(registered[check_id].run(inputs, as_of, params), evidence_groups=evidence_groups)
        )
    if on_progress:
        on_progress("", len(ids), len(ids))
    findings = pl.concat(frames, how="vertical") if frames else empty_findings()
    if technology_ids:
        findings = findings.filter(pl.col("technology_id").is_in(list(technology_ids)))
    if authority_ids:
        findings = findings.filter(pl.col("authority_id").is_null() | pl.col("authority_id").is_in(list(authority_ids)))
    if response_ids:
        findings = findings.filter(pl.col("response_id").is_null() | pl.col("response_id").is_in(list(response_ids)))
    return findings
