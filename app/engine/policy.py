"""Policy as dated data: read, validate and index the files in data/policy/ (policy-v1, all sections).

Every number the rules use comes from these files. `load_policy` refuses a broken file with a
PolicyError that names the file, the entry and the problem, so a bad edit stops the app at boot.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from app.engine.criteria import RULES
from app.engine.dates import add_months, parse_date
from app.engine.errors import PolicyError
from app.engine.products import FOOD_KINDS, OTHER_CLASS, ProductClass, build_class_index, match_class
from app.vocabulary import COMMODITIES, CREDIT_STATUSES, GROUP_KINDS, SIZE_CLASSES

DEFAULT_POLICY_DIR = Path(__file__).resolve().parents[2] / "data" / "policy"
# libyaml's safe loader when PyYAML has it (ten times faster: the policy is parsed at every start-up).
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
POLICY_FILES = (
    "certifications.yaml",
    "geographical_indications.yaml",
    "markets.yaml",
    "product_classes.yaml",
    "programmes.yaml",
    "readiness.yaml",
    "requirements.yaml",
    "review.yaml",
    "thresholds.yaml",
)
SEVERITIES = ("blocking", "major", "minor", "opportunity")
# Rank used to keep the most severe finding when several entries give the same gap.
REVIEW_REASONS = ("credit_special_mention", "score_near_boundary", "hs_low_confidence")
SEVERITY_RANK = {"opportunity": 1, "minor": 2, "major": 3, "upcoming": 4, "blocking": 5}
# Severities most severe first; URGENCY: the gaps to close (opportunities are offers, not gaps).
SEVERITY_ORDER = tuple(sorted(SEVERITY_RANK, key=SEVERITY_RANK.get, reverse=True))
URGENCY = tuple(name for name in SEVERITY_ORDER if name != "opportunity")
DIMENSIONS = ("compliance", "capacity", "quality", "management", "market", "digital")
SELECTORS = ("all_products", "food", "product_classes", "commodities", "hs_prefixes")
REGION_MATCHES = ("geographical_indication",)


def selector_applies(selector: str, values: frozenset[str], hs_code: str | None, product_class) -> bool:
    """Whether a product selector (policy-v1 §3 'applies to') covers this HS code and class."""
    if selector == "all_products":
        return True
    if selector == "food":
        return product_class.food in values
    if selector == "product_classes":
        return product_class.name in values
    if selector == "commodities":
        return product_class.commodity in values
    if not hs_code:
        return False
    return any(hs_code.startswith(prefix) for prefix in values)


@dataclass(frozen=True)
class QualityItem:
    """One item of the quality dimension: codes that earn its points, and the products it applies to."""

    name: str
    any_of: tuple[str, ...]
    points: float
    selector: str
    selector_values: frozenset[str]

    def applies_to_product(self, hs_code: str | None, product_class) -> bool:
        """Whether a rule would ask this item of the product (policy-v1 §8 A6)."""
        return selector_applies(self.selector, self.selector_values, hs_code, product_class)


@dataclass(frozen=True)
class GeographicalIndication:
    """A registered Indonesian GI (policy-v1 §8 A9): commodity and kabupaten/kota it covers."""

    name: str
    registration: str | None
    commodity: str
    regions: frozenset[str]
    source: str
    assumption: bool
    note: str | None


@dataclass(frozen=True)
class RequirementEntry:
    """One dated row of the requirement table (policy-v1 §3)."""

    id: str
    requirement: str
    any_of: tuple[str, ...]
    selector: str
    selector_values: frozenset[str]
    scope: str
    markets: frozenset[str] | None  # None = every market
    size_classes: frozenset[str] | None  # None = every size class
    severity: str
    valid_from: date | None
    valid_to: date | None
    closed_by: tuple[str, ...]
    source: str
    assumption: bool
    note: str | None
    family: str = ""
    region_match: str | None = None
    action_id: str | None = None
    action_en: str | None = None

    @property
    def gap_family(self) -> str:
        """Entries of one family give one gap per (market, product): the requirement unless declared."""
        return self.family or self.requirement

    def applies_to_product(self, hs_code: str | None, product_class: ProductClass) -> bool:
        """Whether the entry's product selector covers this HS code and class."""
        return selector_applies(self.selector, self.selector_values, hs_code, product_class)

    def applies_to_market(self, market: str) -> bool:
        """Whether the entry covers the market."""
        return self.markets is None or market in self.markets

    def binds_size(self, size_class: str | None) -> bool:
        """Whether the entry binds the size class; an unknown size is bound by every entry (strictest)."""
        return self.size_classes is None or size_class is None or size_class in self.size_classes

    def status_on(self, as_of: date, upcoming_until: date) -> str | None:
        """Severity on the date: the entry's own, `upcoming` (blocking within the window) or None."""
        if self.valid_to is not None and as_of > self.valid_to:
            return None
        if self.valid_from is None or self.valid_from <= as_of:
            return self.severity
        if self.severity == "blocking" and self.valid_from <= upcoming_until:
            return "upcoming"
        return None


@dataclass(frozen=True)
class Criterion:
    """One programme criterion: a named engine rule with its parameters and source."""

    name: str
    rule: str
    params: dict[str, Any]
    source: str
    assumption: bool = False
    note: str | None = None

    def required_text(self) -> str:
        """The required value as an officer reads it."""
        return describe_requirement(self.rule, self.params)

    @cached_property
    def key(self) -> tuple[str, str]:
        """The rule and its parameters: criteria of equal keys have equal outcomes (evaluated once)."""
        return self.rule, repr(sorted(self.params.items()))


