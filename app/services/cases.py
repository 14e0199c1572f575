"""Cases (applications): the advisor queue, review, decisions with reasons, overrides, assignment, comments.

Every change checks the client's `version` (optimistic locking) and writes an audit event in the same
transaction. Statuses: submitted → in_review → approved | referred | rejected; submitted or in_review →
withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

import yaml
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.auth import access
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.extensions import db
from app.models import Application, Assessment, CaseComment, Ikm, User
from app.services import audit, clock, programmes
from app.services.clock import as_utc
from app.services.models import current_models
from app.services.pagination import paginate

OPEN_STATUSES = ("submitted", "in_review")
DECISION_STATUSES = ("approved", "referred", "rejected")
REASONS_FILE = "decision_reasons.yaml"
ASSIGNABLE_ROLES = ("advisor", "supervisor")
# Loaded with each page of the queue (one query each instead of one per case).
LISTED_RELATIONS = (Application.ikm, Application.assessment, Application.assigned_to, Application.decided_by)


@dataclass(frozen=True)
class CaseFilters:
    """Which cases the queue shows and in which order."""

    status: str = "open"
    commodity: str | None = None
    province: str | None = None
    programme: str | None = None
    assigned: str | None = None  # "me" or "none"
    flag: str | None = None  # "reminder" or "stale"
    sort: str = "priority"  # or "age"


@lru_cache(maxsize=4)
def _load_reasons(path: Path) -> dict:
    """The reason codes file, read once per path."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def reason_catalogue() -> dict:
    """Decision reasons per outcome and override reasons, from data/workflow/decision_reasons.yaml."""
    return _load_reasons(Path(current_app.config["WORKFLOW_DATA_DIR"]) / REASONS_FILE)


def _reason_codes(items: list[dict]) -> set[str]:
    """The codes still accepted (not retired) among reason entries."""
    return {item["code"] for item in items if not item.get("retired")}


def reason_label(code: str | None) -> dict | None:
    """The bilingual label of a decision or override reason code."""
    if code is None:
        return None
    catalogue = reason_catalogue()
    entries = [item for items in catalogue["decisions"].values() for item in items] + catalogue[
        "override_reasons"
    ]
    entry = next((item for item in entries if item["code"] == code), None)
    return (
        {"code": code, "label_id": entry["label_id"], "label_en": entry["label_en"]}
        if entry
        else {"code": code}
    )


# --- reading -------------------------------------------------------------------------------------------


def get_case(case_id: int) -> Application:
    """One case, or 404."""
    case = db.session.get(Application, case_id)
    if case is None:
        raise NotFound(f"Kasus {case_id} tidak ditemukan. / Case {case_id} not found.")
    return case


def waiting(case: Application, now=None) -> dict:
    """Days the applicant has waited (until today, or until the decision) and the reminder / stale flags."""
    now = now or clock.utcnow()
    end = as_utc(case.decided_at) if case.status not in OPEN_STATUSES and case.decided_at else now
    days = max(0, (end - as_utc(case.created_at)).days)
    is_open = case.status in OPEN_STATUSES
    stale = is_open and days > current_app.config["CASE_STALE_DAYS"]
    reminder = is_open and days > current_app.config["CASE_REMINDER_DAYS"]
    return {"days_waiting": days, "reminder": reminder, "stale": stale}


def _person(user: User | None) -> dict | None:
    """A staff member as shown on a case."""
    return {"id": user.id, "email": user.email} if user is not None else None


def case_as_dict(case: Application, viewer: User, with_comments: bool = False) -> dict:
    """A case as the API and pages show it to `viewer` (internal comments for staff only)."""
    assessment, ikm = case.assessment, case.ikm
    item = {
        "id": case.id,
        "version": case.version,
        "status": case.status,
        "ikm": {
            "id": ikm.id,
            "name": ikm.name,
            "region_code": ikm.region_code,
            "province_code": ikm.province_code,
            "commodity": ikm.primary_commodity,
        },
        "programme_code": case.programme_code,
        "assessment": {
            "id": assessment.id,
            "as_of": assessment.as_of,
            "score": assessment.score,
            "level": assessment.level,
            "route": assessment.route,
            "review_required": assessment.review_required,
            "review_reasons": (assessment.result or {}).get("review_reasons", []),
        },
        "engine_route": case.engine_route,
        "priority": case.priority,
        "triage": case.triage,
        "assigned_to": _person(case.assigned_to),
        "decision": {
            "reason": reason_label(case.decision_reason),
            "note": case.decision_note,
            "is_override": case.is_override,
            "override_reason": reason_label(case.override_reason),
            "referred_programme_code": case.referred_programme_code,
            "amount_requested_idr": case.amount_requested_idr,
            "amount_approved_idr": case.amount_approved_idr,
            "decided_by": _person(case.decided_by),
            "decided_at": case.decided_at,
        },
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        "review_started_at": case.review_started_at,
        **waiting(case),
    }
    if with_comments:
        item["comments"] = [
            comment_as_dict(comment)
            for comment in case.comments
            if not comment.internal or access.sees_internal_comments(viewer)
        ]
    return item


