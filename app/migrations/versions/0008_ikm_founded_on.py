"""The IKM's founding date (policy v1.1 A7: years in business from a date).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    """Add the nullable ikms.founded_on column."""
    with op.batch_alter_table("ikms", schema=None) as batch_op:
        batch_op.add_column(sa.Column("founded_on", sa.Date(), nullable=True))


def downgrade():
    """Drop ikms.founded_on."""
    with op.batch_alter_table("ikms", schema=None) as batch_op:
        batch_op.drop_column("founded_on")
