"""The map page (home): who confirmed, denied or NCNDed, as it stood on the chosen date.

``layout(data, **query_params)`` builds the page from the URL, so ``/?technology=x&as_of=2024-06-30&
authority=kent`` reopens exactly that view; callbacks keep the URL in step (without reloading) so the
address bar can be copied and sent at any time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dash import Dash, Input, Output, State, dcc, html, no_update

from dashboards import views
from dashboards.data import DataAccess, TechnologyView
from dashboards.ids import MapIds
from mosaic.analyses import MapStance
from mosaic.present.labels import map_tally, stance_legend_label

TITLE = "Map · mosaic"
HEX_VIEW, GEO_VIEW = "hex", "geo"
PLAY_STEPS = 40
"""The play button replays the date range in this many steps."""


def layout(data: DataAccess, has_boundaries: bool = False, boundaries_label: str = "your boundaries file", technology: str | None = None, as_of: str | None = None, authority: str | None = None,
           outcome: str | None = None, region: str | None = None, view: str | None = None, **_ignored: Any) -> html.Div:  # fmt: skip
    """The map page for the given URL query parameters (unknown or bad values fall back to defaults)."""
    technology_choices = data.technology_choices()
    technology_id = views.offered_technology(technology_choices, technology, data.default_technology())
    first, last = data.date_bounds()
    chosen = min(max(views.parse_date(as_of, last), first), last)
    regions = data.regions()
    authority_options = data.authority_choices()
    known_authorities = {o["value"] for o in authority_options}
    stance_options = [{"label": stance_legend_label(s), "value": s.value} for s in MapStance]
    controls = html.Div(
        [
            html.Label(
                [
                    "Technology",
                    dcc.Dropdown(
                        id=MapIds.TECHNOLOGY, options=technology_choices, value=technology_id, clearable=False
                    ),
                ],
                style={"flex": "2 1 320px"},
            ),
            html.Label(
                [
                    "Outcome",
                    dcc.Dropdown(
                        id=MapIds.OUTCOMES,
                        options=stance_options,
                        value=[o for o in views.split_list(outcome) if o in {s.value for s in MapStance}],
                        multi=True,
                        placeholder="all stances",
                    ),
                ],
                style={"flex": "1 1 220px"},
            ),
            html.Label(
                [
                    "Region",
                    dcc.Dropdown(
                        id=MapIds.REGIONS,
                        options=regions,
                        value=[r for r in views.split_list(region) if r in regions],
                        multi=True,
                        placeholder="all regions",
                    ),
                ],
                style={"flex": "1 1 220px"},
            ),
            html.Label(
                [
                    "Authority",
                    dcc.Dropdown(
                        id=MapIds.SEARCH,
                        options=authority_options,
                        value=authority if authority in known_authorities else None,
                        placeholder="search an authority...",
                    ),
                ],
                style={"flex": "1 1 240px"},
            ),
        ],
        style={"display": "flex", "gap": "12px", "flexWrap": "wrap", "alignItems": "flex-end"},
    )
    total_days = max((last - first).days, 1)
    slider = html.Div(
        [
            html.Div(
                [
                    html.Span("As of: "),
                    html.Strong(str(chosen), id=MapIds.AS_OF_LABEL),
                    html.Button(
                        "▶ Play",
                        id=MapIds.PLAY,
                        n_clicks=0,
                        style={"marginLeft": "12px"},
                        title="Step the map through time, first date to last, in even steps",
                    ),
                ]
            ),
            dcc.Slider(
                id=MapIds.AS_OF,
                min=0,
                max=total_days,
                step=1,
                value=(chosen - first).days,
                marks=views.slider_marks(first, last),
                updatemode="mouseup",
                allow_direct_input=False,
            ),
            dcc.Interval(id=MapIds.PLAY_TIMER, interval=700, disabled=True),
            dcc.Store(id=MapIds.DATES, data={"first": first.isoformat(), "last": last.isoformat()}),
        ],
        style={"margin": "12px 0"},
    )
    view_choice = (
        dcc.RadioItems(
            id=MapIds.VIEW,
            options=[
                {"label": " Hexagon cartogram", "value": HEX_VIEW},
                {"label": f" Geographic ({boundaries_label})", "value": GEO_VIEW},
            ],
            value=view if view in (HEX_VIEW, GEO_VIEW) else HEX_VIEW,
            inline=True,
            inputStyle={"marginLeft": "12px"},
        )
        if has_boundaries
        else dcc.RadioItems(
            id=MapIds.VIEW,
            options=[{"label": " Hexagon cartogram", "value": HEX_VIEW}],
            value=HEX_VIEW,
            inline=True,
            style={"display": "none"},
        )
    )
    exports = html.Div(
        [
            html.Button("Download findings (CSV)", id=MapIds.EXPORT_FINDINGS, n_clicks=0),
            html.Button(
                "Download consistency report (HTML)",
                id=MapIds.EXPORT_REPORT,
                n_clicks=0,
                title="The dossier of the chosen authority's latest NCND (as of its own date), else the technology report on this date",
                style={"marginLeft": "8px"},
            ),
            dcc.Download(id=MapIds.DOWNLOAD),
        ],
        style={"margin": "8px 0"},
    )
    return html.Div(
        [
            controls,
            html.P(id=MapIds.TECHNOLOGY_NOTE, style={"fontSize": "13px", "color": "#444", "margin": "6px 0"}),
            slider,
            html.Div(id=MapIds.HEADLINE),
            html.Div(
                [
                    html.Div(
                        [
                            view_choice,
                            dcc.Loading(
                                dcc.Graph(id=MapIds.GRAPH, config={"displayModeBar": False, "scrollZoom": False}),
                                delay_show=300,
                            ),
                            html.Div(id=MapIds.LEGEND),
                            html.Div(id=MapIds.OFF_MAP),
                        ],
                        style={"flex": "3 1 560px", "minWidth": 0},
                    ),
                    html.Div(
                        [
                            html.H3("Authority"),
                            dcc.Loading(
                                html.Div(
                                    html.P(
                                        "Click a hexagon or search an authority to see its answers and the evidence."
                                    ),
                                    id=MapIds.PANEL,
                                ),
                                delay_show=300,
                            ),
                        ],
                        style={"flex": "2 1 380px", "minWidth": 0, "maxHeight": "900px", "overflowY": "auto"},
                        role="region",
                        **{"aria-label": "authority panel"},
                    ),
                ],
                style={"display": "flex", "gap": "16px", "flexWrap": "wrap"},
            ),
            exports,
            dcc.Store(id=MapIds.URL_SYNC),
        ]
    )


def is_latest(dates: dict[str, str], as_of: dt.date) -> bool:
    """The slider's last date shows the data as it stands: undated answers had been given by then too (at
    an earlier date they cannot be placed, and are left off the map)."""
    return as_of >= dt.date.fromisoformat(dates["last"])


def as_of_date(first_iso: str, offset: int | None) -> dt.date:
    """The slider's day offset as a date."""
    return dt.date.fromisoformat(first_iso) + dt.timedelta(days=int(offset or 0))


