"""The profile read into the inputs of the rules, written once over arrays for both paths.

A frame is a mapping of column name to array, one row per profile: `profile_columns` builds it from
validated profiles (the batch path wraps it in a pandas DataFrame, `batch.profiles_to_frame`; the single
path keeps the plain dict, a batch of one or of what-if variants, since a one-row DataFrame costs more
than its whole assessment). Lists are kept as tuples. From a frame, `read_inputs` reads the codes held
on the date and the renewals due (policy-v1 §1, §8 A3, A11), the products with their class and capacity
ratio (§4) and the checked markets (§1); `gap_inputs` and `missing_inputs` assemble from those the
inputs of gap finding (gaps.py) and of missing fields (missing.py). numpy only, no pandas.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import chain
from operator import itemgetter

from app.engine.arrays import np
from app.engine.criteria import Columns, owner_any, product_keys, product_matches
from app.engine.dates import add_months, parse_date, years_in_business
from app.engine.gaps import UNKNOWN_SIZE, GapInputs, GapTable
from app.engine.missing import MissingInputs
from app.engine.per_policy import cached_per_policy
from app.engine.policy import SEVERITY_RANK, Policy
from app.engine.readiness import (
    capacity_points,
    compliance_points,
    digital_points,
    management_points,
    market_points,
    quality_points,
)
from app.vocabulary import NIB_PATTERN
from app.vocabulary import PRACTICE_FIELDS as PRACTICES


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


FRAME_COLUMNS = (
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
)


NUMBER_COLUMNS = frozenset(
    {
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
)


def profile_columns(profiles: list[dict]) -> dict[str, np.ndarray]:
    """One row per validated profile: scalar fields as columns, products/certificates/markets as tuples."""
    columns: dict[str, list] = {name: [] for name in FRAME_COLUMNS}
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
    return {name: _column(name, values) for name, values in columns.items()}


def _column(name: str, values: list) -> np.ndarray:
    """Numbers as float64 arrays, everything else as object arrays (tuples stay tuples)."""
    if name in NUMBER_COLUMNS:
        return np.array(values, dtype=float)
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def column(frame, name: str) -> np.ndarray:
    """A column of a frame (a dict of arrays or a pandas DataFrame) as a numpy array."""
    values = frame[name]
    return values if isinstance(values, np.ndarray) else values.to_numpy()


def is_missing(values: np.ndarray) -> np.ndarray:
    """Per value of an object column, whether it is missing (None or NaN)."""
    return np.fromiter((value is None or value != value for value in values), dtype=bool, count=len(values))


def take(frame, rows: np.ndarray) -> dict[str, np.ndarray]:
    """The given rows of a frame, as a dict of arrays."""
    return {name: column(frame, name)[rows] for name in FRAME_COLUMNS}


def factorize(values) -> tuple[np.ndarray, list]:
    """Each value's index in the list of distinct values, in order of first appearance."""
    position: dict = {}
    codes = np.fromiter(
        (position.setdefault(value, len(position)) for value in values), dtype=np.int64, count=len(values)
    )
    return codes, list(position)


def _flatten(values: np.ndarray) -> tuple[np.ndarray, list]:
    """Row index per item and the items of a column of tuples."""
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    owners = np.repeat(np.arange(len(values)), lengths)
    return owners, list(chain.from_iterable(values))


def _table(items: list[tuple], width: int) -> list[np.ndarray]:
    """Flattened tuples as object arrays, one per tuple position."""
    return [
        np.fromiter(map(itemgetter(position), items), dtype=object, count=len(items))
        for position in range(width)
    ]


_WIDTHS = {"products": 5, "certifications": 2}


