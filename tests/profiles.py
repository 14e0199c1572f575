"""Example IKM profiles shared by the API tests."""

from __future__ import annotations

import copy

GAYO_COOPERATIVE = {
    "name": "Koperasi Kopi Gayo Lestari",
    "nib": "9120001234567",
    "legal_form": "koperasi",
    "region_code": "11.17",
    "founded_year": 2012,
    "employees": 14,
    "annual_revenue_idr": 4200000000,
    "owner_gender": "female",
    "credit_status": "current",
    "group": {"kind": "cooperative", "members": 605},
    "ovop_stars": 3,
    "products": [
        {
            "description": "Kopi arabika Gayo wine process, green bean",
            "hs_code": "090111",
            "monthly_capacity": 20000,
            "capacity_unit": "kg",
        }
    ],
    "certifications": [{"code": "NIB"}, {"code": "NPWP"}, {"code": "ORGANIC", "valid_until": "2027-08-01"}],
    "export_history": {"direct": True, "indirect": False, "markets": ["US"], "last_export_year": 2025},
    "target_markets": ["US", "DE"],
    "buyer_contract": {"market": "US"},
    "practices": {
        "bookkeeping": True,
        "bank_account": True,
        "email": True,
        "website": False,
        "marketplace": True,
    },
}


# Who may see the Gayo IKM (11.17) and its cases: role, account region, expected status.
GAYO_READERS = [
    ("owner_of_gayo", None, 200),
    ("owner_of_polewali", None, 403),
    ("district", "11.17", 200),
    ("district", "76.04", 403),
    ("province", "11", 200),
    ("province", "76", 403),
    ("advisor", None, 200),
    ("supervisor", None, 200),
    ("admin", None, 200),
    ("ministry", None, 403),
]


def gayo(**changes) -> dict:
    """The contract's example profile, with some fields changed."""
    profile = copy.deepcopy(GAYO_COOPERATIVE)
    profile.update(changes)
    return profile
