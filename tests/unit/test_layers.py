"""Data flows one way: each stage imports only earlier stages (design.md, 'One direction of flow')."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "mosaic"

#: What each stage may import from mosaic (besides itself). Later stages are listed later.
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "schema": {"errors"},
    "resources": set(),
    "settings": {"errors"},
    "registry": {"errors", "schema", "resources", "normalise.names"},
    "normalise": {"errors", "schema", "registry", "resources"},
    "store": {"errors", "schema"},
    "ingest": {"errors", "schema", "registry", "normalise", "store", "resources", "extract"},
    "analyses": {"errors", "schema", "registry", "normalise", "store", "resources"},
    "sample": {"errors", "schema", "registry", "resources"},
    "graph": {"errors", "schema", "registry", "normalise", "store", "resources", "analyses"},
    "extract": {"errors", "schema", "registry", "normalise", "resources"},
    "present": {"errors", "schema", "registry", "normalise", "resources", "analyses"},
    "report": {
        "errors",
        "schema",
        "registry",
        "normalise",
        "store",
        "resources",
        "analyses",
        "graph",
        "settings",
        "present",
    },
}
FORBIDDEN_EVERYWHERE_BUT_UI = {"dash", "plotly"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _stage(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


def test_stages_import_only_earlier_stages():
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        stage = _stage(path)
        if stage not in ALLOWED:
            continue
        for name in _imports(path):
            if name.split(".")[0] in FORBIDDEN_EVERYWHERE_BUT_UI:
                problems.append(f"{path.relative_to(PACKAGE)} imports {name}")
            if not name.startswith("mosaic.") and name != "mosaic":
                continue
            target = name.removeprefix("mosaic.").removeprefix("mosaic")
            if not target or target.split(".")[0] == stage:
                continue
            if not any(target == allowed or target.startswith(allowed + ".") for allowed in ALLOWED[stage]):
                problems.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert problems == []
