"""Long work run on the job queue (RQ on Redis, or a local worker thread) and adopted policy versions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import JsonDocument

JOB_STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")


class Job(db.Model):
    """One piece of long work: its kind and parameters, where it stands, and its result or error."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(12), default="queued", index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent, 0–100
    progress_note: Mapped[str | None] = mapped_column(String(200))
    params: Mapped[dict] = mapped_column(JsonDocument, default=dict)
    result: Mapped[dict | None] = mapped_column(JsonDocument)
    error: Mapped[dict | None] = mapped_column(JsonDocument)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    backend: Mapped[str] = mapped_column(String(10), default="embedded")  # embedded | rq
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PolicyAdoption(db.Model):
    """An admin's adoption of a policy version from a date; its re-assessment job stores the new results."""

    __tablename__ = "policy_adoptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(20))
    content_hash: Mapped[str] = mapped_column(String(40))
    effective_from: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    adopted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    # Only one adoption of a version from a given day (a second click answers 409).
    __table_args__ = (UniqueConstraint("version", "effective_from", name="uq_policy_adoptions_version_day"),)
