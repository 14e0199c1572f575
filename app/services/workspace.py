"""The district and province workspace: their IKM with the current assessment, one IKM's whole picture."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, literal, select

from app.auth import access
from app.extensions import db
from app.models import Application, Assessment, Ikm, User
from app.services import clock
from app.services.assessments import assessment_as_dict, ikm_history
from app.services.ikms import get_ikm, ikm_as_dict
from app.services.pagination import paginate

# Named IKM of an area: regions see theirs, LPEI staff and admins all; the ministry never (aggregates only).
WORKSPACE_ROLES = frozenset({"district", "province", "advisor", "supervisor", "admin"})
SORTS = {
    "name": lambda: (Ikm.name, Ikm.id),
    "score": lambda: (Assessment.score.asc().nulls_last(), Ikm.id),
    "-score": lambda: (Assessment.score.desc().nulls_last(), Ikm.id),
    "deadline": lambda: (Assessment.urgent_gap_from.asc().nulls_last(), Ikm.id),
    "stars": lambda: (Ikm.ovop_stars.asc().nulls_last(), Ikm.id),
    "-stars": lambda: (Ikm.ovop_stars.desc().nulls_last(), Ikm.id),
}


@dataclass(frozen=True)
class WorkspaceFilters:
    """Which IKM the list shows and in which order."""

    regency: str | None = None
    kecamatan: str | None = None
    commodity: str | None = None
    level: str | None = None
    route: str | None = None
    programme: str | None = None
    sort: str = "name"


def _latest_case_status():
    """Each IKM's most recent case status (a scalar subquery per row)."""
    return (
        select(Application.status)
        .where(Application.ikm_id == Ikm.id)
        .order_by(Application.id.desc())
        .limit(1)
        .correlate(Ikm)
        .scalar_subquery()
    )


def list_workspace(user: User | None, filters: WorkspaceFilters, page: int, page_size: int) -> dict:
    """One page of the caller's IKM with their current assessment, most urgent gap and latest case."""
    user = access.require_role(access.require_personal_data_access(user), WORKSPACE_ROLES)
    current = and_(Assessment.ikm_id == Ikm.id, Assessment.superseded_on.is_(None))
    conditions = [access.ikm_scope_clause(user)]
    if filters.regency:
        conditions.append(Ikm.region_code == filters.regency)
    if filters.kecamatan:
        conditions.append(Ikm.kecamatan_code == filters.kecamatan)
    if filters.commodity:
        conditions.append(Ikm.primary_commodity == filters.commodity)
    if filters.level:
        conditions.append(Assessment.level == filters.level)
    if filters.route:
        conditions.append(Assessment.route == filters.route)
    if filters.programme:
        joined = literal(";") + func.coalesce(Assessment.eligible_programmes, "") + literal(";")
        conditions.append(joined.like(f"%;{filters.programme};%"))
    columns = (
        Ikm.id,
        Ikm.name,
        Ikm.region_code,
        Ikm.kecamatan_code,
        Ikm.primary_commodity.label("commodity"),
        Ikm.ovop_stars,
        Assessment.id.label("assessment_id"),
        Assessment.as_of,
        Assessment.score,
        Assessment.level,
        Assessment.route,
        Assessment.urgent_gap,
        Assessment.urgent_gap_severity,
        Assessment.urgent_gap_from,
    )
    query = (
        select(*columns, _latest_case_status().label("case_status"))
        .outerjoin(Assessment, current)
        .where(*conditions)
        .order_by(*SORTS[filters.sort]())
    )
    count_query = select(Ikm.id).outerjoin(Assessment, current).where(*conditions)
    result = paginate(query, page, page_size, count_query=count_query, rows=True)
    today = clock.utcnow().date()
    result["items"] = [
        {
            **row._asdict(),
            "days_to_deadline": (row.urgent_gap_from - today).days if row.urgent_gap_from else None,
        }
        for row in result["items"]
    ]
    return result


def ikm_overview(user: User | None, ikm_id: int) -> dict:
    """One IKM in the caller's scope: profile, latest assessment, history of assessments, cases."""
    user = access.require_role(access.require_personal_data_access(user), WORKSPACE_ROLES)
    ikm = get_ikm(ikm_id)
    access.require_ikm_access(user, ikm)
    history = ikm_history(ikm_id)
    cases = db.session.scalars(
        select(Application).where(Application.ikm_id == ikm_id).order_by(Application.id.desc())
    ).all()
    return {
        "ikm": ikm_as_dict(ikm),
        "latest": assessment_as_dict(history[0]) if history else None,
        "history": history,
        "cases": cases,
    }
