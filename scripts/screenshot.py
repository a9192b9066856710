"""Screenshot pages of a running Pathways server in headless Chromium: screenshot.py URL OUT.png [WIDTHxHEIGHT]."""

from __future__ import annotations

import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def driver(width: int = 1600, height: int = 1000) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in CHROME_FLAGS + [f"--window-size={width},{height}"]:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def settle(browser: webdriver.Chrome, timeout: float = 20) -> None:
    """Wait until Dash has no callbacks in flight."""
    deadline = time.time() + timeout
    time.sleep(1)
    while time.time() < deadline:
        busy = browser.execute_script(
            "return document.querySelectorAll('[data-dash-is-loading=\"true\"], ._dash-loading').length"
        )
        if not busy:
            time.sleep(0.8)
            return
        time.sleep(0.3)


def main() -> None:
    url, out = sys.argv[1], sys.argv[2]
    width, height = (int(x) for x in (sys.argv[3] if len(sys.argv) > 3 else "1600x1000").split("x"))
    browser = driver(width, height)
    try:
        browser.get(url)
        settle(browser)
        full = browser.execute_script("return document.body.scrollHeight")
        browser.set_window_size(width, min(max(height, full), 6000))
        settle(browser, 5)
        browser.save_screenshot(out)
        for entry in browser.get_log("browser"):
            print("console:", entry["level"], entry["message"][:300])
    finally:
        browser.quit()


if __name__ == "__main__":
    main()
