"""The Alembic migrations build exactly the schema the models declare, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db


def test_the_migrated_database_matches_the_models(app_context):
    """Autogenerate finds nothing to add, drop or change after `db upgrade`."""
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_assessment_documents_are_written_with_lz4_on_postgresql(app, client):
    """Migration 0012: a stored assessment's `result` is compressed with lz4 on PostgreSQL (14+ with lz4)."""
    import pytest
    from sqlalchemy import text

    from tests.profiles import gayo

    if app.config["DATABASE_BACKEND"] != "postgresql":
        pytest.skip("per-column compression is PostgreSQL's")
    body = client.post("/api/v1/assessments", json={"profile": gayo(), "as_of": "2026-11-27"}).json
    with app.app_context():
        method = db.session.execute(
            text("SELECT pg_column_compression(result) FROM assessments WHERE id = :id"), {"id": body["id"]}
        ).scalar()
    assert method == "lz4"
