"""/api/v1/hs/classify — HS 2022 candidates for a product description."""

from flask.views import MethodView
from flask_smorest import Blueprint

from app.auth import classify_limit
from app.schemas.classify import ClassifyRequestSchema, ClassifyResponseSchema
from app.services.classification import classify_description

blp = Blueprint("classify", __name__, url_prefix="/api/v1", description="HS 2022 product classification")


@blp.route("/hs/classify")
class HsClassify(MethodView):
    """Classify a product description into HS 2022 six-digit codes."""

    @classify_limit
    @blp.arguments(ClassifyRequestSchema)
    @blp.response(200, ClassifyResponseSchema)
    def post(self, request):
        """Rank HS 2022 six-digit candidates for a product description, best first.

        Open without a token (rate-limited per client like the public self-check). Scores are calibrated;
        text outside the covered product families gets the nearest subheadings with a low score. Below the
        model's abstain threshold the answer is not `confident` and `choices` holds the top three
        candidates (with their HS descriptions) for the owner or advisor to pick from.
        """
        return classify_description(request["description"], request["limit"])
