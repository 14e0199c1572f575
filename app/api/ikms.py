"""/api/v1/ikms — create, read, update and list IKM profiles."""

from flask.views import MethodView
from flask_smorest import Blueprint

from app.schemas.ikm import IkmListQuerySchema, IkmPageSchema, IkmPatchSchema, IkmProfileSchema, IkmSchema
from app.services import ikms as ikm_service

blp = Blueprint("ikms", __name__, url_prefix="/api/v1/ikms", description="IKM profiles")


@blp.route("")
class Ikms(MethodView):
    """The collection of IKM profiles."""

    @blp.arguments(IkmListQuerySchema, location="query")
    @blp.response(200, IkmPageSchema)
    def get(self, query):
        """List IKM the caller may see, filtered by region, province and commodity."""
        filters = ikm_service.IkmFilters(
            region=query.get("region"), province=query.get("province"), commodity=query.get("commodity")
        )
        return ikm_service.list_ikms(filters, query["page"], query["page_size"])

    @blp.arguments(IkmProfileSchema)
    @blp.response(201, IkmSchema)
    def post(self, profile):
        """Register an IKM profile."""
        return ikm_service.ikm_as_dict(ikm_service.create_ikm(profile))


@blp.route("/<id:ikm_id>")
class IkmById(MethodView):
    """One IKM profile."""

    @blp.response(200, IkmSchema)
    def get(self, ikm_id):
        """Read an IKM profile."""
        return ikm_service.ikm_as_dict(ikm_service.get_ikm(ikm_id))

    @blp.arguments(IkmPatchSchema)
    @blp.response(200, IkmSchema)
    def patch(self, changes, ikm_id):
        """Change some fields of an IKM profile (same validation as create)."""
        ikm = ikm_service.get_ikm(ikm_id)
        return ikm_service.ikm_as_dict(ikm_service.update_ikm(ikm, changes))
