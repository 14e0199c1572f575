"""The owners' self-check: describe the business, see the score, the gaps per market and the programme."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from marshmallow import ValidationError

from app import reference
from app.auth import self_check_limit
from app.auth.access import keeps_personal_data
from app.schemas.ikm import CAPACITY_UNITS, CREDIT_STATUSES, GROUP_KINDS, LEGAL_FORMS, IkmProfileSchema
from app.services import assessments as assessment_service
from app.services import classification, reference_data
from app.vocabulary import PRACTICE_FIELDS
from app.web import labels
from app.web.result_view import result_view
from app.web.selfcheck_form import (
    COMMON_MARKETS,
    FORM_PRODUCT_ROWS,
    as_of_from_form,
    certificate_date_errors,
    profile_from_form,
)

bp = Blueprint("selfcheck", __name__, url_prefix="/cek-kesiapan")


def _signed_in_user():
    """The signed-in page user, or None for an anonymous owner."""
    return current_user if current_user.is_authenticated else None


def render_form(form_values, errors: dict[str, str], status: int = 200, **page):
    """The form, filled with what was sent and the errors next to their fields (also the owner's profile)."""
    page = render_template(
        "selfcheck/form.html",
        form_action=page.get("form_action") or url_for("selfcheck.result"),
        heading=page.get("heading"),
        form=form_values,
        errors=errors,
        regions=reference.regions_by_province(),
        countries=reference_data.list_countries(),
        certifications=reference.certification_names(),
        common_markets=COMMON_MARKETS,
        product_rows=range(FORM_PRODUCT_ROWS),
        practices=PRACTICE_FIELDS,
        legal_forms=LEGAL_FORMS,
        credit_statuses=CREDIT_STATUSES,
        group_kinds=GROUP_KINDS,
        capacity_units=CAPACITY_UNITS,
        hs_choices=page.get("hs_choices") or {},
    )
    return page, status


def validate_form(form) -> tuple[dict | None, object, dict[str, str]]:
    """(validated profile, assessment date, errors by field) from a posted self-check form."""
    profile = profile_from_form(form, labels.locale_code())
    as_of, date_error = as_of_from_form(form)
    errors = {"as_of": date_error} if date_error else {}
    errors.update(certificate_date_errors(form))
    validated = None
    try:
        validated = IkmProfileSchema().load(profile)
    except ValidationError as error:
        errors.update(labels.flatten_errors(error.messages))
    return validated, as_of, errors


# Set once the owner has been shown the product choices: the next post is assessed whatever they picked.
CHOICES_SHOWN = "hs_choices_shown"


def _choice_field(row: int) -> str:
    """Name of the radio group in which the owner picks the HS code of product row `row`."""
    return f"product_{row}_hs_choice"


def with_picked_hs_codes(form):
    """The posted form, with each product's picked HS code in its (empty) HS code field."""
    values = form.copy()
    for row in range(FORM_PRODUCT_ROWS):
        picked = (values.get(_choice_field(row)) or "").strip()
        if picked and not (values.get(f"product_{row}_hs_code") or "").strip():
            values[f"product_{row}_hs_code"] = picked
    return values


def hs_choices(form) -> dict[int, list[dict]]:
    """Product rows described but without an HS code whose classification is not confident: row → the
    top candidates (code, HS description, commodity) for the owner to pick from."""
    rows = [
        row
        for row in range(FORM_PRODUCT_ROWS)
        if (form.get(f"product_{row}_description") or "").strip()
        and not (form.get(f"product_{row}_hs_code") or "").strip()
    ]
    found = classification.choices_for([form[f"product_{row}_description"].strip() for row in rows])
    return {row: choices for row, choices in zip(rows, found, strict=True) if choices}


@bp.get("")
def form():
    """The empty self-check form."""
    return render_form(request.args, {})


@bp.post("")
@self_check_limit
def result():
    """Validate the form with the API's schema, assess it, and show the result (or the form with errors)."""
    user = _signed_in_user()
    form_values = with_picked_hs_codes(request.form)
    validated, as_of, errors = validate_form(form_values)
    if errors:
        return render_form(form_values, errors, status=422)
    if not form_values.get(CHOICES_SHOWN):
        choices = hs_choices(form_values)
        if choices:
            return render_form(form_values, {}, hs_choices=choices)
    assessment = assessment_service.create_assessment(
        assessment_service.as_json_profile(validated),
        None,
        as_of,
        with_what_if=True,  # the page shows it at once; it is stored with the result
        keep_personal_data=keeps_personal_data(user),
        created_by_id=user.id if user is not None else None,
    )
    return render_template(
        "selfcheck/result.html",
        view=result_view(assessment, validated),
        pdf_url=result_pdf_url(assessment["id"]),
    )


def _result_signer() -> URLSafeSerializer:
    """Signs result ids, so a result link opens only the result it was made for (ids are not guessable)."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="self-check-result")


def result_pdf_url(assessment_id: int) -> str:
    """The link to download this result as a PDF."""
    return url_for("selfcheck.result_as_pdf", token=_result_signer().dumps(assessment_id))


@bp.get("/hasil/<token>.pdf")
def result_as_pdf(token: str):
    """The result behind a signed link, as a PDF download."""
    try:
        assessment_id = _result_signer().loads(token)
    except BadSignature:
        abort(404)
    stored = assessment_service.get_assessment(assessment_id)
    view = result_view(assessment_service.assessment_for_pages(stored), stored.profile_snapshot)
    from app.web.result_pdf import result_pdf  # fpdf2 (and numpy through it): imported on use

    response = current_app.response_class(result_pdf(view), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="hasil-cek-kesiapan-{assessment_id}.pdf"'
    return response
