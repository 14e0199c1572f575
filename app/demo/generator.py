"""Seeded generator of a realistic population of demo IKM profiles (contract.md shape). Generated, not real.

The proportions live in data/demo/*.yaml (each with its source or assumption); this module only draws.
Scalar attributes are drawn in bulk with a numpy Generator; per-item details with a random.Random. Both are
seeded from `seed`, so a seed always gives the same population.
"""

from __future__ import annotations

import datetime as dt
import gc
import math
import random
import re
from bisect import bisect
from collections import Counter
from dataclasses import dataclass

import numpy as np

from app.demo.tables import (
    COMMODITIES,
    FARM_COMMODITIES,
    SIZE_CLASSES,
    Cumulative,
    Tables,
    cumulative,
    load_tables,
)
from app.vocabulary import PRACTICE_FIELDS as PRACTICES

DEMO_LABEL = "Data demo hasil generator (bukan data nyata) / Generated demo data (not real)"
DEFAULT_COUNT = 1200
DEFAULT_SEED = 20261127


def _pick(rnd: random.Random, table: Cumulative):
    """One weighted pick from a Cumulative."""
    return table.values[bisect(table.cum, rnd.random() * table.total, 0, table.last)]


def _choice(rnd: random.Random, values: tuple):
    """One uniform pick from a non-empty tuple (faster than Random.choice)."""
    return values[int(rnd.random() * len(values)) % len(values)]


def _pick_distinct(rnd: random.Random, table: Cumulative, count: int, exclude: tuple = ()) -> list:
    """Up to `count` distinct weighted picks (without replacement), skipping `exclude`."""
    if count <= 0:
        return []
    if count == 1 and not exclude:
        return [_pick(rnd, table)]
    available = [value for value in table.values if value not in exclude]
    count = min(count, len(available))
    chosen: list = []
    tries = 0
    while len(chosen) < count and tries < 40 * count:
        value = _pick(rnd, table)
        tries += 1
        if value not in chosen and value not in exclude:
            chosen.append(value)
    for value in available:
        if len(chosen) >= count:
            break
        if value not in chosen:
            chosen.append(value)
    return chosen


@dataclass(frozen=True)
class _Rule:
    """A compiled certification rule: a condition and the probability of holding per size class."""

    food: str | None
    commodities: frozenset[str] | None
    classes: frozenset[str] | None
    hs_prefixes: tuple[str, ...] | None
    markets: frozenset[str] | None
    gi: bool | None
    held: tuple[float, ...]

    def matches(self, foods: set, commodities: set, classes: set, hs: list, targets: set, gi: bool) -> bool:
        """Whether the IKM with these product and market features meets the condition."""
        if self.food is not None and not (foods if self.food == "any" else self.food in foods):
            return False
        if self.commodities is not None and self.commodities.isdisjoint(commodities):
            return False
        if self.classes is not None and self.classes.isdisjoint(classes):
            return False
        if self.hs_prefixes is not None and not any(code.startswith(self.hs_prefixes) for code in hs):
            return False
        if self.markets is not None and self.markets.isdisjoint(targets):
            return False
        return self.gi is None or self.gi == gi


@dataclass(frozen=True)
class _CertSpec:
    """How one certificate code is drawn."""

    code: str
    rules: tuple[_Rule, ...]
    valid_days: int | None
    dated_share: float
    expired_share: float
    fixed_valid: str | None
    fixed_expired: str | None


