"""Regulator decision notices (ICO, Scottish Commissioner): the authority's answer plus the regulator's fields."""

from __future__ import annotations

from mosaic.extract import describe, extract_document, extract_paragraphs
from mosaic.extract.text import Paragraph, paragraphs_from_text


def found(extraction) -> dict[str, tuple[str | None, str, str | None]]:
    return {name: (f.value, f.level, f.where) for name, f in extraction.fields.items()}


def test_ico_notice_pdf_upholds_ncnd_on_one_section_and_does_not_consider_the_other(documents):
    """The real Nottinghamshire / Amazon Rekognition notice of 18 November 2024, as a PDF."""
    extraction = extract_document(documents["ico_notice.pdf"])
    assert extraction.kind == "ico_decision_notice"
    assert found(extraction) == {
        # printed in every page's running header; kept once, from page 1
        "regulator_reference": ("IC-312345-A1B2", "high", "p.1 \u00b61"),
        "decision_date": ("18 November 2024", "high", "p.1 \u00b64"),
        "authority": ("Nottinghamshire Police", "high", "p.1 \u00b65"),
        "request_date": ("11 June 2024", "high", "p.1 \u00b612"),
        "response_date": ("5 July 2024", "high", "p.1 \u00b614"),
        "review_date": ("11 July 2024", "high", "p.1 \u00b615"),
        "review_outcome": ("maintained: It maintained its original position.", "high", "p.1 \u00b615"),
        "complaint_date": ("16 July 2024", "high", "p.1 \u00b617"),
        "technology": ("Amazon Rekognition", "high", "p.1 \u00b613"),
        "outcome": (
            "It refused to confirm or deny whether it holds the requested information, citing sections 24(2) and 31(3) of FOIA.",
            "high",
            "p.1 \u00b614",
        ),
        "exemptions": ("sections 24(2) and 31(3)", "high", "p.1 \u00b614"),
        "regulator_upheld": ("s24(2)", "high", "p.1 \u00b68"),
        "regulator_not_considered": ("s31(3)", "high", "p.1 \u00b68"),
        "decision_outcome": ("upheld", "high", "p.1 \u00b68"),
    }
    assert extraction.missing == []
    normalised = {name: field["normalised"] for name, field in describe(extraction)["fields"].items()}
    assert normalised["decision_date"] == "2024-11-18"
    assert normalised["request_date"] == "2024-06-11"
    assert normalised["response_date"] == "2024-07-05"
    assert normalised["review_date"] == "2024-07-11"
    assert normalised["complaint_date"] == "2024-07-16"
    assert normalised["outcome"] == "ncnd"
    assert normalised["exemptions"] == ["s24(2)", "s31(3)"]
    assert normalised["technology"] == "amazon-rekognition"


def test_ico_notice_ordering_the_authority_to_confirm_or_deny(documents):
    extraction = extract_document(documents["ico_steps.txt"])
    assert extraction.kind == "ico_decision_notice"
    fields = found(extraction)
    assert fields.pop("outcome") == (
        "South Yorkshire Police responded on 30 September 2024 and refused to confirm or deny whether it held the "
        "information, citing sections 24(2) and 31(3).",
        "high",
        "\u00b615",
    )
    assert fields.pop("review_outcome") == (
        "maintained: South Yorkshire Police provided the outcome of its internal review on 29 October 2024, in which it "
        "maintained its position.",
        "high",
        "\u00b616",
    )
    assert fields.pop("regulator_steps") == (
        "Confirm or deny whether it holds the requested information and, if it does, either disclose it or issue a "
        "fresh response compliant with section 17 of FOIA.",
        "high",
        "\u00b67",
    )
    assert fields == {
        # the reference is at the very end of this notice
        "regulator_reference": ("IC-334455-Z9Y8", "high", "\u00b623"),
        "decision_date": ("14 March 2025", "high", "\u00b63"),
        "authority": ("South Yorkshire Police", "high", "\u00b64"),
        "request_date": ("2 September 2024", "high", "\u00b613"),
        "response_date": ("30 September 2024", "high", "\u00b615"),
        # the review's result (29 October), not the request for it (1 October), in the same paragraph
        "review_date": ("29 October 2024", "high", "\u00b616"),
        "complaint_date": ("4 November 2024", "high", "\u00b618"),
        "technology": ("Cellebrite UFED", "high", "\u00b614"),
        "exemptions": ("sections 24(2) and 31(3)", "high", "\u00b615"),
        "regulator_not_upheld": ("s24(2), s31(3)", "high", "\u00b67"),
        "regulator_step_days": ("35", "high", "\u00b67"),
        "decision_outcome": ("not_upheld", "high", "\u00b67"),
    }


