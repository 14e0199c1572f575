"""The public self-check: open, rate-limited per client, and keeps no personal data without a sign-in."""

from __future__ import annotations

from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import Assessment
from tests.profiles import gayo


def _snapshot(app, assessment_id: int) -> dict:
    """The stored profile snapshot of an assessment."""
    with app.app_context():
        return db.session.scalar(select(Assessment.profile_snapshot).where(Assessment.id == assessment_id))


def test_an_anonymous_self_check_is_answered_but_stores_no_name_nib_or_contact(app, client):
    """201 with the result; the stored snapshot has no name, NIB, owner or contact fields."""
    profile = gayo(owner_name="Ibu Sari", contact_email="sari@example.id", contact_phone="+62 812 1234 5678")
    response = client.post("/api/v1/assessments", json={"profile": profile})
    assert response.status_code == 201 and response.json["readiness"]["score"] >= 0
    snapshot = _snapshot(app, response.json["id"])
    assert snapshot["region_code"] == "11.17" and snapshot["products"]
    assert not {"name", "nib", "owner_name", "contact_email", "contact_phone"} & set(snapshot)


def test_a_signed_in_self_check_keeps_the_profile(app, client, auth):
    """With a token the snapshot is complete (and the assessment readable by its author)."""
    headers = auth("owner")
    response = client.post("/api/v1/assessments", json={"profile": gayo()}, headers=headers)
    assert response.status_code == 201
    assert _snapshot(app, response.json["id"])["nib"] == "9120001234567"


def test_a_ministry_self_check_is_stored_without_personal_data(app, client, auth):
    """The ministry never holds personal data, even data it typed in itself."""
    response = client.post("/api/v1/assessments", json={"profile": gayo()}, headers=auth("ministry"))
    assert response.status_code == 201
    assert "nib" not in _snapshot(app, response.json["id"])


def test_the_self_check_is_rate_limited_per_client_when_limits_are_enabled(app):
    """With RATELIMIT_ENABLED the N+1st anonymous request in the window gets 429 (JSON, Retry-After);
    another client address and signed-in callers are not affected."""
    limited = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "RATELIMIT_ENABLED": True,
            "SELF_CHECK_RATE_LIMIT": "3 per minute",
        }
    )
    client = limited.test_client()
    body = {"profile": gayo()}
    statuses = [client.post("/api/v1/assessments", json=body).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    refused = client.post("/api/v1/assessments", json=body)
    assert refused.status_code == 429 and refused.json["code"] == 429
    assert int(refused.headers["Retry-After"]) >= 1
    other_client = client.post("/api/v1/assessments", json=body, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other_client.status_code == 201
    with limited.app_context():
        from app.services import users

        account = users.create_user("limited-owner@test.example", "owner")
        token = users.issue_token(account)
    signed_in = client.post("/api/v1/assessments", json=body, headers={"Authorization": f"Bearer {token}"})
    assert signed_in.status_code == 201
    with limited.app_context():
        db.session.remove()
        db.engine.dispose()


def _limited_app(app, **limits):
    """An app on the test database with rate limits on (in-memory counters) and the given limits."""
    return create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            **limits,
        }
    )


def test_the_self_check_page_and_the_api_share_one_count_per_client(app):
    """The page form and POST /api/v1/assessments draw on one allowance; the page's 429 is a page."""
    limited = _limited_app(app, SELF_CHECK_RATE_LIMIT="2 per minute")
    client = limited.test_client()
    assert client.post("/api/v1/assessments", json={"profile": gayo()}).status_code == 201
    assert client.post("/cek-kesiapan", data={}).status_code == 422  # counted, then the form's errors
    refused = client.post("/cek-kesiapan", data={})
    assert refused.status_code == 429 and refused.mimetype == "text/html"
    assert client.post("/api/v1/assessments", json={"profile": gayo()}).status_code == 429
    with limited.app_context():
        db.session.remove()
        db.engine.dispose()


def test_sign_in_attempts_are_limited_per_client_address(app):
    """Beyond LOGIN_RATE_LIMIT a client's next sign-in POST gets 429; showing the form is not counted."""
    limited = _limited_app(app, LOGIN_RATE_LIMIT="2 per minute")
    client = limited.test_client()
    form = {"email": "nobody@test.example", "password": "wrong-password"}
    assert [client.post("/login", data=form).status_code for _ in range(2)] == [401, 401]
    assert client.get("/login").status_code == 200
    assert client.post("/login", data=form).status_code == 429
    other = client.post("/login", data=form, environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert other.status_code == 401
    with limited.app_context():
        db.session.remove()
        db.engine.dispose()
