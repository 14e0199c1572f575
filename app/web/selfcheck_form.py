"""Turn the self-check page's form fields into an IKM profile (contract.md) for the one schema to validate."""

from __future__ import annotations

from datetime import date

from babel.numbers import format_decimal
from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from app import reference
from app.profile_reader import PRODUCT_SLOTS, read_profile
from app.vocabulary import PRACTICE_FIELDS

FORM_PRODUCT_ROWS = PRODUCT_SLOTS  # the reader's product slots
# Markets offered as tick boxes: Indonesia's main coffee, cocoa, spice and craft destinations (domain §4.2),
# the EU members named there, and the Gulf (halal). Any other ISO code can be typed in.
COMMON_MARKETS = (
    "US",
    "JP",
    "DE",
    "NL",
    "BE",
    "IT",
    "FR",
    "GB",
    "CN",
    "MY",
    "SG",
    "KR",
    "IN",
    "AU",
    "EG",
    "SA",
    "AE",
)
# Fields typed as they are in the profile reader's flat layout (app.profile_reader.FLAT_FIELDS).
TEXT_FIELDS = (
    *("name", "legal_form", "region_code", "owner_gender", "credit_status", "group_kind"),
    *("founded_year", "employees", "annual_revenue_idr", "ovop_stars", "group_members", "last_export_year"),
)
# Certificate expiry dates a person can mean (0001-01-01 and 9999-12-31 are typing slips).
CERTIFICATE_YEARS = (2000, 2100)


def _text(form, key: str) -> str | None:
    """A trimmed text field, None when empty."""
    value = (form.get(key) or "").strip()
    return value or None


def profile_from_form(form, locale: str = "id") -> dict:
    """Build the profile dict from the posted form with the one profile reader (app.profile_reader), in the
    reader's locale; validation is the schema's job, not this function's."""
    values = {key: _text(form, key) for key in TEXT_FIELDS}
    for row in range(FORM_PRODUCT_ROWS):
        for field, key in (
            ("description", "description"),
            ("hs_code", "hs_code"),
            ("capacity", "monthly_capacity"),
            ("unit", "capacity_unit"),
        ):
            values[f"product_{row + 1}_{key}"] = _text(form, f"product_{row}_{field}")
    ticked = [code for code in reference.certification_codes() if form.get(f"cert_{code}")]
    values["certifications"] = ";".join(
        code + (f"@{until}" if (until := _text(form, f"cert_{code}_valid_until")) else "") for code in ticked
    )
    values["target_markets"] = [*form.getlist("market"), _text(form, "markets_other") or ""]
    values["buyer_contract_market"] = _text(form, "buyer_market")
    values["export_direct"] = bool(form.get("export_direct"))
    values["export_indirect"] = bool(form.get("export_indirect"))
    values["export_markets"] = [_text(form, "export_markets") or ""]
    for practice in PRACTICE_FIELDS:
        values[f"practice_{practice}"] = bool(form.get(f"practice_{practice}"))
    return read_profile(values, locale).profile


def as_of_from_form(form) -> tuple[date | None, str | None]:
    """The assessment date (today when empty), or an error message."""
    text = _text(form, "as_of")
    if text is None:
        return date.today(), None
    try:
        as_of = date.fromisoformat(text)
    except ValueError:
        return None, gettext("Not a valid date.")
    if not 2000 <= as_of.year <= 2100:
        return None, gettext("The date must be within the years 2000–2100.")
    return as_of, None


def certificate_date_errors(form) -> dict[str, str]:
    """Expiry dates of ticked certificates that cannot be meant (outside 2000–2100, or not a date)."""
    errors = {}
    low, high = CERTIFICATE_YEARS
    for code in reference.certification_codes():
        text = _text(form, f"cert_{code}_valid_until")
        if not (form.get(f"cert_{code}") and text):
            continue
        try:
            year = date.fromisoformat(text).year
        except ValueError:
            errors[f"cert_{code}_valid_until"] = gettext("Not a valid date.")
            continue
        if not low <= year <= high:
            errors[f"cert_{code}_valid_until"] = gettext(
                "A validity date between %(low)s and %(high)s, please.", low=low, high=high
            )
    return errors


def _plain(value) -> str | None:
    """A number written without grouping (years, counts), None when absent."""
    return None if value is None else str(value)


def form_from_profile(profile: dict, locale: str = "id") -> MultiDict:
    """The self-check form's fields filled from a stored profile (the owner's profile page), numbers written
    the reader's way so that sending the form back reads them as they were."""
    form = MultiDict()

    def put(key: str, value) -> None:
        if value is not None and value != "":
            form.add(key, value)

    def amount(value):
        return None if value is None else format_decimal(value, locale=locale)

    for key in ("name", "legal_form", "region_code", "owner_gender", "credit_status"):
        put(key, profile.get(key))
    for key in ("founded_year", "ovop_stars", "employees"):
        put(key, _plain(profile.get(key)))
    put("annual_revenue_idr", amount(profile.get("annual_revenue_idr")))
    for row, product in enumerate((profile.get("products") or [])[:FORM_PRODUCT_ROWS]):
        put(f"product_{row}_description", product.get("description"))
        put(f"product_{row}_hs_code", product.get("hs_code"))
        put(f"product_{row}_capacity", amount(product.get("monthly_capacity")))
        put(f"product_{row}_unit", product.get("capacity_unit"))
    for item in profile.get("certifications") or ():
        put(f"cert_{item['code']}", "1")
        put(f"cert_{item['code']}_valid_until", item.get("valid_until"))
    markets = profile.get("target_markets") or []
    for code in markets:
        if code in COMMON_MARKETS:
            form.add("market", code)
    put("markets_other", ", ".join(code for code in markets if code not in COMMON_MARKETS))
    group = profile.get("group") or {}
    put("group_kind", group.get("kind"))
    put("group_members", _plain(group.get("members")))
    put("buyer_market", (profile.get("buyer_contract") or {}).get("market"))
    history = profile.get("export_history") or {}
    put("export_direct", "1" if history.get("direct") else None)
    put("export_indirect", "1" if history.get("indirect") else None)
    put("export_markets", ", ".join(history.get("markets") or []))
    put("last_export_year", _plain(history.get("last_export_year")))
    for practice, value in (profile.get("practices") or {}).items():
        put(f"practice_{practice}", "1" if value else None)
    return form
