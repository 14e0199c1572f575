"""Sign-in and sign-out pages (sessions; CSRF on both forms; lock-out after repeated failures)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.exc import SQLAlchemyError

from app.auth import access, login_limit
from app.safe_redirect import safe_local_path
from app.services import users
from app.web import labels
from app.web.forms import LoginForm, LogoutForm

bp = Blueprint("account_pages", __name__, template_folder="templates")


def _landing_page() -> str:
    """Where a signed-in user starts: the reports for the ministry, their IKM for regions, else the queue."""
    if current_user.role in access.AGGREGATE_ONLY_ROLES:
        return url_for("report_pages.dashboard")
    if current_user.role in ("district", "province"):
        return url_for("workspace_pages.ikm_list")
    if current_user.role == "owner" and current_user.ikm_id is not None:
        return url_for("owner_pages.own_page")
    return url_for("case_pages.queue")


@bp.route("/login", methods=["GET", "POST"])
@login_limit
def login():
    """Sign in with e-mail and password."""
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = users.authenticate(form.email.data, form.password.data)
        except users.LoginRefused as refused:
            flash(labels.pick(refused.message), "error")
            return render_template("accounts/login.html", form=form), 401
        session.clear()  # a fresh session after sign-in (no session fixation)
        login_user(user)
        return redirect(safe_local_path(request.args.get("next")) or _landing_page())
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Sign out (POST with a CSRF token)."""
    if LogoutForm().validate_on_submit():
        users.record_logout(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(gettext("You are signed out."), "info")
    return redirect(url_for("account_pages.login"))


def page_permissions() -> dict:
    """What the navigation shows to the signed-in user."""
    anonymous = {"can_queue": False, "can_import": False, "logout_form": None}
    try:
        if not current_user.is_authenticated:
            return anonymous
    except SQLAlchemyError:  # an error page while the database is down still renders
        return anonymous
    return {
        "can_queue": current_user.role not in access.AGGREGATE_ONLY_ROLES and current_user.role != "owner",
        "own_page": current_user.role == "owner" and current_user.ikm_id is not None,
        "can_import": current_user.role in access.IMPORTER_ROLES,
        "logout_form": LogoutForm(),
    }


@bp.app_context_processor
def navigation() -> dict:
    """Expose `nav` to every template (base.html's header)."""
    return {"nav": page_permissions()}
