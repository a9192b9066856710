"""Shared pieces: the filter bar, KPI tiles, chart cards, comparison badges, messages."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import figures, formatting
from dashboard.filters import CONFIDENCES, Known, ViewFilter
from layouts import ids
from layouts.common import services

FILTER = "filter"  # pattern-matching type of every filter control


def filter_id(name: str) -> dict[str, str]:
    return {"type": FILTER, "name": name}


def dom_id(component_id: dict[str, str]) -> str:
    """The id attribute Dash renders for a dict id (keys sorted, compact JSON)."""
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))


def _select(
    name: str, label: str, options: Sequence[tuple[str, str]], value: str | None, blank: str | None = None
) -> dbc.Col:
    opts = ([{"label": blank, "value": ""}] if blank else []) + [{"label": lab, "value": v} for v, lab in options]
    return dbc.Col(
        [
            dbc.Label(label, html_for=dom_id(filter_id(name)), className="filter-label"),
            dbc.Select(id=filter_id(name), options=opts, value=value or "", size="sm", placeholder=blank or ""),
        ],
        xs=12,
        sm=6,
        lg=True,
    )


def filter_bar(
    view: ViewFilter,
    known: Known,
    *,
    show: Sequence[str] = ("area", "comparator", "cohort", "period"),
    measures: Mapping[str, str] | None = None,
    dimensions: Mapping[str, str] | None = None,
) -> html.Div:
    """The filters a page offers, set from its view; every change is written to the URL."""
    cols = []
    area_opts = list(known.areas.items())
    if "measure" in show:
        cols.append(_select("measure", "Measure", list((measures or known.measures).items()), view.measure))
    if "dimension" in show:
        cols.append(
            _select("dimension", "Break down by", list((dimensions or known.dimensions).items()), view.dimension)
        )
    if "area" in show:
        cols.append(_select("area", "Area", area_opts, view.area))
    if "comparator" in show:
        cols.append(_select("comparator", "Compared with", area_opts, view.comparator))
    if "cohort" in show:
        cols.append(_select("cohort", "Cohort", list(known.cohorts.items()), view.cohort))
    periods = [(p, p) for p in reversed(known.periods)]
    if "period" in show:
        cols.append(_select("from", "From", periods, view.period_from, blank="First period"))
    if "period" in show or "to" in show:
        cols.append(
            _select("to", "To" if "period" in show else "As at", periods, view.period_to, blank="Latest period")
        )
    cols.append(
        dbc.Col(
            [
                dbc.Label("Confidence", html_for=dom_id(filter_id("ci")), className="filter-label"),
                dbc.Select(
                    id=filter_id("ci"),
                    value=next(k for k, v in CONFIDENCES.items() if v == view.confidence),
                    options=[{"label": "95%", "value": "95"}, {"label": "99.8%", "value": "99.8"}],
                    size="sm",
                ),
            ],
            xs=6,
            sm=3,
            lg=1,
        )
    )
    return html.Div(dbc.Row(cols, className="g-2"), className="filter-bar", role="search", **{"aria-label": "Filters"})


def view_store(view: ViewFilter) -> dcc.Store:
    """The page's parsed filter (only what differs from the defaults), for its callbacks."""
    return dcc.Store(id=ids.VIEW, data=view.to_query(services().defaults()))


def messages(items: Sequence[str]) -> html.Div:
    """Short notes about ignored URL parameters."""
    if not items:
        return html.Div(id=ids.MESSAGES)
    return html.Div(
        dbc.Alert(
            [html.Strong("Some of the link was not understood. "), *[html.Div(m) for m in items]],
            color="warning",
            className="py-2",
        ),
        id=ids.MESSAGES,
        role="status",
    )


def comparison_badge(comparison: str, comparator_name: str = "") -> html.Span:
    colour, icon, word = figures.COMPARISON.get(comparison, figures.COMPARISON["not compared"])
    text = (
        f"{word} than {comparator_name}"
        if comparison in ("better", "worse", "higher", "lower") and comparator_name
        else f"{word} to {comparator_name}"
        if comparison == "similar" and comparator_name
        else word
    )
    return html.Span(
        [html.Span(icon, className="badge-icon", **{"aria-hidden": "true"}), text],
        className=f"comparison-badge comparison-{comparison.replace(' ', '-')}",
    )


