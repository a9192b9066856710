"""Measure page: one measure in depth — trend, SPC, inequalities, compare areas, the data, commentary."""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import access
from layouts import components, ids
from layouts.common import current_role, read_view
from layouts.theme import components_short


def title(code: str | None = None, **_: Any) -> str:
    return f"Measure {code}" if code else "Measure"


GRID_COLUMNS = [
    {"field": "period", "headerName": "Period", "pinned": "left"},
    {"field": "area_name", "headerName": "Area"},
    {"field": "cohort_label", "headerName": "Cohort"},
    {
        "field": "value",
        "headerName": "Value",
        "type": "numericColumn",
        "valueFormatter": {"function": "params.value == null ? '' : d3.format(',.2f')(params.value)"},
    },
    {
        "field": "numerator",
        "headerName": "Numerator",
        "type": "numericColumn",
        "valueFormatter": {"function": "params.value == null ? '' : d3.format(',')(params.value)"},
    },
    {
        "field": "denominator",
        "headerName": "Denominator",
        "type": "numericColumn",
        "valueFormatter": {"function": "params.value == null ? '' : d3.format(',')(params.value)"},
    },
    {
        "field": "lower_ci",
        "headerName": "Lower CI",
        "type": "numericColumn",
        "valueFormatter": {"function": "params.value == null ? '' : d3.format(',.2f')(params.value)"},
    },
    {
        "field": "upper_ci",
        "headerName": "Upper CI",
        "type": "numericColumn",
        "valueFormatter": {"function": "params.value == null ? '' : d3.format(',.2f')(params.value)"},
    },
    {"field": "comparison", "headerName": "Compared with comparator"},
    {"field": "flags", "headerName": "Flags"},
    {"field": "missing_reason", "headerName": "Missing because"},
    {"field": "withheld_because", "headerName": "Withheld because"},
]


def data_grid(component_id: str) -> dag.AgGrid:
    return dag.AgGrid(
        id=component_id,
        columnDefs=GRID_COLUMNS,
        rowData=[],
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "floatingFilter": True},
        dashGridOptions={"pagination": True, "paginationPageSize": 20, "animateRows": False},
        csvExportParams={"fileName": "pathways-data.csv"},
        style={"height": "520px"},
        className="ag-theme-alpine",
    )


def layout(code: str | None = None, **query: Any) -> html.Div:
    view, msgs, known = read_view(query)
    code = (code or "").upper()
    if code not in known.measures:
        msgs = [*msgs, f"There is no measure “{components_short(code)}”; showing {next(iter(known.measures))}."]
        code = next(iter(known.measures))
    view = view.replace(measure=code)
    return html.Div(
        [
            html.H1(known.measures[code], className="page-title"),
            html.Div(id=ids.MEASURE_SUMMARY, className="lead"),
            components.messages(msgs),
            components.filter_bar(view, known),
            components.view_store(view),
            dbc.Row(
                [
                    dbc.Col(
                        components.chart_card(
                            "Trend",
                            components.graph(
                                ids.MEASURE_TREND, filename=components.chart_filename(view, code, "trend")
                            ),
                            body=[html.Div(id=ids.MEASURE_TREND_TABLE), how_to_read("trend")],
                        ),
                        lg=6,
                    ),
                    dbc.Col(
                        components.chart_card(
                            "Statistical process control",
                            components.graph(ids.MEASURE_SPC, filename=components.chart_filename(view, code, "spc")),
                            body=[html.Div(id=ids.MEASURE_SPC_NOTES)],
                        ),
                        lg=6,
                    ),
                ]
            ),
            dbc.Row(
                [
                    dbc.Col(
                        components.chart_card(
                            "Inequalities: every cohort beside all people",
                            components.graph(
                                ids.MEASURE_BREAKDOWN, filename=components.chart_filename(view, code, "inequalities")
                            ),
                            body=[html.Div(id=ids.MEASURE_BREAKDOWN_TABLE), how_to_read("breakdown")],
                        ),
                        lg=6,
                    ),
                    dbc.Col(
                        components.chart_card(
                            "Compare areas",
                            components.graph(
                                ids.MEASURE_AREAS, filename=components.chart_filename(view, code, "areas")
                            ),
                            body=[html.Div(id=ids.MEASURE_AREAS_TABLE), how_to_read("areas")],
                        ),
                        lg=6,
                    ),
                ]
            ),
            components.chart_card("The data behind these charts", data_grid(ids.MEASURE_GRID)),
            dbc.Row(
                [
                    dbc.Col(html.Div(id=ids.MEASURE_META), lg=6),
                    dbc.Col(commentary(known, editable=access.can_annotate(current_role())), lg=6),
                ]
            ),
        ]
    )


