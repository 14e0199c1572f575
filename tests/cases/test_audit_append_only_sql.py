"""docs/sql/audit_append_only.sql really makes audit_events append-only on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from app.extensions import db
from tests.database import refused

SQL_FILE = Path(__file__).resolve().parents[2] / "docs" / "sql" / "audit_append_only.sql"
APP_ROLE = "ovop_app_audit_test"
CLEAN_UP = (
    "DROP TRIGGER IF EXISTS audit_events_no_update_delete ON audit_events",
    "DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events",
    "DROP FUNCTION IF EXISTS audit_events_refuse_change()",
    f"DROP OWNED BY {APP_ROLE}",
    f"DROP ROLE IF EXISTS {APP_ROLE}",
)


@pytest.fixture
def protected_audit_table(app, gayo_ikm, open_case):
    """audit_events with one event, protected by the documented SQL for a fresh app role (PostgreSQL)."""
    if app.config["DATABASE_BACKEND"] != "postgresql":
        pytest.skip("the SQL is PostgreSQL's (set TEST_DATABASE_URL)")
    open_case(gayo_ikm)
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text(f"DROP ROLE IF EXISTS {APP_ROLE}"))
            connection.execute(text(f"CREATE ROLE {APP_ROLE} NOLOGIN"))
            connection.execute(
                text(f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON audit_events TO {APP_ROLE}")
            )
            # The whole file as psql would send it (several statements, `%` not a placeholder).
            connection.connection.cursor().execute(SQL_FILE.read_text().replace("ovop_app", APP_ROLE))
        yield
        with db.engine.begin() as connection:
            for statement in CLEAN_UP:
                connection.execute(text(statement))


def test_the_app_role_may_insert_and_read_but_not_change_or_delete(app, protected_audit_table):
    """As the service's role: INSERT and SELECT work; UPDATE, DELETE, TRUNCATE are refused."""
    with app.app_context(), db.engine.connect() as connection, connection.begin():
        connection.execute(text(f"SET LOCAL ROLE {APP_ROLE}"))
        connection.execute(
            text("INSERT INTO audit_events (action, entity_type, entity_id) VALUES ('test', 'case', '1')")
        )
        assert connection.execute(text("SELECT count(*) FROM audit_events")).scalar() >= 2
        for statement in (
            "UPDATE audit_events SET action = 'forged'",
            "DELETE FROM audit_events",
            "TRUNCATE audit_events",
        ):
            assert "permission denied" in refused(connection, statement)


def test_the_trigger_refuses_changes_even_by_the_table_owner(app, protected_audit_table):
    """As the owner (the test's superuser): the trigger still refuses UPDATE, DELETE and TRUNCATE."""
    with app.app_context(), db.engine.connect() as connection, connection.begin():
        for statement in (
            "UPDATE audit_events SET action = 'forged'",
            "DELETE FROM audit_events",
            "TRUNCATE audit_events",
        ):
            assert "append-only" in refused(connection, statement)
