"""Triage (priority) model: learns from advisors' decisions which cases end in financing.

The score is P(approved for financing) from a logistic regression over triage_features; the top factors
are the per-feature contributions (weight × standardised value). The model only orders the advisor queue
and can raise `review_required`; it never changes an eligibility result or a route.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

import numpy as np
from scipy.special import expit
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from app.ml.paths import TRAINING_DIR, load_ml_config
from app.ml.triage_features import FEATURE_NAMES, feature_vector

REGION_GROUPS_FILE = TRAINING_DIR / "region_groups.csv"
POSITIVE_DECISION = "approved"
# Only scikit-learn / numpy types are stored in a triage artifact.
TRIAGE_TRUSTED_TYPES: list[str] = []
TOP_FACTORS = 5


@lru_cache(maxsize=1)
def region_groups() -> dict[str, str]:
    """Province code (the `PP` of region_code `PP.KK`) → region group (Java, Sumatera, …)."""
    with REGION_GROUPS_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["province_code"]: row["region_group"] for row in csv.DictReader(handle)}


def region_group_of(region_code: str | None) -> str:
    """Region group of a kabupaten/kota code, "unknown" when the province is not listed."""
    return region_groups().get(str(region_code or "")[:2], "unknown")


def disagrees_strongly(priority_score: float, assessment: dict[str, Any]) -> bool:
    """Whether the priority model and the rules' route disagree strongly (policy-v1 §6.3)."""
    thresholds = load_ml_config()["triage"]["disagreement"]
    if assessment.get("route") == "financial":
        return priority_score < float(thresholds["low"])
    return priority_score > float(thresholds["high"])


