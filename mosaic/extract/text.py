"""Turn a document file (text, Markdown, HTML, PDF, e-mail) into numbered paragraphs with their page.

Everything the extractor finds is cited back to a paragraph (and, for a PDF, a page), so a reader can
check each field against the letter. Why the work below is needed at all:

* **PDF** text comes out line by line, with the running header ("Reference: IC-312345-A1B2") and footer
  (the page number) on every page, words split by a hyphen at the end of a line, and a paragraph that
  runs over a page break cut in two. pypdf's layout mode keeps vertical gaps as blank lines, so
  paragraphs are the runs of lines between blank lines; running headers and footers are the first and
  last lines of a page that recur on other pages (digits ignored) or are bare page numbers, and are
  dropped; a paragraph that ends a page without closing punctuation and a next page that starts in lower
  case are joined.
* **HTML** (a disclosure-log page) is read with the standard library's parser: block elements end a
  paragraph, ``script``/``style``/``nav``/``header``/``footer`` are skipped.
* **Markdown and text**: blank lines separate paragraphs; Markdown markers (``#``, ``**``, links) are
  removed, keeping their text.
* **E-mail** (``.eml``, as request platforms deliver responses): the text or HTML body, then the text of
  any PDF, text or HTML attachment, each cited by its file name; a forwarded message attached whole
  (``message/rfc822``) is read the same way, with its own attachments, a few levels deep at most.

A numbered paragraph ("4. On 11 June 2024 ...") always starts a new paragraph, as do short heading
lines, because ICO decision notices are numbered paragraphs under standard headings.
"""

from __future__ import annotations

import email
import email.message
import email.policy
import io
import logging
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import charset_normalizer

from mosaic.errors import DataError

__all__ = ["DOCUMENT_SUFFIXES", "Paragraph", "read_paragraphs", "paragraphs_from_text"]

#: File types the extractor reads.
DOCUMENT_SUFFIXES = frozenset({".txt", ".md", ".html", ".htm", ".pdf", ".eml"})


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a document, with where it was found."""

    text: str
    """The paragraph's text on one line: lines joined, hyphenated words mended, spaces collapsed."""
    index: int
    """1-based position among the document's paragraphs (headings count)."""
    page: int | None = None
    """1-based page of a PDF where the paragraph starts; None for other formats."""
    part: str | None = None
    """E-mail attachment the paragraph comes from (None for the body or a plain file)."""

    @property
    def where(self) -> str:
        """Provenance as a reader would cite it: ``p.2 ¶14``, ``¶3``, ``letter.pdf p.1 ¶2``."""
        place = f"p.{self.page} \u00b6{self.index}" if self.page is not None else f"\u00b6{self.index}"
        return f"{self.part} {place}" if self.part else place


def read_paragraphs(path: Path) -> list[Paragraph]:
    """Read one document file into paragraphs.

    Raises:
        DataError: the file is missing, empty, of an unsupported type, not readable as its type, or has no
            text at all (a scanned PDF without a text layer). One line naming the file.
    """
    name = path.name
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    data = path.read_bytes()
    if not data.strip():
        raise DataError(f"{name}: the file is empty")
    blocks = _blocks_of(name, path.suffix.lower(), data)
    paragraphs = _number(blocks)
    if not paragraphs:
        raise DataError(f"{name}: no text found (a scanned PDF needs OCR first)")
    return paragraphs


# A block is (text, page, part) before numbering.
_Block = tuple[str, int | None, str | None]


def _blocks_of(name: str, suffix: str, data: bytes, part: str | None = None) -> list[_Block]:
    if suffix == ".pdf":
        return [(text, page, part) for text, page in _pdf_blocks(name, data)]
    if suffix in (".html", ".htm"):
        return [(text, None, part) for text in _html_blocks(_decode(name, data))]
    if suffix == ".eml":
        return _email_blocks(name, data)
    if suffix in (".txt", ".md", ".text", ".markdown"):
        text = _decode(name, data)
        if suffix in (".md", ".markdown"):
            text = _strip_markdown(text)
        return [(t, None, part) for t in paragraphs_from_text(text)]
    supported = ", ".join(sorted(DOCUMENT_SUFFIXES))
    raise DataError(f"{name}: unsupported document type {suffix or '(none)'}; supported: {supported}")


