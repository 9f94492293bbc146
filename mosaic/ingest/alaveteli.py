"""Read what WhatDoTheyKnow (an Alaveteli site) publishes: request JSON, feed JSON and correspondence ZIPs.

People who send one question to every police force mostly do it on WhatDoTheyKnow as a batch request.
The site publishes each request as JSON and offers each request's correspondence as a ZIP; this module
reads both as they are, so nobody has to copy answers into a spreadsheet by hand.

**The JSON formats** are defined by Alaveteli's own ``json_for_api`` methods (mysociety/alaveteli at
commit 351eb61e0619a6f462bfc6f823c93cc42251d573):

* a request page's ``.json`` (``RequestController#show``, ``InfoRequest#json_for_api(true)`` in
  ``app/models/info_request.rb``): ``id``, ``url_title``, ``title``, ``created_at``, ``updated_at``,
  ``described_state``, ``display_status``, ``awaiting_description``, ``prominence``, ``law_used``,
  ``tags`` (``[name, value]`` pairs), ``user`` or ``user_name``, ``public_body`` and
  ``info_request_events``;
* each event (``InfoRequestEvent#json_for_api`` in ``app/models/info_request_event.rb``): ``id``,
  ``event_type`` (``sent``, ``resent``, ``followup_sent``, ``response``, ``status_update``...),
  ``created_at``, ``described_state``, ``calculated_state``, ``last_described_at``,
  ``incoming_message_id``, ``outgoing_message_id``, ``comment_id``, ``display_status`` (messages only),
  ``snippet`` (search feeds only: an excerpt of the message text with the search words highlighted);
* a feed's ``.json`` (``TrackController#atom_feed_internal``): a list of events, each with the shallow
  ``info_request`` (no events), ``public_body`` and ``user``;
* a public body (``PublicBody#json_for_api`` in ``app/models/public_body.rb``): ``id``, ``url_name``,
  ``name``, ``short_name``, ``created_at``, ``updated_at``, ``home_page``, ``notes``,
  ``publication_scheme``, ``disclosure_log``, ``tags``, ``info``. Its ``url_name`` is the site's slug of
  the body's short name (or name when it has none): lower case, spaces, hyphens and underscores as one
  ``_``, other characters dropped (``MySociety::Format.simplify_url_part``), e.g. ``kent_police``.

One request becomes one row, however many events or list items carry it (a feed repeats a request once
per event). Its cells: ``authority`` (the body's ``url_name``, else its name: both resolve against the
register, where WhatDoTheyKnow's url_names are aliases), ``technology`` (a taxonomy term named in the
title, else blank so that ``--set technology=`` fills it; a row naming none is quarantined like a CSV
row), ``request_id`` (``wdtk:<slug of the title>``: WhatDoTheyKnow gives a batch request the same title
for every body, so one question to many forces is one request reference), ``request_date`` (the
``sent`` event; else the request's ``created_at``, noted), ``response_date`` (the first ``response``
event the platform classified as an answer; else the first ``response`` event, noted: the first one
is often only an acknowledgement), ``outcome`` (``described_state``, read through the crosswalk in
:data:`mosaic.normalise.outcomes.ALAVETELI_STATES`; where letter text is present and the state is
``rejected`` or the letter neither confirms nor denies, the letter's answer decides) and ``source_url``
(``https://www.whatdotheyknow.com/request/<url_title>``). The rest (title, states, law, tags, the
body's name and url_name, provenance) is kept in ``extra``. Rows are numbered by list item (1-based,
the first item that carries the request; a single request is row 1). Times are converted to UK dates.

**The correspondence ZIP** (``RequestController#download_entire_request`` and ``make_request_zip`` in
``app/controllers/request_controller.rb``, served as ``<url_title>.zip``) holds ``correspondence.txt``
(the thread rendered by ``app/views/request/show.text.erb``: a first line naming the title and the
request's URL, then one block per message after a line of dashes, each with ``From:``, ``To:`` and
``Date:`` lines, the body and ``Attachment: name (size)`` lines); before November 2025 (commit
ef8ffb49d, "Drop wkhtmltox") it could be ``correspondence.pdf`` instead. Each readable incoming
message's attachments follow as ``<message number>_<part number>_<file name>``. The ZIP becomes one
response: the first incoming message (with its PDF, text and HTML attachments) from which the letter
extractor reads an answer, else the last one, is read by :mod:`mosaic.extract`; the thread itself gives
the authority (the request's ``To:``), the request and response dates and the source URL.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from mosaic.errors import DataError

__all__ = [
    "CORRESPONDENCE_NAMES",
    "WDTK_REQUEST_URL",
    "is_correspondence_zip",
    "looks_like_json",
    "read_alaveteli_json",
    "read_correspondence_zip",
]

#: Where a request's page lives; ``url_title`` completes it.
WDTK_REQUEST_URL = "https://www.whatdotheyknow.com/request/{}"
#: The thread file of a correspondence download (``.pdf`` before Alaveteli dropped wkhtmltox in 2025).
CORRESPONDENCE_NAMES = ("correspondence.txt", "correspondence.pdf")

_UK = ZoneInfo("Europe/London")
_SENT_EVENTS = ("sent",)
_RESPONSE_EVENT = "response"
#: Event states that mean an incoming message was only an acknowledgement, a clarification or a holding
#: reply, not the answer: the response date is the first response classified otherwise.
_NOT_AN_ANSWER = frozenset(
    {
        "waiting_response",
        "waiting_response_overdue",
        "waiting_response_very_overdue",
        "waiting_clarification",
        "waiting_classification",
        "internal_review",
    }
)
#: Cells of a platform row: ingest's field names first, then extra columns (kept in ``extra``).
JSON_COLUMNS: tuple[str, ...] = (
    "authority", "technology", "request_id", "request_date", "response_date", "outcome", "exemptions",
    "source_url", "title", "url_title", "wdtk_request_id", "wdtk_body_name", "wdtk_body_url_name",
    "wdtk_described_state", "wdtk_display_status", "law_used", "tags", "letter_text", "provenance",
)  # fmt: skip


# --- detection ------------------------------------------------------------------------------------


def looks_like_json(data: bytes, suffix: str) -> bool:
    """Whether a file should be read as JSON: a ``.json`` name, or text that starts like a JSON document."""
    if suffix == ".json":
        return True
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] in (b"{", b"[")


def is_correspondence_zip(data: bytes) -> bool:
    """Whether ``data`` is a ZIP holding a WhatDoTheyKnow ``correspondence.txt`` or ``.pdf``."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(name in CORRESPONDENCE_NAMES for name in archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


