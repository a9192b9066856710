"""Browser tests: the real app in headless Chromium (dash_duo), over a small SQLite store built from code."""

from __future__ import annotations

import shutil

import pytest
from selenium.webdriver.chrome.options import Options

from app import create_app
from dashboard import store
from dashboard.catalogue import load_catalogue, sync_catalogue
from dashboard.config import Settings
from tests.fixtures import load_fixture_observations

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def pytest_setup_options() -> Options:
    """Chromium flags for a closed network: no background calls, no first-run, no sandbox as root."""
    options = Options()
    options.binary_location = CHROMIUM
    for flag in (
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,1000",
    ):
        options.add_argument(flag)
    return options


def fixture_store(path, *, users: bool = False) -> str:
    """A SQLite store at `path` with the catalogue and the fixture observations (and a user of each role)."""
    url = f"sqlite:///{path}"
    engine = store.make_engine(url)
    store.upgrade(engine)
    with engine.begin() as conn:
        sync_catalogue(conn, load_catalogue())
        load_fixture_observations(conn)
    if users:
        from tests.web import add_users

        add_users(engine)
    engine.dispose()
    return url


@pytest.fixture
def browser_app(tmp_path):
    url = fixture_store(tmp_path / "browser.db")
    return create_app(Settings(database_url=url, auth=False, secure_cookies=False, jobs_dir=str(tmp_path / "jobs")))
