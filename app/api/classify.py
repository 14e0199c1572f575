"""/api/v1/hs/classify — HS 2022 candidates for a product description."""

from flask.views import MethodView
from flask_smorest import Blueprint

from app.auth import enforce_rate_limit
from app.auth.api import current_api_user
from app.schemas.classify import ClassifyRequestSchema, ClassifyResponseSchema
from app.services.models import current_models

blp = Blueprint("classify", __name__, url_prefix="/api/v1", description="HS 2022 product classification")


@blp.route("/hs/classify")
class HsClassify(MethodView):
    """Classify a product description into HS 2022 six-digit codes."""

    @blp.arguments(ClassifyRequestSchema)
    @blp.response(200, ClassifyResponseSchema)
    def post(self, request):
        """Rank HS 2022 six-digit candidates for a product description, best first.

        Open without a token (rate-limited per client like the public self-check). Scores are calibrated;
        text outside the covered product families gets the nearest subheadings with a low score.
        """
        if current_api_user() is None:
            enforce_rate_limit("SELF_CHECK_RATE_LIMIT", "hs-classify")
        classifier = current_models().hs_classifier
        candidates = classifier.classify(request["description"], limit=request["limit"])
        threshold = getattr(classifier, "low_confidence_score", 0.5)
        return {
            "candidates": candidates,
            "model_version": classifier.version,
            "low_confidence": not candidates or candidates[0]["score"] < threshold,
        }
