"""Overview callbacks: theme tiles and the tartan rug for the page's filter."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from dash import Dash, Input, Output, no_update
from plotly.io.json import to_json_plotly

from callbacks.common import current_view
from dashboard import views
from dashboard.filters import ViewFilter
from dashboard.service import Services
from layouts import ids
from layouts import overview as overview_layout


def _memo_json(svc: Services, name: str, view: ViewFilter, build: Callable[[], Any]) -> Any:
    """A rendered component tree, cached as plain JSON: a warm request skips building it again."""
    return svc.memo(name, view.to_query(), lambda: json.loads(to_json_plotly(build())))


def render_tiles(view_data: dict[str, Any] | None) -> Any:
    svc, view, known = current_view(view_data)
    return _memo_json(svc, "overview-tiles", view, lambda: _tiles(svc, view, known))


def _tiles(svc: Services, view: ViewFilter, known: Any) -> list[Any]:
    frame = views.tiles_frame(svc, view, known)
    return overview_layout.tiles(frame, view=view, defaults=svc.defaults(), known=known)


def render_rug(view_data: dict[str, Any] | None, active_tab: str | None = "rug") -> Any:
    """The rug is built only when its tab is open, so the overview's first load does not pay for it."""
    if active_tab != "rug":
        return no_update
    svc, view, known = current_view(view_data)
    return _memo_json(svc, "overview-rug", view, lambda: _rug(svc, view, known))


def _rug(svc: Services, view: ViewFilter, known: Any) -> Any:
    frame = views.rug_frame(svc, view, known)
    return overview_layout.rug(
        frame, view=view, defaults=svc.defaults(), known=known, measure_names=dict(known.measures)
    )


def register(app: Dash) -> None:
    app.callback(Output(ids.OVERVIEW_TILES, "children"), Input(ids.VIEW, "data"))(render_tiles)
    app.callback(Output(ids.OVERVIEW_RUG, "children"), Input(ids.VIEW, "data"), Input(ids.OVERVIEW_TABS, "value"))(
        render_rug
    )
