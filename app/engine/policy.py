"""Policy as dated data: read, validate and index the files in data/policy/ (policy-v1, all sections).

Every number the rules use comes from these files. `load_policy` refuses a broken file with a
PolicyError that names the file, the entry and the problem, so a bad edit stops the app at boot.
"""

from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from marshmallow import Schema, ValidationError

from app.engine import policy_files as files
from app.engine.criteria import RULES
from app.engine.dates import add_months
from app.engine.errors import PolicyError
from app.engine.policy_files import DIMENSIONS, REFERENCES, SEVERITY_RANK, References  # noqa: F401
from app.engine.products import OTHER_CLASS, ProductClass, build_class_index, match_class

# DIMENSIONS and SIZE_CLASSES are read from here by the rules.
from app.vocabulary import COMMODITIES, SIZE_CLASSES  # noqa: F401

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
# Severities most severe first; URGENCY: the gaps to close (opportunities are offers, not gaps).
SEVERITY_ORDER = tuple(sorted(SEVERITY_RANK, key=SEVERITY_RANK.get, reverse=True))
URGENCY = tuple(name for name in SEVERITY_ORDER if name != "opportunity")


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
        return self._required

    @cached_property
    def _required(self) -> str:
        """required_text, built once (the parameters do not change)."""
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
    certification_names: dict[str, dict[str, str]]  # code -> its certifications.yaml entry (names, role)
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

    def certificate_for(self, role: str) -> str | None:
        """The certificate code certifications.yaml gives the role (policy_files.CERTIFICATE_ROLES)."""
        return self._roles.get(role)

    @cached_property
    def _roles(self) -> dict[str, str]:
        """Each role's certificate code (the first listed with it), read once."""
        roles: dict[str, str] = {}
        for code, entry in self.certification_names.items():
            if entry.get("role") is not None:
                roles.setdefault(entry["role"], code)
        return roles

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
# Loading: each file through its declared schema (policy_files), then into the Policy's objects


class _FileReader:
    """Reads one policy file and formats problems as `<file>: entry <id>: <field> <problem>`."""

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

    def checked(self, schema: Schema, document: dict | None = None) -> dict:
        """The document loaded by its declared schema; a problem names the file, entry and field."""
        document = self.load() if document is None else document
        try:
            return schema.load(document)
        except ValidationError as error:
            entry, message = files.error_text(error.messages, document)
            raise self.fail(entry, message) from error


_SCHEMAS: dict[type, Schema] = {}


def _schema(kind: type) -> Schema:
    """One instance per declared schema (made once: nested schemas are built on first use)."""
    found = _SCHEMAS.get(kind)
    if found is None:
        found = _SCHEMAS[kind] = kind()
    return found


@contextmanager
def _references(references: References):
    """What the files read inside may refer to (codes, classes, groups, programmes, countries)."""
    token = REFERENCES.set(references)
    try:
        yield
    finally:
        REFERENCES.reset(token)


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


def _reference_countries(directory: Path) -> frozenset[str] | None:
    """ISO alpha-2 codes from data/reference/country_codes.csv next to the policy directory, if present."""
    path = directory.parent / "reference" / "country_codes.csv"
    if not path.exists():
        return None
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        return frozenset(row["iso2"] for row in csv.DictReader(handle) if row.get("iso2"))


def _load_markets(directory: Path, countries: frozenset | None) -> tuple[str, dict[str, frozenset[str]]]:
    reader = _FileReader(directory / "markets.yaml")
    document = reader.checked(_schema(files.MarketsFile))
    groups: dict[str, frozenset[str]] = {}
    for name, entry in document["groups"].items():  # groups may refer to groups defined above them
        try:
            groups[name] = files.resolve_markets(entry["members"], groups, countries)
        except ValueError as error:
            raise reader.fail(f"groups.{name}", f"members {error}") from None
        if groups[name] is None:
            raise reader.fail(f"groups.{name}", "a market group cannot be '*'")
    return document["domestic"], groups


def _programme(row: dict) -> Programme:
    criteria = tuple(
        Criterion(
            name=raw["name"],
            rule=raw["rule"],
            params=raw.get("params") or {},
            source=raw["source"],
            assumption=raw["assumption"],
            note=raw.get("note"),
        )
        for raw in row["criteria"]
    )
    return Programme(
        code=row["code"],
        type=row["type"],
        name_id=row["name_id"],
        name_en=row["name_en"],
        criteria=criteria,
        terms=row.get("terms") or {},
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        source=row["source"],
        assumption=row["assumption"],
        note=row.get("note"),
    )


def _requirement(row: dict) -> RequirementEntry:
    selector, values = row["applies_to"]
    return RequirementEntry(
        id=row["id"],
        requirement=row["any_of"][0],
        any_of=tuple(row["any_of"]),
        selector=selector,
        selector_values=values,
        scope=row["scope"],
        markets=row["markets"],
        size_classes=row["size_classes"],
        severity=row["severity"],
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        closed_by=tuple(row.get("closed_by") or ()),
        source=row["source"],
        assumption=row["assumption"],
        note=row.get("note"),
        family=row.get("family") or "",
        region_match=row.get("region_match"),
        action_id=row.get("action_id"),
        action_en=row.get("action_en"),
    )


def _indication(row: dict) -> GeographicalIndication:
    return GeographicalIndication(
        name=row["name"],
        registration=row.get("registration"),
        commodity=row["commodity"],
        regions=frozenset(row["regions"]),
        source=row["source"],
        assumption=row["assumption"],
        note=row.get("note"),
    )


