"""Helpers for tests that talk to the app as a browser would: users, sign-in, and Dash's callback requests."""

from __future__ import annotations

import json
from typing import Any

from dash import Dash
from flask.testing import FlaskClient
from sqlalchemy import Engine

from app import create_app
from dashboard import users
from dashboard.config import Settings
from layouts import ids

PASSWORD = "correct horse battery"
SAME_SITE = {"Origin": "http://localhost"}  # what a browser sends with a POST from one of the site's own pages
USERS = {"viewer": "board1", "analyst": "analyst1", "admin": "officer1"}  # role -> username


def add_users(engine: Engine) -> None:
    for role, name in USERS.items():
        users.add(engine, username=name, password=PASSWORD, role=role)


class SameOriginClient(FlaskClient):
    """A test client whose requests come from the site's own pages, as a browser's do (the origin check refuses
    state-changing requests without an Origin; tests of that check make their own requests)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_ORIGIN"] = SAME_SITE["Origin"]


def auth_app(engine: Engine, **settings: Any) -> Dash:
    """The app with sign-in on (unless `settings` say otherwise) and a fixed secret key."""
    url = engine.url.render_as_string(hide_password=False)
    app = create_app(Settings(database_url=url, **{"secret_key": "test-secret", **settings}))
    app.server.test_client_class = SameOriginClient
    return app


def web_client(app: Dash) -> Any:
    """A test client whose requests say they come from the site's own pages (the Origin header a browser sends),
    as a request-origin check expects of every POST."""
    app.server.test_client_class = SameOriginClient
    return app.server.test_client()


def dispose(app: Dash) -> None:
    """Close the app's pooled store connections (PostgreSQL allows only so many clients at once)."""
    app.server.extensions["pathways"].engine.dispose()


def sign_in(client: Any, role: str) -> Any:
    response = client.post(
        "/login", data={"username": USERS[role], "password": PASSWORD, "next": "/"}, headers=SAME_SITE
    )
    assert response.status_code == 302, response.data[:300]
    return response


def callback_body(outputs: list[tuple[str, str]], inputs: list[tuple[str, str, Any]]) -> dict[str, Any]:
    """The JSON Dash's renderer posts to /_dash-update-component for a callback."""
    if len(outputs) == 1:
        output: Any = f"{outputs[0][0]}.{outputs[0][1]}"
        described: Any = {"id": outputs[0][0], "property": outputs[0][1]}
    else:
        output = ".." + "...".join(f"{i}.{p}" for i, p in outputs) + ".."
        described = [{"id": i, "property": p} for i, p in outputs]
    return {
        "output": output,
        "outputs": described,
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"],
        "state": [],
    }


def view_callback(output: tuple[str, str] | list[tuple[str, str]], view: dict[str, Any]) -> dict[str, Any]:
    """A page callback driven by the page's view store (most of them)."""
    outputs = output if isinstance(output, list) else [output]
    return callback_body(outputs, [(ids.VIEW, "data", view)])


def page_content(pathname: str, search: str = "") -> dict[str, Any]:
    """Dash pages' own callback: the layout of the page at `pathname`."""
    return callback_body(
        [("_pages_content", "children"), ("_pages_store", "data")],
        [("_pages_location", "pathname", pathname), ("_pages_location", "search", search)],
    )


def layout_text(client: Any) -> str:
    """The app's layout (navbar and all) as text, with Dash's JSON escapes undone."""
    response = client.get("/_dash-layout")
    assert response.status_code == 200, response.status_code
    return json.dumps(response.get_json(), ensure_ascii=False)


def response_text(response: Any) -> str:
    """A callback's response as text, with Dash's JSON escapes undone."""
    return json.dumps(response.get_json(), ensure_ascii=False)


def post_callback(client: Any, body: dict[str, Any]) -> Any:
    return client.post("/_dash-update-component", json=body, headers=SAME_SITE)
