"""The Alembic migrations build exactly the schema the models declare, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db


def test_the_migrated_database_matches_the_models(app_context):
    """Autogenerate finds nothing to add, drop or change after `db upgrade`."""
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []
