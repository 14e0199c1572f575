"""Bearer-token authentication for /api: every operation needs a token unless it is listed as public."""

from __future__ import annotations

from apispec import BasePlugin
from flask import g, request

from app.auth.tokens import bearer_token
from app.errors import Unauthorized
from app.models import User

API_PREFIX = "/api/"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Read-only look-ups anyone may use (no personal data): the docs, reference data, policy and HS look-ups,
# and the import templates.
PUBLIC_READ_PATHS = (
    "/api/v1/openapi.json",
    "/api/v1/docs",
    "/api/v1/hs",
    "/api/v1/regions",
    "/api/v1/countries",
    "/api/v1/requirements",
    "/api/v1/programmes",
    "/api/v1/imports/template",
)
# Writes anyone may send: the public self-check (rate-limited, stores no personal data without a token)
# and HS classification.
PUBLIC_WRITE_OPERATIONS = frozenset({("POST", "/api/v1/assessments"), ("POST", "/api/v1/hs/classify")})
SECURITY_SCHEME = "bearerAuth"


def _under(path: str, prefix: str) -> bool:
    """Tell whether `path` is `prefix` or below it (a path segment or a file suffix follows)."""
    return path == prefix or path.startswith((prefix + "/", prefix + "."))


def is_public(method: str, path: str) -> bool:
    """Tell whether an API operation may be called without a token."""
    path = path.rstrip("/") or "/"
    if method in SAFE_METHODS and any(_under(path, prefix) for prefix in PUBLIC_READ_PATHS):
        return True
    return (method, path) in PUBLIC_WRITE_OPERATIONS


def current_api_user() -> User | None:
    """The owner of this request's bearer token (None on public calls without one)."""
    return g.get("api_user")


def authenticate_api_request() -> None:
    """Resolve the bearer token of an /api request; refuse closed operations without a valid one (401)."""
    if not request.path.startswith(API_PREFIX):
        return
    from app.services.users import user_for_token

    g.api_user = None
    token = bearer_token(request.headers.get("Authorization"))
    if token is not None:
        user = user_for_token(token) if token else None
        if user is None:
            raise Unauthorized(
                "Token tidak valid, kedaluwarsa atau sudah dicabut. / The token is invalid or revoked."
            )
        g.api_user = user
        return
    # Unknown paths and wrong methods answer their own 404 / 405; they reveal nothing.
    if request.routing_exception is not None or is_public(request.method, request.path):
        return
    raise Unauthorized(
        "Masuk terlebih dahulu: kirim header Authorization: Bearer <token>. / "
        "Authentication required: send Authorization: Bearer <token>."
    )


class BearerAuthPlugin(BasePlugin):
    """Documents the bearer scheme in the OpenAPI spec and marks each closed operation as needing it."""

    def init_spec(self, spec) -> None:
        """Declare the security scheme."""
        super().init_spec(spec)
        spec.components.security_scheme(
            SECURITY_SCHEME,
            {
                "type": "http",
                "scheme": "bearer",
                "description": 'API token from `flask --app wsgi users create` (README "Accounts and roles")',
            },
        )

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        """Add `security` and the 401/403 answers to every operation that is not public."""
        for method, operation in (operations or {}).items():
            if is_public(method.upper(), path or ""):
                if method.upper() not in SAFE_METHODS:
                    # Open to everyone, but a token changes what is stored (the self-check).
                    operation.setdefault("security", [{}, {SECURITY_SCHEME: []}])
                else:
                    operation.setdefault("security", [])
                continue
            operation.setdefault("security", [{SECURITY_SCHEME: []}])
            responses = operation.setdefault("responses", {})
            for status in ("401", "403"):
                responses.setdefault(status, {"$ref": "#/components/responses/DEFAULT_ERROR"})
