"""Append-only audit events: who did what, when, with the state before and after."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import JsonDocument


class AuditEvent(db.Model):
    """One audited action. Rows are only ever inserted (see README "Audit trail")."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor_label: Mapped[str | None] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40), index=True)
    entity_type: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str | None] = mapped_column(String(40))
    before: Mapped[dict | None] = mapped_column(JsonDocument)
    after: Mapped[dict | None] = mapped_column(JsonDocument)
    remote_addr: Mapped[str | None] = mapped_column(String(45))

    __table_args__ = (Index("ix_audit_events_entity", "entity_type", "entity_id"),)
