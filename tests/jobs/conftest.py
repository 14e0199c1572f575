"""Fixtures for jobs, policy versions and simulations: a small demo population and a job waiter."""

from __future__ import annotations

import time
from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Assessment, Job

POPULATION = 250
AS_OF = date(2026, 11, 29)


@pytest.fixture
def population(app):
    """POPULATION generated IKM, each with one assessment (the demo generator, fixed seed)."""
    from app.services.demo import seed_demo

    with app.app_context():
        seed_demo(POPULATION, seed=11, as_of=AS_OF)
    return POPULATION


def count_assessments(app) -> int:
    """How many assessments are stored."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Assessment))


def job_row(app, job_id: int) -> Job:
    """The job as stored now (a fresh read)."""
    with app.app_context():
        db.session.expire_all()
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
        return job


def wait_for(app, job_id: int, statuses=("succeeded", "failed", "cancelled"), timeout: float = 120) -> Job:
    """Poll the job until it reaches one of the statuses (AssertionError after timeout seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = job_row(app, job_id)
        if job.status in statuses:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {job.status} after {timeout} s")
