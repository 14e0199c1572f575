"""The simulation pages: a form for the policy owner (a change in YAML, another version or a second date)
and the result (counts, a chart with its table, example IKM for LPEI staff; suppressed for the ministry)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional, Regexp

from app import jobs
from app.auth import access
from app.errors import DomainError
from app.simulation import service
from app.web import labels

bp = Blueprint("simulation_pages", __name__, url_prefix="/simulations", template_folder="templates")
EXAMPLE_CHANGES = """changes:
  - requirement: "EUDR_GEO#1"
    set: {valid_from: 2027-12-30}
  - criterion: PKE_UMKM.years_in_business
    params: {years: 3}
"""


class SimulationForm(FlaskForm):
    """What to compare: the base version on a date against changes, another version or a second date."""

    base = SelectField(_l("Base policy version"), validators=[Optional()])
    changes_yaml = TextAreaField(_l("Changes (YAML)"), validators=[Optional(), Length(max=200_000)])
    compare_version = SelectField(_l("Or compare with version"), validators=[Optional()])
    as_of = DateField(_l("Assessment date"), validators=[Optional()])
    compare_as_of = DateField(_l("Or compare with the date"), validators=[Optional()])
    province = StringField(_l("Province (two digits)"), validators=[Optional(), Regexp(r"^\d{2}\Z")])
    commodity = SelectField(_l("Commodity"), validators=[Optional()])
    size_class = SelectField(_l("Size class"), validators=[Optional()])


def _form() -> SimulationForm:
    from app.policies.versions import version_files
    from app.vocabulary import COMMODITIES, SIZE_CLASSES

    form = SimulationForm()
    versions = [(item.label, item.label) for item in version_files()]
    form.base.choices = versions
    form.compare_version.choices = [("", "—"), *versions]
    form.commodity.choices = [
        ("", _l("All")),
        *((code, labels.word(labels.COMMODITIES, code)) for code in COMMODITIES),
    ]
    form.size_class.choices = [
        ("", _l("All")),
        *((code, labels.word(labels.SIZE_CLASSES, code)) for code in SIZE_CLASSES),
    ]
    return form


@bp.route("", methods=["GET", "POST"])
@login_required
def form():
    """The form; a valid one starts the simulation job and shows its page."""
    user = access.require_role(current_user._get_current_object(), service.SIMULATION_ROLES)
    page_form, status, problem = _form(), 200, None
    if not page_form.is_submitted():
        from app.policies.versions import current_policy

        page_form.changes_yaml.data = EXAMPLE_CHANGES
        page_form.base.data = current_policy().label
    if page_form.validate_on_submit():
        params = {
            name: field.data
            for name, field in page_form._fields.items()
            if name != "csrf_token" and field.data
        }
        try:
            job = service.start(params, user)
            return redirect(url_for("simulation_pages.result", job_id=job.id))
        except DomainError as error:
            if error.status in (401, 403):
                raise
            status = error.status
            problem = " ".join(
                " ".join(messages) for messages in (error.errors.get("json") or {}).values()
            ) or labels.pick(error.message)
    elif page_form.errors:
        status = 422
    return render_template("simulations/form.html", form=page_form, problem=problem), status


@bp.get("/<int:job_id>")
@login_required
def result(job_id: int):
    """The job's progress (the page refreshes itself) and, once done, the result."""
    user = access.require_role(current_user._get_current_object(), service.SIMULATION_ROLES)
    job = jobs.get_job(job_id, user)
    if job.kind != "simulation":
        abort(404)
    outcome = chart = None
    if job.status == "succeeded":
        outcome = jobs.job_result(job, user)
        chart = _chart(outcome)
    return render_template("simulations/result.html", job=job, result=outcome, chart=chart)


def _chart(outcome: dict) -> str | None:
    """Programmes gained and lost as a bar chart (the table beside it says the same)."""
    from app.reports.charts import bar_chart  # matplotlib: imported on use

    rows = [row for row in outcome["programmes"] if row["changed"] not in (0, "0")]
    if not rows:
        return None
    names = [labels.programme_name(row["code"]) for row in rows]
    return bar_chart(
        # A no-break space keeps the sign on the name's last line when the chart wraps a long name.
        [f"{name}\u00a0+" for name in names] + [f"{name}\u00a0−" for name in names],
        [row["became_eligible"] for row in rows] + [row["lost_eligibility"] for row in rows],
    )
