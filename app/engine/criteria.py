"""Programme criteria rules, one function per rule name used in programmes.yaml (policy-v1 §5).

The one criterion registry and the one implementation of every criterion: each rule is a function over
arrays (`Columns`, one row per profile or per reading of a profile), declared with `@rule(...)` beside
its name, its parameters (with the vocabulary each is checked against when the policy loads), how the
required value reads, a description in Bahasa Indonesia and English, and `shows`: what the trace and the
contract show as the criterion's `actual` value for one profile. The batch path (app/engine/batch.py)
runs the functions over a whole table; the single path (app/engine/rules.py) over a batch of one row
(or one row per possible size class); both read the same Columns, built by inputs.criterion_columns.

Each function returns outcome codes PASS, FAIL or UNKNOWN (an input is missing) per row; OUTCOME_NAMES
gives their API names. The parameters (thresholds, allowed values) come from the policy file, never
from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from app.engine.arrays import np
from app.engine.per_policy import cached_per_policy
from app.vocabulary import SIZE_CLASSES

if TYPE_CHECKING:
    from app.engine.facts import Facts

PASS, FAIL, UNKNOWN = 0, 1, 2
OUTCOME_NAMES = ("pass", "fail", "unknown")
PROGRAMME_RESULTS = ("eligible", "ineligible", "needs_information")
UNKNOWN_SIZE = len(SIZE_CLASSES)  # size index of a profile without revenue
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
    evaluate: Callable  # (Columns, params, score array) -> outcome array
    shows: Callable  # (CriterionContext, params) -> the actual value shown for one profile
    reads_score: bool = False  # the outcome depends on the readiness score (re-run at a boundary)


RULES: dict[str, Rule] = {}


def rule(
    params: dict[str, str],
    required: Callable[[dict], str],
    description_id: str,
    description_en: str,
    shows: Callable,
    reads_score: bool = False,
):
    """Declare the decorated function (over Columns) as the criterion rule of its name."""

    def register(function: Callable) -> Callable:
        unknown = set(params.values()) - set(PARAM_KINDS)
        if unknown:
            raise ValueError(f"{function.__name__}: unknown parameter kinds {sorted(unknown)}")
        RULES[function.__name__] = Rule(
            function.__name__, params, required, description_id, description_en, function, shows, reads_score
        )
        return function

    return register


@dataclass
class Columns:
    """What criteria read, one array entry per row (a profile, or one reading of a profile)."""

    n: int
    held: dict[str, np.ndarray]  # code -> rows holding it (codes nobody holds may be absent)
    years: np.ndarray  # float, NaN = unknown
    years_certain: np.ndarray
    credit: np.ndarray  # object
    credit_unknown: np.ndarray
    size_index: np.ndarray  # index in SIZE_CLASSES, UNKNOWN_SIZE without revenue
    direct: np.ndarray  # float 1/0, NaN = unknown
    indirect: np.ndarray
    last_year: np.ndarray  # float, NaN = unknown
    cutoff_year: int
    buyer_market: np.ndarray
    buyer_present: np.ndarray
    buyer_blocked: np.ndarray
    export_clear_count: np.ndarray
    gaps: Any  # per gap: .owner (row), .rank (severity rank), .entry (index into requirement_of)
    requirement_of: np.ndarray
    product_count: np.ndarray
    food_kind_present: dict[str, np.ndarray]
    product_match: dict[tuple, np.ndarray]  # (classes, prefixes) of product_in criteria -> rows matching
    group_kind: np.ndarray
    group_members: np.ndarray


@dataclass(slots=True)
class CriterionContext:
    """One profile's reading as the single path sees it: the facts, the score and the gaps found."""

    facts: Facts
    score: int
    blocked_markets: frozenset[str]
    gap_kinds: frozenset[tuple[str, str]] = frozenset()  # (severity, requirement) of every gap


def product_key(params: dict) -> tuple:
    """The key of a product_in criterion's classes and HS prefixes in Columns.product_match."""
    return tuple(params["product_classes"]), tuple(params["hs_prefixes"])


def product_matches(key: tuple, hs_code: str | None, product_class) -> bool:
    """Whether a product is of a product_in criterion's classes or HS prefixes (policy-v1 §8 A4)."""
    classes, prefixes = key
    return product_class.name in classes or bool(hs_code and hs_code.startswith(prefixes))


