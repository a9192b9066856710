"""Exports in the browser: the PDF button downloads the view; a saved snapshot has a permanent link."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from layouts import ids

pytestmark = pytest.mark.browser


def _downloads(dash_duo, folder: Path) -> Path:
    folder.mkdir()
    dash_duo.driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    return folder


def _wait_for_file(folder: Path, suffix: str, timeout: float = 90) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.suffix == suffix]
        if done:
            return done[0]
        time.sleep(0.5)
    raise AssertionError(f"no {suffix} file was downloaded within {timeout} s: {list(folder.iterdir())}")


def _severe_logs(dash_duo) -> list[dict]:
    return [entry for entry in dash_duo.get_logs() or [] if entry.get("level") == "SEVERE"]


def test_the_pdf_button_downloads_the_view_as_filtered(dash_duo, browser_app, tmp_path):
    dash_duo.start_server(browser_app)
    folder = _downloads(dash_duo, tmp_path / "downloads")
    dash_duo.wait_for_page(f"{dash_duo.server_url}/measure/REC01?area=E06000059")
    dash_duo.wait_for_contains_text(f"#{ids.MEASURE_SUMMARY}", "in Dorset was", timeout=20)
    dash_duo.find_element(f"#{ids.EXPORT_PDF}").click()
    pdf = _wait_for_file(folder, ".pdf")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    assert "Adult proven reoffending rate" in text
    assert "Dorset, compared with England and Wales" in text
    dash_duo.wait_for_contains_text(f"#{ids.EXPORT_STATUS}", "Downloaded pathways-adult-proven", timeout=10)
    assert _severe_logs(dash_duo) == []


def test_the_csv_button_downloads_the_rows_and_their_metadata(dash_duo, browser_app, tmp_path):
    dash_duo.start_server(browser_app)
    folder = _downloads(dash_duo, tmp_path / "downloads")
    dash_duo.wait_for_page(f"{dash_duo.server_url}/data?measure=YTH02")
    dash_duo.wait_for_element(f"#{ids.EXPORT_CSV}").click()
    _wait_for_file(folder, ".csv")
    time.sleep(1)  # the metadata file follows the data file
    names = sorted(p.name for p in folder.iterdir() if p.suffix == ".csv")
    meta = [n for n in names if n.endswith("-metadata.csv")]
    assert len(names) == 2 and len(meta) == 1
    assert "Youth proven reoffending rate" in (folder / meta[0]).read_text(encoding="utf-8-sig")
    data = (folder / next(n for n in names if n not in meta)).read_text(encoding="utf-8-sig").splitlines()
    assert data[0].startswith("measure,period,area") and len(data) == 9


def test_a_saved_snapshot_opens_from_its_permanent_link(dash_duo, browser_app):
    dash_duo.start_server(browser_app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/measure/YTH02")
    dash_duo.wait_for_contains_text(f"#{ids.MEASURE_SUMMARY}", "was", timeout=20)
    dash_duo.find_element(f"#{ids.EXPORT_SNAPSHOT}").click()
    dash_duo.wait_for_element(f"#{ids.SNAPSHOT_TITLE}").send_keys("Youth reoffending for the March board")
    dash_duo.find_element(f"#{ids.SNAPSHOT_AUTHOR}").send_keys("Chair")
    dash_duo.find_element(f"#{ids.SNAPSHOT_SAVE}").click()
    link = dash_duo.wait_for_element("#snapshot-link", timeout=20)
    assert link.text.startswith("/snapshot/")
    link.click()
    dash_duo.wait_for_contains_text(".page-title", "Youth reoffending for the March board", timeout=20)
    dash_duo.wait_for_contains_text(f"#{ids.SNAPSHOT_VIEW}", "Youth proven reoffending rate", timeout=10)
    assert "Saved by Chair" in dash_duo.find_element(".snapshot-notice").text
    assert len(dash_duo.find_elements(f"#{ids.SNAPSHOT_VIEW} .js-plotly-plot")) == 4
    dash_duo.wait_for_page(f"{dash_duo.server_url}/snapshots")
    dash_duo.wait_for_contains_text(f"#{ids.SNAPSHOT_LIST}", "Youth reoffending for the March board", timeout=10)
    assert _severe_logs(dash_duo) == []
