"""Accessibility in the browser: an axe-core scan of every page, keyboard-only use, titles and language."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from layouts import ids

pytestmark = pytest.mark.browser
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
BLOCKING = ("serious", "critical")
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]})
  .then(result => done(result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map(n => n.target.join(" "))}))))
  .catch(error => done([{id: "axe-error", impact: "critical", help: String(error), targets: []}]));
"""

# Each page, and an element that shows its callbacks have drawn it.
PAGES = [
    ("/", f"#{ids.OVERVIEW_TILES} .theme-tile", "Overview · Pathways"),
    ("/theme/youth", ".chart-card .main-svg", "Youth · Pathways"),
    ("/theme/reconvictions", ".chart-card .main-svg", "Reconvictions · Pathways"),
    ("/measure/REC01", f"#{ids.MEASURE_SUMMARY} + *", "Adult proven reoffending rate · Pathways"),
    ("/drill", f"#{ids.DRILL_BARS} .main-svg", "Cohort drill-down · Pathways"),
    ("/data", f"#{ids.DATA_GRID} .ag-header-cell", "Data · Pathways"),
    ("/present?theme=youth", ".present-graph .main-svg", "Presentation · Pathways"),
]


def axe_violations(driver) -> list[dict]:
    """axe-core's serious and critical violations on the page as it stands."""
    driver.execute_script(AXE)
    driver.set_script_timeout(60)
    return [v for v in driver.execute_async_script(RUN_AXE) if v["impact"] in BLOCKING]


def _report(violations: list[dict]) -> str:
    return "\n".join(f"{v['impact']}: {v['id']} ({v['help']}) at {v['targets']}" for v in violations)


@pytest.mark.parametrize(("path", "ready", "title"), PAGES, ids=[p for p, _, _ in PAGES])
def test_page_has_no_serious_accessibility_violations(dash_duo, browser_app, path, ready, title):
    dash_duo.start_server(browser_app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}{path}")
    dash_duo.wait_for_element(ready, timeout=20)
    dash_duo._wait_for_callbacks()
    driver = dash_duo.driver
    assert driver.title == title
    assert driver.find_element("css selector", "html").get_attribute("lang") == "en-GB"
    levels = driver.execute_script(
        "return [...document.querySelectorAll('main h1, main h2, main h3, main h4')]"
        ".filter(h => h.offsetParent !== null || h.closest('details')).map(h => +h.tagName[1])"
    )
    assert levels and levels[0] == 1 and levels.count(1) == 1, levels
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), f"skipped heading level: {levels}"
    violations = axe_violations(driver)
    assert not violations, _report(violations)


def _active(driver) -> dict:
    return driver.execute_script(
        "const e = document.activeElement; return {tag: e.tagName, id: e.id, cls: e.className, text: e.innerText,"
        " outline: getComputedStyle(e).outlineStyle};"
    )


def test_keyboard_alone_reaches_skip_link_nav_and_filters(dash_duo, browser_app):
    dash_duo.start_server(browser_app)
    dash_duo.wait_for_element(f"#{ids.OVERVIEW_TILES} .theme-tile", timeout=20)
    driver = dash_duo.driver
    keys = ActionChains(driver)
    keys.send_keys(Keys.TAB).perform()
    first = _active(driver)
    assert first["text"] == "Skip to main content" and first["outline"] == "solid"
    assert driver.find_element("css selector", ".skip-link").is_displayed()

    seen = []
    for _ in range(25):  # brand, nav links, the themes menu, then the filters
        ActionChains(driver).send_keys(Keys.TAB).perform()
        seen.append(_active(driver))
        if seen[-1]["tag"] == "SELECT":
            break
    texts = [s["text"] for s in seen]
    assert "Overview" in texts and "Data" in texts and "Present" in texts, texts
    assert seen[-1]["tag"] == "SELECT" and "filter" in seen[-1]["id"], seen[-1]

    dash_duo.wait_for_page(dash_duo.server_url)  # afresh: focus starts at the top again
    dash_duo.wait_for_element(f"#{ids.OVERVIEW_TILES} .theme-tile", timeout=20)
    ActionChains(driver).send_keys(Keys.TAB).perform()
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    dash_duo.wait_for_element("#main:focus", timeout=5)
    assert driver.current_url.endswith("#main")
