"""The import page: upload a filled-in template (CSV or XLSX) and read the report; template downloads."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from app import jobs
from app.auth import access
from app.errors import DomainError
from app.services import import_files, imports
from app.web import labels
from app.web.forms import ImportForm

bp = Blueprint("import_pages", __name__, url_prefix="/import", template_folder="templates")
# Room for the multipart envelope around a file of IMPORT_MAX_BYTES.
MULTIPART_ALLOWANCE = 64 * 1024


@bp.before_request
def allow_import_sized_bodies() -> None:
    """Uploads may be larger than other requests, up to IMPORT_MAX_BYTES; beyond it, a clear 413."""
    limit = current_app.config["IMPORT_MAX_BYTES"] + MULTIPART_ALLOWANCE
    if request.content_length is not None and request.content_length > limit:
        raise imports.size_limit_error(request.content_length)
    request.max_content_length = limit


@bp.route("", methods=["GET", "POST"])
@login_required
def upload():
    """Upload a file for the user's region; show the report (line, column, message in both languages)."""
    actor = access.require_role(current_user._get_current_object(), access.IMPORTER_ROLES)
    form = ImportForm()
    report, status = None, 200
    if form.validate_on_submit():
        try:
            region = imports.resolve_import_region(actor, form.region.data or None)
            storage = form.file.data
            content = storage.read(current_app.config["IMPORT_MAX_BYTES"] + 1)
            name, partial = storage.filename or "upload", bool(form.partial.data)
            job = jobs.submit_import_if_large(content, name, region, actor, partial)
            if job is not None:  # more than IMPORT_JOB_ROWS rows: imported by a job, as the API does
                return redirect(url_for("import_pages.job", job_id=job.id), 303)
            report = imports.run_import(content, name, region, actor, partial)
            flash(
                gettext(
                    "Import done: %(created)s created, %(updated)s updated.",
                    created=report["created"],
                    updated=report["updated"],
                ),
                "info",
            )
        except DomainError as error:
            if error.status in (401, 403):
                raise
            report, status = error.extra.get("report"), error.status
            flash(labels.pick(error.message), "error")
    elif form.errors:
        status = 422
    default_region = actor.region_code if actor.role in ("district", "province") else ""
    return render_template(
        "imports/upload.html", form=form, report=report, default_region=default_region
    ), status


@bp.get("/jobs/<int:job_id>")
@login_required
def job(job_id: int):
    """A large import's progress (the page refreshes itself) and, once done, its report or its errors."""
    user = access.require_role(current_user._get_current_object(), access.IMPORTER_ROLES)
    found = jobs.get_job(job_id, user)
    if found.kind != "import":
        abort(404)
    report = None
    if found.status == "succeeded":
        report = found.result
    elif found.status == "failed":
        report = (found.error or {}).get("report")
    return render_template("imports/job.html", job=found, report=report)


@bp.get("/template.<file_format>")
@login_required
def template(file_format: str):
    """Download the CSV or XLSX template."""
    if file_format not in import_files.TEMPLATE_TYPES:
        abort(404)
    return send_file(
        BytesIO(import_files.template_bytes(file_format)),
        mimetype=import_files.TEMPLATE_TYPES[file_format],
        as_attachment=True,
        download_name=f"{import_files.TEMPLATE_NAME}.{file_format}",
    )
