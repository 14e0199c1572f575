"""Experiment (issue 12, third round): does a disagreement signal make the HS classifier's low-confidence flag
catch more errors, judged only on rows that are not reported?

Usage: .venv/bin/python bench/hs_disagreement.py [--models-dir models]

For the served model, each candidate signal is combined with the logit of the top-1 score in a logistic
"is the top-1 right?" map fitted on the calibration split (rows whose best candidate is the model's own
class), and the abstain threshold is chosen, as for the served model, as the highest score flagging at most
`abstain_max_correct_flagged` of the correct answers on the split's hand-written rows (hs_dev.csv,
hs_dev_realistic.csv "tune", hs_tune_written.csv). Signals: a second linear SVM on the word n-gram view or on
the character n-gram view, fitted on names generated with another seed (whether its best class is in another
HS heading, and how far below its best margin it puts the served top-1); the keyword classifier; the
nearest HS 2022 description. The realistic development set's "report" rows and hs_heldout.csv are never read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from app.ml import KeywordHsClassifier, load_hs_classifier  # noqa: E402
from app.ml.hs_calibration import _logit, choose_abstain_threshold  # noqa: E402
from app.ml.hs_classifier import HASH_BITS  # noqa: E402
from app.ml.hs_nearest import nearest_hs_index  # noqa: E402
from app.ml.hs_training import HAND_WRITTEN_SOURCES, build_calibration_set, build_training_set  # noqa: E402
from app.ml.paths import load_ml_config  # noqa: E402


def second_svm_signals(classifier, config, texts, top_index, view: slice) -> tuple[np.ndarray, np.ndarray]:
    """(heading disagrees, margin gap) of a linear SVM on one feature view, fitted on other names."""
    rows = build_training_set({**config, "seed": config["seed"] + 101}, split="fit")
    features = classifier._features.transform(rows.texts).tocsc()[:, view].tocsr()
    svm = LinearSVC(C=config["svm_c"], random_state=1).fit(features, rows.labels)
    order = [list(svm.classes_).index(label) for label in classifier.classes]
    margins = classifier._features.transform(texts).tocsc()[:, view].tocsr() @ svm.coef_[order].T
    margins = np.asarray(margins) + svm.intercept_[order]
    heading = np.array([label[:4] for label in classifier.classes])
    disagree = heading[margins.argmax(axis=1)] != heading[top_index]
    gap = margins.max(axis=1) - margins[np.arange(len(margins)), top_index]
    return disagree.astype(float), gap


def main() -> None:
    """Print, per signal, errors and correct answers flagged on the hand-written calibration rows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", type=Path, default=ROOT / "models")
    args = parser.parse_args()
    classifier = load_hs_classifier(args.models_dir)
    config = load_ml_config()["hs_classifier"]
    budget = config["abstain_max_correct_flagged"]
    calibration = build_calibration_set()
    texts, labels = calibration.texts, calibration.labels
    real = np.array([source in HAND_WRITTEN_SOURCES for source in calibration.sources])
    raw, from_model = classifier.raw_rankings(texts, 3)
    best = np.array([r[0][1] for r in raw])
    top = [r[0][0] for r in raw]
    correct = np.array([t == label for t, label in zip(top, labels, strict=True)])
    top_index = np.array([classifier.classes.index(t) if t in classifier.classes else 0 for t in top])
    logit = _logit(best)
    signals: dict[str, list[np.ndarray]] = {"score alone": []}
    split = 2**HASH_BITS
    for name, view in (("word-view SVM", slice(split, None)), ("char-view SVM", slice(0, split))):
        disagree, gap = second_svm_signals(classifier, config, texts, top_index, view)
        signals[f"{name}: heading disagrees"] = [disagree]
        signals[f"{name}: margin gap"] = [gap]
    keyword = KeywordHsClassifier().rank_many(texts, 3)
    signals["keyword: top-1 agrees, lists it"] = [
        np.array([bool(k) and k[0]["hs_code"] == t for k, t in zip(keyword, top, strict=True)], dtype=float),
        np.array([t in [c["hs_code"] for c in k] for k, t in zip(keyword, top, strict=True)], dtype=float),
    ]
    nearest = nearest_hs_index().search(texts, 3)
    signals["nearest description: heading disagrees"] = [
        np.array([not n or n[0][0][:4] != t[:4] for n, t in zip(nearest, top, strict=True)], dtype=float)
    ]
    print(
        f"model: {classifier.version}; calibration split {len(texts)} rows, {real.sum()} hand-written"
        f" ({(~correct[real]).sum()} errors); threshold flags at most {budget:.0%} of their correct answers"
    )
    for name, columns in signals.items():
        features = np.column_stack([logit, *columns])
        model = LogisticRegression(max_iter=2000).fit(features[from_model], correct[from_model])
        score = np.where(from_model, model.predict_proba(features)[:, 1], best)
        threshold = choose_abstain_threshold(score[real], correct[real], budget)
        caught = int((score[real & ~correct] < threshold).sum())
        print(
            f"  {name:<42} hand-written: errors flagged {caught}/{(~correct[real]).sum()}"
            f" ({(score[real & ~correct] < threshold).mean():.1%}), correct flagged"
            f" {(score[real & correct] < threshold).mean():.1%}; all rows: errors flagged"
            f" {(score[~correct] < threshold).mean():.1%},"
            f" correct flagged {(score[correct] < threshold).mean():.1%}"
        )


if __name__ == "__main__":
    main()
