"""Measure page callbacks: trend, inequalities, compare areas, the data grid, metadata and summary."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output

from callbacks.common import current_view
from dashboard import queries, views
from layouts import ids
from layouts import measure as measure_layout
from layouts import theme as theme_layout


def render_trend(view_data: dict[str, Any] | None, _refresh: Any = None) -> Any:
    svc, view, known = current_view(view_data)
    return views.trend_figure(svc, view, known, view.measure or "")


def render_spc(view_data: dict[str, Any] | None) -> tuple[Any, Any]:
    svc, view, known = current_view(view_data)
    fig, lines = views.spc_view(svc, view, known, view.measure or "")
    return fig, measure_layout.spc_notes(lines)


def render_breakdown(view_data: dict[str, Any] | None) -> Any:
    svc, view, known = current_view(view_data)
    return views.breakdown_figure(svc, view, known, view.measure or "")


def render_areas(view_data: dict[str, Any] | None) -> Any:
    svc, view, known = current_view(view_data)
    return views.areas_figure(svc, view, known, view.measure or "")


def render_details(view_data: dict[str, Any] | None) -> tuple[list[dict[str, Any]], str, Any]:
    svc, view, known = current_view(view_data)
    code = view.measure or ""
    info = svc.cached(queries.measure_info, measure=code)
    return (
        views.grid_rows(svc, view, code),
        views.summary_sentence(svc, view, known, code),
        theme_layout.metadata(info),
    )


def register(app: Dash) -> None:
    app.callback(Output(ids.MEASURE_TREND, "figure"), Input(ids.VIEW, "data"), Input(ids.NOTE_REFRESH, "data"))(
        render_trend
    )
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
