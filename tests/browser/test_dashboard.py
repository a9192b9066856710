"""Few, real browser tests: load, filter, drill, URL round-trip, bad URL."""

from __future__ import annotations

import json

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from layouts import ids
from layouts.components import dom_id, filter_id

pytestmark = pytest.mark.browser
THEMES = [
    "Accommodation",
    "Youth",
    "Education, training and employment",
    "Mental health",
    "Reconvictions",
    "Substance misuse",
    "Domestic abuse",
]


def _select(dash_duo, name: str) -> Select:
    return Select(dash_duo.driver.find_element(By.CSS_SELECTOR, f"select[id='{dom_id(filter_id(name))}']"))


def _severe_logs(dash_duo) -> list[dict]:
    return [entry for entry in dash_duo.get_logs() or [] if entry.get("level") == "SEVERE"]


def test_overview_shows_all_seven_themes_without_console_errors(dash_duo, browser_app):
    dash_duo.start_server(browser_app)
    dash_duo.wait_for_contains_text(f"#{ids.OVERVIEW_TILES}", "Domestic abuse", timeout=20)
    tiles = dash_duo.find_element(f"#{ids.OVERVIEW_TILES}").text
    for theme in THEMES:
        assert theme in tiles
    assert "Better than England and Wales" in tiles
    assert "Demo data" not in dash_duo.find_element(f"#{ids.BANNER}").text  # the fixture store is not demo data
    assert _severe_logs(dash_duo) == []


def test_filter_changes_the_chart_and_the_url_and_back_works(dash_duo, browser_app):
    dash_duo.start_server(browser_app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/measure/REC01")
    dash_duo.wait_for_contains_text(f"#{ids.MEASURE_SUMMARY}", "Pan-Dorset", timeout=20)
    _select(dash_duo, "area").select_by_value("E06000059")
    dash_duo.wait_for_contains_text(f"#{ids.MEASURE_SUMMARY}", "in Dorset was", timeout=20)
    assert "area=E06000059" in dash_duo.driver.current_url
    dash_duo.wait_for_contains_text(f"#{ids.MEASURE_TREND}", "Dorset", timeout=10)
    dash_duo.driver.back()
    dash_duo.wait_for_contains_text(f"#{ids.MEASURE_SUMMARY}", "Pan-Dorset", timeout=20)
    assert "area=" not in dash_duo.driver.current_url
    assert _severe_logs(dash_duo) == []


def test_clicking_a_bar_drills_down_and_the_breadcrumb_comes_back(dash_duo, browser_app):
    dash_duo.start_server(browser_app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/drill?measure=REC01&dimension=sex")
    dash_duo.wait_for_element(f"#{ids.DRILL_BARS} .bars .point path", timeout=20)
    bars = dash_duo.find_elements(f"#{ids.DRILL_BARS} .bars .point path")
    ActionChains(dash_duo.driver).move_to_element(bars[0]).click().perform()  # plotly's drag layer takes the click
    dash_duo.wait_for_contains_text(f"#{ids.DRILL_CRUMBS}", "Female", timeout=20)
    assert "cohort=sex%3Dfemale" in dash_duo.driver.current_url
    dash_duo.wait_for_contains_text(f"#{ids.DRILL_TREND}", "Female", timeout=20)
    dash_duo.find_element(f"#{ids.DRILL_CRUMBS} a[href^='/drill']").click()
    dash_duo.wait_for_text_to_equal(f"#{ids.DRILL_TITLE}", "Adult proven reoffending rate", timeout=20)
    assert "cohort=" not in dash_duo.driver.current_url


def test_a_copied_url_restores_the_view(dash_duo, browser_app):
    dash_duo.start_server(browser_app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/measure/REC01?area=E06000059&to=2023-Q4&ci=99.8")
    dash_duo.wait_for_contains_text(f"#{ids.MEASURE_SUMMARY}", "in 2023-Q4", timeout=20)
    assert _select(dash_duo, "area").first_selected_option.get_attribute("value") == "E06000059"
    assert _select(dash_duo, "to").first_selected_option.get_attribute("value") == "2023-Q4"
    assert _select(dash_duo, "ci").first_selected_option.get_attribute("value") == "99.8"


def test_a_bad_url_parameter_shows_a_message(dash_duo, browser_app):
    dash_duo.start_server(browser_app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/measure/REC01?area=%27%3BDROP%20TABLE&from=2021-Q9")
    dash_duo.wait_for_contains_text(f"#{ids.MESSAGES}", "Unknown area", timeout=20)
    assert "Period" in dash_duo.find_element(f"#{ids.MESSAGES}").text
    dash_duo.wait_for_contains_text(f"#{ids.MEASURE_SUMMARY}", "Pan-Dorset", timeout=20)
    assert json.dumps("Traceback") not in dash_duo.driver.page_source
