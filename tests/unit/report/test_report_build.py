"""The report model on the fixture of conftest.py: which report is chosen, and the numbers in it."""

from __future__ import annotations

import datetime as dt

import pytest

from mosaic.errors import MosaicError
from mosaic.present.labels import hex_labels
from mosaic.report import build_report
from mosaic.report.common import say_share
from mosaic.report.model import Facts, HexMap, Notice, Table

WEST_MERCIA_NCND = "e940a6e4e31f6cdf"  # West Mercia's NCND of 14 March 2022 in the fixture (conftest.py)


def _table(model, table_id: str) -> Table:
    found = [table for table in model.tables() if table.id == table_id]
    assert found, f"no table {table_id}: {[t.id for t in model.tables()]}"
    return found[0]


def _blocks(model, kind):
    return [block for section in model.sections for block in section.blocks if isinstance(block, kind)]


def _column(table: Table, key: str) -> list:
    return [row[key] for row in table.rows]


# --- choosing the report -------------------------------------------------------------------------


def test_authority_and_technology_pick_the_authoritys_ncnd_dossier(fixture_inputs):
    model = build_report(fixture_inputs, authority_id="west-mercia", technology_id="cellshade-mini")
    assert model.kind == "response"
    assert model.subject["response_id"] == WEST_MERCIA_NCND
    assert model.meta.as_of == "2022-03-14"  # the answer's own date


def test_category_picks_the_latest_ncnd_within_it(fixture_inputs):
    # West Mercia NCNDed the category (partially) in July 2021 and Cellshade Mini in March 2022.
    model = build_report(fixture_inputs, authority_id="west-mercia", technology_id="covert-communications-data-capture")
    assert model.subject["response_id"] == WEST_MERCIA_NCND


def test_technology_alone_gives_the_technology_report(fixture_inputs):
    model = build_report(fixture_inputs, technology_id="cellshade-mini")
    assert model.kind == "technology"
    assert model.meta.as_of == "2023-01-25"  # the latest date in the workspace, not today


def test_unknown_ids_and_missing_choice_are_one_line_errors(fixture_inputs):
    with pytest.raises(MosaicError, match="unknown authority id 'atlantis'"):
        build_report(fixture_inputs, authority_id="atlantis")
    with pytest.raises(MosaicError, match="no response with id 'nope'"):
        build_report(fixture_inputs, response_id="nope")
    with pytest.raises(MosaicError, match="say what to report on"):
        build_report(fixture_inputs)
    with pytest.raises(MosaicError, match="after --as-of 2022-03-01"):
        build_report(fixture_inputs, response_id=WEST_MERCIA_NCND, as_of=dt.date(2022, 3, 1))


# --- response dossier ----------------------------------------------------------------------------


def test_dossier_splits_earlier_disclosures_by_relation_and_leaves_out_later_ones(fixture_inputs):
    model = build_report(fixture_inputs, response_id=WEST_MERCIA_NCND)
    exact = _table(model, "peers_exact")
    assert _column(exact, "authority") == [
        '=HYPERLINK("http://evil.example","x")', "Durham Constabulary", "Hertfordshire Constabulary", "Surrey Police",
    ]  # fmt: skip
    assert _column(exact, "date") == ["2022-03-05", "2022-03-10", "2022-03-11", "2022-03-12"]
    assert _column(exact, "grade") == ["Official, peer", "Official, peer", "Official, peer", "Unofficial"]
    assert _column(_table(model, "peers_broader"), "authority") == ["Cheshire Constabulary", "Essex Police"]
    assert _table(model, "peers_narrower").rows == []
    # Humberside denied on 1 April 2022, after the NCND: not evidence about it.
    assert all(
        "Humberside" not in (row["authority"] or "")
        for table in model.tables()
        for row in table.rows
        if "authority" in row
    )
    assert "4 of 7 other authorities" in model.summary[1]


def test_dossier_as_of_a_later_date_never_counts_later_disclosures_as_before_the_ncnd(fixture_inputs):
    # Issue 12, defect 5: Humberside denied on 1 April 2022, after West Mercia's NCND of 14 March; a later
    # view date must not list it among the disclosures made before the NCND.
    model = build_report(fixture_inputs, response_id=WEST_MERCIA_NCND, as_of=dt.date(2022, 4, 30))
    assert "Humberside Police" not in _column(_table(model, "peers_exact"), "authority")
    assert _column(_table(model, "peers_exact"), "authority") == _column(
        _table(build_report(fixture_inputs, response_id=WEST_MERCIA_NCND), "peers_exact"), "authority"
    )
    assert model.meta.as_of == "2022-04-30"


