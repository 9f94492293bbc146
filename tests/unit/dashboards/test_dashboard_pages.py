"""Callbacks' logic as plain functions: the map, panel, findings, upload, URL state and the app factory."""

from __future__ import annotations

import base64
import datetime as dt
import json

import polars as pl
import pytest
from plotly.utils import PlotlyJSONEncoder

from dashboards.app import create_app
from dashboards.data import FakeData
from dashboards.pages import findings as findings_page
from dashboards.pages import load as load_page
from dashboards.pages import map as map_page
from mosaic.analyses import FINDING_SCHEMA
from mosaic.errors import MosaicError


def test_map_callback_returns_figure_legend_and_url_state(tiny_data):
    dates = {"first": "2021-01-10", "last": "2021-05-10"}
    figure, legend, off_map, note, label, state = map_page.update_map(
        tiny_data, "facewise-cloud", 36, dates, None, None, "hex", "kent"
    )
    assert label == "2021-02-15"
    assert state == {
        "technology": "facewise-cloud",
        "as_of": "2021-02-15",
        "authority": "kent",
        "outcome": "",
        "region": "",
        "view": "",
    }
    click_layer = figure["data"][-1]
    widths = dict(zip(click_layer["customdata"], click_layer["marker"]["line"]["width"], strict=True))
    assert widths["kent"] == 3 and widths["essex"] == 0  # the selected authority is outlined
    assert "Facewise Cloud (product" in note


def test_category_note_says_strongest_of_products(tiny_data):
    note = map_page.technology_note(tiny_data.technology("facial-recognition"))
    assert "category" in note and "strongest" in note


def test_layout_reads_the_query_and_ignores_bad_values(tiny_data):
    page = map_page.layout(
        tiny_data,
        technology="facewise-cloud",
        as_of="2021-03-01",
        authority="kent",
        outcome="ncnd,bogus",
        region="East",
    )
    found = {c.id: c for c in _walk(page) if getattr(c, "id", None)}
    assert found["map-technology"].value == "facewise-cloud"
    assert found["map-as-of"].value == (dt.date(2021, 3, 1) - dt.date(2021, 1, 10)).days
    assert found["map-authority-search"].value == "kent"
    assert found["map-outcomes"].value == ["ncnd"]
    assert found["map-regions"].value == ["East"]
    fallback = {
        c.id: c
        for c in _walk(map_page.layout(tiny_data, technology="nope", as_of="garbage", authority="../etc"))
        if getattr(c, "id", None)
    }
    assert fallback["map-technology"].value == "facewise-cloud"  # the most asked technology
    assert fallback["map-as-of"].value == fallback["map-as-of"].max  # the latest date
    assert fallback["map-authority-search"].value is None
    # a technology the taxonomy knows but no answer names is not offered: the page falls back to the
    # default rather than draw an empty dropdown and a map of nothing ("None: answers as they stood ...")
    unanswered = {
        c.id: c
        for c in _walk(map_page.layout(tiny_data, technology="automatic-number-plate-recognition"))
        if getattr(c, "id", None)
    }
    assert "automatic-number-plate-recognition" not in {o["value"] for o in unanswered["map-technology"].options}
    assert unanswered["map-technology"].value == "facewise-cloud"


def _walk(component):
    """The component, its descendants and their text (strings are yielded as they are)."""
    yield component
    children = getattr(component, "children", None)
    if isinstance(children, (list, tuple)):
        for child in children:
            yield from _walk(child)
    elif children is not None:
        yield from _walk(children)


def test_click_and_play_helpers():
    assert map_page.clicked_authority({"points": [{"customdata": "kent", "x": 1}]}) == "kent"
    assert map_page.clicked_authority({"points": [{"x": 1}]}) is None
    assert map_page.clicked_authority(None) is None
    assert map_page.play_step(1, 0, 400) == (10, False)
    assert map_page.play_step(9, 395, 400) == (400, True)


