"""Indonesian provinces and kabupaten/kota (Kemendagri codes, BPS codes, centroids)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db


class Province(db.Model):
    """A province, keyed by its 2-digit Kemendagri code."""

    __tablename__ = "provinces"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    area_km2: Mapped[float | None] = mapped_column(Float)
    population: Mapped[int | None] = mapped_column(BigInteger)

    regencies: Mapped[list[Regency]] = relationship(back_populates="province", order_by="Regency.code")


class Regency(db.Model):
    """A kabupaten or kota, keyed by its Kemendagri code `PP.KK`."""

    __tablename__ = "regencies"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    code_numeric: Mapped[str] = mapped_column(String(4), unique=True)
    bps_code: Mapped[str | None] = mapped_column(String(4), index=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))  # Kabupaten | Kota
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    area_km2: Mapped[float | None] = mapped_column(Float)
    population: Mapped[int | None] = mapped_column(BigInteger)

    province: Mapped[Province] = relationship(back_populates="regencies")
