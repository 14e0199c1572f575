"""Yearly targets the ministry reports progress against (set by an admin)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

# new OVOP IKM assessed, IKM routed to financing, financing approved (IDR), IKM that closed a blocking gap.
TARGET_METRICS = ("ikm_assessed", "ikm_financial_route", "financing_approved_idr", "blocking_gap_closed")


class Target(db.Model):
    """One yearly target: a metric and the value to reach; one per year and metric."""

    __tablename__ = "targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    metric: Mapped[str] = mapped_column(String(40))
    value: Mapped[int] = mapped_column(BigInteger)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    __table_args__ = (UniqueConstraint("year", "metric", name="uq_targets_year_metric"),)
