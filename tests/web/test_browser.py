"""A real headless Chromium against a live server with CSRF on: sign in, work a case, import a file."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import WebDriverException

from tests.imports.rows import numbered_rows, to_csv
from tests.profiles import gayo

pytestmark = pytest.mark.browser
PASSWORD = "kopi-gayo-2026"


def _submit(browser, element_id: str) -> None:
    """Click a submit button and wait until the next page has replaced this one."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.ID, element_id).click()
    # Chromium can answer a node of the page being replaced with a generic error: that means "not yet".
    WebDriverWait(browser, 20, ignored_exceptions=(WebDriverException,)).until(
        expected_conditions.staleness_of(page)
    )


def _fill_selfcheck(browser, values: dict) -> None:
    """Set the self-check form's fields (a list value ticks each named checkbox)."""
    browser.execute_script(
        """
        const form = document.getElementById('selfcheck-form'), values = arguments[0];
        for (const [name, value] of Object.entries(values)) {
          for (const wanted of [].concat(value)) {
            const field = [...form.elements].find(
              e => e.name === name && (e.type !== 'checkbox' || e.value === wanted));
            if (!field) continue;
            if (field.type === 'checkbox') field.checked = true; else field.value = wanted;
          }
        }""",
        values,
    )


def _sign_in(browser, base_url: str, email: str, password: str) -> None:
    """Fill in and send the login form."""
    from selenium.webdriver.common.by import By

    browser.get(f"{base_url}/login")
    browser.find_element(By.ID, "email").send_keys(email)
    browser.find_element(By.ID, "password").send_keys(password)
    _submit(browser, "login-submit")


def test_an_advisor_signs_in_and_decides_a_case(live_server, browser, client, auth, make_user):
    """Wrong password → message; sign in → queue → case → start review → decide → the decision shows."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import Select, WebDriverWait

    admin = auth("admin")
    ikm_id = client.post("/api/v1/ikms", json=gayo(), headers=admin).json["id"]
    case = client.post(
        "/api/v1/cases", json={"ikm_id": ikm_id, "programme_code": "PKE_UMKM"}, headers=admin
    ).json
    advisor, _ = make_user("advisor", password=PASSWORD)

    _sign_in(browser, live_server, advisor.email, "bukan-sandinya")
    assert "E-mail atau kata sandi salah" in browser.find_element(By.CLASS_NAME, "flashes").text
    _sign_in(browser, live_server, advisor.email, PASSWORD)
    assert browser.current_url.endswith("/cases")
    row = browser.find_element(By.CSS_SELECTOR, f'tr[data-case-id="{case["id"]}"]')
    assert "Koperasi Kopi Gayo Lestari" in row.text
    page = browser.find_element(By.TAG_NAME, "html")
    row.find_element(By.LINK_TEXT, "Koperasi Kopi Gayo Lestari").click()
    # Chromium can answer a node of the page being replaced with a generic error: that means "not yet".
    WebDriverWait(browser, 20, ignored_exceptions=(WebDriverException,)).until(
        expected_conditions.staleness_of(page)
    )

    assert browser.find_element(By.CSS_SELECTOR, "#review-form input[name=csrf_token]").get_attribute("value")
    _submit(browser, "review-submit")
    assert browser.find_element(By.ID, "case-status").get_attribute("data-status") == "in_review"
    assert browser.find_element(By.ID, "case-status").text == "Sedang ditinjau"
    assert browser.find_element(By.ID, "case-assignee").text == advisor.email

    Select(browser.find_element(By.ID, "decision-status")).select_by_value("approved")
    Select(browser.find_element(By.ID, "decision-reason-code")).select_by_value("CRITERIA_MET")
    browser.find_element(By.ID, "decision-note-input").send_keys("Dokumen lengkap, kunjungan lapangan baik.")
    _submit(browser, "decision-submit")
    assert browser.find_element(By.ID, "case-status").text == "Disetujui"
    assert browser.find_element(By.ID, "decision-reason").get_attribute("data-code") == "CRITERIA_MET"
    assert browser.find_element(By.ID, "decision-note").text == "Dokumen lengkap, kunjungan lapangan baik."

    _submit(browser, "logout")
    assert "/login" in browser.current_url
    browser.get(f"{live_server}/cases")
    assert "/login" in browser.current_url


def test_a_tampered_csrf_token_is_refused(live_server, browser, make_user):
    """A form whose CSRF token was changed gets 400 and does not sign anybody in."""
    from selenium.webdriver.common.by import By

    advisor, _ = make_user("advisor", password=PASSWORD)
    browser.get(f"{live_server}/login")
    browser.execute_script("document.querySelector('input[name=csrf_token]').value = 'forged';")
    browser.find_element(By.ID, "email").send_keys(advisor.email)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    _submit(browser, "login-submit")
    assert "400" in browser.find_element(By.TAG_NAME, "main").text
    browser.get(f"{live_server}/cases")
    assert "/login" in browser.current_url


def test_a_district_uploads_a_file_and_reads_the_report(live_server, browser, make_user, tmp_path):
    """Template link on the page; a good CSV is imported; a bad one shows line, column and message."""
    from selenium.webdriver.common.by import By

    district, _ = make_user("district", region="11.17", password=PASSWORD)
    _sign_in(browser, live_server, district.email, PASSWORD)
    _submit(browser, "nav-import")
    assert (
        browser.find_element(By.ID, "template-xlsx").get_attribute("href").endswith("/import/template.xlsx")
    )
    assert browser.find_element(By.ID, "import-region").get_attribute("value") == "11.17"

    good = tmp_path / "usulan.csv"
    good.write_bytes(to_csv(numbered_rows(2), encoding="utf-8-sig", delimiter=";"))
    browser.find_element(By.ID, "import-file").send_keys(str(good))
    _submit(browser, "import-submit")
    assert "2 baru" in browser.find_element(By.ID, "import-summary").text

    rows = numbered_rows(1, start=50)
    rows[0]["founded_year"] = "tahun lalu"
    bad = tmp_path / "salah.csv"
    bad.write_bytes(to_csv(rows))
    browser.find_element(By.ID, "import-file").send_keys(str(bad))
    _submit(browser, "import-submit")
    error_row = browser.find_element(By.CSS_SELECTOR, "#import-errors tbody tr")
    cells = [cell.text for cell in error_row.find_elements(By.TAG_NAME, "td")]
    assert cells[:2] == ["2", "founded_year"] and cells[2] == "Bukan bilangan bulat."
    assert "tidak ada yang disimpan" in browser.find_element(By.ID, "import-summary").text
