"""Response letters and disclosure-log pages: every field the extractor reads, with confidence and provenance."""

from __future__ import annotations

import polars as pl
import pytest

from mosaic.extract import describe, document_table, extract_document, extract_paragraphs
from mosaic.extract.text import Paragraph, paragraphs_from_text


def found(extraction) -> dict[str, tuple[str | None, str, str | None]]:
    """field -> (value, level, where) for every field the extraction holds."""
    return {name: (f.value, f.level, f.where) for name, f in extraction.fields.items()}


def letter(text: str, name: str = "letter.txt"):
    paragraphs = [Paragraph(t, i) for i, t in enumerate(paragraphs_from_text(text), start=1)]
    return extract_paragraphs(paragraphs, name)


def test_ncnd_letter_with_several_limbs(documents, document_texts):
    extraction = extract_document(documents["ncnd_letter.txt"])
    assert extraction.kind == "response_letter"
    fields = found(extraction)
    outcome = fields.pop("outcome")
    harm = fields.pop("harm_statement")
    interest = fields.pop("public_interest_statement")
    assert fields == {
        "authority": ("Nottinghamshire Police", "high", "\u00b61"),
        "request_id": ("FOI 004512/24", "high", "\u00b64"),
        "request_date": ("11 June 2024", "high", "\u00b68"),
        "response_date": ("5 July 2024", "high", "\u00b65"),
        "technology": ("Amazon Rekognition", "high", "\u00b69"),
        "exemptions": ("Section 23(5); Section 24(2); Section 31(3)", "high", "\u00b612"),
    }
    # The answer is the letter's own sentence; the bare "Sections 24 and 31" explaining them and the
    # complaint-rights "section 50" are not citations of the answer.
    assert outcome == (
        "Nottinghamshire Police can neither confirm nor deny that it holds any information relevant to your request "
        "by virtue of the following exemptions:",
        "high",
        "\u00b611",
    )
    assert harm == (document_texts.HARM_NATIONAL, "high", "\u00b616")
    assert interest == (document_texts.PUBLIC_INTEREST_NATIONAL, "high", "\u00b618")
    assert extraction.missing == []
    normalised = {name: field["normalised"] for name, field in describe(extraction)["fields"].items()}
    assert normalised["outcome"] == "ncnd"
    assert normalised["exemptions"] == ["s23(5)", "s24(2)", "s31(3)"]
    assert normalised["request_date"] == "2024-06-11"
    assert normalised["response_date"] == "2024-07-05"
    assert normalised["authority"] == "nottinghamshire"
    assert normalised["technology"] == "amazon-rekognition"


def test_overt_covert_split_on_a_disclosure_log_page(documents, document_texts):
    extraction = extract_document(documents["split_page.html"])
    fields = found(extraction)
    assert fields.pop("outcome") == (
        "In relation to overt use, Leicestershire Police does not hold any information: the force has not deployed live "
        "facial recognition overtly. In relation to covert use, Leicestershire Police can neither confirm nor deny "
        "whether it holds any information, by virtue of sections 24(2) and 31(3) of the Act.",
        "high",
        "\u00b69",
    )
    assert fields.pop("harm_statement") == (document_texts.HARM_NATIONAL, "high", "\u00b612")
    assert fields.pop("public_interest_statement") == (document_texts.PUBLIC_INTEREST_NATIONAL, "high", "\u00b614")
    assert fields == {
        # the <nav>, <header> and <footer> are skipped: paragraph 1 is the page's <h1>
        "technology": ("Live facial recognition", "high", "\u00b61"),
        "authority": ("Leicestershire Police", "high", "\u00b62"),
        "request_id": ("2024-1187", "high", "\u00b63"),
        "response_date": ("3 September 2024", "high", "\u00b64"),
        "request_date": ("2nd August 2024", "high", "\u00b66"),
        "exemptions": ("sections 24(2) and 31(3)", "high", "\u00b610"),
    }
    normalised = {name: field["normalised"] for name, field in describe(extraction)["fields"].items()}
    assert normalised["outcome"] == "ncnd_partial"
    assert normalised["exemptions"] == ["s24(2)", "s31(3)"]
    assert normalised["request_date"] == "2024-08-02"
    assert normalised["technology"] == "live-facial-recognition"


