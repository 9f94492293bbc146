"""Load data page: upload CSV or XLSX files; the same locked, atomic ingest as ``mosaic ingest``.

The uploaded bytes are written under their base name (never a path the browser chose) into a private
temporary folder, ingested, and the folder is removed. The reconciliation and the quarantined rows are
shown exactly as the CLI reports them.
"""

from __future__ import annotations

import base64
import binascii
import re
import tempfile
from pathlib import Path
from typing import Any

import polars as pl
from dash import ALL, Dash, Input, Output, State, dcc, html, no_update

from dashboards import views
from dashboards.data import DataAccess
from dashboards.ids import LoadIds
from mosaic.errors import MappingError, MosaicError
from mosaic.extract.text import DOCUMENT_SUFFIXES
from mosaic.ingest.headers import FIELDS, IGNORE, ColumnMapping, field_for_header, header_key
from mosaic.ingest.readers import SUPPORTED_SUFFIXES, read_tables

#: How many files of the per-file limit one upload may carry together (the server's request cap is sized
#: for it, so several files each under the limit are never refused as one "too large" request).
UPLOAD_FILES_AT_ONCE = 10

#: What ``mosaic ingest`` reads: delimited text, workbooks, and letters and decision notices.
ACCEPTED_SUFFIXES = tuple(sorted(SUPPORTED_SUFFIXES | DOCUMENT_SUFFIXES))


def layout(data: DataAccess, limit_bytes: int = 50 * 1024 * 1024, **_ignored: Any) -> html.Div:
    """The upload control and where its result appears."""
    target = (
        "a temporary copy of the synthetic sample (it is discarded when the server stops)"
        if data.is_sample
        else "the workspace"
    )
    return html.Div(
        [
            html.H2("Load data"),
            html.P(
                f"Files are read by the same ingest as 'mosaic ingest' and added to {target}. Every row ends accepted, quarantined (with the reason) or duplicate."
            ),
            dcc.Upload(
                id=LoadIds.UPLOAD,
                children=html.Div(
                    [
                        "Drag and drop, or ",
                        html.A("choose files", href="#", role="button"),
                        f" (CSV, TSV, XLSX, or letters as PDF, HTML, text or e-mail; up to {limit_bytes / 2**20:g} MB each, {UPLOAD_FILES_AT_ONCE} at a time)",
                    ]
                ),
                # No ``accept`` filter: the browser would drop a file of another kind without a word; each
                # file is checked here instead, and one the ingest cannot read is named with the kinds it can.
                multiple=True,
                style={
                    "border": "2px dashed #999",
                    "borderRadius": "6px",
                    "padding": "28px",
                    "textAlign": "center",
                    "background": "#FAFAFA",
                },
            ),
            html.P(
                f"Limit: {limit_bytes / 2**20:g} MB per file (setting MOSAIC_UPLOAD_LIMIT_MB).",
                id=LoadIds.LIMIT_NOTE,
                style={"fontSize": "12px", "color": "#555"},
            ),
            dcc.Loading(html.Div(id=LoadIds.RESULT)),
        ]
    )


def safe_name(filename: str | None, index: int) -> str:
    """The base name of an uploaded file with anything odd replaced (no directories, no dot files)."""
    base = Path(str(filename or "")).name.replace("\\", "_")
    base = re.sub(r"[^A-Za-z0-9._ -]", "_", base).strip(" .") or f"upload-{index}"
    return base[:120]


def decode_upload(contents: str, filename: str, limit_bytes: int) -> bytes:
    """The bytes of one ``dcc.Upload`` data URL; a MosaicError past the size limit or when unreadable."""
    header, _, payload = contents.partition(",")
    if not header.startswith("data:") or ";base64" not in header:
        raise MosaicError(f"{filename}: the upload could not be read")
    if len(payload) * 3 // 4 > limit_bytes + 3:
        raise MosaicError(
            f"{filename}: larger than the {limit_bytes / 2**20:g} MB upload limit (MOSAIC_UPLOAD_LIMIT_MB); use 'mosaic ingest' for large files"
        )
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise MosaicError(f"{filename}: the upload could not be decoded") from None


