"""Stored assessments: the full engine result as JSON plus indexed columns for reporting."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import JsonDocument


class Assessment(db.Model):
    """One evaluation of a profile as of a date, under one policy and model version."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up by ikm_latest's index (ikm_id first) and by date through ix_assessments_report (as_of first).
    ikm_id: Mapped[int | None] = mapped_column(ForeignKey("ikms.id", ondelete="SET NULL"))
    as_of: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    # Reporting columns, copied from the result so aggregates never parse JSON.
    score: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(20), index=True)
    route: Mapped[str] = mapped_column(String(15), index=True)
    status: Mapped[str] = mapped_column(String(20))
    size_class: Mapped[str | None] = mapped_column(String(10))
    region_code: Mapped[str | None] = mapped_column(String(5), index=True)
    province_code: Mapped[str | None] = mapped_column(String(2))
    commodity: Mapped[str] = mapped_column(String(10))
    review_required: Mapped[bool] = mapped_column(Boolean, default=False)
    policy_version: Mapped[str] = mapped_column(String(20))
    policy_hash: Mapped[str] = mapped_column(String(40))
    model_version: Mapped[str] = mapped_column(String(200))
    # Reporting (issue 8): the IKM's OVOP stars and eligible programmes ("A;B") when assessed, its most urgent
    # gap, and the as_of of the IKM's next assessment. An assessment is the IKM's latest as of day D when
    # as_of <= D and (superseded_on IS NULL or superseded_on > D): one scan, no DISTINCT ON, both databases.
    ovop_stars: Mapped[int | None] = mapped_column(Integer)
    eligible_programmes: Mapped[str | None] = mapped_column(String(200))
    urgent_gap: Mapped[str | None] = mapped_column(String(20))
    urgent_gap_severity: Mapped[str | None] = mapped_column(String(12))
    urgent_gap_from: Mapped[date | None] = mapped_column(Date)
    superseded_on: Mapped[date | None] = mapped_column(Date)
    # Its distinct gaps as ';'-joined "REQUIREMENT|severity|applies_from", so one GROUP BY over the current
    # assessments counts gaps across IKM (a gap table joined to a million assessments took 2 s).
    gap_list: Mapped[str | None] = mapped_column(Text)

    # Without a logged-in caller the public self-check keeps no name, NIB or contact (issue 5).
    profile_snapshot: Mapped[dict] = mapped_column(JsonDocument)
    # The full document (policy §6.4 audit), written once and read whole: `json` on PostgreSQL, the text as
    # written (no jsonb parse on INSERT; migration 0014), lz4-compressed (0012).
    result: Mapped[dict] = mapped_column(JSON)

    ikm = relationship("Ikm")

    __table_args__ = (Index("ix_assessments_report", "as_of", "province_code", "commodity", "level"),)


# Each IKM's latest assessment as of a date (DISTINCT ON ikm_id ORDER BY as_of DESC, id DESC), read from the
# index alone on PostgreSQL: 1,000,000 assessments in ~150 ms instead of 676 ms (bench/report_bench.py).
Index(
    "ix_assessments_ikm_latest",
    Assessment.ikm_id,
    Assessment.as_of.desc(),
    Assessment.id.desc(),
    postgresql_include=["province_code", "commodity", "level"],
)
# Every IKM's current assessment, per province and kabupaten/kota: the national summary reads this partial
# index only (bench/report_bench.py, docs/benchmarks.md "Reports").
Index(
    "ix_assessments_current",
    Assessment.province_code,
    Assessment.region_code,
    Assessment.commodity,
    postgresql_where=Assessment.superseded_on.is_(None),
    sqlite_where=Assessment.superseded_on.is_(None),
    postgresql_include=["level", "route", "ovop_stars", "eligible_programmes", "gap_list", "ikm_id"],
)
# Assessments per day in one province or kabupaten/kota (the report's monthly trend of an area).
Index(
    "ix_assessments_area_day",
    Assessment.province_code,
    Assessment.region_code,
    Assessment.as_of,
    postgresql_include=["ikm_id", "commodity"],
)
# Assessments stored before the reporting columns existed (migration 0005): empty once back-filled, so that
# `prepare` checks for them by reading an empty index (`report backfill`).
Index(
    "ix_assessments_unreported",
    Assessment.id,
    postgresql_where=Assessment.eligible_programmes.is_(None),
    sqlite_where=Assessment.eligible_programmes.is_(None),
)
# IKM assessments per day over the whole country (the national monthly trend): the day alone, IKM rows only.
Index(
    "ix_assessments_ikm_day",
    Assessment.as_of,
    postgresql_where=Assessment.ikm_id.is_not(None),
    sqlite_where=Assessment.ikm_id.is_not(None),
)
