"""Policy look-ups: requirements per product and market, and the programme catalogue."""

from __future__ import annotations

from datetime import date

from flask import current_app

from app import reference
from app.engine import programme_catalogue, requirements_for
from app.errors import InvalidInput
from app.reference import product_class_of


def current_policy():
    """The policy loaded at boot."""
    return current_app.extensions["policy"]


def requirements_view(hs_code: str, market: str, as_of: date | None, size_class: str | None) -> dict:
    """The requirements a product faces in a market on a date (for one size class, or all)."""
    errors = {}
    if hs_code not in reference.hs6_descriptions():
        errors["hs_code"] = [
            f"Kode HS {hs_code} tidak ada di HS 2022. / HS code {hs_code} is not in HS 2022."
        ]
    if market not in reference.country_codes():
        errors["market"] = [f"Kode negara {market!r} tidak dikenal. / Unknown country code {market!r}."]
    if errors:
        raise InvalidInput("Input failed validation / Data tidak valid.", errors={"query": errors})
    as_of = as_of or date.today()
    product_class = product_class_of(hs_code)
    return {
        "hs_code": hs_code,
        "market": market,
        "as_of": as_of,
        "size_class": size_class,
        "product_class": product_class.name,
        "commodity": product_class.commodity,
        "requirements": requirements_for(hs_code, market, as_of, size_class, current_policy()),
    }


def programmes_view() -> dict:
    """The LPEI programme catalogue with criteria, terms and sources."""
    policy = current_policy()
    return {"policy_version": policy.label, "programmes": programme_catalogue(policy)}