def commentary(known: Any, *, editable: bool = True) -> dbc.Card:
    """Annotations on this measure (they appear on every chart of it); with `editable`, the form to add, edit
    and delete them (analysts and admins)."""
    periods = [{"label": p, "value": p} for p in reversed(known.periods)]
    shown = [html.Div(id=ids.NOTE_LIST), dcc.Store(id=ids.NOTE_ID), dcc.Store(id=ids.NOTE_REFRESH, data=0)]
    if not editable:
        shown.append(html.P("Analysts and admins add commentary.", className="small text-secondary"))
        return dbc.Card(
            [dbc.CardHeader(html.H2("Commentary", className="h5 mb-0")), dbc.CardBody(shown)], className="mb-4"
        )
    return dbc.Card(
        [
            dbc.CardHeader(html.H2("Commentary", className="h5 mb-0")),
            dbc.CardBody(
                [
                    *shown,
                    dbc.Label("Period", html_for=ids.NOTE_PERIOD),
                    dbc.Select(id=ids.NOTE_PERIOD, options=periods, value=known.periods[-1] if known.periods else None),
                    dbc.Label("Note", html_for=ids.NOTE_TEXT, className="mt-2"),
                    dbc.Textarea(id=ids.NOTE_TEXT, maxLength=1000, placeholder="e.g. New provider from February 2019"),
                    dbc.Button("Save note", id=ids.NOTE_SAVE, color="primary", className="mt-2"),
                    html.Div(id=ids.NOTE_FEEDBACK, role="status", className="mt-2"),
                ]
            ),
        ],
        className="mb-4",
    )


def note_list(notes: Any, *, editable: bool = True) -> Any:
    """The measure's notes, each (when `editable`) with edit and delete buttons."""
    if notes.empty:
        return html.P("No commentary yet.", className="text-muted")
    items = []
    for r in notes.itertuples():
        where = "" if r.area is None else f" ({r.area})"
        items.append(
            html.Li(
                [
                    html.Strong(f"{r.period}{where}: "),
                    html.Span(r.text),
                    *(_note_buttons(r) if editable else []),
                ],
                className="note-item",
            )
        )
    return html.Ul(items, className="note-list")


def _note_buttons(r: Any) -> list[Any]:
    return [
        " ",
        html.Button(
            "Edit",
            id={"type": ids.NOTE_EDIT, "id": int(r.id)},
            className="btn btn-link btn-sm",
            **{"aria-label": f"Edit the note for {r.period}"},
        ),
        html.Button(
            "Delete",
            id={"type": ids.NOTE_DELETE, "id": int(r.id)},
            className="btn btn-link btn-sm text-danger",
            **{"aria-label": f"Delete the note for {r.period}"},
        ),
    ]


def feedback(message: str, *, ok: bool) -> Any:
    return dbc.Alert(message, color="success" if ok else "danger", className="py-1 mb-0")


HOW_TO_READ = {
    "trend": "The line is the value each period; the shaded band is its 95% confidence interval (the range the true "
    "value probably lies in). The dashed line is the comparator; diamonds mark commentary.",
    "spc": "A statistical process control chart separates noise from real change. Points inside the dashed process "
    "limits with no pattern are common cause variation — do not read news into them. Coloured diamonds flag "
    "special causes: a point outside the limits, a run of 7 rising or falling, 7 on one side of the mean, or "
    "2 of 3 close to a limit.",
    "breakdown": "Each bar is one cohort; whiskers show its confidence interval; the dashed line is all people. A "
    "cohort whose whiskers do not reach the comparator's value differs significantly.",
    "areas": "Bars are coloured and labelled by the comparison with the comparator: better, similar or worse when "
    "the comparator lies outside or inside the area's confidence interval.",
}


def spc_notes(lines: list[str]) -> Any:
    return html.Div(
        [
            html.Ul([html.Li(line) for line in lines], className="spc-lines"),
            html.Details([html.Summary("How to read this"), html.P(HOW_TO_READ["spc"])]),
        ]
    )


def how_to_read(kind: str) -> Any:
    return html.Details([html.Summary("How to read this"), html.P(HOW_TO_READ[kind])], className="how-to-read")
