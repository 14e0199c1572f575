"""docs/sql/roles.sql: the service role writes rows but cannot alter the audit table (PostgreSQL)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from app.extensions import db
from tests.database import refused

DOCS = Path(__file__).resolve().parents[2] / "docs" / "sql"


def _script(name: str, owner: str, app_role: str) -> str:
    """A documented SQL file with the test's role names."""
    return (DOCS / name).read_text().replace("ovop_owner", owner).replace("ovop_app", app_role)


@pytest.fixture
def roles(app):
    """The documented role model and audit protection applied with fresh role names; dropped afterwards."""
    if app.config["DATABASE_BACKEND"] != "postgresql":
        pytest.skip("roles and grants are PostgreSQL's (set TEST_DATABASE_URL)")
    suffix = uuid.uuid4().hex[:8]
    owner, app_role = f"ovop_owner_{suffix}", f"ovop_app_{suffix}"
    with app.app_context():
        with db.engine.begin() as connection:
            cursor = connection.connection.cursor()
            cursor.execute(_script("roles.sql", owner, app_role))
            cursor.execute(_script("roles.sql", owner, app_role))  # idempotent
            cursor.execute(_script("audit_append_only.sql", owner, app_role))
        yield app_role
        with db.engine.begin() as connection:
            for statement in (
                "DROP TRIGGER IF EXISTS audit_events_no_update_delete ON audit_events",
                "DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events",
                "DROP FUNCTION IF EXISTS audit_events_refuse_change()",
                f"DROP OWNED BY {app_role}, {owner}",
                f"DROP ROLE IF EXISTS {app_role}",
                f"DROP ROLE IF EXISTS {owner}",
            ):
                connection.execute(text(statement))


def test_the_service_role_writes_rows_but_cannot_alter_or_drop_the_audit_table(app, roles):
    """As ovop_app: DML on business tables and INSERT into audit_events work; DDL and audit edits do not."""
    with app.app_context(), db.engine.connect() as connection, connection.begin():
        connection.execute(text(f"SET LOCAL ROLE {roles}"))
        connection.execute(
            text("INSERT INTO audit_events (action, entity_type, entity_id) VALUES ('test', 'case', '1')")
        )
        connection.execute(text("UPDATE ikms SET employees = employees WHERE false"))
        assert connection.execute(text("SELECT count(*) FROM audit_events")).scalar() >= 1
        for statement in (
            "ALTER TABLE audit_events DISABLE TRIGGER ALL",
            "ALTER TABLE audit_events ADD COLUMN forged text",
            "ALTER TABLE audit_events OWNER TO CURRENT_USER",
            "DROP TABLE audit_events",
            "DROP TRIGGER audit_events_no_update_delete ON audit_events",
            "CREATE TABLE audit_events_copy (id int)",
        ):
            message = refused(connection, statement)
            assert "must be owner" in message or "permission denied" in message, message
        for statement in ("UPDATE audit_events SET action = 'forged'", "DELETE FROM audit_events"):
            assert "permission denied" in refused(connection, statement)
