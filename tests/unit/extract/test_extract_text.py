"""Documents to paragraphs: PDF running headers, footers and hyphenation; HTML; Markdown; e-mail."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from mosaic.errors import DataError
from mosaic.extract.text import join_lines, paragraphs_from_text, read_paragraphs


def test_pdf_paragraphs_come_back_exactly_as_written(documents, document_texts):
    """Every paragraph of the notice, with hyphenated line breaks mended, the running header kept once,
    page numbers dropped, and paragraph 9 (which runs over a page break) in one piece."""
    paragraphs = read_paragraphs(documents["ico_notice.pdf"])
    texts = [p.text for p in paragraphs]
    assert texts[0] == "Reference: IC-312345-A1B2"
    assert texts[1:] == [t.replace("\u2019", "'") for t in document_texts.ICO_PARAGRAPHS]
    assert sum("IC-312345-A1B2" in t for t in texts) == 1
    assert not any(t.strip().isdigit() for t in texts)
    ninth = next(p for p in paragraphs if p.text.startswith("9."))
    assert (ninth.page, ninth.where) == (2, "p.2 \u00b620")
    assert paragraphs[-1].page == 3


def test_the_fixture_pdf_really_has_hyphenated_line_breaks_and_running_lines(documents):
    """Guard for the test above: the raw PDF text has the artefacts that the reader removes."""
    from pypdf import PdfReader

    pages = [page.extract_text() for page in PdfReader(documents["ico_notice.pdf"]).pages]
    assert len(pages) == 3
    assert all(page.lstrip().startswith("Reference: IC-312345-A1B2") for page in pages)
    assert [page.rstrip().splitlines()[-1].strip() for page in pages] == ["1", "2", "3"]
    assert any(
        line.rstrip().endswith(("-",)) and line.rstrip()[-2].isalpha() for page in pages for line in page.splitlines()
    )


def test_join_lines_mends_hyphenation_only_before_lower_case():
    assert join_lines(["the requested informa-", "tion is held"]) == "the requested information is held"
    assert join_lines(["Police and Crime Commissioner -", "Kent"]) == "Police and Crime Commissioner - Kent"
    assert join_lines(["First-tier Tribunal (Information", "Rights)"]) == "First-tier Tribunal (Information Rights)"


def test_plain_text_paragraphs_split_at_blank_lines_numbers_and_headings():
    text = "Request and response\n4. On 11 June 2024, the complainant wrote\nto the force.\n5. It responded.\n\nScope of the case\n6. Fine."
    assert paragraphs_from_text(text) == [
        "Request and response",
        "4. On 11 June 2024, the complainant wrote to the force.",
        "5. It responded.",
        "Scope of the case",
        "6. Fine.",
    ]


def test_html_skips_navigation_and_breaks_at_blocks(tmp_path):
    page = tmp_path / "log.html"
    page.write_text(
        "<html><head><title>t</title><script>var x = 1;</script></head><body><nav>Home</nav>"
        "<p>Kent Police<br>FOI Unit</p><ul><li>one &amp; two</li><li>three</li></ul><footer>cookies</footer></body></html>",
        encoding="utf-8",
    )
    assert [p.text for p in read_paragraphs(page)] == ["Kent Police", "FOI Unit", "one & two", "three"]
    assert read_paragraphs(page)[2].where == "\u00b63"


def test_markdown_markers_are_removed(tmp_path):
    note = tmp_path / "note.md"
    note.write_text(
        "# Kent Police\n\n**Reference:** [FOI 12/24](https://x.example)\n\n> quoted *request*\n", encoding="utf-8"
    )
    assert [p.text for p in read_paragraphs(note)] == ["Kent Police", "Reference: FOI 12/24", "quoted request"]


def test_email_body_and_pdf_attachment_are_read_with_the_attachment_named(tmp_path, documents):
    message = EmailMessage()
    message["From"] = "foi@kent.police.uk"
    message["Subject"] = "Your request"
    message["Date"] = "Mon, 8 Jul 2024 09:00:00 +0100"
    message.set_content("Please find our response attached.")
    message.add_attachment(
        documents["ico_notice.pdf"].read_bytes(), maintype="application", subtype="pdf", filename="response.pdf"
    )
    path = tmp_path / "reply.eml"
    path.write_bytes(bytes(message))
    paragraphs = read_paragraphs(path)
    assert [p.text for p in paragraphs[:4]] == [
        "From: foi@kent.police.uk",
        "Date: Mon, 08 Jul 2024 09:00:00 +0100",
        "Subject: Your request",
        "Please find our response attached.",
    ]
    attached = paragraphs[4]
    assert (attached.text, attached.part, attached.page, attached.where) == (
        "Reference: IC-312345-A1B2", "response.pdf", 1, "response.pdf p.1 \u00b65",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"  \n", "empty.txt: the file is empty"),
        ("broken.pdf", b"%PDF-1.4 nothing else", "broken.pdf: cannot be read as a PDF"),
        ("binary.txt", b"\x00\x01\x02" * 100, "binary.txt: looks like a binary file"),
        ("letter.docx", b"PK\x03\x04", "letter.docx: unsupported document type .docx"),
    ],
)
def test_unreadable_documents_fail_with_one_line_naming_the_file(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DataError) as caught:
        read_paragraphs(path)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_a_pdf_without_a_text_layer_says_so(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 50, 50)  # a drawing, no text: what a scan without OCR looks like to a text reader
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(DataError, match=r"scan\.pdf: no text found \(a scanned PDF needs OCR first\)"):
        read_paragraphs(path)


# --- Unicode hyphens at a line break -----------------------------------------------------------------


@pytest.mark.parametrize("hyphen", ["\u2010", "\u2011", "\u00ad", "-"])
def test_unicode_hyphens_at_a_line_break_are_mended_in_text(hyphen):
    """Word processors and PDF text layers break words with U+2010 (hyphen), U+2011 (non-breaking hyphen)
    or U+00AD (soft hyphen), not only "-"."""
    text = f"1. The force relied on the exemp{hyphen}\ntions at sections 24(2) and 31(3)."
    assert paragraphs_from_text(text) == ["1. The force relied on the exemptions at sections 24(2) and 31(3)."]


def test_a_soft_hyphen_inside_a_line_is_invisible_and_dropped():
    assert paragraphs_from_text("The exemp\u00adtions apply.") == ["The exemptions apply."]


@pytest.mark.parametrize("hyphen", ["\u2010", "\u2011", "\u00ad"])
def test_unicode_hyphens_at_a_line_break_are_mended_in_a_pdf(tmp_path, hyphen):
    """The PDF's text layer carries the hyphen as written (a Unicode font keeps U+2010)."""
    from fpdf import FPDF

    font = _unicode_font()
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("uni", fname=str(font))
    pdf.set_font("uni", size=11)
    pdf.cell(0, 6, f"The public authority relied on the exemp{hyphen}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, "tions at sections 24(2) and 31(3).", new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "hyphen.pdf"
    pdf.output(str(path))
    assert [p.text for p in read_paragraphs(path)] == [
        "The public authority relied on the exemptions at sections 24(2) and 31(3)."
    ]


def _unicode_font():
    from pathlib import Path

    for candidate in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    ):
        if Path(candidate).is_file():
            return Path(candidate)
    import matplotlib

    bundled = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    if bundled.is_file():
        return bundled
    pytest.skip("no Unicode TrueType font on this machine")


