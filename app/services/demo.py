"""Demo data: a generated IKM population with assessments, loaded idempotently by NIB."""

from __future__ import annotations

from datetime import date

from app.demo.generator import generate_profiles
from marshmallow import ValidationError
from sqlalchemy import select

from app.extensions import db
from app.models import Assessment, Ikm
from app.schemas.ikm import IkmProfileSchema
from app.services.assessments import evaluate, store_assessment
from app.services.ikms import apply_profile


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
        stored_profile = ikm.to_profile()
        store_assessment(stored_profile, evaluate(stored_profile, as_of), ikm=ikm)
        created += 1
        if created % 200 == 0:
            db.session.commit()
    db.session.commit()
    total_assessments = db.session.query(Assessment).count()
    return {"created": created, "skipped": skipped, "invalid": invalid, "assessments": total_assessments}
