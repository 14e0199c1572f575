"""Page forms (Flask-WTF: every form carries a CSRF token); labels in Bahasa Indonesia, then English."""

from __future__ import annotations

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

    email = StringField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Kata sandi / Password", validators=[DataRequired(), Length(max=200)])


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
        "Keputusan / Decision",
        choices=[
            SelectChoice("approved", "Disetujui / Approved"),
            SelectChoice("referred", "Dirujuk / Referred"),
            SelectChoice("rejected", "Ditolak / Rejected"),
        ],
    )
    reason_code = SelectField("Alasan / Reason", validators=[DataRequired()])
    note = TextAreaField("Catatan / Note", validators=[DataRequired(), NOTE_LENGTH])
    override_reason = SelectField("Alasan override / Override reason", validate_choice=False)
    referred_programme_code = SelectField("Dirujuk ke program / Referred to programme", validate_choice=False)


class WithdrawalForm(VersionedForm):
    """Withdraw an open case."""

    reason_code = SelectField("Alasan / Reason", validators=[DataRequired()])
    note = TextAreaField("Catatan / Note", validators=[DataRequired(), NOTE_LENGTH])


class AssignmentForm(VersionedForm):
    """Assign the case to an advisor."""

    assignee_id = SelectField("Tugaskan ke / Assign to", coerce=str, validate_choice=False)


class CommentForm(FlaskForm):
    """A comment on a case."""

    body = TextAreaField("Komentar / Comment", validators=[DataRequired(), NOTE_LENGTH])
    internal = BooleanField("Internal (hanya staf LPEI) / Internal (LPEI staff only)")


class ImportForm(FlaskForm):
    """Upload a filled-in template."""

    file = FileField("Berkas CSV atau XLSX / CSV or XLSX file", validators=[FileRequired()])
    region = StringField(
        "Wilayah (PP.KK atau PP) / Region",
        validators=[Optional(), Regexp(r"^\d{2}(\.\d{2})?\Z", message="PP.KK / PP")],
    )
    partial = BooleanField("Simpan baris yang valid saja / Keep the valid rows only")