class _Plan:
    """Generator-ready tables derived from the loaded data (built once per process)."""

    _cached: _Plan | None = None

    def __init__(self, tables: Tables) -> None:
        population = tables.population
        names = tables.names
        self.tables = tables
        self.reference_date = tables.reference_date
        self.reference_ordinal = tables.reference_date.toordinal()
        self.reference_year = tables.reference_date.year
        sizes = population["size_classes"]
        self.size_shares = np.array([float(sizes["shares"]["values"][size]) for size in SIZE_CLASSES])
        self.size_shares = self.size_shares / self.size_shares.sum()
        self.bands = [sizes["bands"][size] for size in SIZE_CLASSES]
        self.skew = float(sizes["revenue_quantile_skew"]["value"])
        self.employee_noise = float(sizes["employee_noise"]["value"])
        boost = float(population["farm_group_boost"]["value"])
        self.legal_forms: dict[tuple[str, bool], Cumulative] = {}
        for size in SIZE_CLASSES:
            base = population["legal_form_by_size"][size]
            self.legal_forms[(size, False)] = cumulative(base)
            boosted = {
                form: share * (boost if form in ("koperasi", "kelompok") else 1.0)
                for form, share in base.items()
            }
            self.legal_forms[(size, True)] = cumulative(boosted)
        group = population["group"]
        self.group_kind = {
            "koperasi": cumulative(group["koperasi"]),
            "kelompok": cumulative(group["kelompok"]),
            "other": cumulative(group["other"]),
        }
        self.group_members = {kind: tuple(bounds) for kind, bounds in group["members"].items()}
        self.below_minimum_share = float(group["below_minimum_share"])
        founded = population["founded"]
        self.founded_min = int(founded["min_year"])
        self.founded_mu = math.log(float(founded["median_years"]))
        self.founded_sigma = float(founded["sigma"])
        self.founded_omitted = float(founded["omitted_share"])
        gender = population["owner_gender"]
        self.gender_default = cumulative(gender["default"])
        self.gender_by_kind = {kind: cumulative(weights) for kind, weights in gender["by_kind"].items()}
        self.credit = {size: cumulative(population["credit_status_by_size"][size]) for size in SIZE_CLASSES}
        stars = population["ovop_stars"]
        self.stars = cumulative({int(star): weight for star, weight in stars["star_weights"].items()})
        self.starred_in_sentra = float(stars["starred_share"]["in_sentra"])
        self.starred_other = float(stars["starred_share"]["other"])
        self.product_count = cumulative(
            {int(k): v for k, v in population["products_per_ikm"]["weights"].items()}
        )
        self.hs_omitted = float(population["hs_code_omitted_share"]["value"])
        practices = population["practices_by_size"]
        self.practices = {
            size: tuple(float(practices[size][name]) for name in PRACTICES) for size in SIZE_CLASSES
        }
        self.group_bookkeeping_bonus = float(practices["group_bookkeeping_bonus"])
        exports = population["export_history_by_size"]
        self.export_p = {
            size: (float(exports[size]["direct"]), float(exports[size]["indirect"])) for size in SIZE_CLASSES
        }
        self.export_years_ago = cumulative(dict(enumerate(exports["last_export_years_ago"]["weights"])))
        self.export_market_count = cumulative({int(k): v for k, v in exports["markets_count"].items()})
        self.target_count = {
            size: cumulative({int(k): v for k, v in population["target_market_count_by_size"][size].items()})
            for size in SIZE_CLASSES
        }
        self.export_in_targets = float(population["export_market_in_targets_share"])
        contract = population["buyer_contract"]
        self.contract_p = (float(contract["direct"]), float(contract["indirect"]), float(contract["none"]))
        self.templates = {
            kind: (templates, cumulative({i: t.weight for i, t in enumerate(templates)}))
            for kind, templates in tables.templates.items()
        }
        products = tables.products
        self.utilisation = (float(products["utilisation"]["low"]), float(products["utilisation"]["high"]))
        self.first_share = float(products["first_product_revenue_share"])
        self.certs = self._cert_specs(population["certifications"]["codes"], tables.market_groups)
        # Distinct market sets the rules test ({US}, {CN}, EU-27): part of the cache key of applicable rules.
        self.cert_market_sets = tuple(
            sorted(
                {rule.markets for spec in self.certs for rule in spec.rules if rule.markets is not None},
                key=sorted,
            )
        )
        self._applicable: dict[tuple, tuple] = {}
        self.name_patterns = {form: tuple(patterns) for form, patterns in names["patterns"].items()}
        self.name_words = {kind: tuple(words) for kind, words in names["words"].items()}
        self.coop_words = {key: tuple(words) for key, words in names["coop"].items()}
        self.group_words = {key: tuple(words) for key, words in names["group"].items()}
        self.generic_words = {key: tuple(words) for key, words in names["generic"].items()}
        self.mottos = tuple(names["mottos"])
        self.persons = {gender: tuple(people) for gender, people in names["persons"].items()}
        self.nib_prefix = str(population["nib_prefix"])

    def _cert_specs(self, codes: dict, groups: dict[str, frozenset[str]]) -> tuple[_CertSpec, ...]:
        """Compile the certification rules of population.yaml."""
        specs = []
        for code, spec in codes.items():
            rules = []
            for rule in spec["rules"]:
                when = rule.get("when") or {}
                markets = None
                if "market" in when:
                    markets = frozenset().union(*(groups.get(m, frozenset({m})) for m in when["market"]))
                rules.append(
                    _Rule(
                        food=when.get("food"),
                        commodities=frozenset(when["commodity"]) if "commodity" in when else None,
                        classes=frozenset(when["product_class"]) if "product_class" in when else None,
                        hs_prefixes=tuple(str(p) for p in when["hs_prefix"]) if "hs_prefix" in when else None,
                        markets=markets,
                        gi=when.get("gi"),
                        held=tuple(float(rule["held"][size]) for size in SIZE_CLASSES),
                    )
                )
            fixed = spec.get("fixed_dates") or {}
            specs.append(
                _CertSpec(
                    code=code,
                    rules=tuple(rules),
                    valid_days=int(spec["valid_years"] * 365) if spec.get("valid_years") else None,
                    dated_share=float(spec.get("dated_share", 0.0)),
                    expired_share=float(spec.get("expired_share", 0.0)),
                    fixed_valid=str(fixed["valid"]) if "valid" in fixed else None,
                    fixed_expired=str(fixed["expired"]) if "expired" in fixed else None,
                )
            )
        return tuple(specs)

    @classmethod
    def get(cls) -> _Plan:
        """The plan for the current data files (built on first use)."""
        if cls._cached is None:
            cls._cached = cls(load_tables())
        return cls._cached