def test_scottish_commissioner_decision(documents):
    extraction = extract_document(documents["scottish_notice.txt"])
    assert extraction.kind == "scottish_decision_notice"
    fields = found(extraction)
    assert fields.pop("review_outcome")[0].startswith("maintained: The Authority notified the Applicant")
    assert fields == {
        "regulator_reference": ("Decision 187/2024", "high", "\u00b61"),
        "decision_date": ("9 December 2024", "high", "\u00b64"),
        "authority": ("Police Service of Scotland", "high", "\u00b63"),
        "request_date": ("3 June 2024", "high", "\u00b610"),
        "response_date": ("28 June 2024", "high", "\u00b611"),
        "review_date": ("29 July 2024", "high", "\u00b613"),
        "complaint_date": ("12 August 2024", "high", "\u00b614"),
        # "IMSI catchers" is an alias of the category
        "technology": ("Covert communications data capture", "high", "\u00b610"),
        "outcome": ("It refused to confirm or deny whether it held the information, under section 18(1) of FOISA.", "high", "\u00b611"),
        # FOISA: the bare "section 18(1)" is read under the Scottish Act, not FOIA
        "exemptions": ("FOISA section 18(1); sections 31(1) and 35(1)(a)", "high", "\u00b611"),
        "regulator_upheld": ("foisa_s18", "high", "\u00b616"),
        "decision_outcome": ("upheld", "high", "\u00b616"),
    }
    normalised = {name: field["normalised"] for name, field in describe(extraction)["fields"].items()}
    assert normalised["exemptions"] == ["foisa_s18", "foisa_s31", "foisa_s35"]
    assert normalised["authority"] == "police-scotland"


def notice(text: str):
    paragraphs = [Paragraph(t, i) for i, t in enumerate(paragraphs_from_text(text), start=1)]
    return extract_paragraphs(paragraphs, "notice.txt")


HEAD = """Decision notice

Date: 3 February 2025

Public Authority: Chief Constable of Kent Police

Decision (including any steps ordered)

1. The complainant asked whether Kent Police uses drones. Kent Police refused to confirm or deny holding the information, citing sections 24(2), 31(3) and 23(5) of FOIA.

"""


def test_upheld_in_part_when_one_limb_fails_and_a_step_is_ordered():
    extraction = notice(
        HEAD
        + "2. The Commissioner's decision is that Kent Police was entitled to rely on section 23(5). "
        "Kent Police was not entitled to rely on section 24(2).\n\n"
        "3. The Commissioner requires the public authority to take the following steps: "
        "Issue a fresh response which does not rely on section 24(2).\n\n"
        "4. The public authority must take these steps within 35 calendar days of the date of this decision notice.\n"
    )
    assert extraction.value("decision_outcome") == "upheld_in_part"
    assert extraction.value("regulator_upheld") == "s23(5)"
    assert extraction.value("regulator_not_upheld") == "s24(2)"
    assert extraction.value("regulator_steps") == "Issue a fresh response which does not rely on section 24(2)."
    assert extraction.value("regulator_step_days") == "35"
    assert extraction.value("decision_date") == "3 February 2025"
    assert extraction.value("authority") == "Kent Police"


def test_a_notice_without_a_recognisable_finding_keeps_no_decision_outcome():
    extraction = notice(HEAD + "2. The Commissioner has written to both parties.\n")
    decision = extraction.fields["decision_outcome"]
    assert (decision.value, decision.kept) == (None, False)
    assert "no finding" in decision.note