def test_plain_not_held_letter_in_markdown(documents):
    extraction = extract_document(documents["not_held_letter.md"])
    assert found(extraction) == {
        "authority": ("Derbyshire Constabulary", "high", "\u00b61"),
        "request_id": ("FOI/24/0931", "high", "\u00b62"),
        "request_date": ("21 October 2024", "high", "\u00b65"),
        # a date alone near the top, not labelled: kept, but only at medium confidence
        "response_date": ("18th November 2024", "medium", "\u00b63"),
        "technology": ("Clearview AI", "high", "\u00b65"),
        "outcome": (
            "Derbyshire Constabulary does not hold any information relevant to your request. "
            "The force has never used Clearview AI or any other web-scraped face search.",
            "high",
            "\u00b67",
        ),
    }
    # A plain "not held" needs no exemptions, harm or public interest text: not listed as missing.
    assert extraction.missing == []
    described = describe(extraction)["fields"]
    assert described["outcome"]["normalised"] == "not_held"
    assert described["response_date"]["normalised"] == "2024-11-18"
    # the stored provenance marks a field kept below high confidence
    assert "response_date \u00b63 (medium)" in document_table(documents["not_held_letter.md"]).frame.item(
        0, "provenance"
    )


def test_response_in_an_email(documents):
    extraction = extract_document(documents["lincolnshire.eml"])
    assert found(extraction) == {
        "authority": ("Lincolnshire Police", "high", "\u00b64"),
        "request_id": ("2024/0777", "high", "\u00b65"),
        "request_date": ("14 June 2024", "high", "\u00b67"),
        # the e-mail's Date header is the letter's date
        "response_date": ("12 Jul 2024", "high", "\u00b62"),
        # asked about drones (the subject line); the product named in the answer does not change the question
        "technology": ("Drones", "high", "\u00b63"),
        "outcome": ("I can confirm that Lincolnshire Police uses drones.", "high", "\u00b68"),
    }
    assert describe(extraction)["fields"]["outcome"]["normalised"] == "disclosed"


def test_two_authorities_in_the_letterhead_is_low_confidence_and_not_kept():
    extraction = letter(
        "Kent Police and Essex Police\nJoint Information Management Unit\n\nDate: 4 March 2024\n\n"
        "Your request received on 1 February 2024 asked whether the force uses drones.\n\n"
        "The force does not hold any information about drones.\n"
    )
    authority = extraction.fields["authority"]
    assert (authority.value, authority.level, authority.kept) == ("Kent Police", "low", False)
    assert "several authorities" in authority.note and "Essex Police" in authority.note
    assert extraction.value("authority") is None
    assert extraction.value("technology") == "Drones"
    assert extraction.value("response_date") == "4 March 2024"


def test_missing_fields_are_listed_and_become_issue_rows(tmp_path):
    path = tmp_path / "scrap.txt"
    path.write_text("Thank you for your email.\n\nWe will reply in due course.\n", encoding="utf-8")
    table = document_table(path)
    assert table.frame.height == 1
    assert table.frame.row(0, named=True)["authority"] is None
    issues = table.issues.sort("column")
    core = issues.filter(pl.col("issue") == "core_field_not_found").get_column("column").to_list()
    assert core == ["authority", "outcome", "response_date", "technology"]
    assert issues.filter(pl.col("issue") == "core_field_not_found").get_column("severity").unique().to_list() == [
        "warning"
    ]
    # With no answer found, the reasons an answer might give are looked for and reported too (info).
    assert set(issues.get_column("column")) == {
        "authority", "outcome", "response_date", "technology", "request_id", "request_date", "exemptions",
        "harm_statement", "public_interest_statement",
    }  # fmt: skip
    assert issues.filter(pl.col("issue") == "field_not_found").get_column("severity").unique().to_list() == ["info"]
    assert issues.get_column("source_row").unique().to_list() == [1]


def test_document_table_cells_are_the_text_as_found_plus_kind_and_provenance(documents):
    table = document_table(documents["ncnd_letter.txt"])
    row = table.frame.row(0, named=True)
    assert table.source_file == "ncnd_letter.txt"
    assert row["response_date"] == "5 July 2024"
    assert row["document_kind"] == "response_letter"
    assert row["provenance"].startswith(
        "authority \u00b61; request_id \u00b64; request_date \u00b68; response_date \u00b65"
    )
    assert row["decision_outcome"] is None
    assert table.issues.height == 0