def ingest_uploads(
    data: DataAccess, contents: list[str], filenames: list[str], limit_bytes: int, mapping: ColumnMapping | None = None
) -> html.Div:
    """Write the uploads to a private folder, ingest them together, and show the reconciliation.

    When the ingest cannot tell which column holds a required field (the CLI would say "name one with
    --map"), the page offers what --map does: a choice of field per uploaded column, then reads again.
    """
    if not contents:
        return html.Div()
    form: html.Div | None = None
    try:
        with tempfile.TemporaryDirectory(prefix="mosaic-upload-") as folder:
            paths = _write_uploads(Path(folder), contents, filenames, limit_bytes)
            try:
                report = data.ingest(paths, mapping)
            except MappingError as exc:
                if mapping is None:
                    raise
                # The page's own choices did not make a mapping (two columns for one field): say so, keep the form.
                return html.Div(
                    [
                        html.P("Nothing was written.", style={"fontWeight": "700"}),
                        html.P(str(exc), className="upload-error", role="alert"),
                        mapping_form(paths, mapping),
                    ]
                )
            if not report.committed and any("--map" in str(error) for error in report.errors):
                form = mapping_form(paths, mapping or ColumnMapping())
    except MosaicError as exc:
        return html.Div(
            [
                html.P("Nothing was written.", style={"fontWeight": "700"}),
                html.P(str(exc), className="upload-error", role="alert"),
            ]
        )
    quarantine = data.quarantine(report.ingest_id) if report.committed else None
    result = views.reconciliation_component(report, quarantine if quarantine is not None else pl.DataFrame())
    return html.Div([result, form]) if form is not None else result


def _write_uploads(folder: Path, contents: list[str], filenames: list[str], limit_bytes: int) -> list[Path]:
    paths: list[Path] = []
    for index, (content, filename) in enumerate(zip(contents, filenames, strict=False)):
        name = safe_name(filename, index)
        if not name.lower().endswith(ACCEPTED_SUFFIXES):
            raise MosaicError(f"{name}: not a file ingest reads ({', '.join(ACCEPTED_SUFFIXES)})")
        path = folder / f"{index}-{name}" if any(p.name.endswith(name) for p in paths) else folder / name
        path.write_bytes(decode_upload(content, name, limit_bytes))
        paths.append(path)
    return paths


def mapping_form(paths: list[Path], mapping: ColumnMapping) -> html.Div:
    """One field choice per column of the uploaded tables, preset to what ingest made of it, and a button
    that reads the same files again with those choices (the page's ``--map``)."""
    columns: list[str] = []
    for path in paths:
        if path.suffix.lower() in DOCUMENT_SUFFIXES:
            continue
        try:
            tables = read_tables(path)
        except MosaicError:
            continue
        for table in tables:
            columns += [c for c in table.header if c not in columns]
    preset: dict[str, str] = {}
    for column in columns:
        key = header_key(column)
        preset[column] = mapping.mapped.get(key) or field_for_header(column) or ""
    options = [{"label": "(not used: keep aside)", "value": IGNORE}] + [
        {"label": name.replace("_", " "), "value": name} for name in FIELDS
    ]
    rows = [
        html.Tr(
            [
                html.Td(column, style={"padding": "3px 12px 3px 0"}),
                html.Td(
                    dcc.Dropdown(
                        id={"type": LoadIds.MAP_COLUMN, "column": column},
                        options=options,
                        value=preset[column] or None,
                        placeholder="choose a field",
                        style={"minWidth": "260px"},
                    )
                ),
            ]
        )
        for column in columns
    ]
    return html.Div(
        [
            html.H4("Which field is each column?"),
            html.P(
                "Choose a field for the columns ingest could not place, then read the same files again (what 'mosaic ingest --map COLUMN=FIELD' does)."
            ),
            html.Table(
                [html.Thead(html.Tr([html.Th("column in the file"), html.Th("field")])), html.Tbody(rows)],
                className="column-mapping",
            ),
            html.Button("Read again with these columns", id=LoadIds.REMAP, n_clicks=0, style={"marginTop": "8px"}),
        ],
        className="mapping-form",
    )


def mapping_from_choices(ids: list[dict[str, str]], values: list[str | None]) -> ColumnMapping:
    """The ``ColumnMapping`` the form's choices make (unchosen columns are left to ingest's own aliases)."""
    return ColumnMapping.from_options([f"{i['column']}={value}" for i, value in zip(ids, values, strict=True) if value])


def register_callbacks(app: Dash, data: DataAccess, limit_bytes: int) -> None:
    @app.callback(
        Output(LoadIds.RESULT, "children"),
        Input(LoadIds.UPLOAD, "contents"),
        State(LoadIds.UPLOAD, "filename"),
        prevent_initial_call=True,
    )
    def _upload(contents, filenames):
        if isinstance(contents, str):
            contents, filenames = [contents], [filenames]
        return ingest_uploads(data, contents or [], filenames or [], limit_bytes)

    @app.callback(
        Output(LoadIds.RESULT, "children", allow_duplicate=True),
        Input(LoadIds.REMAP, "n_clicks"),
        State(LoadIds.UPLOAD, "contents"),
        State(LoadIds.UPLOAD, "filename"),
        State({"type": LoadIds.MAP_COLUMN, "column": ALL}, "id"),
        State({"type": LoadIds.MAP_COLUMN, "column": ALL}, "value"),
        prevent_initial_call=True,
    )
    def _remap(clicks, contents, filenames, ids, values):
        if not clicks:
            return no_update
        if isinstance(contents, str):
            contents, filenames = [contents], [filenames]
        return ingest_uploads(data, contents or [], filenames or [], limit_bytes, mapping_from_choices(ids, values))