@cached_per_policy()
def product_keys(policy) -> list[tuple]:
    """The product_key of every product_in criterion of the policy's programmes, in policy order (read
    once per policy object)."""
    return [
        product_key(criterion.params)
        for programme in policy.programmes
        for criterion in programme.criteria
        if criterion.rule == "product_in"
    ]


FEW = 32  # up to this many values (a single assessment's rows) membership is read value by value


def isin(values: np.ndarray, allowed) -> np.ndarray:
    """Membership test for object arrays that may hold None (np.isin would sort mixed types).

    For a few values (the single path's rows) each is looked up in `allowed` (one Python `in` per
    value instead of one array comparison per allowed item: the same answer for the strings, None and
    numbers these columns hold)."""
    if len(values) <= FEW:
        allowed = tuple(allowed)
        return np.array([value in allowed for value in values.tolist()], dtype=bool).reshape(len(values))
    mask = np.zeros(len(values), dtype=bool)
    for item in allowed:
        mask |= values == item
    return mask


def tri(pass_mask: np.ndarray, unknown_mask: np.ndarray | None = None) -> np.ndarray:
    """Outcome codes from a pass mask and an unknown mask (unknown wins over fail only).

    With PASS, FAIL, UNKNOWN = 0, 1, 2: not passing gives 1, plus 1 more when also unknown.
    """
    fail = ~pass_mask
    if unknown_mask is None:
        return fail.astype(np.int8)
    return fail * (1 + unknown_mask.astype(np.int8))


def programme_verdicts(table: np.ndarray, sizes: list[int]) -> np.ndarray:
    """Index in PROGRAMME_RESULTS per programme (row) and profile (column), policy-v1 §5.

    `table` holds criterion outcomes (one row per criterion, programmes one after the other, `sizes`
    criteria each): ineligible when a criterion fails, else needs information when one is unknown,
    else eligible.
    """
    bounds = _bounds(tuple(sizes))

    def any_in(mask: np.ndarray) -> np.ndarray:
        counts = np.zeros((len(mask) + 1, mask.shape[1]), dtype=np.int16)
        np.cumsum(mask, axis=0, dtype=np.int16, out=counts[1:])
        return counts[bounds[1:]] > counts[bounds[:-1]]

    return np.where(any_in(table == FAIL), 1, np.where(any_in(table == UNKNOWN), 2, 0))


@lru_cache(maxsize=64)
def _bounds(sizes: tuple[int, ...]) -> np.ndarray:
    """Each programme's first and (after the last) end row, from the criteria counts (read-only)."""
    bounds = np.array(list(accumulate(sizes, initial=0)), dtype=np.int64)
    bounds.flags.writeable = False
    return bounds


def owner_any(owner: np.ndarray, flags: np.ndarray, n: int) -> np.ndarray:
    """Per row, whether any of its items has the flag."""
    return np.bincount(owner, weights=flags, minlength=n) > 0


def _held_any(columns: Columns, codes) -> np.ndarray:
    mask = np.zeros(columns.n, dtype=bool)
    for code in codes:
        if code in columns.held:
            mask |= columns.held[code]
    return mask


def _recent(columns: Columns) -> np.ndarray:
    return columns.last_year >= columns.cutoff_year


@rule(
    {"codes": "certificate_codes"},
    lambda p: " or ".join(p["codes"]) + " held",
    "Memegang sertifikat/izin yang disebut (berlaku)",
    "Holds one of the listed certificates (not expired)",
    shows=lambda ctx, p: [code for code in p["codes"] if code in ctx.facts.held] or "not held",
)
def holds_certificate(columns: Columns, params: dict, score: np.ndarray) -> np.ndarray:
    """policy-v1 §5 'NIB': the certificate is held (listed and not expired)."""
    return tri(_held_any(columns, params["codes"]))