@dataclass(frozen=True)
class Programme:
    """An LPEI programme with its criteria and terms (policy-v1 §5)."""

    code: str
    type: str
    name_id: str
    name_en: str
    criteria: tuple[Criterion, ...]
    terms: dict[str, Any]
    valid_from: date | None
    valid_to: date | None
    source: str
    assumption: bool
    note: str | None

    def offered_on(self, as_of: date) -> bool:
        """Whether the programme is valid on the date."""
        return (self.valid_from is None or self.valid_from <= as_of) and (
            self.valid_to is None or as_of <= self.valid_to
        )


@dataclass
class Policy:
    """The whole validated policy: requirements, programmes, readiness, thresholds, markets, classes."""

    label: str
    content_hash: str
    directory: Path
    certification_codes: tuple[str, ...]
    certification_names: dict[str, dict[str, str]]
    class_index: dict[str, ProductClass]
    class_names: tuple[str, ...]
    domestic_market: str
    market_groups: dict[str, frozenset[str]]
    requirements: tuple[RequirementEntry, ...]
    programmes: tuple[Programme, ...]
    weights: dict[str, int]
    level_bands: tuple[tuple[str, int], ...]
    level_cap: str
    dimensions: dict[str, dict[str, Any]]
    size_bands: tuple[tuple[str, int | None], ...]
    upcoming_window_months: int
    unit_bases: dict[str, tuple[str, float]]
    export_lots: dict[str, dict[str, float]]
    recent_export_months: int
    review_margin: int
    hs_score_threshold: float
    what_if_limits: dict[str, int]
    review_messages: dict[str, dict[str, str]]
    quality_items: tuple[QualityItem, ...] = ()
    geographical_indications: tuple[GeographicalIndication, ...] = ()
    renewals: dict[str, dict[str, Any]] = field(default_factory=dict)
    countries: frozenset[str] | None = None  # ISO alpha-2 of reference/country_codes.csv beside the policy
    # [(from, {field: value})] of every dated number (readiness.yaml, thresholds.yaml), oldest first.
    parameter_versions: tuple = ()
    _on_cache: dict = field(default_factory=dict, repr=False)
    sources: dict[str, str] = field(default_factory=dict)
    _entries_cache: dict[tuple[str | None, str], tuple[RequirementEntry, ...]] = field(
        default_factory=dict, repr=False
    )
    _class_cache: dict[str | None, ProductClass] = field(default_factory=dict, repr=False)
    _years_cache: dict[date, frozenset[int]] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        return (
            f"Policy(label={self.label!r}, content_hash={self.content_hash!r}, directory='{self.directory}')"
        )

    def on(self, as_of: date) -> Policy:
        """This policy with every dated parameter (weights, levels, size bands, lots, windows, margins) as
        in force on the date; the rules read the policy only through the result."""
        start = None
        for version_start, _ in self.parameter_versions:
            if version_start is None or version_start <= as_of:
                start = version_start
        if len(self.parameter_versions) <= 1:
            return self
        found = self._on_cache.get(start)
        if found is None:
            fields = next(
                values for version_start, values in self.parameter_versions if version_start == start
            )
            found = replace(self, **{k: v for k, v in fields.items() if k not in ("renewals", "label")})
            found._on_cache = self._on_cache
            found._entries_cache = self._entries_cache
            found._class_cache = self._class_cache
            found._years_cache = self._years_cache
            self._on_cache[start] = found
        return found

    def product_class(self, hs_code: str | None) -> ProductClass:
        """The product class of an HS code under this policy's class table."""
        found = self._class_cache.get(hs_code)
        if found is None:
            found = match_class(self.class_index, hs_code) if hs_code else OTHER_CLASS
            self._class_cache[hs_code] = found
        return found

    def entries_for(self, hs_code: str | None, market: str) -> tuple[RequirementEntry, ...]:
        """Requirement entries whose product selector and market cover (hs_code, market), any date or size."""
        key = (hs_code, market)
        found = self._entries_cache.get(key)
        if found is None:
            product_class = self.product_class(hs_code)
            found = tuple(
                entry
                for entry in self.requirements
                if entry.applies_to_market(market) and entry.applies_to_product(hs_code, product_class)
            )
            self._entries_cache[key] = found
        return found

    def indication_for(self, commodity: str, region_code: str | None) -> GeographicalIndication | None:
        """The registered GI covering the commodity in the kabupaten/kota, if any (policy-v1 §8 A9)."""
        for indication in self.geographical_indications:
            if indication.commodity == commodity and region_code in indication.regions:
                return indication
        return None

    def renewal_due(self, code: str, as_of: date) -> date | None:
        """For a held code without valid_until: the lapse day when its renewal window is open (§8 A11)."""
        rule = self.renewals.get(code)
        if rule is None:
            return None
        year = as_of.year
        while year % rule["cycle_years"] != rule["cycle_remainder"]:
            year += 1
        opens = date(year, rule["window_opens"]["month"], rule["window_opens"]["day"])
        return date(year + 1, 1, 1) if as_of >= opens else None

    def years_thresholds(self, as_of: date) -> frozenset[int]:
        """The N of every 'at least N years in business' criterion of the programmes offered on the date."""
        found = self._years_cache.get(as_of)
        if found is None:
            found = frozenset(
                criterion.params["years"]
                for programme in self.programmes
                if programme.offered_on(as_of)
                for criterion in programme.criteria
                if criterion.rule == "years_in_business_at_least"
            )
            self._years_cache[as_of] = found
        return found

    def upcoming_until(self, as_of: date) -> date:
        """Last day of the `upcoming` window (policy-v1 §3: 12 months)."""
        return add_months(as_of, self.upcoming_window_months)

    def size_class_of(self, annual_revenue_idr: float | None) -> str | None:
        """Size class by PP 7/2021 sales thresholds; None when revenue is unknown."""
        if annual_revenue_idr is None:
            return None
        for size_class, upper in self.size_bands:
            if upper is None or annual_revenue_idr <= upper:
                return size_class
        return self.size_bands[-1][0]

    def level_rank(self, level: str) -> int:
        """Position of a level, 0 = lowest."""
        return [name for name, _ in self.level_bands].index(level)

    def programme(self, code: str) -> Programme:
        """A programme by code."""
        for programme in self.programmes:
            if programme.code == code:
                return programme
        raise KeyError(code)


