"""Header matching and the user's --map/--set options."""

from __future__ import annotations

import pytest

from mosaic.errors import MappingError
from mosaic.ingest.headers import ColumnMapping, header_key


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Force", "authority"), ("Police force", "authority"), ("Public authority", "authority"),
        ("authority_name", "authority"), ("PUBLIC BODY NAME", "authority"),
        ("Date of response", "response_date"), ("Response received", "response_date"),
        ("Response", "outcome"), ("Result", "outcome"), ("Outcome", "outcome"), ("Status", "outcome"),
        ("request_status", "outcome"), ("described_state", "outcome"),
        ("Exemptions", "exemptions"), ("Sections cited", "exemptions"),
        ("Supplier", "vendor"), ("Company", "vendor"),
        ("Product", "product"), ("Tool", "product"), ("System", "product"),
        ("Technology", "technology"), ("Subject", "technology"), ("Topic", "technology"),
        ("URL", "source_url"), ("Link", "source_url"), ("Source", "source_url"), ("request_url", "source_url"),
        ("Date requested", "request_date"), ("ICO reference", "regulator_reference"),
        ("Internal review outcome", "review_outcome"), ("ICO decision date", "decision_date"),
        ("  Date of  Response: ", "response_date"),
    ],
)  # fmt: skip
def test_known_header_spellings(header, field):
    assigned, extras, notes = ColumnMapping().assign([header])
    assert assigned == {field: header}
    assert extras == [] and notes == []


def test_header_key_ignores_case_spacing_and_punctuation():
    assert header_key("Date of response") == header_key("date_of_response") == header_key("DATE-OF-RESPONSE:")


def test_unknown_columns_are_kept_as_extra_in_file_order():
    assigned, extras, _ = ColumnMapping().assign(["Weird", "Force", "Cost (£)", "Technology"])
    assert assigned == {"authority": "Force", "technology": "Technology"}
    assert extras == ["Weird", "Cost (£)"]


def test_second_column_with_the_same_meaning_is_kept_with_a_note():
    assigned, extras, notes = ColumnMapping().assign(["Source", "URL"])
    assert assigned == {"source_url": "Source"}
    assert extras == ["URL"]
    assert notes == ["column 'URL' also looks like source_url (taken from 'Source'); kept as extra"]


def test_map_wins_over_aliases_and_extra_sets_aside():
    mapping = ColumnMapping.from_options(["Body Name=authority", "Force=extra"], ["technology=Amazon Rekognition"])
    assigned, extras, notes = mapping.assign(["Force", "Body Name", "Subject"])
    assert assigned == {"authority": "Body Name", "technology": "Subject"}
    assert extras == ["Force"]
    assert notes == []
    assert mapping.defaults == {"technology": "Amazon Rekognition"}


@pytest.mark.parametrize(
    ("maps", "sets", "message"),
    [
        (["x=nope"], [], "--map 'x=nope': expected COLUMN=FIELD"),
        (["=authority"], [], "--map '=authority'"),
        (["noequals"], [], "--map 'noequals'"),
        ([], ["technology"], "--set 'technology': expected FIELD=VALUE"),
        ([], ["colour=red"], "--set 'colour=red'"),
        ([], ["technology= "], "the value is blank"),
    ],
)
def test_bad_options_fail_before_reading(maps, sets, message):
    with pytest.raises(MappingError) as caught:
        ColumnMapping.from_options(maps, sets)
    assert message in str(caught.value)


def test_two_columns_mapped_to_one_field_is_an_error():
    mapping = ColumnMapping.from_options(["A=authority", "B=authority"])
    with pytest.raises(MappingError, match="two columns"):
        mapping.assign(["A", "B"])
