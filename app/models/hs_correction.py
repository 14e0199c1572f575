"""HS corrections: a person replacing a product's HS code, kept as training data for the classifier."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class HsCorrection(db.Model):
    """One HS code change on a product by an owner, district, advisor or admin (append-only)."""

    __tablename__ = "hs_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    ikm_id: Mapped[int] = mapped_column(ForeignKey("ikms.id", ondelete="CASCADE"), index=True)
    # Position of the product in the IKM's list and its description when corrected (product rows are
    # replaced when a profile's product list is updated, so the text is what the classifier learns from).
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    previous_code: Mapped[str | None] = mapped_column(String(6))
    hs_code: Mapped[str] = mapped_column(String(6), index=True)
    # What the classifier proposed for this description when the correction was made, and which model.
    predicted_code: Mapped[str | None] = mapped_column(String(6))
    model_version: Mapped[str | None] = mapped_column(String(60))
    note: Mapped[str | None] = mapped_column(String(500))
    corrected_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )

    def as_dict(self) -> dict:
        """The correction as the API shows it."""
        return {
            "id": self.id,
            "ikm_id": self.ikm_id,
            "position": self.position,
            "description": self.description,
            "previous_code": self.previous_code,
            "hs_code": self.hs_code,
            "predicted_code": self.predicted_code,
            "model_version": self.model_version,
            "note": self.note,
            "corrected_by_id": self.corrected_by_id,
            "created_at": self.created_at,
        }
