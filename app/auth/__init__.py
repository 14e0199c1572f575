"""Accounts, sign-in and access control: sessions for the pages, bearer tokens for the API."""

from __future__ import annotations

import time

import flask_login
from flask import Flask, current_app, has_request_context, request

from app.auth.api import API_PREFIX, authenticate_api_request, current_api_user
from app.errors import DomainError
from app.extensions import csrf, db, login_manager
from app.models import User

LIMITER_KEY = "ovop_limiter"


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

    # One limiter per app (the tests build one app per database), made at the first counted request.
    app.extensions.lazy(LIMITER_KEY, lambda: _rate_limiter(app))
    app.before_request(authenticate_api_request)


def _rate_limiter(app: Flask):
    """The `limits` strategy (RATELIMIT_STRATEGY, fixed-window) over RATELIMIT_STORAGE_URI (memory:// or
    redis://…), configured as Flask-Limiter would; `limits` is imported only when a request is counted."""
    from limits.storage import storage_from_string
    from limits.strategies import STRATEGIES

    options = app.config.get("RATELIMIT_STORAGE_OPTIONS", {})
    storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"], **options)
    return STRATEGIES[app.config.get("RATELIMIT_STRATEGY", "fixed-window")](storage)


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


class TooManyRequests(DomainError):
    """The client sent more requests than its limit allows in the current window."""

    status = 429


def enforce_rate_limit(limit_config_key: str, scope: str) -> None:
    """Count this request against the per-client limit named in config ("120 per minute"); 429 beyond."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    from limits import parse as parse_limit

    limit = parse_limit(current_app.config[limit_config_key])
    strategy = current_app.extensions[LIMITER_KEY]
    client = request.remote_addr or "127.0.0.1"
    if strategy.hit(limit, scope, client):
        return
    reset_at = strategy.get_window_stats(limit, scope, client).reset_time
    retry_after = max(1, int(reset_at - time.time()) + 1)
    error = TooManyRequests(
        f"Terlalu banyak permintaan ({limit}); coba lagi dalam {retry_after} detik. / "
        f"Too many requests ({limit}); try again in {retry_after} seconds.",
        extra={"retry_after": retry_after},
    )
    error.headers = {"Retry-After": str(retry_after)}
    raise error
