"""Every main page in a real Chromium at desktop (1280 px) and phone (390 px) width, in both languages:
a screenshot written for people to look at, no horizontal scroll on the phone, no serious or critical
axe-core violation, no console error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.profiles import gayo
from tests.web.test_selfcheck_pages import GAYO_FORM

pytestmark = pytest.mark.browser
PASSWORD = "kopi-gayo-2026"
SCREENSHOTS = Path(__file__).parent / "screenshots"
AXE = Path(__file__).resolve().parents[2] / "app" / "static" / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": (1280, 1000), "phone": (390, 844)}


def _console_errors(browser) -> list[str]:
    """Console errors since the last call (Chromium's SEVERE log entries)."""
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def _axe_violations(browser) -> list[dict]:
    """axe-core's serious and critical violations on the page."""
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations)));"
    )
    return [
        {"id": item["id"], "impact": item["impact"], "nodes": [node["target"] for node in item["nodes"]][:3]}
        for item in json.loads(result)
        if item["impact"] in ("serious", "critical")
    ]


def _check_page(browser, name: str, locale: str) -> None:
    """Screenshot at both widths; at phone width nothing wider than the screen; axe and console clean."""
    SCREENSHOTS.mkdir(exist_ok=True)
    for label, (width, height) in WIDTHS.items():
        browser.set_window_size(width, height)
        full_height = browser.execute_script("return document.scrollingElement.scrollHeight")
        browser.set_window_size(width, min(full_height + 120, 9000))  # the whole page in one picture
        browser.save_screenshot(str(SCREENSHOTS / f"{name}-{locale}-{label}.png"))
        browser.set_window_size(width, height)
        scroll, inner = browser.execute_script(
            "return [document.scrollingElement.scrollWidth, window.innerWidth]"
        )
        assert scroll <= inner, f"{name} at {label} width scrolls sideways: {scroll} > {inner}"
        assert _axe_violations(browser) == [], name
    assert _console_errors(browser) == [], name


def _go(browser, url: str) -> None:
    browser.get(url)


def _sign_in(browser, base_url: str, email: str) -> None:
    from selenium.webdriver.common.by import By

    from tests.web.test_browser import _submit

    browser.get(f"{base_url}/login")
    browser.find_element(By.ID, "email").send_keys(email)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    _submit(browser, "login-submit")


def _post_selfcheck(browser, base_url: str, locale: str) -> None:
    """Send the Gayo example through the form (filled by script, as the field-by-field test does by hand)."""
    from selenium.webdriver.common.by import By

    from tests.web.test_browser import _fill_selfcheck, _submit

    browser.get(f"{base_url}/cek-kesiapan")
    _fill_selfcheck(
        browser, {**GAYO_FORM, "annual_revenue_idr": {"id": "4.200.000.000", "en": "4,200,000,000"}[locale]}
    )
    assert browser.find_element(By.ID, "market_DE").is_selected()
    _submit(browser, "selfcheck-submit")


