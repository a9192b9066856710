"""Theme page callbacks: a card per measure of the theme."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output

from callbacks.common import current_view
from dashboard import queries, views
from layouts import components, ids
from layouts import theme as theme_layout


def render_cards(view_data: dict[str, Any] | None) -> list[Any]:
    svc, view, known = current_view(view_data)
    measures = svc.cached(queries.catalogue_frame, table="measures")
    in_theme = measures.loc[measures["theme"] == (view.theme or next(iter(known.themes))), "code"]
    codes = [code for code in in_theme if code in known.measures]  # only the measures this user may see
    return [
        theme_layout.measure_card(
            svc.cached(queries.measure_info, measure=code),
            trend=views.trend_figure_json(svc, view, known, code),
            areas=views.areas_figure_json(svc, view, known, code),
            summary=views.summary_sentence(svc, view, known, code),
            link=theme_layout.measure_link(code, view, svc.defaults()),
            stem=components.chart_filename(view, code),
            tables=(
                components.chart_table(views.trend_table(svc, view, code), "trend", "Trend"),
                components.chart_table(views.areas_table(svc, view, known, code), "areas", "By area"),
            ),
        )
        for code in codes
    ]


def register(app: Dash) -> None:
    app.callback(Output(ids.THEME_CARDS, "children"), Input(ids.VIEW, "data"))(render_cards)
