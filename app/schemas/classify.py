"""Schemas of POST /api/v1/hs/classify (contract.md)."""

from marshmallow import Schema, fields, validate

from app.schemas.fields import CleanString, StrictInteger
from app.vocabulary import COMMODITIES


class ClassifyRequestSchema(Schema):
    """A product description to classify and how many candidates to return."""

    description = CleanString(
        required=True,
        validate=validate.Length(min=1, max=500),
        metadata={
            "description": "Product name or description, Indonesian, English or mixed (1–500 characters)."
        },
    )
    limit = StrictInteger(
        load_default=3, validate=validate.Range(min=1, max=20), metadata={"description": "Candidates, 1–20."}
    )


class HsCandidateSchema(Schema):
    """One HS 2022 six-digit candidate."""

    hs_code = fields.String(metadata={"description": "Six-digit HS 2022 code."})
    description = fields.String(metadata={"description": "English HS 2022 description of the code."})
    commodity = fields.String(validate=validate.OneOf(COMMODITIES))
    score = fields.Float(metadata={"description": "Calibrated score in [0, 1]; best candidate first."})


class ClassifyResponseSchema(Schema):
    """Candidates, best first, with the model that produced them."""

    candidates = fields.List(fields.Nested(HsCandidateSchema))
    model_version = fields.String(
        metadata={
            "description": "e.g. hs-classifier/2026.11.27-1, or hs-keyword/1 before a model is trained."
        }
    )
    low_confidence = fields.Boolean(
        metadata={
            "description": "True when the best score is below the low-confidence threshold (or no match)."
        }
    )
    confident = fields.Boolean(
        metadata={
            "description": "False when the model abstains: the best score is below `abstain_threshold` "
            "(or nothing matched); the answer then needs a person to pick among `choices`."
        }
    )
    abstain_threshold = fields.Float(
        metadata={"description": "Score below which the model abstains (from its reliability diagram)."}
    )
    choices = fields.List(
        fields.Nested(HsCandidateSchema),
        metadata={"description": "The top three candidates when not confident (empty when confident)."},
    )