def _readiness_fields(readiness: dict) -> dict[str, Any]:
    """The Policy fields of one checked version of readiness.yaml."""
    dimensions = readiness["dimensions"]
    items = tuple(
        QualityItem(
            name=item["name"],
            any_of=tuple(item["any_of"]),
            points=float(item["points"]),
            selector=item["applies_to"][0],
            selector_values=item["applies_to"][1],
        )
        for item in dimensions["quality"]["items"]
    )
    return {
        "weights": readiness["weights"]["value"],
        "level_bands": tuple((band["level"], band["min_score"]) for band in readiness["levels"]["bands"]),
        "level_cap": readiness["level_cap"]["level"],
        "dimensions": dimensions,
        "quality_items": items,
    }


def _thresholds_fields(thresholds: dict) -> dict[str, Any]:
    """The Policy fields of one checked version of thresholds.yaml."""
    lots = thresholds["export_lots"]
    review = thresholds["review"]
    renewals = {
        code: {key: rule[key] for key in ("cycle_years", "cycle_remainder", "window_opens")}
        for code, rule in (thresholds.get("renewals") or {}).items()
    }
    return {
        "size_bands": tuple(
            (band["size_class"], band["max_revenue_idr"]) for band in thresholds["size_classes"]["bands"]
        ),
        "upcoming_window_months": thresholds["upcoming_window_months"]["value"],
        "unit_bases": {unit: (spec["base"], float(spec["factor"])) for unit, spec in lots["units"].items()},
        "export_lots": {
            commodity: {base: float(amount) for base, amount in spec["amounts"].items()}
            for commodity, spec in lots["lots"].items()
        },
        "recent_export_months": thresholds["recent_export_months"]["value"],
        "review_margin": review["score_margin"]["value"],
        "hs_score_threshold": float(review["hs_score_threshold"]["value"]),
        "what_if_limits": {
            key: value for key, value in thresholds["what_if"].items() if key.startswith("max_")
        },
        "renewals": renewals,
        "label": thresholds["policy"]["version"],
    }


def _dated_parameters(directory: Path) -> list[tuple[date | None, dict]]:
    """Every number of readiness.yaml and thresholds.yaml per date it changes: [(from, fields)], oldest first.

    A mapping in either file may give `history:` (policy_files.History); the keys of the version in force
    replace the mapping's own. Each version is checked by the file's schema like the whole file.
    """
    readers = (_FileReader(directory / "readiness.yaml"), _FileReader(directory / "thresholds.yaml"))
    documents = [reader.load() for reader in readers]
    starts: set[date] = set()
    for reader, document in zip(readers, documents, strict=True):
        found, problem = files.history_dates(document)
        if problem:
            raise reader.fail(*problem)
        starts |= found
    versions = []
    for start in [None, *sorted(starts)]:
        readiness = readers[0].checked(_schema(files.ReadinessFile), files.version_on(documents[0], start))
        thresholds = readers[1].checked(_schema(files.ThresholdsFile), files.version_on(documents[1], start))
        versions.append((start, {**_readiness_fields(readiness), **_thresholds_fields(thresholds)}))
    return versions


def load_version_file(path: Path) -> dict:
    """A policy version file (data/policy_versions/*.yaml) checked by its declared schema (PolicyError
    naming file, entry and field); its changes are checked when applied and loaded (app/policies)."""
    return _FileReader(Path(path)).checked(_schema(files.PolicyVersionFile))


def load_policy(directory: Path = DEFAULT_POLICY_DIR) -> Policy:
    """Read every policy file through its declared schema; raise PolicyError naming file, entry and field."""
    directory = Path(directory)
    if not directory.is_dir():
        raise PolicyError(f"{_display_path(directory)}: policy directory is missing")
    for name in POLICY_FILES:
        if not (directory / name).is_file():
            raise PolicyError(f"{_display_path(directory / name)}: file is missing")
    countries = _reference_countries(directory)
    code_names = _FileReader(directory / "certifications.yaml").checked(_schema(files.CertificationsFile))[
        "codes"
    ]
    codes = tuple(code_names)
    class_index = build_class_index(
        _FileReader(directory / "product_classes.yaml").checked(_schema(files.ProductClassesFile))
    )
    class_names = tuple(dict.fromkeys(product_class.name for product_class in class_index.values()))
    domestic, groups = _load_markets(directory, countries)
    references = References(
        codes=codes, class_names=class_names, commodities=COMMODITIES, countries=countries
    )
    with _references(references):
        programmes = tuple(
            _programme(row)
            for row in _FileReader(directory / "programmes.yaml").checked(_schema(files.ProgrammesFile))[
                "programmes"
            ]
        )
    references = replace(references, groups=groups, programme_codes=frozenset(p.code for p in programmes))
    with _references(references):
        requirements = tuple(
            _requirement(row)
            for row in _FileReader(directory / "requirements.yaml").checked(_schema(files.RequirementsFile))[
                "requirements"
            ]
        )
        versions = _dated_parameters(directory)
        indications = tuple(
            _indication(row)
            for row in _FileReader(directory / "geographical_indications.yaml").checked(
                _schema(files.IndicationsFile)
            )["indications"]
        )
    review = _FileReader(directory / "review.yaml").checked(_schema(files.ReviewFile))["reasons"]
    current = dict(versions[-1][1])
    renewals, label = current.pop("renewals"), current.pop("label")
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
        review_messages=review,
        geographical_indications=indications,
        renewals=renewals,
        countries=countries,
        parameter_versions=tuple(versions),
    )
