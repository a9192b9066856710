"""The audit log: record() and recent(), and what the app and the command line write to it."""

from __future__ import annotations

import json
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from flask_login import login_user

from callbacks import notes as notes_cb
from callbacks.auth import SignedIn
from dashboard import audit, queries, users
from dashboard.cli import main
from layouts import audit_page, ids
from tests.web import PASSWORD, USERS, auth_app, page_content, post_callback, response_text, sign_in, web_client


def test_record_and_recent_newest_first(engine):
    audit.record(engine, username="officer1", action="export", detail="board pack 2024-Q4")
    audit.record(engine, username="officer1", action=audit.IMPORT, detail="return.csv: loaded")
    log = audit.recent(engine)
    assert list(log["action"]) == [audit.IMPORT, "export"]
    assert list(log.columns) == ["id", "at", "username", "action", "detail"]


def test_an_entry_cannot_forge_lines_or_grow_without_bound(engine):
    audit.record(engine, username="eve\nadmin", action=audit.SIGN_IN_FAILED, detail="x" * 10_000 + "\r\n")
    entry = audit.recent(engine).iloc[0]
    assert "\n" not in entry["username"] and len(entry["detail"]) == audit.MAX_DETAIL


@contextmanager
def _as(app, role):
    with app.server.test_request_context("/measure/REC01"):
        login_user(SignedIn(users.User(USERS[role], role)))
        yield


def _text(component) -> str:
    return json.dumps(component, default=lambda c: c.to_plotly_json(), ensure_ascii=False)


def test_commentary_changes_are_audited_with_their_author(secure_store):
    app = auth_app(secure_store)
    view = {"measure": "REC01"}
    with _as(app, "analyst"):
        notes_cb.save_note(view, "2023-Q4", "New provider", None, 0)
        [note] = queries.commentary(secure_store, measure="REC01").itertuples()
        notes_cb.save_note(view, "2024-Q1", "Provider changed again", int(note.id), 1)
        notes_cb.delete_note(view, int(note.id), 2)
    log = audit.recent(secure_store)
    assert list(log["action"]) == [audit.NOTE_DELETE, audit.NOTE_EDIT, audit.NOTE_ADD]
    assert set(log["username"]) == {USERS["analyst"]}
    assert "REC01 2023-Q4: New provider" in list(log["detail"])[2]


def test_viewers_cannot_change_commentary(secure_store):
    app = auth_app(secure_store)
    with _as(app, "viewer"):
        feedback, refresh, *_ = notes_cb.save_note({"measure": "REC01"}, "2023-Q4", "Board note", None, 0)
    assert "analyst or admin" in _text(feedback)
    assert queries.commentary(secure_store, measure="REC01").empty and audit.recent(secure_store).empty


@pytest.mark.parametrize(("role", "form"), [("viewer", False), ("analyst", True), ("admin", True)])
def test_the_commentary_form_is_offered_to_those_who_may_use_it(secure_store, role, form):
    client = web_client(auth_app(secure_store))
    sign_in(client, role)
    page = response_text(post_callback(client, page_content("/measure/REC01")))
    assert (ids.NOTE_SAVE in page) is form and ids.NOTE_LIST in page


def test_user_changes_from_the_command_line_are_audited(engine, store_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", store_url)
    runner = CliRunner()
    runner.invoke(main, ["users", "add", "officer", "--role", "admin", "--password-stdin"], input=PASSWORD + "\n")
    runner.invoke(main, ["users", "set-role", "officer", "viewer"])
    runner.invoke(main, ["users", "remove", "officer"])
    runner.invoke(main, ["users", "remove", "ghost"])  # refused: nothing happened, nothing recorded
    log = audit.recent(engine)
    assert list(log["action"]) == [audit.USER_REMOVE, audit.USER_SET_ROLE, audit.USER_ADD]
    assert all(name.startswith("cli") for name in log["username"])
    assert list(log["detail"]) == ["officer", "officer is now viewer", "officer as admin"]


def test_imports_from_the_command_line_are_audited(engine, store_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", store_url)
    path = tmp_path / "return.csv"
    path.write_text("measure,area,period,cohort,value\nMH01,E23000039,2024-Q4,all,30\n", encoding="utf-8")
    CliRunner().invoke(main, ["import", str(path), "--dry-run"])
    assert audit.recent(engine).empty  # a dry run changes nothing
    CliRunner().invoke(main, ["import", str(path)])
    assert "return.csv: loaded, 1 loaded" in audit.recent(engine)["detail"].iloc[0]


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_only_admins_see_the_audit_page(secure_store, role):
    client = web_client(auth_app(secure_store))
    client.post("/login", data={"username": USERS[role], "password": "wrong password here"})
    sign_in(client, role)
    page = response_text(post_callback(client, page_content("/audit")))
    assert "You need the admin role" in page and audit.SIGN_IN_FAILED not in page


def test_admins_see_the_audit_log_newest_first(secure_store):
    app = auth_app(secure_store)
    client = web_client(app)
    client.post("/login", data={"username": "intruder", "password": "guess guess guess"})
    sign_in(client, "admin")
    page = response_text(post_callback(client, page_content("/audit")))
    assert page.index(f'"{audit.SIGN_IN}"') < page.index(f'"{audit.SIGN_IN_FAILED}"') and "intruder" in page
    with _as(app, "admin"):
        assert "When (UTC)" in _text(audit_page.layout())
