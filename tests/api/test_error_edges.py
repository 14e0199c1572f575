"""Edges that used to end in 500: a database that does not answer (503) and deeply nested JSON (400)."""

from __future__ import annotations

import pytest

from app import create_app
from tests.profiles import gayo

# Nothing listens on port 1: every connection attempt fails at once.
UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/ovop_unreachable?connect_timeout=2"


@pytest.fixture(scope="module")
def app_without_database():
    """The app pointed at a PostgreSQL that is down."""
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": UNREACHABLE,
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/api/v1/regions", None),
        ("get", "/api/v1/hs?q=kopi", None),
        ("get", "/api/v1/countries", None),
        ("get", "/cek-kesiapan", None),
        ("post", "/login", {"email": "kab@example.id", "password": "kata-sandi-panjang"}),
    ],
)
def test_a_database_that_does_not_answer_gives_503_with_retry_after(app_without_database, method, path, data):
    """503 and Retry-After (JSON for the API, a page for browsers), never a 500."""
    client = app_without_database.test_client()
    response = getattr(client, method)(path, data=data) if data else getattr(client, method)(path)
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert response.headers["Retry-After"].isdigit()
    if path.startswith("/api/"):
        assert response.json["code"] == 503 and set(response.json) == {"code", "status", "message", "errors"}


@pytest.mark.parametrize("path", ["/api/v1/assessments", "/api/v1/hs/classify", "/api/v1/ikms"])
def test_a_thousand_nested_arrays_get_400_not_500(client, path):
    """2 KB of brackets exhaust the JSON parser's recursion: 400 in the error shape, anonymous too."""
    body = "[" * 1000 + "]" * 1000
    response = client.post(path, data=body, content_type="application/json")
    assert response.status_code in (400, 401), response.json
    if response.status_code == 400:
        assert "nested too deeply" in response.json["message"]


def test_deep_json_from_an_anonymous_client_on_the_public_self_check(client):
    """The public endpoint answers 400 before any work is done."""
    body = '{"profile":' + "[" * 5000 + "]" * 5000 + "}"
    response = client.post("/api/v1/assessments", data=body, content_type="application/json")
    assert response.status_code == 400 and response.json["code"] == 400


def test_a_recursion_error_outside_json_parsing_is_a_logged_500(client, monkeypatch, caplog):
    """Only decoding the body maps RecursionError to 400; one anywhere else is a bug: 500, logged."""
    from app.services import assessments

    def runaway(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(assessments, "evaluate", runaway)
    response = client.post("/api/v1/assessments", json={"profile": gayo()})
    assert response.status_code == 500 and response.json["code"] == 500
    assert "nested too deeply" not in response.json["message"]
    assert any("Unhandled error" in record.getMessage() for record in caplog.records)


def test_any_uniqueness_rule_lost_to_a_simultaneous_request_is_409(client, auth, monkeypatch):
    """The last line of defence: an IntegrityError from any write is 409 in the error shape, rolled back."""
    from sqlalchemy.exc import IntegrityError

    from app.services import ikms

    def lost_race(*args, **kwargs):
        raise IntegrityError(
            "INSERT INTO ikms …", {}, Exception("duplicate key value violates unique constraint")
        )

    monkeypatch.setattr(ikms, "create_ikm", lost_race)
    response = client.post("/api/v1/ikms", json=gayo(), headers=auth("admin"))
    assert response.status_code == 409 and set(response.json) == {"code", "status", "message", "errors"}
    assert "duplicate key" not in response.json["message"]
