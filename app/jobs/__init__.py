"""The job queue: long work as `jobs` rows, run by RQ workers on Redis or by a local worker thread.

With JOB_BROKER_URL set (a Redis URL) a submitted job is enqueued on RQ and `make worker` runs it; without
one (the embedded default of `make run`) the same code runs in a worker thread of the web process. Either
way the job's record (status, progress, result, error) lives in the database, so `GET /api/v1/jobs/<id>`
answers the same. A job's writes and its `succeeded` status are committed in one transaction: a job killed
mid-way leaves nothing behind and can be run again (README "Jobs"). rq and redis are imported on use only.
"""

from __future__ import annotations

import importlib
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import update

from app.errors import Conflict, DomainError, Forbidden, NotFound
from app.extensions import db
from app.models import Job

log = logging.getLogger(__name__)

# Job kind -> "module:function"; the function takes (params, progress) and returns the result (a dict).
KINDS = {
    "simulation": "app.simulation.service:run_simulation_job",
    "reassessment": "app.policies.reassess:run_reassessment_job",
    "import": "app.jobs.tasks:run_import_job",
    "quarterly_report": "app.jobs.tasks:run_quarterly_job",
}
FINISHED = ("succeeded", "failed", "cancelled")
RQ_FUNCTION = "app.jobs.run_job"


class JobCancelled(Exception):
    """Raised inside a job when its cancellation was asked for; its writes are rolled back."""


def now() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.now(UTC)


class Progress:
    """Report a job's progress (percent and a note) on a connection of its own, so readers see it while the
    work's transaction is still open; raise JobCancelled when cancellation was asked for.

    On SQLite a second connection cannot write while the work holds the write lock: after `writing()` the
    progress is kept in memory only there (PostgreSQL keeps reporting)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.percent = 0
        self.delay = float(current_app.config.get("JOB_STEP_DELAY") or 0)
        self.locked = False

    def writing(self) -> None:
        """The work starts writing in its transaction (from now on SQLite cannot take progress updates)."""
        self(self.percent, "writing")
        self.locked = db.engine.dialect.name == "sqlite"

    def __call__(self, percent: float, note: str | None = None) -> None:
        """Record the progress; raise JobCancelled if the job was cancelled."""
        self.percent = max(0, min(99, int(percent)))
        if self.delay:
            import time

            time.sleep(self.delay)
        if self.locked:
            return
        with db.engine.begin() as connection:
            cancelled = connection.execute(
                update(Job)
                .where(Job.id == self.job_id)
                .values(progress=self.percent, progress_note=(note or "")[:200] or None, heartbeat_at=now())
                .returning(Job.cancel_requested)
            ).scalar()
        if cancelled:
            raise JobCancelled()


def broker_url(app: Flask | None = None) -> str | None:
    """The Redis URL of the queue, or None for the embedded worker thread."""
    return (app or current_app).config.get("JOB_BROKER_URL") or None


def submit(kind: str, params: dict, requested_by_id: int | None = None) -> Job:
    """Record a job and start it: on RQ when a broker is configured, else in the local worker thread."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(
        kind=kind,
        params=params,
        requested_by_id=requested_by_id,
        status="queued",
        progress=0,
        cancel_requested=False,
        attempts=0,
        backend="rq" if broker_url() else "embedded",
    )
    db.session.add(job)
    db.session.commit()
    dispatch(job)
    return job


def dispatch(job: Job) -> None:
    """Hand a queued job to RQ or to the local worker thread."""
    url = broker_url()
    if url:
        from redis import Redis
        from rq import Queue

        queue = Queue(current_app.config["JOB_QUEUE_NAME"], connection=Redis.from_url(url))
        queue.enqueue(
            RQ_FUNCTION,
            job.id,
            job_id=f"ovop-job-{job.id}-{job.attempts}",
            job_timeout=current_app.config["JOB_TIMEOUT_SECONDS"],
            result_ttl=7 * 24 * 3600,
            failure_ttl=7 * 24 * 3600,
        )
        return
    app = current_app._get_current_object()
    executor = app.extensions.get("job_executor")
    if executor is None:
        executor = app.extensions["job_executor"] = ThreadPoolExecutor(1, thread_name_prefix="ovop-job")
    executor.submit(_run_in_app, app, job.id)


def _run_in_app(app: Flask, job_id: int) -> None:
    """The local worker thread: run one job inside the app's context."""
    with app.app_context():
        try:
            execute(job_id)
        finally:
            db.session.remove()


def run_job(job_id: int) -> dict:
    """The function RQ workers call: run the job inside the app (the worker's own, or a new one)."""
    from flask import has_app_context

    if has_app_context():
        return {"job": job_id, "status": execute(job_id)}
    from app import create_app

    app = create_app()
    with app.app_context():
        return {"job": job_id, "status": execute(job_id)}


def _handler(kind: str):
    """The function of a job kind."""
    module, name = KINDS[kind].split(":")
    return getattr(importlib.import_module(module), name)


def _finish(job_id: int, **values) -> None:
    """Set a job's final state in its own transaction (after a rollback of the work)."""
    db.session.rollback()
    db.session.execute(update(Job).where(Job.id == job_id).values(finished_at=now(), **values))
    db.session.commit()


