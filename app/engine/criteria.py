"""Programme criteria rules, one function per rule name used in programmes.yaml (policy-v1 §5).

The one criterion registry: each rule is declared here with `@rule(...)` beside its function: its name,
its parameters (with the vocabulary each is checked against when the policy loads), how the required
value reads, and a description in Bahasa Indonesia and English. The vector form of each rule
(app/engine/batch.py) attaches itself to the same entry with `@vectorised(name)`; policy loading, the
catalogue and both paths read RULES, nothing else.

Each function returns (outcome, actual) with outcome PASS, FAIL or UNKNOWN (an input is missing), the
same integers the vector forms return; OUTCOME_NAMES gives their API names. The parameters (thresholds,
allowed values) come from the policy file, never from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.engine.facts import Facts

PASS, FAIL, UNKNOWN = 0, 1, 2
OUTCOME_NAMES = ("pass", "fail", "unknown")
# What a parameter is checked against when programmes.yaml loads (see policy._check_params).
PARAM_KINDS = (
    "number",
    "certificate_codes",
    "credit_statuses",
    "size_classes",
    "severities",
    "food_kinds",
    "product_classes",
    "hs_prefixes",
    "group_kinds",
)


@dataclass(frozen=True)
class Rule:
    """A criterion rule: name, parameters and their kinds, required-value text, descriptions, functions."""

    name: str
    params: dict[str, str]
    required: Callable[[dict], str]
    description_id: str
    description_en: str
    evaluate: Callable
    vector: Callable | None = None


RULES: dict[str, Rule] = {}


def rule(params: dict[str, str], required: Callable[[dict], str], description_id: str, description_en: str):
    """Declare the decorated function as the criterion rule of its name."""

    def register(function: Callable) -> Callable:
        unknown = set(params.values()) - set(PARAM_KINDS)
        if unknown:
            raise ValueError(f"{function.__name__}: unknown parameter kinds {sorted(unknown)}")
        RULES[function.__name__] = Rule(
            function.__name__, params, required, description_id, description_en, function
        )
        return function

    return register


def vectorised(name: str):
    """Attach the decorated function as the vector form (over a batch) of the rule `name`."""

    def register(function: Callable) -> Callable:
        RULES[name] = replace(RULES[name], vector=function)
        return function

    return register


@dataclass(slots=True)
class CriterionContext:
    """What criteria read besides the facts: the score and the gaps found."""

    facts: Facts
    score: int
    blocked_markets: frozenset[str]
    gap_kinds: frozenset[tuple[str, str]] = frozenset()  # (severity, requirement) of every gap


def _outcome(condition: bool) -> int:
    return PASS if condition else FAIL


@rule(
    {"codes": "certificate_codes"},
    lambda p: " or ".join(p["codes"]) + " held",
    "Memegang sertifikat/izin yang disebut (berlaku)",
    "Holds one of the listed certificates (not expired)",
)
def holds_certificate(ctx: CriterionContext, params: dict) -> tuple[int, Any]:
    """policy-v1 §5 'NIB': the certificate is held (listed and not expired)."""
    held = [code for code in params["codes"] if code in ctx.facts.held]
    return _outcome(bool(held)), held or "not held"


@rule(
    {"years": "number"},
    lambda p: f">= {p['years']}",
    "Lama usaha sedikitnya N tahun penuh",
    "At least N full years in business",
)
def years_in_business_at_least(ctx: CriterionContext, params: dict) -> tuple[int, Any]:
    """policy-v1 §5 '≥ N years in business', §8 A7: unknown without a founding year or in the year between."""
    years, certain = ctx.facts.years_in_business, ctx.facts.years_at_least
    if years is None:
        return UNKNOWN, None
    if certain >= params["years"]:
        return PASS, years
    if years < params["years"]:
        return FAIL, years
    return UNKNOWN, years


@rule(
    {"allowed": "credit_statuses"},
    lambda p: "one of " + ", ".join(p["allowed"]),
    "Kolektibilitas SLIK termasuk yang diizinkan",
    "SLIK credit status is one of the allowed",
)
def credit_status_in(ctx: CriterionContext, params: dict) -> tuple[int, Any]:
    """policy-v1 §5 credit status is one of the allowed SLIK statuses; unknown when absent."""
    status = ctx.facts.credit_status
    if status is None:
        return UNKNOWN, None
    return _outcome(status in params["allowed"]), status


@rule(
    {"excluded": "credit_statuses"},
    lambda p: "none of " + ", ".join(p["excluded"]),
    "Kolektibilitas SLIK bukan yang dikecualikan",
    "SLIK credit status is none of the excluded",
)
def credit_status_not_in(ctx: CriterionContext, params: dict) -> tuple[int, Any]:
    """policy-v1 §5 credit status is none of the excluded SLIK statuses; unknown when absent."""
    status = ctx.facts.credit_status
    if status is None:
        return UNKNOWN, None
    return _outcome(status not in params["excluded"]), status


@rule(
    {"allowed": "size_classes"},
    lambda p: "one of " + ", ".join(p["allowed"]),
    "Skala usaha (PP 7/2021) termasuk yang diizinkan",
    "Size class (PP 7/2021) is one of the allowed",
)
def size_class_in(ctx: CriterionContext, params: dict) -> tuple[int, Any]:
    """The size class (PP 7/2021) is one of the allowed; unknown without revenue."""
    size_class = ctx.facts.size_class
    if size_class is None:
        return UNKNOWN, None
    return _outcome(size_class in params["allowed"]), size_class


@rule(
    {"min_score": "number"},
    lambda p: f"exported directly or indirectly, or readiness >= {p['min_score']}",
    "Pernah ekspor langsung/tidak langsung, atau skor kesiapan minimal",
    "Exported directly or indirectly, or readiness at least the minimum",
)
def export_oriented(ctx: CriterionContext, params: dict) -> tuple[int, Any]:
    """policy-v1 §5 PKE_UMKM: exported directly or indirectly, or readiness ≥ the minimum."""
    facts = ctx.facts
    actual = {"direct": facts.export_direct, "indirect": facts.export_indirect, "score": ctx.score}
    if facts.export_direct or facts.export_indirect or ctx.score >= params["min_score"]:
        return PASS, actual
    if facts.export_direct is None or facts.export_indirect is None:
        return UNKNOWN, actual
    return FAIL, actual


@rule(
    {},
    lambda p: "at least one export target market without blocking gaps",
    "Sedikitnya satu pasar ekspor tujuan tanpa kesenjangan penghambat",
    "At least one export target market without blocking gaps",
)
def export_market_clear(ctx: CriterionContext, params: dict) -> tuple[int, Any]:
    """policy-v1 §5: at least one export target market without blocking gaps."""
    clear = [market for market in ctx.facts.export_markets if market not in ctx.blocked_markets]
    if not ctx.facts.export_markets:
        return FAIL, "no export target market"
    return _outcome(bool(clear)), clear


@rule(
    {},
    lambda p: "a buyer contract, PO or LC",
    "Ada kontrak pembeli, PO atau LC",
    "A buyer contract, PO or LC exists",
)
def buyer_contract_present(ctx: CriterionContext, params: dict) -> tuple[int, Any]:
    """policy-v1 §5: a buyer contract, PO or LC exists (absent field = none)."""
    market = ctx.facts.buyer_market
    return _outcome(market is not None), market or "none"


@rule(
    {},
    lambda p: "no buyer contract",
    "Belum ada kontrak pembeli",
    "No buyer contract yet",
)
def buyer_contract_absent(ctx: CriterionContext, params: dict) -> tuple[int, Any]:
    """policy-v1 §5 BUSINESS_MATCHING: no buyer contract yet."""
    market = ctx.facts.buyer_market
    return _outcome(market is None), market or "none"


@rule(
    {},
    lambda p: "no blocking gap in the buyer's market",
    "Tidak ada kesenjangan penghambat di pasar pembeli",
    "No blocking gap in the buyer's market",
)
def buyer_market_clear(ctx: CriterionContext, params: dict) -> tuple[int, Any]:
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


@rule(
    {},
    lambda p: "exported in the last 24 months or a buyer contract",
    "Ekspor dalam 24 bulan terakhir atau ada kontrak pembeli",
    "Exported in the last 24 months, or holds a buyer contract",
)
def exported_recently_or_contract(ctx: CriterionContext, params: dict) -> tuple[int, Any]:
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


@rule(
    {"min_score": "number"},
    lambda p: f">= {p['min_score']}",
    "Skor kesiapan minimal",
    "Readiness score at least the minimum",
)
def readiness_at_least(ctx: CriterionContext, params: dict) -> tuple[int, Any]:
    """policy-v1 §5: readiness score at least the minimum."""
    return _outcome(ctx.score >= params["min_score"]), ctx.score


@rule(
    {"min_score": "number", "max_score": "number"},
    lambda p: f"{p['min_score']}-{p['max_score']}",
    "Skor kesiapan dalam rentang",
    "Readiness score within the band",
)
def readiness_between(ctx: CriterionContext, params: dict) -> tuple[int, Any]:
    """policy-v1 §5 CPNE: readiness within the band (inclusive)."""
    return _outcome(params["min_score"] <= ctx.score <= params["max_score"]), ctx.score


@rule(
    {"severities": "severities", "requirements": "certificate_codes"},
    lambda p: (
        "at least one "
        + "/".join(p["severities"])
        + " gap closed by a certificate, permit, registration, lab test or traceability data"
    ),
    "Ada kesenjangan yang ditutup sertifikat, izin, registrasi, uji lab atau data ketertelusuran",
    "A gap that a certificate, permit, registration, lab test or traceability data closes",
)
def closable_gap(ctx: CriterionContext, params: dict) -> tuple[int, Any]:
    """policy-v1 §5, §8 A5 JASA_KONSULTASI: a gap of the listed severities on a listed requirement."""
    severities, requirements = set(params["severities"]), set(params["requirements"])
    found = sorted(
        {f"{requirement} ({severity})" for severity, requirement in ctx.gap_kinds}
        & {f"{r} ({s})" for s in severities for r in requirements}
    )
    return _outcome(bool(found)), found or "no such gap"


@rule(
    {},
    lambda p: "own product",
    "Menjual produk sendiri",
    "Sells its own product",
)
def own_product(ctx: CriterionContext, params: dict) -> tuple[int, Any]:
    """policy-v1 §5 CPNE: the IKM sells its own product (every listed product is taken as its own)."""
    return _outcome(len(ctx.facts.products) > 0), len(ctx.facts.products)


@rule(
    {},
    lambda p: "no direct export in the last 24 months",
    "Tidak ekspor langsung dalam 24 bulan terakhir",
    "No direct export in the last 24 months",
)
def not_exported_directly_recently(ctx: CriterionContext, params: dict) -> tuple[int, Any]:
    """policy-v1 §5 CPNE: no direct export in the last 24 months."""
    facts = ctx.facts
    actual = {"direct": facts.export_direct, "last_export_year": facts.last_export_year}
    if facts.export_direct is None:
        return UNKNOWN, actual
    if not facts.export_direct:
        return PASS, actual
    recent = _recent(facts)
    return (UNKNOWN if recent is None else _outcome(not recent)), actual


@rule(
    {"kinds": "group_kinds", "min_members": "number"},
    lambda p: f"member of a {'/'.join(p['kinds'])} with >= {p['min_members']} units",
    "Anggota sentra, koperasi atau kelompok desa dengan cukup unit",
    "Member of a sentra, cooperative or village group of enough units",
)
def group_member(ctx: CriterionContext, params: dict) -> tuple[int, Any]:
    """policy-v1 §5 DESA_DEVISA: member of a sentra, cooperative or village group of enough units."""
    facts = ctx.facts
    if facts.group_kind is None:
        return FAIL, "no group"
    ok = facts.group_kind in params["kinds"] and (facts.group_members or 0) >= params["min_members"]
    return _outcome(ok), {"kind": facts.group_kind, "members": facts.group_members}


@rule(
    {"food": "food_kinds"},
    lambda p: "a " + " or ".join(p["food"]) + " food product",
    "Sedikitnya satu produk pangan dari jenis yang disebut",
    "At least one food product of the listed kind",
)
def product_food_kind(ctx: CriterionContext, params: dict) -> tuple[int, Any]:
    """policy-v1 §5 DESA_DEVISA: at least one product of a raw (or listed) food kind."""
    matching = [p.hs_code for p in ctx.facts.products if p.product_class.food in params["food"]]
    return _outcome(bool(matching)), matching or "none"


@rule(
    {"product_classes": "product_classes", "hs_prefixes": "hs_prefixes"},
    lambda p: "a product of " + ", ".join([*p["product_classes"], *p["hs_prefixes"]]),
    "Sedikitnya satu produk dari kelas atau pos HS yang disebut",
    "At least one product of the listed classes or HS headings",
)
def product_in(ctx: CriterionContext, params: dict) -> tuple[int, Any]:
    """policy-v1 §8 A4 DESA_DEVISA: at least one product of the listed classes or HS prefixes."""
    classes, prefixes = set(params["product_classes"]), tuple(params["hs_prefixes"])
    matching = [
        p.hs_code
        for p in ctx.facts.products
        if p.product_class.name in classes or (p.hs_code and p.hs_code.startswith(prefixes))
    ]
    return _outcome(bool(matching)), matching or "none"
