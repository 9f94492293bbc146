"""Realistic response letters and decision notices, written to files by the tests that use them.

Not collected by pytest (no ``test_`` prefix). The unit tests load it through ``conftest.py``; the
integration test loads it by path. The ICO notice is modelled on the real Nottinghamshire / Amazon
Rekognition decision notice of 18 November 2024 (see ../shared/domain.md); the letters follow the
structure police forces use (letterhead, reference, request quoted, answer, exemptions, harm, public
interest test, signature, complaint rights). Names of people are invented.
"""

from __future__ import annotations

from pathlib import Path

HARM_NATIONAL = (
    "Confirming or denying whether the force holds information about the use of specialist facial "
    "recognition products would show where such capabilities are or are not deployed. When forces answer "
    "the same request, the answers can be put together to map the capabilities of the Police Service and "
    "to identify areas of weakness, which would allow offenders and terrorists to move their activity to "
    "those areas. This would undermine the prevention and detection of crime and compromise national security."
)

PUBLIC_INTEREST_NATIONAL = (
    "Confirming or denying would inform public debate about the use of public funds and the use of "
    "surveillance technology. Against this, confirming or denying would weaken the force's ability to "
    "prevent and detect crime and to protect national security. The balance lies in neither confirming nor denying."
)

NCND_LETTER = f"""Nottinghamshire Police
Freedom of Information Unit
Sherwood Lodge, Arnold, Nottingham NG5 8PP

Our ref: FOI 004512/24
Date: 5 July 2024

Dear Requester,

Freedom of Information Request

I write in connection with your request for information received by Nottinghamshire Police on 11 June 2024, in which you asked:

"Please provide copies of any contracts between the force and Amazon for the Amazon Rekognition service, whether and when the force has used Rekognition, the costs, and the use cases, from 2016 to date."

Response

Nottinghamshire Police can neither confirm nor deny that it holds any information relevant to your request by virtue of the following exemptions:

Section 23(5) Information supplied by, or concerning, certain Security Bodies
Section 24(2) National Security
Section 31(3) Law Enforcement

Section 23 is an absolute class-based exemption. Sections 24 and 31 are prejudice-based qualified exemptions, so evidence of harm and a public interest test are set out below.

Evidence of Harm

{HARM_NATIONAL}

Public Interest Test

{PUBLIC_INTEREST_NATIONAL}

No inference can be taken from this refusal that the information you have requested is or is not held.

Yours sincerely

Jane Marsh
Disclosure Officer
Nottinghamshire Police

Complaint Rights

If you are dissatisfied you may ask for an internal review. If you remain dissatisfied you may complain to the Information Commissioner under section 50 of the Freedom of Information Act 2000.
"""

SPLIT_PAGE = """<!DOCTYPE html>
<html><head><title>Disclosure log</title><style>p {{ margin: 0 }}</style></head>
<body>
<nav><a href="/">Home</a> <a href="/foi">Freedom of Information</a></nav>
<header><p>Leicestershire Police: disclosure log</p></header>
<main>
<h1>Live facial recognition</h1>
<p>Leicestershire Police</p>
<p>Reference No: 2024-1187</p>
<p>Date of response: 3 September 2024</p>
<h2>Request</h2>
<p>Your request dated 2nd August 2024 asked:</p>
<p>&ldquo;Does the force use live facial recognition (LFR), overtly or covertly? If so, which product, and how many deployments took place in 2023?&rdquo;</p>
<h2>Response</h2>
<p>In relation to overt use, Leicestershire Police does not hold any information: the force has not deployed live facial recognition overtly.</p>
<p>In relation to covert use, Leicestershire Police can neither confirm nor deny whether it holds any information, by virtue of sections 24(2) and 31(3) of the Act.</p>
<h3>Overall harm</h3>
<p>{harm}</p>
<h3>Public interest considerations</h3>
<p>{interest}</p>
</main>
<footer><p>&copy; Leicestershire Police. Section 50 complaints go to the Information Commissioner.</p></footer>
</body></html>
"""

NOT_HELD_LETTER = """# Derbyshire Constabulary

**Freedom of Information Request Reference No: FOI/24/0931**

18th November 2024

Dear Sir or Madam,

Thank you for your request for information dated 21 October 2024, in which you asked whether the force uses **Clearview AI** and, if so, since when.

## Response

Derbyshire Constabulary does not hold any information relevant to your request. The force has never used [Clearview AI](https://www.clearview.ai) or any other web-scraped face search.

Yours faithfully,

Sam Okafor
Information Rights Team, Derbyshire Constabulary
"""

