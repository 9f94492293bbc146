"""The Dash app factory: ``create_app(data_access)`` builds a fresh app around one data source.

Nothing is read when this module is imported or when the app is created: pages ask ``data_access`` when a
request arrives. Pages are Dash Pages whose layouts take the URL's query parameters, so every view is a
shareable address. Serving safety (host, password) lives in ``dashboards.server``.
"""

from __future__ import annotations

import base64
import functools
import hmac
import json
import logging
from collections.abc import Callable
from typing import Any

import dash
import flask
from dash import Dash, dcc, html, set_props

from dashboards.data import DataAccess
from dashboards.ids import Shell
from dashboards.pages.load import UPLOAD_FILES_AT_ONCE
from dashboards.style import BANNER_STYLE, PAGE_STYLE
from mosaic.errors import MosaicError

LOG = logging.getLogger(__name__)

#: How the alert reads, on a page or above it: the data's own one-line message, never a traceback.
ALERT_STYLE = {
    "background": "#FDECEA",
    "border": "1px solid #B3261E",
    "color": "#5F1410",
    "padding": "10px 14px",
    "margin": "8px 0",
    "fontWeight": "600",
}

#: (module, path, nav label, title) of every page, in navigation order.
PAGES = (
    ("map", "/", "Map", "Map · mosaic"),
    ("timeline", "/timeline", "Timeline", "Timeline · mosaic"),
    ("network", "/network", "Network", "Network · mosaic"),
    ("findings", "/findings", "Findings", "Findings · mosaic"),
    ("load", "/load", "Load data", "Load data · mosaic"),
)

SAMPLE_BANNER = (
    "SYNTHETIC SAMPLE: real force names, fictional products and events. Load your own data on the Load data page."
)


def create_app(
    data_access: DataAccess,
    *,
    boundaries: dict[str, Any] | None = None,
    upload_limit_bytes: int = 50 * 1024 * 1024,
    password: str | None = None,
) -> Dash:
    """Build the dashboard around ``data_access``.

    Args:
        data_access: where pages get their data (``WorkspaceData`` or ``FakeData``).
        boundaries: ``{"geojson": ..., "feature_key": ...}`` from ``server.load_boundaries`` to offer a
            geographic choropleth; without it only the hexagon cartogram is drawn.
        upload_limit_bytes: the largest file the Load data page accepts.
        password: when given, every request must carry it (HTTP basic auth, any user name).
    """
    from dashboards.pages import findings, load, network, timeline
    from dashboards.pages import map as map_page

    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder="assets",
        suppress_callback_exceptions=True,
        title="mosaic",
        update_title=None,
        serve_locally=True,
        on_error=_show_callback_error,
    )
    # Requests carry base64 uploads (a third larger than the files): a request may hold up to
    # UPLOAD_FILES_AT_ONCE files each within the per-file limit (the page checks each one); anything larger
    # is refused outright, answering the upload callback with a clear message rather than a bare 413.
    app.server.config["MAX_CONTENT_LENGTH"] = int(upload_limit_bytes * 1.4 * UPLOAD_FILES_AT_ONCE) + 1024 * 1024
    _answer_oversized_uploads(app, upload_limit_bytes)
    modules = {"map": map_page, "timeline": timeline, "network": network, "findings": findings, "load": load}
    extra = {
        "map": {
            "has_boundaries": boundaries is not None,
            "boundaries_label": (boundaries or {}).get("label", "your boundaries file"),
        },
        "load": {"limit_bytes": upload_limit_bytes},
    }
    # Dash keeps its pages in one registry per process, so the layouts registered there only dispatch to
    # the app serving the request: a second app (a test's, or a second workspace) must not take over the
    # first one's pages and show its data.
    app.server.config[_PAGE_LAYOUTS] = {
        key: _alert_on_error(functools.partial(modules[key].layout, data_access, **extra.get(key, {})))
        for key, *_ in PAGES
    }
    for key, path, name, title in PAGES:
        dash.register_page(key, path=path, name=name, title=title, layout=functools.partial(_page_layout, key))
    app.layout = html.Div(
        [
            html.Div(SAMPLE_BANNER, id=Shell.BANNER, style=BANNER_STYLE, role="status")
            if data_access.is_sample
            else html.Div(id=Shell.BANNER),
            html.Nav(
                [html.Strong("mosaic", style={"marginRight": "18px"})]
                + [dcc.Link(name, href=path, style={"marginRight": "14px"}) for _, path, name, _ in PAGES],
                id=Shell.NAV,
                style={"padding": "10px 0", "borderBottom": "1px solid #DDD", "marginBottom": "10px"},
            ),
            html.Div(id=Shell.ALERT, role="alert", className="global-alert"),
            html.Main(dash.page_container),
        ],
        style=PAGE_STYLE,
    )
    map_page.register_callbacks(app, data_access, boundaries)
    timeline.register_callbacks(app, data_access)
    network.register_callbacks(app, data_access)
    findings.register_callbacks(app, data_access)
    load.register_callbacks(app, data_access, upload_limit_bytes)
    if password:
        _require_password(app, password)
    return app


