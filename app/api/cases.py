"""/api/v1/cases — the advisor queue, a case, review, decision, withdrawal, assignment, comments, history."""

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from app.auth import access
from app.auth.api import current_api_user
from app.schemas.cases import (
    CaseAssignmentSchema,
    CaseCreateSchema,
    CaseDecisionSchema,
    CaseHistorySchema,
    CaseListQuerySchema,
    CasePageSchema,
    CaseReviewSchema,
    CaseSchema,
    CaseWithdrawalSchema,
    CommentCreateSchema,
    CommentListSchema,
    CommentSchema,
    OverrideQuerySchema,
    OverrideReportSchema,
    ReasonCatalogueSchema,
)
from app.services import cases as case_service

blp = Blueprint(
    "cases", __name__, url_prefix="/api/v1/cases", description="Applications (cases) and decisions"
)


@blp.before_request
def refuse_aggregate_only_roles() -> None:
    """Cases name IKM: the ministry is refused (403) before any input is read; the reason lists are open."""
    if request.endpoint != "cases.Reasons":
        access.require_personal_data_access(current_api_user())


def _shown(case) -> dict:
    """A case after a change, as the caller sees it."""
    return case_service.read_case(current_api_user(), case.id)


@blp.route("")
class Cases(MethodView):
    """The queue of applications."""

    @blp.arguments(CaseListQuerySchema, location="query")
    @blp.response(200, CasePageSchema)
    def get(self, query):
        """List the cases the caller may see: by triage priority (or rules score), or oldest first."""
        page, page_size = query.pop("page"), query.pop("page_size")
        filters = case_service.CaseFilters(**query)
        return case_service.list_cases(current_api_user(), filters, page, page_size)

    @blp.arguments(CaseCreateSchema)
    @blp.response(201, CaseSchema)
    def post(self, body):
        """Open a case for an IKM and a programme (on the IKM's latest assessment unless one is named)."""
        case = case_service.create_case(
            current_api_user(), body["ikm_id"], body["programme_code"], body.get("assessment_id")
        )
        return _shown(case)


@blp.route("/reasons")
class Reasons(MethodView):
    """The fixed reason lists."""

    @blp.response(200, ReasonCatalogueSchema)
    def get(self):
        """List decision reasons per outcome and override reasons (Bahasa Indonesia and English)."""
        catalogue = case_service.reason_catalogue()
        return {"decisions": catalogue["decisions"], "override_reasons": catalogue["override_reasons"]}


@blp.route("/overrides")
class Overrides(MethodView):
    """Decisions that differ from the engine's route."""

    @blp.arguments(OverrideQuerySchema, location="query")
    @blp.response(200, OverrideReportSchema)
    def get(self, query):
        """Report overrides per advisor and per reason (supervisors and admins)."""
        return case_service.override_report(current_api_user(), query.get("date_from"), query.get("date_to"))


@blp.route("/<id:case_id>")
class CaseById(MethodView):
    """One case."""

    @blp.response(200, CaseSchema)
    def get(self, case_id):
        """Read a case with its decision, waiting time and comments."""
        return case_service.read_case(current_api_user(), case_id)


@blp.route("/<id:case_id>/review")
class CaseReview(MethodView):
    """Start reviewing a case."""

    @blp.arguments(CaseReviewSchema)
    @blp.response(200, CaseSchema)
    def post(self, body, case_id):
        """Move a submitted case into review (advisors, supervisors); 409 when `version` is stale."""
        return _shown(case_service.start_review(current_api_user(), case_id, body["version"]))


@blp.route("/<id:case_id>/decision")
class CaseDecision(MethodView):
    """Decide a case."""

    @blp.arguments(CaseDecisionSchema)
    @blp.response(200, CaseSchema)
    def post(self, body, case_id):
        """Approve, refer or reject with a reason code and a note; overrides need an override reason."""
        case = case_service.decide(
            current_api_user(),
            case_id,
            body["version"],
            body["status"],
            body["reason_code"],
            body["note"],
            body.get("override_reason"),
            body.get("referred_programme_code"),
            body.get("amount_requested_idr"),
            body.get("amount_approved_idr"),
        )
        return _shown(case)


@blp.route("/<id:case_id>/withdrawal")
class CaseWithdrawal(MethodView):
    """Withdraw a case."""

    @blp.arguments(CaseWithdrawalSchema)
    @blp.response(200, CaseSchema)
    def post(self, body, case_id):
        """Withdraw an open case with a reason code and a note."""
        case = case_service.withdraw(
            current_api_user(), case_id, body["version"], body["reason_code"], body["note"]
        )
        return _shown(case)


@blp.route("/<id:case_id>/assignment")
class CaseAssignment(MethodView):
    """Who works a case."""

    @blp.arguments(CaseAssignmentSchema)
    @blp.response(200, CaseSchema)
    def post(self, body, case_id):
        """Assign or reassign an open case (supervisors and admins)."""
        return _shown(case_service.assign(current_api_user(), case_id, body["version"], body["assignee_id"]))


@blp.route("/<id:case_id>/comments")
class CaseComments(MethodView):
    """Comments on a case."""

    @blp.response(200, CommentListSchema)
    def get(self, case_id):
        """List the comments the caller may see."""
        return {"comments": case_service.list_comments(current_api_user(), case_id)}

    @blp.arguments(CommentCreateSchema)
    @blp.response(201, CommentSchema)
    def post(self, body, case_id):
        """Comment on a case (internal comments: LPEI staff only)."""
        comment = case_service.add_comment(current_api_user(), case_id, body["body"], body["internal"])
        return case_service.comment_as_dict(comment)


@blp.route("/<id:case_id>/history")
class CaseHistory(MethodView):
    """The audit trail of a case (read-only: events are never changed or deleted)."""

    @blp.response(200, CaseHistorySchema)
    def get(self, case_id):
        """List who did what to the case, when, with the state before and after (LPEI staff)."""
        return case_service.case_history(current_api_user(), case_id)
