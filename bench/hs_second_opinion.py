"""Experiment (issue 12): does a second opinion make the low-confidence flag of the HS classifier catch more
errors?

Usage: .venv/bin/python bench/hs_second_opinion.py [--models-dir models]

The served score (temperature-scaled SVM) is compared with a logistic "is the top-1 right?" combiner of the
score's logit and second-opinion signals: whether the keyword classifier (vocabulary terms) agrees with the
top-1 code or lists it, and whether the character and word n-gram halves of the SVM agree with it. The
combiner is fitted on the served model's calibration split (5-fold out-of-fold predictions there) and its
threshold chosen, like the served one, as the highest score flagging at most `abstain_max_correct_flagged` of
the correct answers on the hand-written rows of that split. It is then applied to the hand-written held-out
set and to the realistic development set's "report" rows (reported, never used to choose anything).
Prints the figures; docs/benchmarks.md ("HS classifier on realistic names") records a run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from app.ml import KeywordHsClassifier, load_hs_classifier  # noqa: E402
from app.ml.hs_calibration import choose_abstain_threshold  # noqa: E402
from app.ml.hs_classifier import HASH_BITS, evaluate_ranked, load_evaluation_rows  # noqa: E402
from app.ml.hs_training import (  # noqa: E402
    DEV_REALISTIC_FILE,
    HAND_WRITTEN_SOURCES,
    HELDOUT_FILE,
    build_calibration_set,
)
from app.ml.paths import load_ml_config  # noqa: E402

SIGNALS = {
    "score alone": ["logit"],
    "score + keyword agreement": ["logit", "keyword_top", "keyword_lists"],
    "score + char/word halves agree": ["logit", "chars_agree", "words_agree"],
}


def signals(classifier, keyword: KeywordHsClassifier, texts: list[str], labels: list[str]) -> dict:
    """Per row: the served top-1 score and code, whether it is right, and the second-opinion signals."""
    ranked = classifier.rank_many(texts, 3)
    scores = np.array([r[0]["score"] if r else 0.0 for r in ranked])
    top = [r[0]["hs_code"] if r else "" for r in ranked]
    others = keyword.rank_many(texts, 3)
    features = classifier._features.transform(list(texts)).tocsr()
    split = 2**HASH_BITS
    halves = {}
    for name, block in (("chars", slice(0, split)), ("words", slice(split, None))):
        margins = (features[:, block] @ classifier._weights[block]).toarray() + classifier._intercept
        halves[name] = [classifier.classes[j] for j in margins.argmax(axis=1)]
    clipped = np.clip(scores, 1e-6, 1 - 1e-6)
    return {
        "scores": scores,
        "ranked": ranked,
        "labels": labels,
        "correct": np.array([t == label for t, label in zip(top, labels, strict=True)]),
        "logit": np.log(clipped / (1 - clipped)),
        "keyword_top": np.array([bool(o) and o[0]["hs_code"] == t for o, t in zip(others, top, strict=True)]),
        "keyword_lists": np.array([t in [c["hs_code"] for c in o] for o, t in zip(others, top, strict=True)]),
        "chars_agree": np.array([c == t for c, t in zip(halves["chars"], top, strict=True)]),
        "words_agree": np.array([w == t for w, t in zip(halves["words"], top, strict=True)]),
    }


def matrix(rows: dict, columns: list[str]) -> np.ndarray:
    """The chosen signals as a float matrix."""
    return np.column_stack([np.asarray(rows[column], dtype=float) for column in columns])


def figures(name: str, probability: np.ndarray, rows: dict, threshold: float) -> str:
    """One printed line: accuracy, ECE, and the shares flagged below the threshold."""
    ranked = [
        [dict(r[0], score=float(p)), *r[1:]] if r else r
        for r, p in zip(rows["ranked"], probability, strict=True)
    ]
    m = evaluate_ranked(ranked, rows["labels"], threshold)
    wrong = int((~rows["correct"]).sum())
    caught = int((probability[~rows["correct"]] < threshold).sum())
    return (
        f"    {name:<32} ECE {m['expected_calibration_error']:.3f}  errors flagged {m['errors_flagged']:.1%}"
        f" ({caught}/{wrong})  correct flagged {m['correct_flagged']:.1%}  (threshold {threshold:.3f})"
    )


def main() -> None:
    """Fit each combiner on the calibration split and print its figures on every set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", type=Path, default=ROOT / "models")
    args = parser.parse_args()
    classifier = load_hs_classifier(args.models_dir)
    keyword = KeywordHsClassifier()
    max_flagged = load_ml_config()["hs_classifier"]["abstain_max_correct_flagged"]
    calibration = build_calibration_set()
    hand_written = np.array([source in HAND_WRITTEN_SOURCES for source in calibration.sources])
    sets = {"calibration split": signals(classifier, keyword, calibration.texts, calibration.labels)}
    for label, path, split in (
        ("hs_heldout.csv", HELDOUT_FILE, None),
        ("hs_dev_realistic.csv [report]", DEV_REALISTIC_FILE, "report"),
    ):
        rows = load_evaluation_rows(path, split)
        sets[label] = signals(
            classifier, keyword, [r["description"] for r in rows], [r["hs_code"] for r in rows]
        )
    cal = sets["calibration split"]
    print(
        f"model: {classifier.version}; calibration split {len(calibration)} rows"
        f" ({hand_written.sum()} hand-written)"
    )
    for name, columns in SIGNALS.items():
        features, correct = matrix(cal, columns), cal["correct"]
        out_of_fold = np.zeros(len(correct))
        folds = StratifiedKFold(5, shuffle=True, random_state=0)
        for train, test in folds.split(features, hand_written * 2 + correct):
            model = LogisticRegression(max_iter=2000).fit(features[train], correct[train])
            out_of_fold[test] = model.predict_proba(features[test])[:, 1]
        threshold = choose_abstain_threshold(out_of_fold[hand_written], correct[hand_written], max_flagged)
        at_ten = choose_abstain_threshold(out_of_fold, correct, 0.10)
        model = LogisticRegression(max_iter=2000).fit(features, correct)
        print(f"  {name}:")
        print(figures("calibration split, out-of-fold", out_of_fold, cal, at_ten))
        for label, rows in list(sets.items())[1:]:
            print(figures(label, model.predict_proba(matrix(rows, columns))[:, 1], rows, threshold))
    print(f"  served score as is (threshold {classifier.low_confidence_score}):")
    for label, rows in sets.items():
        print(figures(label, rows["scores"], rows, classifier.low_confidence_score))


if __name__ == "__main__":
    main()
