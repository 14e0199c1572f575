"""The one reader of person-typed profile values: the self-check form, the bulk import and the CLI's CSV.

Each of them names its values by the flat fields of `FLAT_FIELDS` (the import template's column names:
`founded_year`, `product_1_monthly_capacity`, `practice_email`, …) and hands them to `read_profile`, which
reads every value by its kind — yes/no words in Bahasa Indonesia and English, numbers written the reader's
way ("20.000" in Indonesian, "20,000" in English), dates (ISO, DD/MM/YYYY, Excel), lists of codes — and
puts it at its place in a contract.md profile. Validation is the schema's (`app/schemas/ikm.py`): a value
that cannot be read is passed on as typed, so the schema's 422 names the field; with `strict=True` (the
CLI) it is refused at once as a `ReadError` naming the profile field.

Pure Python (no Flask): the CLI and the engine's tests can use it anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.vocabulary import FALSE_WORDS, PRACTICE_FIELDS, SCALAR_PROFILE_FIELDS, TRUE_WORDS

PRODUCT_SLOTS = 3  # product_1_* … product_3_* (the form and the template); `products` holds any number
CERTIFICATE_SLOTS = 3  # cert_1_* … cert_3_*
PRODUCT_KEYS = ("description", "hs_code", "monthly_capacity", "capacity_unit")
# Excel date serial numbers taken as dates: five digits, 1927-05-18 … 2173-10-14 (a bare year is not one).
EXCEL_SERIAL_RANGE = (10_000, 99_999)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")
DAY_FIRST_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\Z")
GROUPED_THOUSANDS = re.compile(r"^\d{1,3}([.,])\d{3}(\1\d{3})*\Z")
CODE_SEPARATORS = re.compile(r"[\s,;]+")


class ReadError(ValueError):
    """A value that cannot be read (strict reading only), with the profile field it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


# --- one value ------------------------------------------------------------------------------------------


