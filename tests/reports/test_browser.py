"""Reports and workspace in headless Chromium: no console errors, filters, charts, map, XLSX, phone width.

Screenshots of every page at desktop (1280 px) and phone (390 px) width go to $SCREENSHOT_DIR when it is
set (docs/screenshots/ holds the committed ones), else to the test's temporary folder.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import Ikm
from tests.reports.conftest import PASSWORD

pytestmark = pytest.mark.browser
WIDTHS = {"desktop": (1280, 1000), "phone": (390, 844)}


def _sign_in(chromium, base_url: str, email: str) -> None:
    """Sign in through the login form and wait for the landing page."""
    from selenium.webdriver.common.by import By

    chromium.get(f"{base_url}/language/id?next=/login")  # the pages' default language, whatever the browser's
    chromium.find_element(By.ID, "email").send_keys(email)
    chromium.find_element(By.ID, "password").send_keys(PASSWORD)
    chromium.find_element(By.ID, "login-submit").click()
    deadline = time.time() + 30
    while "/login" in chromium.current_url and time.time() < deadline:
        time.sleep(0.2)


def _severe_console_errors(chromium) -> list[str]:
    """Console messages of level SEVERE since the last call (the site has no favicon yet: not judged here)."""
    return [
        entry["message"]
        for entry in chromium.get_log("browser")
        if entry["level"] == "SEVERE" and "favicon.ico" not in entry["message"]
    ]


def _shoot(chromium, folder: Path, name: str) -> None:
    """Screenshots at desktop and phone width; the page must not scroll sideways on the phone."""
    for label, (width, height) in WIDTHS.items():
        chromium.set_window_size(width, height)
        chromium.refresh()
        scroll, inner = chromium.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]"
        )
        wide = chromium.execute_script(
            "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > "
            "window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className)"
        )
        assert scroll <= inner + 1, f"{name} scrolls sideways at {label} width ({scroll} > {inner}): {wide}"
        height = chromium.execute_script("return document.documentElement.scrollHeight")
        chromium.set_window_size(width, min(max(height, 600), 6000))
        chromium.save_screenshot(str(folder / f"{name}-{label}.png"))
    chromium.set_window_size(*WIDTHS["desktop"])


def _folder(tmp_path: Path) -> Path:
    """Where screenshots go."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_ministry_dashboard_in_chromium(live_server, chromium, make_user, population, tmp_path):
    """No console errors; charts and map drawn; a filter changes the figures; the XLSX download opens."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    population(8, region="11.17", commodity="coffee", level="developing")
    population(6, region="51.04", commodity="crafts", level="export_ready", ovop_stars=3)
    population(12, region="33.74", commodity="cocoa", level="not_ready", route="financial")
    ministry, _ = make_user("ministry", password=PASSWORD)
    _sign_in(chromium, live_server, ministry.email)
    assert chromium.current_url.endswith("/reports")
    assert chromium.find_element(By.ID, "total-assessed").text == "26"
    assert _severe_console_errors(chromium) == []
    charts = chromium.find_elements(By.CSS_SELECTOR, "svg.chart")
    assert len(charts) >= 5 and all(chart.size["width"] > 100 for chart in charts)
    bubbles = chromium.find_elements(By.CSS_SELECTOR, "svg.map circle[data-code]")
    assert {bubble.get_attribute("data-code") for bubble in bubbles} == {"11", "51", "33"}

    Select(chromium.find_element(By.ID, "commodity")).select_by_value("crafts")
    chromium.find_element(By.ID, "apply-filters").click()
    deadline = time.time() + 20
    while "commodity=crafts" not in chromium.current_url and time.time() < deadline:
        time.sleep(0.2)
    assert chromium.find_element(By.ID, "total-assessed").text == "6"
    assert _severe_console_errors(chromium) == []
    _shoot(chromium, _folder(tmp_path), "reports-dashboard")

    chromium.find_element(By.ID, "download-xlsx").click()
    deadline = time.time() + 30
    while not list(chromium.downloads.glob("*.xlsx")) and time.time() < deadline:
        time.sleep(0.3)
    (download,) = chromium.downloads.glob("*.xlsx")
    workbook = load_workbook(download)
    levels = dict(workbook["level"].iter_rows(min_row=2, values_only=True))
    assert sum(value for value in levels.values() if isinstance(value, int)) == 6


def test_the_district_workspace_in_chromium(app, live_server, chromium, make_user, population, tmp_path):
    """The district's list, one IKM's page and the propose form, at both widths, without console errors."""
    from selenium.webdriver.common.by import By

    population(7, region="11.17", level="developing", gaps=[("EUDR_GEO", "upcoming", None)])
    population(3, region="11.01")
    with app.app_context():
        for ikm in db.session.scalars(select(Ikm).where(Ikm.region_code == "11.17").limit(3)):
            ikm.kecamatan_code = "11.17.01"  # Pintu Rime Gayo
        db.session.commit()
    district, _ = make_user("district", region="11.17", password=PASSWORD)
    _sign_in(chromium, live_server, district.email)
    assert "/workspace" in chromium.current_url
    rows = chromium.find_elements(By.CSS_SELECTOR, "#ikm-table tbody tr")
    assert len(rows) == 7
    folder = _folder(tmp_path)
    _shoot(chromium, folder, "workspace-list")
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import Select, WebDriverWait

    Select(chromium.find_element(By.ID, "kecamatan")).select_by_value("11.17.01")
    unfiltered = chromium.find_element(By.ID, "ikm-table")
    chromium.find_element(By.CSS_SELECTOR, "#workspace-filters button[type=submit]").click()
    WebDriverWait(chromium, 20).until(expected_conditions.staleness_of(unfiltered))
    assert len(chromium.find_elements(By.CSS_SELECTOR, "#ikm-table tbody tr")) == 3
    assert "Pintu Rime Gayo" in chromium.find_element(By.ID, "ikm-table").text
    with app.app_context():
        own = db.session.scalar(select(Ikm.id).where(Ikm.region_code == "11.17"))
    chromium.get(f"{live_server}/workspace/ikm/{own}")
    assert chromium.find_element(By.ID, "latest-assessment")
    _shoot(chromium, folder, "workspace-ikm")
    chromium.get(f"{live_server}/workspace/propose")
    _shoot(chromium, folder, "workspace-propose")
    assert _severe_console_errors(chromium) == []