def _items(frame, name: str, shared: dict | None) -> tuple:
    """The flattened items of a tuple column with their factorized first field: owner row, the
    columns (_table), codes and uniques of the first column. They do not depend on the policy, so
    evaluations of one frame under several policies read them once through `shared` (see
    batch.assess_frame)."""
    if shared is not None and name in shared:
        return shared[name]
    owner, items = _flatten(column(frame, name))
    columns = _table(items, len(items[0]) if items else _WIDTHS[name])
    codes, uniques = factorize(columns[0])
    found = (owner, columns, codes, uniques)
    if shared is not None:
        shared[name] = found
    return found


@cached_per_policy()
def _code_rows(policy: Policy) -> dict[str, int]:
    """Each certification code's row in held_on's matrix (policy.certification_codes order)."""
    return {code: row for row, code in enumerate(policy.certification_codes)}


@cached_per_policy(limit=1024)
def _renewals_open(policy: Policy, as_of: date) -> tuple[tuple[str, int], ...]:
    """The codes whose renewal window is open on the date, with the ordinal of the lapse day (§8 A11)."""
    lapses = ((code, policy.renewal_due(code, as_of)) for code in policy.renewals)
    return tuple((code, lapse.toordinal()) for code, lapse in lapses if lapse is not None)


def held_on(frame, as_of: date, policy: Policy, n: int, shared: dict | None = None) -> tuple[dict, dict]:
    """Per code, whether each row holds it on the date; per code whose renewal is due, the rows holding
    it only with the renewal due and the ordinal of the day it lapses.

    policy-v1 §1: an expired listing is not held; §8 A3: a well-formed `nib` holds NIB; §8 A11: a code
    held only through listings without valid_until has its renewal due once the window is open.
    """
    owner, (_, until), listed, codes = _items(frame, "certifications", shared)
    position = _code_rows(policy)
    matrix = np.zeros((len(position), n), dtype=bool)
    if len(owner):
        valid = (until == "") | (until >= as_of.isoformat())  # ISO dates compare as text
        code_row = np.array([position.get(code, -1) for code in codes], dtype=np.int64)[listed]
        kept = valid & (code_row >= 0)
        matrix[code_row[kept], owner[kept]] = True
    held = dict(zip(policy.certification_codes, matrix, strict=True))
    registration = policy.certificate_for("business_registration")
    if registration:
        held[registration] = held[registration] | (column(frame, "nib_valid") == 1)
    renewal = {}
    for code, lapse in _renewals_open(policy, as_of):
        due = held[code]
        if code in codes:
            dated = np.zeros(n, dtype=bool)
            dated[owner[valid & (listed == codes.index(code)) & (until != "")]] = True
            due = due & ~dated
        if due.any():  # a code no row has due changes no finding (gaps._finding_keys)
            renewal[code] = (due, lapse)
    return held, renewal


@dataclass
class Products:
    """Flattened products: owner row, HS index, class facts, capacity ratio and the lot it is read
    against (the lot's unit and amount: the first of the commodity's lots when not comparable)."""

    owner: np.ndarray
    count: np.ndarray
    hs_index: np.ndarray
    unique_hs: list
    unique_classes: list
    capacity: np.ndarray
    units: np.ndarray
    hs_sources: np.ndarray
    hs_scores: np.ndarray
    ratio: np.ndarray  # per product, NaN = not comparable
    lot_unit: np.ndarray
    lot_amount: np.ndarray
    best_ratio: np.ndarray
    food_kind_present: dict[str, np.ndarray]


def products_matching(products: Products, n: int, applies) -> np.ndarray:
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


