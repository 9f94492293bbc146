"""Regulator decision notices (ICO, Scottish Commissioner): the authority's answer plus the regulator's fields."""

from __future__ import annotations

import polars as pl
import pytest

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
        "decision_outcome": ("answer_upheld", "high", "p.1 \u00b68"),
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
        "decision_outcome": ("answer_not_upheld", "high", "\u00b67"),
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
        "outcome": (
            "It refused to confirm or deny whether it held the information, under section 18(1) of FOISA.",
            "high",
            "\u00b611",
        ),
        # FOISA: the bare "section 18(1)" is read under the Scottish Act, not FOIA
        "exemptions": ("FOISA section 18(1); sections 31(1) and 35(1)(a)", "high", "\u00b611"),
        "regulator_upheld": ("foisa_s18", "high", "\u00b616"),
        "decision_outcome": ("answer_upheld", "high", "\u00b616"),
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
        HEAD + "2. The Commissioner's decision is that Kent Police was entitled to rely on section 23(5). "
        "Kent Police was not entitled to rely on section 24(2).\n\n"
        "3. The Commissioner requires the public authority to take the following steps: "
        "Issue a fresh response which does not rely on section 24(2).\n\n"
        "4. The public authority must take these steps within 35 calendar days of the date of this decision notice.\n"
    )
    assert extraction.value("decision_outcome") == "answer_upheld_in_part"
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


# --- the most specific technology the request names ------------------------------------------------


def _rekognition_notice(summary: str, request_items: str) -> str:
    """The Nottinghamshire notice with its summary (¶7) and the request (¶12) replaced: ICO notices often
    summarise a request by its category and set the request itself out as lettered items, not in quotes."""
    paragraphs = [p.replace("\u2019", "'") for p in _ico_paragraphs()]
    paragraphs[6] = summary
    paragraphs[11] = request_items
    return "\n\n".join(paragraphs)


