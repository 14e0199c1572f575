"""HS 2022 nomenclature: chapters, headings and subheadings."""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class HsCode(db.Model):
    """One HS 2022 code (2, 4 or 6 digits) with its English description."""

    __tablename__ = "hs_codes"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, index=True)
    parent: Mapped[str | None] = mapped_column(String(6), index=True)
    section: Mapped[str] = mapped_column(String(5))
    description: Mapped[str] = mapped_column(Text)