def _number(blocks: list[_Block]) -> list[Paragraph]:
    return [Paragraph(text=t, index=i, page=page, part=part) for i, (t, page, part) in enumerate(blocks, start=1)]


def _decode(name: str, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:4096]:
        raise DataError(f"{name}: looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise DataError(f"{name}: cannot tell the text encoding; save it as UTF-8 and try again")
    return str(best)


# --- plain text -------------------------------------------------------------------------------------

_NUMBERED = re.compile(r"^\s*(?:\d{1,3}[.)]|\(\d{1,3}\)|\(?[a-z][.)]|[\u2022\u25cf\u25aa*\-\u2013])\s+\S")
_TERMINAL = re.compile(r"[.:;!?\"\u201d')\]]\s*$")
_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u2009]+")


def paragraphs_from_text(text: str) -> list[str]:
    """Split plain text into paragraphs: blank lines separate them, and so do numbered or bulleted lines
    and short heading-like lines; lines within a paragraph are joined, mending end-of-line hyphenation.

    Example:
        >>> paragraphs_from_text("1. The complainant asked for informa-\\ntion.\\n2. It refused.")
        ['1. The complainant asked for information.', '2. It refused.']
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    # A soft hyphen is invisible: where it ends a line it marks a word broken there (kept for the mending
    # below, which then joins the two halves), anywhere else it is dropped.
    text = _SOFT_HYPHEN_INSIDE.sub("", text)
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            joined = join_lines(current)
            if joined:
                paragraphs.append(joined)
            current.clear()

    for raw_line in text.split("\n"):
        line = _SPACES.sub(" ", raw_line).strip()
        if not line:
            flush()
            continue
        if current and (_NUMBERED.match(line) or _is_heading(current[-1]) and not _continues(current[-1], line)):
            flush()
        current.append(line)
    flush()
    return paragraphs


def _is_heading(line: str) -> bool:
    """A short line without closing punctuation, starting with a capital: a heading on its own line."""
    words = line.split()
    return (
        0 < len(words) <= 8
        and len(line) <= 70
        and not _TERMINAL.search(line)
        and line[0].isupper()
        and not line.endswith((*HYPHENS, ","))
    )


def _continues(previous: str, line: str) -> bool:
    """Whether ``line`` carries on the sentence of ``previous`` (it starts in lower case, or previous ends with a hyphen)."""
    return line[:1].islower() or previous.endswith(HYPHENS)


#: Characters that break a word at a line end: hyphen-minus, U+2010 hyphen, U+2011 non-breaking hyphen
#: and U+00AD soft hyphen (word processors and PDF text layers use all of them).
HYPHENS = ("-", "\u2010", "\u2011", "\u00ad")
_HYPHEN_BREAK = re.compile(r"(?<=[A-Za-z])[\-\u2010\u2011\u00ad]$")
_SOFT_HYPHEN_INSIDE = re.compile(r"\u00ad(?![ \t]*\n)")


def join_lines(lines: list[str]) -> str:
    """Join the lines of one paragraph into one line, mending words split by a hyphen at a line end.

    A line ending in ``letter-`` followed by a line starting in lower case is one word broken by the
    typesetter ("informa-" + "tion"); the hyphen is dropped. A real compound split at its hyphen
    ("long-" + "term") is mended the same way: without a dictionary the two cannot be told apart, and a
    lost hyphen harms matching far less than a word cut in two. U+2010 and U+2011 count as "-"; a soft
    hyphen (U+00AD) only ever marks a break, so the halves are joined whatever the next letter, and a
    soft hyphen left anywhere else is dropped.
    """
    out = ""
    for line in lines:
        if not out:
            out = line
        elif _HYPHEN_BREAK.search(out) and (line[:1].islower() or out.endswith("\u00ad")):
            out = out[:-1] + line
        else:
            out = f"{out} {line}"
    return _SPACES.sub(" ", out.replace("\u00ad", "")).strip()


# --- Markdown ---------------------------------------------------------------------------------------

_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_MD_LINE_MARK = re.compile(r"^[ \t]{0,3}(?:#{1,6}[ \t]+|>[ \t]?)", re.MULTILINE)


def _strip_markdown(text: str) -> str:
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_LINE_MARK.sub("", text)
    for _ in range(2):
        text = _MD_EMPHASIS.sub(r"\2", text)
    return text


# --- HTML -------------------------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article",
     "blockquote", "dd", "dt", "dl", "pre", "address", "main", "body", "html", "title", "td", "th"}
)  # fmt: skip
_SKIP_TAGS = frozenset({"script", "style", "nav", "header", "footer", "noscript", "template", "svg", "head"})


class _TextCollector(HTMLParser):
    """Collects text, breaking paragraphs at block elements and ``<br>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.skipping = 0
        self.title_seen = False

    def _break(self) -> None:
        text = _SPACES.sub(" ", " ".join(self.current).replace("\n", " ").replace("\u00ad", "")).strip()
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS or tag == "br":
            self._break()

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag == "br":
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self._break()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.current.append(data)


