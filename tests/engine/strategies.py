"""Hypothesis strategies for IKM profiles in the contract's JSON shape (validated values only)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

HS_CODES = (
    "090111", "090112", "090121", "090122", "090190", "210111", "210112", "180100", "180200", "180310",
    "180400", "180500", "180632", "090411", "090412", "090811", "090812", "090710", "090720", "091011",
    "091091", "442011", "442019", "940161", "460212", "460219", "940152", "520852", "691390", "711311",
    "711719", "850440", "090230", "040900", "190531", "210390", "940350", "441912", "030617",
)  # fmt: skip
CODES = (
    "NIB", "NPWP", "PIRT", "BPOM_MD", "HALAL", "SNI", "HACCP", "ISO22000", "ORGANIC", "FAIRTRADE",
    "RAINFOREST", "GI", "SVLK", "EUDR_GEO", "FDA_FFR", "GACC", "LAB_OTA", "LAB_CADMIUM", "LAB_AFLATOXIN",
    "REACH_METALS", "EXPORT_TRAINING",
)  # fmt: skip
MARKETS = ("ID", "DE", "FR", "NL", "IT", "US", "JP", "CN", "SA", "AE", "AU", "GB", "MY", "SG")
UNITS = ("kg", "ton", "pcs", "set", "m", "m2", "litre", "dozen", "kodi")
CREDIT = ("current", "special_mention", "substandard", "doubtful", "loss", "none")
REVENUES = (0, 2_000_000_000, 2_000_000_001, 15_000_000_000, 15_000_000_001, 50_000_000_000, 50_000_000_001)
FIRST_DAY, LAST_DAY = date(2012, 6, 1), date(2028, 12, 31)

dates = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)
# Dates near the rules' start dates make the edges likely.
EDGES = (
    date(2013, 1, 1),
    date(2022, 1, 1),
    date(2024, 10, 18),
    date(2026, 10, 17),
    date(2026, 12, 30),
    date(2027, 6, 30),
    date(2026, 10, 1),  # policy v1.1 A11: FDA renewal window of an even year
    date(2025, 1, 1),  # A7: the year boundary for founded_year
)
as_of_dates = st.one_of(
    dates,
    st.builds(
        lambda edge, shift: edge + timedelta(days=shift), st.sampled_from(EDGES), st.integers(-400, 400)
    ),
)


def _maybe(strategy):
    return st.one_of(st.none(), strategy)


product = st.fixed_dictionaries(
    {"description": st.sampled_from(("kopi", "kakao", "pala", "ukiran", "anyaman", "batik", "perak"))},
    optional={
        "hs_code": _maybe(st.sampled_from(HS_CODES)),
        "monthly_capacity": _maybe(st.one_of(st.integers(0, 40_000), st.floats(0, 40_000, allow_nan=False))),
        "capacity_unit": _maybe(st.sampled_from(UNITS)),
        "hs_source": st.sampled_from(("given", "model", "keyword")),
        "hs_score": _maybe(st.floats(0, 1, allow_nan=False)),
    },
)
certification = st.fixed_dictionaries(
    {"code": st.sampled_from(CODES)}, optional={"valid_until": _maybe(dates.map(date.isoformat))}
)
tri = _maybe(st.booleans())
profiles = st.fixed_dictionaries(
    {
        "name": st.just("IKM uji"),
        "region_code": st.sampled_from(("11.17", "11.01", "19.01")),  # Gayo GI, none, Muntok GI (A9)
        "products": st.lists(product, min_size=1, max_size=4),
    },
    optional={
        "founded_year": _maybe(st.integers(1990, 2026)),
        "founded_on": _maybe(st.dates(date(1990, 1, 1), date(2026, 11, 29)).map(date.isoformat)),  # A7
        "nib": _maybe(st.just("9120001234567")),  # A3
        "annual_revenue_idr": _maybe(st.one_of(st.sampled_from(REVENUES), st.integers(0, 80_000_000_000))),
        "credit_status": _maybe(st.sampled_from(CREDIT)),
        "group": _maybe(
            st.fixed_dictionaries(
                {"kind": st.sampled_from(("sentra", "cooperative", "village")), "members": st.integers(0, 30)}
            )
        ),
        "certifications": st.lists(certification, max_size=8),
        "export_history": _maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "direct": tri,
                    "indirect": tri,
                    "last_export_year": _maybe(st.integers(2010, 2028)),
                },
            )
        ),
        "target_markets": st.lists(st.sampled_from(MARKETS), max_size=5, unique=True),
        "buyer_contract": _maybe(st.fixed_dictionaries({"market": st.sampled_from(MARKETS)})),
        "practices": _maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    name: tri for name in ("bookkeeping", "bank_account", "email", "website", "marketplace")
                },
            )
        ),
    },
)