def comment_as_dict(comment: CaseComment) -> dict:
    """A comment as shown on a case."""
    return {
        "id": comment.id,
        "author": _person(comment.author),
        "body": comment.body,
        "internal": comment.internal,
        "created_at": comment.created_at,
    }


def read_case(actor: User | None, case_id: int) -> dict:
    """One case with its comments, for a caller whose scope covers it."""
    actor = access.require_personal_data_access(actor)
    case = get_case(case_id)
    access.require_case_access(actor, case)
    return case_as_dict(case, actor, with_comments=True)


def _queue_order(query, sort: str):
    """Order the queue: by the triage model's priority, else the rules score; or oldest first."""
    if sort == "age":
        return query.order_by(Application.created_at, Application.id), "age"
    if current_models().triage is not None:
        order = (Application.priority.desc().nulls_last(), Assessment.score.desc(), Application.created_at)
        return query.order_by(*order, Application.id), "triage"
    return query.order_by(Assessment.score.desc(), Application.created_at, Application.id), "rules"


def _filtered_cases(actor: User, filters: CaseFilters):
    """The select of cases the caller may see that match the filters (unordered)."""
    query = (
        select(Application)
        .options(*(selectinload(relation) for relation in LISTED_RELATIONS))
        .join(Ikm, Application.ikm_id == Ikm.id)
        .join(Assessment, Application.assessment_id == Assessment.id)
        .where(access.ikm_scope_clause(actor))
    )
    if filters.status == "open":
        query = query.where(Application.status.in_(OPEN_STATUSES))
    elif filters.status != "all":
        query = query.where(Application.status == filters.status)
    if filters.commodity:
        query = query.where(Ikm.primary_commodity == filters.commodity)
    if filters.province:
        query = query.where(Ikm.province_code == filters.province)
    if filters.programme:
        query = query.where(Application.programme_code == filters.programme)
    if filters.assigned == "me":
        query = query.where(Application.assigned_to_id == actor.id)
    elif filters.assigned == "none":
        query = query.where(Application.assigned_to_id.is_(None))
    if filters.flag in ("reminder", "stale"):
        days = current_app.config["CASE_STALE_DAYS" if filters.flag == "stale" else "CASE_REMINDER_DAYS"]
        cutoff = clock.utcnow() - timedelta(days=days + 1)
        query = query.where(Application.status.in_(OPEN_STATUSES), Application.created_at <= cutoff)
    return query


def list_cases(actor: User | None, filters: CaseFilters, page: int, page_size: int) -> dict:
    """One page of the queue the caller may see, with the ordering used ("triage", "rules" or "age")."""
    actor = access.require_personal_data_access(actor)
    query = _filtered_cases(actor, filters)
    ordered, ordering = _queue_order(query, filters.sort)
    result = paginate(ordered, page, page_size, count_query=query)
    result["items"] = [case_as_dict(case, actor) for case in result["items"]]
    return {**result, "ordering": ordering}


def case_history(actor: User | None, case_id: int) -> dict:
    """The audit events of a case, oldest first (LPEI staff only)."""
    actor = access.require_staff(actor)
    case = get_case(case_id)
    return {
        "case_id": case.id,
        "events": [audit.event_as_dict(item) for item in audit.history("case", case.id)],
    }


# --- creating -------------------------------------------------------------------------------------------


