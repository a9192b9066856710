"""Overview: the board's landing page — a tile per theme, and the tartan rug."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard import figures, formatting
from dashboard.filters import Known, ViewFilter
from layouts import components, ids, plain
from layouts.common import read_view, services

TITLE = "Overview"


def layout(**query: Any) -> html.Div:
    view, msgs, known = read_view(query)
    return html.Div(
        [
            html.H1("Reducing reoffending: overview", className="page-title"),
            html.P(
                f"Headline measures for {known.areas.get(view.area, view.area)}, compared with "
                f"{known.areas.get(view.comparator, view.comparator)}.",
                className="lead",
            ),
            html.P(
                dcc.Link(
                    "Present these themes to a meeting",
                    href=link("/present", view, services().defaults()),
                    className="btn btn-primary present-start",
                )
            ),
            components.messages(msgs),
            components.filter_bar(view, known, show=("area", "comparator", "cohort", "to")),
            components.view_store(view),
            components.view_switch(
                ids.OVERVIEW_TABS,
                "Show",
                [
                    ("tiles", "Themes", dcc.Loading(html.Div(id=ids.OVERVIEW_TILES, className="tiles"))),
                    ("rug", "Tartan rug (measures × areas)", dcc.Loading(html.Div(id=ids.OVERVIEW_RUG))),
                ],
                "tiles",
            ),
        ]
    )


def link(path: str, view: ViewFilter, defaults: ViewFilter, **extra: str) -> str:
    query = {**view.to_query(defaults), **extra}
    query.pop("measure", None) if "measure" not in extra else None
    return path + ("?" + urlencode(query) if query else "")


def sparkline_svg(values: list[float], *, width: int = 120, height: int = 32) -> str:
    """A tiny inline SVG line as a data URI (no chart library needed for a tile)."""
    if len(values) < 2:
        return ""
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    step = width / (len(values) - 1)
    points = " ".join(f"{i * step:.1f},{height - 3 - (v - lo) / span * (height - 6):.1f}" for i, v in enumerate(values))
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f'<polyline fill="none" stroke="{figures.PALETTE[0]}" stroke-width="2" points="{points}"/></svg>'
    )
    return "data:image/svg+xml;utf8," + quote(svg)


def _trend_words(values: list[float]) -> str:
    if len(values) < 2:
        return "not enough points for a trend line"
    return f"last {len(values)} periods, from {values[0]:,.1f} to {values[-1]:,.1f}"


def measure_block(
    row: Mapping[str, Any], *, view: ViewFilter, defaults: ViewFilter, known: Known, latest: dict[str, str]
) -> html.A:
    unit = row["unit"]
    comparator_name = known.areas.get(view.comparator, view.comparator)
    stale = row["latest_period"] and latest.get(row["frequency"]) not in (None, row["latest_period"])
    fresh = (
        (f"Latest: {row['latest_period']}" + (" — not updated recently" if stale else ""))
        if row["latest_period"]
        else "No data yet"
    )
    spark = row["spark"] or []
    return html.A(
        [
            html.Div(row["short_name"], className="tile-measure-name"),
            html.Div(
                [
                    html.Span(formatting.value_with_unit(row["value"], unit), className="tile-value"),
                    html.Img(src=sparkline_svg(spark), alt=f"Trend: {_trend_words(spark)}", className="sparkline")
                    if len(spark) > 1
                    else None,
                ],
                className="tile-value-row",
            ),
            html.Div(components.change_text(row["delta"], unit, row["polarity"], row["previous_period"])),
            html.Div(f"Recent trend: {row.get('trend') or 'cannot be calculated'}", className="tile-trend"),
            html.Div(components.comparison_badge(row["comparison"], comparator_name)),
            html.Div(
                row["target_status"].capitalize()
                + (f" ({formatting.value_with_unit(row['target'], unit)})" if pd.notna(row["target"]) else ""),
                className="tile-target",
            ),
            html.Div(fresh, className="tile-fresh" + (" stale" if stale else "")),
        ],
        href=link(f"/measure/{row['measure']}", view, defaults),
        className="tile-measure",
        title=f"{row['name']}: open the measure page",
    )


def tiles(frame: pd.DataFrame, *, view: ViewFilter, defaults: ViewFilter, known: Known) -> list[Any]:
    """A card per theme with its headline measures."""
    latest = {freq: grp["latest_period"].dropna().max() for freq, grp in frame.groupby("frequency")}
    records = frame.to_dict("records")  # plain dicts: iterrows would build a Series per row
    cards = []
    for slug, name in known.themes.items():
        in_theme = [r for r in records if r["theme"] == slug]
        rows = [r for r in in_theme if r["headline"]] or in_theme[:2]
        blocks = [measure_block(r, view=view, defaults=defaults, known=known, latest=latest) for r in rows]
        cards.append(
            dbc.Col(
                dbc.Card(
                    [
                        dbc.CardHeader(
                            html.H2(html.A(name, href=link(f"/theme/{slug}", view, defaults)), className="h4 mb-0")
                        ),
                        dbc.CardBody(blocks, className="tile-body"),
                    ],
                    className="theme-tile h-100",
                ),
                xs=12,
                md=6,
                xl=4,
                className="mb-4",
            )
        )
    return [dbc.Row(cards)]


def rug(
    frame: pd.DataFrame, *, view: ViewFilter, defaults: ViewFilter, known: Known, measure_names: dict[str, str]
) -> Any:
    """Measures × areas, each cell labelled by value and comparison (icon and word, not colour alone).

    Hundreds of cells: the rows are written as component JSON (layouts.plain) and each link's query string is
    made once per area, not once per cell."""
    if frame.empty:
        return html.P("No data for this selection.")
    present = set(frame["area"])
    area_codes = [a for a in known.areas if a in present]
    head = html.Thead(
        html.Tr(
            [html.Th("Measure", scope="col"), html.Th("Period", scope="col")]
            + [html.Th(known.areas[a], scope="col", className="rug-area") for a in area_codes]
        )
    )
    query = view.to_query(defaults)
    query.pop("measure", None)
    measure_search = "?" + urlencode(query) if query else ""
    area_search = {a: "?" + urlencode({**query, "area": a}) for a in area_codes}
    body = [
        _rug_row(code, period, cells, area_codes, measure_names.get(code, code), measure_search, area_search)
        for code, (period, cells) in _rug_cells(frame).items()
    ]
    return html.Div(
        html.Table(
            [
                html.Caption(f"Latest value of each measure by area, compared with {known.areas.get(view.comparator)}"),
                head,
                html.Tbody(body),
            ],
            className="table table-sm rug-table",
        ),
        className="rug-scroll",
        tabIndex=0,
    )


def _rug_cells(frame: pd.DataFrame) -> dict[str, tuple[str, dict[str, tuple[float, str, str]]]]:
    """measure -> (its period, area -> (value, unit, comparison)), measures in the frame's order."""
    columns = ("measure", "area", "period", "value", "unit", "comparison")
    out: dict[str, tuple[str, dict[str, tuple[float, str, str]]]] = {}
    for code, area, period, value, unit, comparison in zip(*(frame[c].tolist() for c in columns), strict=True):
        out.setdefault(code, (period, {}))[1][area] = (value, unit, comparison)
    return out


def _rug_row(
    code: str,
    period: str,
    cells: dict[str, tuple[float, str, str]],
    area_codes: list[str],
    name: str,
    measure_search: str,
    area_search: dict[str, str],
) -> dict[str, Any]:
    path = f"/measure/{code}"
    row = [
        plain.html_element("Th", plain.html_element("A", name, href=path + measure_search), scope="row"),
        plain.html_element("Td", period),
    ]
    for a in area_codes:
        cell = cells.get(a)
        if cell is None:
            row.append(plain.html_element("Td", "–", className="rug-cell rug-empty"))
            continue
        value, unit, comparison = cell
        _, icon, word = figures.COMPARISON.get(comparison, figures.COMPARISON["not compared"])
        text = f"{formatting.value_with_unit(value, unit)} {icon} {word}"
        row.append(
            plain.html_element(
                "Td",
                plain.html_element("A", text, href=path + area_search[a]),
                className=f"rug-cell comparison-{comparison.replace(' ', '-')}",
            )
        )
    return plain.html_element("Tr", row)
