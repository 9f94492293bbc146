"""Write the fixture documents (letters, notices, a PDF) once per session for the extractor tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_SPEC = importlib.util.spec_from_file_location("document_fixtures", Path(__file__).with_name("document_fixtures.py"))
fixtures = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(fixtures)


@pytest.fixture(scope="session")
def documents(tmp_path_factory) -> dict[str, Path]:
    """name -> path of every fixture document (see document_fixtures.py)."""
    return fixtures.write_documents(tmp_path_factory.mktemp("documents"))


@pytest.fixture(scope="session")
def document_texts():
    """The fixture module itself, for tests that build variants of the letters."""
    return fixtures
