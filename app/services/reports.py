"""Report use cases: who may see which area, the aggregate queries behind the summary, and audited exports."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import and_, func, or_, select, text

from app import reference
from app.auth import access
from app.errors import Forbidden, InvalidInput
from app.extensions import db
from app.models import Application, Assessment, Ikm, User
from app.reports.summary import (
    SummaryFilters,
    blocked_on_dates,
    cube_breakdowns,
    gap_rows,
    programme_rows,
    suppressed_summary,
)
from app.services import audit, clock
from app.vocabulary import COMMODITIES

# Who reads reports: the ministry (aggregates only), regions (their own area), LPEI staff and admins.
REPORT_ROLES = frozenset({"ministry", "district", "province", "advisor", "supervisor", "admin"})
DECIDED = ("approved", "referred", "rejected")
TREND_MONTHS = 12
# PostgreSQL's default random_page_cost (4) assumes spinning disks; 1.1 is the usual value for SSDs.
REPORT_RANDOM_PAGE_COST = 1.1


def scoped_filters(user: User | None, filters: SummaryFilters) -> SummaryFilters:
    """The filters narrowed to the caller's area: a district its kabupaten/kota, a province its province
    (the area rule is access.region_in_scope's)."""
    user = access.require_role(user, REPORT_ROLES)
    if filters.regency and filters.province and filters.regency[:2] != filters.province:
        raise InvalidInput(
            "Kabupaten/kota tidak berada di provinsi itu. / The regency is not in that province.",
            errors={"query": {"regency": ["Not in the chosen province / tidak di provinsi itu."]}},
        )
    if user.role not in ("district", "province"):
        return filters
    regency = filters.regency or (user.region_code if user.role == "district" else None)
    province = filters.province or user.region_code[:2]
    if not access.region_in_scope(user, regency or province) or (regency and regency[:2] != province):
        raise Forbidden("Di luar wilayah Anda. / Outside your area.")
    return replace(filters, province=province, regency=regency)


def current_assessments(filters: SummaryFilters):
    """Conditions selecting each IKM's latest assessment as of the period's end (assessed in the period)."""
    start, end = filters.period()
    conditions = [Assessment.ikm_id.is_not(None)]
    if end is None:
        conditions.append(Assessment.superseded_on.is_(None))
    else:
        conditions += [
            Assessment.as_of <= end,
            or_(Assessment.superseded_on.is_(None), Assessment.superseded_on > end),
            Assessment.as_of >= start,
        ]
    conditions += _area(filters, Assessment.province_code, Assessment.region_code)
    if filters.commodity:
        conditions.append(Assessment.commodity == filters.commodity)
    return and_(*conditions)


def _area(filters: SummaryFilters, province_column, regency_column) -> list:
    """Area conditions on a pair of columns."""
    conditions = []
    if filters.province:
        conditions.append(province_column == filters.province)
    if filters.regency:
        conditions.append(regency_column == filters.regency)
    return conditions


def current_cube(filters: SummaryFilters) -> list[tuple]:
    """Current assessments counted by area, commodity, level, route and OVOP stars (one GROUP BY)."""
    area = Assessment.region_code if filters.area_level == "regency" else Assessment.province_code
    columns = (area, Assessment.commodity, Assessment.level, Assessment.route, Assessment.ovop_stars)
    query = select(*columns, func.count()).where(current_assessments(filters)).group_by(*columns)
    return [tuple(row) for row in db.session.execute(query)]


def programmes_and_gaps(filters: SummaryFilters) -> tuple[list[tuple], list[tuple]]:
    """Current assessments counted per eligible programme combination, and per gap and commodity.

    One GROUP BY over (eligible_programmes, gap_list, commodity): few distinct combinations, one scan.
    """
    query = (
        select(Assessment.eligible_programmes, Assessment.gap_list, Assessment.commodity, func.count())
        .where(current_assessments(filters))
        .group_by(Assessment.eligible_programmes, Assessment.gap_list, Assessment.commodity)
    )
    programmes: Counter = Counter()
    gaps: Counter = Counter()
    for eligible, joined, commodity, count in db.session.execute(query):
        programmes[eligible] += count
        for item in (joined or "").split(";") if joined else ():
            requirement, severity, applies_from = item.split("|")
            day = date.fromisoformat(applies_from) if applies_from else None
            gaps[(requirement, severity, day, commodity)] += count
    return list(programmes.items()), [(*key, count) for key, count in gaps.items()]


def _case_conditions(filters: SummaryFilters) -> list:
    """Cases of IKM in the area and commodity, opened in the period."""
    conditions = []
    ikm_conditions = _area(filters, Ikm.province_code, Ikm.region_code)
    if filters.commodity:
        ikm_conditions.append(Ikm.primary_commodity == filters.commodity)
    if ikm_conditions:
        conditions.append(Application.ikm_id.in_(select(Ikm.id).where(*ikm_conditions)))
    start, end = filters.period()
    if start is not None:
        conditions += [Application.created_at >= start, Application.created_at < end + timedelta(days=1)]
    return conditions


def _cases(filters: SummaryFilters) -> dict:
    """Applications, decisions by outcome and reason, overrides and days to decision."""
    conditions = _case_conditions(filters)
    grouped = db.session.execute(
        select(Application.status, Application.decision_reason, Application.is_override, func.count())
        .where(*conditions)
        .group_by(Application.status, Application.decision_reason, Application.is_override)
    ).all()
    by_status: Counter = Counter()
    by_reason: Counter = Counter()
    overrides = 0
    for status, reason, is_override, count in grouped:
        by_status[status] += count
        if status in DECIDED:
            by_reason[f"{status}:{reason}"] += count
        overrides += count if is_override else 0
    spans = db.session.execute(
        select(Application.created_at, Application.decided_at).where(
            *conditions, Application.decided_at.is_not(None)
        )
    ).all()
    days = sorted((clock.as_utc(decided) - clock.as_utc(created)).days for created, decided in spans)
    return {
        "applications": sum(by_status.values()),
        "by_status": [
            {"key": status, "count": int(by_status.get(status, 0))}
            for status in ("submitted", "in_review", *DECIDED, "withdrawn")
        ],
        "by_reason": [{"key": key, "count": count} for key, count in by_reason.most_common()],
        "overrides": overrides,
        "days_to_decision": {
            "decided": len(days),
            "median": days[len(days) // 2] if days else None,
            "mean": round(sum(days) / len(days), 1) if days else None,
        },
    }


def _financing(filters: SummaryFilters) -> list[dict]:
    """Financing requested and approved (IDR) by commodity and programme."""
    query = (
        select(
            Ikm.primary_commodity,
            Application.programme_code,
            func.count(),
            func.coalesce(func.sum(Application.amount_requested_idr), 0),
            func.coalesce(func.sum(Application.amount_approved_idr), 0),
        )
        .join(Ikm, Ikm.id == Application.ikm_id)
        .where(*_case_conditions(filters), Application.amount_requested_idr.is_not(None))
        .group_by(Ikm.primary_commodity, Application.programme_code)
        .order_by(Ikm.primary_commodity, Application.programme_code)
    )
    return [
        {
            "commodity": commodity,
            "programme": programme,
            "cases": cases,
            "requested_idr": int(asked),
            "approved_idr": int(granted),
        }
        for commodity, programme, cases, asked, granted in db.session.execute(query)
    ]


def _month_start(day: date, months_back: int) -> date:
    """The first day of the month `months_back` months before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def _per_month(rows) -> Counter:
    """Counts per (year, month) from counts per day (a date, or SQLite's ISO text)."""
    months: Counter = Counter()
    for day, count in rows:
        day = date.fromisoformat(str(day)[:10])
        months[(day.year, day.month)] += count
    return months


def _trend(filters: SummaryFilters) -> list[dict]:
    """Assessments made and IKM proposed per month over the twelve months to the period's end."""
    end = filters.period()[1] or clock.utcnow().date()
    start = _month_start(end, TREND_MONTHS - 1)
    area = _area(filters, Assessment.province_code, Assessment.region_code)
    if filters.commodity:
        area.append(Assessment.commodity == filters.commodity)
    # Grouped by day (read in as_of order from the reporting index), then summed per month here.
    assessed = _per_month(
        db.session.execute(
            select(Assessment.as_of, func.count())
            .where(Assessment.as_of >= start, Assessment.as_of <= end, Assessment.ikm_id.is_not(None), *area)
            .group_by(Assessment.as_of)
        )
    )
    ikm_area = _area(filters, Ikm.province_code, Ikm.region_code)
    if filters.commodity:
        ikm_area.append(Ikm.primary_commodity == filters.commodity)
    created_on = func.date(Ikm.created_at)
    proposed = _per_month(
        db.session.execute(
            select(created_on, func.count())
            .where(Ikm.created_at >= start, Ikm.created_at < end + timedelta(days=1), *ikm_area)
            .group_by(created_on)
        )
    )
    rows = []
    for back in range(TREND_MONTHS - 1, -1, -1):
        first = _month_start(end, back)
        key = (first.year, first.month)
        rows.append({"month": f"{first:%Y-%m}", "assessed": assessed[key], "proposed": proposed[key]})
    return rows


def _proposed(filters: SummaryFilters) -> int:
    """IKM registered (proposed) in the area, in the period when one is given."""
    conditions = _area(filters, Ikm.province_code, Ikm.region_code)
    if filters.commodity:
        conditions.append(Ikm.primary_commodity == filters.commodity)
    start, end = filters.period()
    if start is not None:
        conditions += [Ikm.created_at >= start, Ikm.created_at < end + timedelta(days=1)]
    return db.session.scalar(select(func.count()).select_from(Ikm).where(*conditions)) or 0


def area_names(level: str) -> dict[str, str]:
    """Names of provinces or kabupaten/kota by code (reference data cached per process)."""
    length = 5 if level == "regency" else 2
    return {code: name for code, name in reference.region_names().items() if len(code) == length}


def centroids(level: str) -> list[dict]:
    """Code, name and centroid of every province or kabupaten/kota (reference data cached per process)."""
    regions = [
        region
        for province, regencies in reference.regions_by_province()
        for region in (regencies if level == "regency" else (province,))
    ]
    return [{"code": r.code, "name": r.name, "lat": r.lat, "lng": r.lng} for r in regions]


def eudr_scope() -> tuple[frozenset[str], tuple[str, ...]]:
    """The EUDR requirement codes and the commodities they cover, from the policy: the requirements whose
    products are exactly the product classes marked `eudr` in product_classes.yaml (dates stay there)."""
    policy = current_app.extensions["policy"]
    classes = {product_class.name: product_class for product_class in policy.class_index.values()}
    in_scope = frozenset(name for name, product_class in classes.items() if product_class.eudr)
    codes = frozenset(
        entry.requirement
        for entry in policy.requirements
        if entry.selector == "product_classes" and entry.selector_values == in_scope
    )
    covered = {classes[name].commodity for name in in_scope}
    return codes, tuple(commodity for commodity in COMMODITIES if commodity in covered)


def _plan_for_index_scans() -> None:
    """On PostgreSQL, cost random page reads as on SSD or cached storage for this transaction only, so that
    the planner reads the current assessments from the covering partial index (63 MB) instead of the
    table (209 MB): about 40 % less time per scan at national scale (docs/benchmarks.md)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(f"SET LOCAL random_page_cost = {REPORT_RANDOM_PAGE_COST}"))


def summary(filters: SummaryFilters, viewer: User | None = None) -> dict:
    """The aggregate report for the filters (already scoped), small cells suppressed."""
    _plan_for_index_scans()
    cube = current_cube(filters)
    assessed, breakdowns = cube_breakdowns(cube, filters)
    names = area_names(filters.area_level)
    for row in breakdowns["area"]:
        row["name"] = names.get(row["key"], row["key"])
    combinations, grouped_gaps = programmes_and_gaps(filters)
    eudr_codes, eudr_commodities = eudr_scope()
    breakdowns.update(
        programmes=programme_rows(combinations),
        gaps=gap_rows(grouped_gaps),
        eudr=blocked_on_dates(grouped_gaps, eudr_codes, eudr_commodities),
        cases=_cases(filters),
        financing=_financing(filters),
        trend=_trend(filters),
    )
    report = {
        "filters": filters.as_dict(),
        "area_level": filters.area_level,
        "period": [day.isoformat() if day else None for day in filters.period()],
        "policy_version": current_app.extensions["policy"].label,
        "generated_at": clock.utcnow().isoformat(timespec="seconds"),
        "totals": {"ikm_assessed": assessed, "ikm_proposed": _proposed(filters)},
        "eudr_scope": {"requirements": sorted(eudr_codes), "commodities": list(eudr_commodities)},
        "breakdowns": breakdowns,
    }
    return suppressed_summary(report, filters)


def export_summary(
    user: User | str, filters: SummaryFilters, kind: str, breakdown: str | None = None
) -> tuple[dict, bytes]:
    """The summary as CSV (one breakdown or all) or XLSX bytes, audited as an export."""
    from app.reports.exports import summary_csv, summary_xlsx

    report = summary(filters)
    content = summary_xlsx(report) if kind == "xlsx" else summary_csv(report, breakdown)
    audit.record_export(
        f"report.summary.{kind}", filters.as_dict(), rows=report["totals"]["ikm_assessed"], actor=user
    )
    db.session.commit()
    return report, content


def write_quarterly(path: Path, year: int, quarter: int, actor: User | str = "cli") -> dict:
    """Write the quarterly report (XLSX) for the whole country and audit it; return the report."""
    filters = SummaryFilters(year=year, quarter=quarter)
    report, content = export_summary(actor, filters, "xlsx")
    Path(path).write_bytes(content)
    return report
