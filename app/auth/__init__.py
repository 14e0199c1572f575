"""Accounts, sign-in and access control: sessions for the pages, bearer tokens for the API."""

from __future__ import annotations

import flask_login
from flask import Flask, current_app, has_request_context, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from app.auth.api import API_PREFIX, authenticate_api_request, current_api_user
from app.extensions import csrf, db, login_manager
from app.models import User

# Per client address, counted in RATELIMIT_STORAGE_URI (Redis in production: one count for every worker and
# instance). Flask-Limiter keeps its storage on this object, so a process serves one configuration (the
# app it was last bound to); whether limits apply is read from each app's RATELIMIT_ENABLED per request.
limiter = Limiter(get_remote_address)


def init_auth(app: Flask) -> None:
    """Bind Flask-Login, CSRF protection of every page form, the rate limiter and API authentication."""
    login_manager.init_app(app)
    login_manager.login_view = "account_pages.login"
    login_manager.login_message = "Silakan masuk terlebih dahulu. / Please sign in first."
    login_manager.session_protection = "strong"
    login_manager.user_loader(_load_session_user)

    # Pages are checked here on every unsafe method; the API authenticates by bearer token only (no
    # cookies), so it needs no CSRF token.
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    csrf.init_app(app)
    app.before_request(_protect_page_forms)

    limiter.init_app(app)
    app.before_request(authenticate_api_request)


def _load_session_user(user_id: str) -> User | None:
    """Flask-Login's loader: the active user of a session cookie."""
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


def _protect_page_forms() -> None:
    """Check the CSRF token of every page form (POST, PUT, PATCH, DELETE outside /api)."""
    if request.path.startswith(API_PREFIX) or not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    csrf.protect()


def current_actor() -> User | None:
    """Whoever acts in this request: the API token's owner, or the signed-in page user (None otherwise)."""
    if not has_request_context():
        return None  # the CLI passes its actor label ("cli") explicitly
    if request.path.startswith(API_PREFIX):
        return current_api_user()
    user = flask_login.current_user
    if user is None or not user.is_authenticated:
        return None
    return user._get_current_object()


def client_address() -> str | None:
    """The caller's address, for the audit trail and lock-out messages."""
    return request.remote_addr if has_request_context() else None


@limiter.request_filter
def _limits_disabled() -> bool:
    """Exempt every request of an app whose RATELIMIT_ENABLED is off (the tests' apps, benchmarks)."""
    return not current_app.config.get("RATELIMIT_ENABLED", True)


def _signed_in() -> bool:
    """Signed-in callers (token or session) are not counted against the public limits."""
    return current_actor() is not None


def _too_many(config_key: str):
    """The bilingual 429 message for the limit named in config (Retry-After says when to try again)."""

    def message() -> str:
        limit = current_app.config[config_key]
        return f"Terlalu banyak permintaan (batas {limit}). / Too many requests (limit {limit})."

    return message


def _configured(config_key: str):
    """The limit named in config ("120 per minute"), read when a request is counted."""
    return lambda: current_app.config[config_key]


# The public self-check, as a page form and through the API, counted together per client.
self_check_limit = limiter.shared_limit(
    _configured("SELF_CHECK_RATE_LIMIT"),
    scope="self-check",
    exempt_when=_signed_in,
    error_message=_too_many("SELF_CHECK_RATE_LIMIT"),
)
# Anonymous HS classification: the same allowance, counted apart from the self-check.
classify_limit = limiter.shared_limit(
    _configured("SELF_CHECK_RATE_LIMIT"),
    scope="hs-classify",
    exempt_when=_signed_in,
    error_message=_too_many("SELF_CHECK_RATE_LIMIT"),
)
# Sign-in attempts per client address (the per-account lock-out is separate: users.authenticate).
login_limit = limiter.limit(
    _configured("LOGIN_RATE_LIMIT"),
    methods=["POST"],
    error_message=_too_many("LOGIN_RATE_LIMIT"),
)
