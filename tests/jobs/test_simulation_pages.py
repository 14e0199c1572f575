"""The simulation pages: the form starts a job, the result page shows counts, a chart and examples (LPEI
staff) or suppressed counts only (ministry); in headless Chromium at desktop and phone width."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.jobs.conftest import wait_for
from tests.web.conftest import browser, live_server  # noqa: F401  (browser fixtures)

PASSWORD = "simulasi-ovop-2026"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "web" / "screenshots"


@pytest.fixture
def signed_in(client, make_user):
    """Sign the test client in with a role."""

    def _sign_in(role: str, region: str | None = None):
        user, _ = make_user(role, region, None, password=PASSWORD)
        assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
        return user

    return _sign_in


def test_form_starts_a_job_and_shows_the_result(app, client, signed_in, population):
    """A supervisor's simulation shows totals, the programme chart with its table and example IKM."""
    signed_in("supervisor")
    page = client.get("/simulations")
    assert page.status_code == 200 and "EUDR_GEO#1" in page.get_data(as_text=True)
    response = client.post(
        "/simulations",
        data={"base": "v1.1", "as_of": "2026-11-29", "compare_version": "v1", "changes_yaml": ""},
    )
    assert response.status_code == 302
    job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    assert wait_for(app, job_id).status == "succeeded"
    html = client.get(f"/simulations/{job_id}").get_data(as_text=True)
    assert 'id="simulation-totals"' in html and "<svg" in html and 'id="simulation-examples"' in html
    # The form's own example (YAML with a date) runs too.
    from app.web.simulations import EXAMPLE_CHANGES

    example = client.post(
        "/simulations", data={"base": "v1.1", "as_of": "2026-11-29", "changes_yaml": EXAMPLE_CHANGES}
    )
    assert example.status_code == 302
    assert wait_for(app, int(example.headers["Location"].rsplit("/", 1)[1])).status == "succeeded"


def test_ministry_sees_suppressed_counts_only(app, client, signed_in, population):
    """The ministry's result has the suppression note and no example IKM."""
    signed_in("ministry")
    response = client.post("/simulations", data={"base": "v1.1", "compare_version": "v1", "changes_yaml": ""})
    job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    assert wait_for(app, job_id).status == "succeeded"
    html = client.get(f"/simulations/{job_id}").get_data(as_text=True)
    assert 'id="simulation-suppressed"' in html and 'id="simulation-examples"' not in html


def test_bad_changes_answer_422_with_the_problem(client, signed_in):
    """A change naming no entry is shown on the form, nothing started."""
    signed_in("admin")
    response = client.post(
        "/simulations", data={"base": "v1.1", "changes_yaml": "- requirement: NOPE#9\n  remove: true\n"}
    )
    assert response.status_code == 422 and "NOPE#9" in response.get_data(as_text=True)


def test_owners_and_districts_may_not_open_it(client, signed_in):
    """Only LPEI staff, admins and the ministry."""
    signed_in("district", "11.17")
    assert client.get("/simulations").status_code == 403


@pytest.mark.browser
def test_simulation_pages_in_chromium(app, live_server, browser, make_user, population, tmp_path):  # noqa: F811
    """Form and result at 1280 and 390 px: no sideways scrolling, no console errors."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    user, _ = make_user("supervisor", None, None, password=PASSWORD)
    browser.get(f"{live_server}/language/id?next=/login")
    browser.find_element(By.ID, "email").send_keys(user.email)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "login-submit").click()
    deadline = time.time() + 30
    while "/login" in browser.current_url and time.time() < deadline:  # signed in: the landing page
        time.sleep(0.2)
    folder = Path(os.environ.get("SCREENSHOT_DIR") or SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    browser.get(f"{live_server}/simulations")
    _shoot(browser, folder, "simulation-form")
    Select(browser.find_element(By.ID, "sim-compare_version")).select_by_value("v1")
    browser.find_element(By.ID, "sim-changes_yaml").clear()
    browser.find_element(By.ID, "simulation-submit").click()
    deadline = time.time() + 120
    while not browser.find_elements(By.ID, "simulation-totals") and time.time() < deadline:
        time.sleep(1)
        browser.refresh()
    assert browser.find_elements(By.ID, "simulation-totals")
    requirements = browser.find_element(By.ID, "simulation-requirements").text
    assert "_" not in requirements, requirements  # names, not codes such as EUDR_GEO
    _shoot(browser, folder, "simulation-result")
    result_path = browser.current_url.split(live_server, 1)[1]
    browser.get(f"{live_server}/language/en?next={result_path}")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Simulation result"
    assert "Newly eligible" in browser.find_element(By.ID, "simulation-programmes").text
    _shoot(browser, folder, "simulation-result-en")
    severe = [
        entry
        for entry in browser.get_log("browser")
        if entry["level"] == "SEVERE" and "favicon" not in entry["message"]
    ]
    assert not severe, severe


def _shoot(driver, folder: Path, name: str) -> None:
    """Screenshots at 1280 and 390 px; the page must not scroll sideways on the phone."""
    for label, width in (("desktop", 1280), ("phone", 390)):
        driver.set_window_size(width, 900)
        driver.refresh()
        scroll, inner = driver.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert scroll <= inner + 1, f"{name} scrolls sideways at {width} px"
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, min(max(height, 600), 6000))
        driver.save_screenshot(str(folder / f"{name}-{label}.png"))
