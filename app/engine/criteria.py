"""Programme criteria rules, one function per rule name used in programmes.yaml (policy-v1 §5).

Each returns (outcome, actual) with outcome `pass`, `fail` or `unknown` (an input is missing).
The parameters (thresholds, allowed values) come from the policy file, never from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.engine.facts import Facts

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"


@dataclass(slots=True)
class CriterionContext:
    """What criteria read besides the facts: the score and the gaps found."""

    facts: Facts
    score: int
    blocked_markets: frozenset[str]
    gap_severities: frozenset[str]
    gap_kinds: frozenset[tuple[str, str]] = frozenset()  # (severity, requirement) of every gap


def _outcome(condition: bool) -> str:
    return PASS if condition else FAIL


def holds_certificate(ctx: CriterionContext, params: dict) -> tuple[str, Any]:
    """policy-v1 §5 'NIB': the certificate is held (listed and not expired)."""
    held = [code for code in params["codes"] if code in ctx.facts.held]
    return _outcome(bool(held)), held or "not held"


def years_in_business_at_least(ctx: CriterionContext, params: dict) -> tuple[str, Any]:
    """policy-v1 §5 '≥ N years in business', §8 A7: unknown without a founding year or in the year between."""
    years, certain = ctx.facts.years_in_business, ctx.facts.years_at_least
    if years is None:
        return UNKNOWN, None
    if certain >= params["years"]:
        return PASS, years
    if years < params["years"]:
        return FAIL, years
    return UNKNOWN, years


def credit_status_in(ctx: CriterionContext, params: dict) -> tuple[str, Any]:
    """policy-v1 §5 credit status is one of the allowed SLIK statuses; unknown when absent."""
    status = ctx.facts.credit_status
    if status is None:
        return UNKNOWN, None
    return _outcome(status in params["allowed"]), status


def credit_status_not_in(ctx: CriterionContext, params: dict) -> tuple[str, Any]:
    """policy-v1 §5 credit status is none of the excluded SLIK statuses; unknown when absent."""
    status = ctx.facts.credit_status
    if status is None:
        return UNKNOWN, None
    return _outcome(status not in params["excluded"]), status


def size_class_in(ctx: CriterionContext, params: dict) -> tuple[str, Any]:
    """The size class (PP 7/2021) is one of the allowed; unknown without revenue."""
    size_class = ctx.facts.size_class
    if size_class is None:
        return UNKNOWN, None
    return _outcome(size_class in params["allowed"]), size_class


def export_oriented(ctx: CriterionContext, params: dict) -> tuple[str, Any]:
    """policy-v1 §5 PKE_UMKM: exported directly or indirectly, or readiness ≥ the minimum."""
    facts = ctx.facts
    actual = {"direct": facts.export_direct, "indirect": facts.export_indirect, "score": ctx.score}
    if facts.export_direct or facts.export_indirect or ctx.score >= params["min_score"]:
        return PASS, actual
    if facts.export_direct is None or facts.export_indirect is None:
        return UNKNOWN, actual
    return FAIL, actual


def export_market_clear(ctx: CriterionContext, params: dict) -> tuple[str, Any]:
    """policy-v1 §5: at least one export target market without blocking gaps."""
    clear = [market for market in ctx.facts.export_markets if market not in ctx.blocked_markets]
    if not ctx.facts.export_markets:
        return FAIL, "no export target market"
    return _outcome(bool(clear)), clear


def buyer_contract_present(ctx: CriterionContext, params: dict) -> tuple[str, Any]:
    """policy-v1 §5: a buyer contract, PO or LC exists (absent field = none)."""
    market = ctx.facts.buyer_market
    return _outcome(market is not None), market or "none"


def buyer_contract_absent(ctx: CriterionContext, params: dict) -> tuple[str, Any]:
    """policy-v1 §5 BUSINESS_MATCHING: no buyer contract yet."""
    market = ctx.facts.buyer_market
    return _outcome(market is None), market or "none"


def buyer_market_clear(ctx: CriterionContext, params: dict) -> tuple[str, Any]:
    """policy-v1 §5: no blocking gap in the buyer's market (fails without a buyer contract)."""
    market = ctx.facts.buyer_market
    if market is None:
        return FAIL, "no buyer contract"
    blocked = market in ctx.blocked_markets
    return _outcome(not blocked), {"market": market, "blocking_gaps": blocked}


