"""An IKM owner does the self-check in a real headless Chromium, with CSRF on."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _fill_and_send(browser, base_url: str, fields: dict, ticks: list[str], selects: dict) -> None:
    """Open the self-check form, type, tick and choose, then send it and wait for the next page."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.get(f"{base_url}/")
    browser.find_element(By.ID, "start-selfcheck").click()
    WebDriverWait(browser, 20).until(
        expected_conditions.presence_of_element_located((By.ID, "selfcheck-form"))
    )
    for element_id, text in fields.items():
        browser.find_element(By.ID, element_id).send_keys(text)
    for element_id in ticks:
        browser.find_element(By.ID, element_id).click()
    for element_id, value in selects.items():
        Select(browser.find_element(By.ID, element_id)).select_by_value(value)
    # A fixed assessment date, set as the ISO value the date input submits whatever the browser's locale.
    browser.execute_script("arguments[0].value = '2026-11-27'", browser.find_element(By.ID, "as_of"))
    browser.find_element(By.ID, "selfcheck-submit").click()
    # The next page is the result or the form with its error summary; Chromium can answer a stale node
    # with a generic error while the page is swapped, so such errors just mean "not yet".
    WebDriverWait(browser, 30, ignored_exceptions=(WebDriverException,)).until(
        lambda driver: (
            driver.find_elements(By.ID, "readiness-score") or driver.find_elements(By.ID, "error-summary")
        )
    )


def test_a_coffee_cooperative_sees_eudr_for_germany_and_fda_for_the_us(browser, live_server):
    """Green coffee to DE and US on 27 Nov 2026: EUDR upcoming in DE, FDA registration blocking in the US."""
    from selenium.webdriver.common.by import By

    _fill_and_send(
        browser,
        live_server,
        fields={
            "name": "Koperasi Kopi Gayo Lestari",
            "founded_year": "2012",
            "annual_revenue_idr": "4.200.000.000",
            "product_0_description": "Kopi arabika Gayo green bean",
            "product_0_hs_code": "090111",
            "product_0_capacity": "20000",
        },
        ticks=["cert_NIB", "cert_NPWP", "market_DE", "market_US", "practice_bookkeeping"],
        selects={"region_code": "11.17", "credit_status": "current", "product_0_unit": "kg"},
    )
    score = int(browser.find_element(By.ID, "readiness-score").text)
    assert 0 <= score <= 100
    germany = browser.find_element(By.ID, "gaps-DE")
    eudr = germany.find_element(By.CSS_SELECTOR, '[data-requirement="EUDR_GEO"]')
    assert eudr.get_attribute("data-severity") == "upcoming" and "30 Juni 2027" in eudr.text
    usa = browser.find_element(By.ID, "gaps-US")
    fda = usa.find_element(By.CSS_SELECTOR, '[data-requirement="FDA_FFR"]')
    assert fda.get_attribute("data-severity") == "blocking"
    assert "Wajib" in fda.text
    assert browser.find_element(By.ID, "route").get_attribute("data-route") in {"financial", "non_financial"}


def test_a_form_without_a_name_comes_back_with_a_message_in_bahasa_indonesia(browser, live_server):
    """A readable message next to the field, what was typed still there, nothing assessed."""
    from selenium.webdriver.common.by import By

    _fill_and_send(
        browser,
        live_server,
        fields={"product_0_description": "Tas anyaman rotan Kalimantan"},
        ticks=["market_JP"],
        selects={"region_code": "63.03"},
    )
    assert "Wajib diisi" in browser.find_element(By.ID, "error-name").text
    assert (
        browser.find_element(By.ID, "product_0_description").get_attribute("value")
        == "Tas anyaman rotan Kalimantan"
    )
    assert browser.find_element(By.ID, "market_JP").is_selected()
    assert not browser.find_elements(By.ID, "readiness-score")


@pytest.mark.parametrize("locale", ["id", "en"])
def test_an_owner_picks_the_product_when_the_classifier_is_unsure(browser, live_server, locale):
    """The top three with their HS wording, readable at 1280 and 390 px; the pick is what is assessed."""
    from selenium.webdriver.common.by import By

    from tests.web.test_browser import _fill_selfcheck, _submit
    from tests.web.test_pages_browser import _check_page
    from tests.web.test_selfcheck_pages import UNSURE_FORM

    browser.get(f"{live_server}/language/{locale}?next=/cek-kesiapan")
    _fill_selfcheck(
        browser, {**UNSURE_FORM, "annual_revenue_idr": {"id": "4.200.000.000", "en": "4,200,000,000"}[locale]}
    )
    _submit(browser, "selfcheck-submit")
    assert browser.find_elements(By.ID, "hs-choice-summary"), browser.find_element(By.TAG_NAME, "main").text
    _check_page(browser, "selfcheck-hs-choice", locale)
    radios = browser.find_elements(By.CSS_SELECTOR, 'input[name="product_0_hs_choice"]')
    assert len(radios) == 4  # three candidates and "not sure"
    picked = radios[1].get_attribute("value")
    browser.find_element(By.CSS_SELECTOR, f'label[for="{radios[1].get_attribute("id")}"]').click()
    _submit(browser, "selfcheck-submit")
    assert browser.find_elements(By.ID, "readiness-score")
    assert f"HS {picked}" in browser.find_element(By.TAG_NAME, "main").text