def generate_profiles(count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> list[dict]:
    """Generate `count` valid IKM profiles (contract.md shape), deterministic for `seed`."""
    if count < 0:
        raise ValueError("count must be >= 0")
    plan = _Plan.get()
    tables = plan.tables
    rng = np.random.default_rng(seed)
    rnd = random.Random(seed)

    segments = tables.segments
    segment_p = np.array([segment.probability for segment in segments])
    segment_idx = rng.choice(len(segments), size=count, p=segment_p / segment_p.sum())
    region_idx = np.empty(count, dtype=np.int64)
    for index, segment in enumerate(segments):
        mask = segment_idx == index
        if mask.any():
            region_idx[mask] = rng.choice(len(tables.region_codes), size=int(mask.sum()), p=segment.region_p)
    size_idx = rng.choice(len(SIZE_CLASSES), size=count, p=plan.size_shares)
    quantile = rng.random(count) ** plan.skew
    employee_q = np.clip(quantile + rng.normal(0.0, plan.employee_noise, count), 0.0, 1.0)
    nib_numbers = rng.choice(10 ** (13 - len(plan.nib_prefix)), size=count, replace=False)

    # The profiles are acyclic: pausing the cyclic garbage collector while building 100,000 nested dicts
    # roughly halves the time (it would otherwise rescan the growing list again and again).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return [
            _profile(plan, rnd, segments[s].commodity, segments[s].kind, region, size, q, eq, nib)
            for s, region, size, q, eq, nib in zip(
                segment_idx.tolist(),
                region_idx.tolist(),
                size_idx.tolist(),
                quantile.tolist(),
                employee_q.tolist(),
                nib_numbers.tolist(),
                strict=True,
            )
        ]
    finally:
        if gc_was_enabled:
            gc.enable()


def _log_between(low: float, high: float, quantile: float) -> float:
    """A value between low and high, log-uniform in the quantile."""
    return low * (high / low) ** quantile


