"""Presentation mode: one theme per screen, large type, for a shared screen in a meeting.

Keys (assets/present.js): → Space PageDown next theme, ← PageUp previous, Esc back to the overview, F full screen.
The keys read their targets from the root's data-next, data-prev and data-exit, so the page stays the one source.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard import views
from dashboard.filters import Known, ViewFilter
from layouts import components, ids
from layouts.common import read_view, services
from layouts.overview import link

TITLE = "Presentation"
FONT = {"title": 26, "body": 20, "legend": 18, "note": 14}


def href(slug: str, view: ViewFilter, defaults: ViewFilter) -> str:
    """The URL of a theme's slide, keeping the other filters."""
    query = {k: v for k, v in view.to_query(defaults).items() if k not in ("theme", "measure")}
    return "/present?" + urlencode({"theme": slug, **query})


def headline_rows(frame: pd.DataFrame, slug: str) -> pd.DataFrame:
    """The theme's headline measures (as on its overview tile); the first two when none is marked."""
    if frame.empty:
        return frame
    rows = frame[(frame["theme"] == slug) & frame["headline"]]
    return rows if not rows.empty else frame[frame["theme"] == slug].head(2)


def large(figure: dict[str, Any], height: int = 440) -> dict[str, Any]:
    """A figure re-set for the far end of a meeting room: bigger type, no modebar clutter."""
    layout = dict(figure.get("layout") or {})
    title = dict(layout.get("title") or {})
    title["font"] = {**(title.get("font") or {}), "size": FONT["title"]}
    legend = dict(layout.get("legend") or {})
    legend["font"] = {**(legend.get("font") or {}), "size": FONT["legend"]}
    notes = [{**a, "font": {**(a.get("font") or {}), "size": FONT["note"]}} for a in layout.get("annotations") or []]
    layout.update(
        height=height,
        title=title,
        legend=legend,
        annotations=notes,
        font={**(layout.get("font") or {}), "size": FONT["body"]},
    )
    return {**figure, "layout": layout}


def layout(**query: Any) -> html.Div:
    view, msgs, known = read_view(query)
    svc = services()
    defaults = svc.defaults()
    slugs = list(known.themes)
    slug = view.theme if view.theme in known.themes else slugs[0]
    view = view.replace(theme=slug)
    frame = views.tiles_frame(svc, view, known)
    rows = headline_rows(frame, slug)
    at = slugs.index(slug)
    targets = {
        "prev": href(slugs[at - 1], view, defaults) if at > 0 else "",
        "next": href(slugs[at + 1], view, defaults) if at + 1 < len(slugs) else "",
        "exit": link("/", view.replace(theme=None), defaults),
    }
    return html.Div(
        [
            header(view, known, slug, rows, position=(at + 1, len(slugs))),
            components.messages(msgs),
            slide(rows, view, known),
            navigation(targets, known, slugs, at),
        ],
        id=ids.PRESENT,
        className="present-mode",
        **{f"data-{key}": value for key, value in targets.items()},
    )


def header(view: ViewFilter, known: Known, slug: str, rows: pd.DataFrame, position: tuple[int, int]) -> html.Header:
    """The theme, where and against whom, and the period the figures are for."""
    latest = rows["latest_period"].dropna().max() if not rows.empty else None
    period = f"figures as at {view.period_to}" if view.period_to else f"latest figures: {latest or 'none yet'}"
    cohort = f"{known.cohorts.get(view.cohort, view.cohort)}, " if view.cohort != "all" else ""
    return html.Header(
        [
            html.P(f"Theme {position[0]} of {position[1]}", className="present-count"),
            html.H1(known.themes[slug], id=ids.PRESENT_TITLE, className="present-title"),
            html.P(
                f"{cohort}{known.areas.get(view.area, view.area)} compared with "
                f"{known.areas.get(view.comparator, view.comparator)} · {period}",
                className="present-context",
            ),
        ],
        className="present-header",
    )


def slide(rows: pd.DataFrame, view: ViewFilter, known: Known) -> Any:
    """Each headline measure: the sentence that matters, its status in words, its trend and the trend as a table."""
    if rows.empty:
        return html.P("No measures in this theme yet.", className="present-sentence")
    svc = services()
    comparator = known.areas.get(view.comparator, view.comparator)
    width = 12 if len(rows) == 1 else 6
    cols = []
    for r in rows.itertuples():
        code = str(r.measure)
        cols.append(
            dbc.Col(
                html.Section(
                    [
                        html.H2(str(r.short_name), className="present-measure-name"),
                        html.P(views.summary_sentence(svc, view, known, code), className="present-sentence"),
                        html.P(
                            [
                                components.comparison_badge(str(r.comparison), comparator),
                                " ",
                                components.change_text(r.delta, str(r.unit), str(r.polarity), r.previous_period),
                            ],
                            className="present-status",
                        ),
                        dcc.Graph(
                            figure=large(views.trend_figure_json(svc, view, known, code)),
                            config={"displayModeBar": False, "responsive": True},
                            className="present-graph",
                        ),
                        components.chart_table(
                            views.trend_table(svc, view, code), "trend", caption=f"{r.short_name}: trend"
                        ),
                    ],
                    className="present-measure",
                ),
                lg=width,
            )
        )
    return dbc.Row(cols, className="present-slide")


def navigation(targets: dict[str, str], known: Known, slugs: list[str], at: int) -> html.Nav:
    """The same moves as the keys, as links and a button, for a mouse or a screen reader."""
    themes = known.themes
    items: list[Any] = []
    if targets["prev"]:
        items.append(dcc.Link(f"← {themes[slugs[at - 1]]}", href=targets["prev"], className="present-prev"))
    items.append(dcc.Link("Leave presentation", href=targets["exit"], className="present-exit"))
    if targets["next"]:
        items.append(dcc.Link(f"{themes[slugs[at + 1]]} →", href=targets["next"], className="present-next"))
    items.append(html.Button("Full screen", id=ids.PRESENT_FULLSCREEN, type="button", className="btn btn-outline-dark"))
    return html.Nav(
        [
            html.Div(items, className="present-links"),
            html.P("Keys: → or Space next theme, ← previous, Esc leave, F full screen.", className="present-keys"),
        ],
        id=ids.PRESENT_NAV,
        className="present-nav",
        **{"aria-label": "Presentation"},
    )