@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_main_page_fits_a_phone_passes_axe_and_logs_no_error(
    live_server, browser, client, auth, make_user, locale
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from tests.web.test_browser import _submit

    admin = auth("admin")
    ikm_id = client.post("/api/v1/ikms", json=gayo(), headers=admin).json["id"]
    case = client.post(
        "/api/v1/cases", json={"ikm_id": ikm_id, "programme_code": "PKE_UMKM"}, headers=admin
    ).json
    advisor, _ = make_user("advisor", password=PASSWORD)
    district, _ = make_user("district", "11.17", password=PASSWORD)
    browser.get(f"{live_server}/language/{locale}?next=/")

    for name, path in (("home", "/"), ("selfcheck-form", "/cek-kesiapan"), ("login", "/login")):
        _go(browser, f"{live_server}{path}")
        _check_page(browser, name, locale)

    _post_selfcheck(browser, live_server, locale)
    assert browser.find_elements(By.ID, "readiness-score"), browser.find_element(By.TAG_NAME, "main").text[
        :600
    ]
    _check_page(browser, "selfcheck-result", locale)

    _sign_in(browser, live_server, advisor.email)
    _check_page(browser, "queue", locale)
    _go(browser, f"{live_server}/cases/{case['id']}")
    _check_page(browser, "case", locale)
    _submit(browser, "review-submit")
    _check_page(browser, "case-in-review", locale)

    # Someone else changes the case while the advisor writes the decision: the conflict is said in words
    # and the note typed so far is still there.
    other, _ = make_user("advisor")
    for version, assignee in ((2, other.id), (3, advisor.id)):  # away and back: two changes meanwhile
        path = f"/api/v1/cases/{case['id']}/assignment"
        assigned = client.post(path, json={"version": version, "assignee_id": assignee}, headers=admin)
        assert assigned.status_code == 200, assigned.json
    Select(browser.find_element(By.ID, "decision-status")).select_by_value("approved")
    Select(browser.find_element(By.ID, "decision-reason-code")).select_by_value("CRITERIA_MET")
    browser.find_element(By.ID, "decision-note-input").send_keys("Kunjungan lapangan baik.")
    _submit(browser, "decision-submit")
    conflict = browser.find_element(By.CLASS_NAME, "flashes").text
    assert {"id": "sudah diubah orang lain", "en": "was changed by someone else"}[locale] in conflict
    assert "Stale" not in conflict
    assert all("409" in message for message in _console_errors(browser))  # the expected answer, nothing else
    assert (
        browser.find_element(By.ID, "decision-note-input").get_attribute("value")
        == "Kunjungan lapangan baik."
    )
    _submit(browser, "decision-submit")  # sent again, deliberately, on the version now shown
    assert browser.find_element(By.ID, "case-status").get_attribute("data-status") == "approved", (
        browser.find_element(By.ID, "content").text[:400]
    )
    _check_page(browser, "case-decided", locale)
    browser.delete_all_cookies()
    browser.get(f"{live_server}/language/{locale}?next=/")
    _sign_in(browser, live_server, district.email)
    _go(browser, f"{live_server}/import")
    _check_page(browser, "import", locale)


@pytest.mark.parametrize("locale", ["id", "en"])
def test_the_owners_path_end_to_end(live_server, browser, client, auth, make_user, caplog, locale):
    """Self-check → result → invited by the district → account → own page → apply → the advisors' queue."""
    import logging
    import re

    from selenium.webdriver.common.by import By

    from tests.web.test_browser import _submit

    admin = auth("admin")
    ikm_id = client.post("/api/v1/ikms", json=gayo(), headers=admin).json["id"]
    client.post("/api/v1/assessments", json={"ikm_id": ikm_id}, headers=admin)
    district, _ = make_user("district", "11.17", password=PASSWORD)
    advisor, _ = make_user("advisor", password=PASSWORD)
    supervisor, _ = make_user("supervisor", password=PASSWORD)
    browser.get(f"{live_server}/language/{locale}?next=/")

    _post_selfcheck(browser, live_server, locale)  # the owner tries the self-check first, anonymously
    assert browser.find_elements(By.ID, "readiness-score")

    _sign_in(browser, live_server, district.email)
    _go(browser, f"{live_server}/ikm/{ikm_id}/undang")
    _check_page(browser, "invite", locale)
    browser.find_element(By.ID, "invite-email").send_keys(f"sari-{locale}@kopigayo.example")
    with caplog.at_level(logging.INFO, logger="app.services.mail"):
        _submit(browser, "invite-submit")
    mails = "\n".join(record.getMessage() for record in caplog.records)
    link = re.search(r"http://\S+(/undangan/\S+)", mails).group(1)
    _submit(browser, "logout")

    _go(browser, f"{live_server}{link}")
    _check_page(browser, "accept", locale)
    browser.find_element(By.ID, "accept-password").send_keys(PASSWORD)
    browser.find_element(By.ID, "accept-confirm").send_keys(PASSWORD)
    _submit(browser, "accept-submit")
    assert browser.current_url.endswith("/usaha")
    _check_page(browser, "own-page", locale)
    apply_button = browser.find_element(By.CSS_SELECTOR, "[id^=apply-]")
    programme = apply_button.get_attribute("id").removeprefix("apply-")
    _submit(browser, apply_button.get_attribute("id"))
    status = browser.find_element(By.CSS_SELECTOR, "#own-cases [data-status]")
    assert status.get_attribute("data-status") == "submitted"
    _check_page(browser, "own-page-applied", locale)
    _submit(browser, "logout")

    _sign_in(browser, live_server, advisor.email)
    rows = browser.find_elements(By.CSS_SELECTOR, "#queue tr[data-case-id]")
    assert any("Koperasi Kopi Gayo Lestari" in row.text for row in rows), programme
    _submit(browser, "logout")
    _sign_in(browser, live_server, supervisor.email)
    _go(browser, f"{live_server}/cases/supervisi")
    _check_page(browser, "supervision", locale)


@pytest.mark.parametrize("locale", ["id", "en"])
def test_a_large_import_status_page(live_server, browser, app, make_user, tmp_path, locale):
    """A file above IMPORT_JOB_ROWS sent through the page: the job's status page, then its report; a bad
    one: its errors. Screenshots at both widths, no sideways scroll on a phone, axe and console clean."""
    import time

    from selenium.webdriver.common.by import By

    from tests.imports.rows import numbered_rows, to_csv
    from tests.web.test_browser import _submit

    district, _ = make_user("district", "11.17", password=PASSWORD)
    browser.get(f"{live_server}/language/{locale}?next=/")
    _sign_in(browser, live_server, district.email)
    app.config["IMPORT_JOB_ROWS"] = 3
    try:
        rows = numbered_rows(5, start=40)
        bad = [dict(row) for row in numbered_rows(5, start=60)]
        bad[2]["nib"] = "123"
        for name, content, done_id in (
            ("import-job", rows, "import-done"),
            ("import-job-failed", bad, "import-failed"),
        ):
            upload = tmp_path / f"{name}.csv"
            upload.write_bytes(to_csv(content))
            _go(browser, f"{live_server}/import")
            browser.find_element(By.ID, "import-file").send_keys(str(upload))
            _submit(browser, "import-submit")
            assert "/import/jobs/" in browser.current_url
            deadline = time.monotonic() + 60
            while not browser.find_elements(By.ID, done_id) and time.monotonic() < deadline:
                time.sleep(0.5)
                browser.refresh()
            assert browser.find_elements(By.ID, done_id), browser.find_element(By.TAG_NAME, "main").text[:400]
            assert browser.find_elements(By.ID, "import-report")
            _check_page(browser, name, locale)
    finally:
        app.config["IMPORT_JOB_ROWS"] = 2000