def test_dossier_lists_the_authoritys_own_answers_on_related_technologies(fixture_inputs):
    model = build_report(fixture_inputs, response_id=WEST_MERCIA_NCND)
    own = _table(model, "own_answers")
    assert [(r["date"], r["relation"], r["note"]) for r in own.rows] == [
        ("2021-07-17", "broader", ""),
        ("2022-03-14", "exact", "this answer"),
    ]
    facts = dict(_blocks(model, Facts)[0].items)
    assert facts["Exemptions cited"].startswith("s24(2), s31(3)")
    assert facts["Request"] == "REQ-B"


def test_dossier_map_shows_the_day_and_outlines_the_authority(fixture_inputs):
    model = build_report(fixture_inputs, response_id=WEST_MERCIA_NCND)
    hexmap, category_map = _blocks(model, HexMap)  # the product's own map, then its category's
    assert category_map.technology != hexmap.technology
    by_id = {cell["authority_id"]: cell for cell in hexmap.cells}
    assert by_id["west-mercia"]["is_subject"] and by_id["west-mercia"]["stance"] == "ncnd"
    assert by_id["durham"]["stance"] == "deny" and by_id["hertfordshire"]["stance"] == "confirm"
    assert by_id["kent"]["stance"] == "no_answer"  # asked on 1 March, answered on 16 March
    assert len({cell["short"] for cell in hexmap.cells}) == len(hexmap.cells)
    assert [u["authority_id"] for u in hexmap.unplaced] == ["unresolved:hyperlink-http-evil-example-x"]


def test_dossier_of_an_undated_answer_is_of_the_data_as_it_stands_now():
    # West Midlands Police's drones answer (tests/realdata) is an undated partial NCND. With no --as-of
    # the dossier used to run as of the latest date in the data (2025-06-30), where no undated answer
    # exists: its own map left out the answer itself. Now it is of the data as it stands today, every
    # answer on record counting, and says so; its regenerate command fixes no date.
    from mosaic.analyses import AnalysisInputs, CheckParams

    from ..rows import frame, response

    rows = [
        response("west-midlands", "drones", "ncnd_partial", None),
        response("avon-and-somerset", "drones", "disclosed", "2020-08-20"),
        response("cleveland", "drones", "disclosed", None),
        response("kent", "drones", "ncnd", "2025-06-30"),
    ]
    today = dt.date(2026, 12, 3)
    model = build_report(
        AnalysisInputs.from_responses(frame(rows)),
        authority_id="west-midlands",
        technology_id="drones",
        params=CheckParams(today=today),
    )
    assert model.subject["response_date"] is None and model.meta.as_of == "2026-12-03"
    (hexmap,) = _blocks(model, HexMap)
    by_id = {cell["authority_id"]: cell["stance"] for cell in hexmap.cells}
    assert by_id["west-midlands"] == "ncnd_partial" and by_id["cleveland"] == "confirm" and by_id["kent"] == "ncnd"
    notices = " ".join(block.text for block in _blocks(model, Notice))
    assert "This answer is undated" in notices and "3 December 2026" in notices
    assert "--as-of" not in model.meta.command
    own = next(t for t in _blocks(model, Table) if t.id == "own_answers")
    assert _column(own, "date") == ["undated"]  # a blank cell would read as a value missing, not as a fact
    peer = " ".join(model.summary)
    assert "By 3 December 2026, 2 of 3 other authorities asked about Drones had confirmed or denied it" in peer, peer
    # a dossier of the same answer at a chosen date keeps that date (and leaves undated answers off its map)
    dated = build_report(
        AnalysisInputs.from_responses(frame(rows)), response_id=model.subject["response_id"], as_of=dt.date(2025, 7, 1)
    )
    assert dated.meta.as_of == "2025-07-01" and "--as-of 2025-07-01" in dated.meta.command
    (past,) = _blocks(dated, HexMap)
    past_by_id = {cell["authority_id"]: cell["stance"] for cell in past.cells}
    assert (
        past_by_id["cleveland"] == past_by_id["west-midlands"] == "not_asked"
        and past_by_id["avon-and-somerset"] == "confirm"
    )


