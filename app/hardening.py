"""HTTP hardening: security headers on every response, no caching of personal data, ProxyFix by setting."""

from __future__ import annotations

from flask import Flask, Response, current_app, request, session
from werkzeug.middleware.proxy_fix import ProxyFix

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Swagger UI (flask-smorest's page) starts itself with an inline script; only that page may run one.
DOCS_PATH = "/api/v1/docs"
DOCS_SCRIPT_SOURCES = "script-src 'self' 'unsafe-inline'"


def init_hardening(app: Flask) -> None:
    """Wrap the app in ProxyFix when PROXY_FIX_HOPS is set, and add the security headers to responses."""
    hops = app.config.get("PROXY_FIX_HOPS", 0)
    if hops:
        # Behind `hops` trusted reverse proxies: the client address, scheme and host come from X-Forwarded-*.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    app.after_request(security_headers)


def carries_personal_data() -> bool:
    """Whether this answer may hold personal data: an API token or a signed-in session, or a form's result."""
    if request.headers.get("Authorization") or request.method not in SAFE_METHODS:
        return True
    return bool(request.cookies.get(session_cookie_name()) and session.get("_user_id"))


def session_cookie_name() -> str:
    """The configured session cookie's name."""
    return current_app.config.get("SESSION_COOKIE_NAME", "session")


def security_headers(response: Response) -> Response:
    """CSP, frame, MIME-sniffing and referrer rules on every answer; HSTS when configured; no-store on
    anything that may carry personal data."""
    config = current_app.config
    policy = config["CONTENT_SECURITY_POLICY"]
    if request.path.startswith(DOCS_PATH):
        policy = policy.replace("script-src 'self'", DOCS_SCRIPT_SOURCES)
    headers = response.headers
    headers.setdefault("Content-Security-Policy", policy)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if config.get("HSTS_SECONDS"):
        headers.setdefault(
            "Strict-Transport-Security", f"max-age={config['HSTS_SECONDS']}; includeSubDomains"
        )
    if carries_personal_data():
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return response
