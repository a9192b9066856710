"""When the store cannot be reached: a clear 503 page that retries by itself, never a stack trace.

    install(app.server, probe=services.data_version)

Pages get a short HTML page that reloads every RETRY_SECONDS (a meta refresh, so no script is needed under the
CSP); Dash's JSON requests (layout and callbacks) get a 503 JSON body the renderer can carry on after. Nothing
is held open: the next request after the store returns is served normally, without a restart.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable

from flask import Flask, Response, request
from sqlalchemy.exc import DBAPIError

RETRY_SECONDS = 10
MESSAGE = "The data store cannot be reached; this page will retry"
_PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="{retry}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pathways · data store unavailable</title>
</head>
<body>
<main>
<h1>Pathways</h1>
<p role="alert">{message} every {retry} seconds.</p>
<p>Nothing needs to be done on this screen; when the store is back the page reloads by itself.</p>
</main>
</body>
</html>
"""
# Requests that are not pages: Dash's JSON endpoints, assets, the favicon.
_NOT_PAGES = ("/_dash", "/_reload", "/_favicon", "/assets/")


def unavailable_response(wants_html: bool) -> Response:
    if wants_html:
        body = _PAGE.format(message=html.escape(MESSAGE), retry=RETRY_SECONDS)
        response = Response(body, status=503, mimetype="text/html")
    else:
        payload = {"error": "store_unavailable", "message": f"{MESSAGE} in {RETRY_SECONDS} seconds."}
        response = Response(json.dumps(payload), status=503, mimetype="application/json")
    response.headers["Retry-After"] = str(RETRY_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def _is_page_request() -> bool:
    return request.method == "GET" and not request.path.startswith(_NOT_PAGES)


def install(server: Flask, *, probe: Callable[[], object]) -> None:
    """A 503 for any database error; pages first `probe()` the store (cheap: it is re-read at most once a second),
    so a page never starts loading only for its parts to fail."""

    @server.errorhandler(DBAPIError)
    def store_unavailable(exc: DBAPIError) -> Response:
        server.logger.error("data store error on %s %s: %s", request.method, request.path, exc.orig or exc)
        return unavailable_response(_is_page_request())

    @server.before_request
    def check_store() -> None:
        if _is_page_request():
            probe()