def _profile(
    plan: _Plan,
    rnd: random.Random,
    commodity: str,
    kind: str,
    region_i: int,
    size_i: int,
    q: float,
    eq: float,
    nib_number: int,
) -> dict:
    """Build one profile dict."""
    tables = plan.tables
    size = SIZE_CLASSES[size_i]
    band = plan.bands[size_i]
    revenue_low, revenue_high = band["revenue_idr"]
    revenue = int(round(_log_between(revenue_low, revenue_high, q), -6))
    revenue = min(max(revenue, revenue_low), revenue_high)
    employees_low, employees_high = band["employees"]
    employees = round(_log_between(employees_low, employees_high, eq))
    farm = commodity in FARM_COMMODITIES
    legal_form = _pick(rnd, plan.legal_forms[(size, farm)])
    group = _group(plan, rnd, legal_form)
    gender = _pick(rnd, plan.gender_by_kind.get(kind, plan.gender_default))
    origin = tables.labels[kind][region_i]
    products, features = _products(plan, rnd, commodity, kind, region_i, origin, revenue)
    export_history, targets = _markets(plan, rnd, commodity, size)
    profile: dict = {
        "name": _name(plan, rnd, legal_form, commodity, kind, origin, gender),
        "nib": plan.nib_prefix + f"{nib_number:0{13 - len(plan.nib_prefix)}d}",
        "legal_form": legal_form,
        "region_code": tables.region_codes[region_i],
    }
    if rnd.random() >= plan.founded_omitted:
        years = int(rnd.lognormvariate(plan.founded_mu, plan.founded_sigma))
        profile["founded_year"] = max(plan.founded_min, plan.reference_year - years)
    profile["employees"] = employees
    profile["annual_revenue_idr"] = revenue
    profile["owner_gender"] = gender
    profile["credit_status"] = _pick(rnd, plan.credit[size])
    if group is not None:
        profile["group"] = group
    starred = plan.starred_in_sentra if group and group["kind"] == "sentra" else plan.starred_other
    profile["ovop_stars"] = _pick(rnd, plan.stars) if rnd.random() < starred else 0
    profile["products"] = products
    gi = tables.gi[kind][region_i]
    profile["certifications"] = _certifications(plan, rnd, size_i, kind, features, targets, gi)
    profile["export_history"] = export_history
    profile["target_markets"] = targets
    contract = _buyer_contract(plan, rnd, export_history, targets)
    if contract is not None:
        profile["buyer_contract"] = contract
    bookkeeping_bonus = plan.group_bookkeeping_bonus if legal_form in ("koperasi", "kelompok") else 0.0
    chances = plan.practices[size]
    profile["practices"] = {
        name: rnd.random() < (chance + (bookkeeping_bonus if name == "bookkeeping" else 0.0))
        for name, chance in zip(PRACTICES, chances, strict=True)
    }
    return profile


def _group(plan: _Plan, rnd: random.Random, legal_form: str) -> dict | None:
    """Group membership from the legal form (a koperasi is a cooperative, a kelompok a sentra or village)."""
    kind = _pick(rnd, plan.group_kind.get(legal_form, plan.group_kind["other"]))
    if kind == "none":
        return None
    if rnd.random() < plan.below_minimum_share:
        members = rnd.randint(0, 4)
    else:
        low, high = plan.group_members[kind]
        members = round(_log_between(low, high, rnd.random()))
    return {"kind": kind, "members": members}


def _name(
    plan: _Plan, rnd: random.Random, legal_form: str, commodity: str, kind: str, origin: str, gender: str
) -> str:
    """A realistic Indonesian trade name for the legal form and product kind."""
    pattern = _choice(rnd, plan.name_patterns[legal_form])
    key = "farm" if commodity in FARM_COMMODITIES else "crafts" if commodity == "crafts" else "other"
    name = pattern.format(
        word=_choice(rnd, plan.name_words[kind]),
        motto=_choice(rnd, plan.mottos),
        origin=origin,
        person=_choice(rnd, plan.persons[gender]),
        coop=_choice(rnd, plan.coop_words[key]),
        group=_choice(rnd, plan.group_words[key]),
        generic=_choice(rnd, plan.generic_words[key]),
    )
    return " ".join(name.split())[:200]


