"""Job, policy version, adoption and simulation schemas (issue 11)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.schemas.assessment import PassthroughSchema
from app.schemas.fields import CleanString, StrictInteger
from app.schemas.reports import PROVINCE, YEAR
from app.vocabulary import COMMODITIES, SIZE_CLASSES


class JobSchema(Schema):
    """A job: kind, status, progress, the link to its result once done, its error when it failed."""

    id = fields.Integer()
    kind = fields.String(metadata={"description": "simulation, reassessment, import or quarterly_report"})
    status = fields.String(metadata={"description": "queued, running, succeeded, failed or cancelled"})
    progress = fields.Integer(metadata={"description": "percent done, 0–100"})
    progress_note = fields.String(allow_none=True)
    stale = fields.Boolean(metadata={"description": "running, silent for JOB_STALE_SECONDS: retry"})
    backend = fields.String(metadata={"description": "rq (Redis queue) or embedded (a worker thread)"})
    attempts = fields.Integer()
    requested_by_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    result_url = fields.String(allow_none=True)
    error = fields.Dict(allow_none=True, metadata={"description": "message (errors, report) of a failure"})


class JobResultSchema(PassthroughSchema):
    """A finished job's result (its shape depends on the kind; a simulation's is described in README)."""


class QuarterlyJobSchema(Schema):
    """The quarterly report to compute in a job."""

    year = StrictInteger(required=True, validate=YEAR)
    quarter = StrictInteger(required=True, validate=validate.Range(min=1, max=4))


class PolicyVersionSchema(Schema):
    """A policy version: label, adoption date, content hash of its files, source."""

    version = fields.String()
    adopted_on = fields.Date(allow_none=True)
    content_hash = fields.String()
    source = fields.String()
    note = fields.String(allow_none=True)
    current = fields.Boolean(metadata={"description": "the files the service assesses with (POLICY_DIR)"})
    changes_to_current = fields.Integer(metadata={"description": "changes from the current files"})
    requirements = fields.Integer()
    programmes = fields.Integer()


class PolicyListSchema(Schema):
    """Every known version."""

    versions = fields.List(fields.Nested(PolicyVersionSchema))


class PolicyChangeSchema(Schema):
    """One difference between two versions, with a sentence."""

    kind = fields.String(metadata={"description": "requirement, criterion, programme, …"})
    id = fields.String()
    change = fields.String(metadata={"description": "added, removed or changed"})
    field = fields.String(allow_none=True)
    from_ = fields.String(data_key="from", attribute="from", allow_none=True)
    to = fields.String(allow_none=True)
    text = fields.String()


class PolicyDiffSchema(Schema):
    """What changes from one version to another."""

    from_ = fields.Nested(PolicyVersionSchema, data_key="from", attribute="from")
    to = fields.Nested(PolicyVersionSchema)
    changes = fields.List(fields.Nested(PolicyChangeSchema))


class AdoptionRequestSchema(Schema):
    """Adopt a version from a date."""

    effective_from = fields.Date(required=True)
    note = CleanString(validate=validate.Length(max=2000))


class AdoptionSchema(Schema):
    """An adoption and its re-assessment job."""

    id = fields.Integer()
    version = fields.String()
    content_hash = fields.String()
    effective_from = fields.Date()
    note = fields.String(allow_none=True)
    job_id = fields.Integer(allow_none=True)
    job_url = fields.String(allow_none=True)
    created_at = fields.DateTime()


class SimulationRequestSchema(Schema):
    """A simulation: a base version and changes (JSON or YAML text), another version or a second date."""

    base = fields.String(metadata={"description": "version label (default: the current version)"})
    changes = fields.List(
        fields.Dict(),
        metadata={"description": "changes to the base version (README 'Policy changes as data')"},
    )
    changes_yaml = fields.String(
        validate=validate.Length(max=200_000), metadata={"description": "the changes as YAML text"}
    )
    compare_version = fields.String(metadata={"description": "another version to compare with the base"})
    as_of = fields.Date(metadata={"description": "the date of the base evaluation (default today)"})
    compare_as_of = fields.Date(metadata={"description": "date of the compared evaluation (default as_of)"})
    province = fields.String(validate=PROVINCE)
    commodity = fields.String(validate=validate.OneOf(COMMODITIES))
    size_class = fields.String(validate=validate.OneOf(SIZE_CLASSES))
    examples = StrictInteger(validate=validate.Range(min=0, max=50), load_default=10)
