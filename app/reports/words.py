"""Words for the codes a report shows (English msgids, translated by Flask-Babel; codes stay in the API).

The pages engineer is converting app/web/labels.py to gettext too; once that lands these can point there.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

WORDS = {
    "level": {
        "not_ready": _l("Not ready"),
        "developing": _l("Developing"),
        "ready_with_support": _l("Ready with support"),
        "export_ready": _l("Export ready"),
    },
    "route": {"financial": _l("LPEI financing"), "non_financial": _l("Coaching and programmes")},
    "commodity": {
        "coffee": _l("Coffee"),
        "cocoa": _l("Cocoa"),
        "spices": _l("Spices"),
        "crafts": _l("Crafts"),
        "other": _l("Other"),
    },
    "severity": {
        "blocking": _l("Blocking"),
        "upcoming": _l("Upcoming"),
        "major": _l("Major"),
        "minor": _l("Minor"),
    },
    "status": {
        "submitted": _l("Submitted"),
        "in_review": _l("In review"),
        "approved": _l("Approved"),
        "referred": _l("Referred"),
        "rejected": _l("Rejected"),
        "withdrawn": _l("Withdrawn"),
    },
}
TITLES = {
    "level": _l("Readiness level"),
    "route": _l("Route"),
    "commodity": _l("Commodity"),
    "ovop_stars": _l("OVOP stars"),
    "area": _l("Area"),
    "programmes": _l("Eligible for programme"),
    "gaps": _l("Most frequent gaps"),
    "eudr": _l("Blocked by EUDR (coffee, cocoa)"),
    "cases": _l("Cases by status"),
    "reasons": _l("Decisions by reason"),
    "financing": _l("Financing (IDR)"),
    "trend": _l("Trend by month"),
}


def word(kind: str, code) -> str:
    """The word for a code of a kind (the code itself when there is none)."""
    if kind == "ovop_stars":
        return str(_l("No stars")) if code is None else "★" * int(code)
    found = WORDS.get(kind, {}).get(code)
    return str(found) if found is not None else ("—" if code is None else str(code))


TARGET_WORDS = {
    "ikm_assessed": _l("New OVOP IKM assessed"),
    "ikm_financial_route": _l("IKM routed to financing"),
    "financing_approved_idr": _l("Financing approved (IDR)"),
    "blocking_gap_closed": _l("IKM that closed a blocking gap"),
}
