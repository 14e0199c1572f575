"""HS 2022 six-digit classifier for Indonesian / English product descriptions.

A scikit-learn Pipeline (text normalisation with processing-state markers → hashed character and word
n-gram TF-IDF in a FeatureUnion → linear SVM), whose margins are turned into probabilities by temperature
scaling fitted on a separate hand-written development set. Text that belongs to none of the labelled
product families falls into the "other" class; its probability mass goes to the nearest HS 2022
subheadings by description search, with a low score cap, so the answer is the nearest chapter at low
confidence rather than a confident wrong code.
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from scipy.special import softmax
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.svm import LinearSVC

from app.ml.hs_calibration import (
    RELIABILITY_FILE,
    apply_top1_calibration,
    calibrate_temperature,
    choose_abstain_threshold,
    fit_top1_calibration,
    reliability_bins,
    write_reliability_diagram,
)
from app.ml.hs_nearest import nearest_hs_index
from app.ml.hs_reference import load_hs_reference
from app.ml.hs_training import (
    DEV_FILE,
    DEV_REALISTIC_FILE,
    HAND_WRITTEN_SOURCES,
    HELDOUT_FILE,
    OTHER_LABEL,
    build_calibration_set,
    build_training_set,
    training_data_sha256,
)
from app.ml.paths import load_ml_config
from app.ml.text import normalise_many
from app.reference import commodity_of

# Types beyond skops' defaults that an HS classifier artifact may contain (the explicit trusted list): the
# pipeline's normalisation function and the sparse matrix holding the SVM weights.
HS_TRUSTED_TYPES = ["app.ml.text.normalise_many", "scipy.sparse._csr.csr_matrix"]
HASH_BITS = 17
# Linear-SVM weights below this magnitude are dropped and the weights stored sparse: it keeps the artifact
# around 2 MB with no measurable change in accuracy on the development set.
WEIGHT_FLOOR = 0.05


def build_hs_pipeline(config: dict[str, Any]) -> Pipeline:
    """The untrained pipeline: normalise → char_wb 2-5 + word 1-2 n-gram TF-IDF → linear SVM."""
    chars = Pipeline(
        [
            (
                "hash",
                HashingVectorizer(
                    analyzer="char_wb",
                    ngram_range=(2, 5),
                    n_features=2**HASH_BITS,
                    alternate_sign=False,
                    norm=None,
                ),
            ),
            ("tfidf", TfidfTransformer(sublinear_tf=True)),
        ]
    )
    words = Pipeline(
        [
            (
                "hash",
                HashingVectorizer(
                    analyzer="word",
                    ngram_range=(1, 2),
                    n_features=2**HASH_BITS,
                    alternate_sign=False,
                    norm=None,
                    token_pattern=r"(?u)\b\w+\b",
                ),
            ),
            ("tfidf", TfidfTransformer(sublinear_tf=True)),
        ]
    )
    return Pipeline(
        [
            ("normalise", FunctionTransformer(normalise_many)),
            ("features", FeatureUnion([("chars", chars), ("words", words)])),
            ("classifier", LinearSVC(C=config["svm_c"], random_state=config["seed"])),
        ]
    )


@dataclass
class HsClassifier:
    """A trained HS classifier: ranked six-digit candidates with calibrated scores and commodity."""

    pipeline: Pipeline
    temperature: float
    version: str = "hs-classifier/untracked"
    metadata: dict[str, Any] = field(default_factory=dict)
    other_score_cap: float = 0.35
    low_confidence_score: float = 0.5
    other_search_min: float = 0.01
    # Top-label calibration (app.ml.hs_calibration.fit_top1_calibration): the best candidate's score is
    # mapped to the chance that it is right and the others scaled alike (1, 0 = unchanged).
    top1_slope: float = 1.0
    top1_intercept: float = 0.0

    def __post_init__(self) -> None:
        """Cache class labels, the "other" class, the feature steps and the transposed SVM weights."""
        self.classes = [str(label) for label in self.pipeline.classes_]
        self._other = self.classes.index(OTHER_LABEL) if OTHER_LABEL in self.classes else None
        self._reference = load_hs_reference()
        # Same numbers as pipeline.decision_function, without transposing the sparse weights on every call
        # (that transposition was a third of a single classification's time).
        svm = self.pipeline.steps[-1][1]
        self._features = self.pipeline[:-1]
        weights = svm.coef_.T
        self._weights = weights.tocsr() if sparse.issparse(weights) else np.ascontiguousarray(weights)
        self._intercept = np.asarray(svm.intercept_)

    def margins(self, descriptions: list[str]) -> np.ndarray:
        """SVM margins (n × classes), equal to the pipeline's decision_function."""
        product = self._features.transform(list(descriptions)) @ self._weights
        dense = product.toarray() if sparse.issparse(product) else np.asarray(product)
        return dense + self._intercept

    def probabilities(self, descriptions: list[str]) -> np.ndarray:
        """Calibrated class probabilities (rows sum to 1) for a batch of descriptions."""
        return softmax(self.margins(descriptions) / self.temperature, axis=1)

    def _candidate(self, code: str, score: float) -> dict[str, Any]:
        """One candidate in the API shape."""
        return {
            "hs_code": code,
            "description": self._reference.describe(code),
            "commodity": commodity_of(code),
            "score": round(min(max(float(score), 0.0), 1.0), 4),
        }

    def rank_many(self, descriptions: list[str], limit: int = 3) -> list[list[dict[str, Any]]]:
        """Top `limit` candidates for each description, best first (each distinct text computed once)."""
        descriptions = list(descriptions)
        distinct = list(dict.fromkeys(descriptions))
        if len(distinct) < len(descriptions):
            ranked = dict(zip(distinct, self._rank_distinct(distinct, limit), strict=True))
            return [[dict(candidate) for candidate in ranked[text]] for text in descriptions]
        return self._rank_distinct(descriptions, limit)

    def _rank_distinct(self, descriptions: list[str], limit: int) -> list[list[dict[str, Any]]]:
        """rank_many for a list without repeated texts: the best candidate's score, when the model's own
        (not the capped nearest-description search's), gets the top-label calibration; the others alike."""
        if not descriptions:
            return []
        rankings, from_model = self.raw_rankings(descriptions, limit)
        best = np.array([ranked[0][1] if ranked else 0.0 for ranked in rankings])
        calibrated = apply_top1_calibration(best, self.top1_slope, self.top1_intercept)
        factors = np.where(
            from_model, np.divide(calibrated, best, out=np.ones_like(best), where=best > 0), 1.0
        )
        return [
            [self._candidate(code, score * factor) for code, score in ranked]
            for ranked, factor in zip(rankings, factors, strict=True)
        ]

    def raw_rankings(
        self, descriptions: list[str], limit: int
    ) -> tuple[list[list[tuple[str, float]]], np.ndarray]:
        """(code, temperature-scaled score) rankings before the top-label calibration, and whether each
        row's best candidate is the model's own class (rather than a nearest-description search result)."""
        probabilities = self.probabilities(descriptions)
        other = (
            probabilities[:, self._other].copy() if self._other is not None else np.zeros(len(descriptions))
        )
        if self._other is not None:
            probabilities[:, self._other] = -1.0
        top = np.argsort(-probabilities, axis=1)[:, :limit]
        # Only rows where "other" has a real share and could reach the list need the (slower)
        # nearest-description search.
        needs_search = [
            i
            for i in range(len(descriptions))
            if other[i] >= self.other_search_min and other[i] >= probabilities[i, top[i, -1]]
        ]
        nearest: dict[int, list[tuple[str, float]]] = {}
        if needs_search:
            found = nearest_hs_index().search([descriptions[i] for i in needs_search], limit)
            nearest = dict(zip(needs_search, found, strict=True))
        rankings = []
        for i in range(len(descriptions)):
            scores = {self.classes[j]: float(probabilities[i, j]) for j in top[i]}
            share = min(float(other[i]), self.other_score_cap)
            for code, similarity in nearest.get(i, []):
                scores[code] = max(scores.get(code, 0.0), share * similarity)
            rankings.append(sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit])
        from_model = np.array(
            [
                bool(ranked) and ranked[0] == (self.classes[top[i, 0]], float(probabilities[i, top[i, 0]]))
                for i, ranked in enumerate(rankings)
            ]
        )
        return rankings, from_model

    def classify(self, description: str, limit: int = 3) -> list[dict[str, Any]]:
        """Ranked HS6 candidates {hs_code, description, commodity, score} for one description."""
        return self.rank_many([description], limit)[0]

    def classify_many(self, descriptions: list[str]) -> list[dict[str, Any]]:
        """The top candidate for each description of a batch."""
        return [ranked[0] for ranked in self.rank_many(descriptions, 1)]