def describe_requirement(rule: str, params: dict[str, Any]) -> str:
    """Human-readable required value of a criterion rule (declared beside the rule in criteria.py)."""
    return RULES[rule].required(params)


# --------------------------------------------------------------------------------------------------------
# Loading and validation


class _Declared(Schema):
    """A declared policy-file mapping: unknown keys are refused, like a misspelt field."""

    class Meta:
        unknown = RAISE


class _Certification(_Declared):
    kind = fields.String(required=True)
    name_id = fields.String(required=True)
    name_en = fields.String(required=True)
    source = fields.String(required=True)


class _CertificationsFile(_Declared):
    version = fields.String()
    source = fields.String()
    codes = fields.Dict(
        keys=fields.String(validate=validate.Regexp(r"^[A-Z][A-Z0-9_]*$")),
        values=fields.Nested(_Certification),
        required=True,
        validate=validate.Length(min=1),
    )


class _ReviewReason(_Declared):
    message_id = fields.String(required=True)
    message_en = fields.String(required=True)
    source = fields.String(required=True)


class _ReviewFile(_Declared):
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


class _MarketGroup(_Declared):
    members = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    source = fields.String(required=True)
    assumption = fields.Boolean()
    note = fields.String()


class _MarketsFile(_Declared):
    version = fields.String()
    source = fields.String()
    domestic = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{2}$"))
    groups = fields.Dict(keys=fields.String(), values=fields.Nested(_MarketGroup), required=True)


def _invalid(message: str):
    raise ValidationError(message)


def _first_error(messages: Any, path: tuple[str, ...] = ()) -> tuple[tuple[str, ...], str]:
    """The first problem in marshmallow's nested messages, with its path (a Dict's `value` level dropped)."""
    if isinstance(messages, dict):
        key, value = next(iter(messages.items()))
        step = () if key in ("value", "_schema") else (str(key),)
        if key == "key":  # the mapping key itself is wrong
            step = ()
        return _first_error(value, path + step)
    if isinstance(messages, list):
        return path, str(messages[0]) if messages else "invalid"
    return path, str(messages)


