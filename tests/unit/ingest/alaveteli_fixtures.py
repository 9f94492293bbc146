"""WhatDoTheyKnow (Alaveteli) fixtures written from the documented formats, not invented.

Every key below is one that Alaveteli's own serialisers emit (mysociety/alaveteli, commit
351eb61e0619a6f462bfc6f823c93cc42251d573):

* request: ``InfoRequest#json_for_api(deep)``, app/models/info_request.rb (``RequestController#show``
  renders ``json_for_api(true)`` for ``/request/<url_title>.json``);
* event: ``InfoRequestEvent#json_for_api(deep, snippet_highlight_proc)``, app/models/info_request_event.rb
  (a feed, ``TrackController#atom_feed_internal`` in app/controllers/track_controller.rb, renders a list of
  ``json_for_api(true, ...)``: each event with ``info_request``, ``public_body``, ``user`` and ``snippet``);
* public body: ``PublicBody#json_for_api``, app/models/public_body.rb; user: ``User#json_for_api``,
  app/models/user.rb; ``tags`` are ``[name, value]`` pairs (``tag_array``, lib/has_tag_string/has_tag_string.rb);
* correspondence ZIP: ``RequestController#make_request_zip`` / ``make_request_summary_file``,
  app/controllers/request_controller.rb (``correspondence.txt`` rendered by app/views/request/show.text.erb
  and the ``_outgoing_correspondence`` / ``_incoming_correspondence`` text partials; attachments named
  ``<message index>_<url_part_number>_<display_filename>``; the download is ``<url_title>.zip``).

Values (names, dates, states) are made up for the tests; the url_names follow the site's slug rule
(``MySociety::Format.simplify_url_part`` of the body's short or long name).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

TITLE = "Use of facial recognition technology"


def public_body(body_id: int, url_name: str, name: str) -> dict:
    """``PublicBody#json_for_api``."""
    return {
        "id": body_id,
        "url_name": url_name,
        "name": name,
        "short_name": "",
        "created_at": "2008-02-01T12:00:00.000+00:00",
        "updated_at": "2024-01-10T09:00:00.000+00:00",
        "home_page": "https://www.example.police.uk",
        "notes": "",
        "publication_scheme": "",
        "disclosure_log": "",
        "tags": [["police", None], ["foi", None]],
        "info": {
            "requests_count": 10,
            "requests_successful_count": 4,
            "requests_not_held_count": 2,
            "requests_overdue_count": 1,
            "requests_visible_classified_count": 8,
        },
    }


USER = {"id": 77, "url_name": "jo_bloggs", "name": "Jo Bloggs", "ban_text": "", "about_me": ""}


def event(
    event_id: int, event_type: str, created_at: str, described_state=None, calculated_state=None, **extra
) -> dict:
    """``InfoRequestEvent#json_for_api(false)`` (``display_status`` only on message events)."""
    out = {
        "id": event_id,
        "event_type": event_type,
        "created_at": created_at,
        "described_state": described_state,
        "calculated_state": calculated_state,
        "last_described_at": created_at if calculated_state else None,
        "incoming_message_id": event_id * 10 if event_type == "response" else None,
        "outgoing_message_id": event_id * 10 if event_type in ("sent", "followup_sent") else None,
        "comment_id": None,
    }
    if event_type in ("response", "sent", "followup_sent"):
        out["display_status"] = "Response" if event_type == "response" else "Follow up"
    out.update(extra)
    return out


def request(
    request_id: int,
    url_title: str,
    state: str,
    display: str,
    body: dict | None,
    events: list[dict] | None,
    *,
    title: str = TITLE,
    created_at: str = "2024-06-11T10:15:30.000+01:00",
) -> dict:
    """``InfoRequest#json_for_api(true)`` (``json_for_api(false)`` when ``events`` is None)."""
    out = {
        "id": request_id,
        "url_title": url_title,
        "title": title,
        "created_at": created_at,
        "updated_at": "2024-07-10T08:00:00.000+01:00",
        "described_state": state,
        "display_status": display,
        "awaiting_description": False,
        "prominence": "normal",
        "law_used": "foi",
        "tags": [["batch", "frt2024"]],
    }
    if events is not None:
        out["user"] = USER
        out["public_body"] = body
        out["info_request_events"] = events
    return out


KENT = public_body(11, "kent_police", "Kent Police")
SCOTLAND = public_body(12, "police_scotland", "Police Scotland")
MET = public_body(13, "the_met", "Metropolitan Police Service")
ESSEX = public_body(14, "essex_police", "Essex Police")


def kent_request() -> dict:
    """Kent: acknowledged on 12 June, answered 'not held' on 5 July."""
    return request(
        101, "use_of_facial_recognition_techn", "not_held", "Information not held", KENT,
        [
            event(1001, "sent", "2024-06-11T10:15:30.000+01:00", "waiting_response", "waiting_response"),
            event(1002, "response", "2024-06-12T09:01:00.000+01:00", None, "waiting_response"),
            event(1003, "response", "2024-07-05T14:30:00.000+01:00", "not_held", "not_held"),
            event(1004, "status_update", "2024-07-06T08:00:00.000+01:00", "not_held", "not_held"),
        ],
    )  # fmt: skip