@dataclass
class TriageModel:
    """A trained priority model with its version and whether it learned from synthetic decisions."""

    pipeline: Pipeline
    version: str = "triage/untracked"
    synthetic: bool = True
    metadata: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def _linear_terms(self) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray, np.ndarray]:
        """The fitted scaler's mean and scale and the regression's coefficients and intercept."""
        scaler: StandardScaler = self.pipeline.named_steps["scale"]
        model: LogisticRegression = self.pipeline.named_steps["model"]
        mean = scaler.mean_ if scaler.with_mean else None
        scale = scaler.scale_ if scaler.with_std else None
        return mean, scale, model.coef_, model.intercept_

    def _standardised_and_scores(self, rows: list[list[float]]) -> tuple[np.ndarray, np.ndarray]:
        """The standardised rows and P(approved) of each: the pipeline's own arithmetic (`transform`, then
        `decision_function` and the logistic), without scikit-learn's per-call input checks, which cost
        more than the arithmetic for one row (tests/ml check the result equals `predict_proba`)."""
        mean, scale, coef, intercept = self._linear_terms
        standardised = np.array(rows, dtype=np.float64)
        if mean is not None:
            standardised -= mean
        if scale is not None:
            standardised /= scale
        decision = (standardised @ coef.T + intercept).reshape(-1)
        return standardised, expit(decision)

    def priority(self, profile: dict[str, Any], assessment: dict[str, Any]) -> dict[str, Any]:
        """{"score": P(approved) in 0..1, "top_factors": [{feature, contribution}], "synthetic": bool}."""
        return self.priorities([(profile, assessment)])[0]

    def priorities(self, rows: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[dict[str, Any]]:
        """`priority` of many (profile, assessment) pairs, with one matrix product and one sort for all."""
        standardised, scores = self._standardised_and_scores([feature_vector(p, a) for p, a in rows])
        contributions = standardised * self._linear_terms[2][0]
        orders = np.argsort(-np.abs(contributions), axis=1)[:, :TOP_FACTORS]
        return [
            {
                "score": round(float(score), 4),
                "top_factors": [
                    {"feature": FEATURE_NAMES[i], "contribution": round(float(row[i]), 4)}
                    for i in order
                    if row[i] != 0
                ],
                "synthetic": self.synthetic,
            }
            for score, row, order in zip(scores, contributions, orders, strict=True)
        ]

    def priority_many(self, rows: list[tuple[dict[str, Any], dict[str, Any]]]) -> np.ndarray:
        """P(approved) for many (profile, assessment) pairs."""
        return self._standardised_and_scores([feature_vector(p, a) for p, a in rows])[1]


def build_triage_pipeline(config: dict[str, Any]) -> Pipeline:
    """Standardise the features, then a balanced L2 logistic regression."""
    return Pipeline(
        [
            ("scale", StandardScaler()),
            ("model", LogisticRegression(C=config["c"], class_weight="balanced", max_iter=2000)),
        ]
    )


def _auc(labels: np.ndarray, scores: np.ndarray) -> float | None:
    """ROC AUC, or None when only one class is present."""
    return round(float(roc_auc_score(labels, scores)), 4) if len(set(labels.tolist())) == 2 else None


def fairness_report(rows: list[dict[str, Any]], scores: np.ndarray, config: dict[str, Any]) -> dict[str, Any]:
    """Selection rate and AUC by owner gender, region group and size class; gaps beyond limits flagged."""
    settings = config["fairness"]
    labels = np.array([row["decision"] == POSITIVE_DECISION for row in rows], dtype=int)
    selected = scores >= settings["decision_threshold"]
    overall = {
        "n": len(rows),
        "selection_rate": round(float(selected.mean()), 4),
        "approval_rate": round(float(labels.mean()), 4),
        "auc": _auc(labels, scores),
    }
    attributes = {
        "owner_gender": [row["profile"].get("owner_gender") or "unknown" for row in rows],
        "region_group": [region_group_of(row["profile"].get("region_code")) for row in rows],
        "size_class": [row["assessment"].get("size_class") or "unknown" for row in rows],
    }
    expected_groups = {
        "owner_gender": ["female", "male", "undisclosed"],
        "region_group": sorted(set(region_groups().values())),
        "size_class": ["micro", "small", "medium", "large"],
    }
    groups: dict[str, list[dict[str, Any]]] = {}
    flags = []
    for attribute, values in attributes.items():
        values_array = np.array(values)
        names = expected_groups[attribute] + sorted(set(values) - set(expected_groups[attribute]))
        entries = []
        for name in names:
            mask = values_array == name
            n = int(mask.sum())
            entry: dict[str, Any] = {"group": name, "n": n}
            if n:
                entry["selection_rate"] = round(float(selected[mask].mean()), 4)
                entry["approval_rate"] = round(float(labels[mask].mean()), 4)
                entry["auc"] = _auc(labels[mask], scores[mask])
                entry["selection_rate_gap"] = round(entry["selection_rate"] - overall["selection_rate"], 4)
                entry["auc_gap"] = (
                    round(entry["auc"] - overall["auc"], 4)
                    if entry["auc"] is not None and overall["auc"]
                    else None
                )
            reasons = []
            if n >= settings["min_group_size"]:
                if abs(entry["selection_rate_gap"]) > settings["selection_rate_gap"]:
                    reasons.append("selection_rate_gap")
                if entry.get("auc_gap") is not None and abs(entry["auc_gap"]) > settings["auc_gap"]:
                    reasons.append("auc_gap")
            elif n:
                reasons.append("small_group")
            entry["flagged"] = [r for r in reasons if r != "small_group"]
            entry["note"] = (
                "fewer rows than min_group_size: figures unreliable" if "small_group" in reasons else ""
            )
            for reason in entry["flagged"]:
                flags.append({"attribute": attribute, "group": name, "reason": reason})
            entries.append(entry)
        groups[attribute] = entries
    return {
        "evaluated_on": "held-out test split of the training decisions",
        "decision_threshold": settings["decision_threshold"],
        "thresholds": {k: settings[k] for k in ("selection_rate_gap", "auc_gap", "min_group_size")},
        "overall": overall,
        "groups": groups,
        "flags": flags,
    }


@dataclass
class TriageTrainingResult:
    """The trained model, metadata for metadata.json and the fairness report."""

    model: TriageModel
    metadata: dict[str, Any]
    fairness: dict[str, Any]


def train_triage_from_rows(
    rows: list[dict[str, Any]], synthetic: bool, config: dict[str, Any] | None = None
) -> TriageTrainingResult:
    """Fit the priority model on decision rows {profile, assessment, decision, ...} and report fairness.

    A quarter of the rows (seeded) is held out for the metrics and the fairness report; the served model is
    then refitted on all rows.
    """
    from app.ml.synthetic_decisions import rows_sha256

    config = config or load_ml_config()["triage"]
    if len(rows) < 20:
        raise ValueError(f"not enough decisions to train the triage model ({len(rows)} rows)")
    matrix = np.array([feature_vector(row["profile"], row["assessment"]) for row in rows])
    labels = np.array([row["decision"] == POSITIVE_DECISION for row in rows], dtype=int)
    if len(set(labels.tolist())) < 2:
        raise ValueError("the decisions contain only one outcome; cannot learn a priority")
    order = list(range(len(rows)))
    random.Random(config["seed"]).shuffle(order)
    cut = len(rows) * 3 // 4
    train_idx, test_idx = np.array(order[:cut]), np.array(order[cut:])
    evaluation = build_triage_pipeline(config).fit(matrix[train_idx], labels[train_idx])
    test_scores = evaluation.predict_proba(matrix[test_idx])[:, 1]
    test_rows = [rows[i] for i in test_idx]
    fairness = fairness_report(test_rows, test_scores, config)
    pipeline = build_triage_pipeline(config).fit(matrix, labels)
    metrics = {
        "test_rows": len(test_idx),
        "test_auc": _auc(labels[test_idx], test_scores),
        "test_brier": round(float(brier_score_loss(labels[test_idx], test_scores)), 4),
        "test_accuracy": round(float(((test_scores >= 0.5) == labels[test_idx]).mean()), 4),
        "approval_rate": round(float(labels.mean()), 4),
        "decisions": {
            d: int(sum(1 for row in rows if row["decision"] == d))
            for d in sorted({row["decision"] for row in rows})
        },
    }
    model_step: LogisticRegression = pipeline.named_steps["model"]
    metadata = {
        "training_data": "synthetic" if synthetic else "advisor decisions",
        "synthetic": synthetic,
        "training_data_sha256": rows_sha256(rows),
        "training_rows": len(rows),
        "target": "P(decision == 'approved')",
        "feature_names": list(FEATURE_NAMES),
        "excluded_from_features": ["owner_gender", "region_code"],
        "coefficients": {
            name: round(float(value), 4)
            for name, value in zip(FEATURE_NAMES, model_step.coef_[0], strict=True)
        },
        "params": {"c": config["c"], "seed": config["seed"], "class_weight": "balanced"},
        "metrics": metrics,
        "fairness_flags": fairness["flags"],
    }
    model = TriageModel(pipeline=pipeline, synthetic=synthetic, metadata=metadata)
    return TriageTrainingResult(model=model, metadata=metadata, fairness=fairness)
