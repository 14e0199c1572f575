"""The advisor queue and the case page: review, decide, withdraw, assign, comment (forms with CSRF)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from marshmallow import ValidationError
from wtforms import SelectChoice

from app.auth import access
from app.errors import Conflict, DomainError, InvalidInput
from app.profile_reader import read_number
from app.schemas.cases import COMMODITIES, CaseDecisionSchema, CaseListQuerySchema
from app.services import assessments, cases, programmes, users
from app.web import labels
from app.web.forms import AssignmentForm, CommentForm, DecisionForm, ReviewForm, WithdrawalForm
from app.web.result_view import result_view, trace_rows

bp = Blueprint("case_pages", __name__, url_prefix="/cases", template_folder="templates")
OUTCOMES = ("approved", "referred", "rejected", "withdrawn")
# Audit actions of a case as words on its history timeline.
HISTORY_ACTIONS = {
    "case.create": _l("Application opened"),
    "case.review": _l("Review started"),
    "case.decide": _l("Decision recorded"),
    "case.withdraw": _l("Application withdrawn"),
    "case.assign": _l("Assigned"),
    "case.comment": _l("Comment added"),
}


def _actor():
    """The signed-in user as a model object (services compare ids and roles)."""
    return current_user._get_current_object()


def _reason_choices(outcomes) -> list[SelectChoice]:
    """Reason codes grouped by outcome, for a select with option groups."""
    catalogue = cases.reason_catalogue()["decisions"]
    return [
        SelectChoice(item["code"], labels.bilingual(item), optgroup=labels.word(labels.STATUSES, outcome))
        for outcome in outcomes
        for item in catalogue[outcome]
        if not item.get("retired")
    ]


def _decision_form(version: int, formdata=None) -> DecisionForm:
    """The decision form with its choices (prefilled with what was sent when it is shown again)."""
    decision = DecisionForm(formdata=formdata, version=version)
    if formdata is not None:  # shown again: what was typed stays, the version is the case's current one
        decision.version.data, decision.version.raw_data = version, [str(version)]
    decision.reason_code.choices = _reason_choices(("approved", "referred", "rejected"))
    decision.override_reason.choices = [SelectChoice("", _("— none —"))] + [
        SelectChoice(item["code"], labels.bilingual(item))
        for item in cases.reason_catalogue()["override_reasons"]
        if not item.get("retired")
    ]
    decision.referred_programme_code.choices = [SelectChoice("", "—")] + [
        SelectChoice(programme.code, labels.programme_name(programme.code))
        for programme in programmes.offered_programmes("non_financial")
    ]
    return decision


def _forms_for(case: dict, submitted: dict | None = None) -> dict:
    """The forms the signed-in user may use on this case, prefilled with its version (or what was sent)."""
    actor, status, version = _actor(), case["status"], case["version"]
    submitted = submitted or {}
    forms: dict = {"comment": submitted.get("comment") or CommentForm(formdata=None)}
    staff = actor.role in access.DECIDER_ROLES
    if staff and status == "submitted":
        forms["review"] = ReviewForm(formdata=None, version=version)
    if staff and status == "in_review":
        forms["decision"] = _decision_form(version, request.form if "decision" in submitted else None)
    if status in cases.OPEN_STATUSES:
        withdrawal = WithdrawalForm(formdata=None, version=version)
        withdrawal.reason_code.choices = _reason_choices(("withdrawn",))
        forms["withdrawal"] = withdrawal
    if status in cases.OPEN_STATUSES and actor.role in access.SUPERVISOR_ROLES:
        assignment = AssignmentForm(formdata=None, version=version)
        assignment.assignee_id.choices = [SelectChoice("", _("— unassigned —"))] + [
            SelectChoice(str(user.id), person_words(user))
            for role in cases.ASSIGNABLE_ROLES
            for user in users.list_users(role)
        ]
        assignment.assignee_id.data = str((case["assigned_to"] or {}).get("id") or "")
        forms["assignment"] = assignment
    return forms


def field_errors(error: DomainError) -> dict[str, str]:
    """A refused action's field problems as {field: message in the reader's language}."""
    found: dict[str, str] = {}
    for key, value in (error.errors or {}).items():
        # {"json": {field: [...]}} from the API's services, or {field: [...]} from account services
        found.update(labels.flatten_errors(value if isinstance(value, dict) else {key: value}))
    return found


def _history(actor, case_id: int) -> list[dict]:
    """The case's audit events as a timeline in words (staff only; empty for others)."""
    if actor.role not in access.DECIDER_ROLES:
        return []
    events = cases.case_history(actor, case_id)["events"]
    people = users.users_by_id(
        (event.get(side) or {}).get("assigned_to_id") for event in events for side in ("before", "after")
    )
    return [
        {**event, "words": labels.word(HISTORY_ACTIONS, event["action"]), "changes": _changes(event, people)}
        for event in events
    ]


