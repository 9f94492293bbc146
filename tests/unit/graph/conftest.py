"""Literal response frames and the bundled sample, for the graph tests."""

from __future__ import annotations

import pytest

from mosaic.analyses import AnalysisInputs

from ..rows import frame
from ..rows import response as _response


def inputs_of(rows: list[dict]) -> AnalysisInputs:
    """The rows with the registers and the sample's fictional products (the rows name them)."""
    from mosaic.registry import load_authorities, load_technologies

    return AnalysisInputs(
        responses=frame(rows), authorities=load_authorities(), technologies=load_technologies(sample=True)
    )


@pytest.fixture(scope="session")
def sample_inputs(tmp_path_factory) -> AnalysisInputs:
    """The bundled synthetic sample, ingested into a workspace once per test session."""
    from mosaic.ingest.pipeline import ingest_files
    from mosaic.resources import sample_path
    from mosaic.store.workspace import Workspace

    workspace = Workspace(tmp_path_factory.mktemp("graph-sample") / "workspace")
    report = ingest_files([sample_path("responses.csv")], workspace)
    assert report.committed
    return AnalysisInputs.from_workspace(workspace)


@pytest.fixture
def response():
    """response(authority, technology, outcome, date, **fields) -> one row dict."""
    return _response


@pytest.fixture
def inputs():
    """inputs(rows) -> AnalysisInputs over those literal rows and the bundled registers."""
    return inputs_of
