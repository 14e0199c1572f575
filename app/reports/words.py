"""Words for the codes a report shows (English msgids, translated by Flask-Babel; codes stay in the API).

Levels, commodities and case statuses are the pages' own words (`app/web/labels.py`); routes and
severities have shorter forms here because they head table columns and chart bars.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.web import labels

WORDS = {
    "level": labels.LEVELS,
    "route": {"financial": _l("LPEI financing"), "non_financial": _l("Coaching and programmes")},
    "commodity": labels.COMMODITIES,
    "severity": {
        "blocking": _l("Blocking"),
        "upcoming": _l("Upcoming"),
        "major": _l("Major"),
        "minor": _l("Minor"),
    },
    "status": labels.STATUSES,
}
TITLES = {
    "level": _l("Readiness level"),
    "route": _l("Route"),
    "commodity": _l("Commodity"),
    "ovop_stars": _l("OVOP stars"),
    "area": _l("Area"),
    "programmes": _l("Eligible for programme"),
    "gaps": _l("Most frequent gaps"),
    "eudr": _l("Blocked by EUDR"),
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
