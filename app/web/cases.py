"""The advisor queue and the case page: review, decide, withdraw, assign, comment (forms with CSRF)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from marshmallow import ValidationError
from wtforms import SelectChoice

from app.auth import access
from app.errors import DomainError
from app.schemas.cases import COMMODITIES, CaseListQuerySchema
from app.services import cases, programmes, users
from app.web.forms import AssignmentForm, CommentForm, DecisionForm, ReviewForm, WithdrawalForm

bp = Blueprint("case_pages", __name__, url_prefix="/cases", template_folder="templates")
OUTCOME_LABELS = {
    "approved": "Disetujui / Approved",
    "referred": "Dirujuk / Referred",
    "rejected": "Ditolak / Rejected",
    "withdrawn": "Ditarik / Withdrawn",
}
SAVED = "Tersimpan. / Saved."


def _actor():
    """The signed-in user as a model object (services compare ids and roles)."""
    return current_user._get_current_object()


def _reason_choices(outcomes) -> list[SelectChoice]:
    """Reason codes grouped by outcome, for a select with option groups."""
    catalogue = cases.reason_catalogue()["decisions"]
    return [
        SelectChoice(
            item["code"], f"{item['label_id']} / {item['label_en']}", optgroup=OUTCOME_LABELS[outcome]
        )
        for outcome in outcomes
        for item in catalogue[outcome]
        if not item.get("retired")
    ]


def _forms_for(case: dict) -> dict:
    """The forms the signed-in user may use on this case, prefilled with its version."""
    actor, status, version = _actor(), case["status"], case["version"]
    forms: dict = {"comment": CommentForm(formdata=None)}
    staff = actor.role in access.DECIDER_ROLES
    if staff and status == "submitted":
        forms["review"] = ReviewForm(formdata=None, version=version)
    if staff and status == "in_review":
        decision = DecisionForm(formdata=None, version=version)
        decision.reason_code.choices = _reason_choices(("approved", "referred", "rejected"))
        decision.override_reason.choices = [SelectChoice("", "— tidak ada / none —")] + [
            SelectChoice(item["code"], f"{item['label_id']} / {item['label_en']}")
            for item in cases.reason_catalogue()["override_reasons"]
            if not item.get("retired")
        ]
        decision.referred_programme_code.choices = [SelectChoice("", "—")] + [
            SelectChoice(programme.code, f"{programme.code} — {programme.name}")
            for programme in programmes.offered_programmes("non_financial")
        ]
        forms["decision"] = decision
    if status in cases.OPEN_STATUSES:
        withdrawal = WithdrawalForm(formdata=None, version=version)
        withdrawal.reason_code.choices = _reason_choices(("withdrawn",))
        forms["withdrawal"] = withdrawal
    if status in cases.OPEN_STATUSES and actor.role in access.SUPERVISOR_ROLES:
        assignment = AssignmentForm(formdata=None, version=version)
        assignment.assignee_id.choices = [SelectChoice("", "— tidak ditugaskan / unassigned —")] + [
            SelectChoice(str(user.id), f"{user.email} ({user.role})")
            for role in cases.ASSIGNABLE_ROLES
            for user in users.list_users(role)
        ]
        assignment.assignee_id.data = str((case["assigned_to"] or {}).get("id") or "")
        forms["assignment"] = assignment
    return forms


def _explain(error: DomainError) -> str:
    """A refused action as one message: the reason and each field's problem."""
    details = []
    for location in error.errors.values():
        if isinstance(location, dict):
            details.extend(f"{field}: {' '.join(map(str, messages))}" for field, messages in location.items())
    return " ".join([error.message, *details])


@bp.get("")
@login_required
def queue():
    """The queue: the cases the user may see, ordered by triage priority (or rules score), with flags."""
    try:
        query = CaseListQuerySchema().load({key: value for key, value in request.args.items() if value})
    except ValidationError as error:
        flash(f"Filter tidak valid / Invalid filter: {', '.join(error.messages)}", "error")
        query = CaseListQuerySchema().load({})
    page, page_size = query.pop("page"), query.pop("page_size")
    result = cases.list_cases(_actor(), cases.CaseFilters(**query), page, page_size)
    return render_template(
        "cases/queue.html",
        result=result,
        query=query,
        page=page,
        statuses=("open", "all", *OUTCOME_LABELS, "submitted", "in_review"),
        commodities=COMMODITIES,
        programme_codes=[programme.code for programme in programmes.offered_programmes()],
    )


@bp.get("/<int:case_id>")
@login_required
def detail(case_id: int):
    """One case: the IKM, the assessment, the engine's route, the decision, comments and actions."""
    case = cases.read_case(_actor(), case_id)
    return render_template("cases/detail.html", case=case, forms=_forms_for(case), outcomes=OUTCOME_LABELS)


def _act(case_id: int, form, action) -> object:
    """Validate a case form, run the action, flash the outcome, and go back to the case page."""
    if not form.validate_on_submit():
        problems = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in form.errors.items())
        flash(f"Formulir tidak lengkap / Incomplete form — {problems}", "error")
    else:
        try:
            action(form)
            flash(SAVED, "info")
        except DomainError as error:
            if error.status in (401, 403, 404):
                raise
            flash(_explain(error), "error")
    return redirect(url_for("case_pages.detail", case_id=case_id))


@bp.post("/<int:case_id>/review")
@login_required
def review(case_id: int):
    """Start the review."""
    return _act(case_id, ReviewForm(), lambda form: cases.start_review(_actor(), case_id, form.version.data))


@bp.post("/<int:case_id>/decision")
@login_required
def decide(case_id: int):
    """Record a decision."""
    form = DecisionForm()
    form.reason_code.choices = _reason_choices(("approved", "referred", "rejected"))
    return _act(
        case_id,
        form,
        lambda form: cases.decide(
            _actor(),
            case_id,
            form.version.data,
            form.status.data,
            form.reason_code.data,
            form.note.data.strip(),
            form.override_reason.data or None,
            form.referred_programme_code.data or None,
        ),
    )


@bp.post("/<int:case_id>/withdrawal")
@login_required
def withdraw(case_id: int):
    """Withdraw the case."""
    form = WithdrawalForm()
    form.reason_code.choices = _reason_choices(("withdrawn",))
    return _act(
        case_id,
        form,
        lambda form: cases.withdraw(
            _actor(), case_id, form.version.data, form.reason_code.data, form.note.data
        ),
    )


def _assignee(value: str | None) -> int | None:
    """The chosen assignee's id; empty means unassigned, anything else not a user id is refused later."""
    if not value:
        return None
    return int(value) if value.isdigit() else -1


@bp.post("/<int:case_id>/assignment")
@login_required
def assign(case_id: int):
    """Assign or reassign the case."""
    return _act(
        case_id,
        AssignmentForm(),
        lambda form: cases.assign(_actor(), case_id, form.version.data, _assignee(form.assignee_id.data)),
    )


@bp.post("/<int:case_id>/comments")
@login_required
def comment(case_id: int):
    """Add a comment."""
    return _act(
        case_id,
        CommentForm(),
        lambda form: cases.add_comment(_actor(), case_id, form.body.data.strip(), bool(form.internal.data)),
    )
