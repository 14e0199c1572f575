"""IKM (small and medium industry units), their products and held certifications."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import JsonDocument
from app.vocabulary import SCALAR_PROFILE_FIELDS

# Profile fields that identify a person or a business; never shown in aggregates or to ministry users.
PERSONAL_FIELDS = ("name", "nib", "owner_name", "contact_email", "contact_phone")

# The columns a stored IKM's profile is made of (`profile_from_columns`): the profile's scalar fields and
# the columns its group, documents and buyer contract are stored in.
PROFILE_COLUMNS = (
    *SCALAR_PROFILE_FIELDS,
    "group_kind",
    "group_members",
    "export_history",
    "target_markets",
    "buyer_contract_market",
    "practices",
)
PRODUCT_COLUMNS = ("description", "hs_code", "monthly_capacity", "capacity_unit")
CERTIFICATION_COLUMNS = ("code", "valid_until")


class Ikm(db.Model):
    """An IKM profile as described in contract.md ("IKM profile")."""

    __tablename__ = "ikms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    nib: Mapped[str | None] = mapped_column(String(13), unique=True)
    legal_form: Mapped[str | None] = mapped_column(String(20))
    region_code: Mapped[str] = mapped_column(ForeignKey("regencies.code"), index=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    # Optional kecamatan `PP.KK.CC` inside region_code (validated against data/reference/kecamatan.csv).
    kecamatan_code: Mapped[str | None] = mapped_column(String(8))
    founded_year: Mapped[int | None] = mapped_column(Integer)
    founded_on: Mapped[date | None] = mapped_column(Date)  # policy v1.1 A7
    employees: Mapped[int | None] = mapped_column(Integer)
    annual_revenue_idr: Mapped[int | None] = mapped_column(BigInteger)
    owner_gender: Mapped[str | None] = mapped_column(String(12))
    owner_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    credit_status: Mapped[str | None] = mapped_column(String(20))
    group_kind: Mapped[str | None] = mapped_column(String(12))
    group_members: Mapped[int | None] = mapped_column(Integer)
    ovop_stars: Mapped[int | None] = mapped_column(Integer)
    export_history: Mapped[dict | None] = mapped_column(JsonDocument)
    target_markets: Mapped[list] = mapped_column(JsonDocument, default=list)
    buyer_contract_market: Mapped[str | None] = mapped_column(String(2))
    practices: Mapped[dict | None] = mapped_column(JsonDocument)
    # Commodity of the first product, kept for filtering and reporting without a join.
    primary_commodity: Mapped[str] = mapped_column(String(10), index=True, default="other")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    products: Mapped[list[Product]] = relationship(
        back_populates="ikm", cascade="all, delete-orphan", order_by="Product.position", lazy="selectin"
    )
    certifications: Mapped[list[Certification]] = relationship(
        back_populates="ikm", cascade="all, delete-orphan", order_by="Certification.id", lazy="selectin"
    )

    __table_args__ = (
        Index("ix_ikms_province_commodity", "province_code", "primary_commodity"),
        Index("ix_ikms_kecamatan", "region_code", "kecamatan_code"),
        # IKM proposed per day over the whole country (the national monthly trend).
        Index("ix_ikms_created_at", "created_at"),
        # Reports read an area's IKM (proposals per day, cases, financing by commodity) from the index alone.
        Index(
            "ix_ikms_area",
            "province_code",
            "region_code",
            postgresql_include=["id", "primary_commodity", "created_at"],
        ),
    )

    def to_profile(self) -> dict:
        """Return the profile as the contract's JSON dict (optional fields left out when empty)."""
        return profile_from_columns(
            {name: getattr(self, name) for name in PROFILE_COLUMNS},
            [product.to_profile() for product in self.products],
            [certification.to_profile() for certification in self.certifications],
        )


def profile_from_columns(ikm: dict, products: list[dict], certifications: list[dict]) -> dict:
    """The contract's profile dict of an IKM from its column values (a dict by the names of PROFILE_COLUMNS)
    and its product and certification dicts: the one profile shape of a stored IKM, for a single IKM and
    for the bulk population loader alike."""
    founded_on = ikm["founded_on"]
    group_kind = ikm["group_kind"]
    market = ikm["buyer_contract_market"]
    profile: dict = {
        "name": ikm["name"],
        "nib": ikm["nib"],
        "legal_form": ikm["legal_form"],
        "region_code": ikm["region_code"],
        "kecamatan_code": ikm["kecamatan_code"],
        "founded_year": ikm["founded_year"],
        "founded_on": founded_on.isoformat() if founded_on is not None else None,
        "employees": ikm["employees"],
        "annual_revenue_idr": ikm["annual_revenue_idr"],
        "owner_gender": ikm["owner_gender"],
        "owner_name": ikm["owner_name"],
        "contact_email": ikm["contact_email"],
        "contact_phone": ikm["contact_phone"],
        "credit_status": ikm["credit_status"],
        "group": {"kind": group_kind, "members": ikm["group_members"]} if group_kind is not None else None,
        "ovop_stars": ikm["ovop_stars"],
        "products": products,
        "certifications": certifications,
        "export_history": ikm["export_history"],
        "target_markets": list(ikm["target_markets"] or []),
        "buyer_contract": {"market": market} if market else None,
        "practices": ikm["practices"],
    }
    return {key: value for key, value in profile.items() if value is not None}


def product_from_columns(product) -> dict:
    """A product as in the contract's profile, from a `Product` or a Core row with PRODUCT_COLUMNS."""
    item = {
        "description": product.description,
        "hs_code": product.hs_code,
        "monthly_capacity": product.monthly_capacity,
        "capacity_unit": product.capacity_unit,
    }
    return {key: value for key, value in item.items() if value is not None}


def certification_from_columns(certification) -> dict:
    """A certification as in the contract's profile, from a `Certification` or a Core row with its columns."""
    valid_until = certification.valid_until
    if valid_until is None:
        return {"code": certification.code}
    return {"code": certification.code, "valid_until": valid_until.isoformat()}


class Product(db.Model):
    """A product an IKM makes, with its HS code (given or classified)."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    ikm_id: Mapped[int] = mapped_column(ForeignKey("ikms.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text)
    hs_code: Mapped[str | None] = mapped_column(String(6), index=True)
    monthly_capacity: Mapped[float | None] = mapped_column(Float)
    capacity_unit: Mapped[str | None] = mapped_column(String(10))
    # Without a given hs_code: the classifier's best code, its source and score, and the model version that
    # gave them (migration 0013; filled by `flask ml classify-stored`, read by the population loader when
    # the version is the loaded classifier's). Never replaces hs_code, which is only ever given.
    classified_hs_code: Mapped[str | None] = mapped_column(String(6))
    classified_hs_source: Mapped[str | None] = mapped_column(String(10))
    classified_hs_score: Mapped[float | None] = mapped_column(Float)
    classified_by: Mapped[str | None] = mapped_column(String(80))

    ikm: Mapped[Ikm] = relationship(back_populates="products")

    def to_profile(self) -> dict:
        """Return the product as in the contract's profile."""
        return product_from_columns(self)


class Certification(db.Model):
    """A certificate, permit or test result an IKM holds (policy-v1 §2 codes)."""

    __tablename__ = "certifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    ikm_id: Mapped[int] = mapped_column(ForeignKey("ikms.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20), index=True)
    valid_until: Mapped[date | None] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(100))

    ikm: Mapped[Ikm] = relationship(back_populates="certifications")

    def to_profile(self) -> dict:
        """Return the certification as in the contract's profile."""
        return certification_from_columns(self)