def evaluate_ranked(
    ranked: list[list[dict[str, Any]]], expected: list[str], low_score: float
) -> dict[str, Any]:
    """Top-1 HS6, top-1 HS4, top-3 HS6 accuracy and calibration figures for ranked candidates."""
    n = len(expected)
    top1 = [r[0]["hs_code"] if r else "" for r in ranked]
    scores = np.array([r[0]["score"] if r else 0.0 for r in ranked])
    correct = np.array([t == e for t, e in zip(top1, expected, strict=True)])
    bins = np.minimum((scores * 10).astype(int), 9)
    ece = sum(
        abs(correct[bins == b].mean() - scores[bins == b].mean()) * (bins == b).sum()
        for b in range(10)
        if (bins == b).any()
    ) / max(n, 1)
    return {
        "n": n,
        "top1_hs6": round(float(correct.mean()), 4),
        "top1_hs4": round(float(np.mean([t[:4] == e[:4] for t, e in zip(top1, expected, strict=True)])), 4),
        "top3_hs6": round(
            float(
                np.mean([e in [c["hs_code"] for c in r[:3]] for r, e in zip(ranked, expected, strict=True)])
            ),
            4,
        ),
        "mean_top1_score": round(float(scores.mean()), 4),
        "mean_score_when_right": round(float(scores[correct].mean()), 4) if correct.any() else None,
        "mean_score_when_wrong": round(float(scores[~correct].mean()), 4) if (~correct).any() else None,
        "expected_calibration_error": round(float(ece), 4),
        "low_confidence_share": round(float((scores < low_score).mean()), 4),
        "abstain_threshold": low_score,
        "errors_flagged": (
            round(float((scores[~correct] < low_score).mean()), 4) if (~correct).any() else None
        ),
        "correct_flagged": round(float((scores[correct] < low_score).mean()), 4) if correct.any() else None,
        "reliability": reliability_bins(scores, correct),
    }