def test_panel_for_nothing_selected_is_a_hint(tiny_data):
    assert "Click a hexagon" in map_page.panel(tiny_data, None, "facewise-cloud").children


def _finding(**values):
    base = {name: None for name in FINDING_SCHEMA.names()}
    base.update(values)
    return base


FINDINGS = pl.DataFrame(
    [
        _finding(check="peer_disclosure", scope="response", authority_id="kent", authority_name="Kent Police", technology_id="facewise-cloud", technology_name="Facewise Cloud",
                 response_date=dt.date(2021, 4, 10), severity="notable", summary="Before Kent's NCND, 1 of 2 others had answered.",
                 metrics={"peers_exact": 1}, evidence=[{"authority": "Essex Police", "date": dt.date(2021, 2, 10), "stance": "confirm", "source_url": "https://example.org/essex"}]),
        _finding(check="mosaic_exposure", scope="technology", technology_id="facewise-cloud", technology_name="Facewise Cloud", severity="strong", summary="Most of the map is public.", metrics={"coverage": 0.5}, evidence=[]),
        _finding(check="timeliness", scope="response", authority_id="sussex", authority_name="Sussex Police", technology_id="dji-mavic", technology_name="DJI Mavic", severity="info", summary="On time.", metrics={}, evidence=[]),
    ],
    schema=FINDING_SCHEMA,
)  # fmt: skip


def test_findings_filter_sort_and_rows():
    data = FakeData(pl.DataFrame(), findings=FINDINGS)
    frame = findings_page.views.filter_findings(FINDINGS, None, None, None)
    # issue 13 item 9: an NCND others had already answered leads, above a "strong" finding about the map
    assert frame.get_column("check").to_list() == ["peer_disclosure", "mosaic_exposure", "timeliness"]
    only = findings_page.views.filter_findings(FINDINGS, ["timeliness", "peer_disclosure"], ["notable"], None)
    assert only.get_column("authority_id").to_list() == ["kent"]
    rows = findings_page.views.findings_grid_rows(frame.head(2))
    assert [r["row"] for r in rows] == ["0", "1"] and rows[0]["authority_name"] == "Kent Police"
    index = data.findings_index()
    indexed = findings_page.views.findings_grid_rows(data.findings_at(index.get_column("row")), index.get_column("why"))
    assert [r["summary"] for r in indexed] == frame.get_column("summary").to_list()
    assert [r["why"] for r in indexed] == [
        "0 official earlier disclosures by others (1 in all)",
        "strong; mosaic exposure",
        "info; timeliness",
    ]
    assert data.findings() is FINDINGS


def test_findings_csv_flattens_metrics_and_evidence():
    from mosaic.present.tables import findings_table
    from mosaic.present.writers import frame_csv

    text = frame_csv(findings_table(findings_page.views.filter_findings(FINDINGS, None, None, None)))
    frame = pl.read_csv(text.encode())
    assert frame.height == 3
    kent = frame.filter(pl.col("authority_id") == "kent").row(0, named=True)
    assert (
        kent["evidence_count"] == 1 and kent["evidence"] == "2021-02-10 Essex Police confirm https://example.org/essex"
    )
    assert kent["peers_exact"] == 1
    assert frame.filter(pl.col("check") == "mosaic_exposure").get_column("coverage").to_list() == [0.5]
    assert "reversals" not in frame.columns  # a metric no finding fills is not a column


def test_clicking_a_finding_opens_its_authority_or_technology():
    rows = [
        {"row": "0", "authority_id": "kent", "technology_id": "facewise-cloud"},
        {"row": "1", "authority_id": None, "technology_id": "drones"},
    ]
    assert findings_page.clicked_target({"rowId": "0"}, rows) == "/?technology=facewise-cloud&authority=kent"
    assert findings_page.clicked_target({"rowId": "1"}, rows) == "/?technology=drones"
    assert findings_page.clicked_target({"rowId": "9"}, rows) is None


