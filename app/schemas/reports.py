"""Report, workspace and target schemas (issue 8)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.models.target import TARGET_METRICS
from app.reports.summary import COMMODITIES, LEVELS, ROUTES
from app.schemas.assessment import PassthroughSchema
from app.schemas.pagination import PageSchema, PaginationQuerySchema

YEAR = validate.Range(min=2000, max=2100)
PROVINCE = validate.Regexp(r"^\d{2}\Z", error="Two digits, e.g. 11 / dua angka, mis. 11.")
REGENCY = validate.Regexp(r"^\d{2}\.\d{2}\Z", error="PP.KK, e.g. 11.17 / format PP.KK, mis. 11.17.")
KECAMATAN = validate.Regexp(
    r"^\d{2}\.\d{2}\.\d{2}\Z", error="PP.KK.CC, e.g. 11.17.01 / format PP.KK.CC, mis. 11.17.01."
)
BREAKDOWNS = (
    "level", "route", "commodity", "ovop_stars", "area", "programmes", "gaps", "eudr", "cases", "reasons",
    "financing", "trend",
)  # fmt: skip


class SummaryQuerySchema(Schema):
    """Filters of a report: year and quarter, province or kabupaten/kota, commodity."""

    year = fields.Integer(validate=YEAR)
    quarter = fields.Integer(validate=validate.Range(min=1, max=4))
    province = fields.String(validate=PROVINCE)
    regency = fields.String(validate=REGENCY)
    commodity = fields.String(validate=validate.OneOf(COMMODITIES))

    @validates_schema
    def _quarter_needs_year(self, data: dict, **_) -> None:
        """A quarter belongs to a year."""
        if "quarter" in data and "year" not in data:
            raise ValidationError("Give the year too / isi tahunnya juga.", field_name="quarter")


class SummaryCsvQuerySchema(SummaryQuerySchema):
    """Report filters and which breakdown to export (all when left out)."""

    breakdown = fields.String(validate=validate.OneOf(BREAKDOWNS))


class SummarySchema(PassthroughSchema):
    """The aggregate report: counts are numbers, or "<5" where suppressed."""

    filters = fields.Dict()
    area_level = fields.String(metadata={"description": "province (national) or regency (in a province)"})
    period = fields.List(fields.String(allow_none=True))
    policy_version = fields.String()
    generated_at = fields.String()
    totals = fields.Dict(metadata={"description": "ikm_assessed, ikm_proposed"})
    breakdowns = fields.Dict(metadata={"description": "one entry per breakdown: " + ", ".join(BREAKDOWNS)})
    suppression = fields.Dict()
    eudr_scope = fields.Dict(
        metadata={
            "description": "the EUDR requirement codes and the commodities of the eudr breakdown (policy)"
        }
    )
    targets = fields.List(fields.Dict())


class WorkspaceQuerySchema(PaginationQuerySchema):
    """Filters, sort and paging of a district's or province's IKM list."""

    regency = fields.String(validate=REGENCY)
    kecamatan = fields.String(validate=KECAMATAN, metadata={"description": "Kecamatan code PP.KK.CC."})
    commodity = fields.String(validate=validate.OneOf(COMMODITIES))
    level = fields.String(validate=validate.OneOf(LEVELS))
    route = fields.String(validate=validate.OneOf(ROUTES))
    programme = fields.String(validate=validate.Regexp(r"^[A-Z_]{2,30}\Z"))
    sort = fields.String(
        load_default="name",
        validate=validate.OneOf(("name", "score", "-score", "deadline", "stars", "-stars")),
    )

    @validates_schema
    def _kecamatan_in_regency(self, data: dict, **_) -> None:
        """A kecamatan filter, given with a kabupaten/kota filter, lies inside it."""
        kecamatan, regency = data.get("kecamatan"), data.get("regency")
        if kecamatan and regency and kecamatan[:5] != regency:
            raise ValidationError(
                f"Kecamatan {kecamatan} is not in {regency} / tidak berada di {regency}.", "kecamatan"
            )


class WorkspaceIkmSchema(Schema):
    """One IKM in a workspace list."""

    id = fields.Integer()
    name = fields.String()
    region_code = fields.String()
    kecamatan_code = fields.String(allow_none=True)
    commodity = fields.String()
    ovop_stars = fields.Integer(allow_none=True)
    assessment_id = fields.Integer(allow_none=True)
    as_of = fields.Date(allow_none=True)
    score = fields.Integer(allow_none=True)
    level = fields.String(allow_none=True)
    route = fields.String(allow_none=True)
    urgent_gap = fields.String(allow_none=True)
    urgent_gap_severity = fields.String(allow_none=True)
    urgent_gap_from = fields.Date(allow_none=True)
    days_to_deadline = fields.Integer(allow_none=True)
    case_status = fields.String(allow_none=True)


class WorkspacePageSchema(PageSchema):
    """A page of the workspace list."""

    items = fields.List(fields.Nested(WorkspaceIkmSchema))


class TargetQuerySchema(Schema):
    """Which year's targets."""

    year = fields.Integer(required=True, validate=YEAR)


class TargetSchema(Schema):
    """A yearly target and the progress made towards it."""

    year = fields.Integer(required=True, validate=YEAR)
    metric = fields.String(required=True, validate=validate.OneOf(TARGET_METRICS))
    value = fields.Integer(required=True, validate=validate.Range(min=0, max=10**15))
    achieved = fields.Integer(dump_only=True)
    progress = fields.Float(dump_only=True, allow_none=True)


class TargetListSchema(Schema):
    """The targets of a year with their progress."""

    year = fields.Integer()
    targets = fields.List(fields.Nested(TargetSchema))
