"""Find the bundled data files (``data/``) both in a checkout and in an installed wheel.

The wheel carries ``data/`` as ``mosaic/_data`` (see ``[tool.hatch.build.targets.wheel.force-include]``
in pyproject.toml); a checkout or an editable install reads the top-level ``data/`` folder directly.
"""

from __future__ import annotations

import functools
import hashlib
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


@functools.lru_cache(maxsize=1)
def _bundled_sample_fingerprint() -> tuple[int, str]:
    data = sample_path("responses.csv").read_bytes()
    return len(data), hashlib.sha256(data).hexdigest()


def is_bundled_sample_file(path: Path | str) -> bool:
    """True when ``path`` holds exactly the bundled synthetic sample (``data/sample/responses.csv``), by
    size and SHA-256 of its bytes: a copy counts, an edited or regenerated file does not."""
    try:
        size = Path(path).stat().st_size
        expected_size, expected_digest = _bundled_sample_fingerprint()
        return size == expected_size and hashlib.sha256(Path(path).read_bytes()).hexdigest() == expected_digest
    except OSError:
        return False
