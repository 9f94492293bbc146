"""What the three kinds of report share: labels, the context (inputs, names, findings), formatting helpers,
the findings tables, the map block, and the method and reproducibility sections.

Numbers are made here and in the kind modules (``dossier``, ``national``, ``authority``), only from the
library's public functions; the renderers format, never compute.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, NamedTuple

import polars as pl

from mosaic import __version__
from mosaic.analyses import (
    AnalysisInputs,
    CheckParams,
    MapStance,
    all_checks,
    map_stances,
    run_checks,
    technology_scope,
    wilson_interval,
)
from mosaic.analyses.cache import cached_findings
from mosaic.analyses.findings import FINDING_SCHEMA, empty_findings
from mosaic.errors import MosaicError
from mosaic.present.labels import ANSWER_STANCE_LABELS as STANCE_LABELS
from mosaic.present.labels import (  # noqa: F401  (re-exported for the report builders)
    GRADE_LABELS,
    OUTCOME_LABELS,
    RELATION_TITLES,
    SOURCE_TYPE_LABELS,
    STANCE_MARKS,
    authority_hex_labels,
    check_rank,
    map_tally,
    order_checks,
    severity_rank,
    stance_legend_label,
    technology_names,
)
from mosaic.present.labels import STANCE_LABELS as MAP_STANCE_LABELS
from mosaic.registry import is_bundled_sample
from mosaic.registry.hexgrid import hex_cells
from mosaic.report.model import REGENERATE_LABEL, Column, Facts, HexMap, Notice, Paragraph, ReportMeta, Section, Table

#: Most evidence items per finding in a report (the analyses default, 10, suits screens and bulk runs).
REPORT_EVIDENCE_LIMIT = 250

#: At most this many findings per check are shown (and exported) by a technology or authority report: a
#: report is a document, not a data dump (``mosaic analyse --format csv`` lists every finding).
FINDINGS_PER_CHECK = 50


#: Findings shown in the dossier's consistency section (the rest go under "Other findings").
CONSISTENCY_CHECKS: tuple[str, ...] = ("self_acknowledgment", "series_consistency", "selective_ncnd", "exemption_consistency", "ncnd_limb", "boilerplate")  # fmt: skip

EVIDENCE_COLUMNS = [
    Column("authority", "Authority"),
    Column("technology", "Technology"),
    Column("date", "Date", "date"),
    Column("stance", "Stance"),
    Column("grade", "Grade"),
    Column("source_type", "Source type"),
    Column("source_url", "Source", "url"),
]
FINDING_COLUMNS = [
    Column("check", "Check"),
    Column("severity", "Severity"),
    Column("authority", "Authority"),
    Column("technology", "Technology"),
    Column("date", "Date", "date"),
    Column("summary", "Finding"),
]
ANSWER_COLUMNS = [
    Column("date", "Date", "date"),
    Column("technology", "Technology"),
    Column("relation", "Relation"),
    Column("outcome", "Outcome"),
    Column("exemptions", "Exemptions", "list"),
    Column("request_id", "Request"),
    Column("source_url", "Source", "url"),
]


# --- shared context ------------------------------------------------------------------------------


class ReportContext:
    """The inputs plus the lookups every builder needs (names, taxonomy relations, findings).

    ``findings_cache``: the workspace whose findings cache the report's runs are read from and kept in
    (``mosaic.analyses.cache``), or None to run the checks every time."""

    def __init__(
        self,
        inputs: AnalysisInputs,
        workspace_hash: str | None,
        command: str | None,
        generated_on: str | None,
        findings_cache: Any = None,
    ) -> None:
        self.inputs = inputs
        self.findings_cache = findings_cache
        self.workspace_hash = workspace_hash or "not recorded"
        self.command = command
        self.generated_on = generated_on
        self.events = inputs.events
        # Register and taxonomy names win; an id only in the data keeps the name it was given.
        self.authority_names = dict(
            self.events.select("authority_id", "authority_label")
            .unique("authority_id", keep="first", maintain_order=True)
            .iter_rows()
        )
        self.authority_names.update(inputs.authorities.select("authority_id", "name").iter_rows())
        # The name the CLI and the dashboard give it too (the register's, else as its answers give it).
        self.technology_names = technology_names(inputs.technologies, self.events)
        # The one reading order the CLI and the dashboard's findings page list checks in too.
        checks = all_checks()
        self.check_titles = {check_id: checks[check_id].title for check_id in order_checks(checks)}

    # names and lookups
    def authority_name(self, authority_id: str | None) -> str:
        return self.authority_names.get(authority_id, authority_id or "")

    def technology_name(self, technology_id: str | None) -> str:
        return self.technology_names.get(technology_id, technology_id or "")

    def require_authority(self, authority_id: str) -> None:
        if authority_id not in self.authority_names:
            raise MosaicError(f"unknown authority id {authority_id!r}")

    def require_technology(self, technology_id: str) -> None:
        if technology_id not in self.technology_names:
            raise MosaicError(f"unknown technology id {technology_id!r}")

    def category_path(self, technology_id: str) -> str:
        row = self.inputs.technologies.filter(pl.col("technology_id") == technology_id)
        if row.height == 0:
            return self.technology_name(technology_id)
        return " > ".join(self.technology_name(part) for part in row.item(0, "category").split(" > "))

    def is_synthetic(self, technology_ids: Sequence[str]) -> bool:
        """True when the data came from the bundled sample (provenance: ``mosaic.registry.is_bundled_sample``),
        whatever the report is about; ``technology_ids`` is kept for the callers and not needed."""
        return is_bundled_sample(self.inputs.responses)

    def relations(self, technology_id: str) -> pl.DataFrame:
        """(technology_id, relation) for the technology, its ancestors (broader) and descendants (narrower)."""
        pairs = self.inputs.pairs
        below = pairs.filter((pl.col("ancestor_id") == technology_id) & (pl.col("distance") > 0)).select(
            pl.col("descendant_id").alias("technology_id"), pl.lit("narrower").alias("relation")
        )
        above = pairs.filter((pl.col("descendant_id") == technology_id) & (pl.col("distance") > 0)).select(
            pl.col("ancestor_id").alias("technology_id"), pl.lit("broader").alias("relation")
        )
        exact = pl.DataFrame({"technology_id": [technology_id], "relation": ["exact"]})
        return pl.concat([exact, above, below]).unique("technology_id", keep="first", maintain_order=True)

    def latest_date(self) -> dt.date:
        """The latest date on record (response or request): the default as-of of map-level reports."""
        dates = self.events.select(pl.max_horizontal(pl.col("response_end").max(), pl.col("asked_on").max())).item()
        return dates or dt.date(1970, 1, 1)

    def pick_response(
        self, response_id: str | None, authority_id: str | None, technology_id: str | None, as_of: dt.date | None
    ) -> dict[str, Any] | None:
        """The response a dossier is about: the one named, else the authority's latest NCND on the technology."""
        if response_id is not None:
            rows = self.events.filter(pl.col("response_id") == response_id)
            if rows.height == 0:
                raise MosaicError(f"no response with id {response_id!r} in the workspace")
            return self.inputs.with_details(rows.head(1)).row(0, named=True)
        if authority_id is None or technology_id is None:
            return None
        scope = technology_scope(self.inputs, technology_id)
        rows = self.events.filter(
            (pl.col("authority_id") == authority_id) & pl.col("technology_id").is_in(scope) & pl.col("is_ncnd")
        )
        if as_of is not None:
            rows = rows.filter(pl.col("response_end") <= as_of)
        if rows.height == 0:
            return None
        latest = rows.sort(
            pl.col("response_end"), pl.col("technology_id") == technology_id, "response_id", nulls_last=False
        ).tail(1)
        return self.inputs.with_details(latest).row(0, named=True)

    # findings
    def findings(
        self,
        given: pl.DataFrame | None,
        *,
        as_of: dt.date,
        response_as_of: dt.date | None,
        technology_ids: Sequence[str] | None,
        authority_ids: Sequence[str] | None,
        params: CheckParams | None,
        map_now: bool = False,
        response_ids: Sequence[str] | None = None,
        levels: Sequence[str] = ("response", "map"),
        in_order: bool = True,
    ) -> pl.DataFrame:
        """Findings for the report: the ones given, else every check run (response checks as of
        ``response_as_of`` (None: each response's own date), map checks as of ``as_of``), filtered to the
        technologies and authorities asked for and to what existed by ``as_of``. ``map_now``: ``as_of`` is
        today and the map checks run with no as-of, the view in which undated answers count as given.
        ``response_ids``: the response-level checks about these answers only (a dossier's own answer).
        ``levels``: the checks of these levels only (``capped_findings`` runs the two with other evidence
        caps). ``in_order``: in reading
        order, else as run (``capped_findings`` orders those it shows: ordering a million findings copied
        them all, 0.9 GB).

        With a ``findings_cache``, each of the two runs is read from the workspace's findings cache, or
        run and kept there: the same report again (another format, a rerun of its stated command, a
        second download) runs no check. What is kept is the focused run, not the whole run of these
        parameters: at the report's evidence cap a whole run costs far more than it could save (500,000
        answers: the response-level checks focused on one technology take 1.6 s; the whole run 24 s, plus
        26 s to key its evidence and 8 s to store, and reading it back, 6 s, is slower than the focused
        run), and most reports (every dossier, as of its answer's own date) share their parameters with
        no other report. Keeping the focused run costs the first report its keying and storing and saves
        the next one the checks (there, ``mosaic report`` uncached / first / again: a technology report
        7.2 / 9.2 / 6.0 s, an authority report 5.1 / 5.5 / 2.9 s). A whole run already cached for these
        parameters is used all the same."""
        if given is None:
            params = params or self.report_params(as_of)
            run = run_checks
            if self.findings_cache is not None:
                run = functools.partial(cached_findings, self.findings_cache, store_focused=True)
            checks = all_checks()
            frames = []
            for level, level_as_of in (("response", response_as_of), ("map", None if map_now else as_of)):
                ids = [check_id for check_id, check in checks.items() if check.level == level]
                if ids and level in levels:
                    frames.append(
                        run(
                            self.inputs,
                            ids,
                            as_of=level_as_of,
                            technology_ids=technology_ids,
                            authority_ids=authority_ids,
                            response_ids=response_ids if level == "response" else None,
                            params=params,
                        )
                    )
            found = pl.concat(frames) if frames else empty_findings()
        else:
            found = given
            if technology_ids:
                found = found.filter(pl.col("technology_id").is_in(list(technology_ids)))
            if authority_ids:
                found = found.filter(
                    pl.col("authority_id").is_null() | pl.col("authority_id").is_in(list(authority_ids))
                )
            if response_ids:
                found = found.filter(pl.col("response_id").is_null() | pl.col("response_id").is_in(list(response_ids)))
        found = found.filter(pl.col("response_date").is_null() | (pl.col("response_date") <= as_of))
        return self.ordered(found) if in_order else found

    def capped_findings(
        self,
        given: pl.DataFrame | None,
        *,
        as_of: dt.date,
        technology_ids: Sequence[str] | None,
        authority_ids: Sequence[str] | None,
        params: CheckParams | None,
        keep: pl.Expr | None = None,
        limit: int = FINDINGS_PER_CHECK,
    ) -> CappedFindings:
        """The findings of a technology or authority report: every one (for counts and the headline), the
        ``limit`` strongest and most recent of each check to show, with their evidence in full, and each
        check's total; ``keep``, when given, says which findings the report is about.

        The response-level checks run twice: over the whole scope listing one evidence item a finding,
        then for the answers shown at the report's evidence cap. Run once at that cap, one technology's
        peer findings at ten million answers listed 84 million evidence items (7 GB, killed at 16 GB),
        almost all for findings a report leaves out; run this way, 340,000, then at most 250 for each
        finding shown.
        Which findings are shown depends only on their severity, dates and subjects, never on their
        evidence, so the report is the same as from one run at the full cap."""
        if given is not None:
            every = self.findings(
                given, as_of=as_of, response_as_of=None, technology_ids=technology_ids,
                authority_ids=authority_ids, params=params,
            )  # fmt: skip
            every = every if keep is None else every.filter(keep)
            shown, totals = cap_findings(self, every, limit)
            return CappedFindings(every, shown, totals)
        params = params or self.report_params(as_of)
        focus = {
            "as_of": as_of,
            "response_as_of": None,
            "technology_ids": technology_ids,
            "authority_ids": authority_ids,
        }
        brief_params = replace(params, evidence_limit=1)
        every = pl.concat(
            [
                self.findings(None, levels=["response"], params=brief_params, in_order=False, **focus),
                self.findings(None, levels=["map"], params=params, in_order=False, **focus),
            ]
        )
        every = every if keep is None else every.filter(keep)
        shown, totals = cap_findings(self, every, limit)
        response_level = [check_id for check_id, check in all_checks().items() if check.level == "response"]
        brief = shown.filter(pl.col("check").is_in(response_level))
        if brief.height and params.evidence_limit > 1:
            listed = self.findings(
                None, levels=["response"], params=params,
                response_ids=brief.get_column("response_id").unique().sort().to_list(), **focus,
            )  # fmt: skip
            in_full = listed.select(*_FINDING_IDENTITY, "evidence").unique(_FINDING_IDENTITY, keep="first")
            shown = shown.join(
                in_full, on=_FINDING_IDENTITY, how="left", nulls_equal=True, maintain_order="left", suffix="_in_full"
            ).select(
                *(
                    pl.coalesce("evidence_in_full", "evidence").alias("evidence") if name == "evidence" else name
                    for name in shown.columns
                )
            )
        return CappedFindings(every, shown, totals)

    def report_params(self, as_of: dt.date) -> CheckParams:
        """The check parameters of a report as of ``as_of``: nothing depends on the clock, and a report
        lists every piece of evidence, not the first few (the runs are focused, so the cap stays cheap)."""
        return CheckParams(today=as_of, evidence_limit=REPORT_EVIDENCE_LIMIT)

    def ordered(self, found: pl.DataFrame) -> pl.DataFrame:
        """Findings in reading order: by check (``CHECK_ORDER``), strongest first, then by subject and date."""
        return (
            found.with_columns(_check_rank=check_rank(), _severity_rank=severity_rank())
            .sort(
                "_check_rank",
                "_severity_rank",
                "scope",
                "authority_name",
                "technology_id",
                "region",
                "response_date",
                "response_id",
                "summary",
                nulls_last=True,
            )
            .drop("_check_rank", "_severity_rank")
        )

    def meta(self, as_of: dt.date, command: str) -> ReportMeta:
        return ReportMeta(
            as_of=as_of.isoformat(),
            workspace_hash=self.workspace_hash,
            tool_version=__version__,
            command=self.command or command,
            generated_on=self.generated_on,
        )