def _recent(facts: Facts) -> bool | None:
    """Whether the last export year falls in the recent window; None when unknown."""
    if facts.last_export_year is None:
        return None
    return facts.last_export_year >= facts.recent_export_cutoff_year


def exported_recently_or_contract(ctx: CriterionContext, params: dict) -> tuple[str, Any]:
    """policy-v1 §5 KMKE: exported in the last 24 months, or holds a buyer contract."""
    facts = ctx.facts
    actual = {
        "buyer_contract": facts.buyer_market,
        "exported": bool(facts.export_direct or facts.export_indirect),
        "last_export_year": facts.last_export_year,
    }
    if facts.buyer_market is not None:
        return PASS, actual
    if facts.export_direct or facts.export_indirect:
        recent = _recent(facts)
        return (UNKNOWN if recent is None else _outcome(recent)), actual
    if facts.export_direct is None or facts.export_indirect is None:
        return UNKNOWN, actual
    return FAIL, actual


def readiness_at_least(ctx: CriterionContext, params: dict) -> tuple[str, Any]:
    """policy-v1 §5: readiness score at least the minimum."""
    return _outcome(ctx.score >= params["min_score"]), ctx.score


def readiness_between(ctx: CriterionContext, params: dict) -> tuple[str, Any]:
    """policy-v1 §5 CPNE: readiness within the band (inclusive)."""
    return _outcome(params["min_score"] <= ctx.score <= params["max_score"]), ctx.score


def closable_gap(ctx: CriterionContext, params: dict) -> tuple[str, Any]:
    """policy-v1 §5, §8 A5 JASA_KONSULTASI: a gap of the listed severities on a listed requirement."""
    severities, requirements = set(params["severities"]), set(params["requirements"])
    found = sorted(
        {f"{requirement} ({severity})" for severity, requirement in ctx.gap_kinds}
        & {f"{r} ({s})" for s in severities for r in requirements}
    )
    return _outcome(bool(found)), found or "no such gap"


def own_product(ctx: CriterionContext, params: dict) -> tuple[str, Any]:
    """policy-v1 §5 CPNE: the IKM sells its own product (every listed product is taken as its own)."""
    return _outcome(len(ctx.facts.products) > 0), len(ctx.facts.products)


def not_exported_directly_recently(ctx: CriterionContext, params: dict) -> tuple[str, Any]:
    """policy-v1 §5 CPNE: no direct export in the last 24 months."""
    facts = ctx.facts
    actual = {"direct": facts.export_direct, "last_export_year": facts.last_export_year}
    if facts.export_direct is None:
        return UNKNOWN, actual
    if not facts.export_direct:
        return PASS, actual
    recent = _recent(facts)
    return (UNKNOWN if recent is None else _outcome(not recent)), actual


def group_member(ctx: CriterionContext, params: dict) -> tuple[str, Any]:
    """policy-v1 §5 DESA_DEVISA: member of a sentra, cooperative or village group of enough units."""
    facts = ctx.facts
    if facts.group_kind is None:
        return FAIL, "no group"
    ok = facts.group_kind in params["kinds"] and (facts.group_members or 0) >= params["min_members"]
    return _outcome(ok), {"kind": facts.group_kind, "members": facts.group_members}


def product_food_kind(ctx: CriterionContext, params: dict) -> tuple[str, Any]:
    """policy-v1 §5 DESA_DEVISA: at least one product of a raw (or listed) food kind."""
    matching = [p.hs_code for p in ctx.facts.products if p.product_class.food in params["food"]]
    return _outcome(bool(matching)), matching or "none"


def product_in(ctx: CriterionContext, params: dict) -> tuple[str, Any]:
    """policy-v1 §8 A4 DESA_DEVISA: at least one product of the listed classes or HS prefixes."""
    classes, prefixes = set(params["product_classes"]), tuple(params["hs_prefixes"])
    matching = [
        p.hs_code
        for p in ctx.facts.products
        if p.product_class.name in classes or (p.hs_code and p.hs_code.startswith(prefixes))
    ]
    return _outcome(bool(matching)), matching or "none"


RULES: dict[str, Callable[[CriterionContext, dict], tuple[str, Any]]] = {
    name: function
    for name, function in globals().items()
    if callable(function)
    and getattr(function, "__module__", None) == __name__
    and not name.startswith("_")
    and name not in ("CriterionContext",)
}
