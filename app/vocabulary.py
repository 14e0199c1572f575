"""Vocabulary and bounds of contract.md's IKM profile, shared by the API schema and the engine's validator.

Pure Python (no Flask, no marshmallow): `app/schemas/ikm.py` builds the marshmallow schema from these
values (the engine's batch validator, `app/engine/validation.py`, is compiled from that schema), so a
limit changes in one place. Reference code sets (regions, countries, HS 2022, certificate codes) live in
`app/reference.py`.
"""

from __future__ import annotations

import re
from datetime import date

# Legal forms of an IKM: sole proprietor, UD, CV, PT, cooperative, group.
LEGAL_FORMS = ("perorangan", "ud", "cv", "pt", "koperasi", "kelompok")
# Owner's gender as reported (or not) by the IKM.
OWNER_GENDERS = ("female", "male", "undisclosed")
# SLIK OJK collectibility 1–5, or no credit history.
CREDIT_STATUSES = ("current", "special_mention", "substandard", "doubtful", "loss", "none")
# Kinds of group an IKM belongs to (`group.kind`).
GROUP_KINDS = ("sentra", "cooperative", "village")
# Units of a product's monthly capacity.
CAPACITY_UNITS = ("kg", "ton", "pcs", "set", "m", "m2", "litre", "dozen", "kodi")
# The true/false fields of `practices`.
PRACTICE_FIELDS = ("bookkeeping", "bank_account", "email", "website", "marketplace")
# The commodities the service specialises in, and `other` (policy-v1 §1).
COMMODITIES = ("coffee", "cocoa", "spices", "crafts", "other")
# Size classes by PP 7/2021 (policy-v1 §1), smallest first.
SIZE_CLASSES = ("micro", "small", "medium", "large")
# Yes/no words accepted in CSV and spreadsheet cells (Bahasa Indonesia and English), lower case.
TRUE_WORDS = frozenset({"ya", "y", "yes", "true", "1", "benar", "ada", "x", "✓"})
FALSE_WORDS = frozenset({"tidak", "t", "no", "n", "false", "0", "salah", "tidak ada", "-"})

# List sizes.
MIN_PRODUCTS = 1  # a profile has at least one product
MAX_PRODUCTS = 50  # products per profile
MAX_CERTIFICATIONS = 100  # certificates per profile
MAX_TARGET_MARKETS = 30  # target markets per profile
MAX_EXPORT_MARKETS = 250  # export_history.markets per profile

# Bounds that keep numbers inside database integer types.
MAX_EMPLOYEES = 1_000_000  # employees and group.members
MAX_REVENUE_IDR = 10**16  # annual_revenue_idr
MAX_CAPACITY = 10**12  # products[].monthly_capacity (a finite number)
MAX_OVOP_STARS = 5  # OVOP rating 0–5
MIN_YEAR = 1900  # founded_year and last_export_year run from this year to the current year

# Text lengths, counted after trimming for the trimmed (clean) text fields.
NAME_MIN_LENGTH, NAME_MAX_LENGTH = 1, 200  # name
DESCRIPTION_MIN_LENGTH, DESCRIPTION_MAX_LENGTH = 1, 500  # products[].description
OWNER_NAME_MAX_LENGTH = 200  # owner_name (may be empty)
EMAIL_MAX_LENGTH = 254  # contact_email

# Patterns (matched from the start with `re.match`).
NIB_PATTERN = re.compile(r"^[0-9]{13}\Z")  # Nomor Induk Berusaha: 13 ASCII digits (\d takes any script)
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()-]{6,30}\Z")  # contact_phone
# Text no database or CSV file should hold: control characters other than tab, LF and CR (PostgreSQL
# refuses NUL outright) and unpaired surrogates (not encodable as UTF-8).
UNSAFE_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
HS_CODE_LENGTH = 6  # products[].hs_code: six digits that exist in HS 2022

# Profile fields that hold one plain value (no nested object or list), in the order of contract.md's table.
SCALAR_PROFILE_FIELDS = (
    "name",
    "nib",
    "legal_form",
    "region_code",
    "kecamatan_code",
    "founded_year",
    "founded_on",
    "employees",
    "annual_revenue_idr",
    "owner_gender",
    "owner_name",
    "contact_email",
    "contact_phone",
    "credit_status",
    "ovop_stars",
)


def founded_on_problem(founded_on: date, founded_year: int | None, as_of: date | None = None) -> str | None:
    """The one check of `founded_on` (policy v1.1 A7, contract.md), or None when it is right: a day from
    1 January MIN_YEAR to today, not after the assessment date, and in `founded_year` when both are given.
    The API schema (app/schemas) calls it; the batch validator, compiled from that schema, calls it too."""
    if not date(MIN_YEAR, 1, 1) <= founded_on <= date.today():
        return (
            f"Tanggal berdiri harus antara {MIN_YEAR}-01-01 dan hari ini. "
            f"/ founded_on must be between {MIN_YEAR}-01-01 and today."
        )
    if as_of is not None and founded_on > as_of:
        return "founded_on setelah as_of. / founded_on is after as_of."
    if founded_year is not None and founded_on.year != founded_year:
        return (
            f"founded_on ({founded_on.isoformat()}) tidak sesuai founded_year ({founded_year}). "
            f"/ founded_on ({founded_on.isoformat()}) does not agree with founded_year ({founded_year})."
        )
    return None