@rule(
    {"years": "number"},
    lambda p: f">= {p['years']}",
    "Lama usaha sedikitnya N tahun penuh",
    "At least N full years in business",
    shows=lambda ctx, p: ctx.facts.years_in_business,
)
def years_in_business_at_least(columns: Columns, params: dict, score: np.ndarray) -> np.ndarray:
    """policy-v1 §5 '≥ N years in business', §8 A7: unknown without a founding year or in the year between."""
    unknown = np.isnan(columns.years) | (columns.years >= params["years"])
    return tri(~np.isnan(columns.years) & (columns.years_certain >= params["years"]), unknown)


@rule(
    {"allowed": "credit_statuses"},
    lambda p: "one of " + ", ".join(p["allowed"]),
    "Kolektibilitas SLIK termasuk yang diizinkan",
    "SLIK credit status is one of the allowed",
    shows=lambda ctx, p: ctx.facts.credit_status,
)
def credit_status_in(columns: Columns, params: dict, score: np.ndarray) -> np.ndarray:
    """policy-v1 §5 credit status is one of the allowed SLIK statuses; unknown when absent."""
    unknown = columns.credit_unknown
    return tri(~unknown & isin(columns.credit, params["allowed"]), unknown)


@rule(
    {"excluded": "credit_statuses"},
    lambda p: "none of " + ", ".join(p["excluded"]),
    "Kolektibilitas SLIK bukan yang dikecualikan",
    "SLIK credit status is none of the excluded",
    shows=lambda ctx, p: ctx.facts.credit_status,
)
def credit_status_not_in(columns: Columns, params: dict, score: np.ndarray) -> np.ndarray:
    """policy-v1 §5 credit status is none of the excluded SLIK statuses; unknown when absent."""
    unknown = columns.credit_unknown
    return tri(~unknown & ~isin(columns.credit, params["excluded"]), unknown)


@rule(
    {"allowed": "size_classes"},
    lambda p: "one of " + ", ".join(p["allowed"]),
    "Skala usaha (PP 7/2021) termasuk yang diizinkan",
    "Size class (PP 7/2021) is one of the allowed",
    shows=lambda ctx, p: ctx.facts.size_class,
)
def size_class_in(columns: Columns, params: dict, score: np.ndarray) -> np.ndarray:
    """The size class (PP 7/2021) is one of the allowed; unknown without revenue."""
    unknown = columns.size_index == UNKNOWN_SIZE
    allowed = [SIZE_CLASSES.index(name) for name in params["allowed"]]
    return tri(~unknown & isin(columns.size_index, allowed), unknown)


@rule(
    {"min_score": "number"},
    lambda p: f"exported directly or indirectly, or readiness >= {p['min_score']}",
    "Pernah ekspor langsung/tidak langsung, atau skor kesiapan minimal",
    "Exported directly or indirectly, or readiness at least the minimum",
    shows=lambda ctx, p: {
        "direct": ctx.facts.export_direct,
        "indirect": ctx.facts.export_indirect,
        "score": ctx.score,
    },
    reads_score=True,
)
def export_oriented(columns: Columns, params: dict, score: np.ndarray) -> np.ndarray:
    """policy-v1 §5 PKE_UMKM: exported directly or indirectly, or readiness ≥ the minimum."""
    ok = (columns.direct == 1) | (columns.indirect == 1) | (score >= params["min_score"])
    return tri(ok, np.isnan(columns.direct) | np.isnan(columns.indirect))


@rule(
    {},
    lambda p: "at least one export target market without blocking gaps",
    "Sedikitnya satu pasar ekspor tujuan tanpa kesenjangan penghambat",
    "At least one export target market without blocking gaps",
    shows=lambda ctx, p: (
        [market for market in ctx.facts.export_markets if market not in ctx.blocked_markets]
        if ctx.facts.export_markets
        else "no export target market"
    ),
)
def export_market_clear(columns: Columns, params: dict, score: np.ndarray) -> np.ndarray:
    """policy-v1 §5: at least one export target market without blocking gaps."""
    return tri(columns.export_clear_count > 0)


@rule(
    {},
    lambda p: "a buyer contract, PO or LC",
    "Ada kontrak pembeli, PO atau LC",
    "A buyer contract, PO or LC exists",
    shows=lambda ctx, p: ctx.facts.buyer_market or "none",
)
def buyer_contract_present(columns: Columns, params: dict, score: np.ndarray) -> np.ndarray:
    """policy-v1 §5: a buyer contract, PO or LC exists (absent field = none)."""
    return tri(columns.buyer_present)


