"""Real published police FOI answers and Scottish Information Commissioner decisions, ingested end to end.

``answers.csv`` holds one row per real answer (a short quote of the letter's outcome, the exemptions as the
letter wrote them, the public URL) with hand-checked ``expected_*`` columns; ``notices.csv`` does the same for
the decision notices in ``notices/``. The expected values are the truth by reading the letter (see
``../shared/domain.md``, "Semantics that real answers demand"), not what the tool printed: a failing row is
a defect to fix in the tool, never a row to edit. See README.md in this folder.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mosaic.store.workspace import Workspace

HERE = Path(__file__).parent
ANSWERS = HERE / "answers.csv"
NOTICES = HERE / "notices.csv"
NOTICE_DIR = HERE / "notices"
EXPECTED_COLUMNS = ("expected_outcome", "expected_stance", "expected_exemptions", "expected_response_date", "why")


def mosaic(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, "-m", "mosaic.cli", *args], capture_output=True, text=True, env=env, timeout=600
    )


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


ANSWER_ROWS = read_csv(ANSWERS)
NOTICE_ROWS = read_csv(NOTICES)


def row_id(row: dict[str, str]) -> str:
    return f"{row['authority']} | {row['source_url']}"


def codes(text: str) -> list[str]:
    return sorted(code.strip() for code in text.split(";") if code.strip())


def expected_date(text: str) -> tuple[dt.date | None, str | None]:
    """``YYYY-MM-DD`` is a day, ``YYYY-MM`` a month (stored as its first day), blank is undated."""
    text = text.strip()
    if not text:
        return None, None
    parts = [int(part) for part in text.split("-")]
    if len(parts) == 3:
        return dt.date(*parts), "day"
    if len(parts) == 2:
        return dt.date(parts[0], parts[1], 1), "month"
    return dt.date(parts[0], 1, 1), "year"


def extras(row: dict) -> dict[str, str]:
    return {pair["column"]: pair["value"] for pair in (row.get("extra") or [])}


# ---------------------------------------------------------------------------------------------------------
# The corpus itself: every row real, sourced and complete.


def test_corpus_shape():
    assert len(ANSWER_ROWS) >= 40
    assert len(NOTICE_ROWS) >= 5
    urls = [row["source_url"] for row in ANSWER_ROWS]
    assert len(set(urls)) == len(urls), "one row per published answer"
    for row in ANSWER_ROWS:
        assert row["source_url"].startswith(("http://", "https://")), row_id(row)
        assert row["source_type"] == "foi_response", row_id(row)
        assert row["outcome"].strip() and len(row["outcome"]) <= 330, row_id(row)
        assert row["expected_outcome"] in {
            "disclosed", "partially_disclosed", "withheld", "not_held", "ncnd", "ncnd_partial", "refused",
            "no_response", "withdrawn", "unknown", "other",
        }, row_id(row)  # fmt: skip
        assert row["expected_stance"] in {"confirm", "deny", "ncnd", "unknown"}, row_id(row)
        assert row["why"].strip(), row_id(row)
    for row in NOTICE_ROWS:
        text = (NOTICE_DIR / row["file"]).read_text(encoding="utf-8")
        assert text.splitlines()[0] == f"Source: {row['source_url']}", row["file"]
        assert row["decision_outcome"] in {"answer_upheld", "answer_upheld_in_part", "answer_not_upheld"}, row["file"]


# ---------------------------------------------------------------------------------------------------------
# Answers: ingest answers.csv with the real CLI, then check every row against its expected columns.


@pytest.fixture(scope="module")
def answers_workspace(tmp_path_factory) -> tuple[Workspace, dict]:
    target = tmp_path_factory.mktemp("realdata") / "answers-ws"
    maps = [arg for column in EXPECTED_COLUMNS for arg in ("--map", f"{column}=extra")]
    result = mosaic("ingest", str(ANSWERS), "-w", str(target), "--json", *maps)
    assert result.returncode == 0, result.stderr
    return Workspace(target), json.loads(result.stdout)


def test_every_answer_is_accounted_for(answers_workspace):
    workspace, summary = answers_workspace
    assert summary["committed"]
    assert (summary["rows_read"], summary["accepted"], summary["quarantined"], summary["duplicates"]) == (
        len(ANSWER_ROWS), len(ANSWER_ROWS), 0, 0,
    )  # fmt: skip
    stored = workspace.responses()
    assert sorted(stored.get_column("source_url").to_list()) == sorted(row["source_url"] for row in ANSWER_ROWS)


@pytest.mark.parametrize("row", ANSWER_ROWS, ids=row_id)
def test_answer_reads_as_the_letter_says(answers_workspace, row):
    workspace, _ = answers_workspace
    stored = [r for r in workspace.responses().iter_rows(named=True) if r["source_url"] == row["source_url"]]
    assert len(stored) == 1, f"{len(stored)} stored responses for {row['source_url']}"
    got_row = stored[0]
    date, precision = expected_date(row["expected_response_date"])
    expected = {
        "outcome": row["expected_outcome"],
        "stance": row["expected_stance"],
        "exemptions": codes(row["expected_exemptions"]),
        "response_date": date,
        "response_date_precision": precision,
    }
    got = {
        "outcome": got_row["outcome"],
        "stance": got_row["stance"],
        "exemptions": sorted(got_row["exemptions"] or []),
        "response_date": got_row["response_date"],
        "response_date_precision": got_row["response_date_precision"],
    }
    assert got == expected, f"why: {row['why']}"


# ---------------------------------------------------------------------------------------------------------
# Decision notices: extract (nothing written) and ingest, one notice at a time.


def notice_id(row: dict[str, str]) -> str:
    return f"{row['reference']} | {row['source_url']}"


def set_args(row: dict[str, str]) -> list[str]:
    args: list[str] = []
    if row["set_authority"]:
        args += ["--set", f"authority={row['set_authority']}"]
    if row["set_technology"]:
        args += ["--set", f"technology={row['set_technology']}"]
    return args


@pytest.mark.parametrize("row", NOTICE_ROWS, ids=notice_id)
def test_notice_extracts_without_writing(tmp_path, row):
    result = mosaic("extract", str(NOTICE_DIR / row["file"]), "--format", "json")
    assert result.returncode == 0, result.stderr
    documents = json.loads(result.stdout)
    assert len(documents) == 1
    fields = documents[0]["fields"]
    assert documents[0]["kind"] == "scottish_decision_notice"
    assert fields["regulator_reference"]["value"] == row["reference"]


@pytest.fixture(scope="module")
def notices_workspace(tmp_path_factory) -> Workspace:
    target = tmp_path_factory.mktemp("realdata") / "notices-ws"
    for row in NOTICE_ROWS:
        result = mosaic("ingest", str(NOTICE_DIR / row["file"]), "-w", str(target), "--json", *set_args(row))
        assert result.returncode == 0, result.stderr
        summary = json.loads(result.stdout)
        assert (summary["accepted"], summary["quarantined"]) == (1, 0), f"{row['file']}: {summary}"
    return Workspace(target)


@pytest.mark.parametrize("row", NOTICE_ROWS, ids=notice_id)
def test_notice_reads_as_the_decision_says(notices_workspace, row):
    stored = [r for r in notices_workspace.responses().iter_rows(named=True) if r["source_file"] == row["file"]]
    assert len(stored) == 1, f"{len(stored)} stored responses for {row['file']}"
    got_row = stored[0]
    not_considered = extras(got_row).get("regulator_not_considered", "")
    expected = {
        "regulator_reference": row["reference"],
        "authority": row["authority"],
        "outcome": row["expected_outcome"],
        "exemptions": codes(row["exemptions_relied"]),
        "not_considered": codes(row["exemptions_not_considered"]),
        "request_date": expected_date(row["request_date"])[0],
        "response_date": expected_date(row["response_date"])[0],
        "decision_date": expected_date(row["decision_date"])[0],
        "decision_outcome": row["decision_outcome"] or None,
    }
    got = {
        "regulator_reference": got_row["regulator_reference"],
        "authority": row["authority"]
        if row["authority"].lower()
        in {(got_row["authority_name"] or "").lower(), (got_row["authority_id"] or "").replace("-", " ")}
        else got_row["authority_name"],
        "outcome": got_row["outcome"],
        "exemptions": sorted(got_row["exemptions"] or []),
        "not_considered": codes(not_considered.replace(",", ";")),
        "request_date": got_row["request_date"],
        "response_date": got_row["response_date"],
        "decision_date": got_row["decision_date"],
        "decision_outcome": got_row["decision_outcome"],
    }
    assert got == expected, f"why: {row['why']}"


# ---------------------------------------------------------------------------------------------------------
# The whole corpus, answers and notices together, through the analyses.


def test_analyse_runs_on_the_real_corpus(tmp_path):
    target = tmp_path / "ws"
    result = mosaic("ingest", str(ANSWERS), "-w", str(target), "--json")
    assert result.returncode == 0, result.stderr
    for row in NOTICE_ROWS:
        result = mosaic("ingest", str(NOTICE_DIR / row["file"]), "-w", str(target), "--json", *set_args(row))
        assert result.returncode == 0, result.stderr
    result = mosaic("analyse", "-w", str(target), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert "findings" in report and isinstance(report["findings"], list)
    assert report["findings"], "a corpus full of NCNDs yields findings"


# ---------------------------------------------------------------------------------------------------------
# Every finding on the corpus, asserted: findings.csv holds each (check, authority, technology, severity,
# how many times, the exact sentence) with a one-line reason why the sentence is true of the letters. A
# change in any finding fails here until a person has read the new sentence and written why it holds.

FINDINGS = HERE / "findings.csv"
CORPUS_TODAY = dt.date(2026, 12, 3)  # the view date the sentences were checked on ("by 2026-12-03")


def test_every_finding_on_the_corpus_is_one_a_person_checked(tmp_path):
    from collections import Counter

    from mosaic.analyses import AnalysisInputs, CheckParams, run_checks

    target = tmp_path / "ws"
    assert mosaic("ingest", str(ANSWERS), "-w", str(target), "--json").returncode == 0
    for row in NOTICE_ROWS:
        result = mosaic("ingest", str(NOTICE_DIR / row["file"]), "-w", str(target), "--json", *set_args(row))
        assert result.returncode == 0, result.stderr
    findings = run_checks(
        AnalysisInputs.from_workspace(Workspace(target)), None, as_of=None, params=CheckParams(today=CORPUS_TODAY)
    )
    got = Counter(
        (r["check"], r["authority_id"] or "", r["technology_id"] or "", r["severity"], r["summary"])
        for r in findings.iter_rows(named=True)
    )
    expected_rows = read_csv(FINDINGS)
    assert all(row["why"].strip() for row in expected_rows)
    expected = Counter(
        {
            (r["check"], r["authority_id"], r["technology_id"], r["severity"], r["summary"]): int(r["count"])
            for r in expected_rows
        }
    )
    new = sorted(set(got) - set(expected))
    gone = sorted(set(expected) - set(got))
    recounted = sorted(k for k in set(got) & set(expected) if got[k] != expected[k])
    assert (new, gone, recounted) == ([], [], []), (
        "findings on the real corpus changed: read each, then update findings.csv with why it is true"
    )


# ---------------------------------------------------------------------------------------------------------
# A folder of decision notices, ingested in one command, through regulator_consistency (issue 15 item 3).


def test_a_folder_of_decision_notices_gives_the_regulators_differing_decisions(tmp_path):
    # Two Scottish Information Commissioner decisions on Police Scotland's section 18 NCNDs about purchases
    # of IMSI-catcher makers' kit: 092/2016 (Datong, Seven Technologies) found Police Scotland "not
    # entitled to respond in terms of section 18"; 068/2017 (Cellxion) accepted the NCND. Same authority,
    # same technology, both answers citing FOISA s18: the same question decided both ways, two years apart.
    import shutil

    folder = tmp_path / "imsi notices"
    folder.mkdir()
    for name in ("decision-068-2017.txt", "decision-092-2016.txt"):
        shutil.copy(NOTICE_DIR / name, folder / name)
    (folder / ".DS_Store").write_bytes(b"\x00\x01")  # hidden files in a folder are not inputs
    target = tmp_path / "ws"
    result = mosaic("ingest", str(folder), "-w", str(target), "--json", "--set", "technology=IMSI catcher")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["rows_read"], summary["accepted"], summary["quarantined"]) == (2, 2, 0), summary
    result = mosaic("analyse", "-w", str(target), "-c", "regulator_consistency", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    findings = {(f["scope"], f["authority_id"]): f for f in document["findings"]}
    evidence_sets = {entry["evidence_id"]: entry["evidence"] for entry in document["evidence_sets"]}
    technology = findings[("technology", None)]
    assert technology["severity"] == "notable"
    assert technology["summary"] == (
        "The regulator decided 2 complaints about answers on Covert communications data capture under FOISA "
        "(Scotland) (answers all citing foisa_s18), with different outcomes: Police Scotland's answer not upheld "
        "(2016-04-27, Decision 092/2016); Police Scotland's answer upheld (2018-05-05, Decision 068/2017)."
    )
    assert technology["metrics"] == {
        "decisions": 2,
        "decisions_upheld": 1,
        "decisions_upheld_in_part": 0,
        "decisions_not_upheld": 1,
    }
    # Each notice is evidence, dated by its decision, linking to the Commissioner's page.
    assert [(e["date"], e["outcome"], e["source_url"]) for e in evidence_sets[technology["evidence_id"]]] == [
        ("2016-04-27", "answer_not_upheld", "https://sic.uniondigital.uk/decision-0922016"),
        ("2018-05-05", "answer_upheld", "https://sic.uniondigital.uk/decision-0682017"),
    ]
    on_answers = sorted(f["summary"] for f in document["findings"] if f["scope"] == "response")
    assert on_answers == [
        "The regulator did not uphold Police Scotland's answer on Covert communications data capture under FOISA "
        "(Scotland) citing foisa_s18 + foisa_s35 + foisa_s39 (2016-04-27, Decision 092/2016), but decided otherwise "
        "on 1 other answer on the same technology (answers also citing foisa_s18): Police Scotland's answer upheld "
        "(2018-05-05, Decision 068/2017).",
        "The regulator upheld Police Scotland's answer on Covert communications data capture under FOISA (Scotland) "
        "citing foisa_s18 + foisa_s31 + foisa_s34 (2018-05-05, Decision 068/2017), but decided otherwise on 1 other "
        "answer on the same technology (answers also citing foisa_s18): Police Scotland's answer not upheld "
        "(2016-04-27, Decision 092/2016).",
    ]
    # Before the second decision there was nothing to compare: a view date is never rewritten by later facts.
    result = mosaic(
        "analyse", "-w", str(target), "-c", "regulator_consistency", "--as-of", "2017-12-31", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["findings"] == []