# --- formatting helpers --------------------------------------------------------------------------


def iso_with_precision(date: pl.Expr, precision: pl.Expr) -> pl.Expr:
    """A date as ISO text cut to its precision: 2022-03-14, 2022-03 or 2022 (never invent a day); an
    answer with no date reads "undated" (a blank cell would read as a missing value, not a fact)."""
    return (
        pl.when(date.is_null())
        .then(pl.lit("undated"))
        .when(precision == "year")
        .then(date.dt.strftime("%Y"))
        .when(precision == "month")
        .then(date.dt.strftime("%Y-%m"))
        .otherwise(date.dt.strftime("%Y-%m-%d"))
    )


def say_date(value: dt.date | None, precision: str | None = "day") -> str:
    """A date for prose: 14 March 2022, March 2022 or 2022; "an unknown date" when missing."""
    if value is None:
        return "an unknown date"
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return f"{value:%B} {value.year}"
    return f"{value.day} {value:%B} {value.year}"


def say_share(successes: int, trials: int) -> str:
    """ "k of n" with the share and its 95% Wilson interval; counts only when n < 10 (small counts)."""
    if trials <= 0:
        return f"{successes} of {trials}"
    if trials < 10:
        return f"{successes} of {trials}"
    low, high = wilson_interval(successes, trials) or (0.0, 0.0)
    return f"{successes} of {trials} ({successes / trials:.0%}; 95% interval {low:.0%} to {high:.0%})"


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def rounded(value: Any, digits: int = 4) -> Any:
    return round(value, digits) if isinstance(value, float) else value