@rule(
    {},
    lambda p: "no buyer contract",
    "Belum ada kontrak pembeli",
    "No buyer contract yet",
    shows=lambda ctx, p: ctx.facts.buyer_market or "none",
)
def buyer_contract_absent(columns: Columns, params: dict, score: np.ndarray) -> np.ndarray:
    """policy-v1 §5 BUSINESS_MATCHING: no buyer contract yet."""
    return tri(~columns.buyer_present)


@rule(
    {},
    lambda p: "no blocking gap in the buyer's market",
    "Tidak ada kesenjangan penghambat di pasar pembeli",
    "No blocking gap in the buyer's market",
    shows=lambda ctx, p: (
        "no buyer contract"
        if ctx.facts.buyer_market is None
        else {
            "market": ctx.facts.buyer_market,
            "blocking_gaps": ctx.facts.buyer_market in ctx.blocked_markets,
        }
    ),
)
def buyer_market_clear(columns: Columns, params: dict, score: np.ndarray) -> np.ndarray:
    """policy-v1 §5: no blocking gap in the buyer's market (fails without a buyer contract)."""
    return tri(columns.buyer_present & ~columns.buyer_blocked)


@rule(
    {},
    lambda p: "exported in the last 24 months or a buyer contract",
    "Ekspor dalam 24 bulan terakhir atau ada kontrak pembeli",
    "Exported in the last 24 months, or holds a buyer contract",
    shows=lambda ctx, p: {
        "buyer_contract": ctx.facts.buyer_market,
        "exported": bool(ctx.facts.export_direct or ctx.facts.export_indirect),
        "last_export_year": ctx.facts.last_export_year,
    },
)
def exported_recently_or_contract(columns: Columns, params: dict, score: np.ndarray) -> np.ndarray:
    """policy-v1 §5 KMKE: exported in the last 24 months, or holds a buyer contract."""
    exported = (columns.direct == 1) | (columns.indirect == 1)
    ok = columns.buyer_present | (exported & _recent(columns))
    unknown = (exported & np.isnan(columns.last_year)) | (
        ~exported & (np.isnan(columns.direct) | np.isnan(columns.indirect))
    )
    return tri(ok, ~columns.buyer_present & unknown)


@rule(
    {"min_score": "number"},
    lambda p: f">= {p['min_score']}",
    "Skor kesiapan minimal",
    "Readiness score at least the minimum",
    shows=lambda ctx, p: ctx.score,
    reads_score=True,
)
def readiness_at_least(columns: Columns, params: dict, score: np.ndarray) -> np.ndarray:
    """policy-v1 §5: readiness score at least the minimum."""
    return tri(score >= params["min_score"])


@rule(
    {"min_score": "number", "max_score": "number"},
    lambda p: f"{p['min_score']}-{p['max_score']}",
    "Skor kesiapan dalam rentang",
    "Readiness score within the band",
    shows=lambda ctx, p: ctx.score,
    reads_score=True,
)
def readiness_between(columns: Columns, params: dict, score: np.ndarray) -> np.ndarray:
    """policy-v1 §5 CPNE: readiness within the band (inclusive)."""
    return tri((score >= params["min_score"]) & (score <= params["max_score"]))


def _closable_shown(ctx: CriterionContext, params: dict) -> Any:
    """The gaps of the listed severities on the listed requirements, as 'REQUIREMENT (severity)'."""
    wanted = {(s, r) for s in params["severities"] for r in params["requirements"]}
    found = sorted(f"{requirement} ({severity})" for severity, requirement in ctx.gap_kinds & wanted)
    return found or "no such gap"


@rule(
    {"severities": "severities", "requirements": "certificate_codes"},
    lambda p: (
        "at least one "
        + "/".join(p["severities"])
        + " gap closed by a certificate, permit, registration, lab test or traceability data"
    ),
    "Ada kesenjangan yang ditutup sertifikat, izin, registrasi, uji lab atau data ketertelusuran",
    "A gap that a certificate, permit, registration, lab test or traceability data closes",
    shows=_closable_shown,
)
def closable_gap(columns: Columns, params: dict, score: np.ndarray) -> np.ndarray:
    """policy-v1 §5, §8 A5 JASA_KONSULTASI: a gap of the listed severities on a listed requirement."""
    from app.engine.policy import SEVERITY_RANK

    gaps = columns.gaps
    ranks = [SEVERITY_RANK[name] for name in params["severities"]]
    listed = np.array([code in params["requirements"] for code in columns.requirement_of], dtype=bool)
    hit = isin(gaps.rank, ranks) & listed[gaps.entry]
    return tri(owner_any(gaps.owner, hit, columns.n))