def read_text(value) -> str | None:
    """A value as trimmed text; whole numbers without ".0"; dates as ISO; None when empty."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def read_number(value, integer: bool, locale: str = "id"):
    """A number typed the reader's way; what is not one (or "1,5" for a whole number) is passed on as typed.

    Indonesian (and spreadsheet cells): "4.200.000.000" and "4,200,000,000" are 4200000000, "1,5" and
    "1.5" are 1.5, "Rp 2.000.000" is 2000000. English: "20,000" and "1.5" (babel's reading).
    """
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return int(value) if integer and float(value).is_integer() else value
    if isinstance(value, str) and value.isascii() and value.isdigit():  # the common case: plain digits
        return int(value) if integer else float(value)
    if locale != "id":
        return _read_locale_number(str(value), integer, locale)
    text = re.sub(r"^(rp\.?|idr)\s*", "", str(value).strip(), flags=re.IGNORECASE)
    text = text.replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if GROUPED_THOUSANDS.match(text):
        number = text.replace(".", "").replace(",", "")
    elif "." in text and "," in text:  # the last separator is the decimal one
        decimal = "." if text.rfind(".") > text.rfind(",") else ","
        number = text.replace("," if decimal == "." else ".", "").replace(decimal, ".")
    else:
        number = text.replace(",", ".")
    try:
        parsed = float(number)
    except ValueError:
        return str(value).strip()
    if integer:
        return int(parsed) if parsed.is_integer() else str(value).strip()
    return parsed


def _read_locale_number(text: str, integer: bool, locale: str):
    """A number in another locale's writing (babel), else the text."""
    from babel.numbers import NumberFormatError, parse_decimal

    try:
        value = parse_decimal(text.replace("Rp", "").replace("IDR", "").strip(), locale=locale, strict=True)
    except NumberFormatError:
        return text
    if integer:
        return int(value) if value == int(value) else text
    return float(value)


def read_date(value):
    """An ISO date from a date, an Excel serial number, ISO text or day-first DD/MM/YYYY; else the text."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        if EXCEL_SERIAL_RANGE[0] <= value <= EXCEL_SERIAL_RANGE[1]:
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date().isoformat()
        return str(value)
    text = read_text(value)
    if text is None:
        return None
    if ISO_DATE.match(text):  # the common case: already ISO
        return text
    match = DAY_FIRST_DATE.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return text
    if re.match(r"^\d{5}(\.0+)?\Z", text):  # a serial number exported as text
        return read_date(float(text))
    return text[:10] if re.match(r"^\d{4}-\d{2}-\d{2}[ T]", text) else text


def read_bool(value):
    """Yes/no in Bahasa Indonesia or English (vocabulary.TRUE_WORDS/FALSE_WORDS), 1/0, TRUE/FALSE; else
    the text."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return bool(value) if value in (0, 1) else value
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return text or None


def read_codes(value) -> list[str] | None:
    """Codes separated by ",", ";" or spaces, in upper case ('SA, AE qa' → ['SA', 'AE', 'QA']); None when
    empty."""
    if isinstance(value, list):  # several fields of codes (the form's ticked markets and a typed list)
        return list(dict.fromkeys(code for item in value for code in read_codes(item) or ()))
    text = read_text(value)
    if text is None:
        return None
    return list(dict.fromkeys(code.upper() for code in CODE_SEPARATORS.split(text) if code))


def read_code(value, name: str, excel_number: bool = False) -> str | None:
    """A code as text: upper case for codes and markets; leading zeros Excel dropped put back (HS codes of
    chapters 01–09, a numeric NIB)."""
    text = read_text(value)
    if text is None:
        return None
    if not text.isdigit():
        return text.upper() if name.endswith(("_code", "market")) else text
    if name.endswith("hs_code") and len(text) == 5:
        return text.zfill(6)
    if name == "nib" and excel_number and len(text) == 12:
        return text.zfill(13)
    return text


def read_products(value) -> list[dict] | None:
    """A products column: items separated by ";", each `hs_code|description|monthly_capacity|capacity_unit`
    (trailing parts may be left out), e.g. `090111|Kopi gayo|20000|kg`."""
    text = read_text(value)
    if text is None:
        return None
    products = []
    for item in (part.strip() for part in text.split(";")):
        if not item:
            continue
        parts = [part.strip() for part in item.split("|")] + [""] * 3
        products.append(
            {"hs_code": parts[0] or None, "description": parts[1], "monthly_capacity": parts[2] or None}
            | ({"capacity_unit": parts[3]} if parts[3] else {})
        )
    return products


def read_certifications(value) -> list[dict] | None:
    """A certifications column: items separated by ";" or ",", each `CODE` or `CODE@YYYY-MM-DD` (valid
    until, read as a date), e.g. `NIB;ORGANIC@2027-08-01`."""
    text = read_text(value)
    if text is None:
        return None
    certifications = []
    for item in re.split(r"[;,]", text):
        code, _, valid_until = (part.strip() for part in item.partition("@"))
        if code or valid_until:
            until = read_date(valid_until) if valid_until else None
            certifications.append({"code": code.upper()} | ({"valid_until": until} if until else {}))
    return certifications


READERS = {
    "text": lambda value, name, locale: read_text(value),
    "choice": lambda value, name, locale: (read_text(value) or "").lower() or None,
    "code": lambda value, name, locale: read_code(value, name, excel_number=isinstance(value, int | float)),
    "region": lambda value, name, locale: f"{value:.2f}" if isinstance(value, float) else read_text(value),
    "integer": lambda value, name, locale: read_number(value, True, locale),
    "decimal": lambda value, name, locale: read_number(value, False, locale),
    "year": lambda value, name, locale: (
        value.year if isinstance(value, datetime | date) else read_number(value, True, locale)
    ),
    "date": lambda value, name, locale: read_date(value),
    "bool": lambda value, name, locale: read_bool(value),
    "codes": lambda value, name, locale: read_codes(value),
    "products": lambda value, name, locale: read_products(value),
    "certifications": lambda value, name, locale: read_certifications(value),
}


# --- the flat fields and where they go ------------------------------------------------------------------


@dataclass(frozen=True)
class FlatField:
    """A flat field: its name, the kind of value it holds and its path in the profile."""

    name: str
    kind: str
    path: tuple


def _flat_fields() -> tuple[FlatField, ...]:
    scalar_kinds = {
        "nib": "code",
        "legal_form": "choice",
        "region_code": "region",
        "kecamatan_code": "code",
        "contact_phone": "code",
        "founded_year": "year",
        "founded_on": "date",
        "employees": "integer",
        "annual_revenue_idr": "integer",
        "owner_gender": "choice",
        "credit_status": "choice",
        "ovop_stars": "integer",
    }
    found = [FlatField(name, scalar_kinds.get(name, "text"), (name,)) for name in SCALAR_PROFILE_FIELDS]
    found += [
        FlatField("group_kind", "choice", ("group", "kind")),
        FlatField("group_members", "integer", ("group", "members")),
        FlatField("products", "products", ("products",)),
    ]
    product_kinds = {
        "description": "text",
        "hs_code": "code",
        "monthly_capacity": "decimal",
        "capacity_unit": "choice",
    }
    for slot in range(1, PRODUCT_SLOTS + 1):
        found += [
            FlatField(f"product_{slot}_{key}", product_kinds[key], ("products", slot, key))
            for key in PRODUCT_KEYS
        ]
    found.append(FlatField("certifications", "certifications", ("certifications",)))
    for slot in range(1, CERTIFICATE_SLOTS + 1):
        found += [
            FlatField(f"cert_{slot}_code", "code", ("certifications", slot, "code")),
            FlatField(f"cert_{slot}_valid_until", "date", ("certifications", slot, "valid_until")),
        ]
    found += [
        FlatField("export_direct", "bool", ("export_history", "direct")),
        FlatField("export_indirect", "bool", ("export_history", "indirect")),
        FlatField("export_markets", "codes", ("export_history", "markets")),
        FlatField("last_export_year", "year", ("export_history", "last_export_year")),
        FlatField("target_markets", "codes", ("target_markets",)),
        FlatField("buyer_contract_market", "code", ("buyer_contract", "market")),
    ]
    found += [FlatField(f"practice_{key}", "bool", ("practices", key)) for key in PRACTICE_FIELDS]
    return tuple(found)


FLAT_FIELDS: tuple[FlatField, ...] = _flat_fields()
FLAT_BY_NAME = {flat.name: flat for flat in FLAT_FIELDS}


def read_value(name: str, value, locale: str = "id"):
    """One flat field's value read by its kind (None when empty; a list of fields is read as one)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return READERS[FLAT_BY_NAME[name].kind](value, name, locale)


@dataclass
class ReadProfile:
    """A profile read from flat values (not yet validated), and the flat field behind each profile path."""

    profile: dict
    sources: dict[tuple, str] = field(default_factory=dict)


def _put(profile: dict, path: tuple, value) -> None:
    node = profile
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


def _strict_field(flat: FlatField, value) -> str | None:
    """The message when a strictly read value is not of its kind (the CLI refuses the row)."""
    if flat.kind in ("integer", "year") and not isinstance(value, int):
        return f"{value!r} is not an integer"
    if flat.kind == "decimal" and not isinstance(value, int | float):
        return f"{value!r} is not a number"
    if flat.kind == "bool" and not isinstance(value, bool):
        return f"{value!r} is not true or false"
    return None


# The flat fields of the product and certificate slots, and the sources of fields not given (error columns).
SLOT_FIELDS = {
    "products": frozenset(f.name for f in FLAT_FIELDS if f.name.startswith("product_")),
    "certifications": frozenset(f.name for f in FLAT_FIELDS if f.name.startswith("cert_")),
}
DEFAULT_SOURCES = {
    **{f.path: f.name for f in FLAT_FIELDS if f.path[0] in ("export_history", "practices")},
    ("group", "kind"): "group_kind",
    ("target_markets",): "target_markets",
}


def read_profile(
    values: Mapping[str, Any], locale: str = "id", strict: bool = False, sources: bool = False
) -> ReadProfile:
    """The contract.md profile of flat values named by FLAT_FIELDS; a value that is None is not given.

    Product and certificate slots that are empty are skipped (the list closes up); `products` and
    `certifications` columns come before the slots. `strict`: a number or yes/no that cannot be read
    raises ReadError naming the profile field (`founded_year`, `products.0.monthly_capacity`).
    `sources`: also note the flat field behind every profile path (the import names columns in errors).
    """
    profile: dict = {}
    found: dict[tuple, str] = dict(DEFAULT_SOURCES) if sources else {}
    read = {}
    for name, raw in values.items():
        flat = FLAT_BY_NAME.get(name)
        if flat is None or raw is None or raw == "" or (type(raw) is str and raw.isspace()):
            continue
        read[name] = value = READERS[flat.kind](raw, name, locale)
        if value is None or flat.path[0] in SLOT_FIELDS:
            continue
        if strict and (message := _strict_field(flat, value)):
            raise ReadError(".".join(flat.path), message)
        if len(flat.path) == 1:
            profile[name] = value
        else:
            _put(profile, flat.path, value)
        found[flat.path] = name
    if "group" in profile:
        profile["group"].setdefault("kind", None)  # members without a kind: the schema names `group.kind`
    profile["products"] = _read_list("products", read, values, found if sources else None, strict)
    certifications = _read_list("certifications", read, values, found if sources else None, strict)
    if certifications:
        profile["certifications"] = certifications
    return ReadProfile(profile, found)


def _read_list(key: str, read: dict, values: Mapping, sources: dict | None, strict: bool) -> list[dict]:
    """products or certifications: the list column's items, then the filled slots (the list closes up)."""
    columns = PRODUCT_KEYS if key == "products" else ("code", "valid_until")
    prefix, slots = ("product", PRODUCT_SLOTS) if key == "products" else ("cert", CERTIFICATE_SLOTS)
    found: list[dict] = [
        _checked_item(key, index, item, strict) for index, item in enumerate(read.get(key) or ())
    ]
    if sources is not None:
        for index in range(len(found)):
            sources.update({(key, index, part): key for part in columns})
            sources[(key, index)] = key
    if not SLOT_FIELDS[key].isdisjoint(read):
        for slot in range(1, slots + 1):
            item = {part: read.get(f"{prefix}_{slot}_{part}") for part in columns}
            if all(value is None for value in item.values()):
                continue
            if sources is not None:
                sources.update({(key, len(found), part): f"{prefix}_{slot}_{part}" for part in columns})
                sources[(key, len(found))] = f"{prefix}_{slot}_{columns[0]}"
            found.append({part: value for part, value in item.items() if value is not None})
    if sources is not None:
        sources[(key,)] = key if key in values else f"{prefix}_1_{columns[0]}"
    return found


def _checked_item(key: str, index: int, item: dict, strict: bool) -> dict:
    """An item of a `products` or `certifications` column: a product's capacity read as a number (whole
    numbers as integers)."""
    if key == "products" and isinstance(item.get("monthly_capacity"), str):
        capacity = read_number(item["monthly_capacity"], False)
        if strict and not isinstance(capacity, int | float):
            raise ReadError(
                f"products.{index}.monthly_capacity", f"{item['monthly_capacity']!r} is not a number"
            )
        if isinstance(capacity, float) and capacity.is_integer():
            capacity = int(capacity)
        item = {**item, "monthly_capacity": capacity}
    return {part: value for part, value in item.items() if value is not None}
