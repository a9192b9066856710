"""Presentation mode in the browser: keys move between themes, Esc leaves, the type is large."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from layouts import ids

pytestmark = pytest.mark.browser
TITLE = f"#{ids.PRESENT_TITLE}"


def _press(dash_duo, key: str) -> None:
    ActionChains(dash_duo.driver).send_keys(key).perform()


def test_arrow_keys_move_between_themes_and_escape_leaves(dash_duo, browser_app):
    dash_duo.start_server(browser_app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/present?theme=youth&to=2023-Q4")
    dash_duo.wait_for_text_to_equal(TITLE, "Youth", timeout=20)
    assert dash_duo.driver.title == "Presentation · Pathways"
    assert not dash_duo.driver.find_element("css selector", ".site-nav").is_displayed()

    _press(dash_duo, Keys.ARROW_RIGHT)
    dash_duo.wait_for_text_to_equal(TITLE, "Education, training and employment", timeout=20)
    assert dash_duo.driver.current_url.endswith("/present?theme=ete&to=2023-Q4")

    _press(dash_duo, Keys.ARROW_LEFT)
    dash_duo.wait_for_text_to_equal(TITLE, "Youth", timeout=20)
    assert dash_duo.driver.current_url.endswith("/present?theme=youth&to=2023-Q4")

    _press(dash_duo, Keys.SPACE)
    dash_duo.wait_for_text_to_equal(TITLE, "Education, training and employment", timeout=20)

    _press(dash_duo, Keys.ESCAPE)
    dash_duo.wait_for_contains_text(f"#{ids.OVERVIEW_TILES}", "Domestic abuse", timeout=20)
    assert dash_duo.driver.current_url == f"{dash_duo.server_url}/?to=2023-Q4"
    assert dash_duo.driver.find_element("css selector", ".site-nav").is_displayed()
    assert [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"] == []


def test_presentation_type_is_large_on_a_1080p_screen(dash_duo, browser_app):
    dash_duo.start_server(browser_app)
    dash_duo.driver.set_window_size(1920, 1080)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/present?theme=reconvictions")
    dash_duo.wait_for_contains_text(".present-sentence", "Adult reoffending", timeout=20)
    size = dash_duo.driver.execute_script
    for selector in (f"#{ids.PRESENT}", ".present-context", ".present-sentence", ".present-status .change-text"):
        px = float(size(f"return getComputedStyle(document.querySelector({selector!r})).fontSize").removesuffix("px"))
        assert px >= 24, (selector, px)
    assert dash_duo.find_element(".present-graph .main-svg")
