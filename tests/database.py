"""Helpers for tests that talk SQL to the database directly."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError


def refused(connection, statement: str) -> str:
    """Run a statement that must fail (inside a savepoint); return the database's message."""
    savepoint = connection.begin_nested()
    try:
        connection.execute(text(statement))
    except DBAPIError as error:
        savepoint.rollback()
        return str(error.orig)
    savepoint.rollback()
    raise AssertionError(f"not refused: {statement}")
