"""Unit tests for mosaic.normalise.values: URLs, source types, generic text and the shared helpers."""

from __future__ import annotations

import polars as pl

from mosaic.normalise.values import (
    ISSUE_SEVERITY,
    classify_source_types,
    clean_text,
    clean_urls,
    distinct_strings,
    fold_text,
)
from mosaic.schema.vocab import SourceType

# value -> (url, issue)
URL_CASES: dict[str, tuple[str | None, str | None]] = {
    "https://www.example.org/x": ("https://www.example.org/x", None),
    "http://example.org": ("http://example.org", None),
    "HTTPS://Example.org/A?b=1#c": ("https://Example.org/A?b=1#c", None),
    "<https://example.org/x>": ("https://example.org/x", None),
    '"https://example.org/x"': ("https://example.org/x", None),
    "'https://example.org/x'": ("https://example.org/x", None),
    "\u201chttps://example.org/x\u201d": ("https://example.org/x", None),
    "https://www.whatdotheyknow.com/request/facial_recognition_123#incoming-456": (
        "https://www.whatdotheyknow.com/request/facial_recognition_123#incoming-456",
        None,
    ),
    "http://localhost:8050/x": ("http://localhost:8050/x", None),
    "www.example.org/x": ("https://www.example.org/x", "url_scheme_added"),
    "nottinghamshire.police.uk/foi": ("https://nottinghamshire.police.uk/foi", "url_scheme_added"),
    "example.org:8080/x": ("https://example.org:8080/x", "url_scheme_added"),
    "//example.org/x": ("https://example.org/x", "url_scheme_added"),
    "javascript:alert(1)": (None, "unsafe_url"),
    "JavaScript:alert(document.cookie)": (None, "unsafe_url"),
    "data:text/html;base64,PHNjcmlwdD4=": (None, "unsafe_url"),
    "file:///etc/passwd": (None, "unsafe_url"),
    "vbscript:msgbox(1)": (None, "unsafe_url"),
    "ftp://example.org/file": (None, "unsafe_url"),
    "mailto:foi@example.org": (None, "unsafe_url"),
    "see letter": (None, "invalid_url"),
    "https://exa mple.org": (None, "invalid_url"),
    "https://": (None, "invalid_url"),
    "https://example.org:99999999/": (None, "invalid_url"),
    "n/a": (None, "invalid_url"),
    "<>": (None, "invalid_url"),
}

# value -> (source_type, issue)
SOURCE_CASES: dict[str, tuple[str, str | None]] = {
    "FOI": ("foi_response", None),
    "FOI response": ("foi_response", None),
    "foi_response": ("foi_response", None),
    "Freedom of Information": ("foi_response", None),
    "Freedom of Information request": ("foi_response", None),
    "EIR response": ("foi_response", None),
    "WhatDoTheyKnow": ("foi_response", None),
    "Disclosure log": ("foi_response", None),
    "press release": ("press_release", None),
    "Press Release": ("press_release", None),
    "news release": ("press_release", None),
    "press statement": ("press_release", None),
    "press_release": ("press_release", None),
    "tender": ("procurement", None),
    "contract notice": ("procurement", None),
    "Contracts Finder": ("procurement", None),
    "procurement": ("procurement", None),
    "Find a Tender": ("procurement", None),
    "PQ": ("parliamentary_answer", None),
    "written answer": ("parliamentary_answer", None),
    "Written Parliamentary Question": ("parliamentary_answer", None),
    "Hansard": ("parliamentary_answer", None),
    "parliamentary_answer": ("parliamentary_answer", None),
    "policy": ("published_policy", None),
    "Published policy": ("published_policy", None),
    "DPIA": ("published_policy", None),
    "Standard operating procedure": ("published_policy", None),
    "survey": ("survey", None),
    "BSCC survey 2022": ("survey", None),
    "media": ("media_report", None),
    "newspaper": ("media_report", None),
    "press report": ("media_report", None),
    "News article": ("media_report", None),
    "media_report": ("media_report", None),
    "leak": ("leak", None),
    "Leaked document": ("leak", None),
    "whistleblower": ("leak", None),
    "other": ("other", None),
    "vendor brochure": ("other", "unrecognised_source_type"),
    "??": ("other", "unrecognised_source_type"),
}


def _run(function, cases: dict) -> dict:
    result = function(pl.Series(list(cases)))
    return {r["value"]: tuple(r[c] for c in result.columns[1:3]) for r in result.iter_rows(named=True)}


def test_url_cases() -> None:
    got = _run(clean_urls, URL_CASES)
    mismatches = {v: (got[v], want) for v, want in URL_CASES.items() if got[v] != want}
    assert not mismatches, mismatches


def test_kept_urls_are_always_http() -> None:
    urls = clean_urls(pl.Series(list(URL_CASES))).get_column("url").drop_nulls()
    assert urls.str.contains(r"^https?://[^/]").all()


def test_url_contract_and_severity() -> None:
    result = clean_urls(pl.Series(["javascript:alert(1)", None, "www.x.org", "javascript:alert(1)"]))
    assert result.schema == pl.Schema(
        {"value": pl.String, "url": pl.String, "issue": pl.String, "severity": pl.String, "message": pl.String}
    )
    assert result.get_column("severity").to_list() == ["warning", "info"]
    assert "javascript" in result.get_column("message")[0]


def test_source_type_cases() -> None:
    got = _run(classify_source_types, SOURCE_CASES)
    mismatches = {v: (got[v], want) for v, want in SOURCE_CASES.items() if got[v] != want}
    assert not mismatches, mismatches


def test_source_types_are_vocabulary_values() -> None:
    types = classify_source_types(pl.Series(list(SOURCE_CASES))).get_column("source_type")
    assert set(types) <= {s.value for s in SourceType}


def test_clean_text() -> None:
    result = clean_text(pl.Series(["a\u200b  b", "line one\r\nline   two", "#N/A", "plain", "e\u0301"]))
    got = {r["value"]: (r["text"], r["issue"]) for r in result.iter_rows(named=True)}
    assert got == {
        "a\u200b  b": ("a b", "control_characters_removed"),
        "line one\r\nline   two": ("line one\nline two", None),
        "#N/A": (None, "spreadsheet_error_value"),
        "plain": ("plain", None),
        "e\u0301": ("\u00e9", None),
    }


def test_fold_text() -> None:
    assert fold_text("N.C.N.D. - can't say; s.24 (2)") == "ncnd cant say s 24 (2)"
    assert fold_text("not_held") == "not held"
    assert fold_text("  \u2019Held\u2019 \u2013 EXEMPT ") == "held exempt"


def test_distinct_strings() -> None:
    assert distinct_strings(pl.Series(["b", None, "a", "b"])) == ["b", "a"]
    assert distinct_strings(pl.Series([1, 1, None])) == ["1"]
    assert distinct_strings(pl.Series([], dtype=pl.Null)) == []


def test_issue_severities_are_declared() -> None:
    assert ISSUE_SEVERITY["unsafe_url"] == "warning"
    assert ISSUE_SEVERITY["url_scheme_added"] == "info"
    assert ISSUE_SEVERITY["unrecognised_source_type"] == "info"
