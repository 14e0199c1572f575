"""Schemas of POST /api/v1/ikms/<id>/products/<n>/hs-correction."""

from marshmallow import Schema, fields, validate

from app.schemas.fields import CleanString
from app.schemas.ikm import hs_code_exists


class HsCorrectionRequestSchema(Schema):
    """The HS 2022 code a person chose for the product, and why (optional)."""

    hs_code = fields.String(
        required=True, validate=hs_code_exists, metadata={"description": "Six-digit HS 2022 code."}
    )
    note = CleanString(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=500),
        metadata={"description": "Why."},
    )


class HsCorrectionSchema(Schema):
    """A recorded HS correction."""

    id = fields.Integer()
    ikm_id = fields.Integer()
    position = fields.Integer(metadata={"description": "0-based position of the product in the profile."})
    description = fields.String()
    previous_code = fields.String(allow_none=True)
    hs_code = fields.String()
    predicted_code = fields.String(
        allow_none=True, metadata={"description": "What the classifier proposed for the description then."}
    )
    model_version = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    corrected_by_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()


class HsCorrectionListSchema(Schema):
    """An IKM's HS corrections, oldest first."""

    corrections = fields.List(fields.Nested(HsCorrectionSchema))