# --- JSON -----------------------------------------------------------------------------------------


def parse_json(name: str, data: bytes) -> Any:
    """The JSON document in ``data``; malformed JSON is one ``DataError`` line with its position."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{name}: not UTF-8 JSON (byte {exc.start} cannot be decoded)") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{name}: malformed JSON at line {exc.lineno} column {exc.colno} ({exc.msg})") from None


def is_alaveteli_document(document: Any) -> bool:
    """A request, an event with its request, or a non-empty list whose first item is one of those."""
    if isinstance(document, list):
        return bool(document) and _item_kind(document[0]) is not None
    return _item_kind(document) is not None


def _item_kind(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    if isinstance(item.get("info_request"), dict) and "event_type" in item:
        return "event"
    if "url_title" in item and "described_state" in item:
        return "request"
    return None


@dataclass
class _Request:
    """One request gathered from the items that carry it."""

    row: int
    request: dict[str, Any]
    body: dict[str, Any] | None
    events: list[dict[str, Any]] = field(default_factory=list)


def read_alaveteli_json(name: str, document: Any):
    """Read a parsed request, list of requests, or feed into a ``RawTable`` (one row per request).

    Raises:
        DataError: the document is not Alaveteli JSON at all (one line saying what was expected).
    """
    from mosaic.ingest.readers import ROW_COLUMN, RawTable, _empty_ragged

    if not is_alaveteli_document(document):
        raise DataError(
            f"{name}: JSON but not WhatDoTheyKnow/Alaveteli request data (expected a request with url_title and "
            "described_state, a list of them, or a feed: a list of events each with info_request and public_body)"
        )
    items = document if isinstance(document, list) else [document]
    requests: dict[str, _Request] = {}
    ragged: list[dict[str, Any]] = []
    for index, item in enumerate(items, start=1):
        kind = _item_kind(item)
        if kind is None:
            what = (
                type(item).__name__
                if not isinstance(item, dict)
                else "an object without url_title/described_state or info_request/event_type"
            )
            ragged.append(
                {
                    "source_row": index,
                    "reason": f"item {index} ($[{index - 1}]) is not a WhatDoTheyKnow request or event ({what})",
                    "raw": json.dumps(item, ensure_ascii=False, default=str)[:2000],
                }
            )
            continue
        request = item["info_request"] if kind == "event" else item
        key = str(request.get("id") or request.get("url_title") or f"item-{index}")
        gathered = requests.get(key)
        if gathered is None:
            gathered = requests[key] = _Request(
                row=index,
                request=request,
                body=item.get("public_body") if isinstance(item.get("public_body"), dict) else None,
            )
        if gathered.body is None and isinstance(item.get("public_body"), dict):
            gathered.body = item["public_body"]
        if kind == "event":
            gathered.events.append(item)
        for event in request.get("info_request_events") or []:
            if isinstance(event, dict):
                gathered.events.append(event)
    rows = [_request_cells(r) for r in requests.values()]
    frame = (
        pl.DataFrame(rows, schema={c: pl.String for c in JSON_COLUMNS}, orient="row")
        if rows
        else pl.DataFrame(schema={c: pl.String for c in JSON_COLUMNS})
    )
    frame = frame.with_columns(pl.Series(ROW_COLUMN, [r.row for r in requests.values()], dtype=pl.Int64))
    ragged_frame = pl.DataFrame(ragged, schema=_empty_ragged().schema) if ragged else _empty_ragged()
    return RawTable(source_file=name, header=list(JSON_COLUMNS), frame=frame, ragged=ragged_frame, encoding="utf-8")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def uk_date(value: Any) -> str | None:
    """An Alaveteli timestamp (``2024-06-11T10:15:30.123+01:00``) as the UK calendar date it fell on.

    A value that is not an ISO timestamp is returned as written, so ingest's date cleaner reads it or
    turns it into an issue row.
    """
    text = _text(value)
    if text is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(_UK)
    return moment.date().isoformat()


def _sorted_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Distinct events (by id) in time order (ISO timestamps sort as text within one offset; ties keep order)."""
    seen: dict[Any, dict[str, Any]] = {}
    for position, event in enumerate(events):
        seen.setdefault(event.get("id", f"#{position}"), event)
    return sorted(
        seen.values(), key=lambda e: (uk_date(e.get("created_at")) or "9999", _text(e.get("created_at")) or "")
    )


