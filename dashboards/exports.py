"""Downloads: the findings as CSV and the consistency report of the current selection.

The report comes from ``mosaic.report``, the same model and renderer as ``mosaic report``, and says which
``mosaic report`` command rebuilds it.
"""

from __future__ import annotations

import datetime as dt
import shlex
from typing import Any

from dash import dcc

from dashboards import views
from dashboards.data import DataAccess


def findings_download(data: DataAccess, technology_id: str | None) -> dict[str, Any]:
    """Findings about the technology (and everything below it) as a CSV download."""
    scope = data.technology_scope(technology_id) if technology_id else None
    rows = views.select_findings(data.findings_index(), None, None, scope).get_column("row")
    name = f"mosaic-findings-{technology_id or 'all'}-{data.version()[:8]}.csv"
    return dcc.send_bytes(data.findings_csv(rows), name)


def report_download(
    data: DataAccess, technology_id: str | None, as_of: dt.date, authority_id: str | None
) -> dict[str, Any]:
    """The consistency report of the selection, as HTML: with an authority chosen, the dossier of its latest
    NCND on the technology by the slider's date, stated as of that answer's own date (never the slider's:
    that would count disclosures made after the NCND); else the technology report on the slider's date.
    Its "Regenerate" line is the ``mosaic report`` command that rebuilds the same file."""
    from mosaic.report import render_report

    model = data.report(technology_id, as_of, authority_id)
    response_id = model.subject.get("response_id") if model.kind == "response" else None
    subject = response_id or authority_id or technology_id or "all"
    filename = f"mosaic-report-{subject}-{model.meta.as_of}.html"
    command = ["mosaic", "report", *data.command_flags()]
    for flag, value in (
        ("--response", response_id),
        ("--authority", None if response_id else authority_id),
        ("--technology", None if response_id else technology_id),
    ):
        if value:
            command += [flag, value]
    if "--as-of" in model.meta.command.split():
        command += ["--as-of", model.meta.as_of]
    model = model.with_command(shlex.join([*command, "--format", "html", "-o", filename]))
    return dcc.send_bytes(render_report(model, "html"), filename)
