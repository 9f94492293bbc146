"""The guide (docs/guide.md) stays true: its commands run, in order, on the bundled sample, and the
sentence it quotes is what the tool prints."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "guide.md").read_text(encoding="utf-8")


def guide_commands() -> list[list[str]]:
    commands = re.findall(r"```sh\n(.+?)\n```", GUIDE, flags=re.DOTALL)
    return [shlex.split(line) for block in commands for line in block.splitlines() if line.strip()]


def test_the_guide_links_what_the_numbers_mean():
    assert "(numbers.md)" in GUIDE and (ROOT / "docs" / "numbers.md").exists()
    assert "docs/guide.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_in_the_guide_runs_and_its_quote_is_what_the_tool_says(tmp_path):
    commands = guide_commands()
    assert len(commands) == 6 and all(command[0] == "mosaic" for command in commands)
    outputs = []
    for command in commands:
        args = [str(ROOT / arg) if arg.startswith("data/") else arg for arg in command[1:]]
        result = subprocess.run(
            [sys.executable, "-m", "mosaic.cli", *args], cwd=tmp_path, capture_output=True, text=True, timeout=300,
            env={**os.environ, "COLUMNS": "400"},
        )  # fmt: skip
        assert result.returncode == 0, (command, result.stderr)
        outputs.append(result.stdout)
    assert (tmp_path / "dossier.html").exists()
    # The regulator's decisions in the sample, as the guide describes them.
    regulator = " ".join(outputs[4].split())
    assert "with different outcomes: West Yorkshire Police's answer upheld" in regulator, regulator
    assert "West Mercia Police's answer not upheld" in regulator
    quoted = " ".join(
        line.removeprefix("> ").strip()
        for line in GUIDE.split("## 6. What to quote", 1)[1].splitlines()
        if line.startswith("> ")
    )
    analysed = " ".join(outputs[3].split())
    assert quoted in analysed, quoted