@rule(
    {},
    lambda p: "own product",
    "Menjual produk sendiri",
    "Sells its own product",
    shows=lambda ctx, p: len(ctx.facts.products),
)
def own_product(columns: Columns, params: dict, score: np.ndarray) -> np.ndarray:
    """policy-v1 §5 CPNE: the IKM sells its own product (every listed product is taken as its own)."""
    return tri(columns.product_count > 0)


@rule(
    {},
    lambda p: "no direct export in the last 24 months",
    "Tidak ekspor langsung dalam 24 bulan terakhir",
    "No direct export in the last 24 months",
    shows=lambda ctx, p: {"direct": ctx.facts.export_direct, "last_export_year": ctx.facts.last_export_year},
)
def not_exported_directly_recently(columns: Columns, params: dict, score: np.ndarray) -> np.ndarray:
    """policy-v1 §5 CPNE: no direct export in the last 24 months."""
    unknown = np.isnan(columns.direct) | ((columns.direct == 1) & np.isnan(columns.last_year))
    ok = (columns.direct == 0) | ((columns.direct == 1) & ~np.isnan(columns.last_year) & ~_recent(columns))
    return tri(ok, unknown)


@rule(
    {"kinds": "group_kinds", "min_members": "number"},
    lambda p: f"member of a {'/'.join(p['kinds'])} with >= {p['min_members']} units",
    "Anggota sentra, koperasi atau kelompok desa dengan cukup unit",
    "Member of a sentra, cooperative or village group of enough units",
    shows=lambda ctx, p: (
        "no group"
        if ctx.facts.group_kind is None
        else {"kind": ctx.facts.group_kind, "members": ctx.facts.group_members}
    ),
)
def group_member(columns: Columns, params: dict, score: np.ndarray) -> np.ndarray:
    """policy-v1 §5 DESA_DEVISA: member of a sentra, cooperative or village group of enough units."""
    members = np.where(np.isnan(columns.group_members), 0.0, columns.group_members)
    return tri(isin(columns.group_kind, params["kinds"]) & (members >= params["min_members"]))


@rule(
    {"food": "food_kinds"},
    lambda p: "a " + " or ".join(p["food"]) + " food product",
    "Sedikitnya satu produk pangan dari jenis yang disebut",
    "At least one food product of the listed kind",
    shows=lambda ctx, p: (
        [x.hs_code for x in ctx.facts.products if x.product_class.food in p["food"]] or "none"
    ),
)
def product_food_kind(columns: Columns, params: dict, score: np.ndarray) -> np.ndarray:
    """policy-v1 §5 DESA_DEVISA: at least one product of a raw (or listed) food kind."""
    found = np.zeros(columns.n, dtype=bool)
    for kind in params["food"]:
        found |= columns.food_kind_present[kind]
    return tri(found)


def _product_in_shown(ctx: CriterionContext, params: dict) -> Any:
    """HS codes of the products of the listed classes or HS prefixes."""
    key = product_key(params)
    return [
        p.hs_code for p in ctx.facts.products if product_matches(key, p.hs_code, p.product_class)
    ] or "none"


@rule(
    {"product_classes": "product_classes", "hs_prefixes": "hs_prefixes"},
    lambda p: "a product of " + ", ".join([*p["product_classes"], *p["hs_prefixes"]]),
    "Sedikitnya satu produk dari kelas atau pos HS yang disebut",
    "At least one product of the listed classes or HS headings",
    shows=_product_in_shown,
)
def product_in(columns: Columns, params: dict, score: np.ndarray) -> np.ndarray:
    """policy-v1 §8 A4 DESA_DEVISA: at least one product of the listed classes or HS prefixes."""
    return tri(columns.product_match[product_key(params)])
