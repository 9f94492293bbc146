"""Build a ``ReportModel`` from the library's public functions: the only place report numbers are made.

Three kinds (``issues show 6``):

* a *response dossier* for one NCND answer: the facts of the request and the answer, what other
  authorities (and the authority itself) had already made public by then, split by how closely the
  technology matches, the consistency findings, the map as it stood on the day, method and caveats;
* a *technology report*: the national picture (map, coverage over time, stances by region and authority
  with Wilson intervals, the national line, exemption sets, findings);
* an *authority report*: one authority's answers across technologies and its consistency findings.

Everything is computed as of one date and only from facts public by then. The wording is deliberately
neutral: a report says what was public, where and when; it never says an NCND was unlawful.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from mosaic.analyses import AnalysisInputs, CheckParams
from mosaic.errors import MosaicError
from mosaic.report.authority import authority_report
from mosaic.report.common import ReportContext
from mosaic.report.dossier import response_dossier
from mosaic.report.model import ReportModel
from mosaic.report.national import technology_report


def build_report(
    inputs: AnalysisInputs,
    *,
    kind: str | None = None,
    authority_id: str | None = None,
    technology_id: str | None = None,
    response_id: str | None = None,
    as_of: dt.date | None = None,
    findings: pl.DataFrame | None = None,
    workspace_hash: str | None = None,
    command: str | None = None,
    generated_on: str | None = None,
    params: CheckParams | None = None,
    findings_cache: Any = None,
) -> ReportModel:
    """Build a report model; the renderers turn it into HTML, PDF, Markdown, JSON, CSV or XLSX.

    Which report: a ``response_id`` gives a response dossier; an authority and a technology give the
    dossier of the authority's latest NCND on it (by ``as_of``), or, when it gave none, the authority
    report on that technology, which says so; a technology alone gives the technology report; an
    authority alone the authority report. ``kind`` forces one ("response", "technology", "authority").

    Args:
        inputs: responses and registers.
        as_of: only facts public by this date. Default: the response's own date for a dossier, else the
            latest date in the workspace (not today, so a rerun on the same data gives the same report);
            for the dossier of an undated answer, ``params.today`` (default today): the data as it stands.
        findings: findings already computed (the dashboard caches them); default runs every check.
        workspace_hash: the workspace's content hash, stated in the report.
        command: the command that regenerates the report, stated in it (default: one built from the ids).
        generated_on: a generation date to print; none by default (byte-identical reruns).
        params: check parameters; ``today`` defaults to ``as_of`` so that nothing depends on the clock.
        findings_cache: the workspace ``inputs`` came from: without ``findings``, the checks' findings
            are read from its findings cache and kept there (``mosaic.analyses.cache``), the same report
            byte for byte. None (default) runs the checks.

    Raises:
        MosaicError: nothing chosen, an unknown id, or a kind that does not fit the ids given.
    """
    context = ReportContext(inputs, workspace_hash, command, generated_on, findings_cache)
    if kind not in (None, "response", "technology", "authority"):
        raise MosaicError(f"unknown report kind {kind!r}; use response, technology or authority")
    if authority_id is not None:
        context.require_authority(authority_id)
    if technology_id is not None:
        context.require_technology(technology_id)
    if response_id is not None or kind == "response":
        response = context.pick_response(response_id, authority_id, technology_id, as_of)
        if response is None:
            raise MosaicError(
                "a response dossier needs --response, or --authority and --technology with an NCND answer"
            )
        return response_dossier(context, response, as_of, findings, params)
    if authority_id is not None and technology_id is not None and kind is None:
        response = context.pick_response(None, authority_id, technology_id, as_of)
        if response is not None:
            return response_dossier(context, response, as_of, findings, params)
        return authority_report(context, authority_id, technology_id, as_of, findings, params)
    if kind == "technology" or (technology_id is not None and authority_id is None and kind is None):
        if technology_id is None:
            raise MosaicError("a technology report needs --technology")
        return technology_report(context, technology_id, as_of, findings, params)
    if authority_id is None:
        raise MosaicError("say what to report on: --authority, --technology or --response")
    return authority_report(context, authority_id, technology_id, as_of, findings, params)


def dossier_response_id(
    inputs: AnalysisInputs, authority_id: str, technology_id: str, as_of: dt.date | None
) -> str | None:
    """The answer a dossier of ``authority_id`` on ``technology_id`` is about when viewed on ``as_of``: its
    latest NCND on the technology (or anything in it) by then; None when it gave none.

    The dashboard asks this with its slider's date, then builds the dossier at the answer's own date: a
    dossier stated as of a later day would count disclosures made after the NCND as if known at the time.
    """
    response = ReportContext(inputs, None, None, None).pick_response(None, authority_id, technology_id, as_of)
    return None if response is None else response["response_id"]
