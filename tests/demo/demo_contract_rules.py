"""A strict, independent checker of contract.md's IKM profile table, used by the demo generator tests.

It reads the reference data itself (not through the generator) and follows the table line by line.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "data" / "reference"

# policy-v1 §2: the certification and requirement codes (stable API vocabulary).
POLICY_CERTIFICATION_CODES = frozenset(
    {
        "NIB", "NPWP", "PIRT", "BPOM_MD", "HALAL", "SNI", "HACCP", "ISO22000", "ORGANIC", "FAIRTRADE",
        "RAINFOREST", "GI", "SVLK", "EUDR_GEO", "FDA_FFR", "GACC", "LAB_OTA", "LAB_CADMIUM", "LAB_AFLATOXIN",
        "REACH_METALS", "EXPORT_TRAINING",
    }
)  # fmt: skip
LEGAL_FORMS = frozenset({"perorangan", "ud", "cv", "pt", "koperasi", "kelompok"})
OWNER_GENDERS = frozenset({"female", "male", "undisclosed"})
CREDIT_STATUSES = frozenset({"current", "special_mention", "substandard", "doubtful", "loss", "none"})
GROUP_KINDS = frozenset({"sentra", "cooperative", "village"})
# The fields of contract.md's example; the API rejects anything else.
PROFILE_FIELDS = frozenset(
    {
        "name", "nib", "legal_form", "region_code", "founded_year", "employees", "annual_revenue_idr",
        "owner_gender", "credit_status", "group", "ovop_stars", "products", "certifications",
        "export_history", "target_markets", "buyer_contract", "practices",
    }
)  # fmt: skip
PRODUCT_FIELDS = frozenset({"description", "hs_code", "monthly_capacity", "capacity_unit"})
EXPORT_HISTORY_FIELDS = frozenset({"direct", "indirect", "markets", "last_export_year"})
PRACTICE_FIELDS = frozenset({"bookkeeping", "bank_account", "email", "website", "marketplace"})
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")


def _rows(name: str) -> list[dict[str, str]]:
    """Rows of one reference CSV file."""
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def regency_codes() -> frozenset[str]:
    """Kemendagri kabupaten/kota codes PP.KK from the reference data."""
    return frozenset(row["kode"] for row in _rows("kabupaten_kota.csv"))


@lru_cache(maxsize=1)
def hs6_codes() -> frozenset[str]:
    """Six-digit HS 2022 codes from the reference data."""
    return frozenset(row["hscode"] for row in _rows("hs2022.csv") if row["level"] == "6")


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes from the reference country list."""
    return frozenset(row["iso2"] for row in _rows("country_codes.csv") if row["iso2"])


