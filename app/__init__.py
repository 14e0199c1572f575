"""The application factory: a table of contents of the service."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask

from config import Config, config_for


def create_app(config: Config | dict | None = None) -> Flask:
    """Build the Flask app: config, database, policy, models, API, pages, errors, HTTP hardening and CLI."""
    from app.lazy import LazyExtensions

    app = Flask(__name__, instance_relative_config=True)
    app.extensions = LazyExtensions()  # entries may be made at first use (app/lazy.py)
    configure(app, config)
    register_extensions(app)
    register_auth(app)
    register_i18n(app)
    register_policy(app)
    register_ml(app)

    from app.api import register_api
    from app.cli import register_cli
    from app.errors import register_error_handlers
    from app.web import register_web

    register_api(app)
    register_web(app)
    register_error_handlers(app)
    register_http(app)
    register_cli(app)
    return app


def configure(app: Flask, config: Config | dict | None) -> None:
    """Load the config object for APP_ENV, then any overrides (tests pass a dict)."""
    if isinstance(config, dict):
        app.config.from_object(
            config_for(config.get("APP_ENV", "testing" if config.get("TESTING") else None))
        )
        app.config.update(config)
    else:
        app.config.from_object(config or config_for())
    os.makedirs(app.instance_path, exist_ok=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Alembic announces each of its plugins at INFO on every command; keep its migration messages only.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def register_extensions(app: Flask) -> None:
    """Bind SQLAlchemy and Alembic (migrations live in app/migrations)."""
    from app import models  # noqa: F401  (registers every table on the metadata)
    from app.database import configure_sqlite, json_column_text
    from app.extensions import db, migrate

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        "json_serializer": json_column_text,
        **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
    }
    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(
        app, db, directory=str(Path(__file__).resolve().parent / "migrations"), render_as_batch=True
    )


def register_auth(app: Flask) -> None:
    """Sign-in (sessions and API tokens), CSRF on page forms, rate limits (README "Accounts and roles")."""
    from app.auth import init_auth

    init_auth(app)


def register_i18n(app: Flask) -> None:
    """Languages of the pages: Bahasa Indonesia by default, English switch (README "Languages")."""
    from app.i18n import init_i18n

    init_i18n(app)


def register_http(app: Flask) -> None:
    """Security headers, ProxyFix by setting, JSON logs with request ids, Prometheus metrics."""
    from app.hardening import init_hardening
    from app.observability import init_observability

    init_hardening(app)
    init_observability(app)


def register_policy(app: Flask) -> None:
    """The policy files, loaded and validated at first use, once per process; gunicorn loads them before
    forking, so a broken file stops the server's boot with its name and problem."""

    def load() -> object:
        """Read and validate POLICY_DIR (app.engine.policy)."""
        from app.engine import load_policy

        return load_policy(app.config["POLICY_DIR"])

    app.extensions.lazy("policy", load)


def register_ml(app: Flask) -> None:
    """The trained models of ML_MODELS_DIR, loaded at first use (gunicorn preloads them before forking)."""
    from app.services.models import load_models

    app.extensions["ml"] = load_models(app.config["ML_MODELS_DIR"])
