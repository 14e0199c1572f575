"""Row validation for batch input: a fast plain-Python twin of the API's `IkmProfileSchema`.

`app/schemas/ikm.py` (marshmallow) is the single authority for contract.md's profile rules; it is used by
the API and the bulk import. Loading a row with it costs about 0.15 ms, more than assessing the row, so
`validate_profile` below applies the same rules as plain Python over the same vocabulary
(`app/vocabulary.py`) and reference sets (`app/reference.py`). It accepts exactly the JSON values the
schema accepts — unknown fields at every level, required fields, nulls, strict integers, marshmallow's
Boolean words ("true", "1", 1, "yes", "on", …), finite floats and numeric strings for capacities, string
lengths after trimming, control characters and unpaired surrogates, e-mail, phone, NIB, HS 2022 codes,
ISO dates as `date.fromisoformat` reads them, list sizes, reference codes and the current-year rule.
`tests/engine/test_validation.py` proves the equivalence with a hypothesis property test over mutated
demo profiles, and checks the copied marshmallow constants (Boolean words, e-mail patterns).

The input domain is what `json.loads` and the CSV reader produce (dict, list, str, int, float, bool,
None). Where the schema would convert a value, the accepted profile carries the converted value, so the
engine sees the same data either way: Boolean words become True/False, numeric strings in
`monthly_capacity` become floats, integral non-int numbers become int, the clean text fields (`name`,
`owner_name`, `products[].description`) are trimmed, and ISO dates in another accepted form
(`20270801`) become `YYYY-MM-DD`. Unlike the schema's load, dates stay ISO strings (JSON style), load
defaults are not added (`hs_code`, `certifications`, `target_markets`; the engine reads absent as empty),
and an input that needs no conversion is returned as the same object, uncopied.

Errors are (dotted field path, message) pairs with the schema's paths (`products.0.hs_code`,
`group._schema` for a non-object, `target_markets.3`); the messages are short English ones. For the
API's wording use `row_validator()`, which asks the schema for the messages of the rows this check
rejects.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Any

from app import reference
from app.vocabulary import (
    CAPACITY_UNITS,
    CREDIT_STATUSES,
    DESCRIPTION_MAX_LENGTH,
    DESCRIPTION_MIN_LENGTH,
    EMAIL_MAX_LENGTH,
    GROUP_KINDS,
    HS_CODE_LENGTH,
    LEGAL_FORMS,
    MAX_CAPACITY,
    MAX_CERTIFICATIONS,
    MAX_EMPLOYEES,
    MAX_EXPORT_MARKETS,
    MAX_OVOP_STARS,
    MAX_PRODUCTS,
    MAX_REVENUE_IDR,
    MAX_TARGET_MARKETS,
    MIN_PRODUCTS,
    MIN_YEAR,
    NAME_MAX_LENGTH,
    NAME_MIN_LENGTH,
    NIB_PATTERN,
    OWNER_GENDERS,
    OWNER_NAME_MAX_LENGTH,
    PHONE_PATTERN,
    PRACTICE_FIELDS,
    UNSAFE_TEXT,
    founded_on_problem,
)

Errors = list[tuple[str, str]]
Validator = Callable[[object], tuple[dict | None, Errors]]
Check = Callable[[Any], Any]

# marshmallow 4 `fields.Boolean.truthy` / `.falsy` (1.0 and 0.0 match too: they equal 1 and 0).
BOOLEAN_TRUE = frozenset(
    {"t", "T", "true", "True", "TRUE", "on", "On", "ON", "y", "Y", "yes", "Yes", "YES", "1", 1}
)
BOOLEAN_FALSE = frozenset(
    {"f", "F", "false", "False", "FALSE", "off", "Off", "OFF", "n", "N", "no", "No", "NO", "0", 0}
)
# marshmallow 4 `validate.Email`: user part, domain part and the domains allowed without a dot.
_LETTERS = "\u00a1-\uffff"
EMAIL_USER_PATTERN = re.compile(
    r"(^[-!#$%&'*+/=?^`{}|~\w]+(\.[-!#$%&'*+/=?^`{}|~\w]+)*\Z"
    r'|^"([\001-\010\013\014\016-\037!#-\[\]-\177]|\\[\001-\011\013\014\016-\177])*"\Z)',
    re.IGNORECASE | re.UNICODE,
)
EMAIL_DOMAIN_PATTERN = re.compile(
    r"(?:[A-Z0-9" + _LETTERS + r"](?:[A-Z0-9" + _LETTERS + r"-]{0,61}[A-Z0-9" + _LETTERS + r"])?\.)+"
    r"(?:[A-Z" + _LETTERS + r"]{2,6}|[A-Z0-9" + _LETTERS + r"-]{2,})\Z"
    r"|^\[(25[0-5]|2[0-4]\d|[0-1]?\d?\d)(\.(25[0-5]|2[0-4]\d|[0-1]?\d?\d)){3}\]\Z",
    re.IGNORECASE | re.UNICODE,
)
EMAIL_DOMAINS_WITHOUT_DOT = ("localhost",)

UNKNOWN = "Unknown field."
REQUIRED = "Missing data for required field."
NULL = "Field may not be null."
NOT_OBJECT = "Invalid input type."
NOT_STRING = "Not a valid string."
NOT_INTEGER = "Not a valid integer."
NOT_NUMBER = "Not a valid number."
NOT_BOOLEAN = "Not a valid boolean."
NOT_LIST = "Not a valid list."
NOT_DATE = "Not a valid date."


class _Invalid(Exception):
    """A value's errors as (path relative to the value, message); the path None is the value itself."""

    def __init__(self, errors: list[tuple[str | None, str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def _fail(message: str) -> _Invalid:
    return _Invalid([(None, message)])


def _nest(key: object, errors: list[tuple[str | None, str]]) -> Errors:
    """Prefix relative error paths with a field name or list index."""
    return [(str(key) if path is None else f"{key}.{path}", message) for path, message in errors]


# --- scalar checks: return the (possibly converted) value or raise _Invalid ------------------------------


def _string(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise _fail(NOT_STRING)


def _one_of(choices: tuple[str, ...]) -> Check:
    allowed = frozenset(choices)
    message = f"Must be one of: {', '.join(choices)}."

    def check(value: Any) -> str:
        if isinstance(value, str) and value in allowed:
            return value
        raise _fail(message if isinstance(value, str) else NOT_STRING)

    return check


def _in_set(codes: frozenset[str], what: str) -> Check:
    def check(value: Any) -> str:
        if isinstance(value, str) and value in codes:
            return value
        raise _fail(f"{value!r} is not {what}." if isinstance(value, str) else NOT_STRING)

    return check


def _matching(pattern: re.Pattern, message: str) -> Check:
    def check(value: Any) -> str:
        if isinstance(value, str) and pattern.match(value) is not None:
            return value
        raise _fail(message if isinstance(value, str) else NOT_STRING)

    return check


def _clean_text(low: int, high: int) -> Check:
    """CleanString with a length range: no control characters or surrogates; trimmed; length after trim."""

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise _fail(NOT_STRING)
        if UNSAFE_TEXT.search(value) is not None:
            raise _fail("Text contains control characters or invalid UTF-8.")
        text = value.strip()
        if not low <= len(text) <= high:
            raise _fail(f"Length must be between {low} and {high}.")
        return value if len(text) == len(value) else text

    return check


def _integer(low: int, high: int) -> Check:
    """StrictInteger in a range: ints only (no bools, floats or numeric strings)."""

    def check(value: Any) -> int:
        if type(value) is not int:
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                raise _fail(NOT_INTEGER)
            value = int(value)
        if low <= value <= high:
            return value
        raise _fail(f"Must be greater than or equal to {low} and less than or equal to {high}.")

    return check


def _capacity(value: Any) -> float | int:
    """fields.Float(allow_nan=False) in 0 … MAX_CAPACITY; ints and floats are kept as given."""
    if value is True or value is False:
        raise _fail(NOT_NUMBER)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _fail(NOT_NUMBER) from None
    except OverflowError:
        raise _fail("Number too large.") from None
    if not math.isfinite(number):
        raise _fail("Special numeric values (nan or infinity) are not permitted.")
    if not 0 <= number <= MAX_CAPACITY:
        raise _fail(f"Must be greater than or equal to 0 and less than or equal to {MAX_CAPACITY}.")
    kind = type(value)
    return value if kind is int or kind is float else number


def _boolean(value: Any) -> bool:
    """fields.Boolean: True/False or one of marshmallow's true/false words and numbers."""
    if value is True or value is False:
        return value
    try:
        if value in BOOLEAN_TRUE:
            return True
        if value in BOOLEAN_FALSE:
            return False
    except TypeError:  # unhashable: a list or an object
        pass
    raise _fail(NOT_BOOLEAN)


def _email(value: Any) -> str:
    """fields.Email with a length limit."""
    if not isinstance(value, str):
        raise _fail(NOT_STRING)
    if not _is_email(value):
        raise _fail("Not a valid email address.")
    if len(value) > EMAIL_MAX_LENGTH:
        raise _fail(f"Longer than maximum length {EMAIL_MAX_LENGTH}.")
    return value


def _is_email(value: str) -> bool:
    """marshmallow 4's validate.Email."""
    if not value or "@" not in value:
        return False
    user, domain = value.rsplit("@", 1)
    if not EMAIL_USER_PATTERN.match(user):
        return False
    return domain in EMAIL_DOMAINS_WITHOUT_DOT or EMAIL_DOMAIN_PATTERN.match(domain) is not None


def _iso_date(value: Any) -> Any:
    """fields.Date: what `date.fromisoformat` reads; kept (or rewritten) as a `YYYY-MM-DD` string."""
    if isinstance(value, date):
        return value
    try:
        text = date.fromisoformat(value).isoformat()
    except (TypeError, AttributeError, ValueError):
        raise _fail(NOT_DATE) from None
    return value if text == value else text


def _founded_on(value: Any) -> Any:
    """founded_on: an ISO date (its bounds: vocabulary.founded_on_problem, checked with founded_year)."""
    return _iso_date(value)


# --- containers: objects (unknown fields refused) and lists -----------------------------------------------

Fields = dict[str, tuple[Check, bool]]  # field name → (check, null allowed)


def _object(fields: Fields, required: tuple[str, ...] = ()) -> Check:
    """A nested schema: known fields only, required ones present, nulls only where allowed."""

    def check(value: Any) -> dict:
        if not isinstance(value, dict):
            raise _Invalid([("_schema", NOT_OBJECT)])
        errors: Errors = []
        changed = None
        for key, item in value.items():
            spec = fields.get(key)
            if spec is None or item is None:
                if spec is None or not spec[1]:
                    errors.append((str(key), UNKNOWN if spec is None else NULL))
                continue
            try:
                new = spec[0](item)
            except _Invalid as error:
                errors.extend(_nest(key, error.errors))
                continue
            if new is not item:
                changed = changed or {}
                changed[key] = new
        errors.extend((key, REQUIRED) for key in required if key not in value)
        if errors:
            raise _Invalid(errors)
        return value if changed is None else {**value, **changed}

    return check


def _list(item: Check, low: int, high: int) -> Check:
    """fields.List: every item checked first; the length only when every item is valid."""
    message = f"Length must be between {low} and {high}." if low else f"Longer than maximum length {high}."

    def check(value: Any) -> list:
        if not isinstance(value, list):
            raise _fail(NOT_LIST)
        errors: Errors = []
        changed = None
        for index, element in enumerate(value):
            try:
                new = item(element) if element is not None else None
            except _Invalid as error:
                errors.extend(_nest(index, error.errors))
                continue
            if new is None:
                errors.append((str(index), NULL))
            elif new is not element:
                changed = changed or {}
                changed[index] = new
        if errors:
            raise _Invalid(errors)
        if not low <= len(value) <= high:
            raise _fail(message)
        return value if changed is None else [changed.get(i, element) for i, element in enumerate(value)]

    return check


def _code_list(codes: frozenset[str], high: int, what: str) -> Check:
    """A list of reference codes: one set operation when every item is a known code."""
    slow = _list(_in_set(codes, what), 0, high)

    def check(value: Any) -> list:
        if isinstance(value, list) and len(value) <= high:
            try:
                if codes.issuperset(value):
                    return value
            except TypeError:  # an unhashable item
                pass
        return slow(value)

    return check


# --- the profile ------------------------------------------------------------------------------------------


def _profile_check(this_year: int) -> Check:
    """The whole profile check for a calendar year under the policy in force (its codes and countries)."""
    current = reference.policy()
    return _profile_check_for(this_year, current.content_hash, str(current.directory))


@lru_cache(maxsize=4)
def _profile_check_for(this_year: int, policy_hash: str, policy_dir: str) -> Check:
    """The profile check for a year under the policy of that hash and directory (read from reference)."""
    certificate_codes = frozenset(reference.certification_codes())
    countries = reference.country_codes()
    country = _in_set(countries, "an ISO 3166-1 alpha-2 code from the reference list")
    year = _integer(MIN_YEAR, this_year)
    hs_codes = frozenset(
        code for code in reference.hs6_descriptions() if len(code) == HS_CODE_LENGTH and code.isdigit()
    )
    product = _object(
        {
            "description": (_clean_text(DESCRIPTION_MIN_LENGTH, DESCRIPTION_MAX_LENGTH), False),
            "hs_code": (_in_set(hs_codes, "a 6-digit HS 2022 code"), True),
            "monthly_capacity": (_capacity, True),
            "capacity_unit": (_one_of(CAPACITY_UNITS), True),
        },
        required=("description",),
    )
    certification = _object(
        {
            "code": (_in_set(certificate_codes, "a code of policy-v1 §2"), False),
            "valid_until": (_iso_date, True),
        },
        required=("code",),
    )
    history = _object(
        {
            "direct": (_boolean, True),
            "indirect": (_boolean, True),
            "markets": (_code_list(countries, MAX_EXPORT_MARKETS, "an ISO alpha-2 code"), False),
            "last_export_year": (year, True),
        }
    )
    return _object(
        {
            "name": (_clean_text(NAME_MIN_LENGTH, NAME_MAX_LENGTH), False),
            "nib": (_matching(NIB_PATTERN, "NIB must be 13 digits."), True),
            "legal_form": (_one_of(LEGAL_FORMS), True),
            "region_code": (_in_set(reference.regency_codes(), "a Kemendagri kabupaten/kota code"), False),
            "kecamatan_code": (
                _in_set(frozenset(reference.kecamatan_names()), "a Kemendagri kecamatan code"),
                True,
            ),
            "founded_year": (year, True),
            "founded_on": (_founded_on, True),
            "employees": (_integer(0, MAX_EMPLOYEES), True),
            "annual_revenue_idr": (_integer(0, MAX_REVENUE_IDR), True),
            "owner_gender": (_one_of(OWNER_GENDERS), True),
            "owner_name": (_clean_text(0, OWNER_NAME_MAX_LENGTH), True),
            "contact_email": (_email, True),
            "contact_phone": (_matching(PHONE_PATTERN, "Not a valid phone number."), True),
            "credit_status": (_one_of(CREDIT_STATUSES), True),
            "group": (
                _object(
                    {"kind": (_one_of(GROUP_KINDS), False), "members": (_integer(0, MAX_EMPLOYEES), False)},
                    required=("kind", "members"),
                ),
                True,
            ),
            "ovop_stars": (_integer(0, MAX_OVOP_STARS), True),
            "products": (_list(product, MIN_PRODUCTS, MAX_PRODUCTS), False),
            "certifications": (_list(certification, 0, MAX_CERTIFICATIONS), False),
            "export_history": (history, True),
            "target_markets": (_code_list(countries, MAX_TARGET_MARKETS, "an ISO alpha-2 code"), False),
            "buyer_contract": (_object({"market": (country, False)}, required=("market",)), True),
            "practices": (_object({name: (_boolean, True) for name in PRACTICE_FIELDS}), True),
        },
        required=("name", "region_code", "products"),
    )


def validate_profile(profile: object, today: date | None = None) -> tuple[dict | None, Errors]:
    """Check a profile as IkmProfileSchema does: (profile as the engine reads it, []) or (None, errors)."""
    return _validate_with(_profile_check((today or date.today()).year), profile)


def _validate_with(check: Check, profile: object) -> tuple[dict | None, Errors]:
    """validate_profile with the profile check already chosen (a batch chooses it once)."""
    try:
        checked = check(profile)
    except _Invalid as error:
        return None, error.errors
    founded_on = checked.get("founded_on")
    if founded_on is not None:
        day = founded_on if isinstance(founded_on, date) else date.fromisoformat(founded_on)
        problem = founded_on_problem(day, checked.get("founded_year"))
        if problem:
            return None, [("founded_on", problem)]
    kecamatan = checked.get("kecamatan_code")
    if kecamatan and kecamatan[:5] != checked.get("region_code"):
        return None, [("kecamatan_code", "kecamatan_code is not in region_code.")]
    return checked, []


# --- the schema itself, and the validator the batch CLI uses ---------------------------------------------


def _flatten_messages(messages, prefix: str | None = None) -> Errors:
    """Marshmallow's nested error dict as (dotted path, message) pairs (an empty field name stays "")."""
    flat: Errors = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            flat.extend(_flatten_messages(value, str(key) if prefix is None else f"{prefix}.{key}"))
    elif isinstance(messages, list) and all(isinstance(item, str) for item in messages):
        flat.extend(("_schema" if prefix is None else prefix, message) for message in messages)
    else:
        flat.append(("_schema" if prefix is None else prefix, str(messages)))
    return flat


def schema_validator() -> Validator | None:
    """A validator built on app.schemas.ikm.IkmProfileSchema when that module can be imported."""
    try:
        from marshmallow import ValidationError

        from app.schemas.ikm import IkmProfileSchema
    except ImportError:
        return None
    schema = IkmProfileSchema()

    def validate(profile: object) -> tuple[dict | None, Errors]:
        """Load one profile with the schema; (loaded profile, []) or (None, flattened errors)."""
        if not isinstance(profile, dict):
            return None, [("_schema", "profile must be a JSON object")]
        try:
            return schema.load(profile), []
        except ValidationError as error:
            return None, _flatten_messages(error.messages)

    return validate


def row_validator(kind: str = "engine") -> Validator:
    """The batch row validator: "engine" (validate_profile, schema messages for rejects) or "schema"."""
    schema = schema_validator()
    if schema is None:
        return validate_profile
    if kind == "schema":
        return schema
    check = _profile_check(date.today().year)  # the policy in force when the batch starts

    def validate(profile: object) -> tuple[dict | None, Errors]:
        """validate_profile for every row; the schema's verdict and messages for the rows it rejects."""
        accepted, errors = _validate_with(check, profile)
        return (accepted, []) if not errors else schema(profile)

    return validate
