"""Unit tests for mosaic.normalise.exemptions: real-world citations and non-citations."""

from __future__ import annotations

import polars as pl
import pytest

from mosaic.normalise.exemptions import (
    CODE_PATTERN,
    ISSUE_SEVERITY,
    NCND_LIMBS,
    exemption_codes,
    is_ncnd_limb,
    parse_exemptions,
)

# value -> (exemptions, issue)
CASES: dict[str, tuple[list[str], str | None]] = {
    "Section 24(2) and 31(3)": (["s24(2)", "s31(3)"], None),
    "s.24 (2)": (["s24(2)"], None),
    "S23(5)/S24(2)": (["s23(5)", "s24(2)"], None),
    "23(5), 24(2), 30(3), 31(3)": (["s23(5)", "s24(2)", "s30(3)", "s31(3)"], None),
    "s24(2), s31(3)": (["s24(2)", "s31(3)"], None),
    "Sections 23(5), 24(2)": (["s23(5)", "s24(2)"], None),
    "NCND under 23(5)": (["s23(5)"], None),
    "s 24 (2)": (["s24(2)"], None),
    "section 31(3) FOIA": (["s31(3)"], None),
    "sec. 40(5)": (["s40(5)"], None),
    "s12 (cost)": (["s12"], None),
    "Section 12": (["s12"], None),
    "s14": (["s14"], None),
    "s12(1)": (["s12(1)"], None),
    "s21": (["s21"], None),
    "Regulation 12(6) EIR": (["reg12(6)"], None),
    "reg 12(6)": (["reg12(6)"], None),
    "reg12(5)(a)": (["reg12(5)"], None),
    "Regulation 13(1)": (["reg13(1)"], None),
    "12(5)(b) EIR": (["reg12(5)"], None),
    "FOISA s18": (["foisa_s18"], None),
    "section 18 FOISA": (["foisa_s18"], None),
    "s.18(1) FOI(S)A": (["foisa_s18"], None),
    "s35(1)(a) Freedom of Information (Scotland) Act": (["foisa_s35"], None),
    "24(2) & 31(3)": (["s24(2)", "s31(3)"], None),
    "ss24(2) and 31(3)": (["s24(2)", "s31(3)"], None),
    "s 24(2)/31(3)/23(5)": (["s23(5)", "s24(2)", "s31(3)"], None),
    "s24(1)": (["s24(1)"], None),
    "s31(1)(a)": (["s31(1)"], None),
    "s31(1)(a) and (b)": (["s31(1)"], None),
    "s40(5B)(a)(i)": (["s40(5B)"], None),
    "s22A(2)": (["s22A(2)"], None),
    "S24(2), S24(2)": (["s24(2)"], None),  # distinct
    "s31(3), s24(2), s23(5)": (["s23(5)", "s24(2)", "s31(3)"], None),  # sorted
    "NCND s24(2) & s31(3)": (["s24(2)", "s31(3)"], None),
    "s24(2) on 05/07/2024 at 10:31": (["s24(2)"], None),
    "s 24(2) 31/12/2024": (["s24(2)"], None),
    # sibling subsections as the Metropolitan Police write them (met.police.uk disclosure logs, 2022-2023)
    "Section 40(2)&(3) – Personal Information": (["s40(2)", "s40(3)"], None),
    "Section 40(2)(a)(b) and (3)(a)(i)(ii)(b) Personal information": (["s40(2)", "s40(3)"], None),
    "Section 40(2) & 3A(a) – Personal Information": (["s40(2)", "s40(3A)"], None),
    "s40(5B)&(2)": (["s40(2)", "s40(5B)"], None),
    "section 40(5) and 2": (["s40(5)"], "unparseable_exemption"),  # a bare number is not guessed at
    "s24(2) & 3 cameras": (["s24(2)"], "unparseable_exemption"),
    # bare sections: a code, but the limb is missing
    "Section 24": (["s24"], "exemption_without_limb"),
    "Sections 23 and 24": (["s23", "s24"], "exemption_without_limb"),
    "s31 exemption applied": (["s31"], "exemption_without_limb"),
    "reg 12": (["reg12"], "exemption_without_limb"),
    # plainly none
    "Not held": ([], None),
    "none": ([], None),
    "N/A": ([], None),
    "None applied": ([], None),
    "national security": ([], None),
    # numbers that are not sections must not become exemptions
    "FOI 2024/00123": ([], None),
    "IC-123456-A1B2": ([], None),
    "05/07/2024": ([], None),
    "5/7/24": ([], None),
    "Request 24 of 31": ([], None),
    "FS50123456": ([], None),
    "Ref: 2024-0231 (2)": ([], None),
    "Responded in 20 working days": ([], None),
    "10:31": ([], None),
    # look like citations but name no exemption
    "section 17": ([], "unparseable_exemption"),
    "s1(1)(a)": ([], "unparseable_exemption"),
    "s24(2) and s99": (["s24(2)"], "unparseable_exemption"),
    "FOISA s24(2)": ([], "unparseable_exemption"),
    "reg 5(1)": ([], "unparseable_exemption"),
}


