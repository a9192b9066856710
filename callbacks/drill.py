"""Drill-down callbacks: bars per cohort; a click drills into that cohort (written to the URL); breadcrumb back."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, no_update

from callbacks.common import current_view, plain_query, search_string
from dashboard import views
from layouts import components, ids
from layouts import drill as drill_layout


def _drill_view(view_data: dict[str, Any] | None) -> tuple[Any, Any, Any]:
    """The page's view, with the layout's default breakdown when the store names none (it may be tampered with)."""
    svc, view, known = current_view(view_data)
    if view.dimension is None:
        view = view.replace(dimension=drill_layout.DEFAULT_DIMENSION)
    return svc, view, known


def render_bars(view_data: dict[str, Any] | None) -> tuple[Any, Any, str]:
    svc, view, known = _drill_view(view_data)
    code = view.measure or ""
    selected = view.cohort if view.cohort != "all" else None
    fig = views.breakdown_figure_json(svc, view, known, code, dimension=view.dimension, selected=selected)
    crumbs = drill_layout.breadcrumb(view, known, svc.defaults())
    heading = known.measures.get(code, code) + (f" — {known.cohorts[view.cohort]}" if selected else "")
    return fig, crumbs, heading


def render_selected(view_data: dict[str, Any] | None) -> tuple[Any, Any]:
    svc, view, known = _drill_view(view_data)
    code = view.measure or ""
    return (
        views.trend_figure_json(svc, view, known, code, cohort=view.cohort),
        views.areas_figure_json(svc, view, known, code, cohort=view.cohort),
    )


def render_tables(view_data: dict[str, Any] | None) -> tuple[Any, Any, Any]:
    """The drill-down charts' text alternatives, as tables."""
    svc, view, known = _drill_view(view_data)
    code = view.measure or ""
    cohort = known.cohorts.get(view.cohort, view.cohort)
    return (
        components.chart_table(views.breakdown_table(svc, view, code, view.dimension), "breakdown", "Cohorts"),
        components.chart_table(views.trend_table(svc, view, code, view.cohort), "trend", f"{cohort}: trend"),
        components.chart_table(views.areas_table(svc, view, known, code, view.cohort), "areas", f"{cohort}: by area"),
    )


def drill_query(click: dict[str, Any] | None, view_data: dict[str, Any] | None) -> dict[str, str] | None:
    """The URL query after a click on a cohort bar (None when the click names no cohort)."""
    points = click.get("points") if isinstance(click, dict) else None
    first = points[0] if isinstance(points, list) and points else None
    cohort = first.get("customdata") if isinstance(first, dict) else None
    if not isinstance(cohort, str) or "=" not in cohort:
        return None
    query = plain_query(view_data)
    query["cohort"] = cohort
    return query


def register(app: Dash) -> None:
    app.callback(
        Output(ids.DRILL_BARS, "figure"),
        Output(ids.DRILL_CRUMBS, "children"),
        Output(ids.DRILL_TITLE, "children"),
        Input(ids.VIEW, "data"),
    )(render_bars)
    app.callback(Output(ids.DRILL_TREND, "figure"), Output(ids.DRILL_AREAS, "figure"), Input(ids.VIEW, "data"))(
        render_selected
    )
    app.callback(
        Output(ids.DRILL_BARS_TABLE, "children"),
        Output(ids.DRILL_TREND_TABLE, "children"),
        Output(ids.DRILL_AREAS_TABLE, "children"),
        Input(ids.VIEW, "data"),
    )(render_tables)

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.DRILL_BARS, "clickData"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )
    def drill_on_click(click: dict[str, Any] | None, view_data: dict[str, Any] | None) -> Any:
        query = drill_query(click, view_data)
        return no_update if query is None else search_string(query)
