"""Assessments stored before migration 0005 get their reporting columns back: `report backfill`, and
`prepare` when it finds such rows."""

from __future__ import annotations

from sqlalchemy import select, update

from app.extensions import db
from app.models import Assessment
from tests.profiles import gayo

COLUMNS = ("eligible_programmes", "gap_list", "urgent_gap", "urgent_gap_severity", "urgent_gap_from")


def _columns(app) -> list[tuple]:
    """The reporting columns of every stored assessment, by id."""
    with app.app_context():
        rows = db.session.execute(
            select(Assessment.id, *(getattr(Assessment, name) for name in COLUMNS)).order_by(Assessment.id)
        )
        return [tuple(row) for row in rows]


def _as_before_0005(app) -> None:
    """Empty the reporting columns, as migration 0005 left the assessments it found."""
    with app.app_context():
        db.session.execute(update(Assessment).values(**dict.fromkeys(COLUMNS)))
        db.session.commit()


def test_report_backfill_fills_the_columns_from_the_stored_documents(app, client, auth, runner):
    """The back-filled columns equal what storing the assessment wrote; the summary counts the gaps again."""
    headers = auth("admin")
    client.post("/api/v1/ikms", json=gayo(), headers=headers)
    client.post("/api/v1/ikms", json=gayo(nib="9120001234568", target_markets=["DE"]), headers=headers)
    stored = _columns(app)
    assert all(row[1] is not None and row[2] for row in stored), stored  # eligible and gaps present
    _as_before_0005(app)
    ministry = auth("ministry")
    assert client.get("/api/v1/reports/summary", headers=ministry).json["breakdowns"]["gaps"] == []
    result = runner.invoke(args=["report", "backfill"])
    assert result.exit_code == 0 and "2 assessments" in result.output, result.output
    assert _columns(app) == stored
    assert client.get("/api/v1/reports/summary", headers=ministry).json["breakdowns"]["gaps"] != []
    again = runner.invoke(args=["report", "backfill"])
    assert "0 assessments" in again.output


def test_prepare_finds_such_assessments_and_back_fills_them(app, client, auth, runner, monkeypatch):
    """`prepare --check` names the step; `prepare` runs it; then there is nothing to do."""
    monkeypatch.setattr("app.services.setup.models_missing", lambda directory: None)
    client.post("/api/v1/ikms", json=gayo(), headers=auth("admin"))
    stored = _columns(app)
    _as_before_0005(app)
    check = runner.invoke(args=["prepare", "--no-demo", "--check"])
    assert check.exit_code == 1 and "report-columns: assessments without report columns" in check.output
    result = runner.invoke(args=["prepare", "--no-demo"])
    assert result.exit_code == 0 and "report-columns: running…" in result.output, result.output
    assert _columns(app) == stored
    assert "report-columns: nothing to do" in runner.invoke(args=["prepare", "--no-demo", "--check"]).output