def test_every_case() -> None:
    result = parse_exemptions(pl.Series(list(CASES)))
    got = {r["value"]: (r["exemptions"], r["issue"]) for r in result.iter_rows(named=True)}
    mismatches = {v: (got[v], want) for v, want in CASES.items() if got[v] != want}
    assert not mismatches, mismatches


def test_codes_match_documented_grammar() -> None:
    result = parse_exemptions(pl.Series(list(CASES)))
    for codes in result.get_column("exemptions").to_list():
        assert codes == sorted(set(codes))
        assert all(CODE_PATTERN.match(code) for code in codes), codes
    assert all(CODE_PATTERN.match(code) for code in NCND_LIMBS)


def test_output_contract() -> None:
    result = parse_exemptions(pl.Series(["s24(2)", None, "s24(2)", "section 17"]))
    assert result.schema == pl.Schema(
        {
            "value": pl.String,
            "exemptions": pl.List(pl.String),
            "issue": pl.String,
            "severity": pl.String,
            "message": pl.String,
        }
    )
    assert result.height == 2
    row = result.row(1, named=True)
    assert row["severity"] == "warning" and "section 17" in row["message"]
    assert ISSUE_SEVERITY["exemption_without_limb"] == "info"


def test_empty_input() -> None:
    assert parse_exemptions(pl.Series([], dtype=pl.String)).height == 0


@pytest.mark.parametrize(
    ("code", "expected"),
    [("s24(2)", True), ("s24(1)", False), ("s31(3)", True), ("foisa_s18", True), ("reg12(6)", True), ("s21", False)],
)
def test_is_ncnd_limb(code: str, expected: bool) -> None:
    assert is_ncnd_limb(code) is expected


def test_scalar_form() -> None:
    assert exemption_codes("NCND under s.24 (2) and 31(3)") == ["s24(2)", "s31(3)"]
    assert exemption_codes("") == []


def test_a_foisa_section_from_an_authority_not_known_as_scottish_says_why_it_was_not_read() -> None:
    """Tayside Police (a legacy Scottish force, not in the register) answered "in terms of section 18 of
    FOISA" (https://sic.uniondigital.uk/decision-1302007); a cell of just "section 18" cannot be FOIA's,
    and the issue must not list FOISA 18 as known while refusing it: it says what would make it read."""
    row = parse_exemptions(pl.Series(["section 18"])).row(0, named=True)
    assert row["exemptions"] == [] and row["issue"] == "unparseable_exemption"
    assert "not an exemption in FOIA" in row["message"] and "section 18 of FOISA" in row["message"]
    assert "knows as Scottish" in row["message"]
    # From an authority the register knows as Scottish it is read, with no issue; a section in no Act keeps
    # the general message.
    assert parse_exemptions(pl.Series(["section 18"]), scottish_authority=True).row(0, named=True)["issue"] is None
    other = parse_exemptions(pl.Series(["section 17"])).row(0, named=True)["message"]
    assert "not an exemption this tool knows" in other