def batch_list() -> list:
    """A list of request JSONs: the batch sent to three bodies, plus a broken item and one request with
    a bad date and no public body."""
    scotland = request(
        102, "use_of_facial_recognition_techn_2", "rejected", "Refused.", SCOTLAND,
        [
            # A damaged timestamp: the row is kept, its request date becomes null plus an issue row.
            event(2001, "sent", "2024-13-45T25:00:00", "waiting_response", "waiting_response"),
            event(2002, "response", "2024-07-09T11:00:00.000+01:00", "rejected", "rejected"),
        ],
    )  # fmt: skip
    met = request(
        103, "use_of_facial_recognition_techn_3", "successful", "Successful.", MET,
        [
            # 23:30 UTC on 11 June is 00:30 on 12 June in London (BST): the UK date is the 12th.
            event(3001, "sent", "2024-06-11T23:30:00.000Z", "waiting_response", "waiting_response"),
            event(3002, "response", "2024-07-01T10:00:00.000+01:00", "successful", "successful"),
        ],
    )  # fmt: skip
    no_body = request(
        104, "use_of_facial_recognition_techn_4", "waiting_response", "Awaiting response.", None,
        [event(4001, "sent", "sometime in June", "waiting_response", "waiting_response")],
    )  # fmt: skip
    return [kent_request(), scotland, met, 42, no_body]


def feed() -> list:
    """A feed: events carrying ``info_request`` (shallow), ``public_body``, ``user`` and ``snippet``."""
    essex = request(105, "use_of_facial_recognition_techn_5", "rejected", "Refused.", ESSEX, None)
    other = request(
        106,
        "budget_for_body_worn_video",
        "successful",
        "Successful.",
        ESSEX,
        None,
        title="Budget for stationery",
        created_at="2024-02-01T10:00:00.000+00:00",
    )
    sent = event(5001, "sent", "2024-06-11T10:15:32.000+01:00", "waiting_response", "waiting_response")
    answer = event(
        5002, "response", "2024-07-08T16:45:00.000+01:00", "rejected", "rejected",
        snippet="Essex Police can <b>neither confirm nor deny</b> that it holds the information you requested, by virtue of sections 24(2) and 31(3) of the Freedom of Information Act 2000.",
    )  # fmt: skip
    stationery = event(
        6001,
        "response",
        "2024-03-01T10:00:00.000+00:00",
        "successful",
        "successful",
        snippet="Please find the figures attached.",
    )
    return [
        {**answer, "info_request": essex, "public_body": ESSEX, "user": USER},
        {**sent, "info_request": essex, "public_body": ESSEX, "user": USER},
        {**stationery, "info_request": other, "public_body": ESSEX, "user": USER},
    ]


def write_json(path: Path, document) -> Path:
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


# --- correspondence ZIP ------------------------------------------------------------------------------

SEPARATOR = "-------------------------------"


def correspondence_txt(url_title: str = "use_of_facial_recognition_techn_6", body: str = "Kent Police") -> str:
    """``request/show.text.erb``: the intro line, then per event a separator and the message partial
    (``From:``/``To:``/``Date:`` with ``simple_date(..., format: :text)``, the body, ``Attachment:`` lines)."""
    intro = (
        f'This is a plain-text version of the Freedom of Information request "{TITLE}".  The latest, full '
        f"version is available online at http://www.whatdotheyknow.com/request/{url_title}."
    )
    sent = f"""
From: Jo Bloggs
To: {body}
Date: 11 June 2024

Dear {body},

Please tell me whether the force uses Amazon Rekognition, and since when.

Yours faithfully,

Jo Bloggs
"""
    ack = f"""
From: Freedom of Information, {body}
To: Jo Bloggs
Date: 12 June 2024

Thank you for your request for information which was received on 11 June 2024. It will now be considered in accordance with the Freedom of Information Act 2000.
"""
    answer = f"""
From: Freedom of Information, {body}
To: Jo Bloggs
Date: 5 July 2024

Please find our response to your request attached.

Attachment: FOI 2024 0612 response.pdf (4K)
Attachment: covering note.html (1K)
"""
    return "\n".join([intro, "", SEPARATOR, sent, SEPARATOR, ack, SEPARATOR, answer])


RESPONSE_LETTER = [
    "Kent Police",
    "Our ref: FOI 2024/0612",
    "Dear Jo Bloggs,",
    "Your request received on 11 June 2024 asked whether the force uses Amazon Rekognition.",
    "Kent Police can neither confirm nor deny that it holds the information, by virtue of sections 24(2) and 31(3) of the Freedom of Information Act 2000.",
    "Yours sincerely",
    "Disclosure Unit, Kent Police",
]


def response_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for paragraph in RESPONSE_LETTER:
        pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    return bytes(pdf.output())


def correspondence_zip(path: Path, *, with_answer: bool = True) -> Path:
    """The download as ``make_request_zip`` builds it: ``correspondence.txt`` first, then each readable
    incoming message's attachments as ``<message index>_<part>_<file name>`` (message 2 is the answer;
    part 1 is the body, so attachments start at 2)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("correspondence.txt", correspondence_txt(path.stem))
        if with_answer:
            archive.writestr("2_2_FOI 2024 0612 response.pdf", response_pdf())
            archive.writestr(
                "2_3_covering note.html", "<html><body><p>Covering note: see the attached letter.</p></body></html>"
            )
    path.write_bytes(buffer.getvalue())
    return path
