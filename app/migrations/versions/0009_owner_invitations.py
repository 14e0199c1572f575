"""Owner invitations: one-time links that create an IKM owner's account.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    """Create owner_invitations."""
    op.create_table(
        "owner_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ikm_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["ikm_id"], ["ikms.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["invited_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["accepted_user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
        sa.UniqueConstraint("accepted_user_id"),
    )
    op.create_index("ix_owner_invitations_ikm_id", "owner_invitations", ["ikm_id"], unique=False)


def downgrade():
    """Drop owner_invitations."""
    op.drop_index("ix_owner_invitations_ikm_id", table_name="owner_invitations")
    op.drop_table("owner_invitations")
