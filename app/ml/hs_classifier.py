"""HS 2022 six-digit classifier for Indonesian / English product descriptions.

A scikit-learn Pipeline (text normalisation with processing-state markers → hashed character and word
n-gram TF-IDF in a FeatureUnion → linear SVM), whose margins are turned into probabilities by temperature
scaling fitted on a separate hand-written development set. Text that belongs to none of the labelled
product families falls into the "other" class; its probability mass goes to the nearest HS 2022
subheadings by description search, with a low score cap, so the answer is the nearest chapter at low
confidence rather than a confident wrong code.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from scipy import sparse
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.svm import LinearSVC

from app.ml.hs_nearest import nearest_hs_index
from app.ml.hs_reference import load_hs_reference
from app.ml.hs_training import (
    DEV_FILE,
    HELDOUT_FILE,
    OTHER_LABEL,
    build_calibration_set,
    build_training_set,
    load_labelled_csv,
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


def fit_temperature(margins: np.ndarray, classes: list[str], labels: list[str]) -> float:
    """Temperature T minimising the log loss of softmax(margins / T) on labelled calibration rows."""
    index = {label: i for i, label in enumerate(classes)}
    rows = [(i, index[label]) for i, label in enumerate(labels) if label in index]
    if not rows:
        return 1.0
    row_ids, targets = np.array([r for r, _ in rows]), np.array([t for _, t in rows])
    subset = margins[row_ids]

    def loss(log_t: float) -> float:
        return float(-log_softmax(subset / np.exp(log_t), axis=1)[np.arange(len(targets)), targets].mean())

    return float(np.exp(minimize_scalar(loss, bounds=(-6.0, 3.0), method="bounded").x))


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
            "score": round(min(max(score, 0.0), 1.0), 4),
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
        """rank_many for a list without repeated texts."""
        if not descriptions:
            return []
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
        results = []
        for i in range(len(descriptions)):
            scores = {self.classes[j]: float(probabilities[i, j]) for j in top[i]}
            share = min(float(other[i]), self.other_score_cap)
            for code, similarity in nearest.get(i, []):
                scores[code] = max(scores.get(code, 0.0), share * similarity)
            ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
            results.append([self._candidate(code, score) for code, score in ranked])
        return results

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
    }


def evaluate_hs(classifier: Any, path: Path = HELDOUT_FILE) -> dict[str, Any]:
    """Evaluate any classifier with rank_many/classify on a (description, hs_code) CSV file."""
    texts, expected = load_labelled_csv(path)
    if hasattr(classifier, "rank_many"):
        ranked = classifier.rank_many(texts, 3)
    else:
        ranked = [classifier.classify(text, 3) for text in texts]
    low = getattr(classifier, "low_confidence_score", 0.5)
    metrics = evaluate_ranked(ranked, expected, low)
    metrics["file"] = path.name
    metrics["errors"] = [
        {
            "description": text,
            "expected": want,
            "got": r[0]["hs_code"] if r else None,
            "score": r[0]["score"] if r else 0.0,
        }
        for text, want, r in zip(texts, expected, ranked, strict=True)
        if not r or r[0]["hs_code"] != want
    ]
    return metrics


@dataclass
class HsTrainingResult:
    """What train_hs_classifier produced: the classifier and what goes into metadata.json."""

    classifier: HsClassifier
    metadata: dict[str, Any]


def train_hs_classifier(config: dict[str, Any] | None = None) -> HsTrainingResult:
    """Generate the training set, fit the pipeline, calibrate on the dev set and evaluate held-out."""
    config = config or load_ml_config()["hs_classifier"]
    started = time.perf_counter()
    # 1. A model fitted without a held-back quarter of the vocabulary sets the temperature on rows made of
    #    those unseen terms plus the development set, so scores reflect accuracy on unfamiliar wording.
    # 2. The served model is fitted on everything (the held-out set is never used). Both fits run in
    #    parallel (two cores halve the training time).
    calibration = build_calibration_set(config)
    reduced_rows = build_training_set(config, split="fit")
    rows = build_training_set(config)
    reduced, pipeline = Parallel(n_jobs=2, prefer="threads")(
        delayed(_fit_pipeline)(part.texts, part.labels, config) for part in (reduced_rows, rows)
    )
    temperature = fit_temperature(
        reduced.decision_function(calibration.texts), list(reduced.classes_), calibration.labels
    )
    classifier = HsClassifier(
        pipeline=pipeline,
        temperature=temperature,
        other_score_cap=config["other_score_cap"],
        low_confidence_score=config["low_confidence_score"],
        other_search_min=config["other_search_min"],
    )
    fit_seconds = round(time.perf_counter() - started, 2)
    dev = evaluate_hs(classifier, DEV_FILE)
    heldout = evaluate_hs(classifier, HELDOUT_FILE)
    labels = [label for label in classifier.classes if label != OTHER_LABEL]
    metadata = {
        "training_data": "generated",
        "synthetic": False,
        "training_data_sha256": training_data_sha256(config),
        "training_rows": len(rows),
        "calibration_rows": len(calibration),
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
            "weight_floor": WEIGHT_FLOOR,
            "temperature": temperature,
            "other_score_cap": config["other_score_cap"],
            "low_confidence_score": config["low_confidence_score"],
            "seed": config["seed"],
        },
        "fit_seconds": fit_seconds,
        "metrics": {
            "dev": {k: v for k, v in dev.items() if k != "errors"},
            "heldout": {k: v for k, v in heldout.items() if k != "errors"},
        },
    }
    classifier.metadata = metadata
    return HsTrainingResult(classifier=classifier, metadata=metadata)


def _fit_pipeline(texts: list[str], labels: list[str], config: dict[str, Any]) -> Pipeline:
    """Fit the pipeline and store the SVM weights sparse (small weights dropped)."""
    pipeline = build_hs_pipeline(config).fit(texts, labels)
    svm = pipeline.named_steps["classifier"]
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
    )
