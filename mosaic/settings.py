"""Every user setting in one table, read from ``MOSAIC_*`` environment variables.

The CLI's help, the README's settings table and a docs test all read ``SETTINGS``, so a setting cannot be
added in one place and forgotten in another.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mosaic.errors import MappingError


@dataclass(frozen=True)
class Setting:
    """One user setting."""

    env: str
    default: Any
    description: str
    kind: type = str

    def value(self) -> Any:
        """The setting's value: the environment variable when set, else the default."""
        raw = os.environ.get(self.env)
        if raw is None or raw.strip() == "":
            return self.default
        try:
            return self.kind(raw.strip())
        except ValueError:
            raise MappingError(f"{self.env}={raw!r} is not a valid {self.kind.__name__}") from None


SETTINGS: dict[str, Setting] = {
    "workspace": Setting("MOSAIC_WORKSPACE", "mosaic-workspace", "Workspace folder used when --workspace is not given.", str),
    "fuzzy_threshold": Setting(
        "MOSAIC_FUZZY_THRESHOLD", 90.0, "Lowest similarity (0-100) at which a misspelt authority or technology name is matched.", float
    ),
    "lock_timeout": Setting("MOSAIC_LOCK_TIMEOUT", 60.0, "Seconds an ingest waits for another writer to release the workspace.", float),
    "upload_limit_mb": Setting("MOSAIC_UPLOAD_LIMIT_MB", 50.0, "Largest file (in MB) the dashboard's Load data page accepts.", float),
    "dashboard_password": Setting(
        "MOSAIC_DASHBOARD_PASSWORD", "", "Password the dashboard requires when served on an address other than 127.0.0.1 (HTTP basic auth).", str
    ),
}


def get(name: str) -> Any:
    """Return the current value of a setting by its short name."""
    return SETTINGS[name].value()


def workspace_path(given: Path | None) -> Path:
    """The workspace to use: the one given, else ``MOSAIC_WORKSPACE``, else ``./mosaic-workspace``."""
    return given if given is not None else Path(get("workspace"))
