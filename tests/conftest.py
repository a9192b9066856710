"""Fixtures: stores built from code, on SQLite always and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text

from dashboard import store
from dashboard.catalogue import load_catalogue, sync_catalogue
from tests.fixtures import load_fixture_observations

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(autouse=True)
def _engines_closed_after_each_test(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every engine a test makes — each app makes its own — is disposed after it, so its pooled connections close:
    PostgreSQL allows only so many clients, and a suite that builds hundreds of apps would run out."""
    made: list[Engine] = []
    make = store.make_engine

    def tracked(url: str) -> Engine:
        engine = make(url)
        made.append(engine)
        return engine

    monkeypatch.setattr(store, "make_engine", tracked)
    yield
    for engine in made:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A URL to an empty store: a fresh SQLite file, or a fresh PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'pathways.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def empty_engine(store_url: str) -> Iterator[Engine]:
    engine = store.make_engine(store_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    """A migrated store holding the catalogue and no observations."""
    store.upgrade(empty_engine)
    with empty_engine.begin() as conn:
        sync_catalogue(conn, load_catalogue())
    return empty_engine


@pytest.fixture
def small_store(engine: Engine) -> Engine:
    """The catalogue plus a small, readable set of observations (tests/fixtures.py)."""
    with engine.begin() as conn:
        load_fixture_observations(conn)
    return engine


@pytest.fixture
def secure_store(small_store: Engine) -> Engine:
    """The small store plus a restricted measure's data (tests/fixtures.py) and a user of each role."""
    from tests.fixtures import load_restricted_observations
    from tests.web import add_users

    with small_store.begin() as conn:
        load_restricted_observations(conn)
    add_users(small_store)
    return small_store