def _products(
    plan: _Plan, rnd: random.Random, commodity: str, kind: str, region_i: int, origin: str, revenue: int
) -> tuple[list[dict], tuple]:
    """1–4 products of the kind, with capacity consistent with revenue; and the product features."""
    templates, weights = plan.templates[kind]
    count = _pick(rnd, plan.product_count)
    chosen = _pick_distinct(rnd, weights, count)
    if commodity == "coffee":
        variety = "arabika" if rnd.random() < plan.tables.arabica_share[region_i] else "robusta"
    else:
        variety = ""
    if len(chosen) == 1:
        shares = [1.0]
    else:
        rest = (1.0 - plan.first_share) / (len(chosen) - 1)
        shares = [plan.first_share] + [rest] * (len(chosen) - 1)
    low, high = plan.utilisation
    products = []
    foods: set[str] = set()
    commodities: set[str] = set()
    classes: set[str] = set()
    hs_codes: list[str] = []
    for template_i, share in zip(chosen, shares, strict=True):
        template = templates[template_i]
        description = template.desc.format(origin=origin, variety=variety, pack=_choice(rnd, template.packs))
        product: dict = {"description": " ".join(description.split())}
        if rnd.random() >= plan.hs_omitted:
            product["hs_code"] = template.hs
        utilisation = low + (high - low) * rnd.random()
        product["monthly_capacity"] = max(1, round(revenue * share / 12 / template.price_idr / utilisation))
        product["capacity_unit"] = template.unit
        products.append(product)
        if template.food:
            foods.add(template.food)
        commodities.add(template.commodity)
        classes.add(template.product_class)
        hs_codes.append(template.hs)
    return products, (tuple(sorted(chosen)), foods, commodities, classes, hs_codes)


def _markets(plan: _Plan, rnd: random.Random, commodity: str, size: str) -> tuple[dict, list[str]]:
    """Export history and target markets (ISO2), drawn from the commodity's market weights."""
    markets = plan.tables.markets[commodity]
    direct_p, indirect_p = plan.export_p[size]
    direct = rnd.random() < direct_p
    indirect = rnd.random() < indirect_p
    history: dict = {"direct": direct, "indirect": indirect, "markets": []}
    if direct or indirect:
        history["markets"] = _pick_distinct(rnd, markets, _pick(rnd, plan.export_market_count))
        history["last_export_year"] = plan.reference_year - _pick(rnd, plan.export_years_ago)
    count = _pick(rnd, plan.target_count[size])
    targets = [market for market in history["markets"] if rnd.random() < plan.export_in_targets]
    targets += _pick_distinct(rnd, markets, max(0, count - len(targets)), exclude=tuple(targets))
    return history, targets[:30]


def _buyer_contract(plan: _Plan, rnd: random.Random, history: dict, targets: list[str]) -> dict | None:
    """A buyer contract, PO or LC for one market, more likely for exporters."""
    direct_p, indirect_p, none_p = plan.contract_p
    chance = direct_p if history["direct"] else indirect_p if history["indirect"] else none_p
    candidates = targets or history["markets"]
    if not candidates or rnd.random() >= chance:
        return None
    return {"market": _choice(rnd, candidates)}


def _certifications(
    plan: _Plan, rnd: random.Random, size_i: int, kind: str, features: tuple, targets: list[str], gi: bool
) -> list[dict]:
    """Certificates held, by the first matching rule of each code; some dated, some expired."""
    chosen, foods, commodities, classes, hs_codes = features
    target_set = set(targets)
    market_flags = tuple(not markets.isdisjoint(target_set) for markets in plan.cert_market_sets)
    key = (kind, chosen, market_flags, gi)
    applicable = plan._applicable.get(key)
    if applicable is None:
        matched = []
        for spec in plan.certs:
            for rule in spec.rules:
                if rule.matches(foods, commodities, classes, hs_codes, target_set, gi):
                    matched.append((spec, rule.held))
                    break
        applicable = plan._applicable[key] = tuple(matched)
    held = []
    for spec, chances in applicable:
        if rnd.random() < chances[size_i]:
            held.append(_certificate(plan, rnd, spec))
    return held


def _certificate(plan: _Plan, rnd: random.Random, spec: _CertSpec) -> dict:
    """One certificate, with a `valid_until` (past when expired) for the dated share."""
    certificate = {"code": spec.code}
    if spec.dated_share and rnd.random() < spec.dated_share:
        expired = rnd.random() < spec.expired_share
        if spec.fixed_valid:
            certificate["valid_until"] = spec.fixed_expired if expired else spec.fixed_valid
        elif spec.valid_days:
            offset = -rnd.randint(1, 730) if expired else rnd.randint(1, spec.valid_days)
            certificate["valid_until"] = dt.date.fromordinal(plan.reference_ordinal + offset).isoformat()
    return certificate