def read_products(frame, policy: Policy, n: int, shared: dict | None = None) -> Products:
    """Products with their class and monthly capacity over the commodity's export lot (policy-v1 §4)."""
    owner, columns, hs_index, unique_hs = _items(frame, "products", shared)
    capacity = columns[1].astype(float)
    units = columns[2]
    unique_classes = [policy.product_class(code or None) for code in unique_hs]
    unit_index, unique_units = factorize(units)
    commodities = tuple(c.commodity for c in unique_classes)
    factor, lot, lot_value, base_unit, first_unit, first_amount = _lots(
        policy, commodities, tuple(unique_units)
    )
    pair = hs_index * len(unique_units) + unit_index  # the (commodity, unit) of each product in _lots
    ratio = capacity * factor[pair] / lot[pair]
    comparable = ~np.isnan(ratio)
    best_ratio = np.full(n, np.nan)
    np.fmax.at(best_ratio, owner, ratio)
    kinds = [FOOD_KINDS.index(c.food) if c.food in FOOD_KINDS else -1 for c in unique_classes]
    kind = np.array(kinds, dtype=np.int64)[hs_index]
    food = kind >= 0
    present = np.zeros((len(FOOD_KINDS), n), dtype=bool)
    present[kind[food], owner[food]] = True
    return Products(
        owner=owner,
        count=np.bincount(owner, minlength=n),
        hs_index=hs_index,
        unique_hs=unique_hs,
        unique_classes=unique_classes,
        capacity=capacity,
        units=units,
        hs_sources=columns[3],
        hs_scores=columns[4].astype(float),
        ratio=ratio,
        lot_unit=np.where(comparable, base_unit[pair], first_unit[hs_index]),
        lot_amount=np.where(comparable, lot_value[pair], first_amount[hs_index]),
        best_ratio=best_ratio,
        food_kind_present=dict(zip(FOOD_KINDS, present, strict=True)),
    )


FOOD_KINDS = ("raw", "processed")


@cached_per_policy(limit=1024)
def _lots(policy: Policy, commodities: tuple, units: tuple) -> tuple:
    """Per (commodity, unit), flattened (at commodity × len(units) + unit): the unit's factor to its base,
    the commodity's lot in that base (as a float and as the policy gives it) and the base, NaN / None
    when the unit does not compare with the lot (capacity ratio = capacity × factor / lot, policy-v1 §4);
    per commodity, its first lot's unit and amount (the lot shown when none compares)."""
    shape = (len(commodities), len(units))
    factor, lot = np.full(shape, np.nan), np.full(shape, np.nan)
    lot_value, base_unit = np.empty(shape, dtype=object), np.empty(shape, dtype=object)
    first_unit = np.empty(len(commodities), dtype=object)
    first_amount = np.empty(len(commodities), dtype=object)
    for c, commodity in enumerate(commodities):
        lots = policy.export_lots.get(commodity) or policy.export_lots["other"]
        first_unit[c], first_amount[c] = next(iter(lots.items()))
        for u, unit in enumerate(units):
            base, unit_factor = policy.unit_bases.get(unit, (None, 0.0))
            if base in lots:
                factor[c, u], lot[c, u], lot_value[c, u], base_unit[c, u] = (
                    unit_factor,
                    lots[base],
                    lots[base],
                    base,
                )
    return factor.ravel(), lot.ravel(), lot_value.ravel(), base_unit.ravel(), first_unit, first_amount


@dataclass
class Markets:
    """Checked markets as rows: export targets, the buyer's market, and the domestic market."""

    owner: np.ndarray
    market: np.ndarray
    export: np.ndarray
    index: np.ndarray
    unique: list
    target_export_count: np.ndarray
    buyer_market: np.ndarray
    buyer_present: np.ndarray


def _market_codes(frame, shared: dict | None) -> tuple:
    """The markets each row lists, its targets then (after those of every row) its buyer's market, each
    (row, market) once, first listing kept: owner row, market code, whether it is a target; each row's
    buyer market present; the market names of the codes. Read once per frame through `shared` (see
    batch.assess_frame)."""
    if shared is not None and "markets" in shared:
        return shared["markets"]
    owner, items = _flatten(column(frame, "target_markets"))
    buyer_market = column(frame, "buyer_market")
    buyer_present = ~is_missing(buyer_market)
    codes, names = factorize([*items, *buyer_market[buyer_present].tolist()])
    listed_owner = np.concatenate([owner, np.flatnonzero(buyer_present)])
    first = _first_pairs(listed_owner, codes, max(1, len(names)))  # a market once per row
    found = (listed_owner[first], codes[first], first < len(items), buyer_present, names)
    if shared is not None:
        shared["markets"] = found
    return found


