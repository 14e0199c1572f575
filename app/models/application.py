"""Applications (cases): an IKM, an assessment and a programme, worked by an advisor."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import JsonDocument

STATUSES = ("submitted", "in_review", "approved", "referred", "rejected", "withdrawn")
# "One open case per IKM and programme" is kept by the database (a partial unique index), not by a
# check-then-insert that two simultaneous requests can both pass.
OPEN_CASE_CONDITION = text("status IN ('submitted', 'in_review')")
OPEN_CASE_INDEX = "uq_applications_open_case"


class Application(db.Model):
    """A case in the advisor queue, with optimistic locking on `version`."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    ikm_id: Mapped[int] = mapped_column(ForeignKey("ikms.id", ondelete="CASCADE"), index=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    programme_code: Mapped[str] = mapped_column(ForeignKey("programmes.code"), index=True)
    status: Mapped[str] = mapped_column(String(12), index=True, default="submitted")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    assigned_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    priority: Mapped[float | None] = mapped_column(Float)
    # The triage model's answer when the case was queued: score, top factors, synthetic flag, model version.
    triage: Mapped[dict | None] = mapped_column(JsonDocument)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    engine_route: Mapped[str | None] = mapped_column(String(15))
    decision_reason: Mapped[str | None] = mapped_column(String(40))
    decision_note: Mapped[str | None] = mapped_column(Text)
    is_override: Mapped[bool] = mapped_column(Boolean, default=False)
    override_reason: Mapped[str | None] = mapped_column(String(40))
    referred_programme_code: Mapped[str | None] = mapped_column(String(30))
    # A decision on a financial programme records the financing asked for and granted (IDR, issue 8).
    amount_requested_idr: Mapped[int | None] = mapped_column(BigInteger)
    amount_approved_idr: Mapped[int | None] = mapped_column(BigInteger)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    review_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    ikm = relationship("Ikm")
    assessment = relationship("Assessment")
    assigned_to = relationship("User", foreign_keys=[assigned_to_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    comments: Mapped[list[CaseComment]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="CaseComment.id"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_applications_status_priority", "status", "priority"),
        Index(
            OPEN_CASE_INDEX,
            "ikm_id",
            "programme_code",
            unique=True,
            postgresql_where=OPEN_CASE_CONDITION,
            sqlite_where=OPEN_CASE_CONDITION,
        ),
    )


class CaseComment(db.Model):
    """A comment on a case; `internal` ones are for LPEI staff only."""

    __tablename__ = "case_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    application: Mapped[Application] = relationship(back_populates="comments")
    author = relationship("User")