def _is_int(value) -> bool:
    """A real integer (booleans are not integers here)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _check_year(errors: list[str], path: str, value) -> None:
    """1900 … the current year."""
    if not _is_int(value) or not 1900 <= value <= dt.date.today().year:
        errors.append(f"{path}: year {value!r} not in 1900..{dt.date.today().year}")


def _check_country(errors: list[str], path: str, value) -> None:
    """An ISO alpha-2 code that exists in the reference country list."""
    if not isinstance(value, str) or value not in country_codes():
        errors.append(f"{path}: {value!r} is not an ISO2 code of the reference list")


def contract_violations(profile: dict) -> list[str]:  # noqa: C901 — one branch per line of the table
    """Every rule of contract.md's profile table that `profile` breaks (empty list = valid)."""
    errors: list[str] = []
    if not isinstance(profile, dict):
        return ["profile is not an object"]
    unknown = set(profile) - PROFILE_FIELDS
    if unknown:
        errors.append(f"unknown fields {sorted(unknown)}")

    # name: required, 1–200 characters
    name = profile.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= 200 or not name.strip():
        errors.append(f"name: {name!r} not 1–200 characters")
    elif name != name.strip() or any(ord(char) < 32 for char in name):
        errors.append(f"name: {name!r} has surrounding spaces or control characters")
    # nib: optional, 13 digits
    if "nib" in profile and not (isinstance(profile["nib"], str) and re.fullmatch(r"\d{13}", profile["nib"])):
        errors.append(f"nib: {profile['nib']!r} is not 13 digits")
    # legal_form: one of the six
    if "legal_form" in profile and profile["legal_form"] not in LEGAL_FORMS:
        errors.append(f"legal_form: {profile['legal_form']!r}")
    # region_code: required, an existing Kemendagri PP.KK
    region = profile.get("region_code")
    if not (isinstance(region, str) and re.fullmatch(r"\d{2}\.\d{2}", region) and region in regency_codes()):
        errors.append(f"region_code: {region!r} is not an existing kabupaten/kota PP.KK")
    # founded_year: 1900 … current year; may be omitted
    if "founded_year" in profile:
        _check_year(errors, "founded_year", profile["founded_year"])
    # employees, annual_revenue_idr: integers ≥ 0
    for key in ("employees", "annual_revenue_idr"):
        if key in profile and not (_is_int(profile[key]) and profile[key] >= 0):
            errors.append(f"{key}: {profile[key]!r} is not an integer ≥ 0")
    # owner_gender, credit_status
    if "owner_gender" in profile and profile["owner_gender"] not in OWNER_GENDERS:
        errors.append(f"owner_gender: {profile['owner_gender']!r}")
    if "credit_status" in profile and profile["credit_status"] not in CREDIT_STATUSES:
        errors.append(f"credit_status: {profile['credit_status']!r}")
    # group: optional {kind, members int ≥ 0}
    if "group" in profile:
        group = profile["group"]
        if not isinstance(group, dict) or set(group) != {"kind", "members"}:
            errors.append(f"group: {group!r} is not {{kind, members}}")
        elif group["kind"] not in GROUP_KINDS or not (_is_int(group["members"]) and group["members"] >= 0):
            errors.append(f"group: {group!r}")
    # ovop_stars: 0–5
    if "ovop_stars" in profile and not (_is_int(profile["ovop_stars"]) and 0 <= profile["ovop_stars"] <= 5):
        errors.append(f"ovop_stars: {profile['ovop_stars']!r}")
    # products: 1–50; description required; hs_code optional, 6 digits existing in HS 2022
    products = profile.get("products")
    if not isinstance(products, list) or not 1 <= len(products) <= 50:
        errors.append("products: not a list of 1–50 items")
        products = []
    for index, product in enumerate(products):
        path = f"products.{index}"
        if not isinstance(product, dict) or set(product) - PRODUCT_FIELDS:
            errors.append(f"{path}: unknown fields or not an object")
            continue
        description = product.get("description")
        if not isinstance(description, str) or not description.strip():
            errors.append(f"{path}.description: required")
        if "hs_code" in product:
            code = product["hs_code"]
            if not (isinstance(code, str) and re.fullmatch(r"\d{6}", code) and code in hs6_codes()):
                errors.append(f"{path}.hs_code: {code!r} is not a 6-digit HS 2022 code")
        capacity = product.get("monthly_capacity")
        if capacity is not None and not (_is_int(capacity) and capacity >= 0):
            errors.append(f"{path}.monthly_capacity: {capacity!r}")
        if "capacity_unit" in product and not isinstance(product["capacity_unit"], str):
            errors.append(f"{path}.capacity_unit: {product['capacity_unit']!r}")
    # certifications: codes from policy-v1 §2; valid_until optional ISO date
    certifications = profile.get("certifications", [])
    if not isinstance(certifications, list):
        errors.append("certifications: not a list")
        certifications = []
    for index, item in enumerate(certifications):
        path = f"certifications.{index}"
        if not isinstance(item, dict) or set(item) - {"code", "valid_until"}:
            errors.append(f"{path}: unknown fields or not an object")
            continue
        if item.get("code") not in POLICY_CERTIFICATION_CODES:
            errors.append(f"{path}.code: {item.get('code')!r} is not a policy-v1 §2 code")
        if "valid_until" in item:
            value = item["valid_until"]
            try:
                valid = (
                    isinstance(value, str) and bool(ISO_DATE.match(value)) and dt.date.fromisoformat(value)
                )
            except ValueError:
                valid = False
            if not valid:
                errors.append(f"{path}.valid_until: {value!r} is not an ISO date")
    # target_markets: 0–30 ISO2 codes of the reference list
    targets = profile.get("target_markets", [])
    if not isinstance(targets, list) or len(targets) > 30:
        errors.append("target_markets: not a list of 0–30 codes")
        targets = []
    for index, code in enumerate(targets):
        _check_country(errors, f"target_markets.{index}", code)
    # buyer_contract: optional {market: ISO2}
    if "buyer_contract" in profile:
        contract = profile["buyer_contract"]
        if not isinstance(contract, dict) or set(contract) != {"market"}:
            errors.append(f"buyer_contract: {contract!r}")
        else:
            _check_country(errors, "buyer_contract.market", contract["market"])
    # export_history and practices (shape of contract.md's example)
    if "export_history" in profile:
        history = profile["export_history"]
        if not isinstance(history, dict) or set(history) - EXPORT_HISTORY_FIELDS:
            errors.append(f"export_history: {history!r}")
        else:
            for key in ("direct", "indirect"):
                if key in history and not isinstance(history[key], bool):
                    errors.append(f"export_history.{key}: {history[key]!r}")
            for index, code in enumerate(history.get("markets", [])):
                _check_country(errors, f"export_history.markets.{index}", code)
            if "last_export_year" in history:
                _check_year(errors, "export_history.last_export_year", history["last_export_year"])
    if "practices" in profile:
        practices = profile["practices"]
        if not isinstance(practices, dict) or set(practices) - PRACTICE_FIELDS:
            errors.append(f"practices: {practices!r}")
        elif not all(isinstance(value, bool) for value in practices.values()):
            errors.append(f"practices: {practices!r} has non-boolean values")
    return errors
