"""Reconciliation counts stay true in the corners: two files with the same name, and runs that write nothing."""

from __future__ import annotations

from mosaic.ingest.pipeline import ingest_files
from mosaic.store.workspace import Workspace


def test_the_same_file_name_in_two_folders_is_counted_per_file(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = tmp_path / "a" / "same.csv", tmp_path / "b" / "same.csv"
    first.write_text(
        "Force,Technology,Outcome\nKent Police,drones,NCND\nEssex Police,drones,NCND\nSurrey Police,drones,Nonsense\n"
    )
    second.write_text("Force,Technology,Outcome\nSussex Police,drones,NCND\nDorset Police,drones,NCND\n")
    ws = Workspace(tmp_path / "ws")
    report = ingest_files([first, second], ws)
    assert [(f.accepted, f.duplicates) for f in report.files] == [(3, 0), (2, 0)]
    assert report.as_dict()["accepted"] == ws.responses().height == 5
    assert report.as_dict()["issues"] == ws.read("issues").height
    again = ingest_files([first, second], ws).as_dict()
    assert (again["accepted"], again["duplicates"], again["issues"]) == (0, 5, 0)
    assert [(f["accepted"], f["duplicates"]) for f in again["files"]] == [(0, 3), (0, 2)]
    third = tmp_path / "c.csv"
    third.write_text("Force,Technology,Outcome\nKent Police,drones,NCND\nCumbria Police,drones,NCND\n")
    mixed = ingest_files([second, third, first], ws).as_dict()  # one new row, in the middle file
    assert [(f["accepted"], f["duplicates"]) for f in mixed["files"]] == [(0, 2), (1, 1), (0, 3)]


def test_a_run_that_writes_nothing_accepts_nothing(tmp_path):
    good, empty = tmp_path / "good.csv", tmp_path / "empty.csv"
    good.write_text("Force,Technology\nKent Police,drones\n" * 1 + "Essex Police,drones\n")
    empty.write_text("")
    report = ingest_files([good, empty], Workspace(tmp_path / "ws")).as_dict()
    assert report["committed"] is False and report["accepted"] == 0 and all(f["accepted"] == 0 for f in report["files"])
    assert report["errors"] == ["empty.csv: the file is empty"]


def test_a_file_whose_every_row_is_ragged_quarantines_them_all(tmp_path):
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("Force,Technology,Outcome\nKent Police,drones,NCND,extra\nEssex Police,drones\n")
    ws = Workspace(tmp_path / "ws")
    report = ingest_files([ragged], ws).as_dict()
    assert report["committed"], report["errors"]
    assert (report["rows_read"], report["accepted"], report["quarantined"]) == (2, 0, 2)
    assert ws.read("quarantine").sort("source_row").get_column("source_row").to_list() == [2, 3]
