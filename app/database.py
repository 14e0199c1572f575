"""Connection settings that make SQLite behave like the production PostgreSQL where it matters."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine

# WAL lets readers and the writer work at once (gunicorn runs several workers on one file) and, with
# synchronous=NORMAL, a commit no longer waits for an fsync of the whole database file; foreign keys are
# enforced as PostgreSQL enforces them; a busy writer is waited for rather than failing at once.
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
)


def configure_sqlite(engine: Engine) -> None:
    """Apply SQLITE_PRAGMAS to every new connection of a SQLite engine (no-op for other databases)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _set_pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()