# ---------------------------------------------------------------------------------------------- summary


def size_class_of(revenue_idr: int | None) -> str | None:
    """PP 7/2021 size class of an annual revenue (the upper bounds of the bands in population.yaml)."""
    if revenue_idr is None:
        return None
    bands = _Plan.get().bands
    for size, band in zip(SIZE_CLASSES[:-1], bands[:-1], strict=True):
        if revenue_idr <= band["revenue_idr"][1]:
            return size
    return SIZE_CLASSES[-1]


def commodity_of_profile(profile: dict) -> str:
    """Primary commodity: of the first product with an HS code, else by keywords in the descriptions."""
    from app.reference import commodity_of

    for product in profile.get("products") or []:
        if product.get("hs_code"):
            return commodity_of(product["hs_code"])
    text = " ".join(product.get("description", "") for product in profile.get("products") or []).lower()
    for commodity, pattern in _keyword_patterns().items():
        if pattern.search(text):
            return commodity
    return "other"


def _keyword_patterns() -> dict[str, re.Pattern]:
    """Word patterns per commodity from products.yaml `commodity_keywords`."""
    plan = _Plan.get()
    cached = getattr(plan, "_keyword_cache", None)
    if cached is None:
        cached = {
            commodity: re.compile(r"\b(" + "|".join(re.escape(word) for word in words) + r")\b")
            for commodity, words in plan.tables.products["commodity_keywords"].items()
        }
        plan._keyword_cache = cached
    return cached


def held_codes(profile: dict, as_of: dt.date | None = None) -> set[str]:
    """Certificate codes held and not expired on `as_of` (default: the generator's reference date)."""
    as_of_text = (as_of or _Plan.get().reference_date).isoformat()
    return {
        item["code"]
        for item in profile.get("certifications") or []
        if not item.get("valid_until") or item["valid_until"] >= as_of_text
    }


def _sorted_counts(counter: Counter) -> dict:
    """Counts, largest first (ties by key)."""
    return dict(sorted(counter.items(), key=lambda item: (-item[1], str(item[0]))))


def population_summary(profiles: list[dict]) -> dict:
    """Counts by province, commodity and size class (plus a few shares) of a list of profiles."""
    by_province: Counter = Counter()
    by_commodity: Counter = Counter()
    by_size: Counter = Counter()
    by_commodity_province: dict[str, Counter] = {commodity: Counter() for commodity in COMMODITIES}
    by_legal_form: Counter = Counter()
    by_credit: Counter = Counter()
    by_gender: Counter = Counter()
    certificates: Counter = Counter()
    exporters = 0
    for profile in profiles:
        province = profile["region_code"][:2]
        commodity = commodity_of_profile(profile)
        by_province[province] += 1
        by_commodity[commodity] += 1
        by_commodity_province[commodity][province] += 1
        by_size[size_class_of(profile.get("annual_revenue_idr")) or "unknown"] += 1
        by_legal_form[profile.get("legal_form") or "unknown"] += 1
        by_credit[profile.get("credit_status") or "unknown"] += 1
        by_gender[profile.get("owner_gender") or "unknown"] += 1
        certificates.update(held_codes(profile))
        history = profile.get("export_history") or {}
        exporters += bool(history.get("direct") or history.get("indirect"))
    count = len(profiles)
    names = _Plan.get().tables.province_names
    return {
        "label": DEMO_LABEL,
        "count": count,
        "by_province": _sorted_counts(by_province),
        "province_names": {code: names.get(code, code) for code in by_province},
        "by_commodity": _sorted_counts(by_commodity),
        "by_size_class": {size: by_size[size] for size in (*SIZE_CLASSES, "unknown") if by_size[size]},
        "by_commodity_province": {
            commodity: _sorted_counts(counter)
            for commodity, counter in by_commodity_province.items()
            if counter
        },
        "by_legal_form": _sorted_counts(by_legal_form),
        "by_credit_status": _sorted_counts(by_credit),
        "by_owner_gender": _sorted_counts(by_gender),
        "certificate_share": {
            code: round(certificates[code] / count, 4) if count else 0.0
            for code in (spec.code for spec in _Plan.get().certs)
        },
        "exporter_share": round(exporters / count, 4) if count else 0.0,
    }
