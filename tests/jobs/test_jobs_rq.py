"""The job queue on RQ with Redis (db 15) and a real worker process: a simulation, and a re-assessment
whose worker is killed (SIGKILL) in the middle of its writes: nothing is kept, the job runs again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.jobs.conftest import count_assessments, job_row, wait_for

REDIS_URL = "redis://127.0.0.1:6379/15"
ROOT = Path(__file__).resolve().parents[2]


def _redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


pytestmark = pytest.mark.skipif(not _redis_answers(), reason="Redis does not answer at 127.0.0.1:6379")


@pytest.fixture
def queue(app):
    """The app sends jobs to RQ on a queue of its own; `start_worker(**env)` runs `flask jobs worker`."""
    name = f"ovop-test-{uuid.uuid4().hex[:8]}"
    app.config.update(JOB_BROKER_URL=REDIS_URL, JOB_QUEUE_NAME=name)
    workers: list[subprocess.Popen] = []

    def start_worker(**env) -> subprocess.Popen:
        environment = {
            **os.environ,
            "APP_ENV": "development",
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "JOB_BROKER_URL": REDIS_URL,
            "JOB_QUEUE_NAME": name,
            **env,
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker"],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        workers.append(process)
        return process

    yield start_worker
    for process in workers:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(10)
    app.config.update(JOB_BROKER_URL="", JOB_QUEUE_NAME="ovop")
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    for key in connection.scan_iter(f"rq:*{name}*"):
        connection.delete(key)


def test_simulation_on_rq(app, client, auth, population, queue):
    """A simulation submitted while a broker is configured is run by the worker process."""
    queue()
    staff = auth("supervisor")
    response = client.post(
        "/api/v1/simulations", json={"compare_version": "v1", "as_of": "2026-11-29"}, headers=staff
    )
    assert response.status_code == 202 and response.get_json()["backend"] == "rq"
    job = wait_for(app, response.get_json()["id"], timeout=180)
    assert job.status == "succeeded", job.error
    result = client.get(f"/api/v1/jobs/{job.id}/result", headers=staff).get_json()
    assert result["totals"]["ikm"] == population and result["compare"]["version"] == "v1"


def test_worker_killed_mid_job_keeps_nothing_and_the_job_runs_again(app, client, auth, population, queue):
    """SIGKILL of the worker while the re-assessment writes: the assessments are untouched and the job stays
    `running` until it is stale; retried on a new worker it stores every IKM's assessment exactly once."""
    admin = auth("admin")
    before = count_assessments(app)
    slow = queue(JOB_STEP_DELAY="3")
    job_id = client.post(
        "/api/v1/policies/v1/adoptions", json={"effective_from": "2026-12-01"}, headers=admin
    ).get_json()["job_id"]
    deadline = time.monotonic() + 180
    while job_row(app, job_id).progress_note != "writing":
        assert time.monotonic() < deadline, "the job never reached its writes"
        time.sleep(0.1)
    # Once "writing" is reported the worker stores 200 rows, then pauses 3 s inside its open transaction.
    time.sleep(1.5)
    slow.send_signal(signal.SIGKILL)
    slow.wait(10)
    killed = job_row(app, job_id)
    assert killed.status == "running" and killed.attempts == 1
    assert count_assessments(app) == before

    # Not stale yet: a retry is refused (409); once stale, a new worker runs it to the end.
    assert client.post(f"/api/v1/jobs/{job_id}/retry", json={}, headers=admin).status_code == 409
    app.config["JOB_STALE_SECONDS"] = 0
    try:
        assert client.get(f"/api/v1/jobs/{job_id}", headers=admin).get_json()["stale"] is True
        assert client.post(f"/api/v1/jobs/{job_id}/retry", json={}, headers=admin).status_code == 202
    finally:
        app.config["JOB_STALE_SECONDS"] = 300
    queue()
    job = wait_for(app, job_id, timeout=180)
    assert job.status == "succeeded", job.error
    assert job.attempts == 2
    assert count_assessments(app) == before + population
    assert job.result["summary"]["reassessed"] == population
