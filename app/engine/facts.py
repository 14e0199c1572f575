"""Facts: the profile read once into the plain values the rules consult.

`profile` is the contract's IKM profile, already validated (JSON style: dates as ISO strings, optional
fields absent or None). Nothing here decides anything; what is missing is read by missing.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.engine.arrays import np
from app.engine.dates import add_months, parse_date
from app.engine.dates import years_in_business as years_in_dates
from app.engine.policy import Policy
from app.engine.products import ProductClass
from app.vocabulary import NIB_PATTERN
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


def held_codes(
    certifications: list | None, as_of: date, nib: str | None = None, policy: Policy | None = None
) -> tuple[frozenset[str], dict[str, date]]:
    """Codes held on the date and those whose renewal is due (policy-v1 §1, §8 A3, A11).

    Held = listed and not expired (valid_until >= as_of), plus `NIB` when the profile's `nib` is well
    formed. A code held only through listings without valid_until whose renewal window is open on the
    date is mapped to the day it lapses.
    """
    held: set[str] = set()
    undated: set[str] = set()
    for certification in certifications or ():
        valid_until = parse_date(certification.get("valid_until"))
        if valid_until is None:
            undated.add(certification["code"])
        elif valid_until >= as_of:
            held.add(certification["code"])
    renewal_due = {}
    for code in undated - held:
        due = policy.renewal_due(code, as_of) if policy is not None else None
        if due is not None:
            renewal_due[code] = due
    held |= undated
    registration = policy.certificate_for("business_registration") if policy is not None else None
    if registration and nib and NIB_PATTERN.match(nib):
        held.add(registration)
    return frozenset(held), renewal_due


def years_in_business(profile: dict, as_of: date) -> tuple[int | None, int | None]:
    """Years in business for scoring, and full years certainly completed (policy-v1 §8 A7): the one rule
    (`dates.years_in_business`) on this profile."""
    founded_on = parse_date(profile.get("founded_on"))
    founded_year = profile.get("founded_year")
    years, certain = years_in_dates(
        np.array([np.nan if founded_year is None else founded_year], dtype=float),
        np.array([np.nan if founded_on is None else founded_on.year], dtype=float),
        np.array([np.nan if founded_on is None else founded_on.month * 100 + founded_on.day], dtype=float),
        as_of,
    )
    return _whole(years[0]), _whole(certain[0])


def _whole(value: float) -> int | None:
    """A float count as an int; None for NaN (unknown)."""
    return None if value != value else int(value)


def capacity_ratio(policy: Policy, commodity: str, amount, unit) -> tuple[float | None, str, float]:
    """Monthly capacity over the commodity's export lot (policy-v1 §4), with the lot's unit and amount."""
    lots = policy.export_lots.get(commodity) or policy.export_lots["other"]
    first_unit, first_amount = next(iter(lots.items()))
    if amount is None or unit is None:
        return None, first_unit, first_amount
    base, factor = policy.unit_bases.get(unit, (None, 0.0))
    if base not in lots:
        return None, first_unit, first_amount
    return float(amount) * factor / lots[base], base, lots[base]


def _read_products(profile: dict, policy: Policy) -> list[ProductFacts]:
    """Products with their class and capacity ratio."""
    raw_products = profile.get("products") or ()
    products = []
    for index, product in enumerate(raw_products):
        hs_code = product.get("hs_code") or None
        product_class = policy.product_class(hs_code)
        ratio, lot_unit, lot_amount = capacity_ratio(
            policy, product_class.commodity, product.get("monthly_capacity"), product.get("capacity_unit")
        )
        products.append(
            ProductFacts(
                index=index,
                description=product.get("description", ""),
                hs_code=hs_code,
                product_class=product_class,
                hs_source=product.get("hs_source") or ("given" if hs_code else None),
                hs_score=product.get("hs_score"),
                capacity_ratio=ratio,
                lot_unit=lot_unit,
                lot_amount=lot_amount,
                monthly_capacity=product.get("monthly_capacity"),
                capacity_unit=product.get("capacity_unit"),
            )
        )
    return products


def _export_markets(profile: dict, domestic: str) -> tuple[tuple[str, ...], tuple[str, ...], str | None]:
    """Target export markets, those plus the buyer's market, and the buyer's market."""
    targets = tuple(dict.fromkeys(m for m in profile.get("target_markets") or () if m != domestic))
    buyer = profile.get("buyer_contract") or None
    buyer_market = buyer.get("market") if buyer else None
    export_markets = targets
    if buyer_market and buyer_market != domestic and buyer_market not in targets:
        export_markets = (*targets, buyer_market)
    return targets, export_markets, buyer_market


def _read_history(profile: dict) -> tuple[bool | None, bool | None, int | None]:
    """Direct and indirect export and the last export year."""
    history = profile.get("export_history") or {}
    return history.get("direct"), history.get("indirect"), history.get("last_export_year")


def read_facts(profile: dict, as_of: date, policy: Policy) -> Facts:
    """Read a validated profile into Facts for the date."""
    size_class = policy.size_class_of(profile.get("annual_revenue_idr"))
    products = _read_products(profile, policy)
    domestic = policy.domestic_market
    targets, export_markets, buyer_market = _export_markets(profile, domestic)
    years, years_certain = years_in_business(profile, as_of)
    credit_status = profile.get("credit_status")
    direct, indirect, last_year = _read_history(profile)
    raw_practices = profile.get("practices") or {}
    practices = {name: raw_practices.get(name) for name in PRACTICES}
    group = profile.get("group") or None
    held, renewal_due = held_codes(profile.get("certifications"), as_of, profile.get("nib"), policy)
    return Facts(
        as_of=as_of,
        size_class=size_class,
        held=held,
        renewal_due=renewal_due,
        region_code=profile.get("region_code"),
        products=products,
        target_export_markets=targets,
        export_markets=export_markets,
        checked_markets=(*export_markets, domestic),
        years_in_business=years,
        years_at_least=years_certain,
        credit_status=credit_status,
        export_direct=direct,
        export_indirect=indirect,
        last_export_year=last_year,
        recent_export_cutoff_year=add_months(as_of, -policy.recent_export_months).year,
        buyer_market=buyer_market,
        group_kind=group.get("kind") if group else None,
        group_members=group.get("members") if group else None,
        practices=practices,
    )
