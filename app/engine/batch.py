"""The batch path: every profile of a table at once, as numpy arrays.

`profiles_to_frame` reads validated profiles into one row each (lists kept as tuples); `assess_frame`
flattens products, markets and certificates into long arrays and runs the rules written once over
arrays: gap finding (gaps.py), the criteria (criteria.py), programme verdicts, dimensions, score,
level, cap, route and review flags (readiness.py) and missing fields (missing.py), the same functions
the single path runs on its batch of one. Only the reading of the profile is this path's own; a
property test (tests/engine/test_properties.py) checks that both readings give the same results.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from itertools import chain
from operator import itemgetter

import numpy as np
import pandas as pd

from app.engine.criteria import (
    PROGRAMME_RESULTS,
    RULES,
    UNKNOWN,
    UNKNOWN_SIZE,
    Columns,
    owner_any,
    product_key,
    product_matches,
    programme_verdicts,
)
from app.engine.dates import add_months, parse_date, years_in_business
from app.engine.gaps import SEVERITY_BY_RANK, GapInputs, GapTable, find_gaps, size_conditional
from app.engine.gaps import GapTable as _GapTable
from app.engine.missing import MissingInputs, missing_fields
from app.engine.missing import join_values as _join
from app.engine.missing import joined_flags as _joined_flags
from app.engine.policy import DIMENSIONS, SEVERITY_RANK, SIZE_CLASSES, Policy
from app.engine.readiness import (
    ROUTES,
    blocked_everywhere,
    capacity_points,
    compliance_points,
    digital_points,
    financial_route,
    levels,
    low_confidence_hs,
    management_points,
    market_points,
    near_boundaries,
    quality_points,
    rounded,
    special_mention,
    weighted_scores,
)
from app.vocabulary import NIB_PATTERN
from app.vocabulary import PRACTICE_FIELDS as PRACTICES

RESULT_NAMES = np.array(PROGRAMME_RESULTS, dtype=object)


def tri_state(value) -> float:
    """A tri-state boolean as 1.0 / 0.0 / NaN (a frame's flag columns)."""
    return np.nan if value is None else (1.0 if value else 0.0)


def number_or_nan(value) -> float:
    """A number as a float, NaN when missing (a frame's number columns)."""
    return np.nan if value is None else float(value)


def product_tuple(product: dict) -> tuple:
    """A product as the frame's products column holds it: code, capacity, unit, HS source and score."""
    hs_code = product.get("hs_code") or ""
    return (
        hs_code,
        number_or_nan(product.get("monthly_capacity")),
        product.get("capacity_unit") or "",
        product.get("hs_source") or ("given" if hs_code else ""),
        number_or_nan(product.get("hs_score")),
    )


def _certification_tuple(item: dict) -> tuple[str, str]:
    valid_until = item.get("valid_until")
    if valid_until is not None and not isinstance(valid_until, str):
        valid_until = parse_date(valid_until).isoformat()
    return item["code"], valid_until or ""


def profiles_to_frame(profiles: list[dict]) -> pd.DataFrame:
    """One row per validated profile: scalar fields as columns, products/certificates/markets as tuples."""
    columns: dict[str, list] = {name: [] for name in _FRAME_COLUMNS}
    practice_columns = [(name, columns[f"practice_{name}"]) for name in PRACTICES]
    empty: dict = {}
    for profile in profiles:
        history = profile.get("export_history") or empty
        group = profile.get("group") or empty
        practices = profile.get("practices") or empty
        columns["name"].append(profile.get("name"))
        nib = profile.get("nib")
        columns["nib"].append(nib)
        columns["nib_valid"].append(1.0 if isinstance(nib, str) and NIB_PATTERN.match(nib) else 0.0)
        founded_on = parse_date(profile.get("founded_on"))
        columns["founded_on_year"].append(np.nan if founded_on is None else float(founded_on.year))
        columns["founded_on_md"].append(
            np.nan if founded_on is None else float(founded_on.month * 100 + founded_on.day)
        )
        columns["region_code"].append(profile.get("region_code"))
        columns["founded_year"].append(number_or_nan(profile.get("founded_year")))
        columns["annual_revenue_idr"].append(number_or_nan(profile.get("annual_revenue_idr")))
        columns["credit_status"].append(profile.get("credit_status"))
        columns["export_direct"].append(tri_state(history.get("direct")))
        columns["export_indirect"].append(tri_state(history.get("indirect")))
        columns["last_export_year"].append(number_or_nan(history.get("last_export_year")))
        columns["buyer_market"].append((profile.get("buyer_contract") or empty).get("market"))
        columns["group_kind"].append(group.get("kind"))
        columns["group_members"].append(number_or_nan(group.get("members")))
        columns["products"].append(tuple(map(product_tuple, profile.get("products") or ())))
        columns["certifications"].append(
            tuple(map(_certification_tuple, profile.get("certifications") or ()))
        )
        columns["target_markets"].append(tuple(profile.get("target_markets") or ()))
        for name, column in practice_columns:
            column.append(tri_state(practices.get(name)))
    frame = pd.DataFrame({name: _column(name, values) for name, values in columns.items()})
    return frame


def _column(name: str, values: list):
    """Numbers as float64 arrays, everything else as object arrays (tuples stay tuples)."""
    if name in _NUMBER_COLUMNS:
        return np.array(values, dtype=float)
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


_FRAME_COLUMNS = [
    "name",
    "nib",
    "nib_valid",
    "region_code",
    "founded_year",
    "founded_on_year",
    "founded_on_md",
    "annual_revenue_idr",
    "credit_status",
    "export_direct",
    "export_indirect",
    "last_export_year",
    "buyer_market",
    "group_kind",
    "group_members",
    "products",
    "certifications",
    "target_markets",
    *(f"practice_{name}" for name in PRACTICES),
]


_NUMBER_COLUMNS = {
    "nib_valid",
    "founded_year",
    "founded_on_year",
    "founded_on_md",
    "annual_revenue_idr",
    "export_direct",
    "export_indirect",
    "last_export_year",
    "group_members",
    *(f"practice_{name}" for name in PRACTICES),
}


def _flatten(column: pd.Series) -> tuple[np.ndarray, list]:
    """Row index per item and the items of a column of tuples."""
    lengths = np.fromiter(map(len, column), dtype=np.int64, count=len(column))
    owners = np.repeat(np.arange(len(column)), lengths)
    return owners, list(chain.from_iterable(column))


def _table(items: list[tuple], width: int) -> list[np.ndarray]:
    """Flattened tuples as object arrays, one per tuple position."""
    return [
        np.fromiter(map(itemgetter(position), items), dtype=object, count=len(items))
        for position in range(width)
    ]


def _items(frame: pd.DataFrame, name: str, shared: dict | None) -> tuple:
    """The flattened items of a tuple column with their factorized first field: owner row, the
    columns (_table), codes and uniques of the first column. They do not depend on the policy, so
    evaluations of one frame under several policies read them once through `shared` (see assess_frame)."""
    if shared is not None and name in shared:
        return shared[name]
    owner, items = _flatten(frame[name])
    columns = _table(items, len(items[0]) if items else _WIDTHS[name])
    codes, uniques = pd.factorize(columns[0]) if items else (np.zeros(0, dtype=np.int64), [])
    found = (owner, columns, codes, list(uniques))
    if shared is not None:
        shared[name] = found
    return found


_WIDTHS = {"products": 5, "certifications": 2}


def _programmes(
    policy: Policy, as_of: date, variants: list[tuple[Columns, np.ndarray]], found: dict | None = None
):
    """Programme results (0 eligible, 1 ineligible, 2 needs_information), the financial-route mask and
    each criterion's outcomes.

    `variants` are the readings of every possible size class (one when all sizes are known); a
    criterion whose outcome differs between them is unknown (policy-v1 §8 A1). `found` holds the
    outcomes of the same readings at another score: only the criteria that read the score run again.
    """
    n = variants[0][0].n
    offered = [programme for programme in policy.programmes if programme.offered_on(as_of)]
    table = np.zeros((sum(len(programme.criteria) for programme in offered), n), dtype=np.int8)
    row = 0
    once: dict[tuple, np.ndarray] = {}  # programmes share criteria: each rule and parameters run once
    for programme in offered:
        for criterion in programme.criteria:
            rule = RULES[criterion.rule]
            if criterion.key not in once and found is not None and not rule.reads_score:
                once[criterion.key] = found[criterion.key]
            if criterion.key in once:
                table[row] = once[criterion.key]
                row += 1
                continue
            outcome = rule.evaluate(variants[0][0], criterion.params, variants[0][1])
            for batch, score in variants[1:]:
                other = rule.evaluate(batch, criterion.params, score)
                outcome = np.where(other == outcome, outcome, UNKNOWN)
            table[row] = once[criterion.key] = outcome
            row += 1
    verdicts = programme_verdicts(table, [len(programme.criteria) for programme in offered])
    results = {programme.code: verdicts[number] for number, programme in enumerate(offered)}
    financial = financial_route(verdicts, offered)
    return results, financial, once


def _held_on(frame: pd.DataFrame, as_of: date, policy: Policy, n: int, shared: dict | None = None):
    """Per code, whether each row holds it on the date; per code whose renewal is due, the rows holding
    it only with the renewal due and the ordinal of the day it lapses.

    policy-v1 §1: an expired listing is not held; §8 A3: a well-formed `nib` holds NIB; §8 A11: a code
    held only through listings without valid_until has its renewal due once the window is open.
    """
    as_of_iso = as_of.isoformat()
    owner, (_, until), listed, codes = _items(frame, "certifications", shared)
    held = {code: np.zeros(n, dtype=bool) for code in policy.certification_codes}
    dated = {code: np.zeros(n, dtype=bool) for code in policy.renewals}
    if len(owner):
        valid = (until == "") | (until >= as_of_iso)  # ISO dates compare as text
        for index, code in enumerate(codes):
            rows = valid & (listed == index)
            if code in held:
                held[code][owner[rows]] = True
            if code in dated:
                dated[code][owner[rows & (until != "")]] = True
    registration = policy.certificate_for("business_registration")
    if registration:
        held[registration] = held[registration] | (frame["nib_valid"].to_numpy(dtype=float) == 1)
    renewal = {}
    for code in policy.renewals:
        lapse = policy.renewal_due(code, as_of)
        if lapse is not None:
            renewal[code] = (held[code] & ~dated[code], lapse.toordinal())
    return held, renewal


@dataclass
class _Products:
    """Flattened products: owner row, HS index, class facts, capacity ratio."""

    owner: np.ndarray
    count: np.ndarray
    hs_index: np.ndarray
    unique_hs: list
    unique_classes: list
    capacity: np.ndarray
    units: np.ndarray
    hs_sources: np.ndarray
    hs_scores: np.ndarray
    best_ratio: np.ndarray
    food_kind_present: dict[str, np.ndarray]
    commodity: np.ndarray


def _products_matching(products: _Products, n: int, applies) -> np.ndarray:
    """Rows with at least one product for which applies(hs_code, product_class) holds."""
    per_code = np.array(
        [
            applies(code or None, c)
            for code, c in zip(products.unique_hs, products.unique_classes, strict=True)
        ],
        dtype=bool,
    )
    if len(per_code) == 0:
        return np.zeros(n, dtype=bool)
    return owner_any(products.owner, per_code[products.hs_index], n)


def _read_products(frame: pd.DataFrame, policy: Policy, n: int, shared: dict | None = None) -> _Products:
    """Products with their class and monthly capacity over the commodity's export lot (policy-v1 §4)."""
    owner, columns, hs_index, unique_hs = _items(frame, "products", shared)
    capacity = columns[1].astype(float)
    units = columns[2]
    unique_classes = [policy.product_class(code or None) for code in unique_hs]
    food = np.array([c.food or "" for c in unique_classes], dtype=object)[hs_index]
    commodity = np.array([c.commodity for c in unique_classes], dtype=object)[hs_index]
    # Per (HS code, unit): the unit's factor to its base and the commodity's lot in that base (NaN when
    # the unit does not compare with the lot); ratio = capacity × factor / lot as in facts.capacity_ratio.
    unit_index, unique_units = pd.factorize(units) if len(units) else (np.zeros(0, int), [])
    factor = np.full((len(unique_classes), len(unique_units)), np.nan)
    lot = np.full((len(unique_classes), len(unique_units)), np.nan)
    for c, product_class in enumerate(unique_classes):
        lots = policy.export_lots.get(product_class.commodity) or policy.export_lots["other"]
        for u, unit in enumerate(unique_units):
            base, unit_factor = policy.unit_bases.get(unit, (None, 0.0))
            if base in lots:
                factor[c, u], lot[c, u] = unit_factor, lots[base]
    ratio = capacity * factor[hs_index, unit_index] / lot[hs_index, unit_index]
    best_ratio = np.full(n, np.nan)
    np.fmax.at(best_ratio, owner, ratio)
    return _Products(
        owner=owner,
        count=np.bincount(owner, minlength=n),
        hs_index=hs_index,
        unique_hs=list(unique_hs),
        unique_classes=unique_classes,
        capacity=capacity,
        units=units,
        hs_sources=columns[3],
        hs_scores=columns[4].astype(float),
        best_ratio=best_ratio,
        food_kind_present={
            kind: np.bincount(owner, weights=(food == kind), minlength=n) > 0 for kind in ("raw", "processed")
        },
        commodity=commodity,
    )


@dataclass
class _Markets:
    """Checked markets as rows: export targets, the buyer's market, and the domestic market."""

    owner: np.ndarray
    market: np.ndarray
    export: np.ndarray
    index: np.ndarray
    unique: list
    target_export_count: np.ndarray
    buyer_market: np.ndarray
    buyer_present: np.ndarray


def _market_codes(frame: pd.DataFrame, shared: dict | None) -> tuple:
    """Target markets flattened (owner row, code) and each row's buyer market as a code (-1 = none), the
    codes into one list of market names; read once per frame through `shared` (see assess_frame)."""
    if shared is not None and "markets" in shared:
        return shared["markets"]
    owner, items = _flatten(frame["target_markets"])
    buyer_market = frame["buyer_market"].to_numpy(dtype=object)
    buyer_present = ~pd.isna(buyer_market)
    codes, names = pd.factorize(np.array([*items, *buyer_market[buyer_present]], dtype=object))
    buyer_code = np.full(len(frame), -1, dtype=np.int64)
    buyer_code[buyer_present] = codes[len(items) :]
    found = (owner, codes[: len(items)].astype(np.int64), buyer_code, list(names))
    if shared is not None:
        shared["markets"] = found
    return found


def _first_pairs(owner: np.ndarray, code: np.ndarray, width: int) -> np.ndarray:
    """Positions of the first (owner, code) pair of each kind, in their order."""
    _, first = np.unique(owner * width + code, return_index=True)
    return np.sort(first)


def _read_markets(frame: pd.DataFrame, domestic: str, n: int, shared: dict | None = None) -> _Markets:
    """Export targets (not the domestic market), the buyer's market, then the domestic market (§1)."""
    owner, codes, buyer_code, names = _market_codes(frame, shared)
    names = names if domestic in names else [*names, domestic]
    home, width = names.index(domestic), len(names)
    keep = codes != home
    targets = _first_pairs(owner[keep], codes[keep], width)
    target_owner, target_code = owner[keep][targets], codes[keep][targets]
    target_export_count = np.bincount(target_owner, minlength=n)
    buyers = np.flatnonzero((buyer_code >= 0) & (buyer_code != home))
    export_owner = np.concatenate([target_owner, buyers])
    export_code = np.concatenate([target_code, buyer_code[buyers]])
    export = _first_pairs(export_owner, export_code, width)
    index = np.concatenate([export_code[export], np.full(n, home, dtype=np.int64)])
    buyer_market = frame["buyer_market"].to_numpy(dtype=object)
    return _Markets(
        owner=np.concatenate([export_owner[export], np.arange(n)]),
        market=np.array(names, dtype=object)[index],
        export=np.r_[np.ones(len(export), dtype=bool), np.zeros(n, dtype=bool)],
        index=index,
        unique=names,
        target_export_count=target_export_count,
        buyer_market=buyer_market,
        buyer_present=buyer_code >= 0,
    )


@dataclass
class _Gaps:
    """Gap counts per severity per row, which checked-market rows are blocked or have major gaps, and
    every gap found."""

    counts: dict[str, np.ndarray]
    blocked: np.ndarray
    major: np.ndarray
    table: GapTable


def _find_gaps(policy, as_of, frame, held, renewal, size_index, products, markets, n: int) -> _Gaps:
    """Every row's gaps by gaps.find_gaps (policy-v1 §3), counted per severity and checked market."""
    first = np.zeros(0, dtype=np.int64)
    if len(products.owner):  # each row's distinct HS codes, first listed first
        _, first = np.unique(
            products.owner * max(1, len(products.unique_hs)) + products.hs_index, return_index=True
        )
        first.sort()
    inputs = GapInputs(
        n=n,
        size_index=size_index,
        held=held,
        renewal=renewal,
        region=frame["region_code"].to_numpy(dtype=object),
        product_owner=products.owner[first],
        product_hs=products.hs_index[first],
        unique_hs=products.unique_hs,
        unique_classes=products.unique_classes,
        market_owner=markets.owner,
        market_index=markets.index,
        unique_markets=markets.unique,
    )
    table = find_gaps(policy, as_of, inputs)
    counts = {
        name: np.bincount(table.owner[table.rank == rank], minlength=n)
        for name, rank in SEVERITY_RANK.items()
    }
    flagged = {}
    for name in ("blocking", "major"):
        flagged[name] = np.zeros(len(markets.owner), dtype=bool)
        flagged[name][table.market_row[table.rank == SEVERITY_RANK[name]]] = True
    return _Gaps(counts=counts, blocked=flagged["blocking"], major=flagged["major"], table=table)


def _round(points: np.ndarray) -> np.ndarray:
    return rounded(points).astype(np.int64)


def _dimensions(frame, policy: Policy, years, held, products: _Products, markets: _Markets, gaps: _Gaps, n):
    """The six dimensions (policy-v1 §4) by the functions of readiness.py, from the batch's arrays."""
    dims = policy.dimensions
    practices = {name: frame[f"practice_{name}"].to_numpy(dtype=float) == 1 for name in PRACTICES}
    checked = np.bincount(markets.owner, minlength=n)
    compliance = compliance_points(
        held,
        checked,
        np.bincount(markets.owner, weights=gaps.blocked, minlength=n),
        np.bincount(markets.owner, weights=gaps.major, minlength=n),
        dims["compliance"],
    )
    items = policy.quality_items  # policy-v1 §8 A6: only items that apply to a product
    applies = np.array([_products_matching(products, n, item.applies_to_product) for item in items])
    held_items = np.array([_held_any_codes(held, item.any_of, n) for item in items])
    quality = quality_points(
        applies.reshape(len(items), n), held_items.reshape(len(items), n), [item.points for item in items]
    )
    management = management_points(
        years,
        practices["bookkeeping"],
        practices["bank_account"],
        frame["credit_status"].to_numpy(dtype=object),
        dims["management"],
    )
    market = market_points(
        frame["export_direct"].to_numpy(dtype=float),
        frame["export_indirect"].to_numpy(dtype=float),
        markets.buyer_present,
        held.get(policy.certificate_for("export_training"), np.zeros(n, dtype=bool)),
        markets.target_export_count,
        dims["market"],
    )
    return {
        "compliance": _round(compliance),
        "capacity": _round(capacity_points(products.best_ratio, years, dims["capacity"])),
        "quality": rounded(quality),
        "management": _round(management),
        "market": _round(market),
        "digital": _round(digital_points(practices, dims["digital"]) + np.zeros(n)),
    }


def _years(frame: pd.DataFrame, as_of: date) -> tuple[np.ndarray, np.ndarray]:
    """Years in business for scoring and full years certainly completed (policy-v1 §8 A7); NaN unknown."""
    return years_in_business(
        frame["founded_year"].to_numpy(dtype=float),
        frame["founded_on_year"].to_numpy(dtype=float),
        frame["founded_on_md"].to_numpy(dtype=float),
        as_of,
    )


def _missing_fields(
    frame: pd.DataFrame, batch: Columns, products: _Products, n: int, as_of: date, policy: Policy
) -> tuple[np.ndarray, np.ndarray]:
    """Missing inputs (policy-v1 §6.1) per row by missing.missing_fields: whether any, and the names."""
    inputs = MissingInputs(
        n=n,
        revenue_missing=np.isnan(frame["annual_revenue_idr"].to_numpy(dtype=float)),
        years=batch.years,
        years_certain=batch.years_certain,
        credit_missing=batch.credit_unknown,
        direct=batch.direct,
        indirect=batch.indirect,
        last_year=batch.last_year,
        practices={name: frame[f"practice_{name}"].to_numpy(dtype=float) for name in PRACTICES},
        no_capacity=np.isnan(products.best_ratio) & (products.count > 0),
        product_owner=products.owner,
        capacity_missing=np.isnan(products.capacity),
        unit_missing=products.units == "",
    )
    text = missing_fields(inputs, policy.years_thresholds(as_of))
    return text != "", text


def _review(policy: Policy, as_of: date, variants, score, found, financial, products: _Products, n: int):
    """policy-v1 §6.3 review flags: special mention, score near a route-changing boundary, weak HS codes
    (`found`: the criterion outcomes at the score found)."""
    special = special_mention(variants[0][0].credit)
    near_boundary = np.zeros(n, dtype=bool)
    for _, near, other_score in near_boundaries(score, policy):
        if near.any():
            other = [(b, other_score) for b, _ in variants]
            _, other_financial, _ = _programmes(policy, as_of, other, found)
            near_boundary |= near & (other_financial != financial)
    weak = low_confidence_hs(products.hs_sources, products.hs_scores, policy.hs_score_threshold)
    low_confidence = np.bincount(products.owner, weights=weak, minlength=n) > 0
    return [
        ("credit_special_mention", special),
        ("score_near_boundary", near_boundary),
        ("hs_low_confidence", low_confidence),
    ]


@dataclass
class _Evaluation:
    """One vectorised evaluation of a frame (one size reading)."""

    batch: Columns
    score: np.ndarray
    dimensions: dict[str, np.ndarray]
    cap_applies: np.ndarray
    gaps: _Gaps
    products: _Products
    markets: _Markets
    size_index: np.ndarray


def _size_index(frame: pd.DataFrame, policy: Policy) -> np.ndarray:
    """Size class index per row by PP 7/2021 bands; UNKNOWN_SIZE without revenue."""
    revenue = frame["annual_revenue_idr"].to_numpy(dtype=float)
    uppers = np.array([upper for _, upper in policy.size_bands[:-1]], dtype=float)
    return np.where(np.isnan(revenue), UNKNOWN_SIZE, np.searchsorted(uppers, revenue, side="left"))


def _read_inputs(frame: pd.DataFrame, as_of: date, policy: Policy, shared: dict | None = None) -> tuple:
    """What does not depend on the size class: codes held (and renewals due), products, markets."""
    n = len(frame)
    held, renewal = _held_on(frame, as_of, policy, n, shared)
    products = _read_products(frame, policy, n, shared)
    return held, renewal, products, _read_markets(frame, policy.domestic_market, n, shared)


def _evaluate(
    frame: pd.DataFrame, as_of: date, policy: Policy, size_index: np.ndarray, inputs: tuple
) -> _Evaluation:
    """Gaps, dimensions, score, level cap and criterion inputs for every row at the given sizes."""
    n = len(frame)
    held, renewal, products, markets = inputs
    gaps = _find_gaps(policy, as_of, frame, held, renewal, size_index, products, markets, n)
    years, certain = _years(frame, as_of)
    dimensions = _dimensions(frame, policy, years, held, products, markets, gaps, n)
    score = weighted_scores(
        np.column_stack([dimensions[name].astype(float) for name in DIMENSIONS]),
        [policy.weights[name] for name in DIMENSIONS],
    )
    export_count = np.bincount(markets.owner, weights=markets.export, minlength=n)
    export_blocked = np.bincount(markets.owner, weights=markets.export & gaps.blocked, minlength=n)
    buyer_blocked = np.zeros(n, dtype=bool)
    buyer_rows = markets.buyer_present[markets.owner] & (
        markets.market == markets.buyer_market[markets.owner]
    )
    buyer_blocked[markets.owner[buyer_rows & gaps.blocked]] = True
    batch = Columns(
        n=n,
        held=held,
        years=years,
        years_certain=certain,
        credit=frame["credit_status"].to_numpy(dtype=object),
        credit_unknown=pd.isna(frame["credit_status"].to_numpy(dtype=object)),
        size_index=size_index,
        direct=frame["export_direct"].to_numpy(dtype=float),
        indirect=frame["export_indirect"].to_numpy(dtype=float),
        last_year=frame["last_export_year"].to_numpy(dtype=float),
        cutoff_year=add_months(as_of, -policy.recent_export_months).year,
        buyer_market=markets.buyer_market,
        buyer_present=markets.buyer_present,
        buyer_blocked=buyer_blocked,
        export_clear_count=export_count - export_blocked,
        gaps=gaps.table,
        requirement_of=np.array([entry.requirement for entry in policy.requirements], dtype=object),
        product_count=products.count,
        food_kind_present=products.food_kind_present,
        product_match=_product_matches(policy, products, n),
        group_kind=frame["group_kind"].to_numpy(dtype=object),
        group_members=frame["group_members"].to_numpy(dtype=float),
    )
    cap_applies = blocked_everywhere(export_count, export_blocked)
    return _Evaluation(batch, score, dimensions, cap_applies, gaps, products, markets, size_index)


def _product_matches(policy: Policy, products: _Products, n: int) -> dict[tuple, np.ndarray]:
    """Rows matching each product_in criterion's classes and HS prefixes (policy-v1 §8 A4)."""
    found = {}
    for programme in policy.programmes:
        for criterion in programme.criteria:
            if criterion.rule == "product_in":
                key = product_key(criterion.params)
                found[key] = _products_matching(
                    products, n, lambda code, c, k=key: product_matches(k, code, c)
                )
    return found


def _size_variants(frame, as_of, policy, full: _Evaluation) -> tuple[list, np.ndarray, list]:
    """The criterion inputs under every size still possible for rows without revenue (§8 A1), whether
    the level cap applies under all of them, and the gaps of those rows under each size."""
    unknown = np.flatnonzero(full.size_index == UNKNOWN_SIZE)
    if len(unknown) == 0:
        return [(full.batch, full.score)], full.cap_applies, []
    sub = frame.iloc[unknown].reset_index(drop=True)
    inputs = _read_inputs(sub, as_of, policy)  # read once; only the rules that follow depend on the size
    variants = []
    sized_gaps = []
    cap_applies = full.cap_applies.copy()
    cap_applies[unknown] = True
    size_dependent = ("size_index", "buyer_blocked", "export_clear_count")
    for size in range(UNKNOWN_SIZE):
        sized = _evaluate(sub, as_of, policy, np.full(len(sub), size), inputs)
        batch = replace(full.batch)
        for name in size_dependent:
            values = getattr(full.batch, name).copy()
            values[unknown] = getattr(sized.batch, name)
            setattr(batch, name, values)
        known = np.flatnonzero(full.size_index[full.batch.gaps.owner] != UNKNOWN_SIZE)
        sub_gaps = sized.batch.gaps.take(np.arange(len(sized.batch.gaps.owner)), unknown)
        batch.gaps = _GapTable.concat([full.batch.gaps.take(known), sub_gaps])
        sized_gaps.append(sub_gaps)
        score = full.score.copy()
        score[unknown] = sized.score
        cap_applies[unknown] &= sized.cap_applies
        variants.append((batch, score))
    return variants, cap_applies, sized_gaps


def _gap_lists(policy: Policy, as_of: date, full: _Evaluation, sized_gaps: list, n: int) -> np.ndarray:
    """Per row, its gaps in the contract's order (most severe, then checked-market order, requirement,
    product), each as a dict of requirement, market, product, severity, date, days left, the entry and
    whether it is conditional on the unknown size class (gaps.size_conditional, policy-v1 §8 A1)."""
    entries = policy.requirements
    table = full.gaps.table
    sized = GapTable.concat(sized_gaps) if sized_gaps else table.take(np.zeros(0, dtype=np.int64))
    sizes = np.repeat(np.arange(len(sized_gaps)), [len(gaps.owner) for gaps in sized_gaps])
    conditional = size_conditional(table, full.size_index == UNKNOWN_SIZE, sized, sized.owner, sizes, entries)
    order = np.lexsort(
        (
            np.array([p or "" for p in table.product_hs.tolist()], dtype=object),
            np.array([entries[e].requirement for e in table.entry.tolist()], dtype=object),
            table.market_row,
            -table.rank.astype(np.int64),
            table.owner,
        )
    )
    lists = np.empty(n, dtype=object)
    for row in range(n):
        lists[row] = []
    for i in order.tolist():
        entry = entries[int(table.entry[i])]
        severity = SEVERITY_BY_RANK[int(table.rank[i])]
        applies_from = table.applies_from(i)
        product_hs = table.product_hs[i]
        lists[int(table.owner[i])].append(
            {
                "requirement": entry.requirement,
                "market": table.market[i],
                "severity": severity,
                "applies_from": applies_from.isoformat() if applies_from else None,
                "days_left": (applies_from - as_of).days if severity == "upcoming" else None,
                "product_hs": product_hs,
                "product_class": None if product_hs is None else policy.product_class(product_hs).name,
                "rule": entry.id,
                "conditional_on": "size_class" if conditional[i] else None,
            }
        )
    return lists


def assess_frame(
    frame: pd.DataFrame,
    as_of: date,
    policy: Policy,
    gap_detail: bool = False,
    shared: dict | None = None,
    blocking_requirements: bool = False,
) -> pd.DataFrame:
    """Assess every row of a profiles frame on a date; one result row per profile (vectorised rules).

    With `gap_detail` a `gaps` column holds each row's gap list (what a stored assessment needs); with
    `blocking_requirements` a column of that name holds the ';'-joined requirement codes (sorted) with a
    blocking gap in some checked market (what a simulation compares, cheaper than the lists). Calls
    over the same frame (a simulation's two policies or dates) may pass one `shared` dict (empty at
    first): what does not depend on the policy (the flattened products, certificates and markets) is
    then read once.
    """
    as_of = parse_date(as_of)
    policy = policy.on(as_of)
    n = len(frame)
    inputs = _read_inputs(frame, as_of, policy, shared)
    full = _evaluate(frame, as_of, policy, _size_index(frame, policy), inputs)
    score, dimensions, gaps, products, markets = (
        full.score,
        full.dimensions,
        full.gaps,
        full.products,
        full.markets,
    )
    variants, cap_applies, sized_gaps = _size_variants(frame, as_of, policy, full)
    level_names = np.array([name for name, _ in policy.level_bands], dtype=object)
    level_index, capped = levels(score, cap_applies, policy)
    results, financial, found = _programmes(policy, as_of, variants)
    reviews = _review(policy, as_of, variants, score, found, financial, products, n)
    missing_any, missing_text = _missing_fields(frame, full.batch, products, n, as_of, policy)
    blocked_export = gaps.blocked & markets.export
    size_names = np.array([*SIZE_CLASSES, None], dtype=object)
    output = {
        "as_of": as_of.isoformat(),
        "policy_version": policy.label,
        "policy_hash": policy.content_hash,
        "score": score,
        "level": level_names[level_index],
        "level_capped": capped,
        **{f"dim_{name}": dimensions[name] for name in DIMENSIONS},
        "size_class": size_names[full.size_index],
        "route": np.array(ROUTES, dtype=object)[financial.astype(np.int64)],
        "status": np.where(missing_any, "needs_information", "complete").astype(object),
        "missing_fields": missing_text,
        "review_required": np.logical_or.reduce([mask for _, mask in reviews]),
        "review_reasons": _joined_flags(reviews, n),
        "eligible_programmes": _joined_flags([(code, result == 0) for code, result in results.items()], n),
        **{f"programme_{code}": RESULT_NAMES[result] for code, result in results.items()},
        **{f"gaps_{name}": gaps.counts[name] for name in SEVERITY_RANK},
        "blocking_markets": _join(markets.owner[blocked_export], markets.market[blocked_export], n),
    }
    if gap_detail:
        output["gaps"] = _gap_lists(policy, as_of, full, sized_gaps, n)
    if blocking_requirements:
        output["blocking_requirements"] = _blocking_requirements(policy, gaps.table, n)
    return pd.DataFrame(output, index=frame.index)


def _blocking_requirements(policy: Policy, table: _GapTable, n: int) -> np.ndarray:
    """Per row, the ';'-joined codes (sorted) of the requirements with a blocking gap."""
    names = sorted({entry.requirement for entry in policy.requirements})
    position = {code: index for index, code in enumerate(names)}
    requirement_of = np.array([position[entry.requirement] for entry in policy.requirements], dtype=np.int64)
    blocking = table.rank == SEVERITY_RANK["blocking"]
    held = np.zeros((len(names), n), dtype=bool)
    held[requirement_of[table.entry[blocking]], table.owner[blocking]] = True
    text = np.full(n, "", dtype=object)
    for start in range(0, len(names), 62):  # _joined_flags packs up to 63 flags in an int64
        masks = [(names[index], held[index]) for index in range(start, min(start + 62, len(names)))]
        part = _joined_flags([(code, mask) for code, mask in masks if mask.any()], n)
        joined = np.where(part == "", text, text + ";" + part)
        text = part if start == 0 else np.where(text == "", part, joined)
    return text


def _held_any_codes(held: dict[str, np.ndarray], codes, n: int) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    for code in codes:
        if code in held:
            mask = mask | held[code]
    return mask
