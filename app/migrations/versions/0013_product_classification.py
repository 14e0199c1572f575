"""The HS classification of a product stored without an HS code, with the model version that made it.

A simulation or re-assessment reads the stored classification when its model version is the loaded
classifier's, and classifies only the other products (`flask --app wsgi ml classify-stored` fills them).
`products.hs_code` stays the code the IKM gave (hs_source "given"); these columns never replace it.

Revision ID: 0013_product_classification
Revises: 0012_http_result_lz4
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_product_classification"
down_revision = "0012_http_result_lz4"
branch_labels = None
depends_on = None

COLUMNS = ("classified_hs_code", "classified_hs_source", "classified_hs_score", "classified_by")


def upgrade():
    """Add the nullable classification columns to products."""
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("classified_hs_code", sa.String(length=6), nullable=True))
        batch_op.add_column(sa.Column("classified_hs_source", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("classified_hs_score", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("classified_by", sa.String(length=80), nullable=True))


def downgrade():
    """Drop the classification columns."""
    with op.batch_alter_table("products", schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
