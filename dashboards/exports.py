"""Downloads: the findings as CSV and the consistency report of the current selection.

The report comes from ``mosaic.report`` (the same model and renderer as ``mosaic report``); while that
module lacks ``build_report`` the report button is disabled rather than producing a different document.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

from dash import dcc

from dashboards import views
from mosaic.present.tables import findings_table
from mosaic.present.writers import frame_csv
from dashboards.data import DataAccess

from mosaic.analyses import technology_scope


def report_available() -> bool:
    """True when ``mosaic.report`` provides ``build_report`` and ``render_report``."""
    try:
        module = importlib.import_module("mosaic.report")
    except ImportError:
        return False
    return hasattr(module, "build_report") and hasattr(module, "render_report")


def findings_download(data: DataAccess, technology_id: str | None) -> dict[str, Any]:
    """Findings about the technology (and everything below it) as a CSV download."""
    scope = technology_scope(data.inputs(), technology_id) if technology_id else None
    frame = data.findings()[views.select_findings(data.findings_index(), None, None, scope).get_column("row")]
    name = f"mosaic-findings-{technology_id or 'all'}-{data.version()[:8]}.csv"
    return dcc.send_string(frame_csv(findings_table(frame)), name)


def report_download(data: DataAccess, technology_id: str | None, as_of: dt.date, authority_id: str | None) -> dict[str, Any] | None:
    """The consistency report for the selection (technology, date and, when chosen, authority), as HTML."""
    if not report_available():
        return None
    report = importlib.import_module("mosaic.report")
    model = report.build_report(
        data.inputs(),
        authority_id=authority_id or None,
        technology_id=technology_id,
        as_of=as_of,
        workspace_hash=data.version(),
        command="mosaic dashboard",
    )
    content = report.render_report(model, "html")
    subject = authority_id or technology_id or "all"
    return dcc.send_bytes(content, f"mosaic-report-{subject}-{as_of.isoformat()}.html")
