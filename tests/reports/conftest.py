"""Fixtures for reports: IKM with a current assessment written straight to the database."""

from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from app.models import Assessment, Ikm
from tests.web.conftest import live_server  # noqa: F401  (the browser tests' live server)


@pytest.fixture
def population(app):
    """`population(count, region="11.17", commodity="coffee", level=..., gaps=())` adds assessed IKM."""
    counter = iter(range(1, 100_000))

    def _add(
        count: int, region: str = "11.17", commodity: str = "coffee", level: str = "developing", **extra
    ):
        gaps = extra.pop("gaps", ())
        with app.app_context():
            for _ in range(count):
                number = next(counter)
                ikm = Ikm(
                    name=f"IKM Rahasia {number}",
                    nib=f"{9_100_000_000_000 + number + 10_000 * len(region)}"[:13],
                    region_code=region,
                    province_code=region[:2],
                    primary_commodity=commodity,
                    target_markets=["DE"],
                    ovop_stars=extra.get("ovop_stars"),
                )
                db.session.add(ikm)
                db.session.flush()
                db.session.add(
                    Assessment(
                        ikm_id=ikm.id,
                        as_of=extra.get("as_of", date(2026, 11, 2)),
                        score=40,
                        level=level,
                        route=extra.get("route", "non_financial"),
                        status="complete",
                        size_class="small",
                        region_code=region,
                        province_code=region[:2],
                        commodity=commodity,
                        review_required=False,
                        policy_version="v1.1",
                        policy_hash="test",
                        model_version="test",
                        profile_snapshot={},
                        result={},
                        ovop_stars=extra.get("ovop_stars"),
                        eligible_programmes=extra.get("eligible", "JASA_KONSULTASI"),
                        gap_list=";".join(f"{code}|{severity}|{day or ''}" for code, severity, day in gaps)
                        or None,
                    )
                )
            db.session.commit()

    return _add


PASSWORD = "laporan-ovop-2026"


@pytest.fixture
def sign_in(client, make_user):
    """Create an account with a password and sign the test client in: `sign_in(role, region=None)`."""

    def _sign_in(role: str, region: str | None = None):
        user, _ = make_user(role, region, None, password=PASSWORD)
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return _sign_in


@pytest.fixture
def chromium(tmp_path, monkeypatch):
    """Headless Chromium that keeps the console log and downloads into tmp_path/downloads."""
    import shutil

    chromium_binary, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium_binary and chromedriver):
        pytest.skip("chromium and chromedriver are not installed (run `make browser`)")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    from tests.web.conftest import CHROMIUM_FLAGS

    monkeypatch.setenv("SE_OFFLINE", "true")
    options = Options()
    options.binary_location = chromium_binary
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads)})
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    driver.set_page_load_timeout(60)
    driver.implicitly_wait(2)
    driver.downloads = downloads
    yield driver
    driver.quit()
