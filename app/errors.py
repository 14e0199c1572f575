"""Domain exceptions and the one error shape: JSON for the API, HTML pages for browsers."""

from __future__ import annotations

import logging
from http import HTTPStatus

from flask import Flask, jsonify, render_template, request
from sqlalchemy.exc import DisconnectionError, IntegrityError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db

log = logging.getLogger(__name__)

JSON_PREFIXES = ("/api/", "/healthz")


class DomainError(Exception):
    """A failure the service explains to its caller; `status` is the HTTP status it maps to."""

    status = 400

    def __init__(self, message: str, errors: dict | None = None, extra: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        self.extra = extra or {}


class NotFound(DomainError):
    """The resource does not exist (or the caller may not know it exists)."""

    status = 404


class InvalidInput(DomainError):
    """Input failed validation; `errors` is keyed by location and field path."""

    status = 422


class Conflict(DomainError):
    """The resource changed since the caller read it, or would be duplicated."""

    status = 409


class Forbidden(DomainError):
    """The caller is known but may not do this."""

    status = 403


class Unauthorized(DomainError):
    """The caller did not authenticate."""

    status = 401
    headers = {"WWW-Authenticate": 'Bearer realm="ovop"'}


def error_payload(status: int, message: str | None = None, errors: dict | None = None) -> dict:
    """Build the contract's error body: code, status, message, errors."""
    phrase = HTTPStatus(status).phrase
    return {"code": status, "status": phrase, "message": message or phrase, "errors": errors or {}}


def wants_json() -> bool:
    """Tell whether this request should get a JSON error rather than an HTML page."""
    if request.path.startswith(JSON_PREFIXES):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def _respond(status: int, message: str, errors: dict | None = None, extra: dict | None = None, headers=None):
    """Answer with JSON or an HTML page, same status either way."""
    if wants_json():
        body = error_payload(status, message, errors)
        body.update(extra or {})
        response = jsonify(body)
    else:
        page = render_template("error.html", code=status, phrase=HTTPStatus(status).phrase, message=message)
        response = page
    return response, status, headers or {}


def handle_http_exception(error: HTTPException):
    """Render werkzeug/flask-smorest HTTP errors (404, 405, 413, 422 from webargs…) in the one shape."""
    data = getattr(error, "data", None) or {}
    errors = data.get("messages") or data.get("errors")
    message = data.get("message") or error.description or HTTPStatus(error.code).phrase
    if error.code == 422 and not data.get("message"):
        message = "Input failed validation / Data tidak valid; see errors for each field."
    headers = dict(data.get("headers") or {})
    if error.code == 405 and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return _respond(error.code or 500, message, errors, headers=headers)


def handle_domain_error(error: DomainError):
    """Translate a domain exception at the edge."""
    if error.status >= 500:
        db.session.rollback()
    return _respond(error.status, error.message, error.errors, error.extra, getattr(error, "headers", None))


def _rollback_quietly() -> None:
    """Roll the session back; with the database gone even that can fail, which changes nothing here."""
    try:
        db.session.rollback()
    except Exception:  # the connection is already broken; the answer is the same
        log.warning("rollback failed", exc_info=True)


def is_unique_violation(error: IntegrityError) -> bool:
    """True when the database refused a duplicate: PostgreSQL's SQLSTATE 23505, or by the text of its
    message (PostgreSQL's, SQLite's) when the driver gives no SQLSTATE."""
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate == "23505"
    text = str(error.orig)
    return "UNIQUE constraint failed" in text or "violates unique constraint" in text


def handle_integrity_error(error: IntegrityError):
    """A uniqueness rule the database enforced against a simultaneous request: 409. Any other integrity
    error (NOT NULL, a foreign key) is a bug in the service, answered and logged as one (500)."""
    if not is_unique_violation(error):
        return handle_unexpected(error)
    _rollback_quietly()
    log.info("integrity conflict on %s %s: %s", request.method, request.path, error.orig)
    return _respond(
        409,
        "Data yang sama baru saja diubah oleh permintaan lain; muat ulang lalu ulangi. / "
        "A simultaneous request changed the same data; reload and try again.",
    )


DATABASE_RETRY_SECONDS = 5


def handle_database_unavailable(error: Exception):
    """The database does not answer (down, restarting, network): 503 with Retry-After, not 500."""
    _rollback_quietly()
    log.error("database unavailable on %s %s: %s", request.method, request.path, type(error).__name__)
    return _respond(
        503,
        "Basis data sedang tidak dapat dihubungi; coba lagi sebentar lagi. / "
        "The database is unavailable; try again shortly.",
        headers={"Retry-After": str(DATABASE_RETRY_SECONDS)},
    )


def handle_unexpected(error: Exception):
    """Roll back, log the stack trace server-side, and answer 500 without details."""
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    _rollback_quietly()
    log.exception("Unhandled error on %s %s", request.method, request.path)
    return _respond(500, InternalServerError.description)


def register_error_handlers(app: Flask) -> None:
    """Install the handlers; they replace flask-smorest's so pages get HTML."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    for unavailable in (OperationalError, InterfaceError, DisconnectionError):
        app.register_error_handler(unavailable, handle_database_unavailable)
    app.register_error_handler(Exception, handle_unexpected)