def _first_pairs(owner: np.ndarray, code: np.ndarray, width: int) -> np.ndarray:
    """Positions of the first (owner, code) pair of each kind, in their order."""
    keys = owner * width + code
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    first = np.empty(len(keys), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return np.sort(order[first])


def read_markets(frame, domestic: str, n: int, shared: dict | None = None) -> Markets:
    """Export targets (not the domestic market), the buyer's market, then the domestic market (§1)."""
    owner, codes, target, buyer_present, names = _market_codes(frame, shared)
    names = names if domestic in names else [*names, domestic]
    home = names.index(domestic)
    export = codes != home
    export_owner = owner[export]
    index = np.concatenate([codes[export], np.full(n, home, dtype=np.int64)])
    return Markets(
        owner=np.concatenate([export_owner, np.arange(n)]),
        market=np.array(names, dtype=object)[index],
        export=np.arange(len(index)) < len(export_owner),
        index=index,
        unique=names,
        target_export_count=np.bincount(owner[export & target], minlength=n),
        buyer_market=column(frame, "buyer_market"),
        buyer_present=buyer_present,
    )


@dataclass
class Inputs:
    """What the rules read from a frame on a date that does not depend on the size class."""

    held: dict[str, np.ndarray]
    renewal: dict[str, tuple[np.ndarray, int]]
    products: Products
    markets: Markets


def read_inputs(frame, as_of: date, policy: Policy, shared: dict | None = None) -> Inputs:
    """Codes held (and renewals due), products and markets of every row of the frame on the date."""
    n = len(column(frame, "name"))
    held, renewal = held_on(frame, as_of, policy, n, shared)
    products = read_products(frame, policy, n, shared)
    return Inputs(held, renewal, products, read_markets(frame, policy.domestic_market, n, shared))


def size_index(frame, policy: Policy) -> np.ndarray:
    """Size class index per row by PP 7/2021 bands; UNKNOWN_SIZE without revenue."""
    revenue = column(frame, "annual_revenue_idr")
    return np.where(
        np.isnan(revenue), UNKNOWN_SIZE, np.searchsorted(_size_uppers(policy), revenue, side="left")
    )


@cached_per_policy()
def _size_uppers(policy: Policy) -> np.ndarray:
    """The upper revenue bound of each size class but the last (read-only)."""
    uppers = np.array([upper for _, upper in policy.size_bands[:-1]], dtype=float)
    uppers.flags.writeable = False
    return uppers


def years(frame, as_of: date) -> tuple[np.ndarray, np.ndarray]:
    """Years in business for scoring and full years certainly completed (policy-v1 §8 A7); NaN unknown."""
    return years_in_business(
        column(frame, "founded_year"),
        column(frame, "founded_on_year"),
        column(frame, "founded_on_md"),
        as_of,
    )


def gap_inputs(frame, inputs: Inputs, sizes: np.ndarray) -> GapInputs:
    """The gap finder's arrays (gaps.GapInputs): each row's distinct HS codes, first listed first, and
    its checked markets, at the given size class indexes."""
    products, markets = inputs.products, inputs.markets
    first = np.zeros(0, dtype=np.int64)
    if len(products.owner):
        _, first = np.unique(
            products.owner * max(1, len(products.unique_hs)) + products.hs_index, return_index=True
        )
        first.sort()
    return GapInputs(
        n=len(sizes),
        size_index=sizes,
        held=inputs.held,
        renewal=inputs.renewal,
        region=column(frame, "region_code"),
        product_owner=products.owner[first],
        product_hs=products.hs_index[first],
        unique_hs=products.unique_hs,
        unique_classes=products.unique_classes,
        market_owner=markets.owner,
        market_index=markets.index,
        unique_markets=markets.unique,
    )


def missing_inputs(frame, inputs: Inputs, years_found: tuple[np.ndarray, np.ndarray]) -> MissingInputs:
    """The inputs of missing fields (policy-v1 §6.1, missing.py) of every row."""
    products = inputs.products
    n = len(products.count)
    return MissingInputs(
        n=n,
        revenue_missing=np.isnan(column(frame, "annual_revenue_idr")),
        years=years_found[0],
        years_certain=years_found[1],
        credit_missing=is_missing(column(frame, "credit_status")),
        direct=column(frame, "export_direct"),
        indirect=column(frame, "export_indirect"),
        last_year=column(frame, "last_export_year"),
        practices={name: column(frame, f"practice_{name}") for name in PRACTICES},
        no_capacity=np.isnan(products.best_ratio) & (products.count > 0),
        product_owner=products.owner,
        capacity_missing=np.isnan(products.capacity),
        unit_missing=products.units == "",
    )


def market_flags(table: GapTable, markets: Markets) -> tuple[np.ndarray, np.ndarray]:
    """Per checked-market row, whether it has a blocking gap and whether it has a major gap."""
    flagged = []
    for name in ("blocking", "major"):
        rows = np.zeros(len(markets.owner), dtype=bool)
        rows[table.market_row[table.rank == SEVERITY_RANK[name]]] = True
        flagged.append(rows)
    return flagged[0], flagged[1]


def export_counts(markets: Markets, blocked: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row, its export markets and those of them with a blocking gap."""
    count = np.bincount(markets.owner, weights=markets.export, minlength=n)
    return count, np.bincount(markets.owner, weights=markets.export & blocked, minlength=n)


@cached_per_policy(limit=1024)
def _quality_applies(policy: Policy, unique_hs: tuple) -> np.ndarray:
    """Quality items × HS codes: whether a rule would ask the item of a product (policy-v1 §8 A6)."""
    classes = [policy.product_class(code or None) for code in unique_hs]
    table = [
        [item.applies_to_product(code or None, c) for code, c in zip(unique_hs, classes, strict=True)]
        for item in policy.quality_items
    ]
    return np.array(table, dtype=bool).reshape(len(policy.quality_items), len(unique_hs))


@cached_per_policy()
def _quality_codes(policy: Policy) -> tuple[list[str], np.ndarray]:
    """The codes of the quality items, and items × codes: whether the code is one of the item's."""
    codes = list(dict.fromkeys(code for item in policy.quality_items for code in item.any_of))
    uses = [[code in item.any_of for code in codes] for item in policy.quality_items]
    return codes, np.array(uses, dtype=float).reshape(len(policy.quality_items), len(codes))


def quality_items(policy: Policy, inputs: Inputs, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Quality items × rows: whether the item applies to one of the row's products, and whether one of
    its codes is held."""
    products = inputs.products
    applies = np.zeros((len(policy.quality_items), n), dtype=bool)
    item, product = np.nonzero(_quality_applies(policy, tuple(products.unique_hs))[:, products.hs_index])
    applies[item, products.owner[product]] = True
    codes, uses = _quality_codes(policy)
    absent = np.zeros(n, dtype=bool)
    holding = np.array([inputs.held.get(code, absent) for code in codes], dtype=float).reshape(len(codes), n)
    return applies, (uses @ holding) > 0


def dimension_points(frame, policy: Policy, years_found, inputs: Inputs, blocked, major) -> dict:
    """The six dimension scores before rounding (policy-v1 §4, readiness.py) of every row, from its
    inputs and the flags of its checked markets (market_flags); NaN = not applicable."""
    dims = policy.dimensions
    held, products, markets = inputs.held, inputs.products, inputs.markets
    n = len(products.count)
    practices = {name: column(frame, f"practice_{name}") == 1 for name in PRACTICES}
    checked = np.bincount(markets.owner, minlength=n)
    applies, held_items = quality_items(policy, inputs, n)
    return {
        "compliance": compliance_points(
            held,
            checked,
            np.bincount(markets.owner, weights=blocked, minlength=n),
            np.bincount(markets.owner, weights=major, minlength=n),
            dims["compliance"],
        ),
        "capacity": capacity_points(products.best_ratio, years_found, dims["capacity"]),
        "quality": quality_points(applies, held_items, [item.points for item in policy.quality_items]),
        "management": management_points(
            years_found,
            practices["bookkeeping"],
            practices["bank_account"],
            column(frame, "credit_status"),
            dims["management"],
        ),
        "market": market_points(
            column(frame, "export_direct"),
            column(frame, "export_indirect"),
            markets.buyer_present,
            held.get(policy.certificate_for("export_training"), np.zeros(n, dtype=bool)),
            markets.target_export_count,
            dims["market"],
        ),
        "digital": digital_points(practices, dims["digital"]) + np.zeros(n),
    }


@cached_per_policy()
def _requirement_of(policy: Policy) -> np.ndarray:
    """The requirement (code) of each entry of policy.requirements."""
    return np.array([entry.requirement for entry in policy.requirements], dtype=object)


@cached_per_policy(limit=1024)
def _product_match_table(policy: Policy, unique_hs: tuple) -> np.ndarray:
    """product_in criteria (in product_keys order) × HS codes: whether a product of the code matches."""
    classes = [policy.product_class(code or None) for code in unique_hs]
    keys = product_keys(policy)
    table = [
        [product_matches(key, code or None, c) for code, c in zip(unique_hs, classes, strict=True)]
        for key in keys
    ]
    return np.array(table, dtype=bool).reshape(len(keys), len(unique_hs))


def product_matches_of(policy: Policy, products: Products, n: int) -> dict[tuple, np.ndarray]:
    """Rows matching each product_in criterion's classes and HS prefixes (policy-v1 §8 A4)."""
    keys = product_keys(policy)
    found = np.zeros((len(keys), n), dtype=bool)
    key, product = np.nonzero(_product_match_table(policy, tuple(products.unique_hs))[:, products.hs_index])
    found[key, products.owner[product]] = True
    return dict(zip(keys, found, strict=True))


def criterion_columns(
    frame,
    as_of: date,
    policy: Policy,
    inputs: Inputs,
    sizes: np.ndarray,
    years_found,
    gaps: GapTable,
    blocked,
) -> Columns:
    """What the criteria read (criteria.Columns) of every row: its inputs, size class, years in business,
    gaps (`blocked`: per checked-market row, whether it has a blocking gap; market_flags)."""
    n = len(sizes)
    products, markets = inputs.products, inputs.markets
    export_count, export_blocked = export_counts(markets, blocked, n)
    buyer_blocked = np.zeros(n, dtype=bool)
    buyer_rows = markets.buyer_present[markets.owner] & (
        markets.market == markets.buyer_market[markets.owner]
    )
    buyer_blocked[markets.owner[buyer_rows & blocked]] = True
    return Columns(
        n=n,
        held=inputs.held,
        years=years_found[0],
        years_certain=years_found[1],
        credit=column(frame, "credit_status"),
        credit_unknown=is_missing(column(frame, "credit_status")),
        size_index=sizes,
        direct=column(frame, "export_direct"),
        indirect=column(frame, "export_indirect"),
        last_year=column(frame, "last_export_year"),
        cutoff_year=add_months(as_of, -policy.recent_export_months).year,
        buyer_market=markets.buyer_market,
        buyer_present=markets.buyer_present,
        buyer_blocked=buyer_blocked,
        export_clear_count=export_count - export_blocked,
        gaps=gaps,
        requirement_of=_requirement_of(policy),
        product_count=products.count,
        food_kind_present=products.food_kind_present,
        product_match=product_matches_of(policy, products, n),
        group_kind=column(frame, "group_kind"),
        group_members=column(frame, "group_members"),
    )
