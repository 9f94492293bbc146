"""Turn a ``ReportModel`` into bytes: HTML, PDF, Markdown, JSON, CSV or XLSX; and write it atomically.

Safety rules (``issues show 6``):

* HTML: Jinja2 with autoescape, so every value from the data is text, never markup; links only for
  http(s) URLs (never ``javascript:``). The SVG charts escape their own text (``svg.py``).
* Markdown: what Markdown or HTML would act on is backslash-escaped in every value (``escape_markdown``),
  and table cells keep to one line with ``|`` escaped.
* CSV and XLSX: a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
  leading apostrophe (OWASP's CSV-injection rule), so no spreadsheet runs it as a formula. Numeric
  columns are written as numbers and never touched, so a legitimate ``-3`` stays ``-3``.
* Output: written to a temporary file beside the target and renamed over it, so a reader never sees a
  half-written report and a failure leaves the old one in place.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from mosaic.errors import MosaicError
from mosaic.present.writers import Sheet, display_value, rows_csv, xlsx_workbook
from mosaic.report.model import NUMERIC_KINDS, HexMap, IntervalChart, ReportModel, TimeChart
from mosaic.report.svg import hexmap_svg, intervalchart_svg, timechart_svg
from mosaic.store.files import write_atomically

FORMATS: tuple[str, ...] = ("html", "pdf", "md", "json", "csv", "xlsx")
FORMAT_SUFFIXES: dict[str, str] = {
    "html": ".html",
    "pdf": ".pdf",
    "md": ".md",
    "json": ".json",
    "csv": ".csv",
    "xlsx": ".xlsx",
}


# --- values --------------------------------------------------------------------------------------


def is_http_url(value: Any) -> bool:
    """Only http and https URLs become links (never javascript: or data:)."""
    return isinstance(value, str) and re.match(r"^https?://[^\s<>\"']+$", value, flags=re.IGNORECASE) is not None


# --- HTML and PDF --------------------------------------------------------------------------------


@cache
def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("mosaic.report", "templates"),
        autoescape=True,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["cell"] = display_value
    env.tests["http_url"] = is_http_url
    return env


def _css() -> str:
    return resources.files("mosaic.report").joinpath("templates/report.css").read_text(encoding="utf-8")


def _svg(block: Any) -> Any:
    if isinstance(block, HexMap):
        return hexmap_svg(block)
    if isinstance(block, TimeChart):
        return timechart_svg(block)
    if isinstance(block, IntervalChart):
        return intervalchart_svg(block)
    return ""


def render_html(model: ReportModel) -> str:
    """One self-contained HTML page: styles and SVG charts inline, no scripts, no outside requests."""
    from markupsafe import Markup

    template = _environment().get_template("report.html.j2")
    return template.render(report=model, css=Markup(_css()), svg=_svg, numeric=NUMERIC_KINDS)


def render_pdf(model: ReportModel) -> bytes:
    """The HTML rendered to PDF by WeasyPrint (static SVG charts, fonts embedded, nothing fetched)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: the pango/cairo system libraries are missing
        raise MosaicError(f"PDF output needs WeasyPrint and its system libraries (pango): {exc}") from None

    def refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict:
        raise ValueError(f"reports fetch nothing: {url}")

    return HTML(string=render_html(model), url_fetcher=refuse_fetch, base_url=None).write_pdf()


# --- Markdown ------------------------------------------------------------------------------------

#: Markdown punctuation that acts anywhere in a line: escapes, code, emphasis, links and images (the brackets),
#: table cells, strikethrough. Everything else is escaped only where it acts (see ``escape_markdown``).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
#: ``<`` opening a tag, comment, declaration or autolink; ``&`` opening an entity or character reference.
_MD_HTML_OPEN = re.compile(r"<(?=[A-Za-z/!?])")
_MD_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


def escape_markdown(value: Any, kind: str = "text", *, line_start: bool = False) -> str:
    """A value as inert Markdown text on one line, escaped only where Markdown would act on it.

    Escaping everything (``s24\\(2\\)``, ``&gt;``) made the file hard to read as text, and a report's
    Markdown is read as text as often as it is rendered. So: punctuation that acts anywhere is
    backslash-escaped, ``<`` only where it would open HTML or an autolink, ``&`` only where it would open an
    entity. With ``line_start`` (a paragraph), what would open a heading, a list, a quote or a setext
    heading is escaped too. Tested against a CommonMark parser: the text comes back as itself.
    """
    text = display_value(value, kind)
    text = re.sub(r"[\r\n\t]+", " ", text).strip()  # one line; leading spaces would make a code block
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_HTML_OPEN.sub(r"\\<", text)
    text = _MD_ENTITY.sub(r"\\&", text)
    if line_start:
        text = re.sub(r"^(\s*)(\d+)([.)])", r"\1\2\\\3", text)  # "1. " would start an ordered list
        text = re.sub(r"^(\s*)([-=+#>])", r"\1\\\2", text)  # a bullet, a setext underline, a heading, a quote
    return text