def _assessment_for(ikm: Ikm, assessment_id: int | None, actor: User) -> Assessment:
    """The given assessment of this IKM, else its latest, else a fresh one."""
    from app.services.assessments import evaluate, store_assessment

    if assessment_id is not None:
        assessment = db.session.get(Assessment, assessment_id)
        if assessment is None or assessment.ikm_id != ikm.id:
            message = (
                f"Penilaian {assessment_id} bukan milik IKM {ikm.id}. / Not an assessment of IKM {ikm.id}."
            )
            raise InvalidInput(message, errors={"json": {"assessment_id": [message]}})
        return assessment
    latest = db.session.scalar(
        select(Assessment)
        .where(Assessment.ikm_id == ikm.id)
        .order_by(Assessment.as_of.desc(), Assessment.id.desc())
        .limit(1)
    )
    if latest is not None:
        return latest
    profile = ikm.to_profile()
    return store_assessment(
        profile, evaluate(profile, clock.utcnow().date()), ikm=ikm, created_by_id=actor.id
    )


def _triage_of(assessment: Assessment) -> dict | None:
    """The triage model's answer for an assessment: stored with it, or computed now (None without a model)."""
    stored = (assessment.result or {}).get("triage")
    if stored:
        return stored
    triage = current_models().triage
    if triage is None:
        return None
    answer = triage.priority(assessment.profile_snapshot, assessment.result)
    return {**answer, "model_version": getattr(triage, "version", None)} if answer else None


def open_case_id(ikm_id: int, programme_code: str) -> int | None:
    """The id of the IKM's open case for this programme, if there is one."""
    return db.session.scalar(
        select(Application.id).where(
            Application.ikm_id == ikm_id,
            Application.programme_code == programme_code,
            Application.status.in_(OPEN_STATUSES),
        )
    )


def _duplicate_case(ikm_id: int, programme_code: str, existing: int) -> Conflict:
    """409 naming the open case that already exists."""
    return Conflict(
        f"IKM {ikm_id} sudah punya kasus terbuka {existing} untuk {programme_code}. / "
        f"IKM {ikm_id} already has open case {existing} for {programme_code}.",
        extra={"existing_case_id": existing},
    )


def create_case(actor: User | None, ikm_id: int, programme_code: str, assessment_id: int | None = None):
    """Open a case for an IKM and a programme (one open case per IKM and programme, kept by the database)."""
    actor = access.require_personal_data_access(actor)
    ikm = db.session.get(Ikm, ikm_id)
    if ikm is None:
        message = f"IKM {ikm_id} tidak ditemukan. / IKM {ikm_id} not found."
        raise InvalidInput(message, errors={"json": {"ikm_id": [message]}})
    access.require_ikm_access(actor, ikm)
    programmes.require_programme(programme_code)
    assessment = _assessment_for(ikm, assessment_id, actor)
    triage = _triage_of(assessment)
    case = Application(
        ikm_id=ikm.id,
        assessment_id=assessment.id,
        programme_code=programme_code,
        status="submitted",
        engine_route=assessment.route,
        triage=audit.jsonable(triage),
        priority=float(triage["score"]) if triage and triage.get("score") is not None else None,
        submitted_by_id=actor.id,
        is_override=False,
    )
    db.session.add(case)
    try:
        db.session.flush()
    except IntegrityError:
        # The IKM already has this open case, perhaps opened by a simultaneous request
        # (uq_applications_open_case): nothing is kept.
        db.session.rollback()
        duplicate = open_case_id(ikm_id, programme_code)
        if duplicate is None:
            raise
        raise _duplicate_case(ikm_id, programme_code, duplicate) from None
    audit.record("case.create", "case", case.id, after=_state(case), actor=actor)
    db.session.commit()
    return case


# --- changing -------------------------------------------------------------------------------------------


def _state(case: Application) -> dict:
    """The audited fields of a case."""
    return {
        "status": case.status,
        "version": case.version,
        "ikm_id": case.ikm_id,
        "assessment_id": case.assessment_id,
        "programme_code": case.programme_code,
        "engine_route": case.engine_route,
        "assigned_to_id": case.assigned_to_id,
        "decision_reason": case.decision_reason,
        "decision_note": case.decision_note,
        "is_override": case.is_override,
        "override_reason": case.override_reason,
        "referred_programme_code": case.referred_programme_code,
        "amount_requested_idr": case.amount_requested_idr,
        "amount_approved_idr": case.amount_approved_idr,
        "decided_by_id": case.decided_by_id,
    }