def _request_cells(gathered: _Request) -> list[str | None]:
    from mosaic.extract.fields import HIGH, technology_from
    from mosaic.extract.text import Paragraph
    from mosaic.normalise.names import slugify

    request, body = gathered.request, gathered.body or {}
    events = _sorted_events(gathered.events)
    provenance: list[str] = []
    title = _text(request.get("title"))
    url_title = _text(request.get("url_title"))

    sent = next((e for e in events if e.get("event_type") in _SENT_EVENTS), None)
    if sent is not None:
        request_date = uk_date(sent.get("created_at"))
        provenance.append("request_date sent event")
    else:
        request_date = uk_date(request.get("created_at"))
        if request_date:
            provenance.append("request_date created_at (no sent event)")
    responses = [e for e in events if e.get("event_type") == _RESPONSE_EVENT]
    answer = next(
        (
            e
            for e in responses
            if (e.get("described_state") or e.get("calculated_state"))
            and (e.get("described_state") or e.get("calculated_state")) not in _NOT_AN_ANSWER
        ),
        None,
    )
    state = _text(request.get("described_state"))
    response_date = None
    if answer is not None:
        response_date = uk_date(answer.get("created_at"))
        provenance.append("response_date first answering response event")
    elif responses and state not in ("waiting_response", None):
        response_date = uk_date(responses[0].get("created_at"))
        provenance.append("response_date first response event (none classified)")

    technology = None
    if title:
        found = technology_from([Paragraph(text=title, index=1)], HIGH)
        if found is not None and found.kept:
            technology = found.value
            provenance.append("technology title")

    letter = " ".join(_strip_html(e["snippet"]) for e in responses if _text(e.get("snippet"))) or None
    outcome, exemptions = state, None
    if letter:
        read = _letter_reading(letter)
        if read is not None and (state == "rejected" or read[2] in ("ncnd", "ncnd_partial")):
            outcome, exemptions = read[0], read[1]
            provenance.append("outcome letter text" + (f" (described_state {state})" if state else ""))
    if outcome == state and state:
        provenance.append("outcome described_state")

    authority = _text(body.get("url_name")) or _text(body.get("name"))
    tags = request.get("tags") or []
    tag_text = (
        "; ".join(
            ":".join(str(p) for p in pair if p not in (None, "")) if isinstance(pair, list) else str(pair)
            for pair in tags
        )
        or None
    )
    return [
        authority,
        technology,
        f"wdtk:{slugify(title)}" if title else None,
        request_date,
        response_date,
        outcome,
        exemptions,
        WDTK_REQUEST_URL.format(url_title) if url_title else None,
        title,
        url_title,
        _text(request.get("id")),
        _text(body.get("name")),
        _text(body.get("url_name")),
        state,
        _text(request.get("display_status")),
        _text(request.get("law_used")),
        tag_text,
        letter,
        "; ".join(provenance) or None,
    ]


