"""Property: ingest never crashes on arbitrary cells and every row is always accounted for."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mosaic.ingest.pipeline import Registers, ingest_files
from mosaic.store.workspace import Workspace

REGISTERS = Registers.default()
HEADER = ["Force", "Technology", "Date of response", "Outcome", "Exemptions", "Source", "Notes"]

cell = st.one_of(
    st.text(max_size=25),
    st.sampled_from(
        ["", " ", "Kent Police", "NCND", "s24(2)", "05/07/2024", "2023", "drones", "Yes", "=1+1", '"', "\n", ";", "\t"]
    ),
)
row = st.lists(cell, min_size=len(HEADER), max_size=len(HEADER))


def _written(rows: list[list[str]], delimiter: str, encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(row, min_size=1, max_size=12),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "cp1252", "utf-8-sig"]),
)
def test_ingest_never_crashes_and_reconciles(rows, delimiter, encoding):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input.csv"
        path.write_bytes(_written(rows, delimiter, encoding))
        workspace = Workspace(Path(folder) / "ws")
        report = ingest_files([path], workspace, registers=REGISTERS)
        if not report.committed:
            # only whole-file problems may stop a run, and they are one line each
            assert report.errors and all("\n" not in e for e in report.errors)
            assert not workspace.exists()
            return
        summary = report.as_dict()
        assert summary["rows_read"] == summary["accepted"] + summary["quarantined"] + summary["duplicates"]
        assert summary["rows_read"] + summary["blank_rows"] == len(rows)
        assert workspace.responses().height == summary["accepted"]
        assert workspace.read("quarantine").height == summary["quarantined"]
        again = ingest_files([path], workspace, registers=REGISTERS).as_dict()
        assert again["accepted"] == 0
        assert again["duplicates"] == summary["accepted"] + summary["duplicates"]
