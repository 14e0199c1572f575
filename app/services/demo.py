"""Demo data: a generated IKM population with assessments (idempotent by NIB) and demo cases."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import yaml
from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import select, update

from app.demo import demo_nib_prefix
from app.demo.generator import generate_profiles
from app.errors import NotFound
from app.extensions import db
from app.models import Application, Assessment, Ikm, User
from app.schemas.ikm import IkmProfileSchema
from app.services import cases, clock, users
from app.services.ikms import apply_profile, assess_and_store

DEMO_CASES_FILE = Path(__file__).resolve().parents[2] / "data" / "demo" / "cases.yaml"


def seed_demo(count: int, seed: int, as_of: date | None = None, progress=None) -> dict[str, int]:
    """Create the generated IKM that are not there yet (by NIB) and assess each once."""
    schema = IkmProfileSchema()
    existing = set(db.session.scalars(select(Ikm.nib).where(Ikm.nib.is_not(None))))
    created = skipped = invalid = 0
    as_of = as_of or date.today()
    for profile in generate_profiles(count=count, seed=seed):
        if progress is not None:
            progress()
        if profile.get("nib") in existing:
            skipped += 1
            continue
        try:
            data = schema.load(profile)
        except ValidationError:
            invalid += 1
            continue
        ikm = Ikm()
        apply_profile(ikm, data)
        db.session.add(ikm)
        db.session.flush()
        assess_and_store(ikm, as_of)
        created += 1
        if created % 200 == 0:
            db.session.commit()
    db.session.commit()
    total_assessments = db.session.query(Assessment).count()
    return {"created": created, "skipped": skipped, "invalid": invalid, "assessments": total_assessments}


def _demo_account(role: str) -> User:
    """The demo account of a role (created by `flask --app wsgi users demo`)."""
    for definition in users.demo_definitions(current_app.config["WORKFLOW_DATA_DIR"]):
        if definition["role"] == role:
            return users.get_user_by_email(definition["email"])
    raise NotFound(f"no demo account for role {role}")


def _demo_programme(result: dict) -> str:
    """The programme a demo applicant applies for: an eligible one on the engine's route, else coaching."""
    wanted_type = "financial" if result["route"] == "financial" else "non_financial"
    for programme in result["programmes"]:
        if programme["type"] == wanted_type and programme["result"] == "eligible":
            return programme["code"]
    return "JASA_KONSULTASI"


def _demo_decision(case: Application, result: dict, rng: random.Random, plan: dict) -> dict:
    """A decision that follows the engine's route, with a seeded share of overrides and credit rejections."""
    credit = case.ikm.credit_status
    if credit in ("substandard", "doubtful", "loss"):
        return {"status": "rejected", "reason_code": "CREDIT_HISTORY"}
    if result["route"] == "financial" and rng.random() < plan["share_overridden"]:
        return {
            "status": "referred",
            "reason_code": "NEEDS_BUYER",
            "override_reason": "MARKET_INFORMATION",
            "referred_programme_code": "BUSINESS_MATCHING",
        }
    decision = {"status": "approved", "reason_code": "CRITERIA_MET"}
    if result["route"] == "financial":  # a financial programme: record the financing (own draw, same plan)
        amounts = random.Random(case.id)
        requested = amounts.randrange(50, 2000) * 1_000_000
        approved = requested if amounts.random() < 0.7 else requested * 4 // 5
        decision.update(amount_requested_idr=requested, amount_approved_idr=approved)
    return decision


def seed_demo_cases(count: int, seed: int) -> dict[str, int]:
    """Give each of the first `count` demo IKM a case and move a seeded share through review and decision.

    IKM that already have a case are left alone, so running it twice changes nothing.
    """
    plan = yaml.safe_load(DEMO_CASES_FILE.read_text(encoding="utf-8"))
    advisor = _demo_account(plan["decided_by_role"])
    rng = random.Random(seed)
    ages = random.Random(seed + 1)  # its own stream, so the fates drawn from `rng` stay as they were
    with_cases = set(db.session.scalars(select(Application.ikm_id)))
    demo_ikms = db.session.scalars(
        select(Ikm).where(Ikm.nib.startswith(demo_nib_prefix())).order_by(Ikm.id).limit(count)
    ).all()
    counts = {"created": 0, "in_review": 0, "decided": 0, "overrides": 0, "skipped": 0}
    for ikm in demo_ikms:
        roll = rng.random()  # drawn for every IKM, so each one's fate does not depend on the others
        age_days, review_after, decision_after = (ages.random() for _ in range(3))
        if ikm.id in with_cases:
            counts["skipped"] += 1
            continue
        assessment = db.session.scalars(
            select(Assessment).where(Assessment.ikm_id == ikm.id).order_by(Assessment.id.desc()).limit(1)
        ).first()
        if assessment is None:
            continue
        case = cases.create_case(advisor, ikm.id, _demo_programme(assessment.result), assessment.id)
        counts["created"] += 1
        if roll >= plan["share_left_submitted"]:
            case = cases.start_review(advisor, case.id, case.version)
            if roll < plan["share_left_submitted"] + plan["share_left_in_review"]:
                counts["in_review"] += 1
            else:
                decision = _demo_decision(case, assessment.result, rng, plan)
                case = cases.decide(advisor, case.id, case.version, note=plan["note_text"], **decision)
                counts["decided"] += 1
                counts["overrides"] += bool(case.is_override)
        _spread_in_time(case, plan["spread_days"], (age_days, review_after, decision_after))
    db.session.commit()  # the last case's dates (the others went with the next case's commit)
    return counts


def _spread_in_time(case: Application, spread_days: int, draws: tuple[float, float, float]) -> None:
    """Date a demo case back up to `spread_days` days (review and decision in between), so the queue shows
    waiting times, reminders and stale flags as a real one would. Its audit events keep today's date."""
    age_days, review_after, decision_after = draws
    age = timedelta(days=age_days * spread_days)
    opened = clock.utcnow() - age
    moments = {"created_at": opened}
    if case.review_started_at is not None:
        moments["review_started_at"] = opened + age * review_after * 0.3
    if case.decided_at is not None:
        moments["decided_at"] = opened + age * (0.3 + decision_after * 0.7)
    db.session.execute(update(Application).where(Application.id == case.id).values(**moments))
