"""/api/v1/regions, /api/v1/countries and /api/v1/hs — reference look-ups for the forms."""

from flask.views import MethodView
from flask_smorest import Blueprint

from app.schemas.reference import (
    CountryListSchema,
    HsListSchema,
    HsQuerySchema,
    ProvinceSchema,
    RegionListSchema,
    RegionQuerySchema,
)
from app.services import reference_data

blp = Blueprint("reference", __name__, url_prefix="/api/v1", description="Reference look-ups")


@blp.route("/regions")
class Regions(MethodView):
    """Provinces and kabupaten/kota (Kemendagri codes)."""

    @blp.arguments(RegionQuerySchema, location="query")
    @blp.response(200, RegionListSchema)
    def get(self, query):
        """List provinces, or the kabupaten/kota of one province."""
        return reference_data.list_regions(query.get("province"))


@blp.route("/regions/<string:code>")
class RegionByCode(MethodView):
    """One province with its kabupaten/kota."""

    @blp.response(200, ProvinceSchema)
    def get(self, code):
        """Read a province and its kabupaten/kota."""
        return reference_data.get_province(code)


@blp.route("/countries")
class Countries(MethodView):
    """Countries that IKM may target."""

    @blp.response(200, CountryListSchema)
    def get(self):
        """List countries (ISO 3166-1)."""
        return {"countries": reference_data.list_countries()}


@blp.route("/hs")
class HsCodes(MethodView):
    """The HS 2022 nomenclature."""

    @blp.arguments(HsQuerySchema, location="query")
    @blp.response(200, HsListSchema)
    def get(self, query):
        """Search HS 2022 codes by words (`q`) and/or code prefix (`prefix`)."""
        return {
            "codes": reference_data.search_hs(
                query.get("q"), query.get("prefix"), query.get("level"), query["limit"]
            )
        }
