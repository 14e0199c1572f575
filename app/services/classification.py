"""HS classification for people: ranked candidates, whether the model is confident, and the choices to
offer when it is not (the API's classify endpoint and the self-check's product choice)."""

from __future__ import annotations

from typing import Any

from app.services.models import current_models

# When the best score is below the abstain threshold, this many candidates are offered for a person to pick.
CHOICES = 3


def _threshold(classifier: Any) -> float:
    """The classifier's abstain threshold (chosen on its calibration split)."""
    return float(getattr(classifier, "low_confidence_score", 0.5))


def classify_description(description: str, limit: int) -> dict[str, Any]:
    """The top `limit` candidates, whether the best is confident, the threshold and the choices."""
    classifier = current_models().hs_classifier
    ranked = classifier.classify(description, limit=max(limit, CHOICES))
    threshold = _threshold(classifier)
    confident = bool(ranked) and ranked[0]["score"] >= threshold
    return {
        "candidates": ranked[:limit],
        "model_version": classifier.version,
        "low_confidence": not confident,
        "confident": confident,
        "abstain_threshold": threshold,
        "choices": [] if confident else ranked[:CHOICES],
    }


def choices_for(descriptions: list[str]) -> list[list[dict[str, Any]]]:
    """For each description, the top candidates to pick from when the model is not confident, else []
    (one batch call to the classifier)."""
    if not descriptions:
        return []
    classifier = current_models().hs_classifier
    threshold = _threshold(classifier)
    return [
        ranked[:CHOICES] if ranked and ranked[0]["score"] < threshold else []
        for ranked in classifier.rank_many(descriptions, CHOICES)
    ]
