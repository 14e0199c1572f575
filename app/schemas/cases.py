"""Case (application) schemas: the queue, one case, its actions, comments, history and the override report."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.models.application import STATUSES
from app.schemas.fields import DB_ID, CleanString, StrictBoolean
from app.schemas.pagination import PageSchema, PaginationQuerySchema
from app.vocabulary import COMMODITIES

REASON_CODE = validate.Regexp(
    r"^[A-Z][A-Z0-9_]{1,39}\Z", error="Kode alasan tidak valid. / Invalid reason code."
)
PROGRAMME_CODE = validate.Regexp(
    r"^[A-Z][A-Z0-9_]{1,29}\Z", error="Kode program tidak valid. / Invalid code."
)
NOTE = validate.Length(min=1, max=4000)

# A financing amount in rupiah: whole rupiah, up to a quadrillion (far above any LPEI facility).
IDR_AMOUNT = validate.Range(min=0, max=10**15)


class VersionedSchema(Schema):
    """Every change to a case carries the version the client read (optimistic locking: 409 when stale)."""

    version = fields.Integer(
        required=True, validate=DB_ID, metadata={"description": "The case version you read."}
    )


class CaseCreateSchema(Schema):
    """Open a case: an IKM, a programme, and optionally which of its assessments (default: the latest)."""

    ikm_id = fields.Integer(required=True, validate=DB_ID)
    programme_code = fields.String(required=True, validate=PROGRAMME_CODE)
    assessment_id = fields.Integer(validate=DB_ID)


class CaseReviewSchema(VersionedSchema):
    """Start the review of a submitted case."""


class CaseDecisionSchema(VersionedSchema):
    """Approve, refer or reject, with a reason code from the fixed list and a note."""

    status = fields.String(required=True, validate=validate.OneOf(("approved", "referred", "rejected")))
    reason_code = fields.String(required=True, validate=REASON_CODE)
    note = CleanString(required=True, validate=NOTE)
    override_reason = fields.String(
        allow_none=True,
        validate=REASON_CODE,
        metadata={"description": "Required when the decision's route differs from the engine's route."},
    )
    referred_programme_code = fields.String(
        allow_none=True, validate=PROGRAMME_CODE, metadata={"description": "Required for `referred`."}
    )
    amount_requested_idr = fields.Integer(
        allow_none=True,
        validate=IDR_AMOUNT,
        metadata={"description": "Financing asked for (IDR); financial programmes only."},
    )
    amount_approved_idr = fields.Integer(
        allow_none=True,
        validate=IDR_AMOUNT,
        metadata={"description": "Financing granted (IDR); an approved financial case, at most the request."},
    )


class CaseWithdrawalSchema(VersionedSchema):
    """Withdraw an open case, with a reason code and a note."""

    reason_code = fields.String(required=True, validate=REASON_CODE)
    note = CleanString(required=True, validate=NOTE)


class CaseAssignmentSchema(VersionedSchema):
    """Assign an open case to an advisor or supervisor (null: unassign)."""

    assignee_id = fields.Integer(required=True, allow_none=True, validate=DB_ID)


class CommentCreateSchema(Schema):
    """A comment on a case."""

    body = CleanString(required=True, validate=NOTE)
    internal = StrictBoolean(load_default=False, metadata={"description": "Visible to LPEI staff only."})


class PersonSchema(Schema):
    """A staff member on a case."""

    id = fields.Integer()
    email = fields.String()


class CommentSchema(Schema):
    """A comment as shown on a case."""

    id = fields.Integer()
    author = fields.Nested(PersonSchema, allow_none=True)
    body = fields.String()
    internal = fields.Boolean()
    created_at = fields.DateTime()


class CommentListSchema(Schema):
    """The comments of a case."""

    comments = fields.List(fields.Nested(CommentSchema))


class ReasonSchema(Schema):
    """A reason code with its labels in Bahasa Indonesia and English."""

    code = fields.String()
    label_id = fields.String()
    label_en = fields.String()
    retired = fields.Boolean()


class DecisionSchema(Schema):
    """The decision on a case (empty while it is open)."""

    reason = fields.Nested(ReasonSchema, allow_none=True)
    note = fields.String(allow_none=True)
    is_override = fields.Boolean()
    override_reason = fields.Nested(ReasonSchema, allow_none=True)
    referred_programme_code = fields.String(allow_none=True)
    amount_requested_idr = fields.Integer(allow_none=True)
    amount_approved_idr = fields.Integer(allow_none=True)
    decided_by = fields.Nested(PersonSchema, allow_none=True)
    decided_at = fields.DateTime(allow_none=True)


class CaseIkmSchema(Schema):
    """The IKM of a case."""

    id = fields.Integer()
    name = fields.String()
    region_code = fields.String()
    province_code = fields.String()
    commodity = fields.String()


class CaseAssessmentSchema(Schema):
    """The assessment a case was opened on."""

    id = fields.Integer()
    as_of = fields.Date()
    score = fields.Integer()
    level = fields.String()
    route = fields.String()
    review_required = fields.Boolean()
    review_reasons = fields.List(fields.Raw())


class CaseSchema(Schema):
    """A case: status, version, IKM, programme, assessment, engine route, priority, waiting time, decision."""

    id = fields.Integer()
    version = fields.Integer()
    status = fields.String(validate=validate.OneOf(STATUSES))
    ikm = fields.Nested(CaseIkmSchema)
    programme_code = fields.String()
    assessment = fields.Nested(CaseAssessmentSchema)
    engine_route = fields.String(allow_none=True)
    priority = fields.Float(allow_none=True)
    triage = fields.Raw(allow_none=True)
    assigned_to = fields.Nested(PersonSchema, allow_none=True)
    decision = fields.Nested(DecisionSchema)
    days_waiting = fields.Integer()
    reminder = fields.Boolean(metadata={"description": "Open longer than CASE_REMINDER_DAYS."})
    stale = fields.Boolean(metadata={"description": "Open longer than CASE_STALE_DAYS."})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    review_started_at = fields.DateTime(allow_none=True)
    comments = fields.List(fields.Nested(CommentSchema))


class CaseListQuerySchema(PaginationQuerySchema):
    """Queue filters, order and page."""

    status = fields.String(load_default="open", validate=validate.OneOf(("open", "all", *STATUSES)))
    commodity = fields.String(validate=validate.OneOf(COMMODITIES))
    province = fields.String(validate=validate.Regexp(r"^\d{2}\Z"))
    programme = fields.String(validate=PROGRAMME_CODE)
    assigned = fields.String(validate=validate.OneOf(("me", "none")))
    flag = fields.String(validate=validate.OneOf(("reminder", "stale")))
    sort = fields.String(load_default="priority", validate=validate.OneOf(("priority", "age")))


class CasePageSchema(PageSchema):
    """A page of the queue and how it is ordered."""

    items = fields.List(fields.Nested(CaseSchema))
    ordering = fields.String(
        metadata={"description": "triage (learned priority), rules (readiness score: no model yet) or age"}
    )


class AuditEventSchema(Schema):
    """One audit event."""

    id = fields.Integer()
    at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)
    actor = fields.String(allow_none=True)
    action = fields.String()
    entity_type = fields.String()
    entity_id = fields.String(allow_none=True)
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)


class CaseHistorySchema(Schema):
    """A case's audit trail, oldest first."""

    case_id = fields.Integer()
    events = fields.List(fields.Nested(AuditEventSchema))


class ReasonCatalogueSchema(Schema):
    """The fixed decision and override reason lists."""

    decisions = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(ReasonSchema)))
    override_reasons = fields.List(fields.Nested(ReasonSchema))


class OverrideQuerySchema(Schema):
    """The period of the override report (by decision date)."""

    date_from = fields.Date()
    date_to = fields.Date()


class AdvisorOverridesSchema(Schema):
    """Decisions and overrides of one advisor."""

    advisor = fields.Nested(PersonSchema, allow_none=True)
    decided = fields.Integer()
    overrides = fields.Integer()
    override_rate = fields.Float()


class ReasonOverridesSchema(Schema):
    """How often one override reason was given."""

    reason = fields.Nested(ReasonSchema)
    overrides = fields.Integer()


class OverrideReportSchema(Schema):
    """Overrides per advisor and per reason."""

    decided = fields.Integer()
    overrides = fields.Integer()
    override_rate = fields.Float(allow_none=True)
    by_advisor = fields.List(fields.Nested(AdvisorOverridesSchema))
    by_reason = fields.List(fields.Nested(ReasonOverridesSchema))
