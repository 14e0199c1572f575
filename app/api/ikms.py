"""/api/v1/ikms — create, read, update and list IKM profiles."""

from flask.views import MethodView
from flask_smorest import Blueprint

from app.auth import access
from app.auth.api import current_api_user
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
        user = access.require_personal_data_access(current_api_user())
        filters = ikm_service.IkmFilters(
            region=query.get("region"), province=query.get("province"), commodity=query.get("commodity")
        )
        return ikm_service.list_ikms(filters, query["page"], query["page_size"], scope=access.ikm_scope(user))

    @blp.arguments(IkmProfileSchema)
    @blp.response(201, IkmSchema)
    def post(self, profile):
        """Register an IKM profile (in the caller's region; an owner registers their own IKM once)."""
        user = access.require_region_access(current_api_user(), profile["region_code"])
        owner = user if user.role == "owner" else None
        return ikm_service.ikm_as_dict(ikm_service.create_ikm(profile, owner=owner))


@blp.route("/<id:ikm_id>")
class IkmById(MethodView):
    """One IKM profile."""

    @blp.response(200, IkmSchema)
    def get(self, ikm_id):
        """Read an IKM profile."""
        access.require_personal_data_access(current_api_user())
        ikm = ikm_service.get_ikm(ikm_id)
        access.require_ikm_access(current_api_user(), ikm)
        return ikm_service.ikm_as_dict(ikm)

    @blp.arguments(IkmPatchSchema)
    @blp.response(200, IkmSchema)
    def patch(self, changes, ikm_id):
        """Change some fields of an IKM profile (same validation as create)."""
        access.require_personal_data_access(current_api_user())
        ikm = ikm_service.get_ikm(ikm_id)
        access.require_ikm_change(current_api_user(), ikm, changes)
        return ikm_service.ikm_as_dict(ikm_service.update_ikm(ikm, changes))
