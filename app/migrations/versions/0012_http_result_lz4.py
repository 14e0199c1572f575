"""Stored assessment documents compressed with lz4 on PostgreSQL (a no-op on SQLite).

`assessments.result` (~37 kB of JSON for a one-product profile) is always TOASTed: with the default pglz
the database spent about 1.5 ms of CPU compressing each one as it was written, with lz4 about 0.35 ms, for
documents 7 % larger (11.2 → 12.0 kB); reading them back is also about twice as fast (docs/benchmarks.md,
issue 13, third round). Only rows written from now on are compressed with lz4; older rows stay readable as
they are. Needs PostgreSQL 14 or later built with lz4; otherwise nothing changes.

Revision ID: 0012_http_result_lz4
Revises: 0011_jobs_policies
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_http_result_lz4"
down_revision = "0011_jobs_policies"
branch_labels = None
depends_on = None

LZ4_AVAILABLE = sa.text(
    "SELECT current_setting('server_version_num')::int >= 140000 AND EXISTS ("
    "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals))"
)


def _set_compression(method: str) -> None:
    """Set the compression of assessments.result where the database supports per-column compression."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or not bind.execute(LZ4_AVAILABLE).scalar():
        return
    op.execute(f"ALTER TABLE assessments ALTER COLUMN result SET COMPRESSION {method}")


def upgrade():
    """New assessment documents are compressed with lz4."""
    _set_compression("lz4")


def downgrade():
    """Back to the server's default compression (pglz unless configured otherwise)."""
    _set_compression("default")
