"""Upload a return (admins): choose a CSV or XLSX file, read its dry-run report, then load it."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import access
from dashboard.config import Settings
from dashboard.importer import ImportReport
from layouts import components, ids
from layouts.common import current_role, services

TITLE = "Upload a return"
MAX_ERRORS_SHOWN = 5000
ERROR_COLUMNS = [("row", "Row"), ("column", "Column"), ("value", "Value"), ("reason", "Reason")]


def request_limit(settings: Settings) -> int:
    """The server's cap on one request: the file travels base64-encoded (4/3 of its size) in the callback's JSON.
    Up to twice the upload limit gets a clear message from the page; a larger request is refused outright."""
    return settings.upload_max_mb * 1024 * 1024 * 8 // 3 + 1024 * 1024


def refused(title: str = TITLE, what: str = "upload returns") -> html.Div:
    """An admin page as anyone else sees it: its title and why there is nothing under it."""
    return html.Div(
        [
            html.H1(title, className="page-title"),
            dbc.Alert(
                f"You need the admin role to {what}. Ask your data officer.", color="warning", id="access-refused"
            ),
        ]
    )


def layout(**_query: Any) -> html.Div:
    if not access.is_admin(current_role()):
        return refused()
    limit = services().settings.upload_max_mb
    return html.Div(
        [
            html.H1(TITLE, className="page-title"),
            html.P(
                "A partner's quarterly return in the import format (CSV or XLSX; see docs/IMPORTING.md). "
                "You will see every problem first; nothing is loaded until you press Load.",
                className="lead",
            ),
            dcc.Upload(
                html.Div(["Drag a CSV or XLSX file here, or ", html.A("choose a file", href="#")]),
                id=ids.UPLOAD_FILE,
                accept=".csv,.xlsx",
                multiple=False,
                className="upload-drop border border-2 rounded p-4 text-center mb-2",
            ),
            html.P(f"Files up to {limit} MB.", className="small text-secondary"),
            dbc.Checkbox(
                id=ids.UPLOAD_PARTIAL,
                label="Load good rows only: skip the rows with problems (otherwise a file with any problem loads nothing)",
                value=False,
            ),
            dcc.Loading(html.Div(id=ids.UPLOAD_REPORT, className="mt-3", role="status")),
            dbc.Button("Load", id=ids.UPLOAD_LOAD, color="primary", disabled=True, className="mt-2"),
            dcc.Loading(html.Div(id=ids.UPLOAD_RESULT, className="mt-3", role="status")),
        ]
    )


def message(text: str, *, ok: bool) -> dbc.Alert:
    return dbc.Alert(text, color="success" if ok else "danger", className="mb-2")


def report(result: ImportReport) -> list[Any]:
    """A dry run's or a load's report: the summary, warnings, and every problem row (row, column, value, reason)."""
    loaded = result.outcome in ("loaded", "partial", "unchanged")
    parts: list[Any] = [message(f"{result.file_name}: {result.summary()}", ok=loaded)]
    parts += [html.P(f"Warning: {w}", className="text-warning-emphasis") for w in result.warnings]
    if result.errors:
        shown = result.errors[:MAX_ERRORS_SHOWN]
        caption = f"{len(result.errors):,} problem(s)" + (
            f", the first {MAX_ERRORS_SHOWN:,} shown" if len(result.errors) > MAX_ERRORS_SHOWN else ""
        )
        rows = [{"row": e.row or "file", "column": e.column, "value": e.value, "reason": e.reason} for e in shown]
        parts.append(components.table(rows, ERROR_COLUMNS, caption=caption))
    return parts
