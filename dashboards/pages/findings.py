"""Findings page: every check's findings in a sortable, filterable grid; a row opens its authority."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import dash_ag_grid as dag
from dash import Dash, Input, Output, State, dcc, html, no_update

from dashboards import views
from dashboards.data import DataAccess
from dashboards.ids import FindingsIds
from mosaic.analyses import all_checks
from mosaic.present.labels import SEVERITY_ORDER, order_checks

SEVERITIES = tuple(SEVERITY_ORDER)  # strongest first, as the CLI and the reports list them
COLUMN_DEFS = [
    {"field": "severity", "headerName": "Severity", "width": 110},
    {"field": "check", "headerName": "Check", "width": 175},
    {"field": "authority_name", "headerName": "Authority", "width": 210},
    {"field": "technology_name", "headerName": "Technology", "width": 190},
    {"field": "response_date", "headerName": "Date", "width": 115},
    {
        "field": "why",
        "headerName": "Why it ranks here",
        "width": 210,
        "wrapText": True,
        "autoHeight": True,
        "cellStyle": {"lineHeight": "1.3", "wordBreak": "normal"},
    },
    {
        "field": "summary",
        "headerName": "Summary",
        "flex": 1,
        "minWidth": 360,
        "wrapText": True,
        "autoHeight": True,
        "cellStyle": {"lineHeight": "1.35", "paddingTop": "6px", "paddingBottom": "6px", "wordBreak": "normal"},
    },
]


def layout(
    data: DataAccess,
    technology: str | None = None,
    check: str | None = None,
    severity: str | None = None,
    **_ignored: Any,
) -> html.Div:
    """The findings page for ``?technology=&check=a,b&severity=strong``."""
    checks = all_checks()
    technology_choices = data.technology_choices()
    return html.Div(
        [
            html.Div(
                [
                    html.Label(
                        [
                            "Checks",
                            dcc.Dropdown(
                                id=FindingsIds.CHECKS,
                                options=[{"label": checks[c].title, "value": c} for c in order_checks(checks)],
                                value=[c for c in views.split_list(check) if c in checks],
                                multi=True,
                                placeholder="all checks",
                            ),
                        ],
                        style={"flex": "2 1 300px"},
                    ),
                    html.Label(
                        [
                            "Severity",
                            dcc.Dropdown(
                                id=FindingsIds.SEVERITY,
                                options=list(SEVERITIES),
                                value=[s for s in views.split_list(severity) if s in SEVERITIES],
                                multi=True,
                                placeholder="any severity",
                            ),
                        ],
                        style={"flex": "1 1 200px"},
                    ),
                    html.Label(
                        [
                            "Technology",
                            dcc.Dropdown(
                                id=FindingsIds.TECHNOLOGY,
                                options=technology_choices,
                                value=views.offered_technology(technology_choices, technology, None),
                                placeholder="all technologies",
                            ),
                        ],
                        style={"flex": "2 1 300px"},
                    ),
                ],
                style={"display": "flex", "gap": "12px", "flexWrap": "wrap"},
            ),
            # The first visit reads every finding (at ten million answers, about half a minute): say so.
            dcc.Loading(html.P("Reading the findings ...", id=FindingsIds.COUNT), delay_show=300),
            html.Div(
                [
                    html.Button("Download these findings (CSV)", id=FindingsIds.EXPORT, n_clicks=0),
                    dcc.Download(id=FindingsIds.DOWNLOAD),
                ],
                style={"marginBottom": "8px"},
            ),
            dag.AgGrid(
                id=FindingsIds.GRID,
                columnDefs=COLUMN_DEFS,
                rowData=[],
                defaultColDef={"sortable": True, "filter": True, "resizable": True},
                getRowId="params.data.row",
                dashGridOptions={
                    "pagination": True,
                    "paginationPageSize": 50,
                    "rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True},
                },
                style={"height": "640px"},
            ),
            html.P("Click a row to open the authority on the map.", style={"fontSize": "13px", "color": "#555"}),
            dcc.Location(id=FindingsIds.LOCATION, refresh="callback-nav"),
        ]
    )


def update_findings(
    data: DataAccess, checks: list[str] | None, severities: list[str] | None, technology_id: str | None
) -> tuple[list[dict], str]:
    """Grid rows (at most ``FINDINGS_ROW_LIMIT``) and a line saying how many there are."""
    scope = data.technology_scope(technology_id) if technology_id else None
    frame = views.select_findings(data.findings_index(), checks, severities, scope)
    top = frame.head(views.FINDINGS_ROW_LIMIT)
    rows = views.findings_grid_rows(data.findings_at(top.get_column("row")), top.get_column("why"))
    shown = f" (showing the first {len(rows)}, strongest first; the CSV has all)" if len(rows) < frame.height else ""
    failed = data.failed_checks
    problems = (
        f" Checks that failed and are missing here: {', '.join(sorted(failed))} (see the server log)." if failed else ""
    )
    return rows, f"{frame.height} findings{shown}.{problems}"


def row_target(row: dict[str, Any] | None) -> str | None:
    """The map URL of a clicked finding: its authority's panel, on its technology (national findings
    open the map of their technology)."""
    if not row or not (row.get("authority_id") or row.get("technology_id")):
        return None
    query = {}
    if row.get("technology_id"):
        query["technology"] = row["technology_id"]
    if row.get("authority_id"):
        query["authority"] = row["authority_id"]
    return "/?" + urlencode(query)


def clicked_target(cell: dict[str, Any] | None, rows: list[dict[str, Any]] | None) -> str | None:
    """The map URL for a ``cellClicked`` event (rows are found by their ``row`` key, whatever the sort)."""
    if not cell or not rows:
        return None
    by_key = {str(r.get("row")): r for r in rows}
    return row_target(by_key.get(str(cell.get("rowId"))))


def register_callbacks(app: Dash, data: DataAccess) -> None:
    @app.callback(
        Output(FindingsIds.GRID, "rowData"),
        Output(FindingsIds.COUNT, "children"),
        Input(FindingsIds.CHECKS, "value"),
        Input(FindingsIds.SEVERITY, "value"),
        Input(FindingsIds.TECHNOLOGY, "value"),
    )
    def _findings(checks, severities, technology_id):
        return update_findings(data, checks, severities, technology_id)

    @app.callback(
        Output(FindingsIds.LOCATION, "href"),
        Input(FindingsIds.GRID, "cellClicked"),
        State(FindingsIds.GRID, "rowData"),
        prevent_initial_call=True,
    )
    def _open(cell, rows):
        return clicked_target(cell, rows) or no_update

    @app.callback(
        Output(FindingsIds.DOWNLOAD, "data"),
        Input(FindingsIds.EXPORT, "n_clicks"),
        State(FindingsIds.CHECKS, "value"),
        State(FindingsIds.SEVERITY, "value"),
        State(FindingsIds.TECHNOLOGY, "value"),
        prevent_initial_call=True,
    )
    def _export(_clicks, checks, severities, technology_id):
        scope = data.technology_scope(technology_id) if technology_id else None
        rows = views.select_findings(data.findings_index(), checks, severities, scope).get_column("row")
        return dcc.send_bytes(data.findings_csv(rows), f"mosaic-findings-{data.version()[:8]}.csv")

    app.clientside_callback(
        """
        function(checks, severities, technology) {
            const params = new URLSearchParams();
            if (checks && checks.length) { params.set('check', checks.join(',')); }
            if (severities && severities.length) { params.set('severity', severities.join(',')); }
            if (technology) { params.set('technology', technology); }
            const q = params.toString();
            window.history.replaceState(null, '', window.location.pathname + (q ? '?' + q : ''));
        }
        """,
        Input(FindingsIds.CHECKS, "value"),
        Input(FindingsIds.SEVERITY, "value"),
        Input(FindingsIds.TECHNOLOGY, "value"),
    )
