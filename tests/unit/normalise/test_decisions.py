"""Reading a regulator's decision outcome as given: whose side won, never guessed."""

from __future__ import annotations

import pytest

from mosaic.normalise.decisions import regulator_outcome
from mosaic.schema import RegulatorOutcome

UPHELD, IN_PART, NOT_UPHELD = (
    RegulatorOutcome.ANSWER_UPHELD,
    RegulatorOutcome.ANSWER_UPHELD_IN_PART,
    RegulatorOutcome.ANSWER_NOT_UPHELD,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The ICO's per-section findings, from the requester's side (quoted from the record of an ICO
        # decision notice of 29 January 2014, FS50508784: https://swarb.co.uk/category/information/page/49).
        # s10 and s17 are procedure; s21 is the exemption, and the complaint about it was not upheld.
        ("FOI 10 – Complaint Upheld, FOI 17 – Complaint Upheld, FOI 21 – Complaint Not upheld", UPHELD),
        ("Complaint upheld", NOT_UPHELD),  # the requester won: the answer was not upheld
        ("Complaint not upheld", UPHELD),
        ("Complaint partly upheld", IN_PART),
        ("FOI 10 – Complaint Upheld", None),  # only lateness was decided: nothing about the answer
        # What the Commissioners write (ICO: https://lawsdocbox.com/Legal_Issues/81249804-Freedom-of-information-act-2000-foia-decision-notice.html;
        # Scotland: https://sic.uniondigital.uk/decision-0922016, https://sic.uniondigital.uk/decision-1202013).
        ("The Commissioner does not require the MPS to take any steps.", UPHELD),
        (
            "The Commissioner finds that Police Scotland were not entitled to respond in terms of section 18.",
            NOT_UPHELD,
        ),
        (
            "The Commissioner found that the Police had dealt with Mr Donnelly's request for information in accordance with Part 1 of FOISA",
            UPHELD,
        ),
        # Spreadsheet shorthand.
        ("NCND upheld", UPHELD),
        ("NCND upheld under s24(2); s31(3) not considered", UPHELD),
        ("Confirm or deny within 35 days", NOT_UPHELD),
        ("ordered to confirm or deny", NOT_UPHELD),
        ("s24(2) upheld, s31(3) not upheld", IN_PART),
        ("NCND not upheld", NOT_UPHELD),
        # A bare verdict does not say whose position it was (the ICO's "Upheld" is the complaint's).
        ("Upheld", None),
        ("Not upheld", None),
        ("withdrawn", None),
        ("", None),
        # The vocabulary reads as itself; the notice reader's older, unambiguous codes too.
        ("answer_upheld", UPHELD),
        ("answer_not_upheld", NOT_UPHELD),
        ("not_upheld", NOT_UPHELD),
        ("upheld_in_part", IN_PART),
    ],
)
def test_the_answer_side_of_a_decision(text, expected):
    assert regulator_outcome(text) == expected
