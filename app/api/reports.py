"""/api/v1/reports, /api/v1/targets and /api/v1/workspace — aggregates, yearly targets, a region's IKM."""

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from app.auth.api import current_api_user
from app.reports import CSV_TYPE, XLSX_TYPE
from app.reports.summary import SummaryFilters
from app.schemas.assessment import AssessmentSummarySchema
from app.schemas.reports import (
    SummaryCsvQuerySchema,
    SummaryQuerySchema,
    SummarySchema,
    TargetListSchema,
    TargetQuerySchema,
    TargetSchema,
    WorkspacePageSchema,
    WorkspaceQuerySchema,
)
from app.services import reports, targets, workspace

blp = Blueprint("reports", __name__, url_prefix="/api/v1", description="Reports, targets and the workspace")


def _filters(query: dict) -> SummaryFilters:
    """Report filters from validated query arguments, narrowed to the caller's area."""
    given = SummaryFilters(
        **{key: query.get(key) for key in ("year", "quarter", "province", "regency", "commodity")}
    )
    return reports.scoped_filters(current_api_user(), given)


@blp.route("/reports/summary")
class Summary(MethodView):
    """The aggregate report."""

    @blp.arguments(SummaryQuerySchema, location="query")
    @blp.response(200, SummarySchema)
    def get(self, query):
        """IKM by level, route, programme, stars, area, gaps; cases, financing, trend ("<5": suppressed)."""
        filters = _filters(query)
        report = reports.summary(filters)
        if filters.year:
            report["targets"] = targets.targets_with_progress(filters.year)["targets"]
        return report


@blp.route("/reports/summary.csv")
class SummaryCsv(MethodView):
    """The aggregate report as CSV."""

    @blp.arguments(SummaryCsvQuerySchema, location="query")
    @blp.response(200, content_type="text/csv")
    def get(self, query):
        """One breakdown (or all) as CSV, suppression applied; audited as an export."""
        breakdown = query.pop("breakdown", None)
        _, content = reports.export_summary(current_api_user(), _filters(query), "csv", breakdown=breakdown)
        return _download(content, CSV_TYPE, f"ovop-report-{breakdown or 'all'}.csv")


@blp.route("/reports/summary.xlsx")
class SummaryXlsx(MethodView):
    """The aggregate report as an XLSX workbook."""

    @blp.arguments(SummaryQuerySchema, location="query")
    @blp.response(200, content_type=XLSX_TYPE)
    def get(self, query):
        """One sheet per breakdown and a notes sheet, suppression applied; audited as an export."""
        _, content = reports.export_summary(current_api_user(), _filters(query), "xlsx")
        return _download(content, XLSX_TYPE, "ovop-report.xlsx")


def _download(content: bytes, mimetype: str, filename: str) -> Response:
    """A file download response."""
    return Response(
        content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@blp.route("/targets")
class Targets(MethodView):
    """Yearly targets."""

    @blp.arguments(TargetQuerySchema, location="query")
    @blp.response(200, TargetListSchema)
    def get(self, query):
        """The year's targets with what is achieved so far (any report reader)."""
        reports.scoped_filters(current_api_user(), SummaryFilters())
        return targets.targets_with_progress(query["year"])

    @blp.arguments(TargetSchema)
    @blp.response(200, TargetListSchema)
    def put(self, target):
        """Set one yearly target (admins); returns the year's targets."""
        return targets.set_target(current_api_user(), target["year"], target["metric"], target["value"])


@blp.route("/workspace/ikms")
class WorkspaceIkms(MethodView):
    """A district's or province's IKM."""

    @blp.arguments(WorkspaceQuerySchema, location="query")
    @blp.response(200, WorkspacePageSchema)
    def get(self, query):
        """The caller's IKM with readiness, route, most urgent gap and its deadline, stars and case status."""
        page, page_size = query.pop("page"), query.pop("page_size")
        filters = workspace.WorkspaceFilters(**query)
        return workspace.list_workspace(current_api_user(), filters, page, page_size)


@blp.route("/workspace/ikms/<id:ikm_id>")
class WorkspaceIkm(MethodView):
    """One IKM of the workspace."""

    @blp.response(200)
    def get(self, ikm_id):
        """Profile, latest assessment, history of assessments and cases of one IKM in the caller's area."""
        overview = workspace.ikm_overview(current_api_user(), ikm_id)
        return {
            "ikm": overview["ikm"],
            "latest": overview["latest"],
            "history": AssessmentSummarySchema(many=True).dump(overview["history"]),
            "cases": [
                {"id": case.id, "programme_code": case.programme_code, "status": case.status}
                for case in overview["cases"]
            ],
        }
