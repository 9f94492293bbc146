"""The report fixture: a small real CSV (tests/golden/report/responses.csv) ingested into a workspace.

What it holds (hand-checked): West Mercia's NCND on Cellshade Mini of 14 March 2022, with, before it,
three official exact disclosures (an unresolved authority whose name looks like a formula on 5 March,
Durham's denial on 10 March, Hertfordshire's confirmation on 11 March), one unofficial one (Surrey,
a media report, 12 March), two disclosures of the category (Cheshire confirmed, Essex denied, June
2021) and West Mercia's own earlier partial NCND on the category (17 July 2021); after it, Kent's and
Police Scotland's NCNDs and Humberside's denial (1 April 2022). Platewatch 360 has only a confirmation
(Essex) and a denial (Kent): no NCND. West Mercia's NCND has a ``<script>`` in its notes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mosaic.analyses import AnalysisInputs
from mosaic.ingest.pipeline import ingest_files
from mosaic.store.workspace import Workspace

FIXTURE_CSV = Path(__file__).resolve().parents[2] / "golden" / "report" / "responses.csv"


@pytest.fixture(scope="session")
def fixture_workspace(tmp_path_factory) -> Workspace:
    workspace = Workspace(tmp_path_factory.mktemp("report") / "workspace")
    report = ingest_files([FIXTURE_CSV], workspace, registers=sample_registers())
    assert report.committed, report.errors
    return workspace


@pytest.fixture(scope="session")
def fixture_inputs(fixture_workspace) -> AnalysisInputs:
    return AnalysisInputs.from_workspace(fixture_workspace)


def sample_registers():  # noqa: N802 - reads like the constant it stands for
    """The registers plus the sample's fictional products: these fixtures name them (never real products)."""
    from mosaic.ingest.pipeline import Registers
    from mosaic.registry import load_authorities, load_technologies

    return Registers(load_authorities(), load_technologies(sample=True))
