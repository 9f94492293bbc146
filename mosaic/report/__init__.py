"""Consistency reports: a response dossier, a technology report or an authority report, in six formats.

Public API (the CLI's ``mosaic report`` and the dashboard's export buttons call these):

* ``build_report(inputs, *, kind, authority_id, technology_id, response_id, as_of, findings, findings_cache,
  workspace_hash, command) -> ReportModel``: every number of the report, computed once;
* ``dossier_response_id(inputs, authority_id, technology_id, as_of)``: the NCND a dossier is about;
* ``render_report(model, fmt) -> bytes`` for ``fmt`` in html, pdf, md, json, csv, xlsx;
* ``write_report(model, fmt, path)``: render and replace ``path`` atomically.
"""

from mosaic.report.build import build_report, dossier_response_id
from mosaic.report.model import ReportModel
from mosaic.report.render import FORMATS, render_report, write_report

__all__ = ["FORMATS", "ReportModel", "build_report", "dossier_response_id", "render_report", "write_report"]