def frame_rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Frame -> row dicts with floats rounded (stable JSON) and dates as ISO text."""
    out = []
    for row in frame.iter_rows(named=True):
        out.append(
            {key: (value.isoformat() if isinstance(value, dt.date) else rounded(value)) for key, value in row.items()}
        )
    return out


def evidence_rows(evidence: pl.DataFrame) -> list[dict[str, Any]]:
    """Evidence structs (unnested) -> display rows."""
    if evidence.height == 0:
        return []
    shown = evidence.select(
        pl.col("authority").fill_null(pl.col("authority_id")),
        pl.col("technology").fill_null(pl.col("technology_id")),
        iso_with_precision(pl.col("date"), pl.col("date_precision")).alias("date"),
        pl.col("stance").replace(STANCE_LABELS),
        pl.col("grade").replace(GRADE_LABELS),
        pl.col("source_type").replace(SOURCE_TYPE_LABELS),
        pl.col("source_url"),
        pl.col("relation"),
        pl.col("authority_id"),
    )
    return frame_rows(shown)


def unnest_evidence(findings: pl.DataFrame) -> pl.DataFrame:
    """One row per piece of evidence of the given findings (evidence fields only)."""
    if findings.height == 0:
        return pl.DataFrame(schema=dict(findings.schema["evidence"].inner.to_schema()))
    return findings.select(pl.col("evidence")).explode("evidence").drop_nulls("evidence").unnest("evidence")


def finding_rows(context: ReportContext, findings: pl.DataFrame) -> list[dict[str, Any]]:
    frame = findings.select(
        pl.col("check").replace(context.check_titles).alias("check"),
        "severity",
        pl.col("authority_name").fill_null("").alias("authority"),
        pl.col("technology_name").fill_null(pl.col("technology_id")).alias("technology"),
        pl.col("response_date").dt.strftime("%Y-%m-%d").alias("date"),
        "summary",
    )
    return frame_rows(frame)


def findings_table(context: ReportContext, findings: pl.DataFrame, table_id: str, title: str, empty: str) -> Table:
    return Table(table_id, title, FINDING_COLUMNS, finding_rows(context, findings), empty=empty)


#: At most this many answers are listed in an authority report's table of every answer (the latest ones).
ANSWERS_SHOWN = 500


class CappedFindings(NamedTuple):
    """What ``ReportContext.capped_findings`` gives: every finding, those shown, each check's total."""

    every: pl.DataFrame
    shown: pl.DataFrame
    totals: dict[str, int]


