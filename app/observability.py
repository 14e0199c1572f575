"""Request ids, structured (JSON) logs and Prometheus metrics at /metrics (README "Production").

Every request gets an id (the caller's `X-Request-ID` when it is a plain token, else a new one), echoed in
the response header and added to every log line written while the request runs. `/metrics` is closed
unless METRICS_TOKEN is set, and then answers only to `Authorization: Bearer <METRICS_TOKEN>`.
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import time
import uuid

from flask import Flask, Response, abort, current_app, g, has_request_context, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
# A caller's id is kept when it is short and plain (no spaces or control characters to forge log lines).
INCOMING_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}\Z")
JSON_LOG_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"
ASSESSMENT_ENDPOINT = "assessments.Assessments"

request_log = logging.getLogger("ovop.request")

REQUEST_LATENCY = Histogram(
    "ovop_http_request_duration_seconds",
    "Time to answer a request, by endpoint, method and status.",
    ("endpoint", "method", "status"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
ASSESSMENTS = Counter(
    "ovop_assessments_total", "Assessments answered by POST /api/v1/assessments, by outcome.", ("status",)
)
# Set from the database by whichever worker answers the scrape, just before it collects: with several
# gunicorn workers the most recent value of a live worker is the current one ("max" would keep a stale
# higher count from a worker that answered an earlier scrape).
QUEUE_DEPTH = Gauge(
    "ovop_case_queue_depth",
    "Open cases waiting in the advisor queue, by status (read from the database at scrape time).",
    ("status",),
    multiprocess_mode="livemostrecent",
)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every log record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Attach the current request's id."""
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def init_observability(app: Flask) -> None:
    """Request ids and timing on every request, JSON logs when LOG_FORMAT=json, and the /metrics endpoint."""
    configure_logging(app.config.get("LOG_FORMAT", "text"))
    app.before_request(_start_request)
    app.after_request(_finish_request)
    app.add_url_rule("/metrics", "metrics", metrics)


def configure_logging(log_format: str) -> None:
    """Give the root handlers the request-id filter, and the JSON formatter when asked for."""
    root = logging.getLogger()
    for handler in root.handlers:
        if not any(isinstance(existing, RequestIdFilter) for existing in handler.filters):
            handler.addFilter(RequestIdFilter())
        if log_format == "json":
            handler.setFormatter(JsonFormatter(JSON_LOG_FIELDS, rename_fields={"levelname": "level"}))


def _start_request() -> None:
    """Note the start time and the request id."""
    g.started_at = time.perf_counter()
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if INCOMING_REQUEST_ID.match(incoming) else uuid.uuid4().hex


def _finish_request(response: Response) -> Response:
    """Echo the request id, record the latency and the assessment count, log one line per request."""
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers[REQUEST_ID_HEADER] = request_id
    elapsed = time.perf_counter() - g.get("started_at", time.perf_counter())
    endpoint = request.endpoint or "unmatched"
    REQUEST_LATENCY.labels(endpoint, request.method, str(response.status_code)).observe(elapsed)
    if endpoint == ASSESSMENT_ENDPOINT and request.method == "POST":
        ASSESSMENTS.labels(str(response.status_code)).inc()
    if current_app.config.get("LOG_REQUESTS"):
        request_log.info(
            "%s %s %s %.1fms",
            request.method,
            request.path,
            response.status_code,
            elapsed * 1000,
            extra={"status": response.status_code, "duration_ms": round(elapsed * 1000, 2)},
        )
    return response


def _authorised() -> bool:
    """Whether the caller presented the configured metrics token."""
    expected = current_app.config.get("METRICS_TOKEN")
    presented = request.headers.get("Authorization", "")
    return bool(expected) and hmac.compare_digest(presented.encode(), f"Bearer {expected}".encode())


def _update_queue_depth() -> None:
    """Read the open cases per status (one grouped query)."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Application
    from app.services.cases import OPEN_STATUSES

    counts = dict.fromkeys(OPEN_STATUSES, 0)
    query = (
        select(Application.status, func.count())
        .where(Application.status.in_(OPEN_STATUSES))
        .group_by(Application.status)
    )
    counts.update(dict(db.session.execute(query).all()))
    for status, count in counts.items():
        QUEUE_DEPTH.labels(status).set(count)


def metrics():
    """Prometheus metrics (404 without METRICS_TOKEN configured, 401 without the right bearer token)."""
    if not current_app.config.get("METRICS_TOKEN"):
        abort(404)
    if not _authorised():
        abort(401)
    _update_queue_depth()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # several gunicorn workers: add up their files
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest()
    response = Response(body, mimetype=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response
