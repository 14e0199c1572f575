"""The owner's journey: invitation by e-mail → account → own page (profile, assessments, apply, cases)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from app.auth import access
from app.errors import DomainError
from app.services import assessments, cases, ikms, invitations, mail
from app.web import labels
from app.web.cases import field_errors
from app.web.result_view import result_view
from app.web.selfcheck import render_form, validate_form
from app.web.selfcheck_form import form_from_profile

bp = Blueprint("owner_pages", __name__, template_folder="templates")


class InviteForm(FlaskForm):
    """The owner's e-mail address."""

    email = EmailField(_l("Owner's e-mail"), validators=[DataRequired(), Length(max=254)])


class AcceptForm(FlaskForm):
    """A password for the new account, typed twice."""

    password = PasswordField(_l("Choose a password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Type the password again"),
        validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))],
    )


class ApplyForm(FlaskForm):
    """Apply for one programme."""

    programme_code = HiddenField(validators=[DataRequired()])


def _form_errors(form) -> dict[str, str]:
    return {name: " ".join(str(message) for message in messages) for name, messages in form.errors.items()}


@bp.route("/ikm/<int:ikm_id>/undang", methods=["GET", "POST"])
@login_required
def invite(ikm_id: int):
    """A district officer or an advisor invites the IKM's owner by e-mail (a one-time link)."""
    actor = access.require_role(current_user._get_current_object(), invitations.INVITER_ROLES)
    ikm = ikms.get_ikm(ikm_id)
    access.require_ikm_access(actor, ikm)
    form, errors, status = InviteForm(), {}, 200
    if form.validate_on_submit():
        try:
            invitation, token = invitations.invite_owner(actor, ikm_id, form.email.data)
        except DomainError as error:
            if error.status in (401, 403, 404):
                raise
            errors, status = field_errors(error) or {"email": labels.pick(error.message)}, error.status
        else:
            link = url_for("owner_pages.accept", token=token, _external=True)
            mail.send_mail(
                invitation.email,
                _("Your account for %(name)s on OVOP export readiness", name=ikm.name),
                _(
                    "You are invited to see the export readiness of %(name)s, keep its profile up to date "
                    "and apply for LPEI programmes.\n\nOpen this link to choose your password (it works "
                    "once, for %(days)s days):\n%(link)s\n",
                    name=ikm.name,
                    days=invitations.invitation_days(),
                    link=link,
                ),
            )
            flash(_("Invitation sent to %(email)s.", email=invitation.email), "info")
            return redirect(url_for("owner_pages.invite", ikm_id=ikm_id))
    elif form.errors:
        errors, status = _form_errors(form), 422
    return render_template("owners/invite.html", form=form, ikm=ikm, errors=errors), status


@bp.route("/undangan/<token>", methods=["GET", "POST"])
def accept(token: str):
    """The invitation link: choose a password, and the owner's account is created and signed in."""
    invitation = invitations.open_invitation(token)
    form, errors, status = AcceptForm(), {}, 200
    if form.validate_on_submit():
        try:
            user = invitations.accept(token, form.password.data)
        except DomainError as error:
            if error.status == 404:
                raise
            errors = {"password": " ".join(field_errors(error).values()) or labels.pick(error.message)}
            status = error.status
        else:
            login_user(user)
            flash(_("Welcome! This is your business's page."), "info")
            return redirect(url_for("owner_pages.own_page"))
    elif form.errors:
        errors, status = _form_errors(form), 422
    return render_template("owners/accept.html", form=form, invitation=invitation, errors=errors), status


def _owner():
    """The signed-in owner with an IKM (403 for anyone else)."""
    user = current_user._get_current_object()
    if user.role != "owner" or user.ikm_id is None:
        abort(403)
    return user


@bp.get("/usaha")
@login_required
def own_page():
    """The owner's page: the latest result, past assessments, programmes to apply for, the cases."""
    owner = _owner()
    ikm = ikms.get_ikm(owner.ikm_id)
    history = assessments.ikm_history(ikm.id)
    view = (
        result_view(assessments.assessment_for_pages(history[0]), history[0].profile_snapshot)
        if history
        else None
    )
    own_cases = [
        cases.read_case(owner, case["id"])
        for case in cases.list_cases(owner, cases.CaseFilters(status="all"), 1, 50)["items"]
    ]
    open_programmes = {case["programme_code"] for case in own_cases if case["status"] in cases.OPEN_STATUSES}
    return render_template(
        "owners/own_page.html",
        ikm=ikm,
        view=view,
        history=history,
        own_cases=own_cases,
        open_programmes=open_programmes,
        apply_form=ApplyForm(),
    )


@bp.post("/usaha/ajukan")
@login_required
def apply():
    """Apply for a programme from the result: a case for the advisors, on the latest assessment."""
    owner = _owner()
    form = ApplyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        case = cases.create_case(owner, owner.ikm_id, form.programme_code.data)
    except DomainError as error:
        if error.status in (401, 403):
            raise
        flash(labels.pick(error.message), "error")
    else:
        flash(_("Application sent: an LPEI advisor will review it."), "info")
        return redirect(url_for("owner_pages.own_page", _anchor=f"case-{case.id}"))
    return redirect(url_for("owner_pages.own_page"))


@bp.route("/usaha/profil", methods=["GET", "POST"])
@login_required
def profile():
    """The profile as the self-check form, prefilled; sending it updates the IKM and assesses it again."""
    owner = _owner()
    ikm = ikms.get_ikm(owner.ikm_id)
    page = {"form_action": url_for("owner_pages.profile"), "heading": _("Your business profile")}
    if request.method == "GET":
        return render_form(form_from_profile(ikm.to_profile(), labels.locale_code()), {}, **page)
    validated, _as_of, errors = validate_form(request.form)
    if errors:
        return render_form(request.form, errors, 422, **page)
    validated.pop("nib", None)  # the NIB stays as registered
    for field in access.OWNER_READ_ONLY_FIELDS:  # staff's to change (credit status, stars, region)
        validated.pop(field, None)
    access.require_ikm_change(owner, ikm, validated)
    ikms.update_ikm(ikm, validated)  # a change re-assesses the IKM in the same transaction
    flash(_("Profile saved and assessed again."), "info")
    return redirect(url_for("owner_pages.own_page"))
