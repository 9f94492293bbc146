"""One CSV writer with the formula guard, and one findings table, for the CLI and the dashboard alike."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import polars as pl

from mosaic.present.writers import frame_csv, neutralise_cell, neutralise_text_columns

HOSTILE = '=HYPERLINK("http://evil.example","x")'


def test_text_that_a_spreadsheet_would_run_is_neutralised_and_numbers_are_not():
    frame = pl.DataFrame(
        {"name": [HOSTILE, "+44 20", "@SUM(A1)", "-3", "Kent Police", None], "count": [-3, 1, 2, 3, 4, 5]}
    )
    safe = neutralise_text_columns(frame)
    assert safe.get_column("name").to_list() == ["'" + HOSTILE, "'+44 20", "'@SUM(A1)", "'-3", "Kent Police", None]
    assert safe.get_column("count").to_list() == [-3, 1, 2, 3, 4, 5]
    assert neutralise_cell("\tcmd") == "'\tcmd" and neutralise_cell("s24(2)") == "s24(2)"
    rows = list(csv.reader(io.StringIO(frame_csv(frame.with_columns(codes=pl.lit(["=1", "s24(2)"]))))))
    assert rows[0] == ["name", "count", "codes"] and rows[1] == ["'" + HOSTILE, "-3", "'=1; s24(2)"]


def test_cli_and_dashboard_write_the_same_findings_table_with_formulas_neutralised(tmp_path):
    # Issue 13 item 12: the dashboard's findings CSV let an authority named =HYPERLINK(...) through as a
    # live formula, and had other columns than the CLI's. Both now come from present.tables + writers.
    from dashboards.data import WorkspaceData
    from dashboards.exports import findings_download
    from mosaic.ingest.pipeline import ingest_files
    from mosaic.store.workspace import Workspace

    source = tmp_path / "answers.csv"
    source.write_text(
        "authority,technology,request_date,response_date,outcome,exemptions\n"
        "Kent Police,Facial recognition,2023-01-02,2023-01-20,disclosed,\n"
        f'"{HOSTILE.replace(chr(34), chr(34) * 2)}",Facial recognition,2023-02-01,2023-03-01,ncnd,s24(2);s31(3)\n',
        encoding="utf-8",
    )
    workspace = Workspace(tmp_path / "ws")
    assert ingest_files([source], workspace).committed
    cli = subprocess.run(
        [sys.executable, "-m", "mosaic.cli", "analyse", "-w", str(workspace.path), "--format", "csv"],
        capture_output=True,
        text=True,
    )
    assert cli.returncode == 0, cli.stderr
    dashboard = findings_download(WorkspaceData(workspace), None)["content"]
    for text in (cli.stdout, dashboard):
        cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        assert not any(cell.startswith(("=", "+", "@")) for cell in cells), [c for c in cells if c[:1] in "=+@"]
        assert "'" + HOSTILE in cells  # the NCND's authority name, kept as text
    assert cli.stdout.splitlines()[0] == dashboard.splitlines()[0]
    assert cli.stdout.splitlines()[0].startswith("check,scope,severity,authority_id,authority_name")
