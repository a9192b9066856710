"""The export bar on every page: the view as PDF or PNG, its data as CSV or XLSX, the board pack, save a snapshot."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids


def _button(component_id: str, label: str, hint: str) -> dbc.Button:
    return dbc.Button(label, id=component_id, color="primary", outline=True, size="sm", title=hint, n_clicks=0)


def export_bar() -> html.Div:
    """Buttons, a progress bar for the long exports, the save-snapshot form and the downloads."""
    return html.Div(
        [
            html.Div(
                [
                    html.Span("Export this view:", className="export-label"),
                    dbc.ButtonGroup(
                        [
                            _button(ids.EXPORT_PDF, "PDF", "The view as it is filtered, A4 landscape, with footnotes"),
                            _button(ids.EXPORT_PNG, "PNG", "The view as one picture"),
                            _button(ids.EXPORT_CSV, "CSV", "The rows behind the view, and their metadata"),
                            _button(ids.EXPORT_XLSX, "XLSX", "The rows behind the view, with a metadata sheet"),
                        ],
                        size="sm",
                    ),
                    _button(ids.EXPORT_PACK, "Board pack", "The quarterly board pack for this area and period (PDF)"),
                    _button(
                        ids.EXPORT_SNAPSHOT, "Save snapshot", "Keep this view as it is now, under a permanent link"
                    ),
                ],
                className="export-buttons",
            ),
            html.Div(
                dbc.Progress(id=ids.EXPORT_PROGRESS, value=0, label="", striped=True, animated=True),
                id=ids.EXPORT_PROGRESS_WRAP,
                style={"display": "none"},
                className="export-progress",
            ),
            dbc.Collapse(
                dbc.Form(
                    dbc.Row(
                        [
                            dbc.Col(
                                [
                                    dbc.Label("Title", html_for=ids.SNAPSHOT_TITLE, className="filter-label"),
                                    dbc.Input(
                                        id=ids.SNAPSHOT_TITLE, maxLength=200, size="sm", placeholder="The page's title"
                                    ),
                                ],
                                md=5,
                            ),
                            dbc.Col(
                                [
                                    dbc.Label("Your name", html_for=ids.SNAPSHOT_AUTHOR, className="filter-label"),
                                    dbc.Input(id=ids.SNAPSHOT_AUTHOR, maxLength=120, size="sm"),
                                ],
                                md=4,
                            ),
                            dbc.Col(
                                dbc.Button("Save", id=ids.SNAPSHOT_SAVE, size="sm", color="primary", n_clicks=0),
                                md=3,
                                className="d-flex align-items-end",
                            ),
                        ],
                        className="g-2",
                    )
                ),
                id=ids.SNAPSHOT_FORM,
                is_open=False,
                className="snapshot-form",
            ),
            html.Div(id=ids.SNAPSHOT_RESULT, role="status", **{"aria-live": "polite"}),
            html.Div(id=ids.EXPORT_STATUS, role="status", **{"aria-live": "polite"}, className="export-status"),
            dcc.Store(id=ids.EXPORT_TICKET),
            dcc.Download(id=ids.EXPORT_DOWNLOAD),
            dcc.Download(id=ids.EXPORT_DATA_DOWNLOAD),
            dcc.Download(id=ids.EXPORT_META_DOWNLOAD),
        ],
        id=ids.EXPORT_BAR,
        className="export-bar",
    )
