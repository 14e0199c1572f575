"""Invitations for IKM owners: a one-time link, sent by e-mail, that creates the owner's account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db


class OwnerInvitation(db.Model):
    """An invitation to one e-mail address for one IKM; only the SHA-256 hash of its token is stored."""

    __tablename__ = "owner_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    ikm_id: Mapped[int] = mapped_column(ForeignKey("ikms.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # One account per invitation: the database refuses a second acceptance (409).
    accepted_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )

    ikm = relationship("Ikm")