def _html_blocks(html: str) -> list[str]:
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    collector._break()
    return collector.blocks


# --- PDF --------------------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$|^-\s*\d{1,4}\s*-$", re.IGNORECASE)
_EDGE_LINES = 3


def _pdf_blocks(name: str, data: bytes) -> list[tuple[str, int]]:
    """Paragraphs of a PDF with their page, running headers and footers removed."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs recoverable damage ("EOF marker not found") as warnings on stderr; a file it cannot
    # read at all still raises below, and becomes one DataError line.
    logging.getLogger("pypdf").setLevel(logging.ERROR)

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        pages = [page.extract_text(extraction_mode="layout") or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise DataError(
            f"{name}: cannot be read as a PDF ({str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__})"
        ) from None
    page_lines = [[_SPACES.sub(" ", line).strip() for line in text.split("\n")] for text in pages]
    running = _running_lines(page_lines)
    blocks: list[tuple[str, int]] = []
    for page_number, lines in enumerate(page_lines, start=1):
        # A running header such as "Reference: IC-312345-A1B2" carries a field: keep it on the first page.
        kept = _drop_edges(lines, running, keep_once=page_number == 1)
        paragraphs = paragraphs_from_text("\n".join(kept))
        if paragraphs and blocks and _runs_over(blocks[-1][0], paragraphs[0]):
            text, page = blocks.pop()
            paragraphs[0] = join_lines([text, paragraphs[0]])
            blocks.append((paragraphs.pop(0), page))
        blocks.extend((p, page_number) for p in paragraphs)
    return blocks


def _edge_key(line: str) -> str:
    return re.sub(r"\d+", "#", line.casefold())


def _edges(lines: list[str]) -> list[str]:
    content = [line for line in lines if line]
    return content[:_EDGE_LINES] + content[-_EDGE_LINES:]


def _running_lines(page_lines: list[list[str]]) -> set[str]:
    """Keys of lines near a page's top or bottom that recur on at least half the pages (two or more)."""
    if len(page_lines) < 2:
        return set()
    counts: dict[str, int] = {}
    for lines in page_lines:
        for key in {_edge_key(line) for line in _edges(lines)}:
            counts[key] = counts.get(key, 0) + 1
    needed = max(2, (len(page_lines) + 1) // 2)
    return {key for key, count in counts.items() if count >= needed}


def _drop_edges(lines: list[str], running: set[str], *, keep_once: bool = False) -> list[str]:
    """Blank out a page's running header/footer lines and bare page numbers at its top and bottom.

    With ``keep_once`` (the first page), running lines that say something (not a page number) stay, as
    their own paragraph, so a reference printed in every page's header is still read once.
    """
    kept = list(lines)
    content = [i for i, line in enumerate(lines) if line]
    edge_positions = sorted(set(content[:_EDGE_LINES] + content[-_EDGE_LINES:]))
    for i in edge_positions:
        line = lines[i]
        if _PAGE_NUMBER.match(line):
            kept[i] = ""
        elif _edge_key(line) in running:
            kept[i] = "" if not keep_once else f"\n{line}\n"
    return kept


def _runs_over(previous: str, first: str) -> bool:
    """Whether a page's first paragraph continues the last one of the previous page."""
    if _NUMBERED.match(first) or _is_heading(first):
        return False
    return not _TERMINAL.search(previous) or first[:1].islower()


# --- e-mail -----------------------------------------------------------------------------------------


#: How many forwarded messages deep (a message attached to a message...) an e-mail is read.
MAX_FORWARD_DEPTH = 4


def _email_blocks(name: str, data: bytes) -> list[_Block]:
    message = email.message_from_bytes(data, policy=email.policy.default)
    header_count = len(_header_lines(message))
    blocks = _message_blocks(name, message, part=None, depth=0)
    if len(blocks) == header_count:
        raise DataError(f"{name}: the e-mail has no text body or readable attachment")
    return blocks


_FORWARD_SUBJECT = re.compile(r"^\s*(?:fwd?|fw)\s*:", re.IGNORECASE)


def _header_lines(message) -> list[str]:
    """From, Date and Subject as lines. The Date of a message that forwards another ("Fwd: ..." with a
    ``message/rfc822`` part) is when it was forwarded, not when the letter was sent: it is shown as
    "Forwarded:", so the forwarded message's own Date is the one read as the letter's."""
    forwards = bool(_FORWARD_SUBJECT.match(str(message["Subject"] or ""))) and any(
        part.get_content_type() == "message/rfc822" for part in message.iter_attachments()
    )
    labels = {"From": "From", "Date": "Forwarded" if forwards else "Date", "Subject": "Subject"}
    return [f"{labels[key]}: {message[key]}" for key in ("From", "Date", "Subject") if message[key]]


def _message_blocks(name: str, message, part: str | None, depth: int) -> list[_Block]:
    """A message's From/Date/Subject, its text or HTML body, then its attachments: PDF, text and HTML
    files, and forwarded messages (``message/rfc822``), read the same way up to ``MAX_FORWARD_DEPTH``
    levels down. A forwarded message's paragraphs are cited as ``forwarded message`` (or the file name
    it was attached under), its own attachments by their file names."""
    blocks: list[_Block] = [(line, None, part) for line in _header_lines(message)]
    body = message.get_body(preferencelist=("plain", "html"))
    if body is not None:
        content = body.get_content()
        if body.get_content_type() == "text/html":
            blocks.extend((t, None, part) for t in _html_blocks(content))
        else:
            blocks.extend((t, None, part) for t in paragraphs_from_text(content))
    for attachment in message.iter_attachments():
        if attachment.get_content_type() == "message/rfc822":
            if depth >= MAX_FORWARD_DEPTH:
                continue
            forwarded = attachment.get_content()
            if not isinstance(forwarded, email.message.Message):  # a malformed part: nothing to read
                continue
            label = attachment.get_filename() or "forwarded message"
            blocks.extend(_message_blocks(name, forwarded, part=label, depth=depth + 1))
            continue
        filename = attachment.get_filename() or "attachment"
        suffix = Path(filename).suffix.lower()
        if suffix not in {".pdf", ".txt", ".html", ".htm", ".md"}:
            continue
        payload = attachment.get_payload(decode=True) or b""
        if not payload.strip():
            continue
        blocks.extend(_blocks_of(f"{name}: {filename}", suffix, payload, part=filename))
    return blocks
