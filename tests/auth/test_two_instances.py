"""Two instances sharing PostgreSQL and Redis behave as one: rate limit, sessions and case locks.

The two instances are two app objects in this process, each with its own connection pool and limiter (as
two gunicorn processes on different ports would have); they share only the database and Redis.
"""

from __future__ import annotations

import uuid

import pytest

from app import create_app
from app.extensions import db
from tests.profiles import gayo

REDIS_URL = "redis://127.0.0.1:6379/13"
PASSWORD = "kopi-gayo-2026"


def _redis_answers() -> bool:
    """Whether the local Redis answers PING."""
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:  # any connection problem means "not here"
        return False


@pytest.fixture
def instances(app):
    """Two instances on the test PostgreSQL database with a Redis-backed limiter (3 self-checks/minute)."""
    if app.config["DATABASE_BACKEND"] != "postgresql":
        pytest.skip("two instances share a server database: needs PostgreSQL (set TEST_DATABASE_URL)")
    if not _redis_answers():
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    settings = {
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "shared-secret-of-both-instances",
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": f"ovop-test-{uuid.uuid4().hex}",  # fresh counters for every run
        "SELF_CHECK_RATE_LIMIT": "3 per minute",
    }
    pair = [create_app(dict(settings)) for _ in range(2)]
    yield pair
    for instance in pair:
        with instance.app_context():
            db.session.remove()
            db.engine.dispose()


def test_the_self_check_limit_is_counted_across_instances(instances):
    """Three anonymous self-checks spread over both instances use up the limit of both."""
    first, second = (instance.test_client() for instance in instances)
    body = {"profile": gayo()}
    statuses = [
        client.post("/api/v1/assessments", json=body).status_code for client in (first, second, first)
    ]
    assert statuses == [201, 201, 201]
    assert second.post("/api/v1/assessments", json=body).status_code == 429
    assert first.post("/api/v1/assessments", json=body).status_code == 429


def test_a_session_from_one_instance_is_accepted_by_the_other(instances, make_user):
    """Signed session cookies with the shared SECRET_KEY: sign in on one, work on the other."""
    user, _ = make_user("advisor", password=PASSWORD)
    first, second = (instance.test_client() for instance in instances)
    assert first.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    cookie = first.get_cookie("session")
    assert second.get("/cases").status_code == 302  # not signed in there yet
    second.set_cookie("session", cookie.value)
    assert second.get("/cases").status_code == 200


def test_case_rules_hold_across_instances(instances, make_user):
    """One open case per IKM (409 on the other instance) and optimistic locking (stale version 409)."""
    _, token = make_user("admin")
    headers = {"Authorization": f"Bearer {token}"}
    first, second = (instance.test_client() for instance in instances)
    ikm_id = first.post("/api/v1/ikms", json=gayo(), headers=headers).json["id"]
    body = {"ikm_id": ikm_id, "programme_code": "PKE_UMKM"}
    case = first.post("/api/v1/cases", json=body, headers=headers).json
    duplicate = second.post("/api/v1/cases", json=body, headers=headers)
    assert duplicate.status_code == 409 and duplicate.json["existing_case_id"] == case["id"]
    review = {"version": case["version"]}
    assert first.post(f"/api/v1/cases/{case['id']}/review", json=review, headers=headers).status_code == 200
    stale = second.post(f"/api/v1/cases/{case['id']}/review", json=review, headers=headers)
    assert stale.status_code == 409 and stale.json["current"]["version"] == case["version"] + 1
