"""/api/v1/assessments, /api/v1/ikms/<id>/assessments, /api/v1/requirements, /api/v1/programmes."""

from flask.views import MethodView
from flask_smorest import Blueprint

from app.schemas.assessment import (
    AssessmentHistorySchema,
    AssessmentRequestSchema,
    AssessmentSchema,
    ProgrammeListSchema,
    RequirementListSchema,
    RequirementQuerySchema,
)
from app.services import assessments as assessment_service
from app.services import policy as policy_service

blp = Blueprint("assessments", __name__, url_prefix="/api/v1", description="Readiness assessments and policy")


@blp.route("/assessments")
class Assessments(MethodView):
    """Assess a profile as of a date."""

    @blp.arguments(AssessmentRequestSchema)
    @blp.response(201, AssessmentSchema)
    def post(self, request):
        """Assess an inline profile or a stored IKM, and store the result."""
        return assessment_service.create_assessment(
            request.get("profile"), request.get("ikm_id"), request.get("as_of")
        )


@blp.route("/assessments/<id:assessment_id>")
class AssessmentById(MethodView):
    """One stored assessment."""

    @blp.response(200, AssessmentSchema)
    def get(self, assessment_id):
        """Read a stored assessment with its trace."""
        return assessment_service.assessment_as_dict(assessment_service.get_assessment(assessment_id))


@blp.route("/ikms/<id:ikm_id>/assessments")
class IkmAssessments(MethodView):
    """The assessment history of one IKM."""

    @blp.response(200, AssessmentHistorySchema)
    def get(self, ikm_id):
        """List an IKM's assessments, newest first."""
        return {"ikm_id": ikm_id, "assessments": assessment_service.ikm_history(ikm_id)}


@blp.route("/requirements")
class Requirements(MethodView):
    """Requirements by product, market, date and size class."""

    @blp.arguments(RequirementQuerySchema, location="query")
    @blp.response(200, RequirementListSchema)
    def get(self, query):
        """List the requirements an HS code faces in a market as of a date."""
        return policy_service.requirements_view(
            query["hs_code"], query["market"], query.get("as_of"), query.get("size_class")
        )


@blp.route("/programmes")
class Programmes(MethodView):
    """The LPEI programme catalogue."""

    @blp.response(200, ProgrammeListSchema)
    def get(self):
        """List LPEI programmes with their criteria, terms and sources."""
        return policy_service.programmes_view()