def _md_cell(value: Any, kind: str) -> str:
    if kind == "url" and is_http_url(value):
        return f"<{value}>"
    return escape_markdown(value, kind)


def render_markdown(model: ReportModel) -> str:
    """The same content as the HTML, as Markdown (tables as pipe tables; charts described in words)."""
    e = escape_markdown
    meta = model.meta
    lines = [f"# {e(model.title)}", "", f"*{e(model.subtitle)}*", ""]
    lines += [
        f"- **As of:** {e(meta.as_of)}",
        f"- **Workspace:** {e(meta.workspace_hash)}",
        f"- **Tool:** mosaic {e(meta.tool_version)}",
        f"- **Regenerate:** `{meta.command.replace('`', '')}`",
    ]
    if meta.generated_on:
        lines.append(f"- **Generated:** {e(meta.generated_on)}")
    lines += ["", "## Summary", ""]
    for text in model.summary:
        lines += [e(text, line_start=True), ""]
    for section in model.sections:
        lines += [f"## {e(section.title)}", ""]
        for block in section.blocks:
            lines += _md_block(block) + [""]
    lines += ["---", "", e(f"Made with mosaic {meta.tool_version} from workspace {meta.workspace_hash}, as of {meta.as_of}. "
                          "This report sets out what was public, where and when; it is evidence, not a legal conclusion."), ""]  # fmt: skip
    return "\n".join(lines)


def _md_block(block: Any) -> list[str]:
    e = escape_markdown
    kind = block.type
    if kind == "paragraph":
        return [e(block.text, line_start=True)]
    if kind == "notice":
        return [f"> **{'Warning' if block.level == 'warning' else 'Note'}:** {e(block.text)}"]
    if kind == "facts":
        lines = [f"**{e(block.title)}**", ""] if block.title else []
        lines += ["| | |", "| --- | --- |"]
        lines += [
            f"| **{e(label)}** | {_md_cell(value, 'url' if is_http_url(value) else 'text')} |"
            for label, value in block.items
        ]
        return lines
    if kind == "table":
        lines = [f"### {e(block.title)}", ""]
        if not block.rows:
            lines.append(f"*{e(block.empty)}*")
        else:
            lines.append("| " + " | ".join(e(c.label) or " " for c in block.columns) + " |")
            lines.append("| " + " | ".join("---:" if c.kind in NUMERIC_KINDS else "---" for c in block.columns) + " |")
            for row in block.rows:
                lines.append("| " + " | ".join(_md_cell(row.get(c.key), c.kind) for c in block.columns) + " |")
        if block.note:
            lines += ["", f"*{e(block.note)}*"]
        return lines
    if kind == "hexmap":
        legend = "; ".join(f"{e(item['label'])}: {int(item['count'])}" for item in block.legend)
        lines = [f"### {e(block.title)}", "", f"Map legend (authorities on {e(block.as_of)}): {legend}.", ""]
        lines += ["| Authority | Stance on the map |", "| --- | --- |"]
        cells = sorted([*block.cells, *block.unplaced], key=lambda cell: cell["name"])
        lines += [
            f"| {e(cell['name'])}{' (this authority)' if cell.get('is_subject') else ''} | {e(cell['stance_label'])} |"
            for cell in cells
            if cell["stance"] != "not_asked"
        ]
        return lines
    if kind == "timechart":
        labels = dict(block.series)
        last = block.points[-1] if block.points else {}
        described = ", ".join(f"{e(labels[key])} {int(last.get(key) or 0)}" for key in labels)
        return [
            f"### {e(block.title)}",
            "",
            f"On {e(last.get('date', ''))}: {described} (see the table below for each year).",
        ]
    if kind == "intervalchart":
        return []  # the table beside it carries the same numbers
    return []


# --- JSON ----------------------------------------------------------------------------------------


