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


# --- one count for the headline and the legends --------------------------------------------------------


def test_the_headline_and_every_legend_count_the_same_authorities():
    # Issue 13 item 13: a headline said "23 of 26" beside a legend counting 21. The dashboard's legends
    # counted only authorities with a hexagon, its headline every authority asked (British Transport
    # Police has no hexagon: it is listed beside the map), the report's legend both.
    from dashboards.data import FakeData
    from dashboards.pages import map as map_page
    from mosaic.analyses import AnalysisInputs
    from mosaic.report import build_report
    from mosaic.report.model import HexMap

    from ..rows import frame, response

    rows = [
        response("kent", "drones", "ncnd", "2024-01-10"),
        response("essex", "drones", "not_held", "2023-05-01"),
        response("btp", "drones", "disclosed", "2023-06-01"),
    ]
    data = FakeData(frame(rows))
    dates = {"first": "2023-05-01", "last": "2024-01-10"}
    last = (dt.date(2024, 1, 10) - dt.date(2023, 5, 1)).days
    figure, legend, off_map, *_ = map_page.update_map(data, "drones", last, dates, None, None, "hex", None)
    written = {item.to_plotly_json()["props"]["data-stance"]: item.children[-1] for item in legend.children}
    written_counts = {stance: int(text.rsplit(": ", 1)[1]) for stance, text in written.items()}
    traced = {
        trace["name"].split(" (")[0]: int(trace["name"].rsplit("(", 1)[1].rstrip(")"))
        for trace in figure["data"]
        if trace.get("showlegend")
    }
    cards = map_page.headline(data, "drones", last, dates, None, None)
    texts = [[part.children for part in card.children] for card in cards.children]
    asked = int(texts[0][1])
    assert asked == 3
    assert sum(n for stance, n in written_counts.items() if stance != MapStance.NOT_ASKED) == asked
    assert written_counts[MapStance.CONFIRM] == 1 and traced[f"{STANCE_MARKS['confirm']} Confirmed"] == 1
    assert texts[1][2].startswith(f"2 of {asked} have a confirm or deny on record")

    model = build_report(AnalysisInputs.from_responses(frame(rows)), technology_id="drones")
    (hexmap,) = [block for section in model.sections for block in section.blocks if isinstance(block, HexMap)]
    in_report = {entry["stance"]: entry["count"] for entry in hexmap.legend}
    assert in_report == written_counts  # the same numbers on the dashboard and in the report
    assert "3 authorities had been asked about" in " ".join(model.summary)


# --- one mark per stance -----------------------------------------------------------------------------


def test_the_report_legend_and_the_network_legend_carry_the_stance_marks():
    # Issue 13 item 5: one mark per stance, the timeline's, the network legend's and the reports'.
    from dashboards.pages import network
    from mosaic.analyses import AnalysisInputs
    from mosaic.report import build_report
    from mosaic.report.model import HexMap

    from ..rows import frame, response

    model = build_report(
        AnalysisInputs.from_responses(frame([response("kent", "drones", "ncnd", "2024-01-10")])), technology_id="drones"
    )
    (hexmap,) = [block for section in model.sections for block in section.blocks if isinstance(block, HexMap)]
    assert [entry["label"] for entry in hexmap.legend] == [f"{STANCE_MARKS[s]} {STANCE_LABELS[s]}" for s in MapStance]
    text = " ".join(str(part) for part in _strings(network.legend()))
    assert f"{STANCE_MARKS[MapStance.NCND]} NCND" in text and f"{STANCE_MARKS[MapStance.DENY]} Denied" in text
    # an answer without a stance looks like a cell without one: the same mark, not a blank
    assert f"{STANCE_MARKS[MapStance.NO_ANSWER]} No stance" in text


def _strings(component):
    children = getattr(component, "children", component)
    if isinstance(children, str):
        yield children
    elif isinstance(children, list | tuple):
        for child in children:
            yield from _strings(child)
    elif children is not None and children is not component:
        yield from _strings(children)


# --- one check order, one severity order ----------------------------------------------------------------


def test_the_cli_the_findings_page_and_the_reports_list_checks_in_one_order():
    from typer.testing import CliRunner

    from dashboards.data import FakeData
    from dashboards.pages import findings as findings_page
    from mosaic.analyses import AnalysisInputs, all_checks
    from mosaic.cli import app
    from mosaic.present.labels import CHECK_ORDER, SEVERITY_ORDER, order_checks
    from mosaic.report.common import ReportContext

    from ..rows import frame, response

    rows = frame([response("kent", "drones", "ncnd", "2024-01-10")])
    expected = order_checks(all_checks())
    assert expected[: len(CHECK_ORDER)] == [c for c in CHECK_ORDER if c in all_checks()]
    listed = CliRunner().invoke(app, ["checks"]).output
    on_cli = sorted(all_checks(), key=lambda check_id: listed.index(f"\n{check_id} "))
    page = findings_page.layout(FakeData(rows))
    (checks,) = [c for c in _walk(page) if getattr(c, "id", None) == "findings-checks"]
    (severities,) = [c for c in _walk(page) if getattr(c, "id", None) == "findings-severity"]
    in_report = list(ReportContext(AnalysisInputs.from_responses(rows), None, None, None).check_titles)
    assert on_cli == [o["value"] for o in checks.options] == in_report == expected
    assert list(severities.options) == list(SEVERITY_ORDER)


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from _walk(child)


# --- one name per technology ---------------------------------------------------------------------------


def test_summary_and_analyse_name_a_category_alike(tmp_path):
    # Issue 13 item 13: "facial recognition (any type)" in `mosaic summary`, "Facial recognition" in `analyse`.
    import json
    import os
    import subprocess
    import sys

    source = tmp_path / "answers.csv"
    source.write_text(
        "authority,technology,request_date,response_date,outcome,source_url\n"
        "Kent Police,facial recognition (any type),2021-01-01,2021-01-10,Neither confirm nor deny s24(2),https://e.org/k\n"
        "Essex Police,facial recognition (any type),2020-01-01,2020-01-10,Yes,https://e.org/e\n",
        encoding="utf-8",
    )
    workspace = tmp_path / "ws"

    def mosaic(*args):
        env = {**os.environ, "COLUMNS": "200"}
        result = subprocess.run([sys.executable, "-m", "mosaic.cli", *args], capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stderr
        return result.stdout

    mosaic("ingest", str(source), "-w", str(workspace))
    table = mosaic("summary", "-w", str(workspace))
    (named,) = json.loads(mosaic("summary", "-w", str(workspace), "--json"))["technologies"]
    findings = json.loads(mosaic("analyse", "-w", str(workspace), "--format", "json"))["findings"]
    in_analyse = {f["technology_name"] for f in findings if f["technology_id"] == named["technology_id"]}
    assert in_analyse == {named["technology_label"]} == {"Facial recognition"}
    assert "Facial recognition " in table and "(any type)" not in table


def test_a_technology_is_named_by_the_register_else_as_most_often_given():
    from mosaic.present.labels import technology_names

    technologies = pl.DataFrame({"technology_id": ["facial-recognition"], "name": ["Facial recognition"]})
    events = pl.DataFrame(
        {
            "technology_id": ["facial-recognition", "unresolved:quux", "unresolved:quux", "unresolved:quux"],
            "technology_label": ["facial recognition (any type)", "QUUX scanner", "Quux Scanner", "Quux Scanner"],
        }
    )
    assert technology_names(technologies, events) == {
        "facial-recognition": "Facial recognition",
        "unresolved:quux": "Quux Scanner",
    }
