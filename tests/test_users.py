from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from dashboard import store, users
from dashboard.cli import main

PASSWORD = "correct horse battery"


def test_add_authenticate_set_role_remove(engine):
    users.add(engine, username="Chair@Dorset", password=PASSWORD, role="viewer")
    assert users.authenticate(engine, username="chair@dorset", password=PASSWORD) == users.User(
        "chair@dorset", "viewer"
    )
    assert users.authenticate(engine, username="chair@dorset", password="wrong password!!") is None
    assert users.authenticate(engine, username="nobody", password=PASSWORD) is None
    users.set_role(engine, username="chair@dorset", role="admin")
    assert users.list_users(engine) == [users.User("chair@dorset", "admin")]
    users.remove(engine, username="chair@dorset")
    assert users.list_users(engine) == []


def test_passwords_are_stored_hashed(engine):
    users.add(engine, username="analyst", password=PASSWORD, role="analyst")
    with engine.connect() as conn:
        stored = conn.execute(select(store.users.c.password_hash)).scalar()
    assert PASSWORD not in stored and stored.startswith("scrypt:")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"username": "x", "password": PASSWORD, "role": "viewer"}, "2–80 characters"),
        ({"username": "ok-name", "password": "short", "role": "viewer"}, "at least 12"),
        ({"username": "ok-name", "password": PASSWORD, "role": "god"}, "role must be one of"),
        ({"username": "'; drop table users; --", "password": PASSWORD, "role": "viewer"}, "2–80 characters"),
    ],
)
def test_bad_user_changes_are_refused_and_change_nothing(engine, kwargs, message):
    with pytest.raises(users.UserError, match=message):
        users.add(engine, **kwargs)
    assert users.list_users(engine) == []


def test_duplicate_and_unknown_users(engine):
    users.add(engine, username="viewer1", password=PASSWORD, role="viewer")
    with pytest.raises(users.UserError, match="already exists"):
        users.add(engine, username="VIEWER1", password=PASSWORD, role="admin")
    with pytest.raises(users.UserError, match="no user"):
        users.remove(engine, username="ghost")
    with pytest.raises(users.UserError, match="no user"):
        users.set_role(engine, username="ghost", role="admin")


def test_users_command_line(engine, store_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", store_url)
    runner = CliRunner()
    added = runner.invoke(
        main, ["users", "add", "officer", "--role", "admin", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert added.exit_code == 0 and "Added officer (admin)" in added.output
    assert "officer\tadmin" in runner.invoke(main, ["users", "list"]).output
    assert runner.invoke(main, ["users", "set-role", "officer", "viewer"]).exit_code == 0
    refused = runner.invoke(main, ["users", "add", "x", "--role", "viewer", "--password-stdin"], input="short\n")
    assert refused.exit_code == 2 and "Error:" in refused.output
    assert runner.invoke(main, ["users", "remove", "officer"]).exit_code == 0