def person_words(user) -> str:
    """An account as people read it: its e-mail and role ('ani@lpei.co.id (Advisor)')."""
    return f"{user.email} ({labels.word(labels.ROLES, user.role)})"


def _changes(event: dict, people: dict) -> str:
    """What an event changed, in words: 'status: In review → Approved'; an assignee by e-mail and role."""
    before, after = event.get("before") or {}, event.get("after") or {}
    parts = []
    for key in ("status", "assigned_to_id", "decision_reason", "override_reason"):
        if key in after and before.get(key) != after.get(key):
            old, new = before.get(key), after.get(key)
            if key == "status":
                old, new = labels.word(labels.STATUSES, old), labels.word(labels.STATUSES, new)
            elif key in ("decision_reason", "override_reason"):  # the reason's label, not its code
                old, new = (labels.reason_name(code) if code else None for code in (old, new))
            elif key == "assigned_to_id":
                old, new = (
                    person_words(people[number]) if number in people else number for number in (old, new)
                )
            old, new = ("—" if value is None else value for value in (old, new))
            parts.append(f"{labels.word(CHANGE_WORDS, key)}: {old} → {new}")
    return "; ".join(parts)


CHANGE_WORDS = {
    "status": _l("status"),
    "assigned_to_id": _l("assigned to"),
    "decision_reason": _l("reason"),
    "override_reason": _l("override reason"),
}


def triage_words(triage: dict | None) -> list[str]:
    """The triage model's top factors as words ('has exported directly raises the priority')."""
    words = []
    for factor in (triage or {}).get("top_factors") or ():
        if not isinstance(factor, dict):
            continue
        name = labels.triage_factor(str(factor.get("feature")))
        if (factor.get("contribution") or 0) >= 0:
            words.append(_("%(factor)s raises the priority", factor=name))
        else:
            words.append(_("%(factor)s lowers the priority", factor=name))
    return words


@bp.get("")
@login_required
def queue():
    """The queue: the cases the user may see, ordered by triage priority (or rules score), with flags."""
    try:
        query = CaseListQuerySchema().load({key: value for key, value in request.args.items() if value})
    except ValidationError as error:
        fields = ", ".join(labels.field_label(name) for name in error.messages)
        flash(_("Some filters were not understood and were reset: %(fields)s", fields=fields), "error")
        query = CaseListQuerySchema().load({})
    page, page_size = query.pop("page"), query.pop("page_size")
    result = cases.list_cases(_actor(), cases.CaseFilters(**query), page, page_size)
    if result["pages"] and page > result["pages"]:
        return redirect(url_for("case_pages.queue", page=result["pages"], **query))
    return render_template(
        "cases/queue.html",
        result=result,
        query=query,
        page=page,
        statuses=("open", "all", "submitted", "in_review", *OUTCOMES),
        commodities=COMMODITIES,
        programme_codes=[programme.code for programme in programmes.offered_programmes()],
    )


