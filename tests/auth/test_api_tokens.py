"""Bearer tokens: 401 without one, stored hashed, revocable; the OpenAPI spec documents the scheme."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ApiToken

ERROR_SHAPE = {"code", "status", "message", "errors"}
CLOSED_OPERATIONS = [
    ("get", "/api/v1/ikms"),
    ("post", "/api/v1/ikms"),
    ("get", "/api/v1/ikms/1"),
    ("patch", "/api/v1/ikms/1"),
    ("get", "/api/v1/ikms/1/assessments"),
    ("get", "/api/v1/assessments/1"),
    ("get", "/api/v1/me"),
    ("delete", "/api/v1/me/token"),
    ("get", "/api/v1/users"),
]
OPEN_OPERATIONS = [
    "/api/v1/regions",
    "/api/v1/countries",
    "/api/v1/hs?q=kopi",
    "/api/v1/programmes",
    "/api/v1/requirements?hs_code=090111&market=US",
    "/api/v1/openapi.json",
    "/healthz",
]


@pytest.mark.parametrize(("method", "path"), CLOSED_OPERATIONS)
def test_a_closed_operation_without_a_token_gets_401_in_the_error_shape(client, method, path):
    """No token, no data: 401 with the contract's error body and a WWW-Authenticate header."""
    response = getattr(client, method)(path, json={} if method in ("post", "patch") else None)
    assert response.status_code == 401, response.json
    assert set(response.json) == ERROR_SHAPE and response.json["code"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("path", OPEN_OPERATIONS)
def test_reference_look_ups_and_docs_stay_open(client, path):
    """Reference data, policy look-ups, the spec and the health check need no token."""
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    "header", ["Bearer not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc", "bearer"]
)
def test_a_wrong_or_malformed_token_gets_401(client, header):
    """Any Authorization header that does not carry a live token is refused, even on open endpoints."""
    for path in ("/api/v1/me", "/api/v1/regions"):
        response = client.get(path, headers={"Authorization": header})
        assert response.status_code == 401 and response.json["code"] == 401


def test_a_token_is_stored_only_as_its_sha256_hash(app, make_user):
    """The database never holds the token itself."""
    user, token = make_user("advisor")
    with app.app_context():
        stored = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    assert len(stored) == 1
    assert stored[0].token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {stored[0].token_hash, stored[0].label}


def test_me_shows_the_callers_account(client, make_user):
    """GET /me answers the role and scope behind the token."""
    user, token = make_user("district", region="11.17")
    body = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json
    assert body == {**body, "id": user.id, "role": "district", "region_code": "11.17", "email": user.email}


def test_a_revoked_token_stops_working_at_once(client, make_user):
    """DELETE /me/token revokes the token it was sent with; the next request gets 401."""
    _, token = make_user("advisor")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert client.delete("/api/v1/me/token", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_deactivated_accounts_token_stops_working(app, client, make_user):
    """Deactivating an account (CLI) shuts its tokens out."""
    from app.services import users

    user, token = make_user("advisor")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    with app.app_context():
        users.set_active(users.get_user_by_email(user.email), False, actor="test")
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_tokens_last_use_is_noted_at_most_once_a_minute(app, client, make_user, monkeypatch):
    """The first request notes the token's last use; one within a minute writes nothing; a later one does."""
    from datetime import UTC, datetime, timedelta

    from app.services import clock

    now = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
    monkeypatch.setattr(clock, "utcnow", lambda: now)
    user, token = make_user("advisor")
    headers = {"Authorization": f"Bearer {token}"}

    def last_used():
        with app.app_context():
            stored = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one()
            return clock.as_utc(stored.last_used_at)

    assert last_used() is None
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert last_used() == now
    first = now
    now += timedelta(seconds=59)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert last_used() == first
    now += timedelta(seconds=2)
    assert client.get("/api/v1/me", headers=headers).json["id"] == user.id
    assert last_used() == now


def test_the_openapi_spec_documents_the_bearer_scheme_on_closed_operations_only(client):
    """bearerAuth is declared; closed operations require it; open ones do not."""
    spec = client.get("/api/v1/openapi.json").json
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        **spec["components"]["securitySchemes"]["bearerAuth"],
        "type": "http",
        "scheme": "bearer",
    }
    paths = spec["paths"]
    assert paths["/api/v1/ikms"]["get"]["security"] == [{"bearerAuth": []}]
    assert "401" in paths["/api/v1/ikms"]["get"]["responses"]
    assert paths["/api/v1/regions"]["get"]["security"] == []
    assert {} in paths["/api/v1/assessments"]["post"]["security"]
