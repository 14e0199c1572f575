"""/api/v1/imports — bulk upload of IKM profiles (CSV or XLSX) and the templates to fill in."""

from io import BytesIO

from flask import current_app, request, send_file
from flask.views import MethodView
from flask_smorest import Blueprint

from app import jobs
from app.api.jobs import accepted
from app.auth.api import current_api_user
from app.errors import InvalidInput
from app.schemas.imports import ImportOptionsSchema, ImportReportSchema, ImportUploadSchema
from app.schemas.jobs import JobSchema
from app.services import import_files, imports

blp = Blueprint("imports", __name__, url_prefix="/api/v1/imports", description="Bulk import of IKM profiles")

# Room for the multipart envelope (boundaries, part headers) around a file of IMPORT_MAX_BYTES.
MULTIPART_ALLOWANCE = 64 * 1024
TEMPLATE_TYPES = import_files.TEMPLATE_TYPES


@blp.before_request
def allow_import_sized_bodies() -> None:
    """Uploads may be larger than other requests, up to IMPORT_MAX_BYTES; beyond it, a clear 413."""
    limit = current_app.config["IMPORT_MAX_BYTES"] + MULTIPART_ALLOWANCE
    if request.content_length is not None and request.content_length > limit:
        raise imports.size_limit_error(request.content_length)
    request.max_content_length = limit


@blp.route("")
class Imports(MethodView):
    """Upload a filled-in template."""

    @blp.arguments(ImportOptionsSchema, location="query")
    @blp.arguments(ImportUploadSchema, location="files")
    @blp.response(201, ImportReportSchema)
    @blp.alt_response(202, schema=JobSchema, description="more than IMPORT_JOB_ROWS rows: imported by a job")
    def post(self, options, upload):
        """Import IKM from CSV or XLSX: every row validated as the API does; all or nothing unless `partial`.

        A file of more than IMPORT_JOB_ROWS rows is imported by a job: 202 with the job (its result is this
        report, its error the 422's message and report).

        Re-importing updates by NIB. 422 with the report (line, column, message in Bahasa Indonesia and
        English) when rows are invalid; 413 when the file is larger than IMPORT_MAX_BYTES.
        """
        region = imports.resolve_import_region(current_api_user(), options.get("region"))
        storage = upload["file"]
        if not hasattr(storage, "read"):
            raise InvalidInput("Kirim berkas di field `file`. / Send the file in field `file`.")
        content = storage.read(current_app.config["IMPORT_MAX_BYTES"] + 1)
        job = jobs.submit_import_if_large(
            content, storage.filename or "upload", region, current_api_user(), options["partial"]
        )
        if job is not None:
            return accepted(job)
        return imports.run_import(
            content, storage.filename or "upload", region, current_api_user(), partial=options["partial"]
        )


def _template(file_format: str):
    """A template file as a download."""
    return send_file(
        BytesIO(import_files.template_bytes(file_format)),
        mimetype=TEMPLATE_TYPES[file_format],
        as_attachment=True,
        download_name=f"{import_files.TEMPLATE_NAME}.{file_format}",
    )


@blp.route("/template.csv")
class CsvTemplate(MethodView):
    """The CSV template."""

    @blp.response(200, content_type="text/csv")
    def get(self):
        """Download the CSV template (UTF-8 with BOM; one row per IKM)."""
        return _template("csv")


@blp.route("/template.xlsx")
class XlsxTemplate(MethodView):
    """The XLSX template."""

    @blp.response(200, content_type=TEMPLATE_TYPES["xlsx"])
    def get(self):
        """Download the XLSX template (sheet IKM, with a "Petunjuk" sheet explaining every column)."""
        return _template("xlsx")