def technology_note(technology: TechnologyView) -> str:
    """Says how a category is coloured (the strongest stance of its products), or where a product sits."""
    if technology.level is None:
        return ""
    if technology.is_category:
        return (
            f"{technology.name} is a category ({technology.products} technologies below it): each authority shows "
            "the strongest stance among them (confirmed > denied > partial NCND > NCND > no answer)."
        )
    vendor = f": {technology.vendor}" if technology.vendor else ""
    return f"{technology.name} ({technology.level}; {technology.path}){vendor}."


def update_map(data: DataAccess, technology_id: str, offset: int, dates: dict[str, str], outcomes: list[str] | None, regions: list[str] | None,
               view: str | None, authority_id: str | None, boundaries: dict[str, Any] | None = None) -> tuple:  # fmt: skip
    """Everything that depends on the selection: figure, legend, off-map list, notes and URL state.

    The headline numbers come from their own callback (``headline``): ``mosaic_exposure`` is slower than
    the map, and the map should not wait for it."""
    register = data.authority_register()
    technology = data.technology(technology_id)
    as_of = as_of_date(dates["first"], offset)
    is_now = is_latest(dates, as_of)
    frame = data.map_frame(technology_id, as_of, with_undated=is_now)
    cells = views.map_cells(frame, register, outcomes, regions)
    shown = frame.filter(views.visible_expr(outcomes, regions))
    tally = map_tally(shown)  # the legends count what the headline counts (hexagons and the asked beside them)
    when = (
        f"as they stand (latest dated answer {as_of:%d %B %Y}; undated answers included)"
        if is_now
        else f"as they stood on {as_of:%d %B %Y}"
    )
    title = f"{technology.name}: answers {when}"
    if view == GEO_VIEW and boundaries is not None:
        with_codes = frame.join(register.select("authority_id", "pfa_code"), on="authority_id", how="left")
        with_codes = with_codes.filter(views.visible_expr(outcomes, regions))
        figure = views.choropleth_figure(
            with_codes,
            boundaries["geojson"],
            boundaries["feature_key"],
            attribution=boundaries.get("attribution", ""),
            source=boundaries.get("source", "your boundaries file"),
            tally=tally,
        )
    else:
        figure = views.hex_map_figure(cells, title=title, selected_authority=authority_id, tally=tally)
    state = {
        "technology": technology_id,
        "as_of": as_of.isoformat(),
        "authority": authority_id or "",
        "outcome": ",".join(outcomes or []),
        "region": ",".join(regions or []),
        "view": view if view == GEO_VIEW else "",
    }
    return (
        figure,
        views.legend_component(shown),
        views.off_map_component(shown, register),
        technology_note(technology),
        as_of.isoformat(),
        state,
    )


