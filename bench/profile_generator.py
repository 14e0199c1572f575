"""A seeded generator of contract-shaped IKM profiles for the engine benchmark (used when
app.demo.generator is not available)."""

from __future__ import annotations

import random

HS_CODES = (
    "090111", "090112", "090121", "210111", "180100", "180500", "180632", "090411", "090412", "090811",
    "090812", "090710", "442011", "940161", "460212", "520852", "691390", "711311", "210390", None,
)  # fmt: skip
CODES = ("NIB", "NPWP", "PIRT", "BPOM_MD", "HALAL", "SNI", "HACCP", "ORGANIC", "SVLK", "EUDR_GEO", "FDA_FFR")
MARKETS = ("DE", "NL", "FR", "US", "JP", "CN", "SA", "AE", "AU", "GB", "MY", "SG")
PRACTICES = ("bookkeeping", "bank_account", "email", "website", "marketplace")
REGIONS = ("11.17", "51.04", "33.74", "73.18", "32.04")


def generate_profiles(count: int, seed: int) -> list[dict]:
    """`count` valid profiles, deterministic for `seed`."""
    rnd = random.Random(seed)
    profiles = []
    for index in range(count):
        products = [
            {
                "description": f"produk {index}-{n}",
                "hs_code": rnd.choice(HS_CODES),
                "monthly_capacity": rnd.randint(0, 30_000),
                "capacity_unit": rnd.choice(("kg", "pcs", "ton")),
            }
            for n in range(rnd.randint(1, 3))
        ]
        profile = {
            "name": f"IKM {index}",
            "region_code": rnd.choice(REGIONS),
            "founded_year": rnd.randint(1995, 2026),
            "annual_revenue_idr": rnd.choice((500_000_000, 4_000_000_000, 20_000_000_000, 70_000_000_000)),
            "credit_status": rnd.choice(("current", "none", "special_mention", "substandard")),
            "products": products,
            "certifications": [{"code": code} for code in CODES if rnd.random() < 0.4],
            "export_history": {
                "direct": rnd.random() < 0.3,
                "indirect": rnd.random() < 0.3,
                "last_export_year": 2025,
            },
            "target_markets": rnd.sample(MARKETS, rnd.randint(0, 3)),
            "practices": {
                name: rnd.random() < 0.6
                for name in ("bookkeeping", "bank_account", "email", "website", "marketplace")
            },
        }
        if rnd.random() < 0.3:
            profile["buyer_contract"] = {"market": rnd.choice(MARKETS)}
        if rnd.random() < 0.3:
            profile["group"] = {
                "kind": rnd.choice(("sentra", "cooperative", "village")),
                "members": rnd.randint(2, 60),
            }
        profiles.append(profile)
    return profiles