class _FileReader:
    """Reads one policy file and formats problems as `<file>: entry <id>: <problem>`."""

    def checked(self, schema: Schema, document: dict) -> dict:
        """The document loaded by its declared schema; a problem names the file, entry and field."""
        try:
            return schema.load(document)
        except ValidationError as error:
            path, message = _first_error(error.messages)
            if len(path) > 1:  # entry, then the field in it
                message = f"{path[-1]}: {message}"
            raise self.fail(".".join(path[:-1]) or (path[0] if path else None), message) from error

    def __init__(self, path: Path) -> None:
        self.path = path
        self.display = _display_path(path)

    def fail(self, entry: str | None, problem: str) -> PolicyError:
        """Build the error for a problem in an entry (or the whole file)."""
        where = f"{self.display}: entry {entry}: " if entry else f"{self.display}: "
        return PolicyError(where + problem)

    def load(self) -> dict:
        """Parse the YAML file into a mapping."""
        try:
            document = yaml.load(self.path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
        except FileNotFoundError as error:
            raise self.fail(None, "file is missing") from error
        except yaml.YAMLError as error:
            raise self.fail(None, f"not valid YAML ({error})".replace("\n", " ")) from error
        if not isinstance(document, dict):
            raise self.fail(None, "top level is not a mapping")
        return document

    def date_field(self, entry: str, mapping: dict, key: str) -> date | None:
        """A date or null field."""
        value = mapping.get(key)
        try:
            return parse_date(value)
        except (ValueError, TypeError) as error:
            raise self.fail(entry, f"{key} {value!r} is not a date") from error

    def require(self, entry: str, mapping: dict, key: str, kind: type | tuple[type, ...]) -> Any:
        """A required field of the given type."""
        if not isinstance(mapping, dict):
            raise self.fail(entry, "not a mapping")
        if key not in mapping or mapping[key] is None:
            raise self.fail(entry, f"{key} is missing")
        value = mapping[key]
        if not isinstance(value, kind) or (kind in (int, float, (int, float)) and isinstance(value, bool)):
            raise self.fail(entry, f"{key} {value!r} has the wrong type")
        return value

    def number(self, entry: str, mapping: dict, key: str, minimum: float = 0) -> float:
        """A required non-negative number."""
        value = self.require(entry, mapping, key, (int, float))
        if value < minimum:
            raise self.fail(entry, f"{key} {value!r} is below {minimum}")
        return value


def _display_path(path: Path) -> str:
    """The path relative to the working directory when it is inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _content_hash(directory: Path) -> str:
    """sha256 over the policy files' names and bytes, in a fixed order."""
    digest = hashlib.sha256()
    for name in POLICY_FILES:
        digest.update(name.encode("utf-8") + b"\0")
        digest.update((directory / name).read_bytes())
        digest.update(b"\0")
    return "sha256:" + digest.hexdigest()[:16]


def _resolve_markets(reader: _FileReader, entry: str, values: Any, groups: dict, countries: frozenset | None):
    """Expand market codes and @GROUP references; `*` means every market (None)."""
    if not isinstance(values, list) or not values:
        raise reader.fail(entry, "markets must be a non-empty list")
    if "*" in values:
        if len(values) != 1:
            raise reader.fail(entry, "markets '*' cannot be combined with other markets")
        return None
    resolved: set[str] = set()
    for value in values:
        value = str(value)
        if value.startswith("@"):
            if value[1:] not in groups:
                raise reader.fail(entry, f"market group {value!r} is not defined in markets.yaml")
            resolved |= groups[value[1:]]
        elif len(value) == 2 and value.isalpha() and value.isupper():
            if countries is not None and value not in countries:
                raise reader.fail(entry, f"market {value!r} is not in the reference country list")
            resolved.add(value)
        else:
            raise reader.fail(entry, f"market {value!r} is not an ISO alpha-2 code or @GROUP")
    return frozenset(resolved)


def _reference_countries(directory: Path) -> frozenset[str] | None:
    """ISO alpha-2 codes from data/reference/country_codes.csv next to the policy directory, if present."""
    path = directory.parent / "reference" / "country_codes.csv"
    if not path.exists():
        return None
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        return frozenset(row["iso2"] for row in csv.DictReader(handle) if row.get("iso2"))


def _load_certifications(directory: Path) -> tuple[tuple[str, ...], dict[str, dict[str, str]]]:
    reader = _FileReader(directory / "certifications.yaml")
    codes = reader.checked(_CertificationsFile(), reader.load())["codes"]
    return tuple(codes), codes


def _load_markets(directory: Path, countries: frozenset | None) -> tuple[str, dict[str, frozenset[str]]]:
    reader = _FileReader(directory / "markets.yaml")
    document = reader.checked(_MarketsFile(), reader.load())
    groups: dict[str, frozenset[str]] = {}
    for name, entry in document["groups"].items():  # groups may refer to groups defined above them
        groups[name] = _resolve_markets(reader, name, entry["members"], groups, countries)
        if groups[name] is None:
            raise reader.fail(name, "a market group cannot be '*'")
    return document["domestic"], groups


@dataclass(frozen=True)
class _Vocabulary:
    """What requirement entries may refer to: codes, classes, commodities, market groups, programmes."""

    codes: tuple[str, ...]
    class_names: tuple[str, ...]
    commodities: tuple[str, ...]
    groups: dict[str, frozenset[str]]
    programme_codes: frozenset[str]
    countries: frozenset[str] | None


def _parse_selector(reader: _FileReader, entry_id: str, row: dict, vocabulary: _Vocabulary):
    """The entry's single product selector and its values."""
    applies_to = reader.require(entry_id, row, "applies_to", dict)
    if len(applies_to) != 1 or next(iter(applies_to)) not in SELECTORS:
        raise reader.fail(entry_id, f"applies_to must have exactly one of {', '.join(SELECTORS)}")
    selector, raw_values = next(iter(applies_to.items()))
    if selector == "all_products":
        if raw_values is not True:
            raise reader.fail(entry_id, "applies_to all_products must be true")
        return selector, frozenset()
    if not isinstance(raw_values, list) or not raw_values:
        raise reader.fail(entry_id, f"applies_to {selector} must be a non-empty list")
    values = frozenset(str(value) for value in raw_values)
    allowed = {
        "food": FOOD_KINDS,
        "product_classes": vocabulary.class_names,
        "commodities": vocabulary.commodities,
    }
    if selector in allowed:
        unknown = values - set(allowed[selector])
        if unknown:
            raise reader.fail(entry_id, f"applies_to {selector} has unknown values {sorted(unknown)}")
    elif any(not (value.isdigit() and 2 <= len(value) <= 6) for value in values):
        raise reader.fail(entry_id, "applies_to hs_prefixes must be 2 to 6 digits")
    return selector, values


def _parse_sizes(reader: _FileReader, entry_id: str, row: dict) -> frozenset[str] | None:
    """Size classes an entry binds; None for '*'."""
    raw_sizes = reader.require(entry_id, row, "size_classes", list)
    if raw_sizes == ["*"]:
        return None
    if not raw_sizes or any(size not in SIZE_CLASSES for size in raw_sizes):
        raise reader.fail(entry_id, f"size_classes {raw_sizes!r} must be '*' or of {', '.join(SIZE_CLASSES)}")
    return frozenset(raw_sizes)


def _check_codes(reader: _FileReader, entry_id: str, row: dict, vocabulary: _Vocabulary) -> tuple[str, ...]:
    """The any_of codes, known and led by the requirement code."""
    any_of = reader.require(entry_id, row, "any_of", list)
    for code in any_of:
        if code not in vocabulary.codes:
            raise reader.fail(entry_id, f"any_of code {code!r} is not in certifications.yaml")
    requirement = reader.require(entry_id, row, "requirement", str)
    if requirement != any_of[0]:
        raise reader.fail(entry_id, f"requirement {requirement!r} must be the first any_of code")
    return tuple(any_of)


def _requirement_entry(
    reader: _FileReader, entry_id: str, row: dict, vocabulary: _Vocabulary
) -> RequirementEntry:
    """One validated requirement entry."""
    any_of = _check_codes(reader, entry_id, row, vocabulary)
    selector, values = _parse_selector(reader, entry_id, row, vocabulary)
    scope = reader.require(entry_id, row, "scope", str)
    if scope not in ("business", "product"):
        raise reader.fail(entry_id, f"scope {scope!r} is not business or product")
    if scope == "business" and selector != "all_products":
        raise reader.fail(entry_id, "a business-scope requirement must apply to all products")
    severity = reader.require(entry_id, row, "severity", str)
    if severity not in SEVERITIES:
        raise reader.fail(entry_id, f"severity {severity!r} is not one of {', '.join(SEVERITIES)}")
    valid_from = reader.date_field(entry_id, row, "valid_from")
    valid_to = reader.date_field(entry_id, row, "valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        raise reader.fail(entry_id, f"valid_to {valid_to} is before valid_from {valid_from}")
    closed_by = tuple(row.get("closed_by") or ())
    for code in closed_by:
        if code not in vocabulary.programme_codes:
            raise reader.fail(entry_id, f"closed_by {code!r} is not a programme in programmes.yaml")
    assumption = bool(row.get("assumption", False))
    if assumption and not row.get("note"):
        raise reader.fail(entry_id, "assumption: true needs a note")
    region_match = row.get("region_match")
    if region_match is not None and region_match not in REGION_MATCHES:
        raise reader.fail(
            entry_id, f"region_match {region_match!r} is not one of {', '.join(REGION_MATCHES)}"
        )
    return RequirementEntry(
        id=entry_id,
        requirement=any_of[0],
        any_of=any_of,
        selector=selector,
        selector_values=values,
        scope=scope,
        markets=_resolve_markets(
            reader, entry_id, row.get("markets"), vocabulary.groups, vocabulary.countries
        ),
        size_classes=_parse_sizes(reader, entry_id, row),
        severity=severity,
        valid_from=valid_from,
        valid_to=valid_to,
        closed_by=closed_by,
        source=reader.require(entry_id, row, "source", str),
        assumption=assumption,
        note=row.get("note"),
        family=str(row.get("family") or ""),
        region_match=region_match,
        action_id=row.get("action_id"),
        action_en=row.get("action_en"),
    )


def _load_requirements(directory: Path, vocabulary: _Vocabulary) -> tuple[RequirementEntry, ...]:
    reader = _FileReader(directory / "requirements.yaml")
    rows = reader.require("requirements", reader.load(), "requirements", list)
    entries: list[RequirementEntry] = []
    seen: set[str] = set()
    for position, row in enumerate(rows, start=1):
        entry_id = str(row.get("id")) if isinstance(row, dict) and row.get("id") else f"#{position}"
        if entry_id in seen:
            raise reader.fail(entry_id, "id is used twice")
        seen.add(entry_id)
        entries.append(_requirement_entry(reader, entry_id, row, vocabulary))
    return tuple(entries)


def _check_values(reader: _FileReader, entry: str, key: str, values, vocabulary) -> None:
    """Every value of a list parameter is in its vocabulary."""
    bad = [value for value in values if value not in vocabulary]
    if bad:
        raise reader.fail(entry, f"parameter {key} has unknown values {bad}")


def _check_params(reader: _FileReader, entry: str, rule: str, params: dict, codes, class_names) -> None:
    """Check a criterion's parameters against the kinds its rule declares (criteria.RULES)."""
    declared = RULES[rule].params
    for key in declared:
        if key not in params:
            raise reader.fail(entry, f"rule {rule} needs parameter {key}")
    for key in params:
        if key not in declared:
            raise reader.fail(entry, f"rule {rule} has no parameter {key}")
    vocabularies = {
        "certificate_codes": codes,
        "credit_statuses": CREDIT_STATUSES,
        "size_classes": SIZE_CLASSES,
        "severities": tuple(SEVERITY_RANK),
        "food_kinds": FOOD_KINDS,
        "product_classes": class_names,
        "group_kinds": GROUP_KINDS,
    }
    for key, kind in declared.items():
        value = params[key]
        if kind == "number":
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise reader.fail(entry, f"parameter {key} {value!r} is not a number")
        elif not isinstance(value, list):
            raise reader.fail(entry, f"parameter {key} {value!r} is not a list")
        elif kind == "hs_prefixes":
            if any(not (str(prefix).isdigit() and 2 <= len(str(prefix)) <= 6) for prefix in value):
                raise reader.fail(entry, f"parameter {key} must list HS prefixes of 2 to 6 digits")
        else:
            _check_values(reader, entry, key, value, vocabularies[kind])


def _load_programmes(directory: Path, codes, class_names) -> tuple[Programme, ...]:
    reader = _FileReader(directory / "programmes.yaml")
    document = reader.load()
    rows = reader.require("programmes", document, "programmes", list)
    programmes = []
    seen = set()
    for position, row in enumerate(rows, start=1):
        code = str(row.get("code")) if isinstance(row, dict) and row.get("code") else f"#{position}"
        if code in seen:
            raise reader.fail(code, "code is used twice")
        seen.add(code)
        kind = reader.require(code, row, "type", str)
        if kind not in ("financial", "non_financial"):
            raise reader.fail(code, f"type {kind!r} is not financial or non_financial")
        criteria = []
        for index, raw in enumerate(reader.require(code, row, "criteria", list), start=1):
            name = str(raw.get("name")) if isinstance(raw, dict) and raw.get("name") else f"criterion {index}"
            where = f"{code}.{name}"
            rule = reader.require(where, raw, "rule", str)
            if rule not in RULES:
                raise reader.fail(where, f"rule {rule!r} is not one the engine knows ({', '.join(RULES)})")
            params = raw.get("params") or {}
            if not isinstance(params, dict):
                raise reader.fail(where, "params is not a mapping")
            _check_params(reader, where, rule, params, codes, class_names)
            assumption = bool(raw.get("assumption", False))
            if assumption and not raw.get("note"):
                raise reader.fail(where, "assumption: true needs a note")
            criteria.append(
                Criterion(
                    name=name,
                    rule=rule,
                    params=params,
                    source=reader.require(where, raw, "source", str),
                    assumption=assumption,
                    note=raw.get("note"),
                )
            )
        if not criteria:
            raise reader.fail(code, "a programme needs at least one criterion")
        valid_from = reader.date_field(code, row, "valid_from")
        valid_to = reader.date_field(code, row, "valid_to")
        if valid_from and valid_to and valid_to < valid_from:
            raise reader.fail(code, f"valid_to {valid_to} is before valid_from {valid_from}")
        assumption = bool(row.get("assumption", False))
        if assumption and not row.get("note"):
            raise reader.fail(code, "assumption: true needs a note")
        programmes.append(
            Programme(
                code=code,
                type=kind,
                name_id=reader.require(code, row, "name_id", str),
                name_en=reader.require(code, row, "name_en", str),
                criteria=tuple(criteria),
                terms=row.get("terms") or {},
                valid_from=valid_from,
                valid_to=valid_to,
                source=reader.require(code, row, "source", str),
                assumption=assumption,
                note=row.get("note"),
            )
        )
    return tuple(programmes)


DIMENSION_NUMBERS = {
    "compliance": ("markets_without_blocking_gaps", "markets_without_major_gaps"),
    "capacity": ("export_lot_points", "continuity_points", "continuity_full_at_years"),
    "management": (
        "years_in_business_points",
        "years_in_business_full_at_years",
        "bookkeeping_points",
        "bank_account_points",
    ),
    "market": (
        "export_direct_points",
        "export_indirect_points",
        "buyer_contract_points",
        "export_training_points",
        "target_market_chosen_points",
    ),
    "digital": ("email_points", "website_points", "marketplace_points"),
}


def _readiness_weights(reader: _FileReader, document: dict) -> dict[str, int]:
    weights = reader.require("weights", reader.require("weights", document, "weights", dict), "value", dict)
    if set(weights) != set(DIMENSIONS):
        raise reader.fail("weights", f"value must name exactly the dimensions {', '.join(DIMENSIONS)}")
    for name, weight in weights.items():
        if not isinstance(weight, int) or isinstance(weight, bool) or weight < 0:
            raise reader.fail("weights", f"{name} weight {weight!r} is not a non-negative integer")
    if sum(weights.values()) <= 0:
        raise reader.fail("weights", "weights sum to zero")
    return weights


def _readiness_levels(reader: _FileReader, document: dict) -> tuple[tuple[tuple[str, int], ...], str]:
    levels_block = reader.require("levels", document, "levels", dict)
    bands = []
    previous = -1
    for band in reader.require("levels", levels_block, "bands", list):
        level = reader.require("levels", band, "level", str)
        minimum = reader.require(f"levels.{level}", band, "min_score", int)
        if minimum <= previous:
            raise reader.fail(f"levels.{level}", f"min_score {minimum} is not above the previous band")
        previous = minimum
        bands.append((level, minimum))
    if not bands or bands[0][1] != 0:
        raise reader.fail("levels", "the first band must start at min_score 0")
    cap = reader.require("level_cap", reader.require("level_cap", document, "level_cap", dict), "level", str)
    if cap not in [name for name, _ in bands]:
        raise reader.fail("level_cap", f"level {cap!r} is not a level band")
    return tuple(bands), cap


def _readiness_dimensions(reader: _FileReader, document: dict, codes) -> dict:
    dims = reader.require("dimensions", document, "dimensions", dict)
    if set(dims) != set(DIMENSIONS):
        raise reader.fail("dimensions", f"must name exactly the dimensions {', '.join(DIMENSIONS)}")
    for dimension, keys in DIMENSION_NUMBERS.items():
        for key in keys:
            value = reader.number(f"dimensions.{dimension}", dims[dimension], key)
            if key.endswith("full_at_years") and value <= 0:
                raise reader.fail(f"dimensions.{dimension}", f"{key} must be above 0")
    legality = reader.require("dimensions.compliance", dims["compliance"], "legality_points", dict)
    for code in legality:
        if code not in codes:
            raise reader.fail(
                "dimensions.compliance", f"legality code {code!r} is not in certifications.yaml"
            )
        reader.number("dimensions.compliance", legality, code)
    credit = reader.require("dimensions.management", dims["management"], "credit_status_points", dict)
    if set(credit) != set(CREDIT_STATUSES):
        raise reader.fail(
            "dimensions.management", f"credit_status_points must name {', '.join(CREDIT_STATUSES)}"
        )
    return dims


def _quality_items(reader: _FileReader, dims: dict, vocabulary: _Vocabulary) -> tuple[QualityItem, ...]:
    """The quality items with the products each applies to (policy-v1 §4, §8 A6)."""
    items = []
    for item in reader.require("dimensions.quality", dims["quality"], "items", list):
        name = f"dimensions.quality.{item.get('name') if isinstance(item, dict) else '?'}"
        for code in reader.require(name, item, "any_of", list):
            if code not in vocabulary.codes:
                raise reader.fail(name, f"code {code!r} is not in certifications.yaml")
        selector, values = _parse_selector(reader, name, item, vocabulary)
        items.append(
            QualityItem(
                name=str(item["name"]),
                any_of=tuple(item["any_of"]),
                points=float(reader.number(name, item, "points")),
                selector=selector,
                selector_values=values,
            )
        )
    return tuple(items)


def _load_readiness(reader: _FileReader, document: dict, vocabulary: _Vocabulary):
    weights = _readiness_weights(reader, document)
    bands, cap = _readiness_levels(reader, document)
    dims = _readiness_dimensions(reader, document, vocabulary.codes)
    return weights, bands, cap, dims, _quality_items(reader, dims, vocabulary)


def _load_indications(directory: Path, commodities) -> tuple[GeographicalIndication, ...]:
    """Registered GIs (policy-v1 §8 A9), each with its source; regions are Kemendagri PP.KK codes."""
    reader = _FileReader(directory / "geographical_indications.yaml")
    document = reader.load()
    found = []
    for position, row in enumerate(reader.require("indications", document, "indications", list), 1):
        name = str(row.get("name")) if isinstance(row, dict) and row.get("name") else f"#{position}"
        commodity = reader.require(name, row, "commodity", str)
        if commodity not in commodities:
            raise reader.fail(name, f"commodity {commodity!r} is not one of {', '.join(commodities)}")
        regions = reader.require(name, row, "regions", list)
        if not regions or any(not re.fullmatch(r"\d{2}\.\d{2}", str(code)) for code in regions):
            raise reader.fail(name, "regions must be a non-empty list of PP.KK codes")
        assumption = bool(row.get("assumption", False))
        if assumption and not row.get("note"):
            raise reader.fail(name, "assumption: true needs a note")
        found.append(
            GeographicalIndication(
                name=name,
                registration=row.get("registration"),
                commodity=commodity,
                regions=frozenset(str(code) for code in regions),
                source=reader.require(name, row, "source", str),
                assumption=assumption,
                note=row.get("note"),
            )
        )
    return tuple(found)


def _size_bands(reader: _FileReader, document: dict) -> tuple[tuple[str, int | None], ...]:
    sizes = reader.require("size_classes", document, "size_classes", dict)
    bands = []
    previous = -1
    for band in reader.require("size_classes", sizes, "bands", list):
        name = reader.require("size_classes", band, "size_class", str)
        upper = band.get("max_revenue_idr")
        if upper is not None:
            if not isinstance(upper, int) or isinstance(upper, bool) or upper <= previous:
                raise reader.fail(
                    f"size_classes.{name}", f"max_revenue_idr {upper!r} is not an increasing integer"
                )
            previous = upper
        bands.append((name, upper))
    if [name for name, _ in bands] != list(SIZE_CLASSES) or bands[-1][1] is not None:
        raise reader.fail("size_classes", "bands must be micro, small, medium, large with an open last band")
    return tuple(bands)


def _export_lots(reader: _FileReader, document: dict, commodities):
    lots_block = reader.require("export_lots", document, "export_lots", dict)
    units = {}
    for unit, spec in reader.require("export_lots", lots_block, "units", dict).items():
        base = reader.require(f"export_lots.units.{unit}", spec, "base", str)
        units[unit] = (base, float(reader.number(f"export_lots.units.{unit}", spec, "factor")))
    lots = {}
    raw_lots = reader.require("export_lots", lots_block, "lots", dict)
    for commodity in commodities:
        if commodity not in raw_lots:
            raise reader.fail("export_lots.lots", f"commodity {commodity!r} has no export lot")
    for commodity, spec in raw_lots.items():
        amounts = reader.require(f"export_lots.lots.{commodity}", spec, "amounts", dict)
        for base, amount in amounts.items():
            if not isinstance(amount, (int, float)) or isinstance(amount, bool) or amount <= 0:
                raise reader.fail(
                    f"export_lots.lots.{commodity}", f"amount {amount!r} for {base} is not positive"
                )
        lots[commodity] = {base: float(amount) for base, amount in amounts.items()}
    return units, lots


def _load_thresholds(reader: _FileReader, document: dict, commodities):
    bands = _size_bands(reader, document)
    window = reader.require("upcoming_window_months", document, "upcoming_window_months", dict)
    window_months = reader.require("upcoming_window_months", window, "value", int)
    units, lots = _export_lots(reader, document, commodities)
    recent = reader.require("recent_export_months", document, "recent_export_months", dict)
    recent_months = reader.require("recent_export_months", recent, "value", int)
    review = reader.require("review", document, "review", dict)
    margin = reader.require(
        "review.score_margin", reader.require("review", review, "score_margin", dict), "value", int
    )
    hs_block = reader.require("review", review, "hs_score_threshold", dict)
    hs_threshold = reader.number("review.hs_score_threshold", hs_block, "value")
    if hs_threshold > 1:
        raise reader.fail("review.hs_score_threshold", f"value {hs_threshold} is above 1")
    what_if = reader.require("what_if", document, "what_if", dict)
    limits = {
        key: int(reader.number("what_if", what_if, key, minimum=1))
        for key in ("max_actions", "max_candidates", "max_evaluations", "max_results_per_goal")
    }
    policy_block = reader.require("policy", document, "policy", dict)
    label = reader.require("policy", policy_block, "version", str)
    renewals = {}
    for code, rule in (document.get("renewals") or {}).items():
        where = f"renewals.{code}"
        cycle = int(reader.number(where, rule, "cycle_years", minimum=1))
        remainder = int(reader.number(where, rule, "cycle_remainder"))
        opens = reader.require(where, rule, "window_opens", dict)
        try:
            date(2000, opens.get("month"), opens.get("day"))
        except (TypeError, ValueError) as error:
            raise reader.fail(where, f"window_opens {opens!r} is not a month and day") from error
        if remainder >= cycle:
            raise reader.fail(where, "cycle_remainder must be below cycle_years")
        reader.require(where, rule, "source", str)
        renewals[code] = {"cycle_years": cycle, "cycle_remainder": remainder, "window_opens": opens}
    thresholds = (bands, window_months, units, lots, recent_months, margin, float(hs_threshold), limits)
    return *thresholds, renewals, label


def _load_review(directory: Path) -> dict[str, dict[str, str]]:
    reader = _FileReader(directory / "review.yaml")
    return reader.checked(_ReviewFile(), reader.load())["reasons"]


def _history_dates(reader: _FileReader, node: Any, where: str = "") -> set[date]:
    """The `from` dates of every `history` list in a document (a parameter given as dated values)."""
    found: set[date] = set()
    if isinstance(node, dict):
        history = node.get("history")
        if history is not None:
            entry = where or "history"
            if not isinstance(history, list) or not history or not all(isinstance(v, dict) for v in history):
                raise reader.fail(entry, "history must be a non-empty list of mappings with `from`")
            starts = [reader.date_field(entry, version, "from") for version in history]
            if starts[0] is not None or any(start is None for start in starts[1:]):
                raise reader.fail(entry, "history must start with `from: null` and then give dates")
            if starts[1:] != sorted(set(starts[1:])):
                raise reader.fail(entry, "history dates must increase")
            found.update(starts[1:])
        for key, value in node.items():
            if key != "history":
                found |= _history_dates(reader, value, f"{where}.{key}" if where else str(key))
    return found


def _version_on(node: Any, day: date | None) -> Any:
    """The document with every dated parameter replaced by the version in force on the day."""
    if not isinstance(node, dict):
        return node
    resolved = {key: _version_on(value, day) for key, value in node.items() if key != "history"}
    history = node.get("history")
    if history is not None:
        chosen = history[0]
        for version in history[1:]:
            if day is not None and parse_date(version["from"]) <= day:
                chosen = version
        resolved.update({key: _version_on(value, day) for key, value in chosen.items() if key != "from"})
    return resolved


def _dated_parameters(
    directory: Path, vocabulary: _Vocabulary, commodities
) -> list[tuple[date | None, dict]]:
    """Every number of readiness.yaml and thresholds.yaml per date it changes: [(from, fields)], oldest first.

    A mapping in either file may give `history: [{from: null, ...}, {from: DATE, ...}]`; the keys of the
    version in force replace the mapping's own. Each version is validated like the whole file.
    """
    readiness_reader = _FileReader(directory / "readiness.yaml")
    thresholds_reader = _FileReader(directory / "thresholds.yaml")
    readiness, thresholds = readiness_reader.load(), thresholds_reader.load()
    starts = _history_dates(readiness_reader, readiness) | _history_dates(thresholds_reader, thresholds)
    versions = []
    for start in [None, *sorted(starts)]:
        weights, level_bands, level_cap, dimensions, quality_items = _load_readiness(
            readiness_reader, _version_on(readiness, start), vocabulary
        )
        bands, window, units, lots, recent, margin, hs_threshold, limits, renewals, label = _load_thresholds(
            thresholds_reader, _version_on(thresholds, start), commodities
        )
        fields = {
            "weights": weights,
            "level_bands": level_bands,
            "level_cap": level_cap,
            "dimensions": dimensions,
            "quality_items": quality_items,
            "size_bands": tuple(bands),
            "upcoming_window_months": window,
            "unit_bases": units,
            "export_lots": lots,
            "recent_export_months": recent,
            "review_margin": margin,
            "hs_score_threshold": hs_threshold,
            "what_if_limits": limits,
            "renewals": renewals,
            "label": label,
        }
        versions.append((start, fields))
    return versions


def load_policy(directory: Path = DEFAULT_POLICY_DIR) -> Policy:
    """Read and validate every policy file; raise PolicyError naming the file, entry and problem."""
    directory = Path(directory)
    if not directory.is_dir():
        raise PolicyError(f"{_display_path(directory)}: policy directory is missing")
    for name in POLICY_FILES:
        if not (directory / name).is_file():
            raise PolicyError(f"{_display_path(directory / name)}: file is missing")
    countries = _reference_countries(directory)
    codes, code_names = _load_certifications(directory)
    classes_reader = _FileReader(directory / "product_classes.yaml")
    try:
        class_index = build_class_index(classes_reader.load())
    except ValueError as error:
        raise PolicyError(f"{classes_reader.display}: {error}") from error
    class_names = tuple(dict.fromkeys(product_class.name for product_class in class_index.values()))
    commodities = COMMODITIES
    domestic, groups = _load_markets(directory, countries)
    programmes = _load_programmes(directory, codes, class_names)
    vocabulary = _Vocabulary(
        codes, class_names, commodities, groups, frozenset(p.code for p in programmes), countries
    )
    requirements = _load_requirements(directory, vocabulary)
    versions = _dated_parameters(directory, vocabulary, commodities)
    current = versions[-1][1]
    renewals, label = current.pop("renewals"), current.pop("label")
    for code in renewals:
        if code not in codes:
            raise PolicyError(
                f"{_display_path(directory / 'thresholds.yaml')}: entry renewals.{code}: unknown code"
            )
    return Policy(
        label=label,
        content_hash=_content_hash(directory),
        directory=directory,
        certification_codes=codes,
        certification_names=code_names,
        class_index=class_index,
        class_names=class_names,
        domestic_market=domestic,
        market_groups=groups,
        requirements=requirements,
        programmes=programmes,
        **current,
        review_messages=_load_review(directory),
        geographical_indications=_load_indications(directory, commodities),
        renewals=renewals,
        countries=countries,
        parameter_versions=tuple(versions),
    )
