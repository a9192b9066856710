"""Sign-in: the form, failures, expiry, sign-out, the gate on pages and Dash requests, and the secret key."""

from __future__ import annotations

import logging
import time

import pytest

from callbacks import auth
from dashboard import audit
from tests.web import (
    PASSWORD,
    USERS,
    auth_app,
    layout_text,
    page_content,
    post_callback,
    sign_in,
    view_callback,
    web_client,
)

TRENDS = ("measure-trend", "figure")


@pytest.fixture
def app(secure_store):
    return auth_app(secure_store)


@pytest.fixture
def client(app):
    return web_client(app)


def test_sign_in_page_is_a_plain_form(client):
    page = client.get("/login?next=/data")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'method="post"' in html and 'name="password"' in html and 'value="/data"' in html
    assert "/assets/vendor/bootstrap/bootstrap.min.css" in html


def test_sign_in_goes_to_the_page_asked_for_and_shows_who(client):
    response = client.post(
        "/login", data={"username": USERS["analyst"], "password": PASSWORD, "next": "/measure/REC01?area=E06000059"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/measure/REC01?area=E06000059"
    layout = layout_text(client)
    assert f"Signed in as {USERS['analyst']} (analyst)" in layout and "/logout" in layout


def test_username_is_not_case_sensitive(client):
    response = client.post("/login", data={"username": USERS["viewer"].upper(), "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("username", "password"),
    [(USERS["viewer"], "wrong password, sorry"), ("nobody-here", PASSWORD), ("", ""), ("x" * 5000, "y" * 5000)],
)
def test_a_failed_sign_in_says_so_and_lets_nobody_in(client, username, password):
    page = client.post("/login", data={"username": username, "password": password})
    assert page.status_code == 200 and "do not match an account" in page.get_data(as_text=True)
    assert client.get("/_dash-layout").status_code == 401


def test_a_failed_sign_in_escapes_what_was_typed(client):
    page = client.post("/login", data={"username": "<script>alert(1)</script>", "password": "x"})
    html = page.get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"])
def test_next_never_leaves_the_site(client, target):
    response = client.post("/login", data={"username": USERS["viewer"], "password": PASSWORD, "next": target})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    ("target", "expected"),
    [("/data?measure=REC01", "/data?measure=REC01"), ("", "/"), (None, "/"), ("http://x/", "/"), ("//x", "/")],
)
def test_safe_next(target, expected):
    assert auth.safe_next(target) == expected


@pytest.mark.parametrize(
    "path", ["/", "/measure/REC01?area=E06000059", "/data", "/upload", "/audit", "/present", "/login-not", "/assets"]
)
def test_anonymous_pages_redirect_to_sign_in_with_next(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    follow = client.get(response.headers["Location"])
    assert "Sign in to Pathways" in follow.get_data(as_text=True)


def test_anonymous_dash_requests_get_401(client):
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/_dash-dependencies").status_code == 401
    assert post_callback(client, view_callback(TRENDS, {"measure": "REC01"})).status_code == 401
    assert post_callback(client, page_content("/")).status_code == 401


@pytest.mark.parametrize("path", ["/assets/app.css", "/assets/vendor/bootstrap/bootstrap.min.css", "/login"])
def test_static_files_and_the_sign_in_page_are_open(client, path):
    assert client.get(path).status_code == 200


def test_sign_out_ends_the_session(client):
    sign_in(client, "viewer")
    assert client.get("/_dash-layout").status_code == 200
    response = client.get("/logout")
    assert response.status_code == 302 and "signed_out" in response.headers["Location"]
    assert "You have signed out" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/").status_code == 302


def test_a_session_expires(client, app):
    sign_in(client, "viewer")
    minutes = app.server.extensions["pathways"].settings.session_minutes
    with client.session_transaction() as session:
        session[auth.SIGNED_IN_AT] = time.time() - minutes * 60 - 1
    assert post_callback(client, view_callback(TRENDS, {"measure": "REC01"})).status_code == 401
    sign_in(client, "viewer")
    with client.session_transaction() as session:
        session[auth.SIGNED_IN_AT] = time.time() - minutes * 60 - 1
    response = client.get("/data")
    assert response.status_code == 302 and "expired=1" in response.headers["Location"]
    assert "session expired" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_session_without_a_sign_in_time_is_not_trusted(client):
    sign_in(client, "viewer")
    with client.session_transaction() as session:
        session.pop(auth.SIGNED_IN_AT)
    assert client.get("/_dash-layout").status_code == 401


def test_a_removed_user_is_signed_out_and_a_role_change_applies_at_once(client, secure_store):
    from dashboard import users

    sign_in(client, "admin")
    assert "Audit log" in layout_text(client)
    users.set_role(secure_store, username=USERS["admin"], role="viewer")
    assert "Audit log" not in layout_text(client)
    users.remove(secure_store, username=USERS["admin"])
    assert client.get("/_dash-layout").status_code == 401


def test_sessions_are_signed_with_the_configured_key(secure_store):
    assert auth_app(secure_store).server.secret_key == "test-secret"


def test_without_a_key_each_process_gets_a_random_one_and_a_warning(secure_store, caplog):
    with caplog.at_level(logging.WARNING, logger="pathways"):
        first = auth_app(secure_store, secret_key="").server.secret_key
        second = auth_app(secure_store, secret_key="").server.secret_key
    assert first and second and first != second
    assert "PATHWAYS_SECRET_KEY is not set" in caplog.text


def test_sign_in_off_lets_everyone_in_as_a_local_admin(secure_store):
    client = web_client(auth_app(secure_store, auth=False))
    assert client.get("/").status_code == 200
    layout = layout_text(client)
    assert "Sign-in off (local demo)" in layout and "Upload" in layout
    assert client.get("/login").headers["Location"] == "/"  # nobody to sign in as


def test_public_mode_lets_anonymous_visitors_browse(secure_store):
    client = web_client(auth_app(secure_store, public=True))
    assert client.get("/").status_code == 200
    layout = layout_text(client)
    assert "Sign in" in layout and "Signed in as" not in layout and "Audit log" not in layout
    assert post_callback(client, view_callback(TRENDS, {"measure": "REC01"})).status_code == 200


def test_sign_in_and_out_are_audited(client, secure_store):
    client.post("/login", data={"username": USERS["viewer"], "password": "not the password"})
    sign_in(client, "viewer")
    client.get("/logout")
    log = audit.recent(secure_store)
    assert list(log["action"])[:3] == [audit.SIGN_OUT, audit.SIGN_IN, audit.SIGN_IN_FAILED]
    assert set(log["username"][:3]) == {USERS["viewer"]}
    assert PASSWORD not in " ".join(log["detail"])


def test_repeated_failures_lock_the_username_for_a_while(client, secure_store):
    for _ in range(auth.MAX_FAILURES):
        client.post("/login", data={"username": USERS["viewer"].upper(), "password": "guessing, guessing"})
    refused = client.post("/login", data={"username": USERS["viewer"], "password": PASSWORD})
    assert refused.status_code == 200 and "Too many failed sign-ins" in refused.get_data(as_text=True)
    assert client.get("/_dash-layout").status_code == 401
    sign_in(client, "analyst")  # other people are not locked out
    assert audit.recent(secure_store)["detail"].str.contains("too many failures").any()