def test_a_category_map_never_hides_a_product_ncnd():
    # Issue 13 item 1: Kent confirmed facial recognition in a survey, then NCNDed Amazon Rekognition. The
    # category's map shows Kent's strongest answer (Confirmed) and used to say "NCND: 0" and "No authority
    # gave a neither-confirm-nor-deny answer"; now the cell, the legend and the summary name the NCND.
    from mosaic.analyses import AnalysisInputs

    from ..rows import frame, response

    rows = [
        response("kent", "facial-recognition", "disclosed", "2023-01-20", source_type="survey"),
        response("kent", "amazon-rekognition", "ncnd", "2024-02-20"),
        response("essex", "facial-recognition", "not_held", "2023-01-25"),
    ]
    model = build_report(AnalysisInputs.from_responses(frame(rows)), technology_id="facial-recognition")
    (hexmap,) = _blocks(model, HexMap)
    kent = next(cell for cell in hexmap.cells if cell["authority_id"] == "kent")
    assert kent["stance"] == "confirm" and kent["ncnd_within"] == "Amazon Rekognition"
    assert kent["stance_label"] == "Confirmed; also an NCND on Amazon Rekognition"
    assert {"stance": "ncnd_within", "label": "■ of those, also an NCND within it", "count": 1} in hexmap.legend
    text = " ".join(model.summary) + " ".join(block.text for block in _blocks(model, Notice))
    assert "1 also gave an NCND on something within it by then (Kent Police on Amazon Rekognition)" in text
    assert "No authority gave a neither-confirm-nor-deny answer" not in text
    # the exposure check reads answers naming the category itself: its sentence says so beside the map's counts
    assert "Counting only answers that name Facial recognition itself (not its products): on " in text
    # before the NCND, nothing is marked
    earlier = build_report(
        AnalysisInputs.from_responses(frame(rows)), technology_id="facial-recognition", as_of=dt.date(2024, 1, 1)
    )
    (past,) = _blocks(earlier, HexMap)
    assert not any(cell["ncnd_within"] for cell in past.cells) and all(
        entry["stance"] != "ncnd_within" for entry in past.legend
    )


def test_a_product_dossier_shows_its_categorys_map_beside_its_own():
    # Issue 13 item 7: a product NCND's exposure showed only the product's map ("0% public; base rate 0.5"),
    # which a force could quote back while its category's map was well drawn. Now the nearest category
    # with public answers stands beside it, and no bare 0.5 prior is printed as a rate or a probability.
    from mosaic.analyses import AnalysisInputs

    from ..rows import frame, response

    rows = [
        response("kent", "facial-recognition", "disclosed", "2023-01-20", source_type="survey"),
        response("kent", "amazon-rekognition", "ncnd", "2024-02-20"),
        response("essex", "facial-recognition", "not_held", "2023-01-25"),
        response("surrey", "amazon-rekognition", "ncnd", "2024-02-22"),
    ]
    model = build_report(
        AnalysisInputs.from_responses(frame(rows)), authority_id="surrey", technology_id="amazon-rekognition"
    )
    exposure = next(section for section in model.sections if section.id == "exposure")
    maps = [block for block in exposure.blocks if isinstance(block, HexMap)]
    assert [m.technology for m in maps] == ["Amazon Rekognition", "Facial recognition"]
    assert {c["authority_id"]: c["stance"] for c in maps[1].cells}["essex"] == "deny"
    labels = [label for block in exposure.blocks if isinstance(block, Facts) for label, _ in block.items]
    assert (
        "Smoothed rate of use among disclosures" not in labels
        and "Probability of use inferable from the public map" not in labels
    )


def test_every_report_states_how_to_reproduce_it(fixture_inputs):
    model = build_report(
        fixture_inputs, response_id=WEST_MERCIA_NCND, workspace_hash="abc123", command="mosaic report --response x"
    )
    reproduce = dict(model.sections[-1].blocks[0].items)
    assert reproduce["As of"] == "2022-03-14"
    assert reproduce["Workspace content hash"] == "abc123"
    assert reproduce["Regenerate with"] == "mosaic report --response x"
    assert reproduce["Tool version"].startswith("mosaic ")
    assert model.with_command("other").meta.command == "other"
    assert dict(model.with_command("other").sections[-1].blocks[0].items)["Regenerate with"] == "other"
    method = " ".join(block.text for block in model.sections[-2].blocks)
    assert "persuasive, not a waiver" in method and "does not say" in method


# --- technology report ---------------------------------------------------------------------------


