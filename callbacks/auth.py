"""Sign-in (flask-login): the /login and /logout routes, sessions that expire, and a gate on every request.

With sign-in on, an anonymous visitor's page request goes to /login?next=…, and any Dash request
(`/_dash-layout`, `/_dash-update-component`, …) gets 401 — unless public mode lets anonymous visitors browse
(they then see published measures only: see dashboard.access). Static files and the sign-in page are open.
"""

from __future__ import annotations

import logging
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from dash import Dash
from flask import Flask, Response, redirect, request, session
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from dashboard import audit, users
from dashboard.config import Settings
from layouts import signin
from layouts.common import services

log = logging.getLogger("pathways")

OPEN_PREFIXES = ("/assets/", "/_dash-component-suites/")  # static files: no data in them
OPEN_PATHS = frozenset({"/login", "/logout", "/favicon.ico", "/_favicon.ico"})
SIGNED_IN_AT = "signed_in_at"
MAX_FAILURES, LOCKOUT = 10, timedelta(minutes=15)  # failed sign-ins per username, and how long they count


class SignedIn(UserMixin):  # type: ignore[misc]
    """The signed-in user as flask-login holds it: the name is the session's id; the role is re-read each request."""

    def __init__(self, user: users.User) -> None:
        self.username, self.role = user.username, user.role

    def get_id(self) -> str:
        return self.username


def secret_key(settings: Settings) -> str:
    """The configured key, or a random one for this process (with a warning: sessions will not survive)."""
    if settings.secret_key:
        return settings.secret_key
    if settings.auth:
        log.warning(
            "PATHWAYS_SECRET_KEY is not set: using a random key for this process, so sign-ins end when it restarts "
            "and are not shared between gunicorn workers. Set PATHWAYS_SECRET_KEY for a real deployment."
        )
    return secrets.token_hex(32)


def install(app: Dash, settings: Settings) -> None:
    """Configure sessions and, when sign-in is on, the login manager, the routes and the request gate."""
    server: Flask = app.server
    server.config.update(
        SECRET_KEY=secret_key(settings),
        SESSION_COOKIE_NAME="pathways_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.session_minutes),
    )
    if not settings.auth:  # nobody signs in or out: both go to the overview
        server.add_url_rule("/login", "login", lambda: redirect("/"), methods=["GET", "POST"])
        server.add_url_rule("/logout", "logout", lambda: redirect("/"), methods=["GET", "POST"])
        return
    manager = LoginManager()
    manager.init_app(server)
    manager.user_loader(_load_user)
    server.add_url_rule("/login", "login", login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "logout", logout, methods=["GET", "POST"])
    server.before_request(_gate)


def _load_user(username: str) -> SignedIn | None:
    user = users.find(services().engine, username=username)
    return None if user is None else SignedIn(user)


def _expired() -> bool:
    started = session.get(SIGNED_IN_AT)
    limit = services().settings.session_minutes * 60
    return not isinstance(started, int | float) or time.time() - started > limit


def _gate() -> Any:
    """Let open paths and signed-in users through; refuse or redirect everyone else."""
    path = request.path
    if path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
        return None
    expired = current_user.is_authenticated and _expired()
    if expired:
        logout_user()
        session.clear()
    if current_user.is_authenticated or services().settings.public:
        return None
    if path.startswith("/_") or request.method != "GET":
        return Response('{"error": "sign in first"}', status=401, mimetype="application/json")
    query = {"next": request.full_path.rstrip("?")} | ({"expired": "1"} if expired else {})
    return redirect("/login?" + urlencode(query))


def safe_next(target: str | None) -> str:
    """A redirect target inside this site only (no scheme, no host, no `//`): else the overview."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else "/"


def login() -> Any:
    next_url = safe_next(request.values.get("next"))
    public = services().settings.public
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(next_url)
        notice = ""
        if request.args.get("expired"):
            notice = "Your session expired; please sign in again."
        elif request.args.get("signed_out"):
            notice = "You have signed out."
        return signin.page(next_url=next_url, notice=notice, public=public)
    engine = services().engine
    username = request.form.get("username", "")[:200]
    if _locked_out(username):
        audit.record(engine, username=_key(username), action=audit.SIGN_IN_FAILED, detail="too many failures")
        error = f"Too many failed sign-ins for this username: wait {LOCKOUT.seconds // 60} minutes, or ask an admin."
        return signin.page(next_url=next_url, username=username, error=error, public=public)
    user = users.authenticate(engine, username=username, password=request.form.get("password", "")[:1000])
    if user is None:
        audit.record(engine, username=_key(username), action=audit.SIGN_IN_FAILED)
        error = "That username and password do not match an account."
        return signin.page(next_url=next_url, username=username, error=error, public=public)
    session.clear()
    login_user(SignedIn(user))
    session.permanent = True
    session[SIGNED_IN_AT] = time.time()
    audit.record(services().engine, username=user.username, action=audit.SIGN_IN, detail=f"role {user.role}")
    return redirect(next_url)


def _key(username: str) -> str:
    """A typed username as the audit log keys it (sign-in ignores case)."""
    return username.strip().lower()[:120]


def _locked_out(username: str) -> bool:
    """Too many recent failures for this username (counted in the audit log, so every worker agrees)."""
    since = datetime.now(UTC) - LOCKOUT
    failures = audit.count_since(services().engine, username=_key(username), action=audit.SIGN_IN_FAILED, since=since)
    return failures >= MAX_FAILURES


def logout() -> Any:
    if current_user.is_authenticated:
        audit.record(services().engine, username=str(current_user.get_id()), action=audit.SIGN_OUT)
    logout_user()
    session.clear()
    return redirect("/login?signed_out=1")
