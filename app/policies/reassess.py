"""Adopting a policy version from a date: record the adoption and re-assess every stored IKM in a job.

The job evaluates the whole population with the vectorised engine, then, in one transaction with the job's
success, closes each IKM's current assessment on the date and stores the new one; a job killed mid-way
leaves the assessments as they were and can be run again. Its result says what changed.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import Assessment, PolicyAdoption


def adopt(version: str, effective_from: date, user, note: str | None = None) -> PolicyAdoption:
    """Record the adoption of a known version from a date and start its re-assessment job (409 if the same
    version was already adopted from that day)."""
    from app import jobs
    from app.policies.versions import load_version

    policy = load_version(version)
    adoption = PolicyAdoption(
        version=version,
        content_hash=policy.content_hash,
        effective_from=effective_from,
        note=note,
        adopted_by_id=getattr(user, "id", None),
    )
    db.session.add(adoption)
    db.session.flush()  # the unique (version, day) constraint answers 409 before any job starts
    job = jobs.submit(
        "reassessment",
        {"version": version, "as_of": effective_from.isoformat(), "adoption_id": adoption.id},
        requested_by_id=getattr(user, "id", None),
    )
    adoption = db.session.get(PolicyAdoption, adoption.id)
    adoption.job_id = job.id
    db.session.commit()
    return adoption


def adoption_as_dict(adoption: PolicyAdoption) -> dict:
    """An adoption as the API shows it, with its job's address."""
    return {
        "id": adoption.id,
        "version": adoption.version,
        "content_hash": adoption.content_hash,
        "effective_from": adoption.effective_from,
        "note": adoption.note,
        "job_id": adoption.job_id,
        "job_url": f"/api/v1/jobs/{adoption.job_id}" if adoption.job_id else None,
        "created_at": adoption.created_at,
    }


def _current_assessments(ids: list[int]) -> dict[int, tuple[str, str, str]]:
    """Each IKM's current assessment: (route, level, eligible programmes)."""
    found = {}
    for start in range(0, len(ids), 5000):
        rows = db.session.execute(
            select(
                Assessment.ikm_id, Assessment.route, Assessment.level, Assessment.eligible_programmes
            ).where(Assessment.ikm_id.in_(ids[start : start + 5000]), Assessment.superseded_on.is_(None))
        )
        found.update({ikm_id: (route, level, eligible or "") for ikm_id, route, level, eligible in rows})
    return found


def reassess(version: str, as_of: date, progress=None, requested_by_id: int | None = None) -> dict:
    """Re-assess every stored IKM under a version on a date, store the results (the caller commits)."""
    from app.simulation.population import paused_collector

    with paused_collector():
        return _reassess(version, as_of, progress, requested_by_id)


def _reassess(version: str, as_of: date, progress, requested_by_id) -> dict:
    """reassess() with the collector paused."""
    from app.engine import assess_frame, profiles_to_frame
    from app.policies.versions import load_version
    from app.services.assessments import store_batch_assessments
    from app.simulation.population import load_population

    step = progress or (lambda *_: None)
    policy = load_version(version)
    population = load_population(progress=lambda share: step(2 + 48 * share, "loading"))
    frame = assess_frame(profiles_to_frame(population.profiles), as_of, policy, gap_detail=True)
    step(55, "evaluated")
    previous = _current_assessments(population.ids)
    levels = [name for name, _ in policy.level_bands]
    changes: Counter = Counter()
    if progress is not None:
        progress.writing()
    store_batch_assessments(
        population.ids,
        population.profiles,
        frame,
        policy,
        as_of,
        requested_by_id,
        lambda done, total: step(60 + 39 * done / total, "writing"),
    )
    found = zip(population.ids, frame["route"], frame["level"], frame["eligible_programmes"], strict=True)
    for ikm_id, route_now, level_now, eligible_now in found:
        before = previous.get(ikm_id)
        changes["reassessed"] += 1
        if before is None:
            changes["first_assessment"] += 1
            continue
        route, level, eligible = before
        changes["route_changed"] += route != route_now
        if level in levels:
            changes["level_up"] += levels.index(level_now) > levels.index(level)
            changes["level_down"] += levels.index(level_now) < levels.index(level)
        changes["programmes_changed"] += eligible != (eligible_now or "")
    return {
        "version": policy.label,
        "content_hash": policy.content_hash,
        "as_of": as_of.isoformat(),
        "summary": {
            name: int(changes[name])
            for name in (
                "reassessed",
                "first_assessment",
                "route_changed",
                "level_up",
                "level_down",
                "programmes_changed",
            )
        },
        "levels": dict(Counter(frame["level"])),
        "routes": dict(Counter(frame["route"])),
    }


def run_reassessment_job(params: dict, progress) -> dict:
    """The job of an adoption: re-assess every IKM (its writes are committed with the job's success)."""
    return reassess(
        params["version"], date.fromisoformat(params["as_of"]), progress, params.get("requested_by_id")
    )
