"""Request ids in a response header and in the logs, JSON log lines, and the protected /metrics."""

from __future__ import annotations

import json
import logging

import pytest

from app.observability import JSON_LOG_FIELDS, RequestIdFilter, configure_logging
from tests.profiles import gayo

METRICS_TOKEN = "metrics-secret-for-tests"


def test_every_answer_carries_a_request_id(client):
    """A fresh id per request, or the caller's own when it is a plain token."""
    first, second = client.get("/healthz"), client.get("/healthz")
    assert len(first.headers["X-Request-ID"]) == 32
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    echoed = client.get("/healthz", headers={"X-Request-ID": "lb-1234.abc"})
    assert echoed.headers["X-Request-ID"] == "lb-1234.abc"


@pytest.mark.parametrize("forged", ["a b", "x" * 65, "<script>", "id/../x", "ünïcode"])
def test_a_forged_request_id_is_replaced(client, forged):
    """Spaces, control characters, overlong or non-ASCII ids are not written to the logs: a new id."""
    response = client.get("/healthz", headers={"X-Request-ID": forged.encode("utf-8").decode("latin-1")})
    assert response.headers["X-Request-ID"] != forged and len(response.headers["X-Request-ID"]) == 32


def test_log_lines_are_json_with_the_request_id(app, client, monkeypatch):
    """LOG_FORMAT=json: one JSON object per line, carrying the request id of the answer."""
    from pythonjsonlogger.json import JsonFormatter

    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    handler = Collect()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter(JSON_LOG_FIELDS, rename_fields={"levelname": "level"}))
    logger = logging.getLogger("ovop.request")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    monkeypatch.setitem(app.config, "LOG_REQUESTS", True)
    try:
        response = client.get("/api/v1/countries")
    finally:
        logger.removeHandler(handler)
    line = json.loads(records[-1])
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["level"] == "INFO" and line["status"] == 200 and "duration_ms" in line


def test_configure_logging_json_sets_the_formatter_once():
    """Applied twice, the root handlers keep one request-id filter and get the JSON formatter."""
    root = logging.getLogger()
    # pytest's own capture handlers sit on the root too and live for the whole session: put them back as
    # they were, or every later test's caplog.text would be JSON.
    saved = [(existing, existing.formatter, list(existing.filters)) for existing in root.handlers]
    handler = logging.StreamHandler()
    root.addHandler(handler)
    try:
        configure_logging("json")
        configure_logging("json")
        assert sum(isinstance(f, RequestIdFilter) for f in handler.filters) == 1
        assert type(handler.formatter).__name__ == "JsonFormatter"
    finally:
        root.removeHandler(handler)
        for existing, formatter, filters in saved:
            existing.setFormatter(formatter)
            existing.filters[:] = filters


def test_metrics_are_closed_without_a_configured_token(client):
    """No METRICS_TOKEN: /metrics does not exist for anyone."""
    assert client.get("/metrics").status_code == 404


def test_metrics_need_the_token_and_show_latency_assessments_and_queue(app, client, monkeypatch, auth):
    """With the token: request latency by endpoint, assessments answered, open cases by status."""
    monkeypatch.setitem(app.config, "METRICS_TOKEN", METRICS_TOKEN)
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    admin = auth("admin")
    ikm_id = client.post("/api/v1/ikms", json=gayo(), headers=admin).json["id"]
    client.post("/api/v1/cases", json={"ikm_id": ikm_id, "programme_code": "PKE_UMKM"}, headers=admin)
    assert client.post("/api/v1/assessments", json={"ikm_id": ikm_id}, headers=admin).status_code == 201
    response = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert 'ovop_http_request_duration_seconds_count{endpoint="ikms.Ikms",method="POST",status="201"}' in text
    assert 'ovop_assessments_total{status="201"}' in text
    assert 'ovop_case_queue_depth{status="submitted"} 1.0' in text


def test_metrics_add_up_every_gunicorn_worker(app, tmp_path):
    """Under `gunicorn --workers 2` (gunicorn.conf.py: one metrics directory for all workers) every scrape,
    whichever worker answers it, counts the requests both workers served."""
    import os
    import re
    import subprocess
    import sys
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    from tests.auth.test_two_instances import ROOT, _free_port, _wait_until_healthy, call

    if app.config["DATABASE_BACKEND"] != "sqlite":
        pytest.skip("one server run is enough: the metrics do not depend on the database")
    env = {key: value for key, value in os.environ.items() if key != "PROMETHEUS_MULTIPROC_DIR"}
    env.update(
        APP_ENV="testing",
        TEST_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        METRICS_TOKEN=METRICS_TOKEN,
        RATELIMIT_ENABLED="false",
    )
    port = _free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "--bind", f"127.0.0.1:{port}", "--workers", "2", "wsgi:app"],  # sync workers
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_until_healthy([port], [server])
        sent = 40
        with ThreadPoolExecutor(max_workers=4) as pool:  # busy sync workers: both take connections
            statuses = list(pool.map(lambda _: call(port, "GET", "/api/v1/programmes")[0], range(sent)))
        assert statuses == [200] * sent
        line = re.compile(
            r'^ovop_http_request_duration_seconds_count\{endpoint="assessments\.Programmes",'
            r'method="GET",status="200"\} (\S+)$',
            re.M,
        )
        for _ in range(6):  # each scrape is answered by either worker
            status, _, body = call(
                port, "GET", "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
            )
            assert status == 200
            assert [float(value) for value in line.findall(body.decode())] == [sent]
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()
