"""Find the bundled data files (``data/``) both in a checkout and in an installed wheel.

The wheel carries ``data/`` as ``mosaic/_data`` (see ``[tool.hatch.build.targets.wheel.force-include]``
in pyproject.toml); a checkout or an editable install reads the top-level ``data/`` folder directly.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir() -> Path:
    """Return the folder holding ``reference/`` and ``sample/``."""
    for candidate in (_PACKAGE_DIR / "_data", _PACKAGE_DIR.parent / "data"):
        if (candidate / "reference").is_dir():
            return candidate
    raise FileNotFoundError("mosaic's bundled data folder is missing: reinstall the package")


def reference_path(name: str) -> Path:
    """Return the path of a bundled reference register, e.g. ``reference_path("authorities.csv")``."""
    return data_dir() / "reference" / name


def sample_path(name: str) -> Path:
    """Return the path of a bundled sample file, e.g. ``sample_path("responses.csv")``."""
    return data_dir() / "sample" / name
