"""Cohort drill-down: bars per cohort; click a bar to see that cohort's trend and its spread across areas."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from layouts import components, ids
from layouts.common import read_view

TITLE = "Cohort drill-down"
DEFAULT_DIMENSION = "sex"


def layout(**query: Any) -> html.Div:
    view, msgs, known = read_view(query)
    if view.measure is None:
        view = view.replace(measure="REC01" if "REC01" in known.measures else next(iter(known.measures)))
    if view.dimension is None:
        view = view.replace(dimension=DEFAULT_DIMENSION)
    return html.Div(
        [
            html.H1("Cohort drill-down", className="page-title"),
            html.P("Pick a measure and a breakdown, then click a bar to drill into that cohort.", className="lead"),
            components.messages(msgs),
            components.filter_bar(view, known, show=("measure", "dimension", "area", "comparator", "to")),
            components.view_store(view),
            html.Nav(id=ids.DRILL_CRUMBS, **{"aria-label": "Breadcrumb"}),
            html.H2(id=ids.DRILL_TITLE, className="h4"),
            components.chart_card(
                "Cohorts (click a bar to drill down)",
                components.graph(
                    ids.DRILL_BARS, filename=components.chart_filename(view, view.measure or "", f"by-{view.dimension}")
                ),
                body=[html.Div(id=ids.DRILL_BARS_TABLE)],
                level=3,
            ),
            dbc.Row(
                [
                    dbc.Col(
                        components.chart_card(
                            "Trend of the selected cohort",
                            components.graph(
                                ids.DRILL_TREND, filename=components.chart_filename(view, view.measure or "", "trend")
                            ),
                            body=[html.Div(id=ids.DRILL_TREND_TABLE)],
                            level=3,
                        ),
                        lg=6,
                    ),
                    dbc.Col(
                        components.chart_card(
                            "The selected cohort across areas",
                            components.graph(
                                ids.DRILL_AREAS, filename=components.chart_filename(view, view.measure or "", "areas")
                            ),
                            body=[html.Div(id=ids.DRILL_AREAS_TABLE)],
                            level=3,
                        ),
                        lg=6,
                    ),
                ]
            ),
        ]
    )


def breadcrumb(view: Any, known: Any, defaults: Any) -> Any:
    """Measure › by dimension › cohort, each a link back up."""
    from urllib.parse import urlencode

    base = {k: v for k, v in view.to_query(defaults).items() if k != "cohort"}
    items = [
        {"label": "Overview", "href": "/", "external_link": False},
        {
            "label": known.measures.get(view.measure, view.measure),
            "href": f"/measure/{view.measure}",
            "external_link": False,
        },
        {
            "label": f"By {known.dimensions.get(view.dimension, view.dimension).lower()}",
            "href": "/drill?" + urlencode(base),
            "external_link": False,
            "active": view.cohort == "all",
        },
    ]
    if view.cohort != "all":
        items.append({"label": known.cohorts.get(view.cohort, view.cohort), "active": True})
    return dbc.Breadcrumb(items=items)
