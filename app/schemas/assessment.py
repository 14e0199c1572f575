"""Assessment request and result schemas (contract.md "POST /api/v1/assessments")."""

from __future__ import annotations

from datetime import date

from marshmallow import INCLUDE, Schema, ValidationError, fields, post_dump, validate, validates_schema

from app.engine.policy import SEVERITY_ORDER as SEVERITIES
from app.engine.validation import validate_profile
from app.schemas.fields import DB_ID, IsoDate
from app.schemas.ikm import IkmProfileSchema
from app.vocabulary import founded_on_problem


class PassthroughSchema(Schema):
    """Dumps its declared fields (documented in OpenAPI) and keeps any further keys of the engine's result."""

    class Meta:
        """The further keys (`assumption`, …) make the documented object open: additionalProperties true."""

        unknown = INCLUDE

    @post_dump(pass_original=True)
    def _keep_undeclared(self, data: dict, original, **_) -> dict:
        """Add keys the schema does not declare, unchanged."""
        if isinstance(original, dict):
            for key, value in original.items():
                data.setdefault(key, value)
        return data


class JsonDocumentSchema(PassthroughSchema):
    """Documents a stored JSON document's shape in OpenAPI; dumping returns the document as it is.

    An assessment is the engine's result, already JSON (ISO dates, plain numbers) and checked by the
    engine's tests; walking ~30 kB of nested gaps, criteria and trace through marshmallow again would
    only copy it.
    """

    def dump(self, obj, *, many=None):
        """The document unchanged (a list of documents when `many`)."""
        if isinstance(obj, dict) or (many and isinstance(obj, list)):
            return obj
        return super().dump(obj, many=many)


class CompiledProfile(fields.Nested):
    """A nested IkmProfileSchema (documented as it) loaded by the schema's compiled check
    (`app.engine.validation.validate_profile`, tested equal to `Schema.load`): the profile comes out in
    JSON style, as the engine and the stored snapshot read it. A profile the check refuses is loaded by the
    schema itself, so errors keep the schema's messages and paths (`profile.products.0.hs_code`)."""

    def _deserialize(self, value, attr, data, partial=None, **kwargs):
        """The accepted profile in JSON style, or the schema's own ValidationError."""
        profile, errors = validate_profile(value)
        if not errors:
            return profile
        loaded = super()._deserialize(value, attr, data, partial=partial, **kwargs)
        return self.schema.dump(loaded)  # not reached while the check equals Schema.load


class AssessmentRequestSchema(Schema):
    """Either an inline profile (JSON style once loaded) or a stored IKM's id, and the date to assess on."""

    profile = CompiledProfile(IkmProfileSchema)
    ikm_id = fields.Integer(validate=DB_ID)
    as_of = fields.Date(metadata={"description": "Assess as of this date (default: today)."})

    @validates_schema
    def _profile_or_ikm(self, data: dict, **_) -> None:
        """Exactly one of `profile` and `ikm_id`."""
        if ("profile" in data) == ("ikm_id" in data):
            message = "Kirim `profile` atau `ikm_id` (salah satu). / Send either `profile` or `ikm_id`."
            raise ValidationError(message, field_name="profile")

    @validates_schema
    def _founded_on_not_after_as_of(self, data: dict, **_) -> None:
        """An inline profile's founding date by the one founding-date rule, as of the assessment date."""
        profile = data.get("profile") or {}
        if profile.get("founded_on") is not None:
            problem = founded_on_problem(
                date.fromisoformat(profile["founded_on"]),
                profile.get("founded_year"),
                data.get("as_of") or date.today(),
            )
            if problem:
                raise ValidationError({"founded_on": [problem]}, "profile")

    @validates_schema
    def _as_of_in_range(self, data: dict, **_) -> None:
        """Keep the date within the years the policy can speak about."""
        as_of = data.get("as_of")
        if as_of is not None and not 2000 <= as_of.year <= 2100:
            raise ValidationError("as_of harus antara 2000 dan 2100. / as_of must be 2000–2100.", "as_of")


class AssessmentIncludeSchema(Schema):
    """Optional parts of the POST answer: `include=what_if` adds the what-if options (policy-v1 §7)."""

    include = fields.List(
        fields.String(validate=validate.OneOf(("what_if",))),
        metadata={
            "description": "`what_if`: compute, store and return the what-if options as well (always done "
            "for a caller without a token, who cannot fetch them later)."
        },
    )


class DimensionsSchema(Schema):
    """The six readiness dimensions, each 0–100, or null when nothing in it applies (policy-v1 §4, §8 A6)."""

    compliance = fields.Integer(allow_none=True)
    capacity = fields.Integer(allow_none=True)
    quality = fields.Integer(allow_none=True)
    management = fields.Integer(allow_none=True)
    market = fields.Integer(allow_none=True)
    digital = fields.Integer(allow_none=True)


class ReadinessSchema(PassthroughSchema):
    """Overall score, level and dimensions."""

    score = fields.Integer()
    level = fields.String(
        validate=validate.OneOf(("not_ready", "developing", "ready_with_support", "export_ready"))
    )
    dimensions = fields.Nested(DimensionsSchema)


