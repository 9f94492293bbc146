"""Pure functions from library results to figures and components: the whole of each callback's work.

Callbacks in ``pages/`` only parse their inputs, call one of these with frames from ``DataAccess`` and
return the result, so everything here is unit-tested without a browser. Every piece of text that comes from
the data goes into a component as a plain string (Dash renders strings as text, never as HTML), and a
source link becomes a link only when it is an http(s) URL.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlparse

import plotly.graph_objects as go
import polars as pl
from dash import html

from dashboards.style import CARD_STYLE, FADED
from mosaic.analyses import CheckParams, MapStance, all_checks
from mosaic.present.labels import (
    ANSWER_STANCE_LABELS,
    GRADE_EXPLANATIONS,
    GRADE_LABELS,
    RELATION_TITLES,
    STANCE_COLOURS,
    STANCE_LABELS,
    STANCE_MARKS,
    STANCE_PATTERN_COLOURS,
    STANCE_PATTERNS,
    STANCE_SYMBOLS,
    STANCE_TEXT_COLOURS,
    MapTally,
    authority_hex_labels,
    map_tally,
    severity_rank,
    stance_legend_label,
)
from mosaic.present.tables import requester_order
from mosaic.registry import CATEGORY_SEPARATOR, technology_pairs
from mosaic.registry.hexgrid import hex_cells, hex_corners

#: Hexagons are drawn slightly smaller than their cell so neighbours stay apart.
HEX_SCALE = 0.94


# --- controls ----------------------------------------------------------------------------------------


def offered_technology(options: list[dict[str, str]], requested: str | None, fallback: str | None) -> str | None:
    """The technology a URL asks for when the dropdown offers it, else ``fallback``.

    A value the dropdown does not list (a technology in the taxonomy that no answer names) shows as an
    empty dropdown and the page then draws a map of nothing; so only what is offered is accepted.
    """
    return requested if requested in {option["value"] for option in options} else fallback


def technology_options(technologies: pl.DataFrame, events: pl.DataFrame | None = None) -> list[dict[str, str]]:
    """Dropdown options in taxonomy order, indented by depth, categories marked as such.

    With ``events`` (the responses), only what the data holds is listed, resolved or not, with each one's
    ancestors in the taxonomy (a category's map covers its products): not the whole taxonomy.
    """
    rows = technologies.select("technology_id", "name", "level", "category")
    if events is not None:
        held = (
            events.select("technology_id", "category", pl.coalesce("technology_label", "technology_id").alias("name"))
            if "technology_label" in events.columns
            else events.select("technology_id", "category", pl.col("technology_id").alias("name"))
        )
        held = held.drop_nulls("technology_id").unique("technology_id", keep="first")
        known = set(rows.get_column("technology_id").to_list())
        pairs = technology_pairs(technologies).filter(
            pl.col("descendant_id").is_in(held.get_column("technology_id").implode())
        )
        # an unresolved id sits under the path it was stored with: its taxonomy ancestors are on that path
        paths = (
            held.filter(~pl.col("technology_id").is_in(list(known)))
            .get_column("category")
            .drop_nulls()
            .str.split(CATEGORY_SEPARATOR)
            .explode()
        )
        wanted = (
            set(pairs.get_column("ancestor_id").to_list())
            | set(paths.to_list())
            | set(held.get_column("technology_id").to_list())
        )
        extra = held.filter(~pl.col("technology_id").is_in(list(known))).select(
            "technology_id",
            "name",
            pl.lit("product").alias("level"),
            pl.coalesce("category", "technology_id").alias("category"),
        )
        rows = pl.concat([rows.filter(pl.col("technology_id").is_in(list(wanted))), extra], how="vertical_relaxed")
    options = []
    for row in rows.sort("category").to_dicts():
        depth = row["category"].count(" > ")
        suffix = " (category: strongest of its products)" if row["level"] == "category" else ""
        options.append({"label": "\u2003" * depth + row["name"] + suffix, "value": row["technology_id"]})
    return options


def default_technology(events: pl.DataFrame, technologies: pl.DataFrame) -> str:
    """The technology asked about most often (what a first visitor most likely came for)."""
    if events.height == 0:
        return technologies.get_column("technology_id")[0]
    counts = (
        events.lazy()
        .select("technology_id")  # the one column counted: filtering whole rows copied them all (1.2 GB at 10M)
        .filter(pl.col("technology_id").is_in(technologies.get_column("technology_id").implode()))
        .group_by("technology_id")
        .len()
        .collect()
    )
    if counts.height == 0:
        return technologies.get_column("technology_id")[0]
    return counts.sort("len", "technology_id", descending=[True, False]).get_column("technology_id")[0]


def date_bounds(events: pl.DataFrame) -> tuple[dt.date, dt.date]:
    """First and last date on which anything became public (the slider's range)."""
    ends = events.get_column("response_end").drop_nulls() if events.height else pl.Series([], dtype=pl.Date)
    if ends.len() == 0:
        today = dt.date.today()
        return today - dt.timedelta(days=365), today
    return ends.min(), ends.max()


def slider_marks(first: dt.date, last: dt.date) -> dict[int, str]:
    """One mark per 1 January between the bounds (as day offsets from ``first``)."""
    marks = {0: str(first.year)} if first.month == 1 and first.day == 1 else {}
    for year in range(first.year + 1, last.year + 1):
        marks[(dt.date(year, 1, 1) - first).days] = str(year)
    return marks


def parse_date(text: str | None, default: dt.date) -> dt.date:
    """An ISO date from the URL, else the default (a bad value in a shared link is ignored, not fatal)."""
    if not text:
        return default
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return default


def split_list(text: str | None) -> list[str]:
    """A comma-separated URL parameter as a list."""
    return [part for part in (text or "").split(",") if part]


# --- the hex map ---------------------------------------------------------------------------------------


def visible_expr(outcomes: Sequence[str] | None, regions: Sequence[str] | None) -> pl.Expr:
    """Which authorities pass the outcome and region filters (no filter selects everything)."""
    keep = pl.lit(True)
    if outcomes:
        keep = keep & pl.col("map_stance").is_in(list(outcomes))
    if regions:
        keep = keep & pl.col("region").is_in(list(regions))
    return keep


def map_cells(map_frame: pl.DataFrame, authorities: pl.DataFrame, outcomes=None, regions=None) -> pl.DataFrame:
    """The map frame joined to the hex layout: one row per authority with a cell, plus ``visible``."""
    return (
        map_frame.with_columns(visible=visible_expr(outcomes, regions))
        .join(hex_cells(authorities).select("authority_id", "x", "y"), on="authority_id", how="inner")
        .sort("authority_id")
    )


def _hover(row: dict[str, Any]) -> str:
    stance = row["map_stance"]
    lines = [f"<b>{_escape(row['authority_name'])}</b>", stance_legend_label(stance)]
    if row.get("response_date"):
        lines.append(
            f"answered {row['response_date']}" + (f" ({_escape(row['outcome'])})" if row.get("outcome") else "")
        )
    if row.get("exemptions"):
        lines.append("exemptions: " + _escape(", ".join(row["exemptions"])))
    if row.get("ncnd_within_name"):
        lines.append(f"also an NCND on {_escape(row['ncnd_within_name'])}")
    if row.get("public_stance") and row["public_stance"] != stance:
        lines.append(f"earlier public answer: {row['public_stance']} ({row['public_date']})")
    lines.append("click for the evidence")
    return "<br>".join(lines)


def _escape(text: Any) -> str:
    """Plotly hover labels accept a little HTML: escape data text so it shows as typed."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def hex_map_figure(
    cells: pl.DataFrame, *, title: str = "", selected_authority: str | None = None, tally: MapTally | None = None
) -> dict[str, Any]:
    """The hexagon cartogram: one filled polygon trace per stance (legend with counts) and a click layer.

    ``cells`` comes from ``map_cells``. Cells hidden by a filter are drawn faded so the country keeps its
    shape. The click layer is one invisible hexagon marker per authority carrying its id in ``customdata``.
    ``tally``: the legend's counts (``map_tally`` of the visible map frame, so they match the written legend
    and the headline, which count the asked authorities without a hexagon too); default: the cells'.
    Returned as a plain figure dict (what ``dcc.Graph`` sends anyway): building plotly's validated objects
    would cost more than the rest of the callback; ``go.Figure(result)`` reads it back in tests.
    """
    visible = cells.filter(pl.col("visible"))
    tally = tally or map_tally(visible)
    counts = tally.counts
    faded = cells.filter(~pl.col("visible"))
    data: list[dict[str, Any]] = []
    if faded.height:
        data.append(_polygon_trace(faded, FADED, "", "Filtered out", legend=False))
    for stance in MapStance:
        group = visible.filter(pl.col("map_stance") == stance.value)
        label = f"{stance_legend_label(stance)} ({counts[stance.value]})"
        data.append(
            _polygon_trace(
                group,
                STANCE_COLOURS[stance],
                STANCE_PATTERNS[stance],
                label,
                legend=True,
                pattern_colour=STANCE_PATTERN_COLOURS.get(stance),
            )
        )
    # A category's cell shows the strongest answer; a dot marks one whose authority also NCNDed something
    # within it (a survey confirming facial recognition, then an NCND on a product), so none is hidden.
    dotted = (
        visible.filter(pl.col("ncnd_within_id").is_not_null())
        if "ncnd_within_id" in visible.columns
        else visible.clear()
    )
    if dotted.height:
        data.append(
            {
                "type": "scatter",
                "x": dotted.get_column("x").to_list(),
                "y": (dotted.get_column("y") + 0.3).to_list(),
                "mode": "markers",
                "marker": {
                    "symbol": STANCE_SYMBOLS[MapStance.NCND],
                    "size": 7,
                    "color": STANCE_COLOURS[MapStance.NCND],
                    "line": {"width": 1, "color": "#FFFFFF"},
                },
                "name": f"{STANCE_MARKS[MapStance.NCND]} also an NCND within it ({tally.ncnd_within})",
                "hoverinfo": "skip",
                "showlegend": True,
            }
        )
    rows = cells.to_dicts()
    labels = authority_hex_labels([r["authority_id"] for r in rows], [r["authority_name"] for r in rows])
    data.append(
        {
            "type": "scatter",
            "x": [r["x"] for r in rows],
            "y": [r["y"] for r in rows],
            "mode": "markers+text",
            "text": [labels[r["authority_id"]] for r in rows],
            "textfont": {
                "size": 10,
                "family": "Arial Black, Arial, sans-serif",
                "color": [STANCE_TEXT_COLOURS[r["map_stance"]] if r["visible"] else "#999999" for r in rows],
            },
            "marker": {
                "symbol": "hexagon",
                "size": 34,
                "color": "rgba(0,0,0,0)",
                "line": {
                    "width": [3 if r["authority_id"] == selected_authority else 0 for r in rows],
                    "color": "#FFD700",
                },
            },
            "customdata": [r["authority_id"] for r in rows],
            "hovertext": [_hover(r) for r in rows],
            "hoverinfo": "text",
            "showlegend": False,
            "name": "authorities",
        }
    )
    layout = {
        "title": {"text": title, "x": 0.01, "font": {"size": 15}},
        "xaxis": {"visible": False, "fixedrange": True},
        "yaxis": {"visible": False, "scaleanchor": "x", "fixedrange": True},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "margin": {"l": 4, "r": 4, "t": 36, "b": 4},
        "height": 720,
        "legend": {
            "title": {"text": "Stance"},
            "x": 0.0,
            "y": 0.28,
            "bgcolor": "rgba(255,255,255,0.85)",
            "itemclick": False,
            "itemdoubleclick": False,
        },
        "dragmode": False,
        "hoverlabel": {"align": "left"},
    }
    return {"data": data, "layout": layout}


def _polygon_trace(
    cells: pl.DataFrame, colour: str, pattern: str, name: str, *, legend: bool, pattern_colour: str | None = None
) -> dict[str, Any]:
    xs: list[float | None] = []
    ys: list[float | None] = []
    for x, y in cells.select("x", "y").iter_rows():
        corners = hex_corners(x, y, HEX_SCALE)
        xs += [c[0] for c in corners] + [corners[0][0], None]
        ys += [c[1] for c in corners] + [corners[0][1], None]
    if not xs:  # keep the legend entry even for an empty stance (its count reads 0)
        xs, ys = [None], [None]
    trace = {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "fill": "toself",
        "fillcolor": colour,
        "mode": "lines",
        "line": {"color": "#FFFFFF", "width": 1},
        "hoverinfo": "skip",
        "name": name,
        "showlegend": legend,
    }
    if pattern:
        trace["fillpattern"] = {
            "shape": pattern,
            "fgcolor": pattern_colour or "#333333",
            "bgcolor": colour,
            "solidity": 0.2,
        }
    return trace


def choropleth_figure(
    map_frame: pl.DataFrame,
    geojson: dict[str, Any],
    feature_key: str,
    code_column: str = "pfa_code",
    *,
    attribution: str = "",
    source: str = "your boundaries file",
    tally: MapTally | None = None,
) -> go.Figure:
    """A geographic choropleth on a blank background (``map_style="white-bg"``: no tiles are fetched).

    Args:
        map_frame: ``map_stances`` output with the register's ``pfa_code`` joined in.
        geojson: the user's boundaries (features identified by ``feature_key``).
        feature_key: the property path that holds the code, e.g. ``properties.PFA20CD``.
        code_column: the map frame's column matching it.
        tally: the legend's counts (``map_tally``, as the written legend and the headline count);
            default: the map frame's.
    """
    figure = go.Figure()
    counts = (tally or map_tally(map_frame)).counts
    frame = map_frame.filter(pl.col(code_column).is_not_null())
    for stance in MapStance:
        group = frame.filter(pl.col("map_stance") == stance.value)
        rows = group.to_dicts()
        figure.add_trace(
            go.Choroplethmap(
                geojson=geojson,
                featureidkey=feature_key,
                locations=[r[code_column] for r in rows] or [None],
                z=[1] * max(len(rows), 1),
                colorscale=[[0, STANCE_COLOURS[stance]], [1, STANCE_COLOURS[stance]]],
                showscale=False,
                marker={"line": {"color": "#FFFFFF", "width": 1}},
                name=f"{stance_legend_label(stance)} ({counts[stance.value]})",
                showlegend=True,
                customdata=[r["authority_id"] for r in rows],
                hovertext=[_hover(r) for r in rows],
                hoverinfo="text",
            )
        )
    drawn = {
        str((f.get("properties") or {}).get(feature_key.removeprefix("properties.")))
        for f in geojson.get("features") or []
    }
    shown = frame.filter(pl.col(code_column).is_in(sorted(drawn))).height
    figure.update_layout(
        title={
            "text": f"{shown} areas from {source}; authorities without an area there are on the hexagon map",
            "x": 0.01,
            "font": {"size": 13},
        },
        map={"style": "white-bg", "center": {"lat": 52.7, "lon": -2.3}, "zoom": 5.4},
        margin={"l": 4, "r": 4, "t": 36, "b": 4},
        height=720,
        legend={"title": {"text": "Stance"}, "x": 0.0, "y": 0.98},
        # The boundaries' licence asks for their attribution wherever the map is shown.
        annotations=[
            {"text": _escape(attribution), "xref": "paper", "yref": "paper", "x": 0.0, "y": 0.0, "xanchor": "left", "yanchor": "bottom",
             "showarrow": False, "font": {"size": 10, "color": "#444"}, "bgcolor": "rgba(255,255,255,0.85)"}
        ] if attribution else [],
    )  # fmt: skip
    return figure


def boundary_feature_key(geojson: dict[str, Any], codes: Sequence[str]) -> str | None:
    """The GeoJSON property whose values match the register's PFA codes best (None when none matches)."""
    wanted = set(codes)
    best, best_hits = None, 0
    features = geojson.get("features") or []
    keys = set().union(*(set((f.get("properties") or {}).keys()) for f in features)) if features else set()
    for key in sorted(keys):
        hits = sum(1 for f in features if str((f.get("properties") or {}).get(key)) in wanted)
        if hits > best_hits:
            best, best_hits = key, hits
    return f"properties.{best}" if best else None


# --- legend, headline and the cells not on the map ----------------------------------------------------


def legend_component(map_frame: pl.DataFrame) -> html.Ul:
    """A written legend: mark, label and count per stance (reads without colour), of the visible map frame
    counted as the headline counts it (``map_tally``: the hexagons and the asked listed beside them)."""
    tally = map_tally(map_frame)
    counts = tally.counts
    return html.Ul(
        [
            html.Li(
                [
                    html.Span(
                        style={
                            "display": "inline-block",
                            "width": "14px",
                            "height": "14px",
                            "background": STANCE_COLOURS[s],
                            "border": "1px solid #999",
                            "marginRight": "6px",
                            "verticalAlign": "middle",
                        }
                    ),
                    f"{stance_legend_label(s)}: {counts[s.value]}",
                ],
                **{"data-stance": s.value},
            )
            for s in MapStance
        ]
        + [
            html.Li(
                f"{STANCE_MARKS[MapStance.NCND]} of those, also an NCND within it: {hidden}",
                **{"data-stance": "ncnd_within"},
            )
            for hidden in [tally.ncnd_within]
            if hidden
        ],
        style={"listStyle": "none", "padding": 0, "margin": 0, "display": "flex", "flexWrap": "wrap", "gap": "14px"},
    )


def headline_component(
    map_frame: pl.DataFrame, exposure: dict[str, Any] | None, technology: str = "", is_category: bool = False
) -> html.Div:
    """Headline numbers: who was asked and how much of the map is public, counted by ``map_tally`` as the
    legends count (they once counted different authorities), then ``mosaic_exposure``'s base rate and bits.

    The exposure check reads answers naming the technology itself; a category's map also shows its
    products. So for a category those two cards say whose answers they come from, rather than sit
    beside the map's counts as if they were the same population ("26 of 42" beside a legend of 45).
    """
    tally = map_tally(map_frame)
    asked, on_record = tally.asked, tally.on_record
    scope_note = ", its products included" if is_category else ""
    cards = [_card("Authorities asked", str(asked), f"by the selected date{scope_note}")]
    share = f"{on_record / asked:.0%}" if asked >= 10 else f"{on_record}/{asked}"
    cards.append(
        _card(
            "Map already public",
            share,
            f"{on_record} of {asked} have a confirm or deny on record (a later NCND does not erase it)",
        )
    )
    whose = f" (answers naming {technology} itself)" if is_category else ""
    base = (exposure or {}).get("base_rate")
    bits = (exposure or {}).get("mean_marginal_bits")
    if base is None:
        cards.append(
            _card(
                "Base rate of use",
                "-",
                f"no confirm or deny{' names ' + technology + ' itself' if is_category else ' yet'}: nothing to estimate from",
            )
        )
    else:
        cards.append(_card("Base rate of use", f"{base:.0%}", f"among the authorities that answered (smoothed){whose}"))
    if bits is not None:
        cards.append(
            _card(
                "One more answer adds",
                f"{bits:.2f} bits",
                f"on average, for an authority without a public answer{whose}",
            )
        )
    return html.Div(cards, style={"display": "flex", "gap": "10px", "flexWrap": "wrap"})


def _card(title: str, value: str, note: str) -> html.Div:
    return html.Div(
        [
            html.Div(title, style={"fontSize": "12px", "color": "#555"}),
            html.Div(value, style={"fontSize": "22px", "fontWeight": "700"}),
            html.Div(note, style={"fontSize": "11px", "color": "#666"}),
        ],
        style=CARD_STYLE,
    )


def off_map_component(map_frame: pl.DataFrame, authorities: pl.DataFrame) -> html.Div | None:
    """Asked authorities without a hexagon (national and oversight bodies, commissioners, former forces,
    names the register does not know): listed so none is hidden."""
    cells = hex_cells(authorities).get_column("authority_id").implode()
    rest = map_frame.filter(~pl.col("authority_id").is_in(cells) & (pl.col("map_stance") != MapStance.NOT_ASKED.value))
    if rest.height == 0:
        return None
    items = [
        f"{r['authority_name']}: {stance_legend_label(r['map_stance'])}" for r in rest.sort("authority_name").to_dicts()
    ]
    return html.Details(
        [
            html.Summary(f"Also asked, not on the map ({rest.height}): authorities without a hexagon of their own"),
            html.Ul([html.Li(i) for i in items]),
        ]
    )


# --- the authority panel ---------------------------------------------------------------------------------

#: Findings and evidence items the panel shows at most (keeps one update well under 500 KB).
PANEL_FINDINGS_LIMIT = 25
PANEL_EVIDENCE_LIMIT = 10
PANEL_RESPONSES_LIMIT = 60
_PANEL_COLUMNS = (
    "authority_id", "authority_label", "technology_id", "technology_label", "response_id", "response_date",
    "response_end", "outcome", "stance", "exemptions", "source_url",
)  # fmt: skip


def safe_link(url: str | None, text: str | None = None) -> html.A | html.Span | str:
    """A link only for an http(s) URL; anything else (``javascript:``, ``data:``, a path) is shown as text."""
    if not url:
        return ""
    parsed = urlparse(str(url).strip())
    if parsed.scheme in ("http", "https") and parsed.netloc:
        return html.A(text or "source", href=str(url).strip(), target="_blank", rel="noopener noreferrer nofollow")
    return html.Span(str(url), title="not a web link", className="not-a-link")


def authority_panel(
    register: pl.DataFrame,
    answers: pl.DataFrame,
    findings: pl.DataFrame,
    authority_id: str,
    technology_scope: Sequence[str],
    technology_name: str,
    *,
    findings_total: int | None = None,
) -> html.Div:
    """Everything about one authority: its responses on the selected technology in time order, then every
    check's findings about it, each with its one-sentence summary and evidence.

    ``register``: the authorities register (``DataAccess.authority_register``); ``answers``: the
    authority's responses, outcome and stance in words (``DataAccess.authority_answers``). ``findings``
    may be all findings or only some of this authority's; ``findings_total`` then says how many it has in
    all (the caller may fetch just the ones shown, see ``panel_findings``)."""
    register = register.filter(pl.col("authority_id") == authority_id)
    events = answers
    name = (
        register.get_column("name")[0]
        if register.height
        else (events.get_column("authority_label")[0] if events.height else authority_id)
    )
    facts = []
    if register.height:
        r = register.row(0, named=True)
        facts.append(f"{str(r['kind']).replace('_', ' ')}, {r['region']}")
    on_technology = events.filter(pl.col("technology_id").is_in(list(technology_scope))).sort(
        "response_end", "response_id"
    )
    other_count = events.height - on_technology.height
    response_rows = [
        html.Tr(
            [
                html.Td(str(r["response_date"] or "undated"), style={"overflowWrap": "anywhere"}),
                html.Td(str(r["technology_label"] or "")),
                html.Td(str(r["outcome"] or "")),
                html.Td(str(r["stance"] or "")),
                html.Td(", ".join(r["exemptions"] or [])),
                html.Td(safe_link(r["source_url"]), style={"overflowWrap": "anywhere"}),
                html.Td(str(r["notes"] or ""), style={"overflowWrap": "anywhere"}),
            ]
        )
        for r in on_technology.tail(PANEL_RESPONSES_LIMIT).to_dicts()
    ]
    responses_table = (
        html.Table(
            # Fixed column widths: a long note wraps inside its column instead of running off the panel.
            [html.Colgroup([html.Col(style={"width": w}) for w in ("12%", "14%", "14%", "11%", "13%", "10%", "26%")])]
            + [
                html.Thead(
                    html.Tr(
                        [
                            # Headings break only where a soft hyphen allows ("tech-nology"), never mid-letter.
                            html.Th(
                                h, style={"textAlign": "left", "padding": "2px 6px 2px 0", "overflowWrap": "normal"}
                            )
                            for h in (
                                "date",
                                "tech\u00adnology",
                                "outcome",
                                "stance",
                                "exemp\u00adtions",
                                "source",
                                "notes",
                            )
                        ]
                    )
                )
            ]
            + [html.Tbody(response_rows)],
            className="responses",
            style={"borderCollapse": "collapse", "fontSize": "13px", "width": "100%", "tableLayout": "fixed"},
        )
        if response_rows
        else html.P(f"No responses on {technology_name}.")
    )
    own = findings.filter(pl.col("authority_id") == authority_id) if findings.height else findings
    # Order on the scalar columns and fetch only the findings shown: sorting thousands of findings with
    # their evidence lists cost more than the rest of the panel.
    order = own.select(
        pl.arg_sort_by(
            _panel_order(technology_scope),
            descending=[False, False, True],
            nulls_last=True,
        ).head(PANEL_FINDINGS_LIMIT)
    ).to_series()
    finding_items = [_finding_item(f) for f in own[order].to_dicts()]
    total = own.height if findings_total is None else findings_total
    return html.Div(
        [
            html.H3(name, id="authority-name"),
            html.P(facts),
            html.H4(
                f"Responses on {technology_name} ({on_technology.height}{f'; the latest {PANEL_RESPONSES_LIMIT} shown' if on_technology.height > PANEL_RESPONSES_LIMIT else ''})"
            ),
            responses_table,
            html.P(f"{other_count} responses on other technologies." if other_count else ""),
            html.H4(
                f"Findings ({total}{f'; the {PANEL_FINDINGS_LIMIT} most relevant shown, all on the Findings page' if total > PANEL_FINDINGS_LIMIT else ''})"
            ),
            html.Ul(finding_items) if finding_items else html.P("No check reported anything about this authority."),
        ],
        **{"data-authority": authority_id},
    )


def _panel_order(technology_scope: Sequence[str]) -> list[pl.Expr]:
    return [
        pl.col("technology_id").is_in(list(technology_scope)).not_(),
        severity_rank(),
        pl.col("response_date"),
    ]


def panel_findings(index: pl.DataFrame, authority_id: str, technology_scope: Sequence[str]) -> tuple[pl.Series, int]:
    """The positions (``row``) of the authority's findings the panel shows (at most ``PANEL_FINDINGS_LIMIT``,
    most relevant first) and how many it has: chosen on the ``findings_index``, so only the shown rows are
    fetched whole (``DataAccess.findings_at``)."""
    own = index.filter(pl.col("authority_id") == authority_id)
    # Ties keep the index's (strongest first) order: the same click shows the same findings.
    shown = own.sort(
        _panel_order(technology_scope), descending=[False, False, True], nulls_last=True, maintain_order=True
    ).head(PANEL_FINDINGS_LIMIT)
    return shown.get_column("row"), own.height


def authority_events(inputs: Any, authority_id: str) -> pl.DataFrame:
    """The authority's responses (the panel's columns), found by its integer code (``AnalysisInputs.id_enums``):
    comparing a million strings, or copying every column of a wide frame, for one authority's rows would
    cost more than all the rest of the panel. Their notes are read for these rows alone
    (``AnalysisInputs.with_details``: the dashboard reads only the columns the checks read)."""
    categories = inputs.id_enums["authority_id"].categories
    if authority_id not in categories:
        return inputs.with_details(inputs.events.select(_PANEL_COLUMNS).clear(), ["notes"])
    code = categories.index_of(authority_id)
    answers = inputs.coded_events.lazy().filter(pl.col("authority_code") == code).select(_PANEL_COLUMNS).collect()
    return inputs.with_details(answers, ["notes"])


def _check_title(check_id: str) -> str:
    """A check's title in words, its id after it ("Other authorities had already disclosed (peer_disclosure)")."""
    check = all_checks().get(check_id)
    return f"{check.title} ({check_id})" if check else check_id


def _answer_stance(stance: str | None) -> str:
    """An evidence item's stance in words ("NCND", "Confirmed"), as the panel's table and the reports say it."""
    return ANSWER_STANCE_LABELS.get(stance, stance) if stance else "no stance"


def _finding_item(finding: dict[str, Any]) -> html.Li:
    evidence = finding.get("evidence") or []
    evidence_items = [
        html.Li(
            [
                f"{e.get('date') or 'undated'} {e.get('authority') or ''}: {_answer_stance(e.get('stance'))} on {e.get('technology') or ''}"
                f" ({RELATION_TITLES.get(e.get('relation') or '', e.get('relation') or '')}; ",
                html.Span(
                    GRADE_LABELS.get(e.get("grade") or "", "ungraded").lower(),
                    title=GRADE_EXPLANATIONS.get(e.get("grade") or "", ""),
                ),
                ") ",
                safe_link(e.get("source_url")),
            ]
        )
        for e in evidence[:PANEL_EVIDENCE_LIMIT]
    ]
    more: list[Any] = []
    if len(evidence) > PANEL_EVIDENCE_LIMIT:
        more.append(html.Li(f"... and {len(evidence) - PANEL_EVIDENCE_LIMIT} more (in the findings CSV)"))
    if len(evidence) >= CheckParams().evidence_limit:
        # A finding lists its first pieces of evidence only; its counts are always complete.
        where = f"mosaic report --response {finding['response_id']}" if finding.get("response_id") else "mosaic report"
        more.append(
            html.Li(
                f"Each finding lists its first {CheckParams().evidence_limit} pieces of evidence; its counts include every one, and '{where}' lists them all."
            )
        )
    return html.Li(
        [
            html.Strong(f"{_check_title(finding['check'])} [{finding['severity']}] "),
            str(finding.get("summary") or ""),
            html.Details([html.Summary(f"Evidence ({len(evidence)} listed)"), html.Ul(evidence_items + more)])
            if evidence
            else "",
        ]
    )


# --- timeline --------------------------------------------------------------------------------------------

#: Above this many points the timeline shows one mark per authority, month (else quarter, else year) and stance.
TIMELINE_POINT_LIMIT = 3000


@functools.cache
def _default_template() -> dict[str, Any]:
    """plotly's default template as plain data: what a ``go.Figure`` would carry (the look stays the same)."""
    return go.Figure().to_plotly_json()["layout"]["template"]


def timeline_figure(points: pl.DataFrame, grain: str, title: str) -> tuple[dict[str, Any], str]:
    """Responses over time, one row per authority, marked by stance; and a note when aggregated.

    ``points`` and ``grain`` come from ``mosaic.analyses.mapview.stance_timeline`` (already aggregated, at
    most a few thousand points). Returned as a plain figure dict with plotly's default template, like the
    hex map: plotly's validating objects cost more than the whole aggregation.
    """
    note = (
        f"Many responses: one mark per authority, {grain} and stance, at the start of the {grain} (hover for the count)."
        if grain != "day"
        else ""
    )
    order = (
        points.group_by("authority_label")
        .agg(pl.col("date").min().alias("first"))
        .sort("first", "authority_label", descending=[True, False])
        .get_column("authority_label")
        .to_list()
    )
    # plotly renders <a href>, <b> and <span style> in tick labels and titles: data is escaped to text.
    order = [_escape(label) for label in order]
    data = []
    for stance in [s for s in MapStance if s != MapStance.NOT_ASKED]:
        group = points.filter(pl.col("map_stance") == stance.value)
        data.append(
            {
                "type": "scatter",
                "x": group.get_column("date").cast(pl.String).to_list(),
                "y": [_escape(label) for label in group.get_column("authority_label").to_list()],
                "mode": "markers",
                "marker": {
                    "color": STANCE_COLOURS[stance],
                    "symbol": STANCE_SYMBOLS[stance],
                    "size": 10,
                    "line": {"width": 1, "color": "#FFFFFF"},
                },
                "name": f"{stance_legend_label(stance)} ({group.get_column('n').sum()})",
                "customdata": group.get_column("n").to_list(),
                "hovertemplate": "%{y}<br>%{x}<br>" + STANCE_LABELS[stance] + " x%{customdata}<extra></extra>",
            }
        )
    layout = {
        "template": _default_template(),
        "title": {"text": _escape(title), "x": 0.01, "y": 0.995, "yanchor": "top"},
        "height": max(400, 22 * len(order) + 120),
        "yaxis": {"categoryorder": "array", "categoryarray": order, "title": {}},
        "xaxis": {"title": {"text": "date the answer became public"}, "showgrid": True, "gridcolor": "#EEE"},
        "margin": {"l": 10, "r": 10, "t": 90, "b": 40},
        "legend": {"orientation": "h", "y": 1.0, "x": 0, "yanchor": "bottom", "title": {"text": "Stance "}},
        "plot_bgcolor": "white",
    }
    return {"data": data, "layout": layout}, note


# --- findings table ----------------------------------------------------------------------------------------

FINDING_GRID_COLUMNS = (
    "severity",
    "check",
    "authority_name",
    "technology_name",
    "response_date",
    "summary",
    "authority_id",
    "technology_id",
)
#: Rows sent to the browser at most (about 250 KB of summaries); the CSV export has them all.
FINDINGS_ROW_LIMIT = 500


#: The index's columns besides ``row`` and ``why``: what the controls filter on and the panel sorts by.
INDEX_COLUMNS = ("check", "severity", "technology_id", "authority_id", "response_date")


def findings_index(findings: pl.DataFrame) -> pl.DataFrame:
    """One row per finding: its position ``row`` in ``findings``, the columns the controls filter on and the
    panel sorts by (``INDEX_COLUMNS``), and ``why`` it ranks where it does, in the order a requester reads
    them (``present.tables.requester_order``: the evidence against an NCND first, weighed, then severity and
    the check order). ``findings`` need not carry their evidence (the dashboard's ``keyed_findings`` do not).

    Why an index: ten million answers give over eleven million findings, whose text (summaries, names,
    evidence) takes about 7 GB; filtering and sorting them for every grid update or authority panel took
    seconds even at a million. The index holds no text, only codes (Categorical), is sorted once per data
    version, filtering it keeps that order, and only the rows shown are fetched whole (by ``row``).
    """
    order = requester_order(findings)
    coded = ["why", *(c for c in INDEX_COLUMNS if c != "response_date")]
    return order.with_columns(findings.select(*INDEX_COLUMNS)[order.get_column("row")]).with_columns(
        pl.col(coded).cast(pl.Categorical)
    )


def select_findings(
    index: pl.DataFrame,
    checks: Sequence[str] | None,
    severities: Sequence[str] | None,
    technology_scope: Sequence[str] | None,
) -> pl.DataFrame:
    """The rows of a ``findings_index`` the controls select, in its (strongest first) order."""
    keep = pl.lit(True)
    if checks:
        keep = keep & pl.col("check").is_in(list(checks))
    if severities:
        keep = keep & pl.col("severity").is_in(list(severities))
    if technology_scope:
        keep = keep & pl.col("technology_id").is_in(list(technology_scope))
    return index.filter(keep)


def filter_findings(
    findings: pl.DataFrame,
    checks: Sequence[str] | None,
    severities: Sequence[str] | None,
    technology_scope: Sequence[str] | None,
) -> pl.DataFrame:
    """The findings the controls select, in the requester's order (whole rows; see ``findings_index`` for the fast path)."""
    return findings[select_findings(findings_index(findings), checks, severities, technology_scope).get_column("row")]


def findings_grid_rows(findings: pl.DataFrame, why: pl.Series | None = None) -> list[dict[str, Any]]:
    """Flat rows for the grid (no nested evidence: it is in the authority panel and the CSV): ``findings``
    are the rows shown, whole, in the index's order (``DataAccess.findings_at``), ``why`` their places'
    reasons from the index (``findings_index``), when given."""
    return findings.select(
        pl.int_range(pl.len()).cast(pl.String).alias("row"),
        *(pl.col(c).cast(pl.String) for c in FINDING_GRID_COLUMNS),
        *([why.cast(pl.String).alias("why")] if why is not None else []),
    ).to_dicts()


# --- load data ---------------------------------------------------------------------------------------------------


#: Cell padding for the load page's tables: without it the headers ran together ("readacceptedquarantined").
_CELL = {"padding": "3px 10px 3px 0", "textAlign": "left", "verticalAlign": "top"}
_NUMBER_CELL = {**_CELL, "textAlign": "right", "paddingLeft": "10px"}


def reconciliation_component(report: Any, quarantine: pl.DataFrame) -> html.Div:
    """The ingest's reconciliation as the CLI prints it, then the quarantined rows with their reasons."""
    header = ("file", "read", "accepted", "quarantined", "duplicates", "issues", "blank")
    rows = [
        html.Tr(
            [html.Td(f.source_file, style=_CELL)]
            + [
                html.Td(str(v), style=_NUMBER_CELL)
                for v in (f.rows_read, f.accepted, f.quarantined, f.duplicates, f.issues, f.blank_rows)
            ]
        )
        for f in report.files
    ]
    children: list[Any] = (
        []
        if not report.files
        else [  # a refusal before any file was read: its message alone
            html.Table(
                [
                    html.Thead(html.Tr([html.Th(h, style=_CELL if h == "file" else _NUMBER_CELL) for h in header])),
                    html.Tbody(rows),
                ],
                className="reconciliation",
                style={"borderCollapse": "collapse"},
            )
        ]
    )
    if report.committed:
        children.append(
            html.P(
                f"rows read {report.total('rows_read')} = accepted {report.total('accepted')} + quarantined {report.total('quarantined')} + duplicates {report.total('duplicates')}",
                id="reconciliation-line",
            )
        )
    else:
        children.append(html.P("Nothing was written.", style={"fontWeight": "700"}))
        children.append(html.Ul([html.Li(str(e)) for e in report.errors], className="ingest-errors"))
    for f in report.files:
        for note in f.notes:
            children.append(html.P(f"note: {f.source_file}: {note}"))
    if quarantine.height:
        q_rows = [
            html.Tr(
                [
                    html.Td(r["source_file"], style=_CELL),
                    html.Td(str(r["source_row"]), style=_NUMBER_CELL),
                    html.Td(str(r["column"] or ""), style=_CELL),
                    html.Td(str(r["reason"]), style=_CELL),
                    html.Td(str(r["raw"]), style={**_CELL, "overflowWrap": "anywhere"}),
                ]
            )
            for r in quarantine.sort("source_file", "source_row").head(500).to_dicts()
        ]
        children += [
            html.H4(f"Quarantined rows ({quarantine.height})"),
            html.Table(
                [
                    html.Thead(
                        html.Tr(
                            [
                                html.Th(h, style=_NUMBER_CELL if h == "row" else _CELL)
                                for h in ("file", "row", "column", "reason", "raw cells")
                            ]
                        )
                    ),
                    html.Tbody(q_rows),
                ],
                className="quarantine",
            ),
        ]
    return html.Div(children)
