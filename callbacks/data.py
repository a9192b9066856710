"""Data page callbacks: the table behind the view, data quality, import history."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output

from callbacks.common import current_view
from dashboard import access, quality, views
from layouts import data as data_layout
from layouts import ids
from layouts.common import current_role


def render_grid(view_data: dict[str, Any] | None) -> list[dict[str, Any]]:
    svc, view, _ = current_view(view_data)
    return views.grid_rows(svc, view, view.measure or "")


def render_quality(view_data: dict[str, Any] | None) -> Any:
    svc, _, known = current_view(view_data)
    measures = list(known.measures)
    stale = svc.cached(quality.stale_returns, areas=list(known.rug_areas), measures=measures)
    flagged = svc.cached(quality.flagged_values, measures=measures)
    return data_layout.quality(stale, flagged)


def render_batches(view_data: dict[str, Any] | None) -> Any:
    """Import history; the reports quote rows of any measure, so only roles that see every measure get them."""
    svc, _, _ = current_view(view_data)
    reports = access.sees_restricted(current_role())
    return data_layout.batches(svc.cached(quality.import_history), reports=reports)


def register(app: Dash) -> None:
    app.callback(Output(ids.DATA_GRID, "rowData"), Input(ids.VIEW, "data"))(render_grid)
    app.callback(Output(ids.DATA_QUALITY, "children"), Input(ids.VIEW, "data"))(render_quality)
    app.callback(Output(ids.DATA_BATCHES, "children"), Input(ids.VIEW, "data"))(render_batches)
