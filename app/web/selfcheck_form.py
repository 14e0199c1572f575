"""Turn the self-check page's form fields into an IKM profile (contract.md) for the one schema to validate."""

from __future__ import annotations

import re
from datetime import date

from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from app import reference
from app.services.import_files import parse_number
from app.vocabulary import PRACTICE_FIELDS

FORM_PRODUCT_ROWS = 3
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
# Certificate expiry dates a person can mean (0001-01-01 and 9999-12-31 are typing slips).
CERTIFICATE_YEARS = (2000, 2100)


def _text(form, key: str) -> str | None:
    """A trimmed text field, None when empty."""
    value = (form.get(key) or "").strip()
    return value or None


def read_number(text: str | None, integer: bool, locale: str = "id"):
    """A number typed the reader's way; text that is not one (or "1,5" for a whole number) is passed on.

    In Indonesian "20.000" is twenty thousand and "1,5" one and a half, exactly as the bulk import reads
    cells; in English "20,000" and "1.5". The schema then says what is wrong with anything passed on.
    """
    if text is None:
        return None
    if locale == "id":
        return parse_number(text, integer)
    try:
        value = parse_decimal(text.replace("Rp", "").replace("IDR", "").strip(), locale=locale, strict=True)
    except NumberFormatError:
        return text
    if integer:
        return int(value) if value == int(value) else text
    return float(value)


def _integer(form, key: str, locale: str):
    """A whole number field read in the reader's locale."""
    return read_number(_text(form, key), True, locale)


def _number(form, key: str, locale: str):
    """A decimal number field read in the reader's locale."""
    return read_number(_text(form, key), False, locale)


def _codes(text: str | None) -> list[str]:
    """ISO codes typed as 'SA, AE qa' → ['SA', 'AE', 'QA']."""
    return [code.upper() for code in re.split(r"[\s,;]+", text or "") if code]


def _products(form, locale: str) -> list[dict]:
    """The product rows that have something in them."""
    products = []
    for row in range(FORM_PRODUCT_ROWS):
        product = {
            "description": _text(form, f"product_{row}_description"),
            "hs_code": _text(form, f"product_{row}_hs_code"),
            "monthly_capacity": _number(form, f"product_{row}_capacity", locale),
            "capacity_unit": _text(form, f"product_{row}_unit"),
        }
        if any(value is not None for value in product.values()):
            products.append({key: value for key, value in product.items() if value is not None})
    return products


def _certifications(form) -> list[dict]:
    """Ticked certificates, each with its expiry date when one was given."""
    items = []
    for code in reference.certification_codes():
        if form.get(f"cert_{code}"):
            item = {"code": code}
            valid_until = _text(form, f"cert_{code}_valid_until")
            if valid_until:
                item["valid_until"] = valid_until
            items.append(item)
    return items


def profile_from_form(form, locale: str = "id") -> dict:
    """Build the profile dict from the posted form (validation is the schema's job, not this function's)."""
    profile = {
        "name": _text(form, "name"),
        "legal_form": _text(form, "legal_form"),
        "region_code": _text(form, "region_code"),
        "founded_year": _integer(form, "founded_year", locale),
        "employees": _integer(form, "employees", locale),
        "annual_revenue_idr": _integer(form, "annual_revenue_idr", locale),
        "owner_gender": _text(form, "owner_gender"),
        "credit_status": _text(form, "credit_status"),
        "ovop_stars": _integer(form, "ovop_stars", locale),
        "products": _products(form, locale),
        "certifications": _certifications(form),
        "target_markets": list(dict.fromkeys(form.getlist("market") + _codes(_text(form, "markets_other")))),
        "practices": {practice: bool(form.get(f"practice_{practice}")) for practice in PRACTICE_FIELDS},
    }
    if _text(form, "group_kind"):
        profile["group"] = {
            "kind": _text(form, "group_kind"),
            "members": _integer(form, "group_members", locale),
        }
    if _text(form, "buyer_market"):
        profile["buyer_contract"] = {"market": _text(form, "buyer_market").upper()}
    direct, indirect = bool(form.get("export_direct")), bool(form.get("export_indirect"))
    history = {"direct": direct, "indirect": indirect, "markets": _codes(_text(form, "export_markets"))}
    last_year = _integer(form, "last_export_year", locale)
    if last_year is not None:
        history["last_export_year"] = last_year
    profile["export_history"] = history
    return {key: value for key, value in profile.items() if value is not None}


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
