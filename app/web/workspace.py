"""The district and province workspace pages: their IKM, one IKM's page, and a form to propose one IKM."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from marshmallow import ValidationError

from app import reference
from app.auth import access
from app.errors import DomainError
from app.reports.summary import COMMODITIES, LEVELS, ROUTES
from app.reports.words import word
from app.schemas.ikm import IkmProfileSchema
from app.schemas.reports import WorkspaceQuerySchema
from app.services import ikms, reports, workspace
from app.web import labels
from app.web.cases import field_errors
from app.web.selfcheck_form import profile_from_form

bp = Blueprint("workspace_pages", __name__, url_prefix="/workspace", template_folder="templates")
PAGE_SIZE = 25
SORT_WORDS = {
    "name": _l("Name"),
    "-score": _l("Highest score"),
    "score": _l("Lowest score"),
    "deadline": _l("Nearest deadline"),
    "-stars": _l("Most OVOP stars"),
}


def _kecamatan_choices(regency_codes: list[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Kecamatan (code, name) grouped by kabupaten/kota code, for the given kabupaten/kota."""
    return [(code, reference.kecamatan_of(code)) for code in regency_codes]


def _actor():
    """The signed-in user as a model object."""
    return current_user._get_current_object()


@bp.get("")
@login_required
def ikm_list():
    """The user's IKM with readiness, route, most urgent gap and deadline, stars and case status."""
    given = {key: value for key, value in request.args.items() if value}
    given.setdefault("page_size", str(PAGE_SIZE))
    try:
        query = WorkspaceQuerySchema().load(given)
        errors = {}
    except ValidationError as error:
        errors = {key: " ".join(map(str, value)) for key, value in error.messages.items()}
        query = WorkspaceQuerySchema().load({"page_size": str(PAGE_SIZE)})
    page, page_size = query.pop("page"), query.pop("page_size")
    result = workspace.list_workspace(_actor(), workspace.WorkspaceFilters(**query), page, page_size)
    user = _actor()
    regencies = [
        regency
        for province, items in reference.regions_by_province()
        for regency in items
        if access.region_in_scope(user, regency.code)
    ]
    arguments = {key: value for key, value in request.args.items() if key != "page" and value}
    chosen_regency = user.region_code if user.role == "district" else query.get("regency")
    return render_template(
        "workspace/list.html",
        kecamatan=_kecamatan_choices([chosen_regency] if chosen_regency else []),
        kecamatan_names=reference.kecamatan_names(),
        result=result,
        query=query,
        errors=errors,
        arguments=arguments,
        regencies=regencies if user.role != "district" else [],
        commodities=[(code, word("commodity", code)) for code in COMMODITIES],
        levels=[(code, word("level", code)) for code in LEVELS],
        routes=[(code, word("route", code)) for code in ROUTES],
        sorts=[(code, str(text)) for code, text in SORT_WORDS.items()],
        programmes=[programme.code for programme in current_app.extensions["policy"].programmes],
        labels=labels,
        word=word,
        regency_names=reports.area_names("regency"),
    ), 422 if errors else 200


@bp.get("/ikm/<id:ikm_id>")
@login_required
def ikm_page(ikm_id: int):
    """One IKM: profile, latest assessment in plain words, history of assessments and cases."""
    overview = workspace.ikm_overview(_actor(), ikm_id)
    return render_template(
        "workspace/ikm.html",
        word=word,
        kecamatan_names=reference.kecamatan_names(),
        labels=labels,
        regency_names=reports.area_names("regency"),
        **overview,
    )


@bp.route("/propose", methods=["GET", "POST"])
@login_required
def propose():
    """Propose one IKM online, validated by the API's schema; it is assessed at once."""
    user = access.require_role(_actor(), frozenset({"district", "province", "admin"}))
    errors: dict = {}
    if request.method == "POST":
        profile = profile_from_form(request.form)
        for key in ("nib", "kecamatan_code"):
            if request.form.get(key, "").strip():
                profile[key] = request.form[key].strip()
        try:
            data = IkmProfileSchema().load(profile)
            access.require_region_access(user, data["region_code"])
            ikm = ikms.create_ikm(data)
            flash(_("The IKM is registered and assessed."), "info")
            return redirect(url_for("workspace_pages.ikm_page", ikm_id=ikm.id))
        except ValidationError as error:
            errors = labels.flatten_errors(error.messages)
        except DomainError as error:
            if error.status not in (403, 409):
                raise
            errors = field_errors(error) or {"nib": labels.pick(error.message)}
    regencies = [
        regency
        for province, items in reference.regions_by_province()
        for regency in items
        if access.region_in_scope(user, regency.code)
    ]
    # Kecamatan to choose from: those of the user's area (an admin types the code instead).
    kecamatan = _kecamatan_choices([regency.code for regency in regencies]) if user.role != "admin" else []
    return render_template(
        "workspace/propose.html",
        form=request.form,
        errors=errors,
        regencies=regencies,
        labels=labels,
        kecamatan=kecamatan,
        regency_names=reports.area_names("regency"),
    ), 422 if errors else 200
