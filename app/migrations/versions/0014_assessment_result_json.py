"""Stored assessment documents as `json` on PostgreSQL, and three indexes no query needs dropped.

`assessments.result` (~36 kB per assessment, the policy §6.4 audit record) is written once and read whole:
no SQL reads inside it (no `->`, `->>`, `@>`, no index, no DISTINCT or equality on it; reports read the
reporting columns). As `jsonb` PostgreSQL parsed every document into its binary form on INSERT and printed
it back on every read; `json` keeps the text as written and only checks its syntax (docs/benchmarks.md,
issue 13, "HTTP, sixth round"). The document's values are the same; key order as read back is the order
written (as on SQLite). The column keeps its compression (lz4 since 0012). A no-op on SQLite, where both
are text.

Indexes dropped, on both databases (each INSERT maintained them):
- `ix_assessments_ikm_id`: its one column leads `ix_assessments_ikm_latest` (ikm_id, as_of DESC, id DESC),
  which serves every look-up by IKM and the foreign key's ON DELETE SET NULL;
- `ix_assessments_as_of`: its one column leads `ix_assessments_report` (as_of, province_code, …);
- `ix_assessments_size_class`: no query filters or orders assessments by size class.

Revision ID: 0014_assessment_result_json
Revises: 0013_product_classification
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_assessment_result_json"
down_revision = "0013_product_classification"
branch_labels = None
depends_on = None

DROPPED = (
    ("ix_assessments_ikm_id", "ikm_id"),
    ("ix_assessments_as_of", "as_of"),
    ("ix_assessments_size_class", "size_class"),
)
COMPRESSION = sa.text(
    "SELECT attcompression FROM pg_attribute WHERE attrelid = 'assessments'::regclass AND attname = 'result'"
)
METHODS = {"l": "lz4", "p": "pglz"}


def _retype_result(type_name: str) -> None:
    """Change the type of assessments.result on PostgreSQL (rewrites the table), keeping its compression."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    compression = bind.execute(COMPRESSION).scalar()
    op.execute(f"ALTER TABLE assessments ALTER COLUMN result TYPE {type_name} USING result::{type_name}")
    if compression in METHODS:
        op.execute(f"ALTER TABLE assessments ALTER COLUMN result SET COMPRESSION {METHODS[compression]}")


def upgrade():
    """result as json on PostgreSQL; drop the three indexes."""
    _retype_result("json")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        for name, _ in DROPPED:
            batch_op.drop_index(name)


def downgrade():
    """result as jsonb again; re-create the three indexes."""
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        for name, column in DROPPED:
            batch_op.create_index(name, [column], unique=False)
    _retype_result("jsonb")
