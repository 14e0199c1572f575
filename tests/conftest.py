"""Shared fixtures: the app on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL too."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db

REFERENCE_TABLES = {"provinces", "regencies", "countries", "hs_codes", "alembic_version"}
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def _database_url(backend: str, tmp_dir: Path) -> str:
    """The URL each backend's tests use (under pytest-xdist, one PostgreSQL database per worker)."""
    if backend == "postgresql":
        from config import normalise_database_url

        url = normalise_database_url(os.environ["TEST_DATABASE_URL"])
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        return _worker_database(url, worker) if worker else url
    return f"sqlite:///{tmp_dir / 'test.sqlite3'}"


def _worker_database(url: str, worker: str) -> str:
    """`<database>_<worker>` next to the TEST_DATABASE_URL database, created when missing (xdist workers
    would otherwise drop each other's tables)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if exists is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _reset_schema() -> None:
    """Drop every table (and Alembic's version table) so migrations run from scratch."""
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(scope="session", params=BACKENDS)
def app(request, tmp_path_factory):
    """The app on one database backend, migrated and loaded with reference data."""
    from flask_migrate import upgrade

    from app.services.reference_data import load_reference_data

    url = _database_url(request.param, tmp_path_factory.mktemp(request.param))
    application = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    application.config["DATABASE_BACKEND"] = request.param
    with application.app_context():
        _reset_schema()
        upgrade()
        load_reference_data(application.config["REFERENCE_DATA_DIR"])
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _root_log_handlers_unchanged():
    """An app built with LOG_FORMAT=json (production) re-formats the root handlers, pytest's own capture
    handlers among them: put them back after each test so that later tests read plain log text."""
    root = logging.getLogger()
    saved = [(handler, handler.formatter, list(handler.filters)) for handler in root.handlers]
    yield
    for handler, formatter, filters in saved:
        handler.setFormatter(formatter)
        handler.filters[:] = filters


@pytest.fixture(autouse=True)
def _clean_tables(request):
    """After each database test, delete what it wrote (reference tables stay)."""
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        db.session.rollback()
        existing = set(inspect(db.engine).get_table_names())
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                if table.name in existing and table.name not in REFERENCE_TABLES:
                    connection.execute(table.delete())


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for the app."""
    return app.test_cli_runner()


@pytest.fixture
def app_context(app):
    """Run the test inside an application context."""
    with app.app_context():
        yield app


@pytest.fixture
def make_user(app):
    """Create an account with a token: `make_user(role, region=None, ikm=None)` returns (user, token).

    `user` is a detached snapshot (id, email, role, region_code, ikm_id) usable outside the app context.
    """
    from types import SimpleNamespace

    from app.services import users

    counter = iter(range(1, 10_000))

    def _make(role: str, region: str | None = None, ikm: int | None = None, password: str | None = None):
        with app.app_context():
            account = users.create_user(f"{role}-{next(counter)}@test.example", role, region, ikm, password)
            token = users.issue_token(account, "test")
            snapshot = SimpleNamespace(**users.account_as_dict(account))
        return snapshot, token

    return _make


@pytest.fixture
def auth(make_user):
    """Headers of a fresh account: `auth(role, region=None, ikm=None)` → {"Authorization": "Bearer …"}."""

    def _headers(role: str, region: str | None = None, ikm: int | None = None) -> dict:
        _, token = make_user(role, region, ikm)
        return {"Authorization": f"Bearer {token}"}

    return _headers
