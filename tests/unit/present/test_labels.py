"""One label, colour, mark and symbol per map stance, used by every picture of the map."""

from __future__ import annotations

import datetime as dt

import polars as pl

from mosaic.analyses import MapStance
from mosaic.present.labels import STANCE_COLOURS, STANCE_LABELS, STANCE_MARKS, STANCE_SYMBOLS, STANCE_TEXT_COLOURS


def test_every_stance_has_one_of_each_and_no_two_stances_look_alike():
    for table in (STANCE_LABELS, STANCE_COLOURS, STANCE_TEXT_COLOURS, STANCE_MARKS, STANCE_SYMBOLS):
        assert set(table) == set(MapStance)
    for table in (STANCE_LABELS, STANCE_COLOURS, STANCE_MARKS, STANCE_SYMBOLS):
        assert len(set(table.values())) == len(MapStance)
    # the marker echoes the mark: Denied is an x everywhere, NCND a square
    assert (STANCE_MARKS[MapStance.DENY], STANCE_SYMBOLS[MapStance.DENY]) == ("✘", "x")
    assert (STANCE_MARKS[MapStance.NCND], STANCE_SYMBOLS[MapStance.NCND]) == ("■", "square")


def test_the_timeline_never_draws_an_ncnd_with_the_denied_mark():
    # Issue 13 item 5: the timeline drew NCND with "x" (the mark of Denied everywhere else) and Denied as a square.
    from dashboards import views
    from mosaic.analyses.mapview import stance_timeline

    events = pl.DataFrame(
        {
            "authority_label": ["Kent Police", "Essex Police"],
            "technology_id": ["t", "t"],
            "response_end": [dt.date(2021, 1, 1), dt.date(2021, 2, 1)],
            "outcome": ["ncnd", "not_held"],
            "stance": ["ncnd", "deny"],
        }
    )
    points, grain = stance_timeline(events, ["t"], views.TIMELINE_POINT_LIMIT)
    figure, _ = views.timeline_figure(points, grain, "t")
    symbols = {trace["name"].split(" (")[0]: trace["marker"]["symbol"] for trace in figure["data"]}
    assert symbols["■ NCND"] == "square" and symbols["✘ Denied"] == "x"


def test_dashboard_and_reports_draw_the_same_colours():
    from mosaic.report.svg import STANCE_FILL

    assert STANCE_FILL == STANCE_COLOURS


def test_the_dashboard_and_the_reports_label_every_hexagon_alike():
    # Issue 13 item 13: six forces had one label on the dashboard and another in reports (HAM/HIW, ...).
    from dashboards import views
    from mosaic.analyses import AnalysisInputs
    from mosaic.registry import load_authorities
    from mosaic.report import build_report
    from mosaic.report.model import HexMap

    from ..rows import frame, response

    inputs = AnalysisInputs.from_responses(
        frame(
            [response("kent", "drones", "ncnd", "2024-01-10"), response("essex", "drones", "disclosed", "2023-05-01")]
        )
    )
    model = build_report(inputs, technology_id="drones")
    (hexmap,) = [block for section in model.sections for block in section.blocks if isinstance(block, HexMap)]
    in_report = {cell["authority_id"]: cell["short"] for cell in hexmap.cells}
    from mosaic.analyses import map_stances

    figure = views.hex_map_figure(
        views.map_cells(map_stances(inputs, "drones", dt.date(2024, 1, 10)), load_authorities())
    )
    on_dashboard = dict(zip(figure["data"][-1]["customdata"], figure["data"][-1]["text"], strict=True))
    assert on_dashboard == in_report and len(in_report) == 45