def headline(
    data: DataAccess,
    technology_id: str,
    offset: int,
    dates: dict[str, str],
    outcomes: list[str] | None,
    regions: list[str] | None,
) -> Any:
    """The headline cards for the selection (``mosaic_exposure``'s national numbers)."""
    as_of = as_of_date(dates["first"], offset)
    is_now = is_latest(dates, as_of)
    frame = data.map_frame(technology_id, as_of, with_undated=is_now)
    technology = data.technology(technology_id)
    return views.headline_component(
        frame.filter(views.visible_expr(outcomes, regions)),
        data.exposure(technology_id, as_of, with_undated=is_now),
        technology.name,
        technology.is_category,
    )


def clicked_authority(click_data: dict[str, Any] | None) -> str | None:
    """The authority id of a clicked hexagon (or geographic area)."""
    points = (click_data or {}).get("points") or []
    for point in points:
        if isinstance(point.get("customdata"), str):
            return point["customdata"]
    return None


def panel(data: DataAccess, authority_id: str | None, technology_id: str) -> Any:
    """The authority panel for the selection, or the hint when nothing is selected."""
    if not authority_id:
        return html.P("Click a hexagon or search an authority to see its answers and the evidence.")
    scope = data.technology_scope(technology_id)
    # Only the findings shown are fetched whole (by row number), never filtered out of them all.
    rows, total = views.panel_findings(data.findings_index(), authority_id, scope)
    return views.authority_panel(
        data.authority_register(),
        data.authority_answers(authority_id),
        data.findings_at(rows),
        authority_id,
        scope,
        data.technology(technology_id).name,
        findings_total=total,
    )


