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


@pytest.fixture
def browser_app(tmp_path):
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    engine = store.make_engine(url)
    store.upgrade(engine)
    with engine.begin() as conn:
        sync_catalogue(conn, load_catalogue())
        load_fixture_observations(conn)
    engine.dispose()
    return create_app(Settings(database_url=url, auth=False, secure_cookies=False, jobs_dir=str(tmp_path / "jobs")))
