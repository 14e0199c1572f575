"""Page forms (Flask-WTF: every form carries a CSRF token); labels translated with lazy_gettext."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp
from wtforms.widgets import HiddenInput

NOTE_LENGTH = Length(min=1, max=4000)


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = StringField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class LogoutForm(FlaskForm):
    """Sign out (a POST with a CSRF token, so no other site can sign a user out)."""


class VersionedForm(FlaskForm):
    """Every change to a case carries the version the page showed."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class ReviewForm(VersionedForm):
    """Start the review."""


class DecisionForm(VersionedForm):
    """Approve, refer or reject, with reason, note and (for overrides) an override reason."""

    status = SelectField(
        _l("Decision"),
        choices=[
            SelectChoice("approved", _l("Approved")),
            SelectChoice("referred", _l("Referred")),
            SelectChoice("rejected", _l("Rejected")),
        ],
    )
    reason_code = SelectField(_l("Reason"), validators=[DataRequired()])
    note = TextAreaField(_l("Note"), validators=[DataRequired(), NOTE_LENGTH])
    override_reason = SelectField(
        _l("Override reason (when you decide against the engine's route)"), validate_choice=False
    )
    referred_programme_code = SelectField(_l("Referred to programme"), validate_choice=False)
    # Financing programmes only; typed the reader's way ("250.000.000"), checked by the API's schema.
    amount_requested_idr = StringField(
        _l("Financing requested (IDR, financing programmes)"),
        validators=[Optional(), Length(max=30)],
        render_kw={"inputmode": "numeric"},
    )
    amount_approved_idr = StringField(
        _l("Financing approved (IDR, when approved)"),
        validators=[Optional(), Length(max=30)],
        render_kw={"inputmode": "numeric"},
    )


class WithdrawalForm(VersionedForm):
    """Withdraw an open case."""

    reason_code = SelectField(_l("Reason"), validators=[DataRequired()])
    note = TextAreaField(_l("Note"), validators=[DataRequired(), NOTE_LENGTH])


class AssignmentForm(VersionedForm):
    """Assign the case to an advisor."""

    assignee_id = SelectField(_l("Assign to"), coerce=str, validate_choice=False)


class CommentForm(FlaskForm):
    """A comment on a case."""

    body = TextAreaField(_l("Comment"), validators=[DataRequired(), NOTE_LENGTH])
    internal = BooleanField(_l("Internal (LPEI staff only)"))


class ImportForm(FlaskForm):
    """Upload a filled-in template."""

    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired()])
    region = StringField(
        _l("Region (PP.KK or PP)"),
        validators=[
            Optional(),
            Regexp(r"^\d{2}(\.\d{2})?\Z", message=_l("Write the region as PP.KK or PP, e.g. 11.17.")),
        ],
    )
    partial = BooleanField(_l("Keep the valid rows only"))
