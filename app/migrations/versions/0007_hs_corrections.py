"""HS corrections recorded when a person changes a product's HS code (issue 12).

Revision ID: 0007
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    """Create hs_corrections."""
    op.create_table(
        "hs_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ikm_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("previous_code", sa.String(length=6), nullable=True),
        sa.Column("hs_code", sa.String(length=6), nullable=False),
        sa.Column("predicted_code", sa.String(length=6), nullable=True),
        sa.Column("model_version", sa.String(length=60), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("corrected_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["ikm_id"], ["ikms.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["corrected_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("hs_corrections", schema=None) as batch_op:
        batch_op.create_index("ix_hs_corrections_ikm_id", ["ikm_id"], unique=False)
        batch_op.create_index("ix_hs_corrections_hs_code", ["hs_code"], unique=False)
        batch_op.create_index("ix_hs_corrections_corrected_by_id", ["corrected_by_id"], unique=False)
        batch_op.create_index("ix_hs_corrections_created_at", ["created_at"], unique=False)


def downgrade():
    """Drop hs_corrections."""
    op.drop_table("hs_corrections")
