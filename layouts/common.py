"""What every page layout needs: the app's services, and the view filter read from the URL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, has_request_context
from flask_login import current_user

from dashboard import access
from dashboard.config import Settings
from dashboard.filters import Known, ViewFilter, parse_query
from dashboard.service import Services

EXTENSION = "pathways"
LOCAL_USER = "local"  # who everyone is when sign-in is off (a local demo)


def services() -> Services:
    """The Services object the app factory attached to the Flask server."""
    return current_app.extensions[EXTENSION]  # type: ignore[no-any-return]


def role_reader(settings: Settings) -> Callable[[], str | None]:
    """How the app's Services learn the current user's role: admin when sign-in is off (a local demo), the
    signed-in user's role, or None for an anonymous visitor (public mode) and outside a request."""

    def read() -> str | None:
        if not settings.auth:
            return access.ADMIN
        if not has_request_context() or not current_user.is_authenticated:
            return None
        return getattr(current_user, "role", None)

    return read


def current_role() -> str | None:
    return services().current_role()


def current_username() -> str:
    """The signed-in user's name; 'local' with sign-in off; '' for an anonymous visitor."""
    if not services().settings.auth:
        return LOCAL_USER
    if has_request_context() and current_user.is_authenticated:
        return str(current_user.get_id())
    return ""


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
