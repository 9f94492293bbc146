"""Every user setting in one table, read from ``MOSAIC_*`` environment variables.

The CLI's help, the README's settings table and a docs test all read ``SETTINGS``, so a setting cannot be
added in one place and forgotten in another.
"""

from __future__ import annotations

import math
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
    minimum: float | None = None
    """For a number: the smallest value that makes sense (exclusive); anything else fails fast."""
    maximum: float | None = None
    """For a number: the largest value allowed (inclusive)."""

    def value(self) -> Any:
        """The setting's value: the environment variable when set, else the default. A value of the wrong
        kind or outside its range is one clear line at once (fail fast on bad configuration), never a
        setting that quietly breaks everything later (an upload limit of -5 MB refused every upload)."""
        raw = os.environ.get(self.env)
        if raw is None or raw.strip() == "":
            return self.default
        try:
            value = self.kind(raw.strip())
        except ValueError:
            raise MappingError(f"{self.env}={raw!r} is not a valid {self.kind.__name__}") from None
        if isinstance(value, int | float) and not math.isfinite(value):
            raise MappingError(f"{self.env}={raw!r} is not a finite number")
        if self.minimum is not None and value <= self.minimum:
            raise MappingError(f"{self.env}={raw!r} must be more than {self.minimum:g}")
        if self.maximum is not None and value > self.maximum:
            raise MappingError(f"{self.env}={raw!r} must be at most {self.maximum:g}")
        return value


SETTINGS: dict[str, Setting] = {
    "workspace": Setting(
        "MOSAIC_WORKSPACE", "mosaic-workspace", "Workspace folder used when --workspace is not given.", str
    ),
    "fuzzy_threshold": Setting(
        "MOSAIC_FUZZY_THRESHOLD",
        90.0,
        "Lowest similarity (0-100) at which a misspelt authority or technology name is matched.",
        float,
        0,
        100,
    ),
    "lock_timeout": Setting(
        "MOSAIC_LOCK_TIMEOUT", 60.0, "Seconds an ingest waits for another writer to release the workspace.", float, -1
    ),
    "upload_limit_mb": Setting(
        "MOSAIC_UPLOAD_LIMIT_MB", 50.0, "Largest file (in MB) the dashboard's Load data page accepts.", float, 0
    ),
    "dashboard_password": Setting(
        "MOSAIC_DASHBOARD_PASSWORD",
        "",
        "Password the dashboard requires when served on an address other than 127.0.0.1 (HTTP basic auth).",
        str,
    ),
}


def get(name: str) -> Any:
    """Return the current value of a setting by its short name."""
    return SETTINGS[name].value()


def workspace_path(given: Path | None) -> Path:
    """The workspace to use: the one given, else ``MOSAIC_WORKSPACE``, else ``./mosaic-workspace``."""
    return given if given is not None else Path(get("workspace"))
