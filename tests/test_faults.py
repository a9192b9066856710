"""Faults: the store unreachable (a 503 page that retries, then recovery without a restart), Redis unreachable
(the app carries on uncached), and an import killed midway (the store exactly as before)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from app import create_app
from dashboard import web_faults
from dashboard.config import ROOT, Settings
from tests.fingerprint import fingerprint
from tests.tcp_forwarder import Forwarder
from tests.web import dispose

ORIGIN = {"Origin": "http://localhost"}
TILES = {
    "output": "overview-tiles.children",
    "outputs": {"id": "overview-tiles", "property": "children"},
    "inputs": [{"id": "view-state", "property": "data", "value": {}}],
    "changedPropIds": ["view-state.data"],
    "state": [],
}


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _assert_unavailable(client) -> None:
    page = client.get("/measure/REC01")
    body = page.get_data(as_text=True)
    assert page.status_code == 503 and page.headers["Retry-After"] == "10"
    assert web_faults.MESSAGE in body and '<meta http-equiv="refresh" content="10">' in body
    assert "Traceback" not in body and "sqlalchemy" not in body.lower()
    callback = client.post("/_dash-update-component", json=TILES, headers=ORIGIN)
    assert callback.status_code == 503 and callback.get_json()["error"] == "store_unavailable"
    assert client.get("/_dash-layout").status_code == 503


def _assert_serving(client) -> None:
    assert client.get("/measure/REC01").status_code == 200
    assert client.get("/_dash-layout").status_code == 200
    callback = client.post("/_dash-update-component", json=TILES, headers=ORIGIN)
    assert callback.status_code == 200 and "Reconvictions" in callback.get_data(as_text=True)


def _sqlite_outage(small_store, tmp_path) -> None:
    """The folder (a network share, say) holding the store is gone when the app starts, then comes back."""
    away = tmp_path / "share" / "pathways.db"
    app = create_app(Settings(database_url=f"sqlite:///{away}", auth=False))
    shutil.rmtree(away.parent)
    client = app.server.test_client()
    _assert_unavailable(client)
    away.parent.mkdir()
    with small_store.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # everything into the main file, then copy it
    shutil.copy(small_store.url.database, away)
    _assert_serving_soon(client)


def _postgres_outage(small_store) -> None:
    """The database server goes away under a running app (connections cut, new ones refused), then returns."""
    url = small_store.url
    proxy = Forwarder((url.host or "127.0.0.1", url.port or 5432)).start()
    app = create_app(
        Settings(
            database_url=url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False), auth=False
        )
    )
    client = app.server.test_client()
    try:
        _assert_serving(client)
        proxy.stop()
        time.sleep(1.1)  # the data version, which every page reads, is cached for a second
        _assert_unavailable(client)
        proxy.start()
        _assert_serving_soon(client)
    finally:
        proxy.stop()
        dispose(app)


def _assert_serving_soon(client) -> None:
    time.sleep(1.1)  # the data version is re-read at most once a second
    _assert_serving(client)


def test_store_unreachable_gives_a_503_page_that_recovers_by_itself(small_store, tmp_path):
    if small_store.dialect.name == "sqlite":
        _sqlite_outage(small_store, tmp_path)
    else:
        _postgres_outage(small_store)


def test_redis_unreachable_the_app_carries_on_without_the_cache(small_store):
    app = create_app(Settings(database_url=_url(small_store), redis_url="redis://127.0.0.1:1/0", auth=False))
    client = app.server.test_client()
    assert client.get("/").status_code == 200
    _assert_serving(client)
    _assert_serving(client)  # and again: nothing was (or could be) cached, nothing broke
    dispose(app)


# --- an import killed midway ------------------------------------------------------------------------------

BIG_ROWS = 200_000


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    """A large, clean return (scripts/make_import_file.py), so the write takes long enough to be interrupted."""
    path = tmp_path_factory.mktemp("big") / "big-return.csv"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_import_file.py"), str(BIG_ROWS), str(path)],
        check=True,
        capture_output=True,
    )
    return path


def _writing(engine, marker: str) -> bool:
    """Whether the import process is inside its write: on SQLite its transaction has spilled pages into the WAL;
    on PostgreSQL its connection (named `marker`) is copying or inserting observations."""
    if engine.dialect.name == "sqlite":
        wal = Path(f"{engine.url.database}-wal")
        return wal.exists() and wal.stat().st_size > 1_000_000
    with engine.connect() as conn:
        return bool(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name AND state = 'active'"
                    " AND (query ILIKE 'COPY observations%' OR query ILIKE 'INSERT INTO observations%')"
                ),
                {"name": marker},
            ).scalar()
        )


def _start_import(engine, path: Path, marker: str) -> subprocess.Popen[bytes]:
    url = engine.url
    if engine.dialect.name == "postgresql":
        url = url.update_query_dict({"application_name": marker})
    env = {**os.environ, "DATABASE_URL": url.render_as_string(hide_password=False)}
    return subprocess.Popen(
        [sys.executable, "-m", "dashboard", "import", str(path)], cwd=ROOT, env=env, stdout=subprocess.PIPE
    )


def test_an_import_killed_midway_leaves_the_store_exactly_as_before(small_store, big_file):
    if small_store.dialect.name == "sqlite":
        with small_store.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # an empty WAL: its growth marks the write
    before = fingerprint(small_store)
    marker = f"pathways-import-{uuid.uuid4().hex[:8]}"
    proc = _start_import(small_store, big_file, marker)
    while not _writing(small_store, marker):
        assert proc.poll() is None, "the import finished before it could be interrupted: make the file bigger"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    small_store.dispose()  # read afresh, as the next process would
    assert fingerprint(small_store) == before
    again = _start_import(small_store, big_file, marker)
    output, _ = again.communicate(timeout=300)
    assert again.returncode == 0, output
    new, updated = (int(n.replace(",", "")) for n in re.findall(r"([\d,]+) (?:new|updated)", output.decode()))
    assert new + updated == BIG_ROWS  # a few keys overlap the fixture's observations
    assert fingerprint(small_store)["observations"][0] == before["observations"][0] + new