def render_json(model: ReportModel) -> str:
    """The report's data model as JSON (stable key order, UTF-8, ends with a newline)."""
    return json.dumps(model.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


# --- CSV and XLSX --------------------------------------------------------------------------------

#: The flat findings-with-evidence table: one row per piece of evidence, or per finding without any.
EXPORT_COLUMNS: list[tuple[str, str]] = [
    ("check", "text"), ("severity", "text"), ("scope", "text"),
    ("authority_id", "text"), ("authority_name", "text"), ("technology_id", "text"), ("technology_name", "text"),
    ("region", "text"), ("response_id", "text"), ("response_date", "text"), ("as_of", "text"), ("summary", "text"),
    ("evidence_authority", "text"), ("evidence_technology", "text"), ("evidence_date", "text"), ("evidence_stance", "text"),
    ("evidence_outcome", "text"), ("evidence_exemptions", "text"), ("evidence_grade", "text"), ("evidence_relation", "text"),
    ("evidence_source_type", "text"), ("evidence_source_url", "text"), ("evidence_response_id", "text"),
]  # fmt: skip


def _export_rows(model: ReportModel) -> list[dict[str, Any]]:
    rows = []
    for finding in model.findings:
        base = {key: finding.get(key) for key, _ in EXPORT_COLUMNS if not key.startswith("evidence_")}
        base["metrics"] = finding.get("metrics") or {}
        evidence = finding.get("evidence") or [{}]
        for item in evidence:
            row = dict(base)
            for key in (
                "authority",
                "technology",
                "date",
                "stance",
                "outcome",
                "grade",
                "relation",
                "source_type",
                "source_url",
                "response_id",
            ):
                row[f"evidence_{key}"] = item.get(key)
            row["evidence_exemptions"] = item.get("exemptions") or None
            rows.append(row)
    return rows


def _metric_names(model: ReportModel) -> list[str]:
    from mosaic.analyses import METRICS

    present = {name for finding in model.findings for name in finding.get("metrics", {})}
    return [name for name in METRICS if name in present]


def render_csv(model: ReportModel) -> str:
    """Findings and their evidence as one CSV table, one row per piece of evidence, then the findings'
    metrics as numeric columns. Text cells are neutralised against formula injection; numbers are not."""
    names = [key for key, _ in EXPORT_COLUMNS]
    metric_names = _metric_names(model)
    rows = (
        [row.get(key) for key in names] + [(row.get("metrics") or {}).get(name) for name in metric_names]
        for row in _export_rows(model)
    )
    return rows_csv(names + metric_names, rows)


def render_xlsx(model: ReportModel) -> bytes:
    """A workbook: About (as-of, hash, version, command), Findings (with metrics), Evidence, and one sheet
    per report table, written by ``present.writers.xlsx_workbook`` (text as text, never a formula)."""
    meta = model.meta
    about = [("Title", model.title), ("Kind", model.subtitle), ("As of", meta.as_of), ("Workspace content hash", meta.workspace_hash),
             ("Tool version", f"mosaic {meta.tool_version}"), ("Regenerate with", meta.command)]  # fmt: skip
    if meta.generated_on:
        about.append(("Generated on", meta.generated_on))
    metric_names = _metric_names(model)
    finding_keys = [key for key, _ in EXPORT_COLUMNS if not key.startswith("evidence_")]
    sheets = [
        Sheet("About", ["Field", "Value"], [[(k, "text"), (v, "text")] for k, v in about]),
        Sheet(
            "Findings",
            finding_keys + metric_names,
            [
                [(f.get(k), "text") for k in finding_keys]
                + [(f.get("metrics", {}).get(m), "float") for m in metric_names]
                for f in model.findings
            ],
        ),
        Sheet(
            "Evidence",
            [k for k, _ in EXPORT_COLUMNS],
            [[(row.get(k), kind) for k, kind in EXPORT_COLUMNS] for row in _export_rows(model)],
        ),
    ]
    sheets += [
        Sheet(
            table.title,
            [c.label or c.key for c in table.columns],
            [[(row.get(c.key), c.kind) for c in table.columns] for row in table.rows],
        )
        for table in model.tables()
    ]
    return xlsx_workbook(
        sheets,
        title=model.title,
        author=f"mosaic {meta.tool_version}",
        created=dt.datetime.fromisoformat(meta.as_of),
    )


# --- dispatch and writing ------------------------------------------------------------------------

_RENDERERS: dict[str, Callable[[ReportModel], str | bytes]] = {
    "html": render_html,
    "pdf": render_pdf,
    "md": render_markdown,
    "json": render_json,
    "csv": render_csv,
    "xlsx": render_xlsx,
}


def render_report(model: ReportModel, fmt: str) -> bytes:
    """Render the report in one format (html, pdf, md, json, csv, xlsx) as bytes (text as UTF-8)."""
    key = fmt.lower().lstrip(".")
    key = "md" if key == "markdown" else key
    if key not in _RENDERERS:
        raise MosaicError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    result = _RENDERERS[key](model)
    return result.encode("utf-8") if isinstance(result, str) else result


def write_report(model: ReportModel, fmt: str, path: str | os.PathLike[str]) -> Path:
    """Render and write the report to exactly ``path``, replacing an existing file atomically.

    The bytes go to a temporary file in the same folder, are flushed to disk, and the file is renamed over
    ``path``; nothing else is created or touched. Raises ``MosaicError`` when the folder does not exist or
    ``path`` is a folder.
    """
    if Path(path).is_dir():  # checked before rendering: a PDF can take a while
        raise MosaicError(f"{path} is a folder; give a file name for the report")
    return write_atomically(path, render_report(model, fmt))
