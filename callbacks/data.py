"""Data page callbacks: the table behind the view, data quality, import history."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output

from callbacks.common import current_view
from dashboard import quality, views
from layouts import data as data_layout
from layouts import ids


def render_grid(view_data: dict[str, Any] | None) -> list[dict[str, Any]]:
    svc, view, _ = current_view(view_data)
    return views.grid_rows(svc, view, view.measure or "")


def render_quality(view_data: dict[str, Any] | None) -> Any:
    svc, _, known = current_view(view_data)
    stale = svc.cached(quality.stale_returns, areas=list(known.rug_areas))
    flagged = svc.cached(quality.flagged_values)
    return data_layout.quality(stale, flagged)


def render_batches(view_data: dict[str, Any] | None) -> Any:
    svc, _, _ = current_view(view_data)
    return data_layout.batches(svc.cached(quality.import_history))


def register(app: Dash) -> None:
    app.callback(Output(ids.DATA_GRID, "rowData"), Input(ids.VIEW, "data"))(render_grid)
    app.callback(Output(ids.DATA_QUALITY, "children"), Input(ids.VIEW, "data"))(render_quality)
    app.callback(Output(ids.DATA_BATCHES, "children"), Input(ids.VIEW, "data"))(render_batches)
