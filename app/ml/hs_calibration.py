"""Calibration of the HS classifier's scores: temperature, abstain threshold and reliability diagram.

The temperature is fitted by scikit-learn's `CalibratedClassifierCV` on a frozen (already fitted) pipeline
and rows it never saw; a logistic map of the top-1 score (top-label calibration: what the reliability
diagram and its error measure) is fitted on the same rows; the abstain threshold is read off them; the
reliability diagram (PNG, matplotlib) goes next to the model card.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import Pipeline

RELIABILITY_FILE = "reliability.png"
BINS = 10


def calibrate_temperature(pipeline: Pipeline, texts: list[str], labels: list[str]) -> float:
    """Temperature T of softmax(margins / T) for a fitted pipeline, from CalibratedClassifierCV with a
    FrozenEstimator and method="temperature" on held-out rows (labels the pipeline lacks are left out)."""
    known = {str(label) for label in pipeline.classes_}
    rows = [(text, label) for text, label in zip(texts, labels, strict=True) if label in known]
    # The estimator is frozen: one "split" whose test part is every row gathers its predictions once for a
    # single calibrator (folds would only repeat the same predictions, and need several rows per class).
    every_row = np.arange(len(rows))
    calibrated = CalibratedClassifierCV(
        FrozenEstimator(pipeline), method="temperature", cv=[(every_row, every_row)]
    )
    calibrated.fit([text for text, _ in rows], [label for _, label in rows])
    return float(1.0 / calibrated.calibrated_classifiers_[0].calibrators[0].beta_)


def fit_top1_calibration(scores: np.ndarray, correct: np.ndarray) -> tuple[float, float]:
    """(slope, intercept) of a logistic map from the logit of the top-1 score to the chance that the top-1
    code is right, fitted on held-out rows (top-label calibration after the temperature)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(max_iter=2000).fit(
        _logit(scores).reshape(-1, 1), np.asarray(correct, dtype=bool)
    )
    return float(model.coef_[0, 0]), float(model.intercept_[0])


def apply_top1_calibration(scores: np.ndarray, slope: float, intercept: float) -> np.ndarray:
    """The calibrated chance that each top-1 code is right, from its temperature-scaled score."""
    return 1.0 / (1.0 + np.exp(-(slope * _logit(scores) + intercept)))


def _logit(scores: np.ndarray) -> np.ndarray:
    """log(p / (1 - p)) of scores clipped away from 0 and 1."""
    clipped = np.clip(np.asarray(scores, dtype=float), 1e-6, 1 - 1e-6)
    return np.log(clipped / (1 - clipped))


def choose_abstain_threshold(scores: np.ndarray, correct: np.ndarray, max_correct_flagged: float) -> float:
    """Highest top-1 score threshold that flags at most `max_correct_flagged` of the correct answers."""
    right = np.sort(np.asarray(scores)[np.asarray(correct, dtype=bool)])
    if not len(right):
        return 0.5
    index = int(np.floor(max_correct_flagged * len(right)))
    return round(float(right[min(index, len(right) - 1)]), 4)


def reliability_bins(scores: np.ndarray, correct: np.ndarray, bins: int = BINS) -> list[dict[str, Any]]:
    """Per score bin: rows, mean top-1 score and accuracy (the points of a reliability diagram)."""
    scores = np.asarray(scores, dtype=float)
    correct = np.asarray(correct, dtype=bool)
    index = np.minimum((scores * bins).astype(int), bins - 1)
    return [
        {
            "bin": f"{b / bins:.1f}-{(b + 1) / bins:.1f}",
            "n": int((index == b).sum()),
            "mean_score": round(float(scores[index == b].mean()), 4),
            "accuracy": round(float(correct[index == b].mean()), 4),
        }
        for b in range(bins)
        if (index == b).any()
    ]


def write_reliability_diagram(path: Path, series: dict[str, list[dict[str, Any]]], threshold: float) -> Path:
    """Draw accuracy against mean top-1 score per bin for each named series, with the abstain threshold."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(5.5, 5.0), dpi=100)
    axis.plot([0, 1], [0, 1], linestyle=":", color="grey", label="perfect calibration")
    for (name, points), marker in zip(series.items(), ("o", "s", "^", "D"), strict=False):
        axis.plot(
            [p["mean_score"] for p in points],
            [p["accuracy"] for p in points],
            marker=marker,
            label=f"{name} ({sum(p['n'] for p in points)} rows)",
        )
    axis.axvline(threshold, color="red", linestyle="--", label=f"abstain below {threshold:.2f}")
    axis.set_xlim(0, 1)
    axis.set_ylim(0, 1.02)
    axis.set_xlabel("mean top-1 score in bin")
    axis.set_ylabel("share of top-1 answers that are right")
    axis.set_title("HS classifier reliability (10 bins)")
    axis.legend(loc="upper left", fontsize=8)
    figure.tight_layout()
    figure.savefig(path, format="png", metadata={"Software": None})
    plt.close(figure)
    return Path(path)
