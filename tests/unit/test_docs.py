"""The README stays true: its test command is what CI runs, and its settings table matches the code."""

from __future__ import annotations

import re
from pathlib import Path

from mosaic.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_quick_start_has_exactly_two_commands():
    commands = quick_start_commands()
    assert len(commands) == 2
    assert commands[0].endswith("mosaic dashboard")  # the main job: the map, on the bundled sample
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quick_start_commands()[1] in ci.splitlines()


def test_settings_table_matches_the_code():
    rows = dict(re.findall(r"^\| `(MOSAIC_[A-Z_]+)` \| `[^`]*` \| (.+?) \|$", README, flags=re.MULTILINE))
    assert rows == {s.env: s.description for s in SETTINGS.values()}
    for s in SETTINGS.values():
        assert f"| `{s.env}` | `{s.default}` |" in README


def test_a_setting_out_of_range_is_one_clear_line(monkeypatch):
    # Issue 13 item 15: MOSAIC_UPLOAD_LIMIT_MB=-5 was accepted, then every upload was "too large".
    import pytest

    from mosaic import settings
    from mosaic.errors import MappingError

    for name, raw, message in (
        ("MOSAIC_UPLOAD_LIMIT_MB", "-5", "must be more than 0"),
        ("MOSAIC_UPLOAD_LIMIT_MB", "nan", "is not a finite number"),
        ("MOSAIC_FUZZY_THRESHOLD", "150", "must be at most 100"),
        ("MOSAIC_UPLOAD_LIMIT_MB", "ten", "is not a valid float"),
    ):
        monkeypatch.setenv(name, raw)
        key = next(k for k, s in settings.SETTINGS.items() if s.env == name)
        with pytest.raises(MappingError, match=message):
            settings.get(key)
        monkeypatch.delenv(name)
    monkeypatch.setenv("MOSAIC_UPLOAD_LIMIT_MB", "2.5")
    assert settings.get("upload_limit_mb") == 2.5