def test_technology_report_counts_by_region_with_hand_checked_totals(fixture_inputs):
    model = build_report(fixture_inputs, technology_id="cellshade-mini", as_of=dt.date(2022, 4, 30))
    regions = {row["region"]: row for row in _table(model, "regions").rows}
    total = regions["All regions"]
    assert (total["asked"], total["confirm"], total["deny"], total["ncnd"], total["no_answer"]) == (8, 3, 2, 3, 0)
    assert total["ncnd_interval"] == "counts only"  # fewer than ten authorities
    assert regions["South East"]["asked"] == 2 and regions["South East"]["ncnd"] == 1  # Surrey confirmed, Kent NCND
    sets = {row["set"]: row["authorities"] for row in _table(model, "exemption_sets").rows}
    assert sets == {"s24(2) + s31(3)": 2, "foisa_s18": 1}
    years = _table(model, "coverage_by_year").rows
    assert years[-1] == {"date": "2022-04-30", "asked": 8, "public": 5, "ncnd": 3, "public_share": 0.625}
    assert "5 of 8" in model.summary[1]


def test_technology_without_ncnd_says_so(fixture_inputs):
    model = build_report(fixture_inputs, technology_id="platewatch-360")
    notices = [n.text for n in _blocks(model, Notice)]
    assert any("No authority gave a neither-confirm-nor-deny answer on Platewatch 360" in text for text in notices)
    assert "No NCND answers" in " ".join(b.text for s in model.sections if s.id == "exemptions" for b in s.blocks)


# --- authority report ----------------------------------------------------------------------------


def test_authority_without_ncnd_says_so_and_lists_its_answers(fixture_inputs):
    model = build_report(fixture_inputs, authority_id="essex")
    assert model.kind == "authority"
    assert any("Essex Police gave no neither-confirm-nor-deny answer" in n.text for n in _blocks(model, Notice))
    assert [(r["date"], r["technology"]) for r in _table(model, "answers").rows] == [
        ("2021-06-20", "Covert communications data capture"),
        ("2023-01-20", "Platewatch 360"),
    ]


def test_authority_and_technology_without_ncnd_fall_back_to_the_authority_report(fixture_inputs):
    model = build_report(fixture_inputs, authority_id="essex", technology_id="platewatch-360")
    assert model.kind == "authority"
    assert [r["technology"] for r in _table(model, "answers").rows] == ["Platewatch 360"]
    assert any("on Platewatch 360" in n.text for n in _blocks(model, Notice))


# --- helpers -------------------------------------------------------------------------------------


def test_hex_labels_are_distinct_even_for_similar_names():
    labels = hex_labels(
        ["West Mercia Police", "West Midlands Police", "Norfolk Constabulary", "Northumbria Police", "Kent Police"]
    )
    assert labels["West Mercia Police"] == "WME" and labels["West Midlands Police"] == "WMI"
    assert labels["Kent Police"] == "KEN"
    assert len(set(labels.values())) == 5


def test_shares_of_small_counts_are_counts_and_larger_ones_carry_a_wilson_interval():
    assert say_share(3, 7) == "3 of 7"
    assert say_share(5, 10) == "5 of 10 (50%; 95% interval 24% to 76%)"


def test_technology_nobody_was_asked_about_says_so(fixture_inputs):
    model = build_report(fixture_inputs, technology_id="skyhawk-x4")
    assert (
        model.summary[0]
        == "By 25 January 2023, no authority in the workspace had been asked about Skyhawk X4 (Drones > Skyhawk X4)."
    )
    assert model.subject["asked"] == 0


def test_a_technology_report_shows_at_most_fifty_findings_per_check_and_says_how_many_it_left_out(fixture_inputs):
    import polars as pl

    from mosaic.analyses import FINDING_SCHEMA, METRICS

    rows = [
        {
            "check": "timeliness",
            "scope": "response",
            "authority_id": "kent",
            "authority_name": "Kent Police",
            "technology_id": "cellshade-mini",
            "technology_name": "Cellshade Mini",
            "region": "South East",
            "response_id": f"r{day:02d}",
            "response_date": dt.date(2022, 1, 1) + dt.timedelta(days=day),
            "as_of": dt.date(2022, 3, 1),
            "severity": "strong" if day == 0 else "info",
            "metrics": {name: None for name in METRICS},
            "evidence": [],
            "summary": f"answer {day}",
        }  # fmt: skip
        for day in range(60)
    ]
    model = build_report(
        fixture_inputs, technology_id="cellshade-mini", findings=pl.DataFrame(rows, schema=FINDING_SCHEMA)
    )
    table = _table(model, "findings_timeliness")
    assert len(table.rows) == 50 and table.title.endswith("(60)")
    assert "Showing the 50 strongest and most recent of 60 findings" in table.note
    kept = {row["summary"] for row in table.rows}
    assert "answer 0" in kept  # the strong one, although the oldest
    assert kept >= {f"answer {day}" for day in range(11, 60)} and "answer 10" not in kept  # then the most recent
    assert len(model.findings) == 50  # the exports hold what the document shows