#: The columns that tell one finding from another (all but its metrics and evidence).
_FINDING_IDENTITY = [name for name in FINDING_SCHEMA.names() if name not in ("metrics", "evidence")]


def cap_findings(
    context: ReportContext, findings: pl.DataFrame, limit: int = FINDINGS_PER_CHECK
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Keep the ``limit`` strongest, then most recent, findings of each check; return them (in reading
    order) with the total each check had, so the report can say how many it left out.

    The order is found on the sort keys alone and the kept rows taken from ``findings``: sorting the
    findings themselves copied every evidence list (0.9 GB for one technology at ten million answers)."""
    totals = dict(findings.group_by("check").len().iter_rows())
    kept_rows = (
        findings.select(
            "check",
            "response_date",
            "authority_name",
            "response_id",
            "region",
            "summary",
            _severity_rank=severity_rank(),
            _row=pl.int_range(pl.len(), dtype=pl.UInt32),
        )  # fmt: skip
        .sort(
            ["_severity_rank", "response_date", "authority_name", "response_id", "region", "summary"],
            descending=[False, True, False, False, False, False],
            nulls_last=True,
            maintain_order=True,
        )
        .group_by("check", maintain_order=True)
        .head(limit)
        .get_column("_row")
    )
    return context.ordered(findings[kept_rows]), {check: int(count) for check, count in totals.items()}


def findings_by_check(
    context: ReportContext,
    findings: pl.DataFrame,
    table_id: str,
    empty: str,
    *,
    totals: dict[str, int] | None = None,
    drop: Sequence[str] = (),
    what: str = "",
) -> list[Any]:
    """One table per check (in registry order), strongest first; a paragraph when there are none.

    The technology column appears only when the findings span more than one technology (a category).
    ``totals`` (from ``cap_findings``) adds a note where some findings were left out.
    """
    if findings.height == 0:
        return [Paragraph(empty)]
    several = findings.get_column("technology_id").n_unique() > 1
    columns = [
        c for c in FINDING_COLUMNS if c.key != "check" and c.key not in drop and (several or c.key != "technology")
    ]
    blocks: list[Any] = []
    for check_id in dict.fromkeys(findings.get_column("check").to_list()):
        rows = finding_rows(context, findings.filter(pl.col("check") == check_id))
        title = context.check_titles.get(check_id, check_id)
        total = (totals or {}).get(check_id, len(rows))
        note = None
        if total > len(rows):
            note = (f"Showing the {len(rows)} strongest and most recent of {total} findings; "
                    f"'mosaic analyse --check {check_id}{what} --format csv' lists them all.")  # fmt: skip
        blocks.append(Table(f"{table_id}_{check_id}", f"{title} ({total})", columns, rows, note=note))
    return blocks


def method_section(kind: str) -> Section:
    blocks: list[Any] = [
        Paragraph(
            "Every number here is computed from the answers in the workspace as they stood on the as-of date: "
            "an answer counts only from the end of the period its date gives (a response dated only March 2022 "
            "counts from 31 March 2022), and anything made public later is left out, because a disclosure made "
            "after an answer cannot have made that answer inconsistent when it was given."
        ),
        Paragraph(
            "Evidence grades. An answer is 'official' when it comes from a documented official source (an FOI "
            "response, a press release, a published policy, a procurement notice, a parliamentary answer or an "
            "official survey) with a date; 'official, own' when it is the same authority's, and 'official, peer' "
            "when it is another authority's or a national body's. Media reports, leaks and vendor material are "
            "'unofficial'. A disclosure weighs most when it is as specific as the fact withheld (the same product, "
            "not only its category), is the same fact (existence, not contents), and was public at the time."
        ),
        Paragraph(
            "Evidence from other authorities is persuasive, not a waiver: one authority's disclosure does not oblige "
            "another to confirm or deny, and a regulator or tribunal weighs each case on its own facts. Shares are "
            "of authorities, not of answers, and carry a 95% Wilson interval; shares of fewer than ten authorities "
            "are shown as counts."
        ),
        Paragraph(
            "Limits of the data. The workspace holds only the answers someone collected and ingested: an authority "
            "missing here may have answered elsewhere; outcomes were read from the letters or from the requester's "
            "own classification and may be wrong; an answer's date may be known only to the month or year. Check "
            "each source before relying on it."
        ),
        Paragraph(
            "This report sets out what was public, where and when. It does not say that any answer, or any "
            "neither-confirm-nor-deny response, was lawful or unlawful: that is for the authority on review, the "
            "Information Commissioner and the tribunal."
        ),
    ]
    return Section("method", "Method and caveats", blocks)


def reproduce_section(meta: ReportMeta, checks: Sequence[str]) -> Section:
    items = [
        ("As of", meta.as_of),
        ("Workspace content hash", meta.workspace_hash),
        ("Tool version", f"mosaic {meta.tool_version}"),
        ("Checks run", ", ".join(checks) if checks else "none available"),
        (REGENERATE_LABEL, meta.command),
    ]
    if meta.generated_on:
        items.append(("Generated on", meta.generated_on))
    return Section("reproduce", "Reproducing this report", [Facts(items)])


def regenerate_command(
    kind: str,
    *,
    authority_id: str | None = None,
    technology_id: str | None = None,
    response_id: str | None = None,
    as_of: dt.date | None,
) -> str:
    """The command that rebuilds a report; no ``--as-of`` when the report is of the data as it stands now."""
    parts = ["mosaic report"]
    if response_id:
        parts.append(f"--response {response_id}")
    if authority_id:
        parts.append(f"--authority {authority_id}")
    if technology_id:
        parts.append(f"--technology {technology_id}")
    if as_of is not None:
        parts.append(f"--as-of {as_of.isoformat()}")
    parts.append("--format html -o report.html")
    return " ".join(parts)


#: The legend entry (not a stance) counting cells that show a confirm or deny while the authority also gave
#: an NCND on something within the technology (``map_stances``' ``ncnd_within_id``); drawn as a dot.
NCND_WITHIN = "ncnd_within"


def hex_map_block(
    context: ReportContext, technology_id: str, as_of: dt.date, subject_id: str | None, *, with_undated: bool = False
) -> tuple[HexMap, pl.DataFrame]:
    """The hex map block and the map frame it was drawn from (``with_undated``: the map as it stands now)."""
    stances = map_stances(context.inputs, technology_id, as_of, with_undated=with_undated)
    cells = hex_cells(context.inputs.authorities).join(stances, on="authority_id", how="left")
    labels = authority_hex_labels(
        cells.get_column("authority_id").to_list(), cells.get_column("authority_name").to_list()
    )
    within_ids = stances.get_column("ncnd_within_id").drop_nulls().unique().to_list()
    within_names = {key: context.technology_name(key) for key in within_ids}
    # A cell that shows a confirm or deny but hides an NCND on something within the technology says so.
    within = pl.col("ncnd_within_id").replace_strict(within_names, default=None, return_dtype=pl.String)
    label = pl.col("map_stance").fill_null(MapStance.NOT_ASKED.value).replace(MAP_STANCE_LABELS)
    label = pl.when(within.is_not_null()).then(pl.format("{}; also an NCND on {}", label, within)).otherwise(label)
    cell_rows = frame_rows(
        cells.select(
            "authority_id",
            pl.col("authority_name").alias("name"),
            pl.col("authority_id").replace_strict(labels, default="?").alias("short"),
            "x",
            "y",
            pl.col("map_stance").fill_null(MapStance.NOT_ASKED.value).alias("stance"),
            label.alias("stance_label"),
            (pl.col("authority_id") == (subject_id or "")).alias("is_subject"),
            within.alias("ncnd_within"),
        )
    )
    unplaced_frame = stances.join(cells.select("authority_id"), on="authority_id", how="anti").filter(
        pl.col("map_stance") != MapStance.NOT_ASKED.value
    )
    names = {key: context.authority_name(key) for key in unplaced_frame.get_column("authority_id").to_list()}
    unplaced = frame_rows(
        unplaced_frame.select(
            "authority_id",
            pl.col("authority_id").replace_strict(names, default=None).alias("name"),
            pl.col("map_stance").alias("stance"),
            label.alias("stance_label"),
            (pl.col("authority_id") == (subject_id or "")).alias("is_subject"),
            within.alias("ncnd_within"),
        )
    )
    # Counted as the dashboard's legend and headline count (the hexagons and the asked listed beside them).
    tally = map_tally(stances)
    legend = [{"stance": s.value, "label": stance_legend_label(s), "count": tally.counts[s.value]} for s in MapStance]
    if tally.ncnd_within:
        legend.append(
            {
                "stance": NCND_WITHIN,
                "label": f"{STANCE_MARKS[MapStance.NCND]} of those, also an NCND within it",
                "count": tally.ncnd_within,
            }
        )
    block = HexMap(
        title=f"{context.technology_name(technology_id)}: the map as it stood on {say_date(as_of)}",
        as_of=as_of.isoformat(),
        technology=context.technology_name(technology_id),
        cells=cell_rows,
        legend=legend,
        unplaced=unplaced,
    )
    return block, stances


def synthetic_notice(context: ReportContext, technology_ids: Sequence[str]) -> list[Notice]:
    if context.is_synthetic(technology_ids):
        return [
            Notice(
                "SYNTHETIC DATA: fictional products of the bundled sample; the answers about them are invented.",
                "warning",
            )
        ]
    return []
