"""Golden files: the HTML, Markdown and JSON of each kind of report on a fixed fixture, byte for byte.

The fixture is ``report/responses.csv`` (described in ``tests/unit/report/conftest.py``). A change to
the report model, the templates or a check's wording changes these files on purpose; regenerate them
and review the diff like code:

    MOSAIC_UPDATE_GOLDEN=1 python -m pytest tests/golden/test_report_golden.py

Open ``report/*.html`` in a browser to look at what changed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mosaic.analyses import AnalysisInputs
from mosaic.ingest.pipeline import Registers, ingest_files
from mosaic.registry import load_authorities, load_technologies
from mosaic.report import build_report, render_report
from mosaic.store.workspace import Workspace

HERE = Path(__file__).resolve().parent / "report"
UPDATE = os.environ.get("MOSAIC_UPDATE_GOLDEN") == "1"

REPORTS = {
    "dossier": {"response_id": "e940a6e4e31f6cdf"},
    "technology": {"technology_id": "cellshade-mini"},
    "authority": {"authority_id": "west-mercia"},
}


@pytest.fixture(scope="module")
def golden_inputs(tmp_path_factory) -> AnalysisInputs:
    workspace = Workspace(tmp_path_factory.mktemp("golden") / "workspace")
    assert ingest_files(
        [HERE / "responses.csv"], workspace, registers=Registers(load_authorities(), load_technologies(sample=True))
    ).committed
    return AnalysisInputs.from_workspace(workspace)


@pytest.mark.parametrize("fmt", ["html", "md", "json"])
@pytest.mark.parametrize("name", list(REPORTS))
def test_report_matches_golden_file(golden_inputs, name, fmt):
    # The workspace hash names ingest runs as well as content, so the golden reports state a fixed one.
    model = build_report(golden_inputs, workspace_hash="golden-fixture", **REPORTS[name])
    rendered = render_report(model, fmt)
    path = HERE / f"{name}.{fmt}"
    if UPDATE:
        path.write_bytes(rendered)
    assert path.exists(), f"{path.name} missing: run MOSAIC_UPDATE_GOLDEN=1 python -m pytest {Path(__file__).name}"
    expected = path.read_bytes()
    assert rendered == expected, (
        f"{path.name} differs from the golden file (MOSAIC_UPDATE_GOLDEN=1 regenerates it; review the diff)"
    )
