"""/api/v1/ikms/<id>/products/<n>/hs-correction — a person corrects a product's HS code (audited)."""

from flask.views import MethodView
from flask_smorest import Blueprint

from app.auth import access
from app.auth.api import current_api_user
from app.schemas.hs_correction import HsCorrectionListSchema, HsCorrectionRequestSchema, HsCorrectionSchema
from app.services import hs_corrections
from app.services import ikms as ikm_service

blp = Blueprint(
    "hs_corrections", __name__, url_prefix="/api/v1/ikms", description="HS code corrections (training data)"
)


@blp.route("/<id:ikm_id>/products/<int:position>/hs-correction")
class ProductHsCorrection(MethodView):
    """The HS code of one product of an IKM, as corrected by a person."""

    @blp.arguments(HsCorrectionRequestSchema)
    @blp.response(201, HsCorrectionSchema)
    def post(self, body, ikm_id, position):
        """Replace the HS code of product `position` (0-based) and record the correction.

        Allowed to whoever may change the IKM (its owner, its district or province) and to LPEI staff.
        The correction is audited and `flask ml train-hs --with-corrections` learns from it.
        """
        user = access.require_personal_data_access(current_api_user())
        ikm = ikm_service.get_ikm(ikm_id)
        access.require_ikm_access(user, ikm)
        return hs_corrections.correct_product_hs(ikm, position, body["hs_code"], body.get("note"), user)


@blp.route("/<id:ikm_id>/hs-corrections")
class IkmHsCorrections(MethodView):
    """The HS corrections recorded for an IKM."""

    @blp.response(200, HsCorrectionListSchema)
    def get(self, ikm_id):
        """List the IKM's HS corrections, oldest first."""
        user = access.require_personal_data_access(current_api_user())
        ikm = ikm_service.get_ikm(ikm_id)
        access.require_ikm_access(user, ikm)
        return {"corrections": hs_corrections.list_corrections(ikm)}