def _stale(case_id: int, viewer: User, sent_version: int) -> Conflict:
    """409 carrying the case as it is now, so the client can show it and retry deliberately."""
    current = db.session.get(Application, case_id, populate_existing=True)
    message = (
        f"Kasus {case_id} sudah diubah orang lain (versi {current.version}, Anda mengirim {sent_version}); "
        f"muat ulang lalu ulangi. / Case {case_id} was changed by someone else (version {current.version}, "
        f"you sent {sent_version}); reload and try again."
    )
    return Conflict(
        message,
        errors={"json": {"version": [f"Stale: current version is {current.version}."]}},
        extra={"current": audit.jsonable(case_as_dict(current, viewer))},
    )


def check_version(case: Application, version: int, viewer: User) -> None:
    """Refuse a change based on an old read of the case (409 with the current state)."""
    if case.version != version:
        raise _stale(case.id, viewer, version)


def _require_status(case: Application, allowed: tuple[str, ...], viewer: User, action: str) -> None:
    """Refuse a transition the case's status does not allow (409 with the current state)."""
    if case.status not in allowed:
        raise Conflict(
            f"Kasus berstatus {case.status!r}; tidak bisa {action}. / "
            f"The case is {case.status!r}; cannot {action}.",
            errors={"json": {"status": [f"Allowed from: {', '.join(allowed)}."]}},
            extra={"current": audit.jsonable(case_as_dict(case, viewer))},
        )


def _commit_change(case: Application, action: str, before: dict, actor: User, version: int) -> Application:
    """Audit and commit a change; a concurrent change that won the race turns into 409 (nothing written)."""
    case_id = case.id
    try:
        db.session.flush()
        audit.record(action, "case", case_id, before=before, after=_state(case), actor=actor)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise _stale(case_id, actor, version) from None
    return case


def _require_assignee_or_supervisor(actor: User, case: Application) -> None:
    """Advisors work their own (or unassigned) cases; supervisors and admins any case."""
    if actor.role in access.SUPERVISOR_ROLES:
        return
    if case.assigned_to_id not in (None, actor.id):
        raise Forbidden(
            "Kasus ini ditugaskan ke penasihat lain; minta supervisor untuk memindahkannya. / "
            "This case is assigned to another advisor; ask a supervisor to reassign it."
        )


def start_review(actor: User | None, case_id: int, version: int) -> Application:
    """Move a submitted case into review; an unassigned case is assigned to the reviewer."""
    actor = access.require_role(actor, access.DECIDER_ROLES)
    case = get_case(case_id)
    check_version(case, version, actor)
    _require_status(case, ("submitted",), actor, "start the review")
    _require_assignee_or_supervisor(actor, case)
    before = _state(case)
    case.status = "in_review"
    case.review_started_at = clock.utcnow()
    if case.assigned_to_id is None:
        case.assigned_to_id = actor.id
    return _commit_change(case, "case.review", before, actor, version)


def decision_route(status: str, programme_type: str) -> str:
    """The route a decision takes: approving a financial programme is `financial`; anything else is not."""
    return "financial" if status == "approved" and programme_type == "financial" else "non_financial"


def _decision_errors(status: str, reason_code: str, override: bool, override_reason, referred) -> dict:
    """Field errors of a decision: reason codes from the fixed lists, override reason, referral target."""
    catalogue, errors = reason_catalogue(), {}
    if reason_code not in _reason_codes(catalogue["decisions"][status]):
        allowed = ", ".join(sorted(_reason_codes(catalogue["decisions"][status])))
        errors["reason_code"] = [
            f"Kode alasan untuk {status}: {allowed}. / Reason codes for {status}: {allowed}."
        ]
    if override and not override_reason:
        errors["override_reason"] = [
            "Keputusan berbeda dari rute mesin aturan: wajib alasan override. / The decision differs from "
            "the engine's route: an override reason is required."
        ]
    elif override and override_reason not in _reason_codes(catalogue["override_reasons"]):
        allowed = ", ".join(sorted(_reason_codes(catalogue["override_reasons"])))
        errors["override_reason"] = [f"Alasan override: {allowed}. / Override reasons: {allowed}."]
    elif not override and override_reason:
        errors["override_reason"] = [
            "Keputusan ini mengikuti rute mesin aturan, jadi bukan override: kosongkan alasan override. / "
            "This decision follows the engine's route, so it is not an override: "
            "leave the override reason empty."
        ]
    if status == "referred" and not referred:
        errors["referred_programme_code"] = [
            "Rujukan perlu program non-finansial tujuan. / A referral names the non-financial programme."
        ]
    return errors