def play_step(n_intervals: int | None, offset: int, maximum: int) -> tuple[int, bool]:
    """Advance the replay by one step; stop (disable the timer) at the end."""
    step = max(maximum // PLAY_STEPS, 1)
    new = min(int(offset or 0) + step, maximum)
    return new, new >= maximum


def register_callbacks(app: Dash, data: DataAccess, boundaries: dict[str, Any] | None) -> None:
    """Wire the map page's callbacks to ``data`` (thin: each calls one function above)."""

    @app.callback(
        Output(MapIds.GRAPH, "figure"),
        Output(MapIds.LEGEND, "children"),
        Output(MapIds.OFF_MAP, "children"),
        Output(MapIds.TECHNOLOGY_NOTE, "children"),
        Output(MapIds.AS_OF_LABEL, "children"),
        Output(MapIds.URL_SYNC, "data"),
        Input(MapIds.TECHNOLOGY, "value"),
        Input(MapIds.AS_OF, "value"),
        Input(MapIds.OUTCOMES, "value"),
        Input(MapIds.REGIONS, "value"),
        Input(MapIds.VIEW, "value"),
        Input(MapIds.SEARCH, "value"),
        State(MapIds.DATES, "data"),
    )
    def _update_map(technology_id, offset, outcomes, regions, view, authority_id, dates):
        return update_map(data, technology_id, offset, dates, outcomes, regions, view, authority_id, boundaries)

    @app.callback(
        Output(MapIds.HEADLINE, "children"),
        Input(MapIds.TECHNOLOGY, "value"),
        Input(MapIds.AS_OF, "value"),
        Input(MapIds.OUTCOMES, "value"),
        Input(MapIds.REGIONS, "value"),
        State(MapIds.DATES, "data"),
    )
    def _headline(technology_id, offset, outcomes, regions, dates):
        return headline(data, technology_id, offset, dates, outcomes, regions)

    @app.callback(Output(MapIds.SEARCH, "value"), Input(MapIds.GRAPH, "clickData"), prevent_initial_call=True)
    def _select(click_data):
        return clicked_authority(click_data) or no_update

    @app.callback(Output(MapIds.PANEL, "children"), Input(MapIds.SEARCH, "value"), Input(MapIds.TECHNOLOGY, "value"))
    def _panel(authority_id, technology_id):
        return panel(data, authority_id, technology_id)

    @app.callback(
        Output(MapIds.PLAY_TIMER, "disabled"),
        Output(MapIds.AS_OF, "value", allow_duplicate=True),
        Input(MapIds.PLAY, "n_clicks"),
        State(MapIds.PLAY_TIMER, "disabled"),
        State(MapIds.AS_OF, "value"),
        State(MapIds.AS_OF, "max"),
        prevent_initial_call=True,
    )
    def _toggle_play(_clicks, disabled, offset, maximum):
        if disabled and int(offset or 0) >= maximum:
            return False, 0  # replay from the start
        return (not disabled), no_update

    @app.callback(
        Output(MapIds.AS_OF, "value", allow_duplicate=True),
        Output(MapIds.PLAY_TIMER, "disabled", allow_duplicate=True),
        Input(MapIds.PLAY_TIMER, "n_intervals"),
        State(MapIds.AS_OF, "value"),
        State(MapIds.AS_OF, "max"),
        prevent_initial_call=True,
    )
    def _play(n_intervals, offset, maximum):
        return play_step(n_intervals, offset, maximum)

    @app.callback(
        Output(MapIds.DOWNLOAD, "data"),
        Input(MapIds.EXPORT_FINDINGS, "n_clicks"),
        Input(MapIds.EXPORT_REPORT, "n_clicks"),
        State(MapIds.TECHNOLOGY, "value"),
        State(MapIds.AS_OF, "value"),
        State(MapIds.DATES, "data"),
        State(MapIds.SEARCH, "value"),
        prevent_initial_call=True,
    )
    def _export(findings_clicks, report_clicks, technology_id, offset, dates, authority_id):
        from dash import ctx

        from dashboards.exports import findings_download, report_download

        if ctx.triggered_id == MapIds.EXPORT_REPORT:
            return report_download(data, technology_id, as_of_date(dates["first"], offset), authority_id)
        return findings_download(data, technology_id)

    app.clientside_callback(
        """
        function(state) {
            if (!state) { return window.dash_clientside.no_update; }
            const params = new URLSearchParams();
            for (const [key, value] of Object.entries(state)) { if (value) { params.set(key, value); } }
            const url = window.location.pathname + '?' + params.toString();
            if (url !== window.location.pathname + window.location.search) { window.history.replaceState(null, '', url); }
            return window.dash_clientside.no_update;
        }
        """,
        Input(MapIds.URL_SYNC, "data"),
    )
