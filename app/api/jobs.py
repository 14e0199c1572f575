"""/api/v1/jobs — the job queue: status, progress, result, cancel, retry; the quarterly report."""

from flask import Response, jsonify, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from app import jobs
from app.auth.access import require_role, require_user
from app.auth.api import current_api_user
from app.schemas.jobs import JobResultSchema, JobSchema, QuarterlyJobSchema

blp = Blueprint("jobs", __name__, url_prefix="/api/v1/jobs", description="Long work on the job queue")
# Who may ask for the national quarterly report (the ministry's report; LPEI staff and admins too).
QUARTERLY_ROLES = frozenset({"ministry", "advisor", "supervisor", "admin"})


def accepted(job) -> Response:
    """202 with the job and its address in `Location`."""
    response = jsonify(JobSchema().dump(jobs.job_as_dict(job)))
    response.status_code = 202
    response.headers["Location"] = url_for("jobs.Job", job_id=job.id)
    return response


@blp.route("/<id:job_id>")
class Job(MethodView):
    """One job."""

    @blp.response(200, JobSchema)
    def get(self, job_id):
        """Status, progress, result link and error of a job (the requester's own; an admin sees all)."""
        return jobs.job_as_dict(jobs.get_job(job_id, require_user(current_api_user())))


@blp.route("/<id:job_id>/cancel")
class Cancel(MethodView):
    """Cancel a job."""

    @blp.response(200, JobSchema)
    def post(self, job_id):
        """A queued job is cancelled at once, a running one at its next step (nothing of it is kept); 409
        when it has finished."""
        return jobs.job_as_dict(jobs.cancel(jobs.get_job(job_id, require_user(current_api_user()))))


@blp.route("/<id:job_id>/retry")
class Retry(MethodView):
    """Run a job again."""

    @blp.response(202, JobSchema)
    def post(self, job_id):
        """Run a failed, cancelled or stale job again (a killed attempt kept nothing); 409 otherwise."""
        return jobs.job_as_dict(jobs.retry(jobs.get_job(job_id, require_user(current_api_user()))))


@blp.route("/<id:job_id>/result")
class Result(MethodView):
    """A finished job's result."""

    @blp.response(200, JobResultSchema)
    @blp.alt_response(
        200, description="the report file of a quarterly_report job", content_type="application/octet-stream"
    )
    def get(self, job_id):
        """The result (a simulation's as the caller may see it, a report's XLSX); 409 until done."""
        job = jobs.get_job(job_id, require_user(current_api_user()))
        result = jobs.job_result(job, current_api_user())
        file = jobs.result_file(job)
        if file is not None:
            content, content_type, name = file
            return Response(
                content,
                mimetype=content_type,
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )
        return result


@blp.route("/quarterly-report")
class QuarterlyReport(MethodView):
    """The quarterly report as a job."""

    @blp.arguments(QuarterlyJobSchema)
    @blp.response(202, JobSchema)
    def post(self, body):
        """Compute the national quarterly report (XLSX, as `flask report quarterly`) in a job."""
        user = require_role(current_api_user(), QUARTERLY_ROLES)
        return accepted(jobs.submit("quarterly_report", body, requested_by_id=user.id))
