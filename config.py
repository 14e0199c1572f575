"""Configuration classes, read from environment variables (see README "Configuration")."""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _sqlite_default() -> str:
    """Return the default SQLite URL: a file in the git-ignored instance/ folder."""
    return f"sqlite:///{INSTANCE_DIR / 'ovop.sqlite3'}"


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for bare postgres:// and postgresql:// URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = normalise_database_url(os.environ.get("DATABASE_URL", _sqlite_default()))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    PORT = int(os.environ.get("PORT", "5000"))
    # Request bodies above this size get 413 (a 50-product profile is ~20 kB; imports get their own limit).
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(2 * 1024 * 1024)))
    JSON_SORT_KEYS = False

    # Reference data, policy files and trained artifacts (top-level models/, not app/models/).
    REFERENCE_DATA_DIR = Path(os.environ.get("REFERENCE_DATA_DIR", BASE_DIR / "data" / "reference"))
    POLICY_DIR = Path(os.environ.get("POLICY_DIR", BASE_DIR / "data" / "policy"))
    ML_MODELS_DIR = Path(os.environ.get("ML_MODELS_DIR", BASE_DIR / "models"))

    # flask-smorest / OpenAPI
    API_TITLE = "OVOP export-readiness and LPEI financing matcher"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "/docs"
    # Swagger UI assets are vendored under app/web/static: nothing is fetched from a CDN.
    OPENAPI_SWAGGER_UI_URL = "/static/swagger-ui/"
    API_SPEC_OPTIONS = {
        "info": {"description": "Export readiness, requirement gaps and LPEI programme routing for OVOP IKM."}
    }

    # Accounts and sessions (README "Accounts and roles").
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    LOGIN_MAX_FAILED_ATTEMPTS = int(os.environ.get("LOGIN_MAX_FAILED_ATTEMPTS", "5"))
    LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
    PASSWORD_MIN_LENGTH = int(os.environ.get("PASSWORD_MIN_LENGTH", "10"))
    # The public self-check (POST /api/v1/assessments without a token), per client address.
    RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "true").lower() not in ("0", "false", "no")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    SELF_CHECK_RATE_LIMIT = os.environ.get("SELF_CHECK_RATE_LIMIT", "120 per minute")
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "30 per minute")

    # Advisor queue (README "Advisor workflow"): open cases waiting longer get a reminder / stale flag.
    CASE_REMINDER_DAYS = int(os.environ.get("CASE_REMINDER_DAYS", "10"))
    CASE_STALE_DAYS = int(os.environ.get("CASE_STALE_DAYS", "30"))
    WORKFLOW_DATA_DIR = Path(os.environ.get("WORKFLOW_DATA_DIR", BASE_DIR / "data" / "workflow"))

    # HTTP hardening (README "Production"): headers on every answer, proxies, request ids, metrics.
    CONTENT_SECURITY_POLICY = os.environ.get(
        "CONTENT_SECURITY_POLICY",
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    )
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "0"))  # production: one year
    # Number of trusted reverse proxies in front of the service (0: none, X-Forwarded-* ignored).
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "0"))
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")  # "json": one JSON object per line, with request_id
    LOG_REQUESTS = os.environ.get("LOG_REQUESTS", "false").lower() in ("1", "true", "yes")
    # /metrics answers only to "Authorization: Bearer <METRICS_TOKEN>"; unset, it is closed (404).
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or None

    # Owner invitations by e-mail (README "Owner accounts"): SMTP when MAIL_SERVER is set, else the log.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "true").lower() not in ("0", "false", "no")
    MAIL_FROM = os.environ.get("MAIL_FROM", "ovop-noreply@localhost")
    INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", "7"))

    # Bulk import (README "Bulk import").
    IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
    IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "10000"))
    # An upload with more data rows than this is imported by a job (202 and the job's address).
    IMPORT_JOB_ROWS = int(os.environ.get("IMPORT_JOB_ROWS", "2000"))

    # Job queue (README "Jobs"): RQ on this Redis URL when set (`make worker` runs the jobs); unset, the
    # embedded default, jobs run in a worker thread of the web process. Job records are in the database.
    JOB_BROKER_URL = os.environ.get("JOB_BROKER_URL", "")
    JOB_QUEUE_NAME = os.environ.get("JOB_QUEUE_NAME", "ovop")
    JOB_TIMEOUT_SECONDS = int(os.environ.get("JOB_TIMEOUT_SECONDS", "3600"))
    # A running job silent for this long is shown as stale and may be run again (its worker died).
    JOB_STALE_SECONDS = int(os.environ.get("JOB_STALE_SECONDS", "300"))
    # Seconds to pause after each progress step (0; tests and demonstrations slow a job down with it).
    JOB_STEP_DELAY = float(os.environ.get("JOB_STEP_DELAY", "0"))
    # Policy versions (README "Policy versions"): the current files are POLICY_DIR, others are overlays here.
    POLICY_VERSIONS_DIR = Path(os.environ.get("POLICY_VERSIONS_DIR", BASE_DIR / "data" / "policy_versions"))


class DevelopmentConfig(Config):
    """Local development: SQLite in instance/ unless DATABASE_URL says otherwise."""

    DEBUG = False


class TestingConfig(Config):
    """Tests: database from TEST_DATABASE_URL (PostgreSQL) or a temporary SQLite file."""

    TESTING = True
    SECRET_KEY = "testing-secret"
    WTF_CSRF_ENABLED = False
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("TEST_DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'test.sqlite3'}")
    )


class ProductionConfig(Config):
    """Production: SECRET_KEY and DATABASE_URL must come from the environment."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    LOG_REQUESTS = os.environ.get("LOG_REQUESTS", "true").lower() in ("1", "true", "yes")

    def __init__(self) -> None:
        secret = os.environ.get("SECRET_KEY")
        if not secret:
            raise RuntimeError("SECRET_KEY must be set in production (no default).")
        self.SECRET_KEY = secret


CONFIGS = {"development": DevelopmentConfig, "testing": TestingConfig, "production": ProductionConfig}


def config_for(name: str | None = None) -> Config:
    """Return the config object for APP_ENV (development, testing, production)."""
    name = name or os.environ.get("APP_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"APP_ENV must be one of {sorted(CONFIGS)}, not {name!r}")
    return CONFIGS[name]()