class ProductResultSchema(PassthroughSchema):
    """A product as assessed: its HS code, where the code came from, and the commodity."""

    description = fields.String()
    hs_code = fields.String(allow_none=True)
    commodity = fields.String()
    hs_source = fields.String(metadata={"description": "given, model or keyword"})
    hs_score = fields.Float(allow_none=True)


class GapSchema(PassthroughSchema):
    """A requirement the IKM does not meet for a product in a market."""

    requirement = fields.String()
    market = fields.String()
    severity = fields.String(validate=validate.OneOf(SEVERITIES))
    applies_from = IsoDate(allow_none=True)
    days_left = fields.Integer(allow_none=True)
    product_hs = fields.String(allow_none=True)
    closed_by = fields.List(fields.String())
    source = fields.String()
    conditional_on = fields.String(
        allow_none=True,
        validate=validate.OneOf(("size_class",)),
        metadata={
            "description": "size_class when the gap depends on a size the profile does not settle (§8 A1)"
        },
    )


class CriterionSchema(PassthroughSchema):
    """One programme criterion: pass, fail or unknown, with actual and required values."""

    name = fields.String()
    outcome = fields.String(validate=validate.OneOf(("pass", "fail", "unknown")))
    actual = fields.Raw(allow_none=True)
    required = fields.Raw(allow_none=True)
    source = fields.String()


class ProgrammeResultSchema(PassthroughSchema):
    """An LPEI programme's result for this IKM."""

    code = fields.String()
    type = fields.String(validate=validate.OneOf(("financial", "non_financial")))
    result = fields.String(validate=validate.OneOf(("eligible", "ineligible", "needs_information")))
    criteria = fields.List(fields.Nested(CriterionSchema))


class AssessmentSchema(JsonDocumentSchema):
    """A stored assessment: the engine's full result, its id and versions."""

    id = fields.Integer()
    ikm_id = fields.Integer(allow_none=True)
    as_of = IsoDate()
    policy_version = fields.String()
    policy_hash = fields.String()
    model_version = fields.String()
    status = fields.String(validate=validate.OneOf(("complete", "needs_information")))
    missing_fields = fields.List(fields.String())
    readiness = fields.Nested(ReadinessSchema)
    size_class = fields.String(allow_none=True)
    products = fields.List(fields.Nested(ProductResultSchema))
    gaps = fields.List(fields.Nested(GapSchema))
    programmes = fields.List(fields.Nested(ProgrammeResultSchema))
    route = fields.String(validate=validate.OneOf(("financial", "non_financial")))
    review_required = fields.Boolean()
    review_reasons = fields.List(fields.Raw())
    trace = fields.List(fields.Raw())
    what_if = fields.List(
        fields.Raw(),
        metadata={"description": "Only with `?include=what_if` (else GET /api/v1/assessments/<id>/what-if)."},
    )


class WhatIfSchema(Schema):
    """The what-if options of a stored assessment (policy-v1 §7)."""

    id = fields.Integer()
    as_of = IsoDate()
    policy_version = fields.String()
    what_if = fields.List(fields.Raw())


class AssessmentSummarySchema(Schema):
    """One line of an IKM's assessment history."""

    id = fields.Integer()
    as_of = fields.Date()
    created_at = fields.DateTime()
    score = fields.Integer()
    level = fields.String()
    route = fields.String()
    status = fields.String()
    review_required = fields.Boolean()
    policy_version = fields.String()
    model_version = fields.String()


class AssessmentHistorySchema(Schema):
    """An IKM's assessments, newest first."""

    ikm_id = fields.Integer()
    assessments = fields.List(fields.Nested(AssessmentSummarySchema))


class RequirementQuerySchema(Schema):
    """Which requirements apply to a product in a market on a date."""

    hs_code = fields.String(required=True, validate=validate.Regexp(r"^\d{6}\Z"))
    market = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{2}\Z"))
    as_of = fields.Date()
    size_class = fields.String(validate=validate.OneOf(("micro", "small", "medium", "large")))


class RequirementSchema(PassthroughSchema):
    """A requirement with its severity, start date and source."""

    requirement = fields.String()
    severity = fields.String()
    applies_from = IsoDate(allow_none=True)
    source = fields.String()


class RequirementListSchema(Schema):
    """Requirements for one product and market."""

    hs_code = fields.String()
    market = fields.String()
    as_of = fields.Date()
    size_class = fields.String(allow_none=True)
    product_class = fields.String()
    commodity = fields.String()
    requirements = fields.List(fields.Nested(RequirementSchema))


class ProgrammeSchema(PassthroughSchema):
    """An LPEI programme in the catalogue."""

    code = fields.String()
    type = fields.String()
    criteria = fields.List(fields.Raw())
    source = fields.String()


class ProgrammeListSchema(Schema):
    """The programme catalogue."""

    policy_version = fields.String()
    programmes = fields.List(fields.Nested(ProgrammeSchema))