def decide(
    actor: User | None,
    case_id: int,
    version: int,
    status: str,
    reason_code: str,
    note: str,
    override_reason: str | None = None,
    referred_programme_code: str | None = None,
    amount_requested_idr: int | None = None,
    amount_approved_idr: int | None = None,
) -> Application:
    """Approve, refer (to a named non-financial programme) or reject a case in review, with reason + note.

    A decision on a financial programme may record the financing requested and approved (IDR).
    """
    actor = access.require_role(actor, access.DECIDER_ROLES)
    case = get_case(case_id)
    check_version(case, version, actor)
    _require_status(case, ("in_review",), actor, "decide")
    _require_assignee_or_supervisor(actor, case)
    programme = programmes.find_programme(case.programme_code)
    override = decision_route(status, programme.type) != case.engine_route
    errors = _decision_errors(status, reason_code, override, override_reason, referred_programme_code)
    errors.update(_amount_errors(programme.type, status, amount_requested_idr, amount_approved_idr))
    if errors:
        raise InvalidInput("Keputusan tidak lengkap. / Incomplete decision.", errors={"json": errors})
    if status == "referred":
        programmes.require_programme(referred_programme_code, "referred_programme_code", "non_financial")
    before = _state(case)
    case.status = status
    case.decision_reason = reason_code
    case.decision_note = note
    case.is_override = override
    case.override_reason = override_reason if override else None
    case.referred_programme_code = referred_programme_code if status == "referred" else None
    case.amount_requested_idr = amount_requested_idr
    case.amount_approved_idr = amount_approved_idr
    case.decided_by_id = actor.id
    case.decided_at = clock.utcnow()
    if case.assigned_to_id is None:
        case.assigned_to_id = actor.id
    return _commit_change(case, "case.decide", before, actor, version)


def _amount_errors(programme_type: str, status: str, requested: int | None, approved: int | None) -> dict:
    """Financing amounts belong to financial programmes; only an approval grants, never more than asked."""
    errors: dict = {}
    if programme_type != "financial":
        for field, value in (("amount_requested_idr", requested), ("amount_approved_idr", approved)):
            if value is not None:
                errors[field] = ["Hanya untuk program pembiayaan. / Financial programmes only."]
        return errors
    if approved is not None and status != "approved":
        errors["amount_approved_idr"] = ["Hanya bila disetujui. / Only when approved."]
    elif approved is not None and requested is not None and approved > requested:
        errors["amount_approved_idr"] = ["Melebihi jumlah diajukan. / More than requested."]
    return errors


def withdraw(actor: User | None, case_id: int, version: int, reason_code: str, note: str) -> Application:
    """Withdraw an open case (the applicant's side or LPEI staff), with a reason and a note."""
    actor = access.require_personal_data_access(actor)
    case = get_case(case_id)
    access.require_case_access(actor, case)
    check_version(case, version, actor)
    _require_status(case, OPEN_STATUSES, actor, "withdraw")
    if reason_code not in _reason_codes(reason_catalogue()["decisions"]["withdrawn"]):
        allowed = ", ".join(sorted(_reason_codes(reason_catalogue()["decisions"]["withdrawn"])))
        raise InvalidInput(
            "Kode alasan penarikan tidak dikenal. / Unknown withdrawal reason.",
            errors={"json": {"reason_code": [f"Allowed: {allowed}."]}},
        )
    before = _state(case)
    case.status = "withdrawn"
    case.decision_reason = reason_code
    case.decision_note = note
    case.decided_by_id = actor.id
    case.decided_at = clock.utcnow()
    return _commit_change(case, "case.withdraw", before, actor, version)


def assign(actor: User | None, case_id: int, version: int, assignee_id: int | None) -> Application:
    """Assign or reassign an open case to an advisor or supervisor (supervisors and admins only)."""
    actor = access.require_role(actor, access.SUPERVISOR_ROLES)
    case = get_case(case_id)
    check_version(case, version, actor)
    _require_status(case, OPEN_STATUSES, actor, "assign")
    if assignee_id is not None:
        assignee = db.session.get(User, assignee_id)
        if assignee is None or not assignee.active or assignee.role not in ASSIGNABLE_ROLES:
            message = "Penerima harus penasihat/supervisor aktif. / The assignee must be an active advisor."
            raise InvalidInput(message, errors={"json": {"assignee_id": [message]}})
    before = _state(case)
    case.assigned_to_id = assignee_id
    return _commit_change(case, "case.assign", before, actor, version)


