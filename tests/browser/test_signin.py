"""Signing in through the real form in a real browser, then the overview."""

from __future__ import annotations

import pytest
from selenium.webdriver.support.ui import Select

from app import create_app
from dashboard.config import Settings
from layouts import ids
from layouts.components import dom_id, filter_id
from tests.browser.conftest import fixture_store
from tests.web import PASSWORD, USERS

pytestmark = pytest.mark.browser


@pytest.fixture
def signin_app(tmp_path):
    url = fixture_store(tmp_path / "signin.db", users=True)
    return create_app(Settings(database_url=url, secret_key="browser-test"))


def test_sign_in_through_the_form_and_see_the_overview(dash_duo, signin_app):
    dash_duo.start_server(signin_app, navigate=False)
    driver = dash_duo.driver
    driver.get(dash_duo.server.url.rstrip("/") + "/")  # navigate=False: the sign-in page is not a Dash page
    dash_duo.wait_for_element("#username", timeout=20)
    assert "/login?next=" in driver.current_url
    dash_duo.find_element("#username").send_keys(USERS["viewer"])
    dash_duo.find_element("#password").send_keys(PASSWORD)
    dash_duo.find_element("#sign-in").click()
    dash_duo.wait_for_contains_text(f"#{ids.OVERVIEW_TILES}", "Domestic abuse", timeout=30)
    assert f"Signed in as {USERS['viewer']} (viewer)" in dash_duo.find_element(f"#{ids.NAV_USER}").text
    assert [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"] == []
    dash_duo.find_element(f"#{ids.NAV_SIGN_OUT}").click()
    dash_duo.wait_for_contains_text("#sign-in-notice", "You have signed out", timeout=20)


def test_a_page_whose_sign_in_ended_goes_back_to_the_sign_in_page(dash_duo, signin_app):
    """assets/session.js: Dash's requests get 401 once the session is gone, and the page reloads to sign in."""
    dash_duo.start_server(signin_app, navigate=False)
    driver = dash_duo.driver
    driver.get(dash_duo.server.url.rstrip("/") + "/login?next=/data")
    dash_duo.find_element("#username").send_keys(USERS["analyst"])
    dash_duo.find_element("#password").send_keys(PASSWORD)
    dash_duo.find_element("#sign-in").click()
    area = f"select[id='{dom_id(filter_id('area'))}']"
    dash_duo.wait_for_element(area, timeout=30)
    driver.delete_all_cookies()  # as if the session had expired
    Select(dash_duo.find_element(area)).select_by_value("E06000059")
    dash_duo.wait_for_element("#username", timeout=20)
    assert "/login?next=" in driver.current_url
