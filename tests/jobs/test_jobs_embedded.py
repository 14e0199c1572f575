"""The job queue without a broker (the embedded worker thread): adoption and re-assessment, a job that dies
mid-way keeps nothing and runs again, cancellation, large imports and the quarterly report as jobs."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Assessment
from tests.jobs.conftest import count_assessments, wait_for


def _adopt(client, headers, version="v1", day="2026-12-01"):
    return client.post(f"/api/v1/policies/{version}/adoptions", json={"effective_from": day}, headers=headers)


def _current_versions(app) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(
            select(Assessment.policy_version, func.count())
            .where(Assessment.superseded_on.is_(None))
            .group_by(Assessment.policy_version)
        )
        return dict(rows.all())


def test_adoption_reassesses_every_ikm(app, client, auth, population):
    """Adopting v1 from a date stores one new current assessment per IKM under v1, with a summary."""
    admin = auth("admin")
    before = count_assessments(app)
    response = _adopt(client, admin)
    assert response.status_code == 202, response.get_json()
    adoption = response.get_json()
    assert adoption["version"] == "v1" and adoption["job_url"] == f"/api/v1/jobs/{adoption['job_id']}"
    job = wait_for(app, adoption["job_id"])
    assert job.status == "succeeded", job.error
    assert count_assessments(app) == before + population
    assert _current_versions(app) == {"v1": population}
    summary = job.result["summary"]
    assert summary["reassessed"] == population and summary["programmes_changed"] > 0
    assert sum(job.result["levels"].values()) == population
    # The same version from the same day again: 409, no second job.
    again = _adopt(client, admin)
    assert again.status_code == 409
    assert count_assessments(app) == before + population


def test_an_adopted_version_is_in_force_for_new_assessments_from_its_date(app, client, auth, population):
    """After v1 is adopted from 1 December 2026, a new assessment as of that day (or later) applies v1;
    one as of the day before still applies the current files (v1.1)."""
    from tests.profiles import gayo

    admin = auth("admin")
    adoption = _adopt(client, admin, day="2026-12-01").get_json()
    assert wait_for(app, adoption["job_id"]).status == "succeeded"

    def version_on(day: str) -> str:
        response = client.post("/api/v1/assessments", json={"profile": gayo(), "as_of": day}, headers=admin)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["policy_version"]

    assert version_on("2026-11-30") == "v1.1"
    assert version_on("2026-12-01") == "v1"
    assert version_on("2027-03-01") == "v1"


def test_only_admins_adopt(client, auth):
    """Adoption is an admin's act."""
    assert _adopt(client, auth("supervisor")).status_code == 403


def test_a_job_that_dies_mid_write_keeps_nothing_and_runs_again(app, client, auth, population, monkeypatch):
    """The re-assessment fails at row 221, after its first 200-row INSERT: no assessment changed; retried,
    it stores each IKM's assessment once."""
    from app.services import assessments

    original = assessments.assessment_values
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 220:
            raise RuntimeError("worker lost")
        return original(*args, **kwargs)

    monkeypatch.setattr(assessments, "assessment_values", failing)
    admin = auth("admin")
    before = count_assessments(app)
    job_id = _adopt(client, admin).get_json()["job_id"]
    job = wait_for(app, job_id)
    assert job.status == "failed" and calls["n"] == 221
    assert "unexpectedly" in job.error["message"]
    assert count_assessments(app) == before
    assert _current_versions(app) == {"v1.1": population}

    monkeypatch.setattr(assessments, "assessment_values", original)
    retried = client.post(f"/api/v1/jobs/{job_id}/retry", json={}, headers=admin)
    assert retried.status_code == 202
    job = wait_for(app, job_id)
    assert job.status == "succeeded" and job.attempts == 2
    assert count_assessments(app) == before + population
    assert _current_versions(app) == {"v1": population}
    # A succeeded job is not run twice.
    assert client.post(f"/api/v1/jobs/{job_id}/retry", json={}, headers=admin).status_code == 409


def test_cancel_a_running_job(app, client, auth, population):
    """Cancelling a running job stops it at its next step; nothing of it is kept; cancelling again is 409."""
    app.config["JOB_STEP_DELAY"] = 0.5
    try:
        admin = auth("admin")
        before = count_assessments(app)
        job_id = _adopt(client, admin).get_json()["job_id"]
        wait_for(app, job_id, statuses=("running",), timeout=30)
        cancelled = client.post(f"/api/v1/jobs/{job_id}/cancel", json={}, headers=admin)
        assert cancelled.status_code == 200
        assert wait_for(app, job_id).status == "cancelled"
        assert count_assessments(app) == before
        assert client.post(f"/api/v1/jobs/{job_id}/cancel", json={}, headers=admin).status_code == 409
        assert client.get(f"/api/v1/jobs/{job_id}/result", headers=admin).status_code == 409
    finally:
        app.config["JOB_STEP_DELAY"] = 0


def test_jobs_are_private_and_404_when_unknown(app, client, auth, population):
    """Another user's job is 403, an unknown one 404, no token 401."""
    job_id = _adopt(client, auth("admin")).get_json()["job_id"]
    wait_for(app, job_id)
    assert client.get(f"/api/v1/jobs/{job_id}", headers=auth("advisor")).status_code == 403
    assert client.get("/api/v1/jobs/999999", headers=auth("admin")).status_code == 404
    assert client.get(f"/api/v1/jobs/{job_id}").status_code == 401


@pytest.fixture
def small_threshold(app):
    """Imports of more than 3 rows become jobs."""
    app.config["IMPORT_JOB_ROWS"] = 3
    yield
    app.config["IMPORT_JOB_ROWS"] = 2000


def test_large_import_runs_as_a_job(app, client, auth, small_threshold):
    """Above IMPORT_JOB_ROWS the upload answers 202; the job's result is the import report."""
    from tests.imports.rows import numbered_rows, to_csv

    headers = auth("district", region="11.17")
    content = to_csv(numbered_rows(5))
    response = client.post(
        "/api/v1/imports",
        data={"file": (io.BytesIO(content), "ikm.csv")},
        content_type="multipart/form-data",
        headers=headers,
    )
    assert response.status_code == 202, response.get_json()
    job = wait_for(app, response.get_json()["id"])
    assert job.status == "succeeded", job.error
    assert job.result["created"] == 5 and job.result["written"] is True
    small = to_csv(numbered_rows(2, start=100))
    direct = client.post(
        "/api/v1/imports",
        data={"file": (io.BytesIO(small), "ikm.csv")},
        content_type="multipart/form-data",
        headers=headers,
    )
    assert direct.status_code == 201


def test_quarterly_report_job(app, client, auth, population):
    """The quarterly report as a job: its result downloads as the XLSX that `report quarterly` writes."""
    ministry = auth("ministry")
    response = client.post(
        "/api/v1/jobs/quarterly-report", json={"year": 2026, "quarter": 4}, headers=ministry
    )
    assert response.status_code == 202
    job = wait_for(app, response.get_json()["id"])
    assert job.status == "succeeded", job.error
    download = client.get(f"/api/v1/jobs/{job.id}/result", headers=ministry)
    assert download.status_code == 200
    assert (
        download.data[:2] == b"PK"
        and "ovop-quarterly-2026-Q4.xlsx" in download.headers["Content-Disposition"]
    )
    assert (
        client.post(
            "/api/v1/jobs/quarterly-report",
            json={"year": 2026, "quarter": 4},
            headers=auth("district", region="11.17"),
        ).status_code
        == 403
    )
