"""The report's data model: plain dataclasses that every renderer reads and JSON serialises as is.

A report is a title, the facts that make it reproducible (``ReportMeta``), a neutral summary, and a list of
sections, each a list of blocks (a paragraph, a list of facts, a table, the hex map, a chart, a notice).
The builders (``build.py``) compute everything here from the library's public functions; renderers only
format. Keeping every value a plain string, number, list or dict (dates as ISO strings) means the JSON
export *is* the model, and two runs on the same inputs give byte-identical output.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

#: The label of the reproducibility fact that states the regenerating command.
REGENERATE_LABEL = "Regenerate with"
#: Version of the JSON layout of ``ReportModel`` (bump when a field changes meaning).
MODEL_VERSION = 1

ReportKind = Literal["response", "technology", "authority"]
KIND_TITLES: dict[str, str] = {
    "response": "Response dossier",
    "technology": "Technology report",
    "authority": "Authority report",
}

#: How a renderer shows a column's values. ``share`` is a fraction shown as a percentage; ``list`` a list
#: of strings; ``url`` a link (http and https only).
ColumnKind = Literal["text", "int", "float", "share", "date", "url", "list"]
NUMERIC_KINDS: frozenset[str] = frozenset({"int", "float", "share"})


@dataclass(frozen=True)
class Column:
    """One column of a table: the row key, its heading and how to show it."""

    key: str
    label: str
    kind: ColumnKind = "text"


@dataclass(frozen=True)
class Paragraph:
    """Prose built from the numbers."""

    text: str
    type: str = "paragraph"


@dataclass(frozen=True)
class Notice:
    """A sentence the reader must not miss (no NCND found, synthetic data, a check not available)."""

    text: str
    level: Literal["info", "warning"] = "info"
    type: str = "notice"


@dataclass(frozen=True)
class Facts:
    """Label/value pairs (the request and response facts, the reproducibility facts)."""

    items: list[tuple[str, str]]
    title: str | None = None
    type: str = "facts"


@dataclass(frozen=True)
class Table:
    """A table of rows (dicts keyed by ``Column.key``); ``empty`` is said instead when there are none."""

    id: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    empty: str = "None."
    note: str | None = None
    type: str = "table"


@dataclass(frozen=True)
class HexMap:
    """The hexagon cartogram as it stood on a date: one cell per authority with a place on the grid.

    ``cells`` rows: authority_id, name, short (a 2-4 letter label), x, y (hexgrid units, north up),
    stance (a ``MapStance`` value), stance_label, is_subject. ``legend`` rows: stance, label, count.
    ``unplaced`` lists asked authorities with no cell (national bodies), so nobody disappears from the map.
    """

    title: str
    as_of: str
    technology: str
    cells: list[dict[str, Any]]
    legend: list[dict[str, Any]]
    unplaced: list[dict[str, Any]]
    type: str = "hexmap"


@dataclass(frozen=True)
class TimeChart:
    """Counts over time as steps: ``points`` rows have ``date`` and one value per ``series`` key."""

    title: str
    series: list[tuple[str, str]]
    points: list[dict[str, Any]]
    y_label: str = "authorities"
    type: str = "timechart"


@dataclass(frozen=True)
class IntervalChart:
    """A share with its 95% Wilson interval per row (label, successes, trials, share, low, high)."""

    title: str
    rows: list[dict[str, Any]]
    measure: str
    type: str = "intervalchart"


Block = Paragraph | Notice | Facts | Table | HexMap | TimeChart | IntervalChart


@dataclass(frozen=True)
class Section:
    """A titled part of the report."""

    id: str
    title: str
    blocks: list[Block]


@dataclass(frozen=True)
class ReportMeta:
    """What a reader needs to tell versions apart and regenerate the report."""

    as_of: str
    workspace_hash: str
    tool_version: str
    command: str
    generated_on: str | None = None
    """Only when the caller gives it: reports carry no timestamp of "now" by default (byte-identical reruns)."""


@dataclass(frozen=True)
class ReportModel:
    """A whole report: subject, meta, summary, sections, and the findings and evidence behind them."""

    kind: ReportKind
    title: str
    subtitle: str
    meta: ReportMeta
    subject: dict[str, Any]
    summary: list[str]
    sections: list[Section]
    findings: list[dict[str, Any]] = field(default_factory=list)
    """The findings the report drew on (``findings_records``), for the data exports."""
    model_version: int = MODEL_VERSION

    def to_dict(self) -> dict[str, Any]:
        """The model as JSON-ready dicts and lists (tuples become lists)."""
        return _plain(dataclasses.asdict(self))

    def with_command(self, command: str) -> ReportModel:
        """The same report stating ``command`` as the one that regenerates it (in meta and in the text)."""
        sections = [
            dataclasses.replace(
                section,
                blocks=[
                    dataclasses.replace(
                        block,
                        items=[
                            (label, command if label == REGENERATE_LABEL else value) for label, value in block.items
                        ],
                    )
                    if isinstance(block, Facts)
                    else block
                    for block in section.blocks
                ],
            )
            for section in self.sections
        ]
        return dataclasses.replace(self, meta=dataclasses.replace(self.meta, command=command), sections=sections)

    def tables(self) -> list[Table]:
        """Every table in the report, in reading order."""
        return [block for section in self.sections for block in section.blocks if isinstance(block, Table)]


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
