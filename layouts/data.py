"""Data page: the table behind any view, import history, and data quality."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from layouts import components, ids
from layouts.common import read_view
from layouts.measure import data_grid

TITLE = "Data"


def layout(**query: Any) -> html.Div:
    view, msgs, known = read_view(query)
    if view.measure is None:
        view = view.replace(measure=next(iter(known.measures)))
    return html.Div(
        [
            html.H1("Data", className="page-title"),
            components.messages(msgs),
            components.filter_bar(view, known, show=("measure", "area", "comparator", "cohort", "period")),
            components.view_store(view),
            components.view_switch(
                ids.DATA_TABS,
                "Show",
                [
                    (
                        "table",
                        "Table",
                        html.Div(
                            [
                                html.P(
                                    "Every row behind the charts for these filters. Sort, filter and resize the columns."
                                ),
                                data_grid(ids.DATA_GRID),
                            ],
                            className="pt-3",
                        ),
                    ),
                    ("quality", "Data quality", dcc.Loading(html.Div(id=ids.DATA_QUALITY, className="pt-3"))),
                    ("batches", "Import history", dcc.Loading(html.Div(id=ids.DATA_BATCHES, className="pt-3"))),
                ],
                "table",
            ),
        ]
    )


def quality(stale: Any, flagged: Any) -> list[Any]:
    """Missing or stale returns for the latest period, and provisional or revised values."""
    parts: list[Any] = [html.H2("Missing or stale returns", className="h4")]
    if stale.empty:
        parts.append(html.P("Every measure and area has a value for the latest period."))
    else:
        parts.append(html.P(f"{len(stale)} measure × area returns have no value for the latest period."))
        parts.append(
            components.table(
                stale.to_dict("records"),
                [
                    ("measure", "Measure"),
                    ("measure_name", "Name"),
                    ("area_name", "Area"),
                    ("latest_period", "Latest period held"),
                    ("newest_period", "Newest period in the store"),
                ],
                caption="Returns missing the latest period",
            )
        )
    parts.append(html.H2("Provisional or revised values", className="h4 mt-4"))
    if flagged.empty:
        parts.append(html.P("No values are marked provisional or revised."))
    else:
        rows = flagged.assign(flag=flagged.apply(lambda r: "revised" if r["revised"] else "provisional", axis=1))
        parts.append(
            components.table(
                rows.to_dict("records"),
                [
                    ("measure", "Measure"),
                    ("area_name", "Area"),
                    ("cohort", "Cohort"),
                    ("period", "Period"),
                    ("value", "Value"),
                    ("flag", "Flag"),
                ],
                caption="Provisional or revised values",
            )
        )
    return parts


def batches(history: Any, *, reports: bool = True) -> Any:
    """Every import batch, newest first, with its outcome and (when `reports`) its report."""
    if history.empty:
        return html.P("Nothing has been imported yet.")
    items = []
    for r in history.itertuples():
        summary = (
            f"#{r.id} {r.file_name} — {r.outcome}: {r.rows_loaded:,} loaded, {r.rows_rejected:,} rejected, "
            f"{r.rows_unchanged:,} unchanged of {r.rows_total:,} ({str(r.started_at)[:16]}, {r.imported_by})"
        )
        report = (r.report or "No report.") if reports else "Import reports are shown to analysts and admins."
        items.append(
            html.Details([html.Summary(summary), html.Pre(report, className="batch-report")], className="batch")
        )
    return html.Div(items)
