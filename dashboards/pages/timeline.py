"""Timeline page: every response on the selected technology over time, one row per authority."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, dcc, html

from dashboards import views
from dashboards.data import DataAccess
from dashboards.ids import TimelineIds


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
    timeline = data.timeline(technology_id)
    title = f"{data.technology(technology_id).name}: responses in date order (earliest askers at the top)"
    figure, note = views.timeline_figure(timeline.points, timeline.grain, title)
    # An answer with no date has no place on a time axis; it is counted here so that none vanishes.
    if timeline.undated_count:
        who = timeline.undated_authorities
        listed = ", ".join(who[:8]) + (f" and {len(who) - 8} more" if len(who) > 8 else "")
        verb = "answer is" if timeline.undated_count == 1 else "answers are"
        undated = f"{timeline.undated_count} undated {verb} not on the time axis ({listed}); the map shows them at its last date."
        note = f"{note} {undated}" if note else undated
    return figure, note


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