def _ico_paragraphs() -> list[str]:
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "document_fixtures_notices", Path(__file__).with_name("document_fixtures.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.ICO_PARAGRAPHS)


# The request as the domain primer (and the ICO's notice of 18 November 2024) describes it: contracts with
# Amazon for the Rekognition facial recognition service, whether and when it was used, costs, use cases.
REKOGNITION_ITEMS = (
    "a) any contracts between the force and Amazon for the Amazon Rekognition service; b) whether and when the "
    "force has used Amazon Rekognition; c) the costs and the use cases, from 2016 onwards."
)


def test_a_notice_about_a_product_records_the_product_not_its_category():
    """¶7 names only the category ("facial recognition technology"), the request names the product: the
    product wins, where the request names it."""
    extraction = notice(
        _rekognition_notice(
            "1. The complainant has requested information about the use of facial recognition technology by "
            "Nottinghamshire Police. The public authority refused to confirm or deny whether it holds the requested "
            "information, citing section 24(2) and section 31(3) of FOIA.",
            REKOGNITION_ITEMS,
        )
    )
    technology = extraction.fields["technology"]
    assert (technology.value, technology.level, technology.where) == ("Amazon Rekognition", "high", "\u00b612")
    assert describe(extraction)["fields"]["technology"]["normalised"] == "amazon-rekognition"


def test_a_product_named_by_its_alias_also_wins_over_the_category():
    """ "Rekognition" alone (an alias) in the request; the summary says "facial recognition"."""
    extraction = notice(
        _rekognition_notice(
            "1. The complainant has requested information about facial recognition. The public authority refused "
            "to confirm or deny whether it holds the requested information, citing section 24(2) of FOIA.",
            "a) contracts with Amazon relating to its Rekognition service; b) the costs, from 2016 onwards.",
        )
    )
    assert extraction.value("technology") == "Amazon Rekognition"


def test_another_product_of_the_taxonomy_wins_over_its_category_too():
    """Clearview AI (a product under retrospective facial recognition). The request's wording follows a real
    request to Northumbria Police (https://beta.northumbria.police.uk/about-us/publications-and-documents/
    accessing-information/disclosure-log/information-technology/clearview-ai-44820/): "I am requesting
    confirmation or denial that your police force has entered recorded communications about the potential
    use of software or other services provided by Clearview AI"."""
    extraction = notice(
        _rekognition_notice(
            "1. The complainant has requested information about retrospective facial recognition. The public "
            "authority refused to confirm or deny whether it holds the requested information, citing section 24(2) of FOIA.",
            "I am requesting confirmation or denial that your police force has entered recorded communications about "
            "the potential use of software or other services provided by Clearview AI a company based in the US.",
        )
    )
    technology = extraction.fields["technology"]
    assert (technology.value, technology.level) == ("Clearview AI", "high")


def test_the_category_stays_when_the_request_names_two_of_its_products():
    extraction = notice(
        _rekognition_notice(
            "1. The complainant has requested information about the use of facial recognition technology. The "
            "public authority refused to confirm or deny whether it holds the requested information, citing section 24(2) of FOIA.",
            "a) whether the force uses Amazon Rekognition; b) whether the force uses Clearview AI.",
        )
    )
    # Both products sit under retrospective facial recognition: their common category, not either product.
    assert extraction.value("technology") in ("Facial recognition", "Retrospective facial recognition")
    assert extraction.value("technology") not in ("Amazon Rekognition", "Clearview AI")


def test_a_product_named_only_in_the_commissioners_reasoning_does_not_replace_the_category():
    """Products other forces disclosed, discussed in "Reasons for decision", are not what was asked."""
    paragraphs = _ico_paragraphs()
    paragraphs[6] = (
        "1. The complainant has requested information about the use of facial recognition technology. The public "
        "authority refused to confirm or deny whether it holds the requested information, citing section 24(2) of FOIA."
    )
    paragraphs[11] = '"Does the force use facial recognition technology, and since when?"'
    reasons = next(i for i, p in enumerate(paragraphs) if p.startswith("9."))
    paragraphs.insert(
        reasons + 1, "9a. The complainant pointed out that other forces have said they use Amazon Rekognition."
    )
    assert notice("\n\n".join(paragraphs)).value("technology") == "Facial recognition"


# --- "not considered" in its real variants -----------------------------------------------------------

# The ICO's wording for an exemption it did not need to decide once another was upheld. "has not gone on to
# consider" is the Nottinghamshire notice's (see document_fixtures.py); the brief lists the other variants
# seen in published notices (ico.org.uk decision notices).
NOT_CONSIDERED_VARIANTS = [
    "As section 24(2) is engaged, the Commissioner has not deemed it necessary to consider section 31(3).",
    "As section 24(2) is engaged, the Commissioner has not gone on to consider section 31(3).",
    "As section 24(2) is engaged, the Commissioner has not found it necessary to consider section 31(3).",
    "As section 24(2) is engaged, the Commissioner did not need to consider section 31(3).",
    "As section 24(2) is engaged, the Commissioner has therefore not considered section 31(3).",
    "As section 24(2) is engaged, it is not necessary to consider section 31(3).",
    "Since section 24(2) is engaged, the Commissioner has not deemed it necessary to consider whether the public "
    "authority was also entitled to rely on section 31(3).",
]


@pytest.mark.parametrize("sentence", NOT_CONSIDERED_VARIANTS)
def test_not_considered_is_read_in_each_of_its_wordings(sentence):
    extraction = notice(
        HEAD + "2. The Commissioner's decision is that Kent Police was entitled to rely on section 24(2) of FOIA to "
        "neither confirm nor deny whether it holds the requested information. "
        + sentence
        + "\n\n3. The Commissioner does not require the public authority to take any steps.\n"
    )
    assert extraction.value("regulator_upheld") == "s24(2)"
    assert extraction.value("regulator_not_considered") == "s31(3)"
    assert extraction.value("regulator_not_upheld") is None
    assert extraction.value("decision_outcome") == "answer_upheld"


# --- placeholder references ---------------------------------------------------------------------------


@pytest.mark.parametrize("placeholder", ["IC-000000-X0X0", "FS50000000", "IC-00000-XXXX"])
def test_a_placeholder_reference_is_no_reference(placeholder):
    """Templates and redacted copies carry a dummy reference: it is not the notice's reference."""
    extraction = notice(
        f"Reference: {placeholder}\n\n"
        + HEAD
        + "2. The Commissioner's decision is that Kent Police was entitled to rely on section 24(2).\n"
    )
    reference = extraction.fields["regulator_reference"]
    assert extraction.value("regulator_reference") is None
    assert (reference.value, reference.kept) == (placeholder, False)  # what was seen, not kept
    assert "placeholder" in reference.note and placeholder in reference.note
    from mosaic.extract import issue_rows

    issues = issue_rows(extraction).filter(pl.col("column") == "regulator_reference")
    assert issues.get_column("issue").to_list() == ["placeholder_reference"]
    assert placeholder in issues.item(0, "message")


def test_a_real_reference_beside_a_placeholder_is_kept():
    extraction = notice(
        "Reference: IC-000000-X0X0\n\n"
        + HEAD
        + "2. Kent Police was entitled to rely on section 24(2).\n\nReference: IC-345678-K2L9\n"
    )
    assert extraction.value("regulator_reference") == "IC-345678-K2L9"
