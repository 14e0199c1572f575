"""Bahasa Indonesia by default, English on request, remembered by the switch."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.db


def test_pages_are_in_indonesian_by_default(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="id">' in page and "Beranda" in page and ">Home<" not in page


def test_accept_language_english_gives_english(client):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page and ">Home<" in page


def test_query_parameter_overrides_browser_language(client):
    page = client.get("/?lang=id", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="id">' in page


def test_switch_remembers_the_choice_and_returns_to_the_page(client):
    response = client.get("/language/en?next=/cek-kesiapan")
    assert response.status_code == 302 and response.headers["Location"] == "/cek-kesiapan"
    assert "lang=en" in response.headers["Set-Cookie"]
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    client.get("/language/id?next=/")
    assert '<html lang="id">' in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


@pytest.mark.parametrize(
    "target",
    ["//evil.example/", "https://evil.example/", "/\t/evil.example/", "/\\evil.example", "/%0d/x\r\n"],
)
def test_switch_never_redirects_off_site(client, target):
    response = client.get("/language/en", query_string={"next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_unknown_language_is_ignored(client):
    response = client.get("/language/xx?next=/")
    assert response.status_code == 302 and "Set-Cookie" not in response.headers
