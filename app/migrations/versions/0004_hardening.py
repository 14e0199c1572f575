"""Hardening: one open case per IKM and programme, kept by a partial unique index.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OPEN_CASE = sa.text("status IN ('submitted', 'in_review')")


def upgrade():
    """Add the partial unique index (fails if duplicate open cases exist: close them first)."""
    op.create_index(
        "uq_applications_open_case",
        "applications",
        ["ikm_id", "programme_code"],
        unique=True,
        postgresql_where=OPEN_CASE,
        sqlite_where=OPEN_CASE,
    )


def downgrade():
    """Drop the partial unique index."""
    op.drop_index("uq_applications_open_case", table_name="applications")