def _data_url(content: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(content).decode()


def test_upload_names_cannot_escape_the_folder():
    assert load_page.safe_name("../../etc/passwd", 0) == "passwd"
    assert load_page.safe_name("C:\\Users\\me\\wave.csv", 0) == "C__Users_me_wave.csv"
    assert load_page.safe_name("..", 3) == "upload-3"


def test_upload_past_the_limit_is_refused_with_a_clear_message():
    with pytest.raises(MosaicError, match=r"larger than the .* MB upload limit \(MOSAIC_UPLOAD_LIMIT_MB\)"):
        load_page.decode_upload(_data_url(b"x" * 2000), "big.csv", 1048)
    assert load_page.decode_upload(_data_url(b"abc"), "ok.csv", 1048) == b"abc"


def test_upload_runs_the_ingest_and_shows_the_reconciliation(tiny_data):
    messy = b"Force,Tool,Date of response,Response\nKent Police,Skyhawk X4,05/07/2024,NCND\n,Skyhawk X4,2024-07-09,Yes\nKent Police,Skyhawk X4,05/07/2024,NCND\n"
    before = tiny_data.version()
    shown = load_page.ingest_uploads(tiny_data, [_data_url(messy)], ["wave.csv"], 1024 * 1024)
    text = json.dumps(shown, cls=PlotlyJSONEncoder)
    assert "rows read 3 = accepted 1 + quarantined 1 + duplicates 1" in text
    assert "Quarantined rows (1)" in text and "the row names no authority" in text
    assert tiny_data.version() != before
    # an upload is not the bundled sample: a fictional product stays unresolved, under its name
    assert tiny_data.analysis_inputs().responses.filter(pl.col("technology_id") == "unresolved:skyhawk-x4").height == 1


def test_upload_of_an_unsupported_file_writes_nothing(tiny_data):
    before = tiny_data.version()
    shown = load_page.ingest_uploads(tiny_data, [_data_url(b"MZ\x90\x00")], ["tool.exe"], 1024 * 1024)
    assert "tool.exe: not a file ingest reads" in json.dumps(shown, cls=PlotlyJSONEncoder)
    assert tiny_data.version() == before


class _Exploding:
    """A data access that fails on any use: create_app must not touch the data."""

    is_sample = False

    def __getattr__(self, name):
        raise AssertionError(f"data read at app creation: {name}")


def test_create_app_reads_nothing_and_password_guards_every_request():
    app = create_app(_Exploding(), password="s3cret")
    client = app.server.test_client()
    assert client.get("/").status_code == 401
    assert client.get("/_dash-layout").status_code == 401
    token = base64.b64encode(b"anyone:s3cret").decode()
    assert client.get("/_dash-layout", headers={"Authorization": f"Basic {token}"}).status_code == 200
    wrong = base64.b64encode(b"anyone:guess").decode()
    assert client.get("/", headers={"Authorization": f"Basic {wrong}"}).status_code == 401


def test_each_app_serves_its_own_pages_whatever_was_created_after_it(tiny_workspace):
    # Dash keeps pages in one registry per process: the last app created took over every earlier app's
    # pages, so a dashboard showed another workspace's data (found when a browser test's own server, since
    # deleted, left the shared one with an empty map).
    import dash

    kent_only = tiny_workspace.responses().filter(pl.col("authority_id") == "kent")
    first = create_app(FakeData(tiny_workspace.responses()))
    second = create_app(FakeData(kent_only.filter(pl.col("technology_id") == "no-such-thing")))
    layout = dash.page_registry["map"]["layout"]

    def technologies(app) -> list[str]:
        with app.server.test_request_context("/"):
            page = layout()
        dropdown = next(c for c in _walk(page) if getattr(c, "id", None) == "map-technology")
        return [o["value"] for o in dropdown.options]

    assert "facewise-cloud" in technologies(first)
    assert technologies(second) == []


def test_sample_banner_only_for_the_sample(tiny_workspace):
    sample = create_app(FakeData(tiny_workspace.responses(), is_sample=True))
    real = create_app(FakeData(tiny_workspace.responses()))
    assert "SYNTHETIC SAMPLE" in json.dumps(sample.layout, cls=PlotlyJSONEncoder)
    assert "SYNTHETIC SAMPLE" not in json.dumps(real.layout, cls=PlotlyJSONEncoder)


def test_network_centres_on_the_node_and_colours_answers_by_stance(tiny_data):
    from dashboards.pages import network as network_page

    elements, note = network_page.update_network(tiny_data, "technology:facewise-cloud", None, 1, show_communities=True)
    nodes = {e["data"]["id"]: e["data"] for e in elements if "source" not in e["data"]}
    edges = [e["data"] for e in elements if "source" in e["data"]]
    assert nodes["technology:facewise-cloud"]["distance"] == 0
    assert {"authority:kent", "authority:essex", "authority:surrey"} <= set(nodes)
    answers = {(e["source"], e["target"]): e["colour"] for e in edges if e["relation"] == "responded"}
    colours = network_page.EDGE_STANCE_COLOURS
    # Kent's two answers are drawn once, in the latest stance (NCND); Essex confirmed.
    assert answers[("authority:kent", "technology:facewise-cloud")] == colours["ncnd"]
    assert answers[("authority:essex", "technology:facewise-cloud")] == colours["confirm"]
    assert "3 nodes" not in note and "hop" in note


def test_network_reports_an_unknown_node(tiny_data):
    from dashboards.pages import network as network_page

    elements, note = network_page.update_network(tiny_data, "authority:atlantis", None, 1)
    assert elements == [] and "no node" in note


def test_cache_computes_once_under_concurrent_callbacks_and_forgets_old_data():
    import threading
    import time

    from dashboards.data import _LruCache

    cache, calls = _LruCache(4), []

    def slow():
        calls.append(1)
        time.sleep(0.05)
        return "value"

    threads = [threading.Thread(target=cache.get, args=(("inputs", "v1"), slow)) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1]
    for i in range(6):
        cache.get(("map", "v1", i), lambda i=i: i)
    assert cache.get(("map", "v1", 5), lambda: "recomputed") == 5
    assert cache.get(("inputs", "v1"), lambda: "recomputed") == "recomputed"  # evicted: least recently used
    cache.clear()
    assert cache.get(("map", "v1", 5), lambda: "fresh") == "fresh"


def test_findings_index_selects_in_strength_order_and_fetches_rows_by_number():
    index = findings_page.views.findings_index(FINDINGS)
    assert index.get_column("check").to_list() == ["peer_disclosure", "mosaic_exposure", "timeliness"]
    assert FINDINGS[index.get_column("row")].get_column("check").to_list() == index.get_column("check").to_list()
    chosen = findings_page.views.select_findings(index, None, ["notable", "info"], None)
    assert chosen.get_column("authority_id").to_list() == ["kent", "sussex"]
    assert findings_page.views.select_findings(index, None, None, ["dji-mavic"]).get_column("check").to_list() == [
        "timeliness"
    ]


def test_findings_are_held_keyed_and_fetched_whole_with_their_evidence():
    # The pages hold the findings naming their evidence list; the rows shown get their lists back in place.
    findings = pl.concat([FINDINGS, FINDINGS.with_columns(authority_id=pl.lit("essex"))])  # each list cited twice
    data = FakeData(pl.DataFrame(), findings=findings)
    keyed, evidence_sets = data.keyed_findings()
    assert "evidence" not in keyed.columns and evidence_sets.height == 1
    rows = pl.Series("row", [4, 0, 2], dtype=pl.UInt32)
    assert data.findings_at(rows).equals(findings[rows])
    assert data.findings_at(rows.clear()).equals(findings.clear())
    # The downloads write the CLI's findings CSV from the run as held: the same bytes as the rows whole.
    from mosaic.present.tables import findings_table
    from mosaic.present.writers import frame_csv

    for chosen in (rows, rows.clear()):
        assert data.findings_csv(chosen) == frame_csv(findings_table(findings[chosen])).encode("utf-8")


def test_panel_findings_are_the_most_relevant_few_with_the_total():
    # 30 findings about Kent: 25 on other technologies (strong), 5 on the selected one (info). The panel
    # shows the selected technology's first even when weaker, at most PANEL_FINDINGS_LIMIT, and says 30.
    rows = [
        _finding(check="timeliness", scope="response", authority_id="kent", technology_id="dji-mavic" if i < 25 else "facewise-cloud",
                 severity="strong" if i < 25 else "info", response_date=dt.date(2021, 1, 1) + dt.timedelta(days=i), summary=f"s{i}", metrics={}, evidence=[])
        for i in range(30)
    ] + [_finding(check="timeliness", scope="response", authority_id="essex", technology_id="dji-mavic", severity="strong", summary="other", metrics={}, evidence=[])]  # fmt: skip
    findings = pl.DataFrame(rows, schema=FINDING_SCHEMA)
    rows, total = findings_page.views.panel_findings(
        findings_page.views.findings_index(findings), "kent", ["facewise-cloud"]
    )
    shown = FakeData(pl.DataFrame(), findings=findings).findings_at(rows)
    assert total == 30
    assert shown.height == findings_page.views.PANEL_FINDINGS_LIMIT
    assert shown.get_column("summary").to_list()[:5] == [
        "s29",
        "s28",
        "s27",
        "s26",
        "s25",
    ]  # selected technology first, latest first
    assert set(shown.get_column("authority_id")) == {"kent"}


def test_the_synthetic_banner_follows_provenance(tmp_path):
    from mosaic.ingest.pipeline import ingest_files
    from mosaic.registry import is_bundled_sample
    from mosaic.resources import sample_path
    from mosaic.store.workspace import Workspace

    copy = tmp_path / "copy.csv"
    copy.write_bytes(sample_path("responses.csv").read_bytes())
    sample = Workspace(tmp_path / "sample")
    assert ingest_files([copy], sample).committed  # a byte-identical copy is the bundled sample
    assert is_bundled_sample(sample.responses())
    assert sample.responses().filter(pl.col("technology_id") == "clearsight-match").height > 0
    edited = tmp_path / "edited.csv"
    edited.write_bytes(copy.read_bytes() + b"Kent Police,LFR,ClearSight Match,,X,,2024-01-05,NCND,,,,,,,,,SYNTHETIC\n")
    other = Workspace(tmp_path / "other")
    assert ingest_files([edited], other).committed  # anything else never resolves to a fictional product
    assert not is_bundled_sample(other.responses())
    assert other.responses().filter(pl.col("technology_id") == "unresolved:clearsight-match").height > 0


def test_the_report_download_is_the_dossier_at_the_answers_own_date_and_says_how_to_rebuild_it(tmp_path):
    # Issue 13 item 6: with the slider on a later day, the dossier counted Surrey's disclosure of June 2024
    # against Kent's NCND of March 2024, and its "Regenerate" line said `mosaic dashboard`.
    from dashboards.data import WorkspaceData
    from dashboards.exports import report_download
    from mosaic.ingest.pipeline import ingest_files
    from mosaic.store.workspace import Workspace

    source = tmp_path / "answers.csv"
    source.write_text(
        "authority,technology,request_date,response_date,outcome,exemptions\n"
        "Essex Police,Drones,2022-12-01,2023-01-10,disclosed,\n"
        "Kent Police,Drones,2024-02-01,2024-03-01,ncnd,s24(2);s31(3)\n"
        "Surrey Police,Drones,2024-05-01,2024-06-01,disclosed,\n",
        encoding="utf-8",
    )
    workspace = Workspace(tmp_path / "ws")
    assert ingest_files([source], workspace).committed
    download = report_download(WorkspaceData(workspace), "drones", dt.date(2024, 12, 31), "kent")
    html_text = base64.b64decode(download["content"]).decode("utf-8")
    assert download["filename"].endswith("-2024-03-01.html")
    assert "As of</dt><dd>2024-03-01</dd>" in html_text and "By 1 March 2024, 1 of 1 other authority asked" in html_text
    assert (
        f"mosaic report --workspace {workspace.path} --response " in html_text and "mosaic dashboard" not in html_text
    )
    # no authority chosen: the technology report on the slider's date
    national = report_download(WorkspaceData(workspace), "drones", dt.date(2024, 12, 31), None)
    assert national["filename"] == "mosaic-report-drones-2024-12-31.html"
    assert "--technology drones --as-of 2024-12-31" in base64.b64decode(national["content"]).decode("utf-8")


def test_undated_answers_show_at_the_last_date_and_are_counted_on_the_timeline():
    # Issue 13 item 4: undated answers vanished from the map and the timeline. At the slider's last date
    # the map is the data as it stands (undated answers included); the timeline says which it cannot place.
    from dashboards.pages import timeline as timeline_page

    from ..rows import frame, response

    data = FakeData(
        frame(
            [
                response("kent", "drones", "ncnd", None),
                response("essex", "drones", "disclosed", "2023-05-01"),
                response("surrey", "drones", "ncnd", "2024-01-10"),
            ]
        )
    )
    dates = {"first": "2023-05-01", "last": "2024-01-10"}
    last = (dt.date(2024, 1, 10) - dt.date(2023, 5, 1)).days
    figure, legend, _, _, _, _ = map_page.update_map(data, "drones", last, dates, None, None, "hex", None)
    stances = dict(
        zip(
            figure["data"][-1]["customdata"], [t.split("<br>")[1] for t in figure["data"][-1]["hovertext"]], strict=True
        )
    )
    assert stances["kent"].endswith("NCND") and "answers as they stand" in figure["layout"]["title"]["text"]
    earlier, *_ = map_page.update_map(data, "drones", last - 1, dates, None, None, "hex", None)
    assert dict(
        zip(
            earlier["data"][-1]["customdata"],
            [t.split("<br>")[1] for t in earlier["data"][-1]["hovertext"]],
            strict=True,
        )
    )["kent"].endswith("Not asked")
    _, note = timeline_page.update_timeline(data, "drones")
    assert "1 undated answer is not on the time axis (Kent Police)" in note


def test_the_load_page_maps_columns_it_could_not_place_and_reads_again(tiny_data):
    # Issue 13 item 10: an upload with unknown column names was told to use --map/--set, which the page
    # cannot do. Now it offers a field per column, preset where ingest knew the name, and reads again.
    from dashboards.ids import LoadIds

    csv_text = "Constabulary,Kit,When answered,Reply\nKent Police,Drones,2024-01-10,NCND\nEssex Police,Drones,2023-05-01,Yes we use it\n"
    content = "data:text/csv;base64," + base64.b64encode(csv_text.encode()).decode()
    first = load_page.ingest_uploads(tiny_data, [content], ["wave.csv"], 1024 * 1024)
    dropdowns = {
        c.id["column"]: c
        for c in _walk(first)
        if isinstance(getattr(c, "id", None), dict) and c.id.get("type") == LoadIds.MAP_COLUMN
    }
    assert list(dropdowns) == ["Constabulary", "Kit", "When answered", "Reply"]
    assert any(getattr(c, "id", None) == LoadIds.REMAP for c in _walk(first))
    assert "Nothing was written." in json.dumps(first.to_plotly_json(), cls=PlotlyJSONEncoder)
    choices = {"Constabulary": "authority", "Kit": "technology", "When answered": "response_date", "Reply": "outcome"}
    ids = [{"type": LoadIds.MAP_COLUMN, "column": column} for column in dropdowns]
    before = tiny_data.analysis_inputs().responses.height
    again = load_page.ingest_uploads(
        tiny_data,
        [content],
        ["wave.csv"],
        1024 * 1024,
        load_page.mapping_from_choices(ids, [choices[c] for c in dropdowns]),
    )
    text = json.dumps(again.to_plotly_json(), cls=PlotlyJSONEncoder)
    assert (
        "rows read 2 = accepted 2 + quarantined 0 + duplicates 0" in text and "Which field is each column?" not in text
    )
    assert tiny_data.analysis_inputs().responses.height == before + 2
    # two columns chosen for one field: the one-line reason, and the form again to correct it
    clash = load_page.ingest_uploads(
        tiny_data,
        [content],
        ["wave.csv"],
        1024 * 1024,
        load_page.mapping_from_choices(ids, ["authority", "authority", "response_date", "outcome"]),
    )
    text = json.dumps(clash.to_plotly_json(), cls=PlotlyJSONEncoder)
    assert (
        "gives field 'authority' two columns: 'Constabulary' and 'Kit'" in text
        and "Which field is each column?" in text
    )
    assert tiny_data.analysis_inputs().responses.height == before + 2


def test_pages_reach_data_only_through_the_data_access_interface(tiny_data):
    # Issue 13: every page layout, callback and download asks DataAccess's presented questions; none is
    # handed the raw analysis inputs or a free-form cache. The guard lets through only what the
    # ``DataAccess`` protocol declares, so a page reaching past it fails here.
    import typing

    from dashboards import exports
    from dashboards.data import DataAccess
    from dashboards.pages import network as network_page
    from dashboards.pages import timeline as timeline_page

    declared = set(typing.get_type_hints(DataAccess)) | {name for name in vars(DataAccess) if not name.startswith("_")}
    assert "analysis_inputs" not in declared and "memo" not in declared and "inputs" not in declared
    reached: set[str] = set()

    class OnlyTheInterface:
        def __getattr__(self, name):
            if name not in declared:
                raise AssertionError(f"a page reached past the data access interface: {name}")
            reached.add(name)
            return getattr(tiny_data, name)

    guarded = OnlyTheInterface()
    dates = {"first": "2021-01-10", "last": "2021-05-10"}
    for page in (
        map_page.layout(guarded),
        timeline_page.layout(guarded),
        findings_page.layout(guarded),
        network_page.layout(guarded),
    ):
        assert any(getattr(c, "id", None) for c in _walk(page))
    figure, legend, off_map, note, label, state = map_page.update_map(
        guarded, "facial-recognition", 120, dates, None, None, "hex", "kent"
    )
    assert "category" in note and label == "2021-05-10"
    headline_text = json.dumps(
        map_page.headline(guarded, "facewise-cloud", 120, dates, None, None), cls=PlotlyJSONEncoder
    )
    assert "Authorities asked" in headline_text
    panel_text = " ".join(c for c in _walk(map_page.panel(guarded, "kent", "facewise-cloud")) if isinstance(c, str))
    # The panel's table gives outcomes and stances in words, not codes.
    assert "Neither confirm nor deny" in panel_text and "NCND" in panel_text and "ncnd" not in panel_text.split()
    timeline_figure, timeline_note = timeline_page.update_timeline(guarded, "facewise-cloud")
    assert timeline_figure["data"]
    elements, network_note = network_page.update_network(guarded, "technology:facewise-cloud", None, 1)
    assert elements, network_note
    rows, count = findings_page.update_findings(guarded, None, None, "facewise-cloud")
    assert rows and "findings" in count
    assert exports.findings_download(guarded, "facewise-cloud")["content"]
    report = exports.report_download(guarded, "facewise-cloud", dt.date(2021, 5, 10), "kent")
    assert report["filename"].startswith("mosaic-report-")
    assert {"technology", "authority_register", "authority_answers", "timeline", "report"} <= reached
