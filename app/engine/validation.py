"""Row validation for batch input against contract.md's profile table.

When the app's marshmallow `IkmProfileSchema` (app/schemas/ikm.py) is importable it is used, so the
rules live in one place; otherwise `validate_profile` below applies the same table. Both return
(profile, errors) where errors is a list of (dotted field path, message).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from datetime import date
from functools import cache, lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
LEGAL_FORMS = ("perorangan", "ud", "cv", "pt", "koperasi", "kelompok")
OWNER_GENDERS = ("female", "male", "undisclosed")
CREDIT_STATUSES = ("current", "special_mention", "substandard", "doubtful", "loss", "none")
GROUP_KINDS = ("sentra", "cooperative", "village")
CAPACITY_UNITS = ("kg", "ton", "pcs", "set", "m", "m2", "litre", "dozen", "kodi")
PRACTICE_FIELDS = ("bookkeeping", "bank_account", "email", "website", "marketplace")
NIB_PATTERN = re.compile(r"^\d{13}\Z")

Errors = list[tuple[str, str]]


@cache
def _codes(name: str, column: str) -> frozenset[str]:
    with (DATA_DIR / "reference" / name).open(encoding="utf-8", newline="") as handle:
        return frozenset(row[column] for row in csv.DictReader(handle) if row.get(column))


@lru_cache(maxsize=1)
def _hs6() -> frozenset[str]:
    with (DATA_DIR / "reference" / "hs2022.csv").open(encoding="utf-8", newline="") as handle:
        return frozenset(row["hscode"] for row in csv.DictReader(handle) if row["level"] == "6")


@lru_cache(maxsize=1)
def _certification_codes() -> frozenset[str]:
    document = yaml.safe_load((DATA_DIR / "policy" / "certifications.yaml").read_text(encoding="utf-8"))
    return frozenset(document["codes"])


def region_codes() -> frozenset[str]:
    """Kemendagri kabupaten/kota codes PP.KK from data/reference/kabupaten_kota.csv."""
    return _codes("kabupaten_kota.csv", "kode")


def country_codes() -> frozenset[str]:
    """ISO alpha-2 codes from data/reference/country_codes.csv."""
    return _codes("country_codes.csv", "iso2")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_profile(profile: object, today: date | None = None) -> tuple[dict | None, Errors]:
    """Check a profile against contract.md's table; return (profile, []) or (None, errors)."""
    if not isinstance(profile, dict):
        return None, [("_schema", "profile must be a JSON object")]
    errors: Errors = []
    this_year = (today or date.today()).year
    _identity(profile, errors.append)
    _year(profile, "founded_year", this_year, errors.append, "founded_year")
    _business(profile, errors.append)
    _products(profile.get("products"), errors.append)
    _certifications(profile.get("certifications"), errors.append)
    _countries(profile, "target_markets", 30, errors.append)
    _history(profile.get("export_history"), this_year, errors.append)
    buyer = profile.get("buyer_contract")
    if buyer is not None and (not isinstance(buyer, dict) or buyer.get("market") not in country_codes()):
        errors.append(("buyer_contract.market", "must be an ISO alpha-2 code from the reference list"))
    _booleans(profile.get("practices"), "practices", PRACTICE_FIELDS, errors.append)
    return (None, errors) if errors else (profile, [])


def _identity(profile: dict, add) -> None:
    """name, nib, legal form and region code."""
    name = profile.get("name")
    if not isinstance(name, str) or not 1 <= len(name.strip()) <= 200:
        add(("name", "required, 1-200 characters"))
    nib = profile.get("nib")
    if nib is not None and not (isinstance(nib, str) and NIB_PATTERN.match(nib)):
        add(("nib", "must be 13 digits"))
    _one_of(profile, "legal_form", LEGAL_FORMS, add)
    region = profile.get("region_code")
    if region is None:
        add(("region_code", "required"))
    elif region not in region_codes():
        add(("region_code", f"{region!r} is not a Kemendagri kabupaten/kota code PP.KK"))


def _business(profile: dict, add) -> None:
    """Counts, owner, credit status, group and OVOP stars."""
    for key in ("employees", "annual_revenue_idr"):
        value = profile.get(key)
        if value is not None and not (_is_int(value) and value >= 0):
            add((key, "must be an integer >= 0"))
    _one_of(profile, "owner_gender", OWNER_GENDERS, add)
    _one_of(profile, "credit_status", CREDIT_STATUSES, add)
    group = profile.get("group")
    if group is not None:
        if not isinstance(group, dict):
            add(("group", "must be an object"))
        else:
            _one_of(group, "kind", GROUP_KINDS, add, "group.kind", required=True)
            members = group.get("members")
            if not (_is_int(members) and members >= 0):
                add(("group.members", "must be an integer >= 0"))
    stars = profile.get("ovop_stars")
    if stars is not None and not (_is_int(stars) and 0 <= stars <= 5):
        add(("ovop_stars", "must be an integer 0-5"))


