"""Issue 13 item 11: output to a pipe or a file is never cut to the terminal's width."""

from __future__ import annotations

import re
import subprocess
import sys


def test_piped_summary_keeps_every_column_and_count(tmp_path):
    # Before: `mosaic summary | cat` was cut at 80 columns, so the "NCND, 95% CI" column lost its
    # interval ("61% (46-") and long technology names wrapped onto a second line.
    result = subprocess.run(
        [sys.executable, "-m", "mosaic.cli", "demo"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"COLUMNS": "80", "PATH": ""},
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith("technology "))
    assert header.rstrip().endswith("NCND, 95% CI")
    rows = lines[lines.index(header) + 2 :]
    technologies = [row for row in rows if re.search(r"\d+%", row)]
    assert len(technologies) == 5  # the sample asks about five technologies
    # every row is whole: name, six counts and shares, and a complete interval, on one line
    for row in technologies:
        assert re.search(r"\s\d+\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+%\s+(\d+% \(\d+-\d+\)|-|counts only)\s*$", row), row
    assert any(row.startswith("Covert communications data capture ") for row in technologies)
    assert "…" not in result.stdout
