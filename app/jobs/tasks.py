"""Jobs that wrap existing services unchanged: a large import and the quarterly report."""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path

from app.extensions import db
from app.models import User
from app.reports import XLSX_TYPE


def _actor(params: dict):
    """The user who asked for the job (or the CLI when none)."""
    user_id = params.get("requested_by_id")
    return db.session.get(User, user_id) if user_id else "cli"


def run_import_job(params: dict, progress) -> dict:
    """Import a CSV/XLSX file exactly as `POST /api/v1/imports` does; the report is the job's result."""
    from app.services import imports

    content = base64.b64decode(params["content_b64"])
    progress(1, "reading")
    # On SQLite the import's progress cannot be written while it holds the write lock (see Progress).
    on_rows = None
    if db.engine.dialect.name != "sqlite":
        on_rows = lambda done, total: progress(5 + 90 * done / max(total, 1), "rows")  # noqa: E731
    return imports.run_import(
        content,
        params["filename"],
        params["region"],
        _actor(params),
        partial=params["partial"],
        progress=on_rows,
    )


def run_quarterly_job(params: dict, progress) -> dict:
    """The quarterly report of `flask report quarterly` (same function); the XLSX is kept in the result."""
    from app.services import reports

    year, quarter = int(params["year"]), int(params["quarter"])
    progress(5, "aggregating")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"ovop-quarterly-{year}-Q{quarter}.xlsx"
        report = reports.write_quarterly(path, year, quarter, actor=_actor(params))
        content = path.read_bytes()
    return {
        "year": year,
        "quarter": quarter,
        "totals": report.get("totals"),
        "file": {
            "name": path.name,
            "content_type": XLSX_TYPE,
            "base64": base64.b64encode(content).decode("ascii"),
        },
    }
