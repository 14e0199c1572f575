"""The IKM's optional kecamatan (Kemendagri code PP.KK.CC inside its kabupaten/kota); an index of the
assessments still without reporting columns (stored before 0005; `report backfill` fills them); two
indexes for the national monthly trend (IKM assessments per day, IKM proposed per day).

Revision ID: 0010_kecamatan
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_kecamatan"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    """Add ikms.kecamatan_code (nullable) with its index, and the report indexes named in the docstring."""
    with op.batch_alter_table("ikms", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kecamatan_code", sa.String(length=8), nullable=True))
        batch_op.create_index("ix_ikms_kecamatan", ["region_code", "kecamatan_code"], unique=False)
        batch_op.create_index("ix_ikms_created_at", ["created_at"], unique=False)
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assessments_unreported",
            ["id"],
            unique=False,
            postgresql_where=sa.text("eligible_programmes IS NULL"),
            sqlite_where=sa.text("eligible_programmes IS NULL"),
        )
        batch_op.create_index(
            "ix_assessments_ikm_day",
            ["as_of"],
            unique=False,
            postgresql_where=sa.text("ikm_id IS NOT NULL"),
            sqlite_where=sa.text("ikm_id IS NOT NULL"),
        )


def downgrade():
    """Drop the report indexes and ikms.kecamatan_code with its index."""
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_assessments_ikm_day")
        batch_op.drop_index("ix_assessments_unreported")
    with op.batch_alter_table("ikms", schema=None) as batch_op:
        batch_op.drop_index("ix_ikms_created_at")
        batch_op.drop_index("ix_ikms_kecamatan")
        batch_op.drop_column("kecamatan_code")
