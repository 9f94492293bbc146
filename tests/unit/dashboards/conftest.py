"""A tiny hand-made workspace for the dashboard's unit tests (real ingest, five rows)."""

from __future__ import annotations

from pathlib import Path

import pytest

TINY_CSV = (
    "authority,technology,request_date,response_date,outcome,source_url,notes\n"
    "Kent Police,Facewise Cloud,2021-01-01,2021-01-10,Not held,https://example.org/kent-1,\n"
    "Essex Police,Facewise Cloud,2021-01-01,2021-02-10,Yes,https://example.org/essex,\n"
    'Surrey Police,Facewise Cloud,2021-03-01,2021-03-10,NCND s24(2),https://example.org/surrey,"<script>alert(1)</script>"\n'
    "Kent Police,Facewise Cloud,2021-04-01,2021-04-10,Neither confirm nor deny s24(2) s31(3),,\n"
    "Sussex Police,DJI Mavic,2021-05-01,2021-05-10,Not held,,\n"
)


@pytest.fixture(scope="session")
def tiny_workspace(tmp_path_factory):
    from mosaic.ingest.pipeline import ingest_files
    from mosaic.store.workspace import Workspace

    folder: Path = tmp_path_factory.mktemp("dash-tiny")
    source = folder / "tiny.csv"
    source.write_text(TINY_CSV, encoding="utf-8")
    workspace = Workspace(folder / "workspace")
    report = ingest_files([source], workspace, registers=sample_registers())
    assert report.committed and report.total("accepted") == 5
    return workspace


@pytest.fixture
def tiny_data(tiny_workspace):
    from dashboards.data import FakeData

    return FakeData(tiny_workspace.responses())


def sample_registers():  # noqa: N802 - reads like the constant it stands for
    """The registers plus the sample's fictional products: these fixtures name them (never real products)."""
    from mosaic.ingest.pipeline import Registers
    from mosaic.registry import load_authorities, load_technologies

    return Registers(load_authorities(), load_technologies(sample=True))
