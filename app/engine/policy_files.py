"""Declared schemas of the policy files (data/policy/*.yaml): one schema per file, nested schemas per entry.

Loading a document through its schema is the whole check of a file. What an entry may refer to in the
other files (certificate codes, product classes, market groups, programmes, countries) is read from
`REFERENCES`, set by the loader for the file it reads. `check` turns marshmallow's first error into
`<file>: entry <entry>: <field> <problem>`: an entry of a list is named by its id (`id`, `code`, `name`,
`level`, `size_class`), an entry of a mapping by its path (`codes.HALAL`).

A mapping in readiness.yaml or thresholds.yaml may be a dated parameter: `history:` (the `History`
field) lists versions, each `from` a date (the first `from: null`); each version in force is then checked
by the file's schema like the file itself.
"""

from __future__ import annotations

import itertools
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from marshmallow import (
    INCLUDE,
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from app.engine.criteria import RULES
from app.engine.dates import parse_date
from app.engine.products import FOOD_KINDS
from app.vocabulary import COMMODITIES, CREDIT_STATUSES, GROUP_KINDS, SIZE_CLASSES

SEVERITIES = ("blocking", "major", "minor", "opportunity")
# Rank used to keep the most severe finding when several entries give the same gap.
SEVERITY_RANK = {"opportunity": 1, "minor": 2, "major": 3, "upcoming": 4, "blocking": 5}
REVIEW_REASONS = ("credit_special_mention", "score_near_boundary", "hs_low_confidence")
DIMENSIONS = ("compliance", "capacity", "quality", "management", "market", "digital")
SELECTORS = ("all_products", "food", "product_classes", "commodities", "hs_prefixes")
REGION_MATCHES = ("geographical_indication",)
# Keys that name an entry of a list, in the order they are looked for.
ENTRY_IDS = ("id", "code", "name", "level", "size_class")


@dataclass(frozen=True)
class References:
    """What entries may refer to in the other files: codes, classes, commodities, groups, programmes."""

    codes: tuple[str, ...] = ()
    class_names: tuple[str, ...] = ()
    commodities: tuple[str, ...] = COMMODITIES
    groups: dict[str, frozenset[str]] = field(default_factory=dict)
    programme_codes: frozenset[str] = frozenset()
    countries: frozenset[str] | None = None


REFERENCES: ContextVar[References | None] = ContextVar("policy_references", default=None)
EMPTY = References()


def _refs() -> References:
    return REFERENCES.get() or EMPTY


# --------------------------------------------------------------------------------------------------------
# Fields


class PolicyDate(fields.Field):
    """An ISO date, a YAML date or null."""

    default_error_messages = {"invalid": "{input!r} is not a date"}

    def _deserialize(self, value, attr, data, **kwargs) -> date | None:
        try:
            return parse_date(value)
        except (TypeError, ValueError) as error:
            raise self.make_error("invalid", input=value) from error


class Number(fields.Field):
    """A YAML int or float (not a bool, not a string), at least `minimum`."""

    default_error_messages = {"invalid": "{input!r} is not a number", "below": "{input!r} is below {minimum}"}

    def __init__(self, minimum: float | None = 0, integer: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.minimum, self.integer = minimum, integer
        if integer:
            self.error_messages["invalid"] = "{input!r} is not an integer"

    def _deserialize(self, value, attr, data, **kwargs):
        kinds = int if self.integer else (int, float)
        if not isinstance(value, kinds) or isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        if self.minimum is not None and value < self.minimum:
            raise self.make_error("below", input=value, minimum=self.minimum)
        return value


def _one_of(choices, what: str = "") -> validate.OneOf:
    return validate.OneOf(choices, error="{input!r} is not one of {choices}" + what)


class _Known(validate.Validator):
    """A value in a list the loader knows only when it reads the file (REFERENCES)."""

    def __init__(self, attribute: str, where: str) -> None:
        self.attribute, self.where = attribute, where

    def __call__(self, value):
        if value not in getattr(_refs(), self.attribute):
            raise ValidationError(f"{value!r} is not in {self.where}")
        return value


def Code(**kwargs) -> fields.String:  # noqa: N802 (a field factory reads like a field class)
    """A certificate code of certifications.yaml."""
    return fields.String(validate=_Known("codes", "certifications.yaml"), **kwargs)


def HsPrefix(lengths=(2, 3, 4, 5, 6), **kwargs) -> fields.String:  # noqa: N802
    """An HS code prefix of the given lengths of digits."""
    digits = ", ".join(str(length) for length in lengths[:-1]) + f" or {lengths[-1]}"
    return fields.String(
        validate=lambda value: (
            (value.isdigit() and len(value) in lengths)
            or _invalid(f"{value!r} is not an HS prefix of {digits} digits")
        ),
        **kwargs,
    )


class Selector(fields.Field):
    """`applies_to`: exactly one product selector (policy-v1 §3) → (selector, frozenset of values)."""

    def _deserialize(self, value, attr, data, **kwargs) -> tuple[str, frozenset[str]]:
        if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in SELECTORS:
            raise ValidationError(f"must have exactly one of {', '.join(SELECTORS)}")
        selector, raw = next(iter(value.items()))
        if selector == "all_products":
            if raw is not True:
                raise ValidationError("all_products must be true")
            return selector, frozenset()
        if not isinstance(raw, list) or not raw:
            raise ValidationError(f"{selector} must be a non-empty list")
        values = frozenset(str(item) for item in raw)
        allowed = {
            "food": FOOD_KINDS,
            "product_classes": _refs().class_names,
            "commodities": _refs().commodities,
        }
        if selector in allowed:
            unknown = values - set(allowed[selector])
            if unknown:
                raise ValidationError(f"{selector} has unknown values {sorted(unknown)}")
        elif any(not (item.isdigit() and 2 <= len(item) <= 6) for item in values):
            raise ValidationError("hs_prefixes must be 2 to 6 digits")
        return selector, values


def _invalid(message: str):
    raise ValidationError(message)


def resolve_markets(values: list, groups: dict, countries: frozenset | None) -> frozenset[str] | None:
    """Expand market codes and @GROUP references; `*` means every market (None). ValueError if wrong."""
    if "*" in values:
        if len(values) != 1:
            raise ValueError("markets '*' cannot be combined with other markets")
        return None
    resolved: set[str] = set()
    for value in values:
        if value.startswith("@"):
            if value[1:] not in groups:
                raise ValueError(f"market group {value!r} is not defined in markets.yaml")
            resolved |= groups[value[1:]]
        elif len(value) == 2 and value.isalpha() and value.isupper():
            if countries is not None and value not in countries:
                raise ValueError(f"market {value!r} is not in the reference country list")
            resolved.add(value)
        else:
            raise ValueError(f"market {value!r} is not an ISO alpha-2 code or @GROUP")
    return frozenset(resolved)


# --------------------------------------------------------------------------------------------------------
# Shared entry schemas


class Declared(Schema):
    """A declared policy-file mapping: unknown keys are refused, like a misspelt field."""

    class Meta:
        unknown = RAISE


class Sourced(Declared):
    """An entry with its source; `assumption: true` needs a note."""

    source = fields.String()
    assumption = fields.Boolean(load_default=False)
    note = fields.String(allow_none=True)

    @validates_schema
    def _assumption_has_a_note(self, data: dict, **_) -> None:
        if data.get("assumption") and not data.get("note"):
            raise ValidationError("assumption: true needs a note")


class SourcedRequired(Sourced):
    """A sourced entry whose source is required."""

    source = fields.String(required=True)


class _Version(Schema):
    """One version of a dated parameter: `from` (a date, null for the first) and the values in force."""

    class Meta:
        unknown = INCLUDE

    start = PolicyDate(data_key="from", required=True, allow_none=True)


class History(fields.List):
    """A dated parameter (`history:`): versions oldest first, the first `from: null`, then later dates."""

    def __init__(self, **kwargs) -> None:
        super().__init__(fields.Nested(_Version), validate=self._ordered, **kwargs)

    @staticmethod
    def _ordered(versions: list[dict]) -> None:
        starts = [version["start"] for version in versions]
        if not starts:
            raise ValidationError("must be a non-empty list of mappings with `from`")
        if starts[0] is not None or any(start is None for start in starts[1:]):
            raise ValidationError("must start with `from: null` and then give dates")
        if starts[1:] != sorted(set(starts[1:])):
            raise ValidationError("dates must increase")

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise ValidationError("must be a non-empty list of mappings with `from`")
        return super()._deserialize(value, attr, data, **kwargs)


HISTORY = History()


# --------------------------------------------------------------------------------------------------------
# certifications.yaml, review.yaml, markets.yaml


# What a certificate may stand for in a formula (certifications.yaml `role`, at most one code each):
# the business registration the profile's NIB field counts as (§8 A3) and the export training the market
# dimension and what-if read (§4).
CERTIFICATE_ROLES = ("business_registration", "export_training")


class _Certification(Declared):
    kind = fields.String(required=True)
    role = fields.String(validate=validate.OneOf(CERTIFICATE_ROLES))
    name_id = fields.String(required=True)
    name_en = fields.String(required=True)
    source = fields.String(required=True)


class CertificationsFile(Declared):
    """certifications.yaml: the certificate codes of policy-v1 §2 with their names."""

    version = fields.String()
    source = fields.String()
    codes = fields.Dict(
        keys=fields.String(validate=validate.Regexp(r"^[A-Z][A-Z0-9_]*$")),
        values=fields.Nested(_Certification),
        required=True,
        validate=validate.Length(min=1),
    )

    @validates_schema(skip_on_field_errors=True)
    def _one_code_per_role(self, data: dict, **_) -> None:
        seen: dict[str, str] = {}
        for code, entry in data["codes"].items():
            role = entry.get("role")
            if role in seen:
                raise ValidationError(
                    {"codes": {code: {"role": [f"{role!r} is also the role of {seen[role]}"]}}}
                )
            if role:
                seen[role] = code


class _ReviewReason(Declared):
    message_id = fields.String(required=True)
    message_en = fields.String(required=True)
    source = fields.String(required=True)


class ReviewFile(Declared):
    """review.yaml: the review reasons (policy-v1 §6.3) in both languages."""

    version = fields.String()
    source = fields.String()
    reasons = fields.Dict(
        keys=fields.String(validate=validate.OneOf(REVIEW_REASONS)),
        values=fields.Nested(_ReviewReason),
        required=True,
        validate=lambda reasons: (
            set(reasons) == set(REVIEW_REASONS)
            or _invalid(f"must give every reason: {', '.join(REVIEW_REASONS)}")
        ),
    )


class _MarketGroup(SourcedRequired):
    members = fields.List(fields.String(), required=True, validate=validate.Length(min=1))


class MarketsFile(Declared):
    """markets.yaml: the domestic market and the market groups requirements name."""

    version = fields.String()
    source = fields.String()
    domestic = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{2}$"))
    groups = fields.Dict(keys=fields.String(), values=fields.Nested(_MarketGroup), required=True)


# --------------------------------------------------------------------------------------------------------
# product_classes.yaml, geographical_indications.yaml


class _ProductClass(Declared):
    commodity = fields.String(required=True, validate=_one_of(COMMODITIES))
    food = fields.String(required=True, allow_none=True, validate=_one_of(FOOD_KINDS, " or null"))
    eudr = fields.Boolean(load_default=False)
    hs = fields.List(HsPrefix((2, 4, 6)), required=True, validate=validate.Length(min=1, error="is empty"))
    note = fields.String()


class ProductClassesFile(Declared):
    """product_classes.yaml: product classes by HS prefix (policy-v1 §3)."""

    version = fields.String()
    valid_from = PolicyDate(allow_none=True)
    source = fields.String()
    classes = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(_ProductClass),
        required=True,
        validate=validate.Length(min=1),
    )

    @validates_schema(skip_on_field_errors=True)
    def _each_prefix_once(self, data: dict, **_) -> None:
        seen: dict[str, str] = {}
        for name, entry in data["classes"].items():
            for prefix in entry["hs"]:
                if prefix in seen:
                    raise ValidationError(
                        {"classes": {name: {"hs": [f"{prefix!r} is also an HS prefix of {seen[prefix]}"]}}}
                    )
                seen[prefix] = name


class _Indication(SourcedRequired):
    name = fields.String(required=True)
    registration = fields.String(allow_none=True)
    registered_on = PolicyDate(allow_none=True)
    commodity = fields.String(required=True, validate=_Known("commodities", "the commodities"))
    regions = fields.List(
        fields.String(validate=validate.Regexp(r"^\d{2}\.\d{2}$", error="{input!r} is not a PP.KK code")),
        required=True,
        validate=validate.Length(min=1, error="is empty"),
    )


class IndicationsFile(Declared):
    """geographical_indications.yaml: registered GIs (policy-v1 §8 A9), a source per row."""

    version = fields.String()
    source = fields.String()
    indications = fields.List(fields.Nested(_Indication), required=True)


# --------------------------------------------------------------------------------------------------------
# programmes.yaml


def _check_params(rule: str, params: dict) -> None:
    """A criterion's parameters against the kinds its rule declares (criteria.RULES)."""
    declared = RULES[rule].params
    for key in declared:
        if key not in params:
            raise ValidationError(f"rule {rule} needs parameter {key}")
    for key in params:
        if key not in declared:
            raise ValidationError(f"rule {rule} has no parameter {key}")
    refs = _refs()
    vocabularies = {
        "certificate_codes": refs.codes,
        "credit_statuses": CREDIT_STATUSES,
        "size_classes": SIZE_CLASSES,
        "severities": tuple(SEVERITY_RANK),
        "food_kinds": FOOD_KINDS,
        "product_classes": refs.class_names,
        "group_kinds": GROUP_KINDS,
    }
    for key, kind in declared.items():
        value = params[key]
        if kind == "number":
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise ValidationError(f"parameter {key} {value!r} is not a number")
        elif not isinstance(value, list):
            raise ValidationError(f"parameter {key} {value!r} is not a list")
        elif kind == "hs_prefixes":
            if any(not (str(prefix).isdigit() and 2 <= len(str(prefix)) <= 6) for prefix in value):
                raise ValidationError(f"parameter {key} must list HS prefixes of 2 to 6 digits")
        else:
            bad = [item for item in value if item not in vocabularies[kind]]
            if bad:
                raise ValidationError(f"parameter {key} has unknown values {bad}")


class _Criterion(SourcedRequired):
    name = fields.String(required=True)
    rule = fields.String(
        required=True,
        validate=lambda rule: (
            rule in RULES or _invalid(f"{rule!r} is not one the engine knows ({', '.join(RULES)})")
        ),
    )
    params = fields.Dict(keys=fields.String(), load_default=dict, allow_none=True)

    @validates_schema(skip_on_field_errors=True)
    def _params_as_declared(self, data: dict, **_) -> None:
        _check_params(data["rule"], data.get("params") or {})


class _Programme(SourcedRequired):
    code = fields.String(required=True)
    type = fields.String(required=True, validate=_one_of(("financial", "non_financial")))
    name_id = fields.String(required=True)
    name_en = fields.String(required=True)
    criteria = fields.List(
        fields.Nested(_Criterion),
        required=True,
        validate=validate.Length(min=1, error="a programme needs at least one criterion"),
    )
    terms = fields.Dict(load_default=dict, allow_none=True)
    valid_from = PolicyDate(required=True, allow_none=True)
    valid_to = PolicyDate(required=True, allow_none=True)

    @validates_schema(skip_on_field_errors=True)
    def _dates_in_order(self, data: dict, **_) -> None:
        _dates_in_order(data)


def _dates_in_order(data: dict) -> None:
    if data["valid_from"] and data["valid_to"] and data["valid_to"] < data["valid_from"]:
        raise ValidationError(f"valid_to {data['valid_to']} is before valid_from {data['valid_from']}")


def _unique(key: str):
    """A validator: the entries of a list give each `key` once."""

    def check(entries: list[dict]) -> None:
        seen = set()
        for entry in entries:
            if entry[key] in seen:
                raise ValidationError(f"{key} {entry[key]!r} is used twice")
            seen.add(entry[key])

    return check


class ProgrammesFile(Declared):
    """programmes.yaml: LPEI programmes, their criteria and terms (policy-v1 §5)."""

    version = fields.String()
    source = fields.String()
    programmes = fields.List(fields.Nested(_Programme), required=True, validate=_unique("code"))


# --------------------------------------------------------------------------------------------------------
# requirements.yaml


class _Requirement(SourcedRequired):
    id = fields.String(required=True)
    requirement = fields.String(required=True)
    any_of = fields.List(Code(), required=True, validate=validate.Length(min=1, error="is empty"))
    applies_to = Selector(required=True)
    scope = fields.String(required=True, validate=_one_of(("business", "product")))
    markets = fields.List(fields.String(), required=True, validate=validate.Length(min=1, error="is empty"))
    size_classes = fields.List(
        fields.String(validate=_one_of(("*", *SIZE_CLASSES))),
        required=True,
        validate=validate.Length(min=1, error="is empty"),
    )
    severity = fields.String(required=True, validate=_one_of(SEVERITIES))
    valid_from = PolicyDate(required=True, allow_none=True)
    valid_to = PolicyDate(required=True, allow_none=True)
    closed_by = fields.List(
        fields.String(validate=_Known("programme_codes", "programmes.yaml")),
        load_default=list,
        allow_none=True,
    )
    family = fields.String(allow_none=True)
    region_match = fields.String(allow_none=True, validate=_one_of(REGION_MATCHES))
    action_id = fields.String(allow_none=True)
    action_en = fields.String(allow_none=True)

    @validates_schema(skip_on_field_errors=True)
    def _consistent(self, data: dict, **_) -> None:
        if data["requirement"] != data["any_of"][0]:
            raise ValidationError(f"requirement {data['requirement']!r} must be the first any_of code")
        if data["scope"] == "business" and data["applies_to"][0] != "all_products":
            raise ValidationError("a business-scope requirement must apply to all products")
        if "*" in data["size_classes"] and len(data["size_classes"]) != 1:
            raise ValidationError("size_classes '*' cannot be combined with size classes")
        _dates_in_order(data)

    @post_load
    def _resolve(self, data: dict, **_) -> dict:
        try:
            data["markets"] = resolve_markets(data["markets"], _refs().groups, _refs().countries)
        except ValueError as error:
            raise ValidationError(str(error)) from None
        data["size_classes"] = None if data["size_classes"] == ["*"] else frozenset(data["size_classes"])
        return data


class RequirementsFile(Declared):
    """requirements.yaml: what a product needs in a market on a date (policy-v1 §3)."""

    version = fields.String()
    source = fields.String()
    requirements = fields.List(fields.Nested(_Requirement), required=True, validate=_unique("id"))


# --------------------------------------------------------------------------------------------------------
# readiness.yaml (each version of its dated parameters)


def _exactly(names, what: str):
    return lambda mapping: (
        set(mapping) == set(names) or _invalid(f"must name exactly {what} {', '.join(names)}")
    )


def _Points(**kwargs) -> Number:  # noqa: N802
    return Number(required=True, **kwargs)


class _Weights(Sourced):
    value = fields.Dict(
        keys=fields.String(),
        values=Number(integer=True),
        required=True,
        validate=[
            _exactly(DIMENSIONS, "the dimensions"),
            lambda weights: sum(weights.values()) > 0 or _invalid("weights sum to zero"),
        ],
    )


class _LevelBand(Declared):
    level = fields.String(required=True)
    min_score = Number(integer=True, required=True)


def _increasing_levels(bands: list[dict]) -> None:
    if not bands or bands[0]["min_score"] != 0:
        raise ValidationError("the first band must start at min_score 0")
    for previous, band in itertools.pairwise(bands):
        if band["min_score"] <= previous["min_score"]:
            raise ValidationError(
                f"min_score {band['min_score']} of {band['level']} is not above the band before"
            )


class _Levels(Sourced):
    bands = fields.List(fields.Nested(_LevelBand), required=True, validate=_increasing_levels)


class _LevelCap(Sourced):
    level = fields.String(required=True)


class _Compliance(Sourced):
    legality_points = fields.Dict(keys=Code(), values=Number(), required=True)
    markets_without_blocking_gaps = _Points()
    markets_without_major_gaps = _Points()


class _Capacity(Sourced):
    export_lot_points = _Points()
    continuity_points = _Points()
    continuity_full_at_years = _Points(minimum=1)


class _QualityItem(Declared):
    name = fields.String(required=True)
    any_of = fields.List(Code(), required=True, validate=validate.Length(min=1, error="is empty"))
    points = _Points()
    applies_to = Selector(required=True)


class _Quality(Sourced):
    items = fields.List(fields.Nested(_QualityItem), required=True)


class _Management(Sourced):
    years_in_business_points = _Points()
    years_in_business_full_at_years = _Points(minimum=1)
    bookkeeping_points = _Points()
    bank_account_points = _Points()
    credit_status_points = fields.Dict(
        keys=fields.String(), values=Number(), required=True, validate=_exactly(CREDIT_STATUSES, "")
    )


class _Market(Sourced):
    export_direct_points = _Points()
    export_indirect_points = _Points()
    buyer_contract_points = _Points()
    export_training_points = _Points()
    target_market_chosen_points = _Points()


class _Digital(Sourced):
    email_points = _Points()
    website_points = _Points()
    marketplace_points = _Points()


class _Dimensions(Declared):
    compliance = fields.Nested(_Compliance, required=True)
    capacity = fields.Nested(_Capacity, required=True)
    quality = fields.Nested(_Quality, required=True)
    management = fields.Nested(_Management, required=True)
    market = fields.Nested(_Market, required=True)
    digital = fields.Nested(_Digital, required=True)


class ReadinessFile(Declared):
    """readiness.yaml (one version): weights, level bands, the level cap and each dimension's points."""

    version = fields.String()
    source = fields.String()
    weights = fields.Nested(_Weights, required=True)
    levels = fields.Nested(_Levels, required=True)
    level_cap = fields.Nested(_LevelCap, required=True)
    dimensions = fields.Nested(_Dimensions, required=True)

    @validates_schema(skip_on_field_errors=True)
    def _cap_is_a_level(self, data: dict, **_) -> None:
        cap = data["level_cap"]["level"]
        if cap not in [band["level"] for band in data["levels"]["bands"]]:
            raise ValidationError({"level_cap": {"level": [f"{cap!r} is not a level band"]}})


# --------------------------------------------------------------------------------------------------------
# thresholds.yaml (each version of its dated parameters)


class _PolicyLabel(Sourced):
    version = fields.String(required=True)
    adopted_on = PolicyDate(allow_none=True)


class _MonthDay(Declared):
    month = Number(integer=True, required=True)
    day = Number(integer=True, required=True)

    @validates_schema(skip_on_field_errors=True)
    def _a_day_of_the_year(self, data: dict, **_) -> None:
        try:
            date(2000, data["month"], data["day"])
        except ValueError as error:
            raise ValidationError(
                f"month {data['month']} day {data['day']} is not a day of the year"
            ) from error


class _Renewal(SourcedRequired):
    cycle_years = Number(integer=True, minimum=1, required=True)
    cycle_remainder = Number(integer=True, required=True)
    window_opens = fields.Nested(_MonthDay, required=True)

    @validates_schema(skip_on_field_errors=True)
    def _remainder_below_cycle(self, data: dict, **_) -> None:
        if data["cycle_remainder"] >= data["cycle_years"]:
            raise ValidationError("cycle_remainder must be below cycle_years")


class _SizeBand(Declared):
    size_class = fields.String(required=True, validate=_one_of(SIZE_CLASSES))
    max_revenue_idr = Number(integer=True, required=True, allow_none=True)


def _size_bands_in_order(bands: list[dict]) -> None:
    if [band["size_class"] for band in bands] != list(SIZE_CLASSES) or bands[-1][
        "max_revenue_idr"
    ] is not None:
        raise ValidationError(f"must be {', '.join(SIZE_CLASSES)} with an open last band")
    uppers = [band["max_revenue_idr"] for band in bands[:-1]]
    if None in uppers or uppers != sorted(set(uppers)):
        raise ValidationError("max_revenue_idr must increase from band to band")


class _Value(Sourced):
    value = fields.Raw(required=True)


class _SizeClasses(Sourced):
    bands = fields.List(fields.Nested(_SizeBand), required=True, validate=_size_bands_in_order)
    unknown_size_rule = fields.Nested(_Value)


class _Months(Sourced):
    value = Number(integer=True, required=True)


class _Unit(Declared):
    base = fields.String(required=True)
    factor = Number(required=True)


class _Lot(Sourced):
    amounts = fields.Dict(keys=fields.String(), values=Number(minimum=1e-9), required=True)


class _ExportLots(Sourced):
    units = fields.Dict(keys=fields.String(), values=fields.Nested(_Unit), required=True)
    lots = fields.Dict(
        keys=fields.String(validate=_Known("commodities", "the commodities")),
        values=fields.Nested(_Lot),
        required=True,
        validate=lambda lots: (
            not (missing := [c for c in _refs().commodities if c not in lots])
            or _invalid(f"commodity {missing[0]!r} has no export lot")
        ),
    )


class _HsThreshold(Sourced):
    value = Number(required=True, validate=validate.Range(max=1, error="{input} is above {max}"))


class _Review(Declared):
    score_margin = fields.Nested(_Months, required=True)
    hs_score_threshold = fields.Nested(_HsThreshold, required=True)


class _WhatIf(Sourced):
    max_actions = Number(integer=True, minimum=1, required=True)
    max_candidates = Number(integer=True, minimum=1, required=True)
    max_evaluations = Number(integer=True, minimum=1, required=True)
    max_results_per_goal = Number(integer=True, minimum=1, required=True)


class ThresholdsFile(Declared):
    """thresholds.yaml (one version): size classes, windows, export lots, review margins, renewals."""

    version = fields.String()
    source = fields.String()
    policy = fields.Nested(_PolicyLabel, required=True)
    renewals = fields.Dict(keys=Code(), values=fields.Nested(_Renewal), load_default=dict, allow_none=True)
    size_classes = fields.Nested(_SizeClasses, required=True)
    upcoming_window_months = fields.Nested(_Months, required=True)
    export_lots = fields.Nested(_ExportLots, required=True)
    recent_export_months = fields.Nested(_Months, required=True)
    review = fields.Nested(_Review, required=True)
    what_if = fields.Nested(_WhatIf, required=True)


# --------------------------------------------------------------------------------------------------------
# data/policy_versions/*.yaml: a version as changes to the current files (app/policies/changes.py applies
# them; the changed files are then loaded by the schemas above like the files themselves)


class PolicyVersionFile(Sourced):
    """A policy version file: its label, adoption date, source and its changes to the current files."""

    source = fields.String(required=True)
    version = fields.String(required=True)
    adopted_on = PolicyDate(required=True, allow_none=True)
    changes = fields.List(fields.Dict(keys=fields.String()), required=True)


# --------------------------------------------------------------------------------------------------------
# Errors


def first_error(messages: Any, document: Any) -> tuple[tuple[str, ...], str, bool]:
    """The first problem in marshmallow's messages, its path (list entries named by their id) and whether
    it is about the entry as a whole (a schema-level check) rather than its last field."""
    path: list[str] = []
    node = document
    whole = False
    while isinstance(messages, dict):
        key, messages = next(iter(messages.items()))
        if key == "_schema":
            whole = True
            continue
        if key == "key" or (key == "value" and not (isinstance(node, dict) and "value" in node)):
            continue  # a mapping's key or its value: no step in the path
        if isinstance(key, int):
            child = node[key] if isinstance(node, list) and 0 <= key < len(node) else None
            if isinstance(child, dict):
                name = next(
                    (str(child[k]) for k in ENTRY_IDS if child.get(k) not in (None, "")), f"#{key + 1}"
                )
                if path:
                    path[-1] = name  # the list is named by its entry's id
                else:
                    path.append(name)
            node = child
            continue
        path.append(str(key))
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(messages, list):
        messages = messages[0] if messages else "invalid"
    return tuple(path), str(messages), whole


def error_text(messages: Any, document: Any) -> tuple[str | None, str]:
    """(entry, problem) of the first error: `valid_from 'x' is not a date`, `source: Missing data …`.

    marshmallow's own messages (capitalised) follow the field name after a colon; the policy's own
    messages read on from the field name.
    """
    path, message, whole = first_error(messages, document)
    if whole or len(path) < 2:
        return ".".join(path) or None, message
    joiner = ": " if message[:1].isupper() else " "
    return ".".join(path[:-1]), f"{path[-1]}{joiner}{message}"


def history_dates(document: Any, where: str = "") -> tuple[set[date], tuple[str, str] | None]:
    """The `from` dates of every dated parameter in a document, or the first broken history's problem."""
    found: set[date] = set()
    if not isinstance(document, dict):
        return found, None
    if "history" in document:
        entry = where or "history"
        try:
            versions = HISTORY.deserialize(document["history"])
        except ValidationError as error:
            inner, message = error_text(error.messages, document["history"])
            return found, (entry, " ".join(["history", *([inner] if inner else []), message]))
        found.update(version["start"] for version in versions[1:])
    for key, value in document.items():
        if key != "history":
            more, problem = history_dates(value, f"{where}.{key}" if where else str(key))
            if problem:
                return found, problem
            found |= more
    return found, None


def version_on(node: Any, day: date | None) -> Any:
    """The document with every dated parameter replaced by the version in force on the day."""
    if not isinstance(node, dict):
        return node
    resolved = {key: version_on(value, day) for key, value in node.items() if key != "history"}
    history = node.get("history")
    if history is not None:
        chosen = history[0]
        for version in history[1:]:
            if day is not None and parse_date(version["from"]) <= day:
                chosen = version
        resolved.update({key: version_on(value, day) for key, value in chosen.items() if key != "from"})
    return resolved


__all__ = [
    "CertificationsFile",
    "History",
    "IndicationsFile",
    "MarketsFile",
    "PolicyVersionFile",
    "ProductClassesFile",
    "ProgrammesFile",
    "ReadinessFile",
    "RequirementsFile",
    "ReviewFile",
    "ThresholdsFile",
]