ICO_PARAGRAPHS: list[str] = [
    "Freedom of Information Act 2000 (FOIA)",
    "Decision notice",
    "Date: 18 November 2024",
    "Public Authority: Chief Constable of Nottinghamshire Police",
    "Address: Force Headquarters, Sherwood Lodge, Arnold, Nottingham NG5 8PP",
    "Decision (including any steps ordered)",
    "1. The complainant has requested information about the use of Amazon Rekognition facial recognition "
    'technology. Nottinghamshire Police ("the public authority") refused to confirm or deny whether it holds '
    "the requested information, citing section 24(2) (National security) and section 31(3) (Law enforcement) of FOIA.",
    "2. The Commissioner's decision is that the public authority was entitled to rely on section 24(2) of FOIA "
    "to neither confirm nor deny whether it holds the requested information. He has not gone on to consider "
    "section 31(3).",
    "3. The Commissioner does not require the public authority to take any steps as a result of this decision.",
    "Request and response",
    "4. On 11 June 2024, the complainant wrote to the public authority and requested information in the "
    "following terms:",
    '"Please provide any contracts with Amazon relating to the Rekognition facial recognition service, '
    'whether and when the force has used it, the costs, and the use cases, from 2016 onwards."',
    "5. The public authority responded on 5 July 2024. It refused to confirm or deny whether it holds the "
    "requested information, citing sections 24(2) and 31(3) of FOIA.",
    "6. Following an internal review the public authority wrote to the complainant on 11 July 2024. It "
    "maintained its original position.",
    "Scope of the case",
    "7. The complainant contacted the Commissioner on 16 July 2024 to complain about the way their request "
    "for information had been handled. They argued that other UK forces have disclosed which facial "
    "recognition products they use, so confirming or denying could not cause any harm.",
    "8. The Commissioner considers that the scope of his investigation is to determine whether the public "
    "authority was entitled to neither confirm nor deny holding the requested information.",
    "Reasons for decision",
    "9. The public authority explained that answers given by many forces to the same request would allow "
    "the capabilities of the Police Service to be mapped, and that the use of neither confirm nor deny must "
    "be consistent across forces and across a series of requests for it to be effective. The Commissioner "
    "accepts that confirmation or denial would be likely to assist those seeking to evade detection, and "
    "that the public interest favours maintaining the exclusion of the duty to confirm or deny.",
    "Right of appeal",
    "10. Either party has the right to appeal against this decision notice to the First-tier Tribunal "
    "(Information Rights). Any notice of appeal should be served on the Tribunal within 28 (calendar) days "
    "of the date on which this decision notice is sent.",
]

ICO_STEPS = """Freedom of Information Act 2000 (FOIA)

Decision notice

Date: 14 March 2025

Public Authority: Chief Constable of South Yorkshire Police
Address: Carbrook House, Carbrook Hall Road, Sheffield S9 2EH

Decision (including any steps ordered)

1. The complainant requested information about the force's use of mobile phone extraction kiosks, in particular Cellebrite UFED. South Yorkshire Police refused to confirm or deny whether it held the information, citing sections 24(2) and 31(3) of FOIA.

2. The Commissioner's decision is that South Yorkshire Police was not entitled to rely on sections 24(2) or 31(3) of FOIA to neither confirm nor deny whether it holds the requested information.

3. The Commissioner requires the public authority to take the following steps to ensure compliance with the legislation.

- Confirm or deny whether it holds the requested information and, if it does, either disclose it or issue a fresh response compliant with section 17 of FOIA.

4. The public authority must take these steps within 35 calendar days of the date of this decision notice. Failure to comply may result in the Commissioner making written certification of this fact to the High Court.

Request and response

5. On 2 September 2024, the complainant wrote to South Yorkshire Police and requested information in the following terms:

"Does the force use Cellebrite UFED or any other mobile phone extraction tool? Please give the number of devices examined in 2023."

6. South Yorkshire Police responded on 30 September 2024 and refused to confirm or deny whether it held the information, citing sections 24(2) and 31(3).

7. The complainant requested an internal review on 1 October 2024. South Yorkshire Police provided the outcome of its internal review on 29 October 2024, in which it maintained its position.

Scope of the case

8. The complainant contacted the Commissioner on 4 November 2024 to complain about the way their request for information had been handled.

Reasons for decision

9. South Yorkshire Police has confirmed use of Cellebrite products in its own published annual report. The Commissioner is not satisfied that confirming or denying would cause the harm claimed.

Right of appeal

10. Either party has the right to appeal against this decision notice to the First-tier Tribunal (Information Rights) within 28 calendar days.

Reference: IC-334455-Z9Y8
"""

