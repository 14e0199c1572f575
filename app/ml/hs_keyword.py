"""Keyword HS classifier: the fallback used until a trained model exists. Honest, modest scores."""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from typing import Any

from app.ml.hs_reference import load_hs_reference
from app.ml.hs_training import expand_terms, load_vocab
from app.ml.paths import load_ml_config
from app.ml.text import clean_text, state_markers
from app.reference import commodity_of

# Slots whose terms tell variants of a family apart; the other slots (origin, brand, style) do not.
_DISTINCTIVE_SLOTS = ("state", "noun", "item", "material", "kind", "fibre")


@lru_cache(maxsize=1)
def _keyword_table() -> tuple[dict[str, dict[str, float]], dict[str, set[str]]]:
    """term → {code: weight} from the vocabulary, and the state markers each code's terms carry."""
    vocab = load_vocab()
    lists = vocab["lists"]
    term_codes: dict[str, set[str]] = defaultdict(set)
    code_markers: dict[str, set[str]] = defaultdict(set)
    for family in vocab["families"].values():
        for variant in family["variants"]:
            code = str(variant["code"])
            for slot in _DISTINCTIVE_SLOTS:
                source = variant.get(slot, family.get("slots", {}).get(slot))
                if source is None:
                    continue
                for term in expand_terms(source, lists):
                    cleaned = clean_text(term)
                    if len(cleaned) >= 3:
                        term_codes[cleaned].add(code)
                        if slot == "state":
                            code_markers[code].update(state_markers(cleaned))
    table = {
        term: {code: len(term.split()) / len(codes) for code in codes} for term, codes in term_codes.items()
    }
    return table, code_markers


class KeywordHsClassifier:
    """Scores HS6 codes by the vocabulary terms found in the text; never more confident than max_score."""

    version = "hs-keyword/1"
    synthetic = False

    def __init__(self, max_score: float | None = None) -> None:
        """Read the score cap from the ML settings unless given."""
        settings = load_ml_config()["keyword_fallback"]
        self.version = settings.get("version", self.version)
        self.max_score = float(max_score if max_score is not None else settings["max_score"])
        self.low_confidence_score = float(load_ml_config()["hs_classifier"]["low_confidence_score"])
        self._reference = load_hs_reference()

    def _raw_scores(self, description: str) -> dict[str, float]:
        """Summed term weights per code, boosted for codes whose state words match the text's states."""
        table, code_markers = _keyword_table()
        padded = f" {clean_text(description)} "
        scores: dict[str, float] = defaultdict(float)
        for term, weights in table.items():
            if f" {term} " in padded:
                for code, weight in weights.items():
                    scores[code] += weight
        markers = set(state_markers(padded.strip()))
        for code in scores:
            if markers & code_markers.get(code, set()):
                scores[code] += 1.0
        return scores

    def classify(self, description: str, limit: int = 3) -> list[dict[str, Any]]:
        """Ranked HS6 candidates {hs_code, description, commodity, score}; empty when no keyword matches."""
        scores = self._raw_scores(description)
        total = sum(scores.values())
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [
            {
                "hs_code": code,
                "description": self._reference.describe(code),
                "commodity": commodity_of(code),
                # Share of the matched evidence, shrunk towards 0 when little matched, capped at max_score.
                "score": round(self.max_score * (raw / (total + 1.0)), 4),
            }
            for code, raw in ranked
        ]

    def rank_many(self, descriptions: list[str], limit: int = 3) -> list[list[dict[str, Any]]]:
        """Ranked candidates for each description of a batch."""
        return [self.classify(description, limit) for description in descriptions]

    def classify_many(self, descriptions: list[str]) -> list[dict[str, Any]]:
        """The top candidate for each description (hs_code None and score 0 when nothing matched)."""
        empty = {"hs_code": None, "description": "", "commodity": "other", "score": 0.0}
        return [(ranked[0] if ranked else dict(empty)) for ranked in self.rank_many(descriptions, 1)]
