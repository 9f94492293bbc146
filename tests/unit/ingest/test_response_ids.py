"""Response ids: the XXH3 scheme against the reference ``xxhash`` library, ids that do not move when the
contract grows, and workspaces written under the old SHA-256 scheme, which keep their ids.

``tests/fixtures/workspace-sha256-ids`` is a workspace written by mosaic 0.1.0 before the scheme changed
(``mosaic ingest tests/realdata/answers.csv`` at commit a91e22e): its ids are SHA-256 ones.
"""

from __future__ import annotations

import json
import shutil
import zlib
from pathlib import Path

import polars as pl
import pytest
import xxhash

from mosaic.ingest.pipeline import ID_SCHEME, ingest_files
from mosaic.store.workspace import Workspace

REAL_ANSWERS = Path(__file__).parents[2] / "realdata" / "answers.csv"
#: The old workspace (``OLD_WORKSPACE``) holds the corpus's first 41 answers, as it stood when it was written.
OLD_CORPUS_ROWS = 41
OLD_WORKSPACE = Path(__file__).parents[2] / "fixtures" / "workspace-sha256-ids"


def reference_id(fields: dict[str, str | None]) -> str:
    """The documented scheme, computed with the reference implementation of XXH3."""
    combined = 0
    for name, value in fields.items():
        if value is not None:
            combined ^= xxhash.xxh3_64_intdigest(value.encode("utf-8"), seed=zlib.crc32(name.encode("utf-8")))
    return xxhash.xxh3_128_hexdigest(str(combined).encode("ascii"))[:16]


def ingest_text(folder: Path, name: str, text: str, workspace: Workspace):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return ingest_files([path], workspace)


def test_response_id_is_the_documented_xxh3_scheme(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ingest_text(tmp_path, "a.csv", "Force,Technology,Outcome,Notes\n Kent Police ,drones,NCND,\n", ws)
    stored = ws.responses().item(0, "response_id")
    # Cells are trimmed and blanks are null before hashing; the unmapped column would be ``extra``.
    assert stored == reference_id(
        {"authority_name": "Kent Police", "technology_name": "drones", "outcome_text": "NCND"}
    )
    assert len(stored) == 16


def test_unmapped_columns_count_as_one_field(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ingest_text(tmp_path, "b.csv", "Force,Technology,Colour,Size\nKent Police,drones,red,\n", ws)
    stored = ws.responses().item(0, "response_id")
    expected = reference_id({"authority_name": "Kent Police", "technology_name": "drones", "extra": "Colour=red"})
    assert stored == expected


def test_a_blank_column_added_to_a_file_leaves_its_ids_alone(tmp_path):
    """A null field adds nothing, so a column added to the contract later does not move old ids."""
    ws = Workspace(tmp_path / "ws")
    ingest_text(tmp_path, "c.csv", "Force,Technology,Outcome\nKent Police,drones,NCND\n", ws)
    again = ingest_text(tmp_path, "d.csv", "Force,Technology,Outcome,Harm statement\nKent Police,drones,NCND,\n", ws)
    assert (again.total("accepted"), again.total("duplicates")) == (0, 1)
    # The same value in another field is another response.
    moved = ingest_text(tmp_path, "e.csv", "Force,Technology,Notes\nKent Police,drones,NCND\n", ws)
    assert moved.total("accepted") == 1


@pytest.fixture
def old_workspace(tmp_path) -> Workspace:
    folder = tmp_path / "old"
    shutil.copytree(OLD_WORKSPACE, folder)
    return Workspace(folder)


def test_an_old_workspace_keeps_its_ids_and_still_recognises_its_answers(old_workspace, tmp_path):
    before = old_workspace.responses().get_column("response_id").sort().to_list()
    assert old_workspace.id_schemes() == {None}  # written before schemes were recorded

    lines = REAL_ANSWERS.read_text(encoding="utf-8").splitlines(keepends=True)
    old_corpus = tmp_path / "answers.csv"
    old_corpus.write_text("".join(lines[: OLD_CORPUS_ROWS + 1]), encoding="utf-8")
    again = ingest_files([old_corpus], old_workspace)
    assert again.committed
    assert (again.total("accepted"), again.total("duplicates")) == (0, OLD_CORPUS_ROWS)

    # One new row beside one the workspace holds under its old id: only the new one is added.
    header, first = lines[0], lines[1]
    fresh = first.replace("West Midlands Police", "Kent Police", 1)
    mixed = ingest_text(tmp_path, "mixed.csv", header + first + fresh, old_workspace)
    assert (mixed.total("accepted"), mixed.total("duplicates")) == (1, 1)

    after = old_workspace.responses().get_column("response_id").to_list()
    assert sorted(set(after) - set(before)) == [after[-1]]
    assert set(before) <= set(after)  # the old ids are kept: earlier reports still name real responses
    verified = old_workspace.check()
    assert verified.manifest_problem is None and not verified.damage
    schemes = [i.get("id_scheme") for i in json.loads((old_workspace.path / "manifest.json").read_text())["ingests"]]
    assert schemes == [None, ID_SCHEME, ID_SCHEME]


def test_a_new_workspace_never_computes_old_ids(tmp_path, monkeypatch):
    import mosaic.ingest.pipeline as pipeline

    def refuse(columns):
        raise AssertionError("the SHA-256 id was computed for a workspace without old ingests")

    monkeypatch.setattr(pipeline, "_sha256_response_id", refuse)
    ws = Workspace(tmp_path / "ws")
    rows = len(pl.read_csv(REAL_ANSWERS, infer_schema=False))
    assert ingest_files([REAL_ANSWERS], ws).total("accepted") == rows
    assert ws.id_schemes() == {ID_SCHEME}
    assert ws.responses().get_column("response_id").str.len_chars().unique().to_list() == [16]
