"""Countries (ISO 3166) that IKM may target."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class Country(db.Model):
    """A country or territory with its ISO codes and UN M49 region."""

    __tablename__ = "countries"

    iso2: Mapped[str] = mapped_column(String(2), primary_key=True)
    iso3: Mapped[str | None] = mapped_column(String(3))
    name: Mapped[str] = mapped_column(String(120))
    region: Mapped[str | None] = mapped_column(String(60))
    sub_region: Mapped[str | None] = mapped_column(String(60))
    continent: Mapped[str | None] = mapped_column(String(2))
    currency_code: Mapped[str | None] = mapped_column(String(20))
