"""The audit log (admins): sign-ins, imports, commentary and user changes, newest first."""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard import access, audit
from layouts import components, ids
from layouts.common import current_role, services
from layouts.upload import refused

LIMIT = 500
COLUMNS = [("at", "When (UTC)"), ("username", "Who"), ("action", "What"), ("detail", "Detail")]


def layout(**_query: Any) -> html.Div:
    if not access.is_admin(current_role()):
        return refused("Audit log", "see the audit log")
    entries = audit.recent(services().engine, limit=LIMIT)
    rows = [{**r, "at": str(r["at"])[:19]} for r in entries.to_dict("records")]
    return html.Div(
        [
            html.H1("Audit log", className="page-title"),
            html.P(f"The latest {LIMIT} entries, newest first.", className="lead"),
            html.Div(
                components.table(rows, COLUMNS, caption="Audit log") if rows else html.P("Nothing recorded yet."),
                id=ids.AUDIT_TABLE,
            ),
        ]
    )
