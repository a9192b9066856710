"""Web hardening for the Flask server under the dashboard: security headers, a CSP, cookie flags, CSRF by origin.

    install(app.server, script_hashes=app.csp_hashes, secure_cookies=True)

Flask only (no Dash): `script_hashes` is any callable returning the CSP hashes of the page's inline scripts
(Dash's `app.csp_hashes`); it is called on the first response, after every callback has been registered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cache
from urllib.parse import urlsplit

from flask import Flask, Response, request

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CROSS_SITE_MESSAGE = (
    "Refused: this request did not come from a Pathways page on this site, so nothing was changed. "
    "If you were using Pathways, reload the page and try again."
)


def content_security_policy(script_hashes: Iterable[str], *, allow_eval: bool = False) -> str:
    """Our own origin only, no CDN; inline scripts only when their hash is listed (Dash's renderer start-up)."""
    scripts = ["'self'", *script_hashes] + (["'unsafe-eval'"] if allow_eval else [])
    directives = {
        "default-src": ["'self'"],
        "script-src": scripts,
        "style-src": ["'self'", "'unsafe-inline'"],  # plotly.js sets styles on the elements it draws
        "img-src": ["'self'", "data:", "blob:"],  # plotly's PNG download and inline SVG icons
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def _host_of(url: str) -> str:
    """`host[:port]` of an origin or URL, lower case; empty for `null` or anything without a scheme and host."""
    parts = urlsplit(url.strip())
    return parts.netloc.lower() if parts.scheme in ("http", "https") and parts.netloc else ""


def is_same_origin(origin: str | None, referer: str | None, host: str, trusted: Sequence[str] = ()) -> bool:
    """True when the request's Origin (or, without one, its Referer) names this host or a trusted origin.

    The scheme is not compared, so a TLS-terminating proxy that keeps the Host header needs no setting; one that
    rewrites it lists the public origin in PATHWAYS_TRUSTED_ORIGINS. A request with neither header, or with
    `Origin: null` (sandboxed frames, some redirects), is not trusted."""
    source = _host_of(origin) if origin else _host_of(referer or "")
    allowed = {host.lower(), *(_host_of(t) for t in trusted)} - {""}
    return bool(source) and source in allowed


def install(
    server: Flask,
    *,
    script_hashes: Callable[[], Sequence[str]],
    secure_cookies: bool,
    trusted_origins: Sequence[str] = (),
    allow_eval: bool = False,
) -> None:
    """Headers on every response, cookie flags, and refusal of cross-site state-changing requests."""
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,  # flask-login's remember-me cookie, when sign-in is on
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure_cookies,
    )

    @cache
    def policy() -> str:
        return content_security_policy(script_hashes(), allow_eval=allow_eval)

    @server.before_request
    def refuse_cross_site() -> Response | None:
        if request.method not in UNSAFE_METHODS:
            return None
        if is_same_origin(request.headers.get("Origin"), request.headers.get("Referer"), request.host, trusted_origins):
            return None
        return Response(CROSS_SITE_MESSAGE, status=403, mimetype="text/plain")

    @server.after_request
    def add_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = policy()
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response
