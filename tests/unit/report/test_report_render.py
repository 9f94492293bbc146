"""Renderers: escaping (HTML, Markdown), formula injection (CSV, XLSX), the PDF, determinism, atomic writes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import openpyxl
import polars as pl
import pypdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaic.analyses import FINDING_SCHEMA, METRICS
from mosaic.errors import MosaicError
from mosaic.present.writers import neutralise_cell
from mosaic.report import build_report, render_report, write_report
from mosaic.report.render import escape_markdown

WEST_MERCIA_NCND = "e940a6e4e31f6cdf"
EVIL_NAME = '=HYPERLINK("http://evil.example","x")'


@pytest.fixture(scope="module")
def dossier(fixture_inputs):
    return build_report(fixture_inputs, response_id=WEST_MERCIA_NCND, workspace_hash="fixture")


@pytest.fixture(scope="module")
def findings_with_negative_metric() -> pl.DataFrame:
    """One literal finding whose text starts with formula characters and whose metric is negative."""
    metrics = {name: None for name in METRICS} | {"days_late": -2, "working_days": 18}
    row = {
        "check": "timeliness", "scope": "response", "authority_id": "west-mercia", "authority_name": "@West Mercia",
        "technology_id": "cellshade-mini", "technology_name": "+Cellshade", "region": "\tWest Midlands",
        "response_id": WEST_MERCIA_NCND, "response_date": dt.date(2022, 3, 14), "as_of": dt.date(2022, 3, 14),
        "severity": "info", "metrics": metrics, "evidence": [], "summary": "-2 working days: =1+1 answered early",
    }  # fmt: skip
    return pl.DataFrame([row], schema=FINDING_SCHEMA)


# --- HTML ----------------------------------------------------------------------------------------


def test_html_escapes_data_and_is_self_contained(dossier):
    html = render_report(dossier, "html").decode("utf-8")
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<script" not in html.lower()
    assert 'href="javascript' not in html.lower()
    assert not re.search(r"<(link|img|iframe|object)\b|\bsrc=|@import|url\(", html, flags=re.IGNORECASE)
    assert "<svg" in html and 'class="hexmap"' in html
    assert 'href="https://foi.example.org/b/durham"' in html
    assert EVIL_NAME.replace('"', "&#34;") in html  # the formula-like name is text here


def test_html_markdown_and_json_are_byte_identical_across_runs(fixture_inputs, dossier):
    again = build_report(fixture_inputs, response_id=WEST_MERCIA_NCND, workspace_hash="fixture")
    for fmt in ("html", "md", "json"):
        assert render_report(again, fmt) == render_report(dossier, fmt), fmt


# --- Markdown ------------------------------------------------------------------------------------


def test_markdown_escapes_html_and_markdown_syntax(dossier):
    text = render_report(dossier, "md").decode("utf-8")
    assert "\\<script>" in text  # inert: a backslash-escaped "<" opens no tag
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)
    assert "<script" not in rendered and "&lt;script&gt;" in rendered
    assert 'href="javascript' not in rendered
    assert "\\[1\\](javascript" in text  # the link in the notes is inert: its brackets are escaped
    notes = next(line for line in text.splitlines() if line.startswith("| **Notes**"))
    assert notes.count(" | ") == 1 and "\\|" in notes  # the pipe in the notes cannot split the row


def test_markdown_tables_keep_their_column_count(dossier):
    text = render_report(dossier, "md").decode("utf-8")
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("| ---") or line.startswith("| --- |"):
            header = lines[index - 1]
            width = len(re.findall(r"(?<!\\)\|", header))
            body = []
            for row in lines[index + 1 :]:
                if not row.startswith("|"):
                    break
                body.append(row)
            assert all(len(re.findall(r"(?<!\\)\|", row)) == width for row in body), header


def test_escape_markdown_examples():
    assert escape_markdown("<b>*x*</b> | [a](b)") == "\\<b>\\*x\\*\\</b> \\| \\[a\\](b)"
    # only what Markdown acts on is escaped: exemptions, comparisons and ampersands read as written
    assert escape_markdown("s24(2) & s31(3) > 1 < 2") == "s24(2) & s31(3) > 1 < 2"
    assert escape_markdown("&amp; &#60;") == "\\&amp; \\&#60;"
    assert escape_markdown("# Heading", line_start=True) == "\\# Heading"
    assert escape_markdown("> quote", line_start=True) == "\\> quote"
    assert escape_markdown("- starts like a list", line_start=True) == "\\- starts like a list"
    assert escape_markdown("1. starts like a list", line_start=True) == "1\\. starts like a list"
    assert escape_markdown("0.88 bits") == "0.88 bits"
    assert escape_markdown(0.25, "share") == "25%"


# --- JSON ----------------------------------------------------------------------------------------


def test_json_is_the_model(dossier):
    document = json.loads(render_report(dossier, "json"))
    assert document["kind"] == "response" and document["model_version"] == 1
    assert document["meta"]["as_of"] == "2022-03-14" and document["meta"]["workspace_hash"] == "fixture"
    assert {f["check"] for f in document["findings"]} >= {"peer_disclosure"}
    tables = [b for s in document["sections"] for b in s["blocks"] if b["type"] == "table"]
    assert any(t["id"] == "peers_exact" and len(t["rows"]) == 4 for t in tables)


# --- CSV and XLSX --------------------------------------------------------------------------------


def test_neutralise_cell_follows_owasp():
    for risky in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise_cell(risky) == "'" + risky
    assert neutralise_cell("s24(2)") == "s24(2)"


def test_csv_neutralises_text_and_keeps_numbers(dossier, fixture_inputs, findings_with_negative_metric):
    rows = list(csv.DictReader(io.StringIO(render_report(dossier, "csv").decode("utf-8"))))
    evil = [row for row in rows if "HYPERLINK" in row["evidence_authority"]]
    assert evil and all(row["evidence_authority"] == "'" + EVIL_NAME for row in evil)
    for row in rows:
        for key, value in row.items():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), (key, value)
    durham = next(
        row for row in rows if row["evidence_authority"] == "Durham Constabulary" and row["check"] == "peer_disclosure"
    )
    assert (durham["evidence_date"], durham["evidence_stance"], durham["evidence_grade"]) == (
        "2022-03-10",
        "deny",
        "official_peer",
    )

    literal = build_report(fixture_inputs, response_id=WEST_MERCIA_NCND, findings=findings_with_negative_metric)
    (row,) = list(csv.DictReader(io.StringIO(render_report(literal, "csv").decode("utf-8"))))
    assert row["days_late"] == "-2" and row["working_days"] == "18"  # numbers untouched
    assert row["summary"] == "'-2 working days: =1+1 answered early"
    assert (row["authority_name"], row["technology_name"], row["region"]) == (
        "'@West Mercia",
        "'+Cellshade",
        "'\tWest Midlands",
    )


def test_xlsx_writes_text_as_neutralised_text_and_numbers_as_numbers(
    tmp_path, dossier, fixture_inputs, findings_with_negative_metric
):
    path = tmp_path / "dossier.xlsx"
    write_report(dossier, "xlsx", path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:3] == ["About", "Findings", "Evidence"]
    evidence = book["Evidence"]
    header = [cell.value for cell in evidence[1]]
    column = header.index("evidence_authority")
    cells = [
        row[column] for row in evidence.iter_rows(min_row=2) if row[column].value and "HYPERLINK" in row[column].value
    ]
    assert cells and all(cell.value == "'" + EVIL_NAME and cell.data_type == "s" for cell in cells)
    assert all(cell.data_type != "f" for row in evidence.iter_rows() for cell in row)

    literal = build_report(fixture_inputs, response_id=WEST_MERCIA_NCND, findings=findings_with_negative_metric)
    write_report(literal, "xlsx", path)
    findings = openpyxl.load_workbook(path)["Findings"]
    header = [cell.value for cell in findings[1]]
    row = [cell for cell in findings[2]]
    assert row[header.index("days_late")].value == -2 and row[header.index("days_late")].data_type == "n"
    assert row[header.index("summary")].value == "'-2 working days: =1+1 answered early"


# --- PDF -----------------------------------------------------------------------------------------


def test_pdf_opens_and_holds_the_subject_and_the_evidence(dossier):
    data = render_report(dossier, "pdf")
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"\s+", " ", text)
    for expected in (
        "West Mercia Police",
        "Cellshade Mini",
        "Durham Constabulary",
        "Hertfordshire Constabulary",
        "Surrey Police",
        "Cheshire Constabulary",
    ):
        assert expected in text, expected
    assert "<script>alert" in text  # shown as text, as written
    assert "WME" in text  # the hex map's labels are in the PDF (it is drawn, not a blank figure)


# --- writing -------------------------------------------------------------------------------------


def test_write_report_replaces_only_the_given_file(tmp_path, dossier):
    target = tmp_path / "report.html"
    neighbour = tmp_path / "keep.txt"
    target.write_text("old")
    neighbour.write_text("untouched")
    write_report(dossier, "html", target)
    assert target.read_bytes() == render_report(dossier, "html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt", "report.html"]
    assert neighbour.read_text() == "untouched"


def test_write_report_refuses_missing_folders_folders_and_unknown_formats(tmp_path, dossier):
    with pytest.raises(MosaicError, match="does not exist"):
        write_report(dossier, "html", tmp_path / "missing" / "r.html")
    with pytest.raises(MosaicError, match="is a folder"):
        write_report(dossier, "html", tmp_path)
    with pytest.raises(MosaicError, match="unknown report format"):
        write_report(dossier, "docx", tmp_path / "r.docx")
    assert list(tmp_path.iterdir()) == []


def _commonmark(text: str) -> str:
    """The text a CommonMark parser (with GFM tables and strikethrough, as GitHub renders) makes of ``text``."""
    import html

    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)
    assert rendered.startswith("<p>") and rendered.endswith("</p>\n"), rendered
    inner = rendered[3:-5]
    assert "<" not in inner, f"markup in {inner!r}"  # no tag, link, emphasis or code survived
    return html.unescape(inner)


@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=60))
@settings(max_examples=400, deadline=None)
def test_escaped_markdown_reads_back_as_the_text_itself(text):
    expected = " ".join(text.split(" ")).strip()
    if not expected:
        return
    assert _commonmark(escape_markdown(text, line_start=True)) == expected
