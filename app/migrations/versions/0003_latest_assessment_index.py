"""Covering index for each IKM's latest assessment (reporting over a million assessments).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    """Replace (ikm_id, as_of) by (ikm_id, as_of DESC, id DESC) INCLUDE the reporting columns."""
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_assessments_ikm_as_of")
    op.create_index(
        "ix_assessments_ikm_latest",
        "assessments",
        ["ikm_id", sa.text("as_of DESC"), sa.text("id DESC")],
        postgresql_include=["province_code", "commodity", "level"],
    )


def downgrade():
    """Back to the plain (ikm_id, as_of) index."""
    op.drop_index("ix_assessments_ikm_latest", table_name="assessments")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.create_index("ix_assessments_ikm_as_of", ["ikm_id", "as_of"], unique=False)
