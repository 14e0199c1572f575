"""Seeded SYNTHETIC history of advisor decisions, to train the triage model until real decisions exist.

Nothing here is real. Profiles come from the project's seeded demo generator (app.demo.generator); product
HS codes from the keyword HS classifier; assessments from the rules engine (app.engine.assess). A
simulated advisor then decides each case:

* route "financial" (a financial programme is eligible): approve with a probability that rises with the
  readiness score, a buyer contract, direct/indirect export experience, a `current` credit record and years
  in business, and falls with blocking gaps; otherwise refer (when a non-financial programme applies) or
  reject;
* route "non_financial": never approve (an advisor does not finance what the rules do not allow); refer
  when a non-financial programme applies, more often at higher readiness; otherwise reject.

The simulated advisor does not look at the owner's gender or region, so any group gap in the fairness
report comes from features correlated with the group, not from the labels. Weights live below as named
constants because they define the synthetic world, not a policy.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from datetime import date
from typing import Any

from app.ml.hs_keyword import KeywordHsClassifier

DECISIONS = ("approved", "referred", "rejected")
SYNTHETIC_ADVISORS = tuple(f"synthetic-advisor-{n}" for n in range(1, 7))
# Weights of the simulated advisor (logit scale) — assumptions that define the synthetic world.
APPROVAL_WEIGHTS = {
    "intercept": -0.4,
    "readiness_per_10_points_over_60": 0.55,
    "buyer_contract": 1.1,
    "exported_directly": 0.8,
    "exported_indirectly": 0.4,
    "credit_current": 0.5,
    "blocking_gap": -0.6,
    "young_business": -0.7,
    "noise_sd": 0.8,
}
REFERRAL_WEIGHTS = {"intercept": 0.3, "readiness_per_10_points_over_40": 0.45, "noise_sd": 0.8}


def _sigmoid(value: float) -> float:
    """Logistic function."""
    return 1.0 / (1.0 + math.exp(-value))


def simulated_decision(profile: dict[str, Any], assessment: dict[str, Any], rng: random.Random) -> str:
    """The simulated advisor's decision for one assessed case (see module docstring)."""
    score = float((assessment.get("readiness") or {}).get("score") or 0)
    programmes = assessment.get("programmes") or []
    non_financial = any(
        p.get("type") == "non_financial" and p.get("result") == "eligible" for p in programmes
    )
    if assessment.get("route") == "financial":
        history = profile.get("export_history") or {}
        blocking = sum(1 for gap in assessment.get("gaps") or [] if gap.get("severity") == "blocking")
        founded = profile.get("founded_year")
        young = isinstance(founded, int) and int(assessment.get("as_of", "2026")[:4]) - founded < 3
        w = APPROVAL_WEIGHTS
        logit = (
            w["intercept"]
            + w["readiness_per_10_points_over_60"] * (score - 60) / 10
            + w["buyer_contract"] * bool(profile.get("buyer_contract"))
            + w["exported_directly"] * bool(history.get("direct"))
            + w["exported_indirectly"] * bool(history.get("indirect"))
            + w["credit_current"] * (profile.get("credit_status") == "current")
            + w["blocking_gap"] * min(blocking, 3)
            + w["young_business"] * young
            + rng.gauss(0.0, w["noise_sd"])
        )
        if rng.random() < _sigmoid(logit):
            return "approved"
    if non_financial:
        w = REFERRAL_WEIGHTS
        logit = w["intercept"] + w["readiness_per_10_points_over_40"] * (score - 40) / 10
        if rng.random() < _sigmoid(logit + rng.gauss(0.0, w["noise_sd"])):
            return "referred"
    return "rejected"


def _with_hs_codes(profile: dict[str, Any], classifier: KeywordHsClassifier) -> dict[str, Any]:
    """Copy of a profile whose products without hs_code get the keyword classifier's best code."""
    products = []
    for product in profile.get("products") or []:
        product = dict(product)
        if not product.get("hs_code"):
            best = classifier.classify(product.get("description", ""), 1)
            if best:
                product["hs_code"] = best[0]["hs_code"]
        products.append(product)
    return {**profile, "products": products}


def generate_synthetic_decisions(count: int, seed: int, as_of: date) -> list[dict[str, Any]]:
    """`count` synthetic rows {profile, assessment, decision, decided_by, synthetic: True}, fixed by seed."""
    from app.demo.generator import generate_profiles
    from app.engine import assess
    from app.reference import policy as runtime_policy

    policy = runtime_policy()
    classifier = KeywordHsClassifier()
    rng = random.Random(seed)
    rows = []
    for profile in generate_profiles(count, seed=seed):
        profile = _with_hs_codes(profile, classifier)
        assessment = assess(profile, as_of, policy, with_what_if=False)
        assessment.pop("trace", None)
        rows.append(
            {
                "profile": profile,
                "assessment": assessment,
                "decision": simulated_decision(profile, assessment, rng),
                "decided_by": rng.choice(SYNTHETIC_ADVISORS),
                "synthetic": True,
            }
        )
    return rows


def rows_sha256(rows: list[dict[str, Any]]) -> str:
    """SHA-256 of decision rows serialised as canonical JSON (the triage training-data hash)."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(json.dumps(row, sort_keys=True, default=str).encode("utf-8"))
    return digest.hexdigest()
