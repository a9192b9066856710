"""The CSP and the CSRF origin check leave the real app working: pages draw, notes save, nothing is refused."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from layouts import ids

pytestmark = pytest.mark.browser


def _console_errors(dash_duo) -> list[dict]:
    """Severe console entries: a CSP violation ('Refused to execute…') or a refused request shows up here."""
    return [entry for entry in dash_duo.get_logs() or [] if entry.get("level") == "SEVERE"]


def _csp(dash_duo) -> str:
    return dash_duo.driver.execute_script(
        "const r = new XMLHttpRequest(); r.open('GET', location.href, false); r.send();"
        "return r.getResponseHeader('Content-Security-Policy');"
    )


def test_overview_and_measure_page_draw_under_the_csp(dash_duo, browser_app):
    dash_duo.start_server(browser_app)
    dash_duo.wait_for_contains_text(f"#{ids.OVERVIEW_TILES}", "Domestic abuse", timeout=20)
    spark = dash_duo.wait_for_element(f"#{ids.OVERVIEW_TILES} img.sparkline", timeout=20)  # data: URI images
    assert dash_duo.driver.execute_script("return arguments[0].naturalWidth", spark) > 0
    assert "default-src 'self'" in _csp(dash_duo)
    assert _console_errors(dash_duo) == []
    dash_duo.wait_for_page(f"{dash_duo.server_url}/measure/REC01")
    for chart in (ids.MEASURE_TREND, ids.MEASURE_SPC, ids.MEASURE_BREAKDOWN, ids.MEASURE_AREAS):
        dash_duo.wait_for_element(f"#{chart} .main-svg g.trace", timeout=20)  # traces drawn
    dash_duo.wait_for_element(f"#{ids.MEASURE_GRID} .ag-cell", timeout=20)  # the grid's formatters run too
    assert _console_errors(dash_duo) == []


def test_a_note_saved_from_the_page_passes_the_origin_check(dash_duo, browser_app):
    dash_duo.start_server(browser_app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/measure/REC01")
    dash_duo.wait_for_element(f"#{ids.MEASURE_TREND} .main-svg g.trace", timeout=20)
    dash_duo.find_element(f"#{ids.NOTE_TEXT}").send_keys("New provider from February 2023")
    save = dash_duo.driver.find_element(By.ID, ids.NOTE_SAVE)
    dash_duo.driver.execute_script("arguments[0].click()", save)  # the charts above are still settling
    dash_duo.wait_for_contains_text(f"#{ids.NOTE_FEEDBACK}", "Note saved", timeout=20)
    dash_duo.wait_for_contains_text(f"#{ids.NOTE_LIST}", "New provider from February 2023", timeout=20)
    assert _console_errors(dash_duo) == []
