"""What every page layout needs: the app's services, and the view filter read from the URL."""

from __future__ import annotations

from typing import Any

from flask import current_app

from dashboard.filters import Known, ViewFilter, parse_query
from dashboard.service import Services

EXTENSION = "pathways"


def services() -> Services:
    """The Services object the app factory attached to the Flask server."""
    return current_app.extensions[EXTENSION]  # type: ignore[no-any-return]


def read_view(query: dict[str, Any], **fixed: Any) -> tuple[ViewFilter, list[str], Known]:
    """The page's filter from its URL query (bad values fall back to defaults with messages)."""
    svc = services()
    known = svc.known()
    view, messages = parse_query(query, known, svc.defaults())
    if fixed:
        view = view.replace(**fixed)
    return view, messages, known


def data_info() -> dict[str, str | None]:
    from dashboard import queries

    return services().cached(queries.data_info)  # type: ignore[no-any-return]
