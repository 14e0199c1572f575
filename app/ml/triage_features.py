"""Features of a case for the triage (priority) model — one function shared by training and serving.

Owner gender and region are deliberately NOT features: they are kept only to report fairness by group.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from app.vocabulary import COMMODITIES, SIZE_CLASSES
from app.vocabulary import PRACTICE_FIELDS as PRACTICES

DIMENSIONS = ("compliance", "capacity", "quality", "management", "market", "digital")
SEVERITIES = ("blocking", "upcoming", "major")
BAD_CREDIT = ("substandard", "doubtful", "loss")

FEATURE_NAMES: tuple[str, ...] = (
    "readiness_score",
    *(f"dimension_{name}" for name in DIMENSIONS),
    *(f"size_{name}" for name in SIZE_CLASSES),
    *(f"gaps_{name}" for name in SEVERITIES),
    "financial_programmes_eligible",
    "non_financial_programmes_eligible",
    "programmes_needing_information",
    "route_financial",
    "rules_review_required",
    *(f"commodity_{name}" for name in COMMODITIES),
    "years_in_business",
    "years_in_business_unknown",
    "log_employees",
    "log_annual_revenue",
    "credit_current",
    "credit_none",
    "credit_special_mention",
    "credit_bad",
    "exported_directly",
    "exported_indirectly",
    "buyer_contract",
    "target_markets",
    "certifications",
    "ovop_stars",
    "group_member",
    "practices",
)


def _as_of_year(assessment: dict[str, Any]) -> int:
    """Year the assessment was made for (today's year when the assessment carries no date)."""
    as_of = assessment.get("as_of")
    if isinstance(as_of, date):
        return as_of.year
    if isinstance(as_of, str) and len(as_of) >= 4 and as_of[:4].isdigit():
        return int(as_of[:4])
    return date.today().year


def triage_features(profile: dict[str, Any], assessment: dict[str, Any]) -> dict[str, float]:
    """Numeric features (FEATURE_NAMES, in order) of an IKM profile and the engine's assessment of it."""
    readiness = assessment.get("readiness") or {}
    dimensions = readiness.get("dimensions") or {}
    gaps = assessment.get("gaps") or []
    programmes = assessment.get("programmes") or []
    products = assessment.get("products") or []
    history = profile.get("export_history") or {}
    practices = profile.get("practices") or {}
    credit = profile.get("credit_status")
    founded = profile.get("founded_year")
    commodities = {product.get("commodity") or "other" for product in products}
    features: dict[str, float] = {"readiness_score": float(readiness.get("score") or 0) / 100.0}
    for name in DIMENSIONS:
        features[f"dimension_{name}"] = float(dimensions.get(name) or 0) / 100.0
    for name in SIZE_CLASSES:
        features[f"size_{name}"] = float(assessment.get("size_class") == name)
    for name in SEVERITIES:
        features[f"gaps_{name}"] = float(min(sum(1 for gap in gaps if gap.get("severity") == name), 10))
    features["financial_programmes_eligible"] = float(
        sum(1 for p in programmes if p.get("type") == "financial" and p.get("result") == "eligible")
    )
    features["non_financial_programmes_eligible"] = float(
        sum(1 for p in programmes if p.get("type") == "non_financial" and p.get("result") == "eligible")
    )
    features["programmes_needing_information"] = float(
        sum(1 for p in programmes if p.get("result") == "needs_information")
    )
    features["route_financial"] = float(assessment.get("route") == "financial")
    features["rules_review_required"] = float(bool(assessment.get("review_required")))
    for name in COMMODITIES:
        features[f"commodity_{name}"] = float(name in commodities)
    known_years = isinstance(founded, int) and not isinstance(founded, bool)
    features["years_in_business"] = (
        float(min(max(_as_of_year(assessment) - founded, 0), 50)) if known_years else 0.0
    )
    features["years_in_business_unknown"] = float(not known_years)
    features["log_employees"] = math.log1p(max(float(profile.get("employees") or 0), 0.0))
    features["log_annual_revenue"] = math.log10(1.0 + max(float(profile.get("annual_revenue_idr") or 0), 0.0))
    features["credit_current"] = float(credit == "current")
    features["credit_none"] = float(credit == "none")
    features["credit_special_mention"] = float(credit == "special_mention")
    features["credit_bad"] = float(credit in BAD_CREDIT)
    features["exported_directly"] = float(bool(history.get("direct")))
    features["exported_indirectly"] = float(bool(history.get("indirect")))
    features["buyer_contract"] = float(bool(profile.get("buyer_contract")))
    features["target_markets"] = float(min(len(profile.get("target_markets") or []), 10))
    features["certifications"] = float(min(len(profile.get("certifications") or []), 15))
    features["ovop_stars"] = float(profile.get("ovop_stars") or 0)
    features["group_member"] = float(bool(profile.get("group")))
    features["practices"] = float(sum(1 for name in PRACTICES if practices.get(name)))
    return {name: features[name] for name in FEATURE_NAMES}


def feature_vector(profile: dict[str, Any], assessment: dict[str, Any]) -> list[float]:
    """triage_features as a list in FEATURE_NAMES order (the model's input row)."""
    features = triage_features(profile, assessment)
    return [features[name] for name in FEATURE_NAMES]