def add_comment(actor: User | None, case_id: int, body: str, internal: bool = False) -> CaseComment:
    """Comment on a case the caller may see; internal comments are for LPEI staff only."""
    actor = access.require_personal_data_access(actor)
    case = get_case(case_id)
    access.require_case_access(actor, case)
    if internal and not access.sees_internal_comments(actor):
        raise Forbidden("Komentar internal hanya untuk staf LPEI. / Internal comments are for LPEI staff.")
    comment = CaseComment(application_id=case.id, author_id=actor.id, body=body, internal=internal)
    db.session.add(comment)
    db.session.flush()
    audit.record(
        "case.comment",
        "case",
        case.id,
        after={"comment_id": comment.id, "internal": internal, "body": body},
        actor=actor,
    )
    db.session.commit()
    return comment


def list_comments(actor: User | None, case_id: int) -> list[dict]:
    """The comments of a case the caller may see (internal ones for staff only)."""
    return read_case(actor, case_id)["comments"]


# --- reporting ------------------------------------------------------------------------------------------


def override_report(actor: User | None, date_from=None, date_to=None) -> dict:
    """Decisions and overrides per advisor and per override reason (supervisors and admins)."""
    access.require_role(actor, access.SUPERVISOR_ROLES)
    decided = select(Application).where(Application.status.in_(DECISION_STATUSES))
    if date_from:
        decided = decided.where(Application.decided_at >= datetime.combine(date_from, time.min, UTC))
    if date_to:
        decided = decided.where(
            Application.decided_at < datetime.combine(date_to + timedelta(days=1), time.min, UTC)
        )
    rows = db.session.scalars(decided.options(selectinload(Application.decided_by))).all()
    by_advisor: dict[int | None, dict] = {}
    by_reason: dict[str, int] = {}
    for case in rows:
        entry = by_advisor.setdefault(
            case.decided_by_id, {"advisor": _person(case.decided_by), "decided": 0, "overrides": 0}
        )
        entry["decided"] += 1
        if case.is_override:
            entry["overrides"] += 1
            by_reason[case.override_reason] = by_reason.get(case.override_reason, 0) + 1
    overrides = sum(entry["overrides"] for entry in by_advisor.values())
    return {
        "decided": len(rows),
        "overrides": overrides,
        "override_rate": round(overrides / len(rows), 4) if rows else None,
        "by_advisor": sorted(
            (
                {**entry, "override_rate": round(entry["overrides"] / entry["decided"], 4)}
                for entry in by_advisor.values()
            ),
            key=lambda entry: (-entry["overrides"], (entry["advisor"] or {}).get("email") or ""),
        ),
        "by_reason": sorted(
            ({"reason": reason_label(code), "overrides": count} for code, count in by_reason.items()),
            key=lambda entry: (-entry["overrides"], entry["reason"]["code"] or ""),
        ),
    }


# --- learning ----------------------------------------------------------------------------------------

DECIDED_STATUSES = ("approved", "referred", "rejected")


def decision_rows() -> list[dict]:
    """Decided cases as triage training rows {profile, assessment, decision, decided_by, synthetic}.

    `synthetic` marks cases of generated demo IKM (their NIB carries the demo prefix), so a model trained
    on a demo database is labelled synthetic like the generator's history.
    """
    from app.demo import demo_nib_prefix

    prefix = demo_nib_prefix()
    query = (
        select(Application, Assessment, Ikm.nib)
        .join(Assessment, Application.assessment_id == Assessment.id)
        .join(Ikm, Application.ikm_id == Ikm.id)
        .where(Application.status.in_(DECIDED_STATUSES))
        .order_by(Application.id)
    )
    return [
        {
            "profile": assessment.profile_snapshot,
            "assessment": assessment.result,
            "decision": case.status,
            "decided_by": case.decided_by_id,
            "synthetic": bool(nib and nib.startswith(prefix)),
        }
        for case, assessment, nib in db.session.execute(query)
    ]
