"""Yearly targets: set by an admin (audited, one per year and metric), read with the progress made."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from app.auth import access
from app.errors import Conflict
from app.extensions import db
from app.models import Application, Assessment, Ikm, Target, User
from app.models.target import TARGET_METRICS
from app.reports.summary import SummaryFilters
from app.services import audit
from app.services.reports import current_assessments


def achieved(year: int) -> dict[str, int]:
    """What the year has reached on each metric (the whole country)."""
    start, end = SummaryFilters(year=year).period()
    after_end = end + timedelta(days=1)
    new_assessed = db.session.scalar(
        select(func.count(func.distinct(Assessment.ikm_id)))
        .join(Ikm, Ikm.id == Assessment.ikm_id)
        .where(Ikm.created_at >= start, Ikm.created_at < after_end, Assessment.as_of <= end)
    )
    financial = db.session.scalar(
        select(func.count())
        .select_from(Assessment)
        .where(current_assessments(SummaryFilters(year=year)), Assessment.route == "financial")
    )
    approved = db.session.scalar(
        select(func.coalesce(func.sum(Application.amount_approved_idr), 0)).where(
            Application.status == "approved",
            Application.decided_at >= start,
            Application.decided_at < after_end,
        )
    )
    previous = aliased(Assessment)
    closed = db.session.scalar(
        select(func.count(func.distinct(Assessment.ikm_id)))
        .join(
            previous, and_(previous.ikm_id == Assessment.ikm_id, previous.superseded_on == Assessment.as_of)
        )
        .where(
            Assessment.ikm_id.is_not(None),
            Assessment.as_of >= start,
            Assessment.as_of <= end,
            previous.id != Assessment.id,
            previous.urgent_gap_severity == "blocking",
            or_(Assessment.urgent_gap_severity.is_(None), Assessment.urgent_gap_severity != "blocking"),
        )
    )
    return {
        "ikm_assessed": int(new_assessed or 0),
        "ikm_financial_route": int(financial or 0),
        "financing_approved_idr": int(approved or 0),
        "blocking_gap_closed": int(closed or 0),
    }


def targets_with_progress(year: int) -> dict:
    """The year's targets (every metric, set or not) with what is achieved and the share of the target."""
    stored = {
        target.metric: target.value
        for target in db.session.scalars(select(Target).where(Target.year == year))
    }
    reached = achieved(year)
    rows = []
    for metric in TARGET_METRICS:
        value = stored.get(metric)
        progress = round(reached[metric] / value, 3) if value else None
        rows.append(
            {
                "year": year,
                "metric": metric,
                "value": value,
                "achieved": reached[metric],
                "progress": progress,
            }
        )
    return {"year": year, "targets": rows}


def set_target(user: User | None, year: int, metric: str, value: int) -> dict:
    """Create or change one yearly target (admins only), audited; return the year's targets."""
    actor = access.require_role(user, frozenset({"admin"}))
    target = db.session.scalar(select(Target).where(Target.year == year, Target.metric == metric))
    before = {"value": target.value} if target else None
    if target is None:
        target = Target(year=year, metric=metric, value=value, updated_by_id=actor.id)
        db.session.add(target)
    else:
        target.value, target.updated_by_id = value, actor.id
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(
            "Target itu baru saja disimpan; coba lagi. / That target was just saved by someone else; retry.",
            errors={"json": {"metric": ["Already set / sudah ada."]}},
        ) from None
    audit.record(
        "target.set", "target", f"{year}:{metric}", before=before, after={"value": value}, actor=actor
    )
    db.session.commit()
    return targets_with_progress(year)