def load_evaluation_rows(path: Path, split: str | None = None) -> list[dict[str, str]]:
    """Rows {description, hs_code, family, split} of a labelled CSV; optional columns default to ""."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            {
                "description": row["description"],
                "hs_code": row["hs_code"],
                "family": row.get("family") or "",
                "split": row.get("split") or "",
            }
            for row in csv.DictReader(handle)
        ]
    return [row for row in rows if split is None or row["split"] == split]


def evaluate_hs(classifier: Any, path: Path = HELDOUT_FILE, split: str | None = None) -> dict[str, Any]:
    """Evaluate any classifier with rank_many/classify on a labelled CSV, overall, per commodity and per
    family (the `family` column, when the file has one); `split` keeps only rows of that split."""
    rows = load_evaluation_rows(path, split)
    texts = [row["description"] for row in rows]
    expected = [row["hs_code"] for row in rows]
    if hasattr(classifier, "rank_many"):
        ranked = classifier.rank_many(texts, 3)
    else:
        ranked = [classifier.classify(text, 3) for text in texts]
    low = getattr(classifier, "low_confidence_score", 0.5)
    metrics = evaluate_ranked(ranked, expected, low)
    metrics["file"] = path.name + (f" [{split}]" if split else "")
    groups: dict[str, dict[str, list[int]]] = {"commodity": {}, "family": {}}
    for i, row in enumerate(rows):
        groups["commodity"].setdefault(commodity_of(row["hs_code"]), []).append(i)
        if row["family"]:
            groups["family"].setdefault(row["family"], []).append(i)
    for kind, members in groups.items():
        metrics[f"by_{kind}"] = {
            name: evaluate_ranked([ranked[i] for i in index], [expected[i] for i in index], low)
            for name, index in sorted(members.items())
        }
    metrics["errors"] = [
        {
            "description": text,
            "expected": want,
            "got": r[0]["hs_code"] if r else None,
            "score": r[0]["score"] if r else 0.0,
            "split": row["split"],
        }
        for text, want, r, row in zip(texts, expected, ranked, rows, strict=True)
        if not r or r[0]["hs_code"] != want
    ]
    return metrics


@dataclass
class HsTrainingResult:
    """What train_hs_classifier produced: the classifier and what goes into metadata.json."""

    classifier: HsClassifier
    metadata: dict[str, Any]


def train_hs_classifier(
    config: dict[str, Any] | None = None, corrections: list[tuple[str, str]] | None = None
) -> HsTrainingResult:
    """Generate the training set, fit the pipeline, calibrate it on its held-out split, evaluate."""
    config = config or load_ml_config()["hs_classifier"]
    started = time.perf_counter()
    # The served model is fitted without a held-back share of the vocabulary terms (and of the out-of-scope
    # names); names made with those terms plus the hand-written hs_dev.csv are its held-out split, on which
    # the temperature is fitted and the abstain threshold chosen. The held-out and realistic development
    # sets are never used for either.
    calibration = build_calibration_set(config)
    rows = build_training_set(config, split="fit", corrections=corrections)
    pipeline = _fit_pipeline(rows.texts, rows.labels, config, corrections)
    temperature = calibrate_temperature(pipeline, calibration.texts, calibration.labels)
    classifier = HsClassifier(
        pipeline=pipeline,
        temperature=temperature,
        other_score_cap=config["other_score_cap"],
        low_confidence_score=config["low_confidence_score"],
        other_search_min=config["other_search_min"],
    )
    # Top-label calibration on the same rows: the temperature fits every class's probability, the
    # reliability diagram (and its error) is about the best candidate's. Fitted on the rows whose best
    # candidate is the model's own class (nearest-description answers keep their low cap).
    raw, from_model = classifier.raw_rankings(calibration.texts, 1)
    raw_correct = np.array([r[0][0] == label for r, label in zip(raw, calibration.labels, strict=True)])
    classifier.top1_slope, classifier.top1_intercept = fit_top1_calibration(
        np.array([r[0][1] for r in raw])[from_model], raw_correct[from_model]
    )
    ranked = classifier.rank_many(calibration.texts, 3)
    correct = np.array(
        [bool(r) and r[0]["hs_code"] == label for r, label in zip(ranked, calibration.labels, strict=True)]
    )
    scores = np.array([r[0]["score"] if r else 0.0 for r in ranked])
    # The threshold is read off the hand-written rows of the split: generated names are easier than real
    # ones, and a threshold chosen on them would let most real errors through.
    real = np.array([source in HAND_WRITTEN_SOURCES for source in calibration.sources])
    classifier.low_confidence_score = choose_abstain_threshold(
        scores[real], correct[real], config["abstain_max_correct_flagged"]
    )
    fit_seconds = round(time.perf_counter() - started, 2)
    dev = evaluate_hs(classifier, DEV_FILE)
    heldout = evaluate_hs(classifier, HELDOUT_FILE)
    realistic = evaluate_hs(classifier, DEV_REALISTIC_FILE, split="report")
    labels = [label for label in classifier.classes if label != OTHER_LABEL]
    metadata = {
        "training_data": "generated" + (" + corrections" if corrections else ""),
        "synthetic": False,
        "training_data_sha256": training_data_sha256(config),
        "corrections_rows": len(corrections or []),
        "training_rows": len(rows),
        "calibration_rows": len(calibration),
        "calibration": {
            "method": "CalibratedClassifierCV(FrozenEstimator(pipeline), method='temperature'), then a "
            "logistic map of the top-1 score's logit (top-label calibration)",
            "top1_slope": classifier.top1_slope,
            "top1_intercept": classifier.top1_intercept,
            "split": "held-back terms and out-of-scope names, hs_dev.csv, hs_dev_realistic.csv [tune]",
            "rows": len(calibration),
            "hand_written_rows": int(real.sum()),
            "abstain_max_correct_flagged": config["abstain_max_correct_flagged"],
            "abstain_threshold": classifier.low_confidence_score,
            "hand_written": _flag_shares(scores[real], correct[real], classifier.low_confidence_score),
            "all": _flag_shares(scores, correct, classifier.low_confidence_score),
            "reliability": reliability_bins(scores, correct),
            "reliability_hand_written": reliability_bins(scores[real], correct[real]),
        },
        "training_rows_by_source": _count_sources(rows.sources),
        "labels": labels,
        "other_label": OTHER_LABEL,
        "feature_names": [
            "normalise: app.ml.text.normalise_many (clean text + processing-state markers)",
            f"chars: char_wb 2-5-grams hashed to 2^{HASH_BITS}, sublinear TF-IDF",
            f"words: word 1-2-grams hashed to 2^{HASH_BITS}, sublinear TF-IDF",
        ],
        "params": {
            "svm_c": config["svm_c"],
            "bagged_fits": int(config.get("bagged_fits", 1)),
            "weight_floor": WEIGHT_FLOOR,
            "temperature": temperature,
            "top1_slope": classifier.top1_slope,
            "top1_intercept": classifier.top1_intercept,
            "other_score_cap": config["other_score_cap"],
            "low_confidence_score": classifier.low_confidence_score,
            "seed": config["seed"],
        },
        "fit_seconds": fit_seconds,
        "metrics": {
            "dev": {k: v for k, v in dev.items() if k != "errors"},
            "heldout": {k: v for k, v in heldout.items() if k != "errors"},
            "dev_realistic": {k: v for k, v in realistic.items() if k != "errors"},
        },
    }
    classifier.metadata = metadata
    return HsTrainingResult(classifier=classifier, metadata=metadata)


def _flag_shares(scores: np.ndarray, correct: np.ndarray, threshold: float) -> dict[str, Any]:
    """Accuracy and the shares of errors and of correct answers scored below the threshold."""
    wrong = ~correct
    return {
        "n": len(scores),
        "top1_hs6": round(float(correct.mean()), 4) if len(scores) else None,
        "errors_flagged": round(float((scores[wrong] < threshold).mean()), 4) if wrong.any() else None,
        "correct_flagged": round(float((scores[correct] < threshold).mean()), 4) if correct.any() else None,
    }


def write_hs_reliability_diagram(directory: Path, metadata: dict[str, Any]) -> Path:
    """Write the reliability diagram PNG of a trained HS classifier next to its model card."""
    calibration = metadata["calibration"]
    series = {
        "calibration split, hand-written": calibration["reliability_hand_written"],
        "calibration split, all": calibration["reliability"],
        "realistic dev [report], not used": metadata["metrics"]["dev_realistic"]["reliability"],
    }
    return write_reliability_diagram(
        Path(directory) / RELIABILITY_FILE, series, float(calibration["abstain_threshold"])
    )


def _fit_pipeline(
    texts: list[str],
    labels: list[str],
    config: dict[str, Any],
    corrections: list[tuple[str, str]] | None = None,
) -> Pipeline:
    """Fit the pipeline, average its SVM with `bagged_fits - 1` more fitted on generations of the training
    names with other seeds (one linear model: serving costs the same), and store the weights sparse."""
    pipeline = build_hs_pipeline(config).fit(texts, labels)
    svm = pipeline.named_steps["classifier"]
    classes = list(svm.classes_)
    for offset in range(1, int(config.get("bagged_fits", 1))):
        seeded = {**config, "seed": config["seed"] + 1000 * offset}
        rows = build_training_set(seeded, split="fit", corrections=corrections)
        extra = LinearSVC(C=config["svm_c"], random_state=seeded["seed"]).fit(
            pipeline[:-1].transform(rows.texts), rows.labels
        )
        order = [list(extra.classes_).index(label) for label in classes]
        svm.coef_ += extra.coef_[order]
        svm.intercept_ += extra.intercept_[order]
    if int(config.get("bagged_fits", 1)) > 1:
        svm.coef_ /= int(config["bagged_fits"])
        svm.intercept_ /= int(config["bagged_fits"])
    svm.coef_[np.abs(svm.coef_) < WEIGHT_FLOOR] = 0.0
    svm.sparsify()
    return pipeline


def _count_sources(sources: list[str]) -> dict[str, int]:
    """Rows per source label ("vocab:coffee", "hs2022", ...)."""
    counts: dict[str, int] = {}
    for source in sources:
        counts[source] = counts.get(source, 0) + 1
    return dict(sorted(counts.items()))


def hs_artifact_object(classifier: HsClassifier) -> dict[str, Any]:
    """The object written to the skops file: the fitted pipeline and its temperature."""
    return {"pipeline": classifier.pipeline, "temperature": classifier.temperature}


def hs_classifier_from_artifact(obj: dict[str, Any], version: str, metadata: dict[str, Any]) -> HsClassifier:
    """Rebuild an HsClassifier from a loaded skops object and its metadata."""
    params = metadata.get("params", {})
    return HsClassifier(
        pipeline=obj["pipeline"],
        temperature=float(obj["temperature"]),
        version=version,
        metadata=metadata,
        other_score_cap=float(params.get("other_score_cap", 0.35)),
        low_confidence_score=float(params.get("low_confidence_score", 0.5)),
        other_search_min=float(load_ml_config()["hs_classifier"]["other_search_min"]),
        top1_slope=float(params.get("top1_slope", 1.0)),
        top1_intercept=float(params.get("top1_intercept", 0.0)),
    )