SCOTTISH_NOTICE = """Decision Notice 187/2024

Decision 187/2024: Applicant and the Chief Constable of the Police Service of Scotland

Authority: Chief Constable of the Police Service of Scotland
Case Ref: 202400512
Date of Decision: 9 December 2024

Summary

The Applicant asked the Authority whether it uses IMSI catchers. The Authority refused to confirm or deny whether it held the information, relying on section 18(1) of FOISA in conjunction with sections 31(1) and 35(1)(a). The Commissioner investigated and found that the Authority was entitled to refuse to confirm or deny whether it held the information.

Relevant statutory provisions

Freedom of Information (Scotland) Act 2002 (FOISA) sections 1(1), 2(1), 18(1), 31(1) and 35(1)(a).

Background

1. On 3 June 2024, the Applicant made a request for information to the Authority. They asked whether Police Scotland uses IMSI catchers and how much it has spent on them.

2. The Authority responded on 28 June 2024. It refused to confirm or deny whether it held the information, under section 18(1) of FOISA.

3. On 1 July 2024, the Applicant wrote to the Authority requiring a review of its decision.

4. The Authority notified the Applicant of the outcome of its review on 29 July 2024, which upheld its original decision without modification.

5. On 12 August 2024, the Applicant wrote to the Commissioner, applying for a decision.

Decision

The Commissioner finds that the Authority complied with Part 1 of FOISA in responding to the information request made by the Applicant. The Authority was entitled to rely on section 18(1) of FOISA.

Appeal

Should either the Applicant or the Authority wish to appeal against this decision, they have the right to appeal to the Court of Session on a point of law only.
"""

EMAIL_LETTER = """From: Freedom of Information <foi@lincs.police.uk>
To: requester@example.org
Subject: FOI request 2024/0777: drones
Date: Fri, 12 Jul 2024 10:31:00 +0100
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"

Lincolnshire Police

FOI reference: 2024/0777

Dear Requester,

Thank you for your request received on 14 June 2024 about drones (unmanned aerial vehicles).

I can confirm that Lincolnshire Police uses drones. The force operates four DJI Matrice 300 RTK aircraft; the purchase invoices are attached.

Yours sincerely,
Information Management, Lincolnshire Police
"""


def harm_letter(force: str, reference: str, date: str, harm: str, interest: str = PUBLIC_INTEREST_NATIONAL) -> str:
    """A short NCND letter about Amazon Rekognition from ``force`` with the given harm statement."""
    return f"""{force}

Our ref: {reference}
Date: {date}

Dear Requester,

Your request received on 11 June 2024 asked whether the force uses Amazon Rekognition.

{force} can neither confirm nor deny that it holds the information, by virtue of sections 24(2) and 31(3) of the Freedom of Information Act 2000.

Harm

{harm}

Public Interest Test

{interest}

Yours sincerely

Disclosure Unit, {force}
"""


def write_ico_pdf(path: Path) -> None:
    """The ICO notice as a PDF: running header (reference) and footer (page numbers), lines broken by
    hand with hyphenated words, and paragraph 9 running over a page break."""
    from fpdf import FPDF

    class Notice(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", size=9)
            self.cell(0, 6, "Reference: IC-312345-A1B2", align="R", new_x="LMARGIN", new_y="NEXT")
            self.ln(6)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", size=9)
            self.cell(0, 8, f"{self.page_no()}", align="C")

    pdf = Notice(format="A4")
    pdf.set_auto_page_break(True, margin=22)
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for paragraph in ICO_PARAGRAPHS:
        for line in _wrap(paragraph.replace("\u2019", "'"), 78):
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        if paragraph.startswith("8."):
            # push paragraph 9 so it starts near the bottom of the page and runs onto the next one
            while pdf.get_y() < pdf.h - 22 - 6 * 5:
                pdf.cell(0, 6, "", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def _wrap(text: str, width: int) -> list[str]:
    """Break ``text`` into lines of at most ``width`` characters, hyphenating long words that would
    overflow (so the PDF has typesetter's hyphens for the reader to mend)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width:
            current = candidate
            continue
        room = width - len(current) - 2
        if len(word) >= 9 and room >= 4 and word.isalpha():
            lines.append(f"{current} {word[:room]}-")
            current = word[room:]
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def write_documents(folder: Path) -> dict[str, Path]:
    """Write every fixture document into ``folder`` and return name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "ncnd_letter.txt": NCND_LETTER,
        "split_page.html": SPLIT_PAGE.format(harm=HARM_NATIONAL, interest=PUBLIC_INTEREST_NATIONAL),
        "not_held_letter.md": NOT_HELD_LETTER,
        "ico_steps.txt": ICO_STEPS,
        "scottish_notice.txt": SCOTTISH_NOTICE,
        "lincolnshire.eml": EMAIL_LETTER,
    }
    paths = {}
    for name, text in files.items():
        paths[name] = folder / name
        paths[name].write_text(text, encoding="utf-8")
    paths["ico_notice.pdf"] = folder / "ico_notice.pdf"
    write_ico_pdf(paths["ico_notice.pdf"])
    return paths
