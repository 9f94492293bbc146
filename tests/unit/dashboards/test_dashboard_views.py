"""The pure functions behind the dashboard's callbacks, on a five-row workspace with known answers."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl
import pytest
from dash import html

from dashboards import views
from mosaic.analyses import stance_counts
from mosaic.analyses.mapview import stance_timeline
from mosaic.registry import load_authorities
from mosaic.registry.hexgrid import hex_cells

AUTHORITIES = load_authorities()
CELL_COUNT = hex_cells(AUTHORITIES).height


def strings_in(component) -> list[str]:
    """Every string child in a component tree (what Dash renders as text)."""
    if isinstance(component, str):
        return [component]
    if isinstance(component, (list, tuple)):
        return [s for c in component for s in strings_in(c)]
    children = getattr(component, "children", None)
    return strings_in(children) if children is not None else []


def components_in(component, kind) -> list:
    found = [component] if isinstance(component, kind) else []
    children = getattr(component, "children", None)
    if isinstance(children, (list, tuple)):
        for child in children:
            found += components_in(child, kind)
    elif children is not None and not isinstance(children, str):
        found += components_in(children, kind)
    return found


def test_map_on_a_date_counts_each_stance(tiny_data):
    frame = tiny_data.map_frame("facewise-cloud", dt.date(2021, 2, 15))
    stances = dict(frame.filter(pl.col("map_stance") != "not_asked").select("authority_id", "map_stance").iter_rows())
    # Surrey was asked on 2021-03-01, after the date: not asked yet. Kent had denied, Essex confirmed.
    assert stances == {"kent": "deny", "essex": "confirm"}
    later = tiny_data.map_frame("facewise-cloud", dt.date(2021, 12, 31))
    stances = dict(later.filter(pl.col("map_stance") != "not_asked").select("authority_id", "map_stance").iter_rows())
    assert stances == {"kent": "ncnd", "essex": "confirm", "surrey": "ncnd"}


def test_hex_map_draws_one_hexagon_per_cell_and_counts_in_the_legend(tiny_data):
    frame = tiny_data.map_frame("facewise-cloud", dt.date(2021, 12, 31))
    figure = go.Figure(views.hex_map_figure(views.map_cells(frame, AUTHORITIES)))  # validates the dict too
    click_layer = figure.data[-1]
    assert len(click_layer.customdata) == CELL_COUNT == 45
    polygons = figure.data[:-1]
    assert sum(sum(1 for v in t.x if v is not None) for t in polygons) == 7 * 45  # 6 corners + closing point
    names = [t.name for t in polygons]
    assert "✔ Confirmed (1)" in names and "■ NCND (2)" in names and "· Not asked (42)" in names
    assert all(t.fillpattern.shape == "x" for t in polygons if t.name.startswith("■"))


def test_outcome_filter_fades_the_rest_but_keeps_the_country(tiny_data):
    frame = tiny_data.map_frame("facewise-cloud", dt.date(2021, 12, 31))
    cells = views.map_cells(frame, AUTHORITIES, outcomes=["ncnd"])
    figure = go.Figure(views.hex_map_figure(cells))
    faded = [t for t in figure.data if t.name == "Filtered out"]
    assert len(faded) == 1 and sum(1 for v in faded[0].x if v is not None) == 7 * 43
    assert len(figure.data[-1].customdata) == 45
    legend = " ".join(strings_in(views.legend_component(cells.filter(pl.col("visible")))))
    assert "NCND: 2" in legend and "Confirmed: 0" in legend


def test_region_filter(tiny_data):
    frame = tiny_data.map_frame("facewise-cloud", dt.date(2021, 12, 31))
    cells = views.map_cells(frame, AUTHORITIES, regions=["East"])
    assert cells.filter(pl.col("visible") & (pl.col("map_stance") != "not_asked")).get_column(
        "authority_id"
    ).to_list() == ["essex"]


def test_hexagon_labels_are_unique_and_short(tiny_data):
    frame = tiny_data.map_frame("facewise-cloud", dt.date(2021, 12, 31))
    figure = views.hex_map_figure(views.map_cells(frame, AUTHORITIES))
    labels = dict(zip(figure["data"][-1]["customdata"], figure["data"][-1]["text"], strict=True))
    assert len(set(labels.values())) == len(labels) == 45
    assert labels["west-midlands"] != labels["west-mercia"]
    assert all(2 <= len(v) <= 4 for v in labels.values())


def test_hover_text_escapes_data():
    row = {
        "authority_name": "<b>X</b>",
        "map_stance": "ncnd",
        "response_date": dt.date(2021, 1, 1),
        "outcome": "ncnd",
        "exemptions": ["<i>s24(2)</i>"],
        "public_stance": None,
    }
    text = views._hover(row)
    assert "&lt;b&gt;X&lt;/b&gt;" in text and "<i>" not in text


def test_safe_link_only_links_web_addresses():
    assert isinstance(views.safe_link("https://example.org/x"), html.A)
    for bad in (
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,<script>",
        "/etc/passwd",
        "file:///etc/passwd",
        "http:/nohost",
    ):
        shown = views.safe_link(bad)
        assert not isinstance(shown, html.A), bad
    assert views.safe_link(None) == ""


def test_authority_panel_shows_data_text_as_text(tiny_data):
    panel = views.authority_panel(
        tiny_data.authority_register(),
        tiny_data.authority_answers("surrey"),
        tiny_data.findings(),
        "surrey",
        ["facewise-cloud"],
        "Facewise Cloud",
    )
    texts = strings_in(panel)
    assert "<script>alert(1)</script>" in texts  # a plain string child: Dash renders it as text
    assert "Responses on Facewise Cloud (1)" in texts
    links = components_in(panel, html.A)
    hrefs = [a.href for a in links]
    assert "https://example.org/surrey" in hrefs
    assert all(h.startswith("https://") for h in hrefs)  # evidence links to peers too, all web addresses


def test_a_workspace_panel_reads_the_notes_of_the_answers_it_shows(tmp_path):
    # The dashboard reads only the columns the checks read (10M answers: 5.6 GB at first load, not 8.3 GB);
    # the panel's notes are read for the authority's answers (``AnalysisInputs.with_details``).
    from dashboards.data import WorkspaceData
    from mosaic.ingest.pipeline import ingest_files
    from mosaic.store.workspace import Workspace

    from .conftest import TINY_CSV, sample_registers

    source = tmp_path / "tiny.csv"
    source.write_text(TINY_CSV, encoding="utf-8")
    workspace = Workspace(tmp_path / "ws")
    assert ingest_files([source], workspace, registers=sample_registers()).committed
    data = WorkspaceData(workspace)
    assert "notes" not in data.analysis_inputs().responses.columns
    answers = data.authority_answers("surrey")
    assert answers.get_column("notes").to_list() == ["<script>alert(1)</script>"]
    panel = views.authority_panel(
        data.authority_register(), answers, data.findings(), "surrey", ["facewise-cloud"], "Facewise Cloud"
    )
    assert "<script>alert(1)</script>" in strings_in(panel)


def test_authority_panel_lists_responses_in_time_order(tiny_data):
    panel = views.authority_panel(
        tiny_data.authority_register(),
        tiny_data.authority_answers("kent"),
        tiny_data.findings(),
        "kent",
        ["facewise-cloud"],
        "Facewise Cloud",
    )
    rows = components_in(panel, html.Tr)[1:]
    assert [strings_in(r.children[0])[0] for r in rows] == ["2021-01-10", "2021-04-10"]


def test_headline_without_and_with_exposure(tiny_data):
    frame = tiny_data.map_frame("facewise-cloud", dt.date(2021, 12, 31))
    plain = " ".join(strings_in(views.headline_component(frame, None)))
    assert "2/3" in plain  # 3 asked, 2 with a confirm or deny on record (one later NCNDed): small counts stay counts
    metrics = {
        "coverage": 0.5,
        "coverage_low": 0.2,
        "coverage_high": 0.8,
        "disclosed": 2,
        "asked": 4,
        "base_rate": 0.6,
        "mean_marginal_bits": 0.97,
    }
    rich = " ".join(strings_in(views.headline_component(frame, metrics)))
    assert "2/3" in rich and "60%" in rich and "0.97 bits" in rich  # the map's own counts, the check's rate and bits


def test_date_helpers():
    assert views.parse_date("2022-02-03", dt.date(2020, 1, 1)) == dt.date(2022, 2, 3)
    assert views.parse_date("not a date", dt.date(2020, 1, 1)) == dt.date(2020, 1, 1)
    assert views.slider_marks(dt.date(2020, 6, 1), dt.date(2022, 1, 5)) == {214: "2021", 579: "2022"}
    assert views.split_list("a,,b") == ["a", "b"]


def test_timeline_aggregates_by_month_when_large():
    rows = 4000
    events = pl.DataFrame(
        {
            "authority_label": [f"A{i % 10}" for i in range(rows)],
            "technology_id": ["t"] * rows,
            "response_end": [dt.date(2020, 1, 1) + dt.timedelta(days=i) for i in range(rows)],
            "outcome": ["not_held"] * rows,
            "stance": ["deny"] * rows,
        }
    )
    points, grain = stance_timeline(events, ["t"], views.TIMELINE_POINT_LIMIT)
    figure, note = views.timeline_figure(points, grain, "t")
    denied = next(t for t in go.Figure(figure).data if "Denied" in t.name)
    assert grain == "month" and "month" in note
    assert sum(denied.customdata) == rows
    assert len(denied.x) <= 10 * (rows // 28 + 2)  # at most one mark per authority and month


def test_boundary_feature_key_finds_the_code_property():
    geojson = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"NAME": "Kent", "CODE": "E23000032"}, "geometry": None}],
    }
    assert views.boundary_feature_key(geojson, ["E23000032"]) == "properties.CODE"
    assert views.boundary_feature_key(geojson, ["E99"]) is None


def test_dashboard_map_and_exposure_equal_the_library_on_fresh_inputs(tmp_path):
    """The dashboard's cached views (on inputs whose coded events it keeps) give the library's answers."""
    from dashboards.data import WorkspaceData
    from mosaic.analyses import AnalysisInputs, map_stances, run_checks
    from mosaic.ingest.pipeline import ingest_files
    from mosaic.resources import sample_path
    from mosaic.store.workspace import Workspace

    workspace = Workspace(tmp_path / "ws")
    assert ingest_files([sample_path("responses.csv")], workspace).committed
    data = WorkspaceData(workspace)
    whole = AnalysisInputs.from_workspace(workspace)
    for technology, as_of in (("facial-recognition", dt.date(2023, 6, 30)), ("clearsight-match", dt.date(2025, 1, 1))):
        assert data.map_frame(technology, as_of).equals(map_stances(whole, technology, as_of))
        national = run_checks(whole, ["mosaic_exposure"], as_of=as_of, technology_ids=[technology]).filter(
            pl.col("scope") == "technology"
        )
        expected = (
            {k: v for k, v in national.row(0, named=True)["metrics"].items() if v is not None}
            if national.height
            else None
        )
        assert data.exposure(technology, as_of) == pytest.approx(expected)


def test_choropleth_colours_areas_by_stance_without_tiles(tiny_data):
    codes = dict(AUTHORITIES.select("authority_id", "pfa_code").iter_rows())

    def square(code, x):
        ring = [[x, 51.0], [x + 0.5, 51.0], [x + 0.5, 51.5], [x, 51.5], [x, 51.0]]
        return {
            "type": "Feature",
            "properties": {"PFA20CD": code},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }

    geojson = {"type": "FeatureCollection", "features": [square(codes["kent"], 0.5), square(codes["essex"], 0.0)]}
    frame = tiny_data.map_frame("facewise-cloud", dt.date(2021, 12, 31)).join(
        AUTHORITIES.select("authority_id", "pfa_code"), on="authority_id"
    )
    figure = views.choropleth_figure(frame, geojson, "properties.PFA20CD")
    by_name = {t.name: t for t in figure.data}
    assert list(by_name["■ NCND (2)"].locations) == [codes["kent"], codes["surrey"]]
    assert list(by_name["✔ Confirmed (1)"].customdata) == ["essex"]
    assert figure.layout.map.style == "white-bg"
    assert figure.layout.title.text.startswith("2 areas from your boundaries file")


def test_technology_options_list_what_the_data_holds_and_its_ancestors():
    from mosaic.registry import load_technologies

    events = pl.DataFrame(
        {
            "technology_id": ["nec-neoface-live", "unresolved:quux-scanner"],
            "category": ["facial-recognition > nec-neoface > nec-neoface-live", "drones > unresolved:quux-scanner"],
            "technology_label": ["NEC NeoFace Live", "Quux Scanner"],
        }
    )
    values = [o["value"] for o in views.technology_options(load_technologies(), events)]
    assert set(values) == {
        "facial-recognition",
        "nec-neoface",
        "live-facial-recognition",
        "nec-neoface-live",
        "drones",
        "unresolved:quux-scanner",
    }
    assert "amazon-rekognition" not in values and "clearsight-match" not in values
    labels = {o["value"]: o["label"] for o in views.technology_options(load_technologies(), events)}
    assert labels["unresolved:quux-scanner"].strip("\u2003") == "Quux Scanner"


def test_headline_counts_agree_with_the_legend_and_say_whose_answers_the_exposure_reads(tiny_data):
    # Issue 13 item 13: a headline "26 of 42" sat beside a legend counting 45 (the exposure check reads
    # answers naming the category itself; the category's map shows its products too).
    as_of = dt.date(2021, 12, 31)
    frame = tiny_data.map_frame("facial-recognition", as_of)
    cards = views.headline_component(frame, tiny_data.exposure("facial-recognition", as_of), "Facial recognition", True)
    texts = [[part.children for part in card.children] for card in cards.children]
    counts = stance_counts(frame)
    asked = sum(v for k, v in counts.items() if k != "not_asked")
    assert texts[0][:2] == ["Authorities asked", str(asked)] and asked > 0
    on_record = frame.filter((pl.col("map_stance") != "not_asked") & pl.col("public_stance").is_not_null()).height
    assert texts[1][2].startswith(f"{on_record} of {asked} have a confirm or deny on record")
    assert texts[2:] and all("Facial recognition itself" in card[2] for card in texts[2:])
    assert not any("not installed" in " ".join(card) for card in texts)


def test_a_category_map_marks_a_product_ncnd_behind_a_confirmed_cell():
    # Issue 13 item 1, on the dashboard: Kent confirmed facial recognition in a survey, then NCNDed Amazon
    # Rekognition; its category cell shows Confirmed, with a dot, a hover line and a legend count.
    from dashboards.data import FakeData

    from ..rows import frame, response

    data = FakeData(
        frame(
            [
                response("kent", "facial-recognition", "disclosed", "2023-01-20", source_type="survey"),
                response("kent", "amazon-rekognition", "ncnd", "2024-02-20"),
            ]
        )
    )
    cells = views.map_cells(data.map_frame("facial-recognition", dt.date(2024, 3, 1)), AUTHORITIES)
    figure = views.hex_map_figure(cells)
    dots = [trace for trace in figure["data"] if "also an NCND within it" in trace.get("name", "")]
    assert len(dots) == 1 and len(dots[0]["x"]) == 1 and dots[0]["name"].endswith("(1)")
    kent = figure["data"][-1]["customdata"].index("kent")
    assert (
        "also an NCND on Amazon Rekognition" in figure["data"][-1]["hovertext"][kent]
        and "Confirmed" in figure["data"][-1]["hovertext"][kent]
    )
    assert "also an NCND within it: 1" in " ".join(strings_in(views.legend_component(cells.filter(pl.col("visible")))))


def test_panel_evidence_is_in_plain_words_and_says_when_more_exists():
    # Issue 13 item 8: evidence read "official_peer", a check its id alone, and a finding listing 10 of
    # its 21 disclosures said nothing of the other 11.
    from mosaic.analyses import AnalysisInputs, all_checks

    from ..rows import frame, response

    rows = [response("kent", "drones", "ncnd", "2024-06-01")] + [
        response(a, "drones", "disclosed", f"2023-01-{i + 10:02d}")
        for i, a in enumerate(
            [
                "essex",
                "surrey",
                "sussex",
                "norfolk",
                "suffolk",
                "durham",
                "cleveland",
                "cumbria",
                "lancashire",
                "merseyside",
                "cheshire",
                "dorset",
            ]
        )
    ]
    inputs = AnalysisInputs.from_responses(frame(rows))
    from mosaic.analyses import run_checks

    findings = run_checks(inputs, ["peer_disclosure"])
    panel = views.authority_panel(
        inputs.authorities, views.authority_events(inputs, "kent"), findings, "kent", ["drones"], "Drones"
    )
    text = " ".join(strings_in(panel))
    assert f"{all_checks()['peer_disclosure'].title} (peer_disclosure)" in text
    assert "official, peer" in text and "official_peer" not in text
    assert "Evidence (10 listed)" in text and "its counts include every one, and 'mosaic report --response " in text
    assert "12 of the 12 other authorities" in text