def _history(history, this_year: int, add) -> None:
    """export_history: direct, indirect, markets, last export year."""
    if history is None:
        return
    if not isinstance(history, dict):
        add(("export_history", "must be an object"))
        return
    _booleans(history, "export_history", ("direct", "indirect"), add)
    _countries(history, "markets", 250, add, "export_history.markets")
    _year(history, "last_export_year", this_year, add, "export_history.last_export_year")


def _booleans(mapping, path: str, keys, add) -> None:
    """Optional true/false fields of an optional object."""
    if mapping is None:
        return
    if not isinstance(mapping, dict):
        add((path, "must be an object"))
        return
    for key in keys:
        if mapping.get(key) is not None and not isinstance(mapping[key], bool):
            add((f"{path}.{key}", "must be true or false"))


def _one_of(mapping, key, allowed, add, path=None, required=False) -> None:
    value = mapping.get(key)
    if value is None:
        if required:
            add((path or key, "required"))
        return
    if value not in allowed:
        add((path or key, f"must be one of {', '.join(allowed)}"))


def _year(mapping, key, this_year, add, path) -> None:
    value = mapping.get(key)
    if value is not None and not (_is_int(value) and 1900 <= value <= this_year):
        add((path, f"must be a year 1900-{this_year}"))


def _countries(mapping, key, limit, add, path=None) -> None:
    values = mapping.get(key)
    if values is None:
        return
    path = path or key
    if not isinstance(values, list) or len(values) > limit:
        add((path, f"must be a list of at most {limit} ISO alpha-2 codes"))
        return
    known = country_codes()
    for position, value in enumerate(values):
        if value not in known:
            add((f"{path}.{position}", f"{value!r} is not an ISO alpha-2 code from the reference list"))


def _products(products, add) -> None:
    if not isinstance(products, list) or not 1 <= len(products) <= 50:
        add(("products", "required, 1-50 items"))
        return
    for position, product in enumerate(products):
        path = f"products.{position}"
        if not isinstance(product, dict):
            add((path, "must be an object"))
            continue
        description = product.get("description")
        if not isinstance(description, str) or not description.strip():
            add((f"{path}.description", "required"))
        hs_code = product.get("hs_code")
        if hs_code is not None and hs_code not in _hs6():
            add((f"{path}.hs_code", f"{hs_code!r} is not a 6-digit HS 2022 code"))
        capacity = product.get("monthly_capacity")
        if capacity is not None and (
            isinstance(capacity, bool) or not isinstance(capacity, (int, float)) or capacity < 0
        ):
            add((f"{path}.monthly_capacity", "must be a number >= 0"))
        unit = product.get("capacity_unit")
        if unit is not None and unit not in CAPACITY_UNITS:
            add((f"{path}.capacity_unit", f"must be one of {', '.join(CAPACITY_UNITS)}"))


def _certifications(certifications, add) -> None:
    if certifications is None:
        return
    if not isinstance(certifications, list):
        add(("certifications", "must be a list"))
        return
    codes = _certification_codes()
    for position, item in enumerate(certifications):
        path = f"certifications.{position}"
        if not isinstance(item, dict) or item.get("code") not in codes:
            add((f"{path}.code", "unknown certification code (policy-v1 §2)"))
            continue
        valid_until = item.get("valid_until")
        if valid_until is not None:
            try:
                date.fromisoformat(valid_until)
            except (TypeError, ValueError):
                add((f"{path}.valid_until", "must be an ISO date YYYY-MM-DD"))


def _flatten_messages(messages, prefix: str = "") -> Errors:
    """Marshmallow's nested error dict as (dotted path, message) pairs."""
    flat: Errors = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            flat.extend(_flatten_messages(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(messages, list) and all(isinstance(item, str) for item in messages):
        flat.extend((prefix or "_schema", message) for message in messages)
    else:
        flat.append((prefix or "_schema", str(messages)))
    return flat


def schema_validator() -> Callable[[object], tuple[dict | None, Errors]] | None:
    """A validator built on app.schemas.ikm.IkmProfileSchema when that module can be imported."""
    try:
        from marshmallow import ValidationError

        from app.schemas.ikm import IkmProfileSchema
    except ImportError:
        return None
    schema = IkmProfileSchema()

    def validate(profile: object) -> tuple[dict | None, Errors]:
        if not isinstance(profile, dict):
            return None, [("_schema", "profile must be a JSON object")]
        try:
            return schema.load(profile), []
        except ValidationError as error:
            return None, _flatten_messages(error.messages)

    return validate


def row_validator() -> Callable[[object], tuple[dict | None, Errors]]:
    """The marshmallow schema validator when available, else the engine's own table check."""
    return schema_validator() or validate_profile
