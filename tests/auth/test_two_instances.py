"""Two instances sharing PostgreSQL and Redis behave as one: rate limit, sessions and case rules.

The instances are two real server processes (`gunicorn wsgi:app`, one worker each) on two ports of
127.0.0.1, started once for this module on the test PostgreSQL database with a Redis-backed limiter
(3 self-checks per minute). They share nothing but the database, Redis and the SECRET_KEY of their config.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.profiles import gayo

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/13"
PASSWORD = "kopi-gayo-2026"
START_TIMEOUT_SECONDS = 180


def _redis_answers() -> bool:
    """Whether the local Redis answers PING."""
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:  # any connection problem means "not here"
        return False


def _free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(port: int, method: str, path: str, body=None, headers=None) -> tuple[int, dict, bytes]:
    """One HTTP request to an instance: status, headers (lower-case names) and body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = dict(headers or {})
    if isinstance(body, dict):
        body = json.dumps(body)
        headers["Content-Type"] = "application/json"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    names = {name.lower(): value for name, value in response.getheaders()}
    answer = (response.status, names, response.read())
    connection.close()
    return answer


def _wait_until_healthy(ports: list[int], servers: list[subprocess.Popen]) -> None:
    """Poll /healthz on every port until each answers 200 (fail when a server exits or time runs out)."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    waiting = set(ports)
    while waiting and time.monotonic() < deadline:
        for server in servers:
            if server.poll() is not None:
                raise RuntimeError(f"an instance exited: {server.stderr.read().decode()[-2000:]}")
        for port in list(waiting):
            try:
                if call(port, "GET", "/healthz")[0] == 200:
                    waiting.discard(port)
            except OSError:
                pass
        time.sleep(0.5)
    if waiting:
        raise RuntimeError(f"instances on ports {sorted(waiting)} did not become healthy")


@pytest.fixture(scope="module")
def ports(app):
    """Start two gunicorn instances on the test PostgreSQL database and Redis; yield their ports."""
    if app.config["DATABASE_BACKEND"] != "postgresql":
        pytest.skip("two instances share a server database: needs PostgreSQL (set TEST_DATABASE_URL)")
    if not _redis_answers():
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # fresh counters (db 13 belongs to this test)
    env = {
        **os.environ,
        "APP_ENV": "testing",  # the shared SECRET_KEY of the testing config; CSRF off for the form post
        "TEST_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "RATELIMIT_ENABLED": "true",
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "SELF_CHECK_RATE_LIMIT": "3 per minute",
    }
    bound = [_free_port(), _free_port()]
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    servers = [
        subprocess.Popen(
            [gunicorn, "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in bound
    ]
    try:
        _wait_until_healthy(bound, servers)
        yield bound
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
            server.stderr.close()


def test_the_self_check_limit_is_counted_across_instances(ports):
    """Three anonymous self-checks spread over both instances use up the limit of both."""
    first, second = ports
    body = {"profile": gayo()}
    statuses = [call(port, "POST", "/api/v1/assessments", body)[0] for port in (first, second, first)]
    assert statuses == [201, 201, 201]
    refused_status, refused_headers, refused_body = call(second, "POST", "/api/v1/assessments", body)
    assert refused_status == 429 and json.loads(refused_body)["code"] == 429
    assert int(refused_headers["retry-after"]) >= 1
    assert call(first, "POST", "/api/v1/assessments", body)[0] == 429


def test_a_session_from_one_instance_is_accepted_by_the_other(ports, make_user):
    """Sign in on one instance, work with its session cookie on the other."""
    user, _ = make_user("advisor", password=PASSWORD)
    first, second = ports
    form = f"email={user.email}&password={PASSWORD}"
    status, headers, _ = call(
        first, "POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 302
    cookie = headers["set-cookie"].split(";", 1)[0]
    assert cookie.startswith("session=")
    assert call(second, "GET", "/cases")[0] == 302  # without the cookie: to the sign-in page
    assert call(second, "GET", "/cases", headers={"Cookie": cookie})[0] == 200


def test_case_rules_hold_across_instances(ports, make_user):
    """One open case per IKM (409 on the other instance) and optimistic locking (stale version 409)."""
    _, token = make_user("admin")
    headers = {"Authorization": f"Bearer {token}"}
    first, second = ports
    status, _, created = call(first, "POST", "/api/v1/ikms", gayo(), headers)
    assert status == 201
    body = {"ikm_id": json.loads(created)["id"], "programme_code": "PKE_UMKM"}
    status, _, case = call(first, "POST", "/api/v1/cases", body, headers)
    assert status == 201
    case = json.loads(case)
    status, _, duplicate = call(second, "POST", "/api/v1/cases", body, headers)
    assert status == 409 and json.loads(duplicate)["existing_case_id"] == case["id"]
    review = {"version": case["version"]}
    assert call(first, "POST", f"/api/v1/cases/{case['id']}/review", review, headers)[0] == 200
    status, _, stale = call(second, "POST", f"/api/v1/cases/{case['id']}/review", review, headers)
    assert status == 409 and json.loads(stale)["current"]["version"] == case["version"] + 1
