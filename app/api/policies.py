"""/api/v1/policies and /api/v1/simulations — policy versions, their differences, adoption, simulation."""

from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.jobs import accepted
from app.auth.access import require_role, require_user
from app.auth.api import current_api_user
from app.policies import reassess, versions
from app.policies.diff import policy_diff
from app.schemas.jobs import (
    AdoptionRequestSchema,
    AdoptionSchema,
    JobSchema,
    PolicyDiffSchema,
    PolicyListSchema,
    SimulationRequestSchema,
)
from app.simulation import service as simulation

blp = Blueprint("policies", __name__, url_prefix="/api/v1", description="Policy versions and simulations")
ADOPTER_ROLES = frozenset({"admin"})


@blp.route("/policies")
class Policies(MethodView):
    """The known policy versions."""

    @blp.response(200, PolicyListSchema)
    def get(self):
        """Every version with its adoption date, content hash and source, oldest first."""
        require_user(current_api_user())
        return {"versions": versions.versions_view()}


@blp.route("/policies/<string:version_a>/diff/<string:version_b>")
class PolicyDiff(MethodView):
    """What changes from one version to another."""

    @blp.response(200, PolicyDiffSchema)
    def get(self, version_a, version_b):
        """Requirement entries, criteria, product classes and parameters that differ, each in a sentence."""
        require_user(current_api_user())
        rows = {row["version"]: row for row in versions.versions_view()}
        a, b = versions.load_version(version_a), versions.load_version(version_b)
        return {"from": rows[version_a], "to": rows[version_b], "changes": policy_diff(a, b)}


@blp.route("/policies/<string:version>/adoptions")
class Adoptions(MethodView):
    """Adopt a version."""

    @blp.arguments(AdoptionRequestSchema)
    @blp.response(202, AdoptionSchema)
    def post(self, body, version):
        """Adopt a version from a date (admin): starts the job that re-assesses every IKM; 409 when the same
        version was already adopted from that day."""
        user = require_role(current_api_user(), ADOPTER_ROLES)
        adoption = reassess.adopt(version, body["effective_from"], user, body.get("note"))
        return reassess.adoption_as_dict(adoption)


@blp.route("/simulations")
class Simulations(MethodView):
    """Simulate a policy change."""

    @blp.arguments(SimulationRequestSchema)
    @blp.response(202, JobSchema)
    def post(self, body):
        """Who would change route, level, programme results and blocked markets under changes, another version
        or another date; runs as a job (its result at /jobs/<id>/result); nothing is stored on the IKM."""
        user = require_role(current_api_user(), simulation.SIMULATION_ROLES)
        return accepted(simulation.start(body, user))
