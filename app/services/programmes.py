"""The programmes table: the LPEI catalogue of the loaded policy, synchronised so cases can refer to it."""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select

from app.engine import programme_catalogue
from app.errors import InvalidInput
from app.extensions import db
from app.models import Programme


def _catalogue_rows() -> list[dict]:
    """The policy's programmes as rows of the programmes table."""
    rows = []
    for entry in programme_catalogue(current_app.extensions["policy"]):
        rows.append(
            {
                "code": entry["code"],
                "name": entry.get("name_id") or entry.get("name_en") or entry["code"],
                "type": entry["type"],
                "valid_from": date.fromisoformat(entry["valid_from"]) if entry.get("valid_from") else None,
                "valid_to": date.fromisoformat(entry["valid_to"]) if entry.get("valid_to") else None,
                "source": entry.get("source"),
            }
        )
    return rows


def sync_programme_catalogue(commit: bool = True) -> dict[str, int]:
    """Insert new programmes and update changed ones from the policy (never deletes: cases refer to them)."""
    existing = {programme.code: programme for programme in db.session.scalars(select(Programme))}
    created = updated = 0
    for row in _catalogue_rows():
        programme = existing.get(row["code"])
        if programme is None:
            db.session.add(Programme(**row))
            created += 1
            continue
        changed = [field for field, value in row.items() if getattr(programme, field) != value]
        for field in changed:
            setattr(programme, field, row[field])
        updated += bool(changed)
    db.session.flush()
    if commit:
        db.session.commit()
    return {"created": created, "updated": updated}


def find_programme(code: str) -> Programme | None:
    """The catalogue entry for a code (synchronising the catalogue once when it is missing), or None."""
    programme = db.session.get(Programme, code)
    if programme is None:
        sync_programme_catalogue(commit=False)
        programme = db.session.get(Programme, code)
    return programme


def require_programme(
    code: str, field: str = "programme_code", programme_type: str | None = None
) -> Programme:
    """The programme with this code, offered today (and of `programme_type` when given), or 422."""
    programme = find_programme(code)
    today = date.today()
    problem = None
    if programme is None:
        problem = f"Program {code!r} tidak ada di katalog. / Programme {code!r} is not in the catalogue."
    elif (programme.valid_from and programme.valid_from > today) or (
        programme.valid_to and programme.valid_to < today
    ):
        problem = f"Program {code} tidak ditawarkan saat ini. / Programme {code} is not offered today."
    elif programme_type and programme.type != programme_type:
        problem = (
            f"Program {code} bukan program {programme_type}. / Programme {code} is not {programme_type}."
        )
    if problem:
        raise InvalidInput(problem, errors={"json": {field: [problem]}})
    return programme


def offered_programmes(programme_type: str | None = None) -> list[Programme]:
    """Programmes offered today (of one type when given), by code, for forms."""
    counts = sync_programme_catalogue(commit=False)
    if counts["created"] or counts["updated"]:
        db.session.commit()
    today = date.today()
    query = select(Programme).order_by(Programme.code)
    if programme_type:
        query = query.where(Programme.type == programme_type)
    return [
        programme
        for programme in db.session.scalars(query)
        if (programme.valid_from is None or programme.valid_from <= today)
        and (programme.valid_to is None or programme.valid_to >= today)
    ]