# --- forwarded e-mails -------------------------------------------------------------------------------


def _forwarded(inner: EmailMessage, note: str = "Forwarding the force's answer, see below.") -> EmailMessage:
    outer = EmailMessage()
    outer["From"] = "requester@example.org"
    outer["Subject"] = "Fwd: FOI request 2024/0777: drones"
    outer["Date"] = "Mon, 15 Jul 2024 08:00:00 +0100"
    outer.set_content(note)
    outer.add_attachment(inner)  # message/rfc822
    return outer


def _force_reply(body: str) -> EmailMessage:
    inner = EmailMessage()
    inner["From"] = "Freedom of Information <foi@lincs.police.uk>"
    inner["Subject"] = "FOI request 2024/0777: drones"
    inner["Date"] = "Fri, 12 Jul 2024 10:31:00 +0100"
    inner.set_content(body)
    return inner


def test_a_forwarded_message_attached_as_rfc822_is_read(tmp_path, document_texts):
    body = document_texts.EMAIL_LETTER.split("\n\n", 1)[1]  # the letter without its own headers
    path = tmp_path / "forwarded.eml"
    path.write_bytes(bytes(_forwarded(_force_reply(body))))
    texts = [p.text for p in read_paragraphs(path)]
    assert "Lincolnshire Police" in texts
    assert (
        "I can confirm that Lincolnshire Police uses drones. The force operates four DJI Matrice 300 RTK aircraft; the purchase invoices are attached."
        in texts
    )

    from mosaic.extract import extract_document

    extraction = extract_document(path)
    assert extraction.value("authority") == "Lincolnshire Police"
    assert extraction.value("technology") == "Drones"
    assert extraction.value("outcome") == "I can confirm that Lincolnshire Police uses drones."
    # the force's letter is dated by the forwarded message, not by the day it was forwarded
    assert extraction.value("response_date") == "12 Jul 2024"


def test_attachments_of_a_forwarded_message_are_read_with_their_names(tmp_path, documents):
    inner = _force_reply("Please find our response attached.")
    inner.add_attachment(
        documents["ico_notice.pdf"].read_bytes(), maintype="application", subtype="pdf", filename="response.pdf"
    )
    path = tmp_path / "forwarded.eml"
    path.write_bytes(bytes(_forwarded(inner)))
    paragraphs = read_paragraphs(path)
    assert "Please find our response attached." in [p.text for p in paragraphs]
    attached = [p for p in paragraphs if p.part == "response.pdf"]
    assert attached and attached[0].text == "Reference: IC-312345-A1B2"


def test_forwarded_messages_are_followed_only_to_a_bounded_depth(tmp_path):
    message = _force_reply("The force does not hold any information about drones.")
    for _ in range(12):
        message = _forwarded(message, "Fwd.")
    path = tmp_path / "deep.eml"
    path.write_bytes(bytes(message))
    texts = [p.text for p in read_paragraphs(path)]  # no RecursionError, no endless loop
    assert "The force does not hold any information about drones." not in texts
    assert texts.count("Fwd.") >= 2