_PAGE_LAYOUTS = "MOSAIC_PAGE_LAYOUTS"


def _page_layout(key: str, **query: Any) -> Any:
    """The page ``key`` of the app serving this request (its own data access, boundaries and limits)."""
    return flask.current_app.config[_PAGE_LAYOUTS][key](**query)


def alert(message: str) -> html.Div:
    """One line a user can act on (a damaged workspace names its part and says to run ``mosaic check``)."""
    return html.Div(message, className="workspace-error", style=ALERT_STYLE)


def _alert_on_error(page_layout: Callable[..., Any]) -> Callable[..., Any]:
    """A page layout that shows the error's one line instead of a bare HTTP 500 when the data cannot be read."""

    @functools.wraps(page_layout)
    def layout(**query: Any) -> Any:
        try:
            return page_layout(**query)
        except MosaicError as error:
            return html.Div([html.H2("The data cannot be shown"), alert(str(error))], role="alert")

    return layout


def _show_callback_error(error: Exception) -> None:
    """Dash's app-wide callback error handler: the message goes to the alert above the page, the outputs
    keep what they showed. A ``MosaicError`` is the user's one line (a damaged workspace, say); anything
    else is a bug, logged with its traceback and reported as such, never as a silent HTTP 500."""
    if isinstance(error, MosaicError):
        set_props(Shell.ALERT, {"children": alert(str(error))})
        return None
    LOG.error("dashboard callback failed", exc_info=error)
    set_props(
        Shell.ALERT,
        {"children": alert(f"Something went wrong ({type(error).__name__}); the server log has the details.")},
    )
    return None


def _answer_oversized_uploads(app: Dash, limit_bytes: int) -> None:
    """Turn Flask's 413 for a too-large callback request into the Load data page's error message.

    Only uploads make requests this large, so the answer fills the upload result; without this the browser
    would get a bare 413 and the page would say nothing.
    """
    from flask import jsonify, request
    from plotly.utils import PlotlyJSONEncoder
    from werkzeug.exceptions import RequestEntityTooLarge

    from dashboards.ids import LoadIds

    @app.server.errorhandler(RequestEntityTooLarge)
    def _too_large(error):
        if not request.path.endswith("_dash-update-component"):
            return error
        message = html.Div(
            [
                html.P("Nothing was written.", style={"fontWeight": "700"}),
                html.P(
                    f"The upload is larger than {UPLOAD_FILES_AT_ONCE} files of the {limit_bytes / 2**20:g} MB per-file limit (MOSAIC_UPLOAD_LIMIT_MB) "
                    "together: upload fewer files at a time, or use 'mosaic ingest' for large files.",
                    className="upload-error",
                    role="alert",
                ),
            ]
        )
        body = json.loads(
            json.dumps(
                {"multi": True, "response": {LoadIds.RESULT.value: {"children": message}}}, cls=PlotlyJSONEncoder
            )
        )
        return jsonify(body), 200


def _require_password(app: Dash, password: str) -> None:
    """Refuse every request without the password (HTTP basic auth; the user name is ignored)."""
    from flask import Response, request

    expected = password.encode()

    @app.server.before_request
    def _check() -> Response | None:
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            try:
                _, _, given = base64.b64decode(header[6:]).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                given = ""
            if hmac.compare_digest(given.encode(), expected):
                return None
        return Response("mosaic: password required", 401, {"WWW-Authenticate": 'Basic realm="mosaic"'})