def change_text(delta: float | None, unit: str, polarity: str, previous_period: str | None) -> html.Span:
    """'▲ +1.2 pts since 2024-Q3 (getting worse)': arrow and words, never colour alone."""
    if formatting.is_missing(delta) or previous_period is None:
        return html.Span("No earlier period to compare", className="change-text")
    assert delta is not None
    arrow = "▲" if delta > 0 else "▼" if delta < 0 else "▶"
    judgement = ""
    if delta != 0 and polarity != "no_judgement":
        improving = (delta > 0) == (polarity == "higher_is_better")
        judgement = " (improving)" if improving else " (deteriorating)"
    return html.Span(
        f"{arrow} {formatting.change(delta, unit)} since {previous_period}{judgement}", className="change-text"
    )


def chart_card(
    title: str,
    graph: Any,
    *,
    body: Sequence[Any] = (),
    footer: Any = None,
    card_id: str | None = None,
    level: int = 2,
) -> dbc.Card:
    kwargs: dict[str, Any] = {"id": card_id} if card_id else {}
    heading = {2: html.H2, 3: html.H3}[level]
    return dbc.Card(
        [
            dbc.CardHeader(heading(title, className="h5 mb-0")),
            dbc.CardBody([graph, *body]),
            *([dbc.CardFooter(footer)] if footer is not None else []),
        ],
        className="chart-card mb-4",
        **kwargs,
    )


def graph(
    component_id: Any, figure: Any = None, *, filename: str = "pathways-chart", height: int | None = None
) -> html.Div:
    """A chart with a modebar that downloads PNG under a meaningful name, and PNG and SVG buttons beneath it
    (assets/charts.js does the download with plotly.js, in the browser)."""
    config = {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }
    style = {"height": f"{height}px"} if height else {}
    buttons = [
        html.Button(
            f"Download {fmt.upper()}",
            type="button",
            className="btn btn-link btn-sm chart-download",
            **{"data-format": fmt, "data-filename": filename},
        )
        for fmt in ("png", "svg")
    ]
    return html.Div(
        [
            dcc.Loading(dcc.Graph(id=component_id, figure=figure or {}, config=config, style=style), type="default"),
            html.Div(buttons, className="chart-downloads"),
        ],
        className="chart-frame",
    )


def chart_filename(view: ViewFilter, *parts: str) -> str:
    """'REC01-trend-E06000059-sex-female-2019-Q1-to-2023-Q4': what, where, who and when, safe as a file name."""
    words = [*parts, view.area, view.cohort if view.cohort != "all" else ""]
    if view.period_from or view.period_to:
        words.append(f"{view.period_from or 'start'}-to-{view.period_to or 'latest'}")
    text = "-".join(w for w in words if w)
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in text)[:120]


def table(frame_rows: Sequence[Mapping[str, Any]], columns: Sequence[tuple[str, str]], caption: str) -> html.Table:
    """A plain accessible table (used as every chart's text alternative)."""
    head = html.Thead(html.Tr([html.Th(label, scope="col") for _, label in columns]))
    body = html.Tbody([html.Tr([html.Td(str(row.get(key, ""))) for key, _ in columns]) for row in frame_rows])
    return html.Table([html.Caption(caption), head, body], className="table table-sm data-table")


def show_as_table(content: Any, label: str = "Show as a table") -> html.Details:
    return html.Details([html.Summary(label), content], className="show-as-table")


def chart_table(rows: Sequence[Mapping[str, Any]], kind: str, caption: str) -> html.Details:
    """A chart's text alternative: its rows in a table, folded under 'Show as a table'."""
    from dashboard.views import TABLE_COLUMNS

    if not rows:
        return show_as_table(html.P("No data for this selection."))
    return show_as_table(table(rows, TABLE_COLUMNS[kind], caption))


def view_switch(component_id: str, legend: str, panels: Sequence[tuple[str, str, Any]], value: str) -> html.Div:
    """Tabs built from native radio buttons: reachable by Tab, arrow keys move, a screen reader names the group.

    The panels show and hide in CSS (assets/app.css, `.view-switcher:has(...)`); `value` is the Input to read."""
    return html.Div(
        [
            html.Fieldset(
                [
                    html.Legend(legend, className="visually-hidden"),
                    dbc.RadioItems(
                        id=component_id,
                        options=[{"label": label, "value": key} for key, label, _ in panels],
                        value=value,
                        inline=True,
                        class_name="view-switch",
                        input_class_name="btn-check",
                        label_class_name="btn btn-outline-primary",
                        label_checked_class_name="active",
                    ),
                ]
            ),
            *[html.Div(content, className="view-panel", **{"data-panel": key}) for key, _, content in panels],
        ],
        className="view-switcher",
    )