class _Stripper(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _strip_html(text: str) -> str:
    stripper = _Stripper()
    stripper.feed(text)
    stripper.close()
    return " ".join("".join(stripper.parts).split())


def _letter_reading(text: str) -> tuple[str, str | None, str] | None:
    """(answer text, exemptions text, outcome) the letter extractor reads in ``text``, or None."""
    from mosaic.extract import extract_paragraphs
    from mosaic.extract.text import Paragraph, paragraphs_from_text
    from mosaic.normalise.exemptions import exemption_codes
    from mosaic.normalise.outcomes import classify_outcome_rows

    paragraphs = [Paragraph(text=t, index=i) for i, t in enumerate(paragraphs_from_text(text), start=1)]
    if not paragraphs:
        return None
    extraction = extract_paragraphs(paragraphs, "letter")
    answer, cited = extraction.value("outcome"), extraction.value("exemptions")
    if answer is None:
        return None
    codes = exemption_codes(cited or "")
    outcome = classify_outcome_rows(
        pl.Series([answer], dtype=pl.String), pl.Series([codes], dtype=pl.List(pl.String))
    ).item(0, "outcome")
    return answer, cited, outcome


# --- correspondence ZIP ---------------------------------------------------------------------------

_SEPARATOR = re.compile(r"^-{20,}\s*$")
_INTRO = re.compile(
    r'request\s+"(?P<title>.+?)"\.?\s+The latest, full version is available online at\s+(?P<url>\S+?)\.?\s*$',
    re.IGNORECASE | re.DOTALL,
)
_ATTACHMENT_MEMBER = re.compile(r"^(?P<message>\d+)_(?P<part>\d+)_(?P<file>.+)$")
_ATTACHMENT_LINE = re.compile(r"^Attachment:\s")
_READABLE = frozenset({".pdf", ".txt", ".html", ".htm", ".md"})


@dataclass
class _Message:
    """One block of ``correspondence.txt`` (a message, a re-send note or an annotation)."""

    sender: str | None
    recipient: str | None
    date: str | None
    body: list[str]


def _split_thread(text: str) -> tuple[str, list[_Message]]:
    """The intro paragraph and the message blocks of ``correspondence.txt``."""
    blocks: list[list[str]] = [[]]
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if _SEPARATOR.match(line):
            blocks.append([])
        else:
            blocks[-1].append(line)
    intro = " ".join(" ".join(blocks[0]).split())
    messages = []
    for lines in blocks[1:]:
        headers: dict[str, str] = {}
        body_start = 0
        for position, line in enumerate(lines):
            match = re.match(r"^(From|To|Date):\s?(.*)$", line.strip())
            if match and match.group(1) not in headers:
                headers[match.group(1)] = match.group(2).strip()
                body_start = position + 1
            elif headers and line.strip():
                break
        messages.append(_Message(headers.get("From"), headers.get("To"), headers.get("Date"), lines[body_start:]))
    return intro, messages


def read_correspondence_zip(name: str, data: bytes):
    """Read a WhatDoTheyKnow correspondence download into a one-row document ``RawTable``.

    Raises:
        DataError: not a ZIP, or a ZIP without ``correspondence.txt``/``.pdf``; one line naming the file.
    """
    from mosaic.extract import ISSUE_FRAME_SCHEMA, extract_paragraphs, issue_rows, record
    from mosaic.extract.fields import HIGH, technology_from
    from mosaic.extract.text import Paragraph, _blocks_of, _number, paragraphs_from_text
    from mosaic.ingest.readers import ROW_COLUMN, RawTable
    from mosaic.normalise.names import slugify

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError) as exc:
        raise DataError(f"{name}: cannot be read as a ZIP ({str(exc).strip() or type(exc).__name__})") from None
    thread_name = next((n for n in CORRESPONDENCE_NAMES if n in members), None)
    if thread_name is None:
        raise DataError(
            f"{name}: a ZIP without correspondence.txt or correspondence.pdf, so not a WhatDoTheyKnow correspondence download"
        )
    attachments: dict[int, list[tuple[str, bytes]]] = {}
    for member, content in sorted(members.items()):
        match = _ATTACHMENT_MEMBER.match(PurePosixPath(member).name)
        if match:
            attachments.setdefault(int(match.group("message")), []).append((PurePosixPath(member).name, content))

    def attachment_blocks(number: int) -> list[tuple[str, int | None, str | None]]:
        blocks = []
        for file_name, content in attachments.get(number, []):
            suffix = PurePosixPath(file_name).suffix.lower()
            if suffix in _READABLE and content.strip():
                try:
                    blocks.extend(_blocks_of(f"{name}: {file_name}", suffix, content, part=file_name))
                except DataError:
                    continue  # an unreadable attachment: the letter text is still read
        return blocks

    url_title = re.sub(r"\s*\(\d+\)$", "", PurePosixPath(name).stem)
    title = None
    provenance: list[str] = []
    chosen_blocks: list[tuple[str, int | None, str | None]]
    authority = request_date = response_date = None
    no_answer = False
    if thread_name == "correspondence.txt":
        text = members[thread_name].decode("utf-8-sig", errors="replace")
        intro, messages = _split_thread(text)
        match = _INTRO.search(intro)
        if match:
            title = match.group("title").strip()
            path = re.search(r"/request/([^/?#\s]+)", match.group("url"))
            url_title = path.group(1) if path else url_title
        letters = [m for m in messages if m.sender is not None and m.recipient is not None]
        body_name = letters[0].recipient if letters else None
        outgoing = [m for m in letters if m.recipient == body_name]
        incoming = [m for m in letters if m.recipient != body_name]
        authority = body_name
        if authority:
            provenance.append(f"authority {thread_name} To:")
        if outgoing and outgoing[0].date:
            request_date = outgoing[0].date
            provenance.append(f"request_date {thread_name} first message")
        candidates = []
        for number, message in enumerate(incoming, start=1):
            own = [(f"From: {message.sender}", None, None), (f"Date: {message.date}", None, None)]
            own += [
                (t, None, None)
                for t in paragraphs_from_text(
                    "\n".join(line for line in message.body if not _ATTACHMENT_LINE.match(line))
                )
            ]
            candidates.append((number, message, own + attachment_blocks(number)))
        chosen = next((c for c in candidates if _answers(c[2])), candidates[-1] if candidates else None)
        if chosen is None:
            chosen_blocks = [(t, None, None) for t in paragraphs_from_text(text)]
            no_answer = True
        else:
            number, message, chosen_blocks = chosen
            response_date = message.date
            provenance.append(f"response_date {thread_name} message {number} of {len(incoming)} received")
    else:
        chosen_blocks = list(_blocks_of(f"{name}: {thread_name}", ".pdf", members[thread_name], part=thread_name))
        for number in sorted(attachments):
            chosen_blocks += attachment_blocks(number)
    paragraphs: list[Paragraph] = _number(chosen_blocks)
    if not paragraphs:
        raise DataError(f"{name}: no text found in the correspondence")
    extraction = extract_paragraphs(paragraphs, name)
    cells = record(extraction)
    filled = {"authority": authority, "request_date": request_date, "response_date": response_date}
    for field_name, value in filled.items():
        if value:
            cells[field_name] = value
    if no_answer:
        cells["outcome"] = "No response"
        provenance.append("outcome no message received")
    if title:
        cells["authority_reference"] = cells.get("request_id")  # the letter's own reference, kept in extra
        cells["request_id"] = f"wdtk:{slugify(title)}"
        if cells.get("technology") is None:
            found = technology_from([Paragraph(text=title, index=1)], HIGH)
            if found is not None and found.kept:
                cells["technology"] = found.value
                provenance.append("technology title")
    overridden = (
        {k for k, v in filled.items() if v}
        | ({"request_id"} if title else set())
        | ({"outcome"} if no_answer else set())
    )
    kept = [
        entry
        for entry in (cells.get("provenance") or "").split("; ")
        if entry and entry.split(" ", 1)[0] not in overridden
    ]
    cells["provenance"] = "; ".join(kept + provenance) or None
    cells["document_kind"] = "wdtk_correspondence"
    cells["source_url"] = WDTK_REQUEST_URL.format(url_title) if url_title else None
    cells["title"] = title
    cells["url_title"] = url_title or None
    issues = issue_rows(extraction)
    if overridden or cells.get("technology"):
        done = overridden | ({"technology"} if cells.get("technology") else set())
        issues = issues.filter(~pl.col("column").is_in(list(done)))
    frame = pl.DataFrame({k: [v] for k, v in cells.items()}, schema={k: pl.String for k in cells}).with_columns(
        pl.lit(1, dtype=pl.Int64).alias(ROW_COLUMN)
    )
    return RawTable(
        source_file=name,
        header=list(cells),
        frame=frame,
        document_issues=issues.cast(ISSUE_FRAME_SCHEMA) if issues.height else pl.DataFrame(schema=ISSUE_FRAME_SCHEMA),
    )


def _answers(blocks: list[tuple[str, int | None, str | None]]) -> bool:
    """Whether the letter extractor reads an answer (an outcome) in these blocks."""
    from mosaic.extract import extract_paragraphs
    from mosaic.extract.text import _number

    paragraphs = _number(blocks)
    return bool(paragraphs) and extract_paragraphs(paragraphs, "message").value("outcome") is not None
