"""The batch path: the same rules as rules.py over a whole table of profiles, as numpy masks per rule.

`profiles_to_frame` reads validated profiles into one row each (lists kept as tuples); `assess_frame`
flattens products, markets and certificates into long arrays and evaluates every requirement entry,
readiness dimension and programme criterion for all rows at once. Arithmetic follows rules.py step by
step (same operations in the same order), so both paths give identical scores; a property test
(tests/engine/test_properties.py) checks that they agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from app.engine.dates import add_months, parse_date
from app.engine.policy import DIMENSIONS, PRACTICES, SEVERITY_RANK, SIZE_CLASSES, Policy

PASS, FAIL, UNKNOWN = 0, 1, 2
OUTCOME_NAMES = np.array(["pass", "fail", "unknown"], dtype=object)
RESULT_NAMES = np.array(["eligible", "ineligible", "needs_information"], dtype=object)
SEVERITY_BY_RANK = {rank: name for name, rank in SEVERITY_RANK.items()}
UNKNOWN_SIZE = len(SIZE_CLASSES)


def _flag(value) -> float:
    """A tri-state boolean as 1.0 / 0.0 / NaN."""
    return np.nan if value is None else (1.0 if value else 0.0)


def _number(value) -> float:
    return np.nan if value is None else float(value)


def profiles_to_frame(profiles: list[dict]) -> pd.DataFrame:
    """One row per validated profile: scalar fields as columns, products/certificates/markets as tuples."""
    rows = []
    for profile in profiles:
        history = profile.get("export_history") or {}
        group = profile.get("group") or {}
        practices = profile.get("practices") or {}
        buyer = profile.get("buyer_contract") or {}
        row = {
            "name": profile.get("name"),
            "region_code": profile.get("region_code"),
            "founded_year": _number(profile.get("founded_year")),
            "annual_revenue_idr": _number(profile.get("annual_revenue_idr")),
            "credit_status": profile.get("credit_status"),
            "export_direct": _flag(history.get("direct")),
            "export_indirect": _flag(history.get("indirect")),
            "last_export_year": _number(history.get("last_export_year")),
            "buyer_market": buyer.get("market"),
            "group_kind": group.get("kind"),
            "group_members": _number(group.get("members")),
            "products": tuple(
                (
                    product.get("hs_code") or "",
                    _number(product.get("monthly_capacity")),
                    product.get("capacity_unit") or "",
                    product.get("hs_source") or ("given" if product.get("hs_code") else ""),
                    _number(product.get("hs_score")),
                )
                for product in profile.get("products") or ()
            ),
            "certifications": tuple(
                (item["code"], str(parse_date(item.get("valid_until")) or ""))
                for item in profile.get("certifications") or ()
            ),
            "target_markets": tuple(profile.get("target_markets") or ()),
        }
        for name in PRACTICES:
            row[f"practice_{name}"] = _flag(practices.get(name))
        rows.append(row)
    return pd.DataFrame(rows, columns=_FRAME_COLUMNS)


_FRAME_COLUMNS = [
    "name",
    "region_code",
    "founded_year",
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


def _flatten(column: pd.Series) -> tuple[np.ndarray, list]:
    """Row index per item and the items of a column of tuples."""
    lengths = np.fromiter((len(items) for items in column), dtype=np.int64, count=len(column))
    owners = np.repeat(np.arange(len(column)), lengths)
    items = [item for items in column for item in items]
    return owners, items


@dataclass
class _Batch:
    """Arrays the criteria read (the vector form of rules.CriterionContext)."""

    n: int
    held: dict[str, np.ndarray]
    years: np.ndarray
    credit: np.ndarray
    size_index: np.ndarray
    direct: np.ndarray
    indirect: np.ndarray
    last_year: np.ndarray
    cutoff_year: int
    buyer_market: np.ndarray
    buyer_present: np.ndarray
    buyer_blocked: np.ndarray
    export_clear_count: np.ndarray
    severity_present: dict[str, np.ndarray]
    product_count: np.ndarray
    food_kind_present: dict[str, np.ndarray]
    group_kind: np.ndarray
    group_members: np.ndarray


def _isin(values: np.ndarray, allowed) -> np.ndarray:
    """Membership test for object arrays that may hold None (np.isin would sort mixed types)."""
    mask = np.zeros(len(values), dtype=bool)
    for item in allowed:
        mask |= values == item
    return mask


def _tri(pass_mask: np.ndarray, unknown_mask: np.ndarray | None = None) -> np.ndarray:
    """Outcome codes from a pass mask and an unknown mask (unknown wins over fail only)."""
    outcome = np.where(pass_mask, PASS, FAIL)
    if unknown_mask is not None:
        outcome = np.where(~pass_mask & unknown_mask, UNKNOWN, outcome)
    return outcome


def _held_any(batch: _Batch, codes) -> np.ndarray:
    mask = np.zeros(batch.n, dtype=bool)
    for code in codes:
        if code in batch.held:
            mask |= batch.held[code]
    return mask


def _recent(batch: _Batch) -> np.ndarray:
    return batch.last_year >= batch.cutoff_year


def _criterion(rule: str, params: dict, batch: _Batch, score: np.ndarray) -> np.ndarray:
    """Vector form of each rule in criteria.py (same names, same outcomes)."""
    if rule == "holds_certificate":
        return _tri(_held_any(batch, params["codes"]))
    if rule == "years_in_business_at_least":
        unknown = np.isnan(batch.years)
        return _tri(~unknown & (batch.years >= params["years"]), unknown)
    if rule in ("credit_status_in", "credit_status_not_in"):
        unknown = pd.isna(batch.credit)
        listed = _isin(batch.credit, params.get("allowed", params.get("excluded")))
        ok = listed if rule == "credit_status_in" else ~listed
        return _tri(~unknown & ok, unknown)
    if rule == "size_class_in":
        unknown = batch.size_index == UNKNOWN_SIZE
        allowed = [SIZE_CLASSES.index(name) for name in params["allowed"]]
        return _tri(~unknown & np.isin(batch.size_index, allowed), unknown)
    if rule == "export_oriented":
        ok = (batch.direct == 1) | (batch.indirect == 1) | (score >= params["min_score"])
        return _tri(ok, np.isnan(batch.direct) | np.isnan(batch.indirect))
    if rule == "export_market_clear":
        return _tri(batch.export_clear_count > 0)
    if rule == "buyer_contract_present":
        return _tri(batch.buyer_present)
    if rule == "buyer_contract_absent":
        return _tri(~batch.buyer_present)
    if rule == "buyer_market_clear":
        return _tri(batch.buyer_present & ~batch.buyer_blocked)
    if rule == "exported_recently_or_contract":
        exported = (batch.direct == 1) | (batch.indirect == 1)
        ok = batch.buyer_present | (exported & _recent(batch))
        unknown = (exported & np.isnan(batch.last_year)) | (
            ~exported & (np.isnan(batch.direct) | np.isnan(batch.indirect))
        )
        return _tri(ok, ~batch.buyer_present & unknown)
    if rule == "readiness_at_least":
        return _tri(score >= params["min_score"])
    if rule == "readiness_between":
        return _tri((score >= params["min_score"]) & (score <= params["max_score"]))
    if rule == "closable_gap":
        found = np.zeros(batch.n, dtype=bool)
        for severity in params["severities"]:
            found |= batch.severity_present[severity]
        return _tri(found)
    if rule == "own_product":
        return _tri(batch.product_count > 0)
    if rule == "not_exported_directly_recently":
        unknown = np.isnan(batch.direct) | ((batch.direct == 1) & np.isnan(batch.last_year))
        ok = (batch.direct == 0) | ((batch.direct == 1) & ~np.isnan(batch.last_year) & ~_recent(batch))
        return _tri(ok, unknown)
    if rule == "group_member":
        members = np.nan_to_num(batch.group_members, nan=0.0)
        ok = _isin(batch.group_kind, params["kinds"]) & (members >= params["min_members"])
        return _tri(ok)
    if rule == "product_food_kind":
        found = np.zeros(batch.n, dtype=bool)
        for kind in params["food"]:
            found |= batch.food_kind_present[kind]
        return _tri(found)
    raise KeyError(rule)


def _programmes(policy: Policy, as_of: date, batch: _Batch, score: np.ndarray):
    """Programme results (codes) per programme, criterion outcomes, and the route mask."""
    results: dict[str, np.ndarray] = {}
    outcomes: dict[str, dict[str, np.ndarray]] = {}
    financial = np.zeros(batch.n, dtype=bool)
    for programme in policy.programmes:
        if not programme.offered_on(as_of):
            continue
        any_fail = np.zeros(batch.n, dtype=bool)
        any_unknown = np.zeros(batch.n, dtype=bool)
        outcomes[programme.code] = {}
        for criterion in programme.criteria:
            outcome = _criterion(criterion.rule, criterion.params, batch, score)
            outcomes[programme.code][criterion.name] = outcome
            any_fail |= outcome == FAIL
            any_unknown |= outcome == UNKNOWN
        result = np.where(any_fail, 1, np.where(any_unknown, 2, 0))
        results[programme.code] = result
        if programme.type == "financial":
            financial |= result == 0
    return results, outcomes, financial


def _join(owners: np.ndarray, values, n: int) -> np.ndarray:
    """';'-joined values per row from (owner, value) pairs in owner order."""
    joined = np.full(n, "", dtype=object)
    if len(owners) == 0:
        return joined
    order = np.argsort(owners, kind="stable")
    owners = owners[order]
    values = np.asarray(values, dtype=object)[order]
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    ends = np.r_[starts[1:], len(owners)]
    for start, end in zip(starts, ends, strict=True):
        joined[owners[start]] = ";".join(values[start:end])
    return joined


def assess_frame(frame: pd.DataFrame, as_of: date, policy: Policy) -> pd.DataFrame:
    """Assess every row of a profiles frame on a date; one result row per profile (vectorised rules)."""
    as_of = parse_date(as_of)
    as_of_iso = as_of.isoformat()
    n = len(frame)
    domestic = policy.domestic_market

    # Certificates held on the date (policy-v1 §1: an expired one counts as not held).
    cert_owner, cert_items = _flatten(frame["certifications"])
    held: dict[str, np.ndarray] = {code: np.zeros(n, dtype=bool) for code in policy.certification_codes}
    if cert_items:
        codes = np.array([code for code, _ in cert_items], dtype=object)
        until = np.array([valid for _, valid in cert_items], dtype=object)
        valid = (until == "") | (until >= as_of_iso)
        for code in held:
            mask = valid & (codes == code)
            held[code][cert_owner[mask]] = True

    # Size class (PP 7/2021 bands); unknown revenue = UNKNOWN_SIZE.
    revenue = frame["annual_revenue_idr"].to_numpy(dtype=float)
    uppers = np.array([upper for _, upper in policy.size_bands[:-1]], dtype=float)
    size_index = np.where(np.isnan(revenue), UNKNOWN_SIZE, np.searchsorted(uppers, revenue, side="left"))

    # Products: class, food kind, capacity ratio against the commodity's export lot.
    product_owner, product_items = _flatten(frame["products"])
    product_count = np.bincount(product_owner, minlength=n)
    hs_codes = np.array([item[0] for item in product_items], dtype=object)
    capacity = np.array([item[1] for item in product_items], dtype=float)
    units = np.array([item[2] for item in product_items], dtype=object)
    hs_sources = np.array([item[3] for item in product_items], dtype=object)
    hs_scores = np.array([item[4] for item in product_items], dtype=float)
    hs_index, unique_hs = (
        pd.factorize(hs_codes) if len(hs_codes) else (np.zeros(0, int), np.array([], object))
    )
    unique_classes = [policy.product_class(code or None) for code in unique_hs]
    product_food = np.array([c.food or "" for c in unique_classes], dtype=object)[hs_index]
    product_commodity = np.array([c.commodity for c in unique_classes], dtype=object)[hs_index]
    ratio = np.full(len(product_items), np.nan)
    for commodity in set(product_commodity.tolist()):
        lots = policy.export_lots.get(commodity) or policy.export_lots["other"]
        in_commodity = product_commodity == commodity
        for unit, (base, factor) in policy.unit_bases.items():
            if base not in lots:
                continue
            mask = in_commodity & (units == unit) & ~np.isnan(capacity)
            ratio[mask] = capacity[mask] * factor / lots[base]
    best_ratio = np.full(n, np.nan)
    np.fmax.at(best_ratio, product_owner, ratio)
    food_kind_present = {
        kind: np.bincount(product_owner, weights=(product_food == kind), minlength=n) > 0
        for kind in ("raw", "processed")
    }
    any_food = food_kind_present["raw"] | food_kind_present["processed"]

    # Markets: export targets (not the domestic one), the buyer's market, and the domestic market.
    market_owner, market_items = _flatten(frame["target_markets"])
    buyer_market = frame["buyer_market"].to_numpy(dtype=object)
    buyer_present = ~pd.isna(buyer_market)
    target_export_count = np.zeros(n, dtype=np.int64)
    markets = pd.DataFrame({"owner": market_owner, "market": np.array(market_items, dtype=object)})
    markets = markets[markets["market"] != domestic].drop_duplicates()
    np.add.at(target_export_count, markets["owner"].to_numpy(), 1)
    buyer_rows = pd.DataFrame({"owner": np.flatnonzero(buyer_present), "market": buyer_market[buyer_present]})
    buyer_rows = buyer_rows[buyer_rows["market"] != domestic]
    markets = pd.concat([markets, buyer_rows]).drop_duplicates()
    markets["export"] = True
    home = pd.DataFrame({"owner": np.arange(n), "market": domestic, "export": False})
    markets = pd.concat([markets, home], ignore_index=True)
    mr_owner = markets["owner"].to_numpy()
    mr_market = markets["market"].to_numpy(dtype=object)
    mr_export = markets["export"].to_numpy(dtype=bool)
    market_index, unique_markets = pd.factorize(mr_market)

    # Product (unique HS per profile) × checked market rows.
    products = pd.DataFrame({"owner": product_owner, "hs": hs_index}).drop_duplicates()
    rows = products.merge(
        pd.DataFrame({"owner": mr_owner, "mr": np.arange(len(mr_owner))}), on="owner", how="inner", sort=False
    )
    pm_owner = rows["owner"].to_numpy()
    pm_hs = rows["hs"].to_numpy()
    pm_mr = rows["mr"].to_numpy()
    pm_market = market_index[pm_mr]

    # Every requirement entry as a mask (policy-v1 §3); keep the most severe per (requirement, market, product).
    upcoming_until = policy.upcoming_until(as_of)
    size_rows_pm = size_index[pm_owner]
    size_rows_mr = size_index[mr_owner]
    best_pm: dict[str, np.ndarray] = {}
    best_mr: dict[str, np.ndarray] = {}
    for entry in policy.requirements:
        status = entry.status_on(as_of, upcoming_until)
        if status is None:
            continue
        rank = SEVERITY_RANK[status]
        market_ok = np.array([entry.applies_to_market(m) for m in unique_markets], dtype=bool)
        size_ok = np.array(
            [entry.binds_size(SIZE_CLASSES[i] if i < UNKNOWN_SIZE else None) for i in range(UNKNOWN_SIZE + 1)]
        )
        not_held = ~_held_any_codes(held, entry.any_of, n)
        if entry.scope == "business":
            mask = (
                market_ok[market_index]
                & size_ok[size_rows_mr]
                & not_held[mr_owner]
                & (product_count[mr_owner] > 0)
            )
            target = best_mr.setdefault(entry.requirement, np.zeros(len(mr_owner), dtype=np.int8))
        else:
            product_ok = np.array(
                [
                    entry.applies_to_product(code or None, cls)
                    for code, cls in zip(unique_hs, unique_classes, strict=True)
                ],
                dtype=bool,
            )
            if not product_ok.any():
                continue
            mask = product_ok[pm_hs] & market_ok[pm_market] & size_ok[size_rows_pm] & not_held[pm_owner]
            target = best_pm.setdefault(entry.requirement, np.zeros(len(pm_owner), dtype=np.int8))
        np.maximum(target, np.where(mask, rank, 0).astype(np.int8), out=target)

    gap_counts = {name: np.zeros(n, dtype=np.int64) for name in SEVERITY_RANK}
    blocked_mr = np.zeros(len(mr_owner), dtype=bool)
    major_mr = np.zeros(len(mr_owner), dtype=bool)
    for ranks, owners, mr_of_row in [(r, mr_owner, None) for r in best_mr.values()] + [
        (r, pm_owner, pm_mr) for r in best_pm.values()
    ]:
        for name, rank in SEVERITY_RANK.items():
            hit = ranks == rank
            if hit.any():
                gap_counts[name] += np.bincount(owners[hit], minlength=n)
                if name in ("blocking", "major"):
                    target = blocked_mr if name == "blocking" else major_mr
                    target[(np.flatnonzero(hit) if mr_of_row is None else mr_of_row[hit])] = True

    checked_count = np.bincount(mr_owner, minlength=n)
    blocked_count = np.bincount(mr_owner, weights=blocked_mr, minlength=n)
    major_count = np.bincount(mr_owner, weights=major_mr, minlength=n)
    export_count = np.bincount(mr_owner, weights=mr_export, minlength=n)
    export_blocked = np.bincount(mr_owner, weights=mr_export & blocked_mr, minlength=n)
    export_clear_count = export_count - export_blocked
    buyer_blocked = np.zeros(n, dtype=bool)
    buyer_row = buyer_present[mr_owner] & (mr_market == buyer_market[mr_owner])
    buyer_blocked[mr_owner[buyer_row & blocked_mr]] = True

    # Readiness (policy-v1 §4), same operations in the same order as rules.dimension_points.
    dims = policy.dimensions
    years = frame["founded_year"].to_numpy(dtype=float)
    years = np.where(np.isnan(years), np.nan, np.maximum(0.0, as_of.year - years))
    practices = {name: frame[f"practice_{name}"].to_numpy(dtype=float) == 1 for name in PRACTICES}
    credit = frame["credit_status"].to_numpy(dtype=object)
    direct = frame["export_direct"].to_numpy(dtype=float)
    indirect = frame["export_indirect"].to_numpy(dtype=float)

    compliance = np.zeros(n)
    for code, points in dims["compliance"]["legality_points"].items():
        compliance = compliance + np.where(held[code], float(points), 0.0)
    compliance = compliance + dims["compliance"]["markets_without_blocking_gaps"] * (
        (checked_count - blocked_count) / checked_count
    )
    compliance = compliance + dims["compliance"]["markets_without_major_gaps"] * (
        (checked_count - major_count) / checked_count
    )

    cap_cfg = dims["capacity"]
    has_ratio = ~np.isnan(best_ratio)
    capacity_points = np.where(
        has_ratio, cap_cfg["export_lot_points"] * np.minimum(1.0, np.nan_to_num(best_ratio)), 0.0
    )
    known_years = ~np.isnan(years)
    safe_years = np.nan_to_num(years)
    capacity_points = capacity_points + np.where(
        known_years,
        cap_cfg["continuity_points"] * np.minimum(1.0, safe_years / cap_cfg["continuity_full_at_years"]),
        0.0,
    )

    earned = np.zeros(n)
    possible = np.zeros(n)
    for item in dims["quality"]["items"]:
        applies = np.ones(n, dtype=bool)
        if item["applies_when"] == "food":
            applies = any_food
        elif item["applies_when"] == "processed_food":
            applies = food_kind_present["processed"]
        possible = possible + np.where(applies, float(item["points"]), 0.0)
        earned = earned + np.where(
            applies & _held_any_codes(held, item["any_of"], n), float(item["points"]), 0.0
        )
    quality = np.where(possible > 0, 100.0 * earned / np.where(possible > 0, possible, 1.0), 0.0)

    man_cfg = dims["management"]
    management = np.where(
        known_years,
        man_cfg["years_in_business_points"]
        * np.minimum(1.0, safe_years / man_cfg["years_in_business_full_at_years"]),
        0.0,
    )
    management = management + np.where(practices["bookkeeping"], float(man_cfg["bookkeeping_points"]), 0.0)
    management = management + np.where(practices["bank_account"], float(man_cfg["bank_account_points"]), 0.0)
    credit_points = np.zeros(n)
    for status, points in man_cfg["credit_status_points"].items():
        credit_points[credit == status] = float(points)
    management = management + credit_points

    mk = dims["market"]
    market = np.where(
        direct == 1,
        float(mk["export_direct_points"]),
        np.where(indirect == 1, float(mk["export_indirect_points"]), 0.0),
    )
    market = market + np.where(buyer_present, float(mk["buyer_contract_points"]), 0.0)
    market = market + np.where(
        held.get("EXPORT_TRAINING", np.zeros(n, bool)), float(mk["export_training_points"]), 0.0
    )
    market = market + np.where(target_export_count > 0, float(mk["target_market_chosen_points"]), 0.0)

    digital = np.zeros(n)
    for name in ("email", "website", "marketplace"):
        digital = digital + np.where(practices[name], float(dims["digital"][f"{name}_points"]), 0.0)

    raw_dimensions = {
        "compliance": compliance,
        "capacity": capacity_points,
        "quality": quality,
        "management": management,
        "market": market,
        "digital": digital,
    }
    dimensions = {name: np.floor(raw_dimensions[name] + 0.5).astype(np.int64) for name in DIMENSIONS}
    total_weight = sum(policy.weights.values())
    weighted = sum(policy.weights[name] * dimensions[name] for name in DIMENSIONS)
    score = (2 * weighted + total_weight) // (2 * total_weight)

    level_names = np.array([name for name, _ in policy.level_bands], dtype=object)
    level_index = (
        np.searchsorted(np.array([minimum for _, minimum in policy.level_bands]), score, side="right") - 1
    )
    cap_index = policy.level_rank(policy.level_cap)
    capped = (export_count > 0) & (export_blocked == export_count) & (level_index > cap_index)
    level_index = np.where(capped, cap_index, level_index)

    # Programmes and route (policy-v1 §5, §6.2).
    last_year = frame["last_export_year"].to_numpy(dtype=float)
    batch = _Batch(
        n=n,
        held=held,
        years=years,
        credit=credit,
        size_index=size_index,
        direct=direct,
        indirect=indirect,
        last_year=last_year,
        cutoff_year=add_months(as_of, -policy.recent_export_months).year,
        buyer_market=buyer_market,
        buyer_present=buyer_present,
        buyer_blocked=buyer_blocked,
        export_clear_count=export_clear_count,
        severity_present={name: gap_counts[name] > 0 for name in SEVERITY_RANK},
        product_count=product_count,
        food_kind_present=food_kind_present,
        group_kind=frame["group_kind"].to_numpy(dtype=object),
        group_members=frame["group_members"].to_numpy(dtype=float),
    )
    results, _, financial = _programmes(policy, as_of, batch, score)
    route = np.where(financial, "financial", "non_financial").astype(object)

    # Review flags (policy-v1 §6.3).
    special = credit == "special_mention"
    near_boundary = np.zeros(n, dtype=bool)
    for _, boundary in policy.level_bands[1:]:
        near = np.abs(score - boundary) <= policy.review_margin
        if not near.any():
            continue
        other_score = np.where(score >= boundary, boundary - 1, boundary)
        _, _, other_financial = _programmes(policy, as_of, batch, other_score)
        near_boundary |= near & (other_financial != financial)
    low_hs = _isin(hs_sources, ["model", "keyword"]) & ~(hs_scores >= policy.hs_score_threshold)
    low_confidence = np.bincount(product_owner, weights=low_hs, minlength=n) > 0
    review_codes = [
        (special, "credit_special_mention"),
        (near_boundary, "score_near_boundary"),
        (low_confidence, "hs_low_confidence"),
    ]

    # Missing inputs (policy-v1 §6.1), in the order facts.read_facts lists them.
    no_capacity = ~has_ratio & (product_count > 0)
    missing_parts: list[tuple[np.ndarray, str | np.ndarray]] = [(np.isnan(revenue), "annual_revenue_idr")]
    product_missing = _product_missing(product_owner, capacity, units, no_capacity, n)
    missing_parts.append((product_missing != "", product_missing))
    exported = (direct == 1) | (indirect == 1)
    missing_parts += [
        (np.isnan(frame["founded_year"].to_numpy(dtype=float)), "founded_year"),
        (pd.isna(credit), "credit_status"),
        (np.isnan(direct), "export_history.direct"),
        (np.isnan(indirect), "export_history.indirect"),
        (exported & np.isnan(last_year), "export_history.last_export_year"),
    ]
    missing_parts += [
        (np.isnan(frame[f"practice_{name}"].to_numpy(dtype=float)), f"practices.{name}") for name in PRACTICES
    ]
    missing_any = np.zeros(n, dtype=bool)
    missing_text = np.full(n, "", dtype=object)
    for mask, text in missing_parts:
        missing_any |= mask
        piece = np.where(mask, text if isinstance(text, str) else text, "")
        separator = np.where(mask & (missing_text != ""), ";", "")
        missing_text = missing_text + separator + piece

    blocking_markets = _join(mr_owner[blocked_mr & mr_export], mr_market[blocked_mr & mr_export], n)
    eligible_lists = [np.where(results[code] == 0, code, "") for code in results]
    eligible = np.full(n, "", dtype=object)
    for codes in eligible_lists:
        eligible = eligible + np.where((codes != "") & (eligible != ""), ";", "") + codes

    review_required = special | near_boundary | low_confidence
    review_text = np.full(n, "", dtype=object)
    for mask, code in review_codes:
        review_text = review_text + np.where(mask & (review_text != ""), ";", "") + np.where(mask, code, "")

    size_names = np.array([*SIZE_CLASSES, None], dtype=object)
    output = {
        "score": score,
        "level": level_names[level_index],
        "level_capped": capped,
        **{f"dim_{name}": dimensions[name] for name in DIMENSIONS},
        "size_class": size_names[size_index],
        "route": route,
        "status": np.where(missing_any, "needs_information", "complete").astype(object),
        "missing_fields": missing_text,
        "review_required": review_required,
        "review_reasons": review_text,
        "eligible_programmes": eligible,
        **{f"programme_{code}": RESULT_NAMES[result] for code, result in results.items()},
        **{f"gaps_{name}": gap_counts[name] for name in SEVERITY_RANK},
        "blocking_markets": blocking_markets,
    }
    result = pd.DataFrame(output, index=frame.index)
    result.insert(0, "as_of", as_of_iso)
    result.insert(1, "policy_version", policy.label)
    result.insert(2, "policy_hash", policy.content_hash)
    return result


def _held_any_codes(held: dict[str, np.ndarray], codes, n: int) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    for code in codes:
        if code in held:
            mask = mask | held[code]
    return mask


def _product_missing(owner, capacity, units, no_capacity, n) -> np.ndarray:
    """`products.<i>.monthly_capacity;products.<i>.capacity_unit` for rows where no product has capacity."""
    if len(owner) == 0:
        return np.full(n, "", dtype=object)
    starts = np.r_[0, np.cumsum(np.bincount(owner, minlength=n))[:-1]]
    position = np.arange(len(owner)) - starts[owner]
    affected = no_capacity[owner]
    pieces_owner = []
    pieces = []
    for index in np.flatnonzero(affected):
        if np.isnan(capacity[index]):
            pieces_owner.append(owner[index])
            pieces.append(f"products.{position[index]}.monthly_capacity")
        if units[index] == "":
            pieces_owner.append(owner[index])
            pieces.append(f"products.{position[index]}.capacity_unit")
    return _join(np.array(pieces_owner, dtype=np.int64), pieces, n)
