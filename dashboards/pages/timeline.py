"""Timeline page: every response on the selected technology over time, one row per authority."""

from __future__ import annotations

from typing import Any

import polars as pl
from dash import Dash, Input, Output, dcc, html

from dashboards import views
from dashboards.data import DataAccess
from dashboards.ids import TimelineIds
from mosaic.analyses import technology_scope
from mosaic.analyses.mapview import stance_timeline


def layout(data: DataAccess, technology: str | None = None, **_ignored: Any) -> html.Div:
    """The timeline for ``?technology=``."""
    technology_choices = data.technology_choices()
    technology_id = views.offered_technology(technology_choices, technology, data.default_technology())
    return html.Div(
        [
            html.Label(
                [
                    "Technology",
                    dcc.Dropdown(
                        id=TimelineIds.TECHNOLOGY, options=technology_choices, value=technology_id, clearable=False
                    ),
                ],
                style={"display": "block", "maxWidth": "600px"},
            ),
            html.P(id=TimelineIds.NOTE, style={"fontSize": "13px", "color": "#444"}),
            dcc.Loading(dcc.Graph(id=TimelineIds.GRAPH, config={"displayModeBar": False})),
        ]
    )


def update_timeline(data: DataAccess, technology_id: str) -> tuple[Any, str]:
    """The figure and its note for one technology."""
    inputs = data.inputs()
    name = inputs.technologies.filter(pl.col("technology_id") == technology_id).get_column("name")
    title = f"{name[0] if name.len() else technology_id}: responses in date order (earliest askers at the top)"

    def build() -> tuple[Any, str]:
        scope = technology_scope(inputs, technology_id)
        points, grain = stance_timeline(inputs.events, scope, views.TIMELINE_POINT_LIMIT)
        figure, note = views.timeline_figure(points, grain, title)
        # An answer with no date has no place on a time axis; it is counted here so that none vanishes.
        undated = inputs.events.filter(
            pl.col("technology_id").is_in(scope)
            & pl.col("response_end").is_null()
            & (pl.col("is_disclosure") | pl.col("is_ncnd"))
        )
        if undated.height:
            who = undated.get_column("authority_label").unique().sort().to_list()
            listed = ", ".join(who[:8]) + (f" and {len(who) - 8} more" if len(who) > 8 else "")
            note = " ".join(
                part
                for part in (
                    note,
                    f"{undated.height} undated {'answer is' if undated.height == 1 else 'answers are'} not on the time axis ({listed}); the map shows them at its last date.",
                )
                if part
            )
        return figure, note

    return data.memo(("timeline", technology_id), build)


def register_callbacks(app: Dash, data: DataAccess) -> None:
    @app.callback(
        Output(TimelineIds.GRAPH, "figure"),
        Output(TimelineIds.NOTE, "children"),
        Input(TimelineIds.TECHNOLOGY, "value"),
    )
    def _timeline(technology_id):
        return update_timeline(data, technology_id)

    app.clientside_callback(
        """
        function(technology) {
            if (technology) { window.history.replaceState(null, '', window.location.pathname + '?technology=' + encodeURIComponent(technology)); }
        }
        """,
        Input(TimelineIds.TECHNOLOGY, "value"),
    )
