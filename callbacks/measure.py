"""Measure page callbacks: trend, inequalities, compare areas, the data grid, metadata and summary."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, Patch, State

from callbacks.common import current_view
from dashboard import figures, queries, views
from layouts import components, ids
from layouts import measure as measure_layout
from layouts import theme as theme_layout


def render_trend(view_data: dict[str, Any] | None) -> Any:
    svc, view, known = current_view(view_data)
    return views.trend_figure_json(svc, view, known, view.measure or "")


def patch_commentary(_refresh: Any, view_data: dict[str, Any] | None) -> Patch:
    """After a note changes, send only the commentary markers, not the whole trend figure."""
    svc, view, _ = current_view(view_data)
    points = views.commentary_patch_points(svc, view, view.measure or "")
    patch = Patch()
    for key, values in points.items():
        patch["data"][figures.COMMENTARY_TRACE][key] = values
    return patch


def render_spc(view_data: dict[str, Any] | None) -> tuple[Any, Any]:
    svc, view, known = current_view(view_data)
    fig, lines = views.spc_view_json(svc, view, known, view.measure or "")
    return fig, measure_layout.spc_notes(lines)


def render_breakdown(view_data: dict[str, Any] | None) -> Any:
    svc, view, known = current_view(view_data)
    return views.breakdown_figure_json(svc, view, known, view.measure or "")


def render_areas(view_data: dict[str, Any] | None) -> Any:
    svc, view, known = current_view(view_data)
    return views.areas_figure_json(svc, view, known, view.measure or "")


def render_details(view_data: dict[str, Any] | None) -> tuple[list[dict[str, Any]], str, Any]:
    svc, view, known = current_view(view_data)
    code = view.measure or ""
    info = svc.cached(queries.measure_info, measure=code)
    return (
        views.grid_rows(svc, view, code),
        views.summary_sentence(svc, view, known, code),
        theme_layout.metadata(info),
    )


def render_tables(view_data: dict[str, Any] | None) -> tuple[Any, Any, Any]:
    """Each chart's text alternative: its rows as a table under 'Show as a table'."""
    svc, view, known = current_view(view_data)
    code = view.measure or ""
    name = known.measures.get(code, code)
    return (
        components.chart_table(views.trend_table(svc, view, code), "trend", f"{name}: trend"),
        components.chart_table(views.breakdown_table(svc, view, code), "breakdown", f"{name}: by cohort"),
        components.chart_table(views.areas_table(svc, view, known, code), "areas", f"{name}: by area"),
    )


def register(app: Dash) -> None:
    app.callback(Output(ids.MEASURE_TREND, "figure"), Input(ids.VIEW, "data"))(render_trend)
    app.callback(
        Output(ids.MEASURE_TREND, "figure", allow_duplicate=True),
        Input(ids.NOTE_REFRESH, "data"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(patch_commentary)
    app.callback(Output(ids.MEASURE_SPC, "figure"), Output(ids.MEASURE_SPC_NOTES, "children"), Input(ids.VIEW, "data"))(
        render_spc
    )
    app.callback(Output(ids.MEASURE_BREAKDOWN, "figure"), Input(ids.VIEW, "data"))(render_breakdown)
    app.callback(Output(ids.MEASURE_AREAS, "figure"), Input(ids.VIEW, "data"))(render_areas)
    app.callback(
        Output(ids.MEASURE_GRID, "rowData"),
        Output(ids.MEASURE_SUMMARY, "children"),
        Output(ids.MEASURE_META, "children"),
        Input(ids.VIEW, "data"),
    )(render_details)
    app.callback(
        Output(ids.MEASURE_TREND_TABLE, "children"),
        Output(ids.MEASURE_BREAKDOWN_TABLE, "children"),
        Output(ids.MEASURE_AREAS_TABLE, "children"),
        Input(ids.VIEW, "data"),
    )(render_tables)
