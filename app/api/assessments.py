"""/api/v1/assessments, /api/v1/ikms/<id>/assessments, /api/v1/requirements, /api/v1/programmes."""

from flask.views import MethodView
from flask_smorest import Blueprint

from app.auth import access, self_check_limit
from app.auth.api import current_api_user
from app.schemas.assessment import (
    AssessmentHistorySchema,
    AssessmentIncludeSchema,
    AssessmentRequestSchema,
    AssessmentSchema,
    ProgrammeListSchema,
    RequirementListSchema,
    RequirementQuerySchema,
    WhatIfSchema,
)
from app.services import assessments as assessment_service
from app.services import ikms as ikm_service
from app.services import policy as policy_service

blp = Blueprint("assessments", __name__, url_prefix="/api/v1", description="Readiness assessments and policy")


@blp.route("/assessments")
class Assessments(MethodView):
    """Assess a profile as of a date."""

    # The schema as an instance, not the class: webargs would build it and its nested schemas per request.
    @self_check_limit
    @blp.arguments(AssessmentIncludeSchema(), location="query", as_kwargs=True)
    @blp.arguments(AssessmentRequestSchema())
    @blp.response(201, AssessmentSchema)
    def post(self, request, include=()):
        """Assess an inline profile or a stored IKM, and store the result.

        Open without a token for an inline profile (rate-limited per client, stored without name, NIB or
        contacts); a stored IKM's `ikm_id` needs a token whose scope covers that IKM. The what-if options
        (policy-v1 §7) come with `?include=what_if` (and are then stored), else from
        `GET /api/v1/assessments/<id>/what-if`; a caller without a token cannot read that later, so its
        answer always carries them.
        """
        user = current_api_user()
        if request.get("ikm_id") is not None:
            access.require_personal_data_access(user)
            access.require_ikm_access(user, ikm_service.get_ikm(request["ikm_id"]))
        return assessment_service.create_assessment(
            request.get("profile"),
            request.get("ikm_id"),
            request.get("as_of"),
            with_what_if="what_if" in include or user is None,
            keep_personal_data=access.keeps_personal_data(user),
            created_by_id=user.id if user is not None else None,
        )


@blp.route("/assessments/<id:assessment_id>")
class AssessmentById(MethodView):
    """One stored assessment."""

    @blp.response(200, AssessmentSchema)
    def get(self, assessment_id):
        """Read a stored assessment with its trace."""
        access.require_personal_data_access(current_api_user())
        assessment = assessment_service.get_assessment(assessment_id)
        access.require_assessment_access(current_api_user(), assessment)
        return assessment_service.assessment_as_dict(assessment)


@blp.route("/assessments/<id:assessment_id>/what-if")
class AssessmentWhatIf(MethodView):
    """The what-if options of one stored assessment."""

    @blp.response(200, WhatIfSchema)
    def get(self, assessment_id):
        """The smallest sets of actions that would change the route or raise the level (policy-v1 §7): as
        stored, or the same rules re-run on the stored profile under the policy it was assessed with (409
        when that policy has changed since, or the profile was stored without personal data)."""
        access.require_personal_data_access(current_api_user())
        assessment = assessment_service.get_assessment(assessment_id)
        access.require_assessment_access(current_api_user(), assessment)
        return assessment_service.what_if_view(assessment)


@blp.route("/ikms/<id:ikm_id>/assessments")
class IkmAssessments(MethodView):
    """The assessment history of one IKM."""

    @blp.response(200, AssessmentHistorySchema)
    def get(self, ikm_id):
        """List an IKM's assessments, newest first."""
        access.require_personal_data_access(current_api_user())
        access.require_ikm_access(current_api_user(), ikm_service.get_ikm(ikm_id))
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