def execute(job_id: int) -> str:
    """Run a job in this process; its writes and its success are committed together. Return its status."""
    job = db.session.get(Job, job_id)
    if job is None or job.status in ("succeeded", "cancelled"):
        return job.status if job else "missing"
    if job.cancel_requested:
        _finish(job_id, status="cancelled")
        return "cancelled"
    job.status, job.started_at, job.heartbeat_at = "running", now(), now()
    job.attempts, job.progress, job.error, job.result = job.attempts + 1, 0, None, None
    kind, params = job.kind, dict(job.params or {})
    params.setdefault("requested_by_id", job.requested_by_id)
    db.session.commit()
    try:
        result = _handler(kind)(params, Progress(job_id))
        db.session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status="succeeded", result=result, progress=100, progress_note=None, finished_at=now())
        )
        db.session.commit()
        return "succeeded"
    except JobCancelled:
        _finish(job_id, status="cancelled")
        return "cancelled"
    except DomainError as error:
        payload = {"message": error.message, **({"errors": error.errors} if error.errors else {})}
        _finish(job_id, status="failed", error={**payload, **(error.extra or {})})
        return "failed"
    except Exception:
        log.exception("job %s (%s) failed", job_id, kind)
        _finish(job_id, status="failed", error={"message": "The job failed unexpectedly (see the logs)."})
        return "failed"


def get_job(job_id: int, user=None) -> Job:
    """A job the caller may see (their own, or any for an admin), or 404 / 403."""
    job = db.session.get(Job, job_id)
    if job is None:
        raise NotFound(f"Pekerjaan {job_id} tidak ditemukan. / Job {job_id} not found.")
    if user is not None and user.role != "admin" and job.requested_by_id != user.id:
        raise Forbidden("Pekerjaan ini milik pengguna lain. / This job belongs to another user.")
    return job


def is_stale(job: Job) -> bool:
    """A running job whose worker has not reported for JOB_STALE_SECONDS (the worker probably died)."""
    if job.status != "running" or job.heartbeat_at is None:
        return False
    beat = job.heartbeat_at if job.heartbeat_at.tzinfo else job.heartbeat_at.replace(tzinfo=UTC)
    return now() - beat > timedelta(seconds=current_app.config["JOB_STALE_SECONDS"])


def cancel(job: Job) -> Job:
    """Cancel a queued job at once, or ask a running one to stop at its next step (409 when finished)."""
    if job.status in FINISHED:
        raise Conflict(
            f"Pekerjaan sudah selesai ({job.status}). / The job has already finished ({job.status}).",
            extra={"status": job.status},
        )
    if job.status == "queued":
        job.status, job.finished_at = "cancelled", now()
    job.cancel_requested = True
    db.session.commit()
    return job


def retry(job: Job) -> Job:
    """Run a failed, cancelled or stale job again (nothing of a killed attempt was kept); 409 otherwise."""
    if job.status not in ("failed", "cancelled") and not is_stale(job):
        raise Conflict(
            f"Hanya pekerjaan yang gagal, dibatalkan atau terhenti yang dapat diulang ({job.status}). / "
            f"Only a failed, cancelled or stalled job can be run again ({job.status}).",
            extra={"status": job.status},
        )
    job.status, job.cancel_requested, job.finished_at, job.progress = "queued", False, None, 0
    db.session.commit()
    dispatch(job)
    return job


def job_as_dict(job: Job) -> dict:
    """The job as the API shows it, with the link to its result once it has succeeded."""
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "progress": job.progress,
        "progress_note": job.progress_note,
        "stale": is_stale(job),
        "backend": job.backend,
        "attempts": job.attempts,
        "requested_by_id": job.requested_by_id,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "result_url": f"/api/v1/jobs/{job.id}/result" if job.status == "succeeded" else None,
        "error": job.error,
    }


def job_result(job: Job, user):
    """A succeeded job's result as the caller may see it: a file download (the quarterly report), a
    simulation filtered by role, or the document itself; 409 while it is not done."""
    if job.status != "succeeded":
        raise Conflict(
            f"Pekerjaan belum selesai ({job.status}). / The job has not succeeded ({job.status}).",
            extra={"status": job.status},
        )
    result = job.result or {}
    if job.kind == "simulation":
        from app.simulation.service import result_for

        return result_for(result, user)
    return result


def result_file(job: Job) -> tuple[bytes, str, str] | None:
    """(content, content type, file name) when the job's result is a file."""
    import base64

    file = (job.result or {}).get("file") if job.status == "succeeded" else None
    if not file:
        return None
    return base64.b64decode(file["base64"]), file["content_type"], file["name"]


def submit_import_if_large(content: bytes, filename: str, region: str, user, partial: bool) -> Job | None:
    """A job for an upload with more than IMPORT_JOB_ROWS data rows; None to import it in the request."""
    import base64

    from app.services.import_files import ImportFileError, read_file

    try:
        parsed = read_file(content, filename, current_app.config["IMPORT_MAX_ROWS"])
    except ImportFileError:
        return None  # the request itself answers with the file's problem
    if len(parsed.rows) <= current_app.config["IMPORT_JOB_ROWS"]:
        return None
    params = {
        "content_b64": base64.b64encode(content).decode("ascii"),
        "filename": filename,
        "region": region,
        "partial": partial,
    }
    return submit("import", params, requested_by_id=getattr(user, "id", None))
