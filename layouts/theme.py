"""Theme page: a chart card per measure — trend with its band, compare areas, and the metadata."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from layouts import components, ids
from layouts.common import read_view


def title(slug: str | None = None, **_: Any) -> str:
    return f"Theme: {slug}" if slug else "Theme"


def layout(slug: str | None = None, **query: Any) -> html.Div:
    view, msgs, known = read_view(query)
    if slug not in known.themes:
        msgs = [*msgs, f"There is no theme “{components_short(slug)}”; showing Accommodation."] if slug else msgs
        slug = next(iter(known.themes))
    view = view.replace(theme=slug)
    return html.Div(
        [
            html.H1(known.themes[slug], className="page-title"),
            components.messages(msgs),
            components.filter_bar(view, known),
            components.view_store(view),
            dcc.Loading(html.Div(id=ids.THEME_CARDS)),
        ]
    )


def components_short(text: str | None) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in (text or ""))
    return text if len(text) <= 40 else text[:39] + "…"


def measure_link(code: str, view: Any, defaults: Any) -> str:
    from urllib.parse import urlencode

    query = {k: v for k, v in view.to_query(defaults).items() if k not in ("theme", "measure")}
    return f"/measure/{code}" + ("?" + urlencode(query) if query else "")


def metadata(info: dict[str, Any]) -> html.Dl:
    """Definition, numerator, denominator, source, frequency, caveats — the measure's passport."""
    from dashboard import formatting

    items = [
        ("Definition", info["definition"]),
        ("Numerator", info["numerator_definition"]),
        ("Denominator", info["denominator_definition"]),
        ("Unit", formatting.UNIT_LABEL.get(info["unit"], info["unit"])),
        (
            "Better is",
            {"higher_is_better": "Higher", "lower_is_better": "Lower"}.get(info["polarity"], "No judgement made"),
        ),
        (
            "Target",
            formatting.value_with_unit(info["target"], info["unit"]) if info["target"] is not None else "None set",
        ),
        ("Source", info["source"]),
        ("Frequency", info["frequency"].capitalize()),
        ("Caveats", info["caveats"] or "None recorded"),
        ("Publication", "Published" if info["published"] else "Restricted partner data — do not share"),
    ]
    children: list[Any] = []
    for term, desc in items:
        if desc:
            children += [html.Dt(term), html.Dd(desc)]
    return html.Dl(children, className="metadata")


def measure_card(
    info: dict[str, Any],
    *,
    trend: Any,
    areas: Any,
    summary: str,
    link: str,
    tables: tuple[Any, Any] = (None, None),
    stem: str | None = None,
) -> Any:
    import dash_bootstrap_components as dbc

    code = info["code"]
    stem = stem or code
    return dbc.Card(
        [
            dbc.CardHeader(
                [
                    html.H2(html.A(info["name"], href=link), className="h4 mb-1"),
                    html.P(summary, className="mb-0 measure-sentence"),
                ]
            ),
            dbc.CardBody(
                dbc.Row(
                    [
                        dbc.Col(
                            [
                                components.graph(
                                    {"type": "theme-trend", "code": code}, trend, filename=f"{stem}-trend"
                                ),
                                tables[0],
                            ],
                            lg=6,
                        ),
                        dbc.Col(
                            [
                                components.graph(
                                    {"type": "theme-areas", "code": code}, areas, filename=f"{stem}-areas"
                                ),
                                tables[1],
                            ],
                            lg=6,
                        ),
                    ]
                )
            ),
            dbc.CardFooter([html.Details([html.Summary("About this measure"), metadata(info)]), measure_how_to_read()]),
        ],
        className="chart-card mb-4",
        id=f"card-{code}",
    )


def measure_how_to_read() -> Any:
    from layouts.measure import how_to_read

    return html.Div([how_to_read("trend"), how_to_read("areas")])