@pytest.mark.parametrize(
    ("sentence", "outcome"),
    [
        ("The force can neither confirm nor deny that it holds the information.", "ncnd"),
        (
            "No information is held. In relation to covert tactics, the force will neither confirm nor deny.",
            "ncnd_partial",
        ),
        ("The force does not hold the information you asked for.", "not_held"),
        ("The information is exempt from disclosure and is withheld under section 31(1).", "withheld"),
        ("Complying with your request would exceed the appropriate limit.", "refused"),
    ],
)
def test_answer_sentences_classify_like_a_spreadsheet_cell(sentence, outcome):
    extraction = letter(f"Essex Police\n\nDate: 2 May 2024\n\nYou asked about drones.\n\n{sentence}\n")
    assert describe(extraction)["fields"]["outcome"]["normalised"] == outcome


def test_boilerplate_disclaimer_is_not_read_as_not_held():
    extraction = letter(
        "Essex Police\n\nDate: 2 May 2024\n\nYou asked about drones.\n\n"
        "Essex Police can neither confirm nor deny that it holds the information.\n\n"
        "This should not be taken as an indication that the information you requested is or is not held.\n"
    )
    assert describe(extraction)["fields"]["outcome"]["normalised"] == "ncnd"


def test_harm_argued_in_the_body_without_a_heading_is_kept_at_medium_confidence():
    argument = (
        "To confirm or deny whether the force uses this product would harm the prevention and detection of crime, "
        "because offenders could compare the answers of neighbouring forces and move to areas without the capability."
    )
    extraction = letter(
        f"Essex Police\n\nDate: 2 May 2024\n\nYou asked about drones.\n\n"
        f"Essex Police can neither confirm nor deny that it holds the information.\n\n{argument}\n"
    )
    harm = extraction.fields["harm_statement"]
    assert (harm.value, harm.level, harm.where) == (argument, "medium", "\u00b65")
    assert "public_interest_statement" in extraction.missing


# --- outcome wording goes through the shared outcome classifier ----------------------------------------


@pytest.mark.parametrize("wording", ["Refused - exempt", "Full refusal s17 with partial NCND"])
def test_a_labelled_outcome_line_reads_like_the_same_spreadsheet_cell(wording):
    """A disclosure-log page states its outcome on a labelled line, in the words a spreadsheet cell uses.
    The letter's outcome is that text, and its reading is exactly what the outcome classifier gives the same
    cell with the same exemptions (``mosaic.normalise.outcomes``; extract keeps no rules of its own)."""
    from mosaic.normalise.exemptions import exemption_codes
    from mosaic.normalise.outcomes import classify_outcome_rows

    extraction = letter(
        "Kent Police\n\nReference No: 2024-0456\n\nDate of response: 3 September 2024\n\n"
        f"You asked whether the force uses drones.\n\nOutcome: {wording}\n\n"
        "Sections 24(2) and 31(3) of the Act apply.\n"
    )
    assert extraction.value("outcome") == wording
    codes = exemption_codes(extraction.value("exemptions"))
    assert codes == ["s24(2)", "s31(3)"]
    expected = classify_outcome_rows(pl.Series([wording]), pl.Series([codes])).item(0, "outcome")
    assert describe(extraction)["fields"]["outcome"]["normalised"] == expected


def test_the_extractor_has_no_outcome_rules_of_its_own():
    """Letters and notices call the shared classifier (the one ingest uses for CSV cells), not a copy."""
    import mosaic.extract as extract
    import mosaic.extract.letters as letters
    import mosaic.extract.notices as notices
    from mosaic.normalise import outcomes

    for module in (extract, letters, notices):
        for name in ("classify_outcomes", "classify_outcome_rows"):
            if hasattr(module, name):
                assert getattr(module, name) is getattr(outcomes, name)


def test_a_placeholder_letter_reference_is_no_reference():
    extraction = letter(
        "Essex Police\n\nOur ref: FOI 000000/24\n\nDate: 2 May 2024\n\nYou asked about drones.\n\n"
        "The force does not hold the information you asked for.\n"
    )
    assert extraction.value("request_id") is None
    reference = extraction.fields["request_id"]
    assert (reference.value, reference.issue) == ("FOI 000000/24", "placeholder_reference")
