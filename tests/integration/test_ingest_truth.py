"""Issue 12: what an ingested answer *says* (outcome, stance, exemptions) on the wordings real answers use.

Each row below is one of the defects seen with real police answers; the rule it checks is in
``../shared/domain.md`` ("Refusals are not confirmations", "Scotland").
"""

from __future__ import annotations

import polars as pl

from mosaic.ingest.pipeline import ingest_files
from mosaic.store.workspace import Workspace

ROWS = (
    "Force,Technology,Date requested,Date of response,Outcome,Exemptions\n"
    # defect 2: "partial" with confirm-or-deny limbs is the police overt/covert split
    "Kent Police,Drones,2016-11-01,2016-11-20,partial,s24(2);s31(3)\n"
    # defect 3: refusals that do not say anything is held
    "Essex Police,Drones,2016-11-01,2016-11-21,refused_exempt,\n"
    "Surrey Police,Drones,2016-11-01,2016-11-22,Refused - exempt,s31(1)\n"
    # ... while "held" in words confirms
    "Sussex Police,Drones,2016-11-01,2016-11-23,Held - exempt,s31(1)\n"
    # defect 4: s12(2) is a cost refusal, not a security NCND
    "Dorset Police,Drones,2016-11-01,2016-11-24,NCND on cost grounds (s12(2)),\n"
    # defect 9: Police Scotland's bare "section 18" is FOISA s18, its NCND provision
    "Police Scotland,Drones,2016-11-01,2016-11-25,Neither confirm nor deny,s18\n"
    # ... and the same words from an English force are not read as FOISA
    "Devon and Cornwall Police,Drones,2016-11-01,2016-11-26,Neither confirm nor deny,s18\n"
)


def test_outcome_stance_and_exemptions_follow_what_the_answer_says(tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text(ROWS, encoding="utf-8")
    workspace = Workspace(tmp_path / "ws")
    report = ingest_files([path], workspace)
    assert report.committed, report.errors
    got = {
        row["authority_id"]: (row["outcome"], row["stance"], row["exemptions"])
        for row in workspace.responses().iter_rows(named=True)
    }
    assert got == {
        "kent": ("ncnd_partial", "ncnd", ["s24(2)", "s31(3)"]),
        "essex": ("refused", "unknown", []),
        "surrey": ("refused", "unknown", ["s31(1)"]),
        "sussex": ("withheld", "confirm", ["s31(1)"]),
        "dorset": ("refused", "unknown", ["s12(2)"]),
        "police-scotland": ("ncnd", "ncnd", ["foisa_s18"]),
        "devon-and-cornwall": ("ncnd", "ncnd", []),
    }
    issues = workspace.read("issues")
    # Police Scotland's s18 is read, not dropped with a warning; the English force's s18 is flagged.
    flagged = issues.filter(pl.col("issue") == "unparseable_exemption").get_column("source_row").to_list()
    assert flagged == [8]
    # Every inference is visible as an issue row on the outcome column.
    inferred = dict(issues.filter(pl.col("column") == "Outcome").select("source_row", "issue").iter_rows())
    assert inferred[2] == "ncnd_partial_inferred_from_exemption"
    assert inferred[3] == inferred[4] == "outcome_ambiguous"
    assert inferred[6] == "ncnd_on_refusal_grounds"


def test_a_section_cited_with_and_without_its_subsection_is_one_exemption(tmp_path):
    """Northumbria 1161/21 cites "Section 21 (1)" in its letter while a spreadsheet says "Section 21": one
    exemption, s21(1), not s21 and s21(1) side by side."""
    path = tmp_path / "answers.csv"
    path.write_text(
        "Force,Technology,Outcome,Exemptions\n"
        'Northumbria Police,CCTV,"Held in part. We will rely on Section 21 (1) - Information accessible by other means",'
        "Section 21\n"
        "Kent Police,Drones,Neither confirm nor deny,s24; s24(2); s31(3)\n",
        encoding="utf-8",
    )
    workspace = Workspace(tmp_path / "ws")
    assert ingest_files([path], workspace).committed
    got = dict(workspace.responses().select("authority_id", "exemptions").iter_rows())
    assert got == {"northumbria": ["s21(1)"], "kent": ["s24(2)", "s31(3)"]}
