"""Facts: profiles read once, through the readers of the batch path (inputs.py), into plain values.

`profile` is the contract's IKM profile, already validated (JSON style: dates as ISO strings, optional
fields absent or None). `read_many` reads profiles into a frame of readings (each profile, then with the
size class unknown one row per possible size class), reads its inputs (codes held and renewals due,
products with class and capacity ratio, markets) by inputs.read_inputs, and gives each profile its Facts
from those arrays, with the FrameReading they come from: the single path's rules read the same arrays.
Nothing here decides anything; what is missing is read by missing.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from app.engine.arrays import np
from app.engine.dates import add_months
from app.engine.gaps import UNKNOWN_SIZE
from app.engine.inputs import Inputs, profile_columns, read_inputs, size_index, take, years
from app.engine.policy import SIZE_CLASSES, Policy
from app.engine.products import ProductClass
from app.vocabulary import PRACTICE_FIELDS as PRACTICES


@dataclass(slots=True)
class ProductFacts:
    """One product as the rules see it."""

    index: int
    description: str
    hs_code: str | None
    product_class: ProductClass
    hs_source: str | None
    hs_score: float | None
    capacity_ratio: float | None  # monthly capacity / commodity export lot, not capped; None = not comparable
    lot_unit: str
    lot_amount: float
    monthly_capacity: float | None = None  # as given
    capacity_unit: str | None = None


@dataclass(slots=True)
class Facts:
    """Everything the rules read from one profile on one date."""

    as_of: date
    size_class: str | None
    held: frozenset[str]
    renewal_due: dict[str, date]  # held codes whose renewal window is open: code → lapse day (§8 A11)
    region_code: str | None
    products: list[ProductFacts]
    target_export_markets: tuple[str, ...]  # target markets other than the domestic one
    export_markets: tuple[str, ...]  # the above plus the buyer's market (policy-v1 §5 "buyer's market")
    checked_markets: tuple[str, ...]  # export markets plus the domestic market, always checked (§1)
    years_in_business: int | None  # exact with founded_on; as_of.year − founded_year otherwise
    years_at_least: int | None  # full years certainly completed (policy-v1 §8 A7)
    credit_status: str | None
    export_direct: bool | None
    export_indirect: bool | None
    last_export_year: int | None
    recent_export_cutoff_year: int
    buyer_market: str | None
    group_kind: str | None
    group_members: int | None
    practices: dict[str, bool | None]
    profile: dict[str, Any]  # as given
    reading: FrameReading  # the readings of the profiles read with this one (read_many)


@dataclass(slots=True)
class FrameReading:
    """Profiles read on a date: the frame of their readings (each profile, then with the size class
    unknown one row per possible size class), their inputs (inputs.read_inputs), each reading's size
    class index and years in business, and each profile's first reading row."""

    frame: dict[str, np.ndarray]
    inputs: Inputs
    sizes: np.ndarray
    years: tuple[np.ndarray, np.ndarray]
    first_rows: list[int]
    facts: list[Facts]


def _whole(value: float) -> int | None:
    """A float count as an int; None for NaN (unknown)."""
    return None if value != value else int(value)


def _positions(owner: np.ndarray, n: int) -> list[list[int]]:
    """Per row, the positions of its items (in their order)."""
    found: list[list[int]] = [[] for _ in range(n)]
    for position, row in enumerate(owner.tolist()):
        found[row].append(position)
    return found


def read_many(profiles: list[dict], as_of: date, policy: Policy) -> list[Facts]:
    """Read validated profiles into Facts for the date, all through one FrameReading."""
    frame = profile_columns(profiles)
    sizes = size_index(frame, policy).tolist()
    rows, reading_sizes, first_rows = [], [], []
    for row, size in enumerate(sizes):
        first_rows.append(len(rows))
        rows.append(row)
        reading_sizes.append(size)
        if size == UNKNOWN_SIZE:
            rows += [row] * len(SIZE_CLASSES)
            reading_sizes += range(len(SIZE_CLASSES))
    readings = frame if len(rows) == len(profiles) else take(frame, np.array(rows, dtype=np.int64))
    inputs = read_inputs(readings, as_of, policy)
    reading = FrameReading(
        readings, inputs, np.array(reading_sizes, dtype=np.int64), years(readings, as_of), first_rows, []
    )
    products = _positions(inputs.products.owner, len(rows))
    markets = _positions(inputs.markets.owner, len(rows))
    cutoff_year = add_months(as_of, -policy.recent_export_months).year
    for profile, first in zip(profiles, first_rows, strict=True):
        reading.facts.append(
            _facts_of(profile, as_of, reading, first, products[first], markets[first], cutoff_year)
        )
    return reading.facts


def read_facts(profile: dict, as_of: date, policy: Policy) -> Facts:
    """Read a validated profile into Facts for the date (a reading of one)."""
    return read_many([profile], as_of, policy)[0]


def _products_of(profile: dict, products, positions: list[int]) -> list[ProductFacts]:
    """The products at the given positions of the flattened products, as the rules read them."""
    found = []
    for index, (product, position) in enumerate(zip(profile.get("products") or (), positions, strict=True)):
        hs_code = product.get("hs_code") or None
        ratio = float(products.ratio[position])
        found.append(
            ProductFacts(
                index=index,
                description=product.get("description", ""),
                hs_code=hs_code,
                product_class=products.unique_classes[int(products.hs_index[position])],
                hs_source=products.hs_sources[position] or None,
                hs_score=product.get("hs_score"),
                capacity_ratio=None if ratio != ratio else ratio,
                lot_unit=products.lot_unit[position],
                lot_amount=products.lot_amount[position],
                monthly_capacity=product.get("monthly_capacity"),
                capacity_unit=product.get("capacity_unit"),
            )
        )
    return found


def _facts_of(profile, as_of, reading: FrameReading, row: int, products, markets, cutoff_year: int) -> Facts:
    """The Facts of the profile read at the given row of the reading."""
    inputs = reading.inputs
    size = int(reading.sizes[row])
    checked = inputs.markets.market[markets].tolist()
    export = checked[:-1]  # the domestic market is checked last (inputs.read_markets)
    history = profile.get("export_history") or {}
    group = profile.get("group") or {}
    raw_practices = profile.get("practices") or {}
    return Facts(
        as_of=as_of,
        size_class=None if size == UNKNOWN_SIZE else SIZE_CLASSES[size],
        held=frozenset(code for code, rows in inputs.held.items() if rows[row]),
        renewal_due={
            code: date.fromordinal(lapse) for code, (rows, lapse) in inputs.renewal.items() if rows[row]
        },
        region_code=profile.get("region_code"),
        products=_products_of(profile, inputs.products, products),
        target_export_markets=tuple(export[: int(inputs.markets.target_export_count[row])]),
        export_markets=tuple(export),
        checked_markets=tuple(checked),
        years_in_business=_whole(reading.years[0][row]),
        years_at_least=_whole(reading.years[1][row]),
        credit_status=profile.get("credit_status"),
        export_direct=history.get("direct"),
        export_indirect=history.get("indirect"),
        last_export_year=history.get("last_export_year"),
        recent_export_cutoff_year=cutoff_year,
        buyer_market=(profile.get("buyer_contract") or {}).get("market"),
        group_kind=group.get("kind"),
        group_members=group.get("members"),
        practices={name: raw_practices.get(name) for name in PRACTICES},
        profile=profile,
        reading=reading,
    )
