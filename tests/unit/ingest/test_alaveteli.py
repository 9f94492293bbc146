"""WhatDoTheyKnow/Alaveteli JSON and correspondence ZIPs read as raw tables (fixtures: alaveteli_fixtures.py)."""

from __future__ import annotations

import importlib.util
import json
import zipfile
from pathlib import Path

import pytest

from mosaic.errors import DataError
from mosaic.ingest.readers import ROW_COLUMN, read_tables

_SPEC = importlib.util.spec_from_file_location(
    "alaveteli_fixtures_unit", Path(__file__).parent / "alaveteli_fixtures.py"
)
fx = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(fx)


def rows(path: Path) -> list[dict]:
    (table,) = read_tables(path)
    return list(table.frame.iter_rows(named=True))


def test_request_json_dates_state_body_and_source(tmp_path):
    (row,) = rows(fx.write_json(tmp_path / "kent.json", fx.kent_request()))
    assert row[ROW_COLUMN] == 1
    assert row["authority"] == "kent_police" and row["wdtk_body_name"] == "Kent Police"
    assert row["request_date"] == "2024-06-11"  # the sent event
    assert row["response_date"] == "2024-07-05"  # the answer, not the acknowledgement of 12 June
    assert row["outcome"] == "not_held" and row["wdtk_described_state"] == "not_held"
    assert row["technology"] == "Facial recognition"  # named in the title
    assert row["request_id"] == "wdtk:use-of-facial-recognition-technology"
    assert row["source_url"] == "https://www.whatdotheyknow.com/request/use_of_facial_recognition_techn"
    assert row["tags"] == "batch:frt2024"


def test_detected_by_content_whatever_the_name(tmp_path):
    path = tmp_path / "kent_download"
    path.write_text(json.dumps(fx.kent_request()), encoding="utf-8")
    (row,) = rows(path)
    assert row["authority"] == "kent_police"


def test_list_every_item_accounted_for_with_its_index(tmp_path):
    (table,) = read_tables(fx.write_json(tmp_path / "batch.json", fx.batch_list()))
    assert table.rows_read == 5
    by_row = {r[ROW_COLUMN]: r for r in table.frame.iter_rows(named=True)}
    assert sorted(by_row) == [1, 2, 3, 5]
    assert table.ragged.to_dicts() == [
        {"source_row": 4, "reason": "item 4 ($[3]) is not a WhatDoTheyKnow request or event (int)", "raw": "42"}
    ]
    assert by_row[3]["request_date"] == "2024-06-12"  # 23:30 UTC on 11 June is 12 June in London
    assert by_row[2]["request_date"] == "2024-13-45T25:00:00"  # left as written for the date cleaner
    assert by_row[5]["authority"] is None  # no public body: quarantined by ingest
    assert {r["request_id"] for r in by_row.values()} == {"wdtk:use-of-facial-recognition-technology"}


def test_feed_groups_events_per_request_and_reads_the_letter(tmp_path):
    (table,) = read_tables(fx.write_json(tmp_path / "feed.json", fx.feed()))
    assert table.rows_read == 2
    essex, stationery = table.frame.iter_rows(named=True)
    assert essex[ROW_COLUMN] == 1 and stationery[ROW_COLUMN] == 3
    assert essex["request_date"] == "2024-06-11" and essex["response_date"] == "2024-07-08"
    assert "neither confirm nor deny" in essex["outcome"] and essex["wdtk_described_state"] == "rejected"
    assert essex["exemptions"] == "sections 24(2) and 31(3)"
    assert stationery["technology"] is None and "created_at (no sent event)" in stationery["provenance"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.json", b'{"url_title": "x", ', "broken.json: malformed JSON at line 1 column 20"),
        ("other.json", b'{"hello": "world"}', "other.json: JSON but not WhatDoTheyKnow/Alaveteli request data"),
        ("empty.json", b"[]", "empty.json: JSON but not WhatDoTheyKnow/Alaveteli request data"),
        ("notes.zip", b"PK\x03\x04junk", "notes.zip: cannot be read as a ZIP"),
    ],
)
def test_malformed_input_is_one_line(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataError) as caught:
        read_tables(path)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_zip_without_correspondence_is_refused(tmp_path):
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", "hello")
    with pytest.raises(DataError, match="without correspondence.txt"):
        read_tables(path)


def test_correspondence_zip_is_one_response_read_from_the_answer(tmp_path):
    path = fx.correspondence_zip(tmp_path / "use_of_facial_recognition_techn_6.zip")
    (table,) = read_tables(path)
    (row,) = table.frame.iter_rows(named=True)
    assert row["authority"] == "Kent Police"
    assert (row["request_date"], row["response_date"]) == ("11 June 2024", "5 July 2024")
    assert "neither confirm nor deny" in row["outcome"]  # from the PDF attachment of message 2
    assert row["exemptions"] == "sections 24(2) and 31(3)"
    assert row["technology"] == "Amazon Rekognition"
    assert row["authority_reference"] == "FOI 2024/0612"
    assert row["request_id"] == "wdtk:use-of-facial-recognition-technology"
    assert row["source_url"] == "https://www.whatdotheyknow.com/request/use_of_facial_recognition_techn_6"
    assert "FOI 2024 0612 response.pdf" in row["provenance"]
    assert set(table.document_issues.get_column("column")) <= {"harm_statement", "public_interest_statement"}


def test_correspondence_zip_without_an_answer_is_no_response(tmp_path):
    path = fx.correspondence_zip(tmp_path / "use_of_facial_recognition_techn_7.zip", with_answer=False)
    (row,) = rows(path)
    # The acknowledgement and the covering message say nothing; the answer was in the missing PDF.
    assert row["authority"] == "Kent Police" and row["request_date"] == "11 June 2024"
