"""Security headers on every answer, HSTS in production, no-store wherever personal data may show."""

from __future__ import annotations

import pytest

from app import create_app

PASSWORD = "kopi-gayo-2026"
EVERY_ANSWER = ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy")


@pytest.mark.parametrize(
    "path", ["/", "/login", "/cek-kesiapan", "/api/v1/regions", "/no-such-page", "/healthz"]
)
def test_every_answer_carries_the_security_headers(client, path):
    """CSP without inline scripts, no framing, no MIME sniffing, same-origin referrers."""
    response = client.get(path)
    assert all(name in response.headers for name in EVERY_ANSWER), dict(response.headers)
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self';" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_only_the_swagger_page_may_run_its_inline_script(client):
    """flask-smorest's Swagger UI starts with an inline script; nothing else gets 'unsafe-inline' scripts."""
    assert (
        "script-src 'self' 'unsafe-inline'" in client.get("/api/v1/docs").headers["Content-Security-Policy"]
    )


def test_hsts_is_sent_in_production_only(app, client, monkeypatch):
    """Development and tests speak plain HTTP; production sets a year of HSTS."""
    assert "Strict-Transport-Security" not in client.get("/").headers
    monkeypatch.setenv("SECRET_KEY", "production-secret")
    production = create_app({"APP_ENV": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    header = production.test_client().get("/").headers["Strict-Transport-Security"]
    assert header.startswith("max-age=31536000")


def test_pages_of_a_signed_in_user_are_not_stored(client, make_user):
    """The queue shows names and NIB: Cache-Control no-store; the anonymous home page may be cached."""
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    user, _ = make_user("advisor", password=PASSWORD)
    signed_in = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert signed_in.headers["Cache-Control"] == "no-store"
    assert client.get("/cases").headers["Cache-Control"] == "no-store"


def test_api_answers_to_a_token_and_form_results_are_not_stored(client, auth, make_user):
    """Anything asked with a token, and the result of any form or POST, is no-store."""
    assert client.get("/api/v1/me", headers=auth("advisor")).headers["Cache-Control"] == "no-store"
    assert client.post("/cek-kesiapan", data={}).headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/api/v1/regions").headers.get("Cache-Control", "")


def test_proxy_fix_is_off_by_default_and_on_by_setting(app, monkeypatch):
    """X-Forwarded-For is ignored unless PROXY_FIX_HOPS says how many proxies to trust."""
    from flask import request

    def seen_address(application) -> str:
        @application.get("/_probe_address")
        def probe():
            return request.remote_addr or ""

        client = application.test_client()
        return client.get("/_probe_address", headers={"X-Forwarded-For": "203.0.113.9"}).get_data(
            as_text=True
        )

    direct = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    proxied = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "PROXY_FIX_HOPS": 1})
    assert seen_address(direct) == "127.0.0.1"
    assert seen_address(proxied) == "203.0.113.9"