def _render_case(case_id: int, submitted: dict | None = None, errors: dict | None = None, status: int = 200):
    """The case page: facts, the assessment explained, what-if, history, and the forms."""
    actor = _actor()
    case = cases.read_case(actor, case_id)
    stored = assessments.get_assessment(case["assessment"]["id"])
    view = result_view(assessments.assessment_for_pages(stored), stored.profile_snapshot)
    page = render_template(
        "cases/detail.html",
        case=case,
        forms=_forms_for(case, submitted),
        errors=errors or {},
        profile=stored.profile_snapshot or {},
        view=view,
        trace=trace_rows(view["assessment"]) if actor.role in access.DECIDER_ROLES else [],
        history=_history(actor, case_id),
        triage_words=triage_words(case.get("triage")),
        financing=getattr(programmes.find_programme(case["programme_code"]), "type", None) == "financial",
    )
    return page, status


@bp.get("/supervisi")
@login_required
def supervision():
    """The supervisor's page: overrides by advisor and by reason, and the open cases nobody is assigned to."""
    actor = _actor()
    report = cases.override_report(actor)
    unassigned = cases.list_cases(actor, cases.CaseFilters(status="open", assigned="none"), 1, 20)
    return render_template(
        "cases/supervision.html", report=report, unassigned=unassigned, reason_label=labels.bilingual
    )


@bp.get("/<int:case_id>")
@login_required
def detail(case_id: int):
    """One case: the IKM, the assessment, the engine's route, the decision, comments and actions."""
    return _render_case(case_id)


def _act(case_id: int, form, action, name: str):
    """Validate a case form and run the action; on success back to the case, else the page with the form
    as it was sent and each problem next to its field (422; 409 when someone else changed the case)."""
    if not form.validate_on_submit():
        errors = {
            field: " ".join(str(message) for message in messages) for field, messages in form.errors.items()
        }
        flash(_("Please complete the form: the fields marked below need attention."), "error")
        return _render_case(case_id, {name: form}, errors, 422)
    try:
        action(form)
    except Conflict as error:
        flash(labels.pick(error.message), "error")
        return _render_case(case_id, {name: form}, {}, 409)
    except DomainError as error:
        if error.status in (401, 403, 404):
            raise
        flash(labels.pick(error.message), "error")
        return _render_case(case_id, {name: form}, field_errors(error), error.status)
    flash(_("Saved."), "info")
    return redirect(url_for("case_pages.detail", case_id=case_id))


@bp.post("/<int:case_id>/review")
@login_required
def review(case_id: int):
    """Start the review."""
    return _act(
        case_id, ReviewForm(), lambda form: cases.start_review(_actor(), case_id, form.version.data), "review"
    )


def _amounts(form: DecisionForm) -> dict:
    """The financing amounts as typed, read the reader's way and checked by the API's decision schema."""
    fields = ("amount_requested_idr", "amount_approved_idr")
    typed = {
        name: read_number(getattr(form, name).data or None, True, labels.locale_code()) for name in fields
    }
    try:
        return CaseDecisionSchema(only=fields).load(typed)
    except ValidationError as error:
        message = _("Please check the financing amounts.")
        raise InvalidInput(message, errors={"json": error.messages}) from error


@bp.post("/<int:case_id>/decision")
@login_required
def decide(case_id: int):
    """Record a decision (with the financing requested and approved on a financing programme)."""
    form = _decision_form(request.form.get("version", type=int) or 0, request.form)
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
            **_amounts(form),
        ),
        "decision",
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
        "withdrawal",
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
        "assignment",
    )


@bp.post("/<int:case_id>/comments")
@login_required
def comment(case_id: int):
    """Add a comment."""
    return _act(
        case_id,
        CommentForm(),
        lambda form: cases.add_comment(_actor(), case_id, form.body.data.strip(), bool(form.internal.data)),
        "comment",
    )
