"""Nearest-description search over all HS 2022 subheadings: the graceful answer for out-of-scope text.

Indonesian words are given their English HS wording from data/training/hs_glossary_id_en.csv before the
search, and the hand-written out-of-scope product names (hs_other_products.csv) are searched too, so "jahe
instan" or "mobil bekas" land in the right chapter. Scores from this search are capped low by the caller.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize

from app.ml.hs_reference import load_hs_reference
from app.ml.hs_training import GLOSSARY_FILE, OTHER_PRODUCTS_FILE, load_labelled_csv
from app.ml.text import clean_text

_N_FEATURES = 2**18
# Features found in more than this share of the indexed texts ("ing", "of", " co") are left out of the
# index: they hardly tell subheadings apart and made every search four times slower.
MAX_DOCUMENT_SHARE = 0.05


@lru_cache(maxsize=1)
def _glossary() -> tuple[re.Pattern[str], dict[str, str]]:
    """Compile the Indonesian→English glossary into a longest-first whole-word pattern."""
    with GLOSSARY_FILE.open(encoding="utf-8", newline="") as handle:
        pairs = {clean_text(row["indonesian"]): row["english"] for row in csv.DictReader(handle)}
    alternatives = sorted(pairs, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(term) for term in alternatives) + r")\b"), pairs


def translate(cleaned: str) -> str:
    """Append English HS wording for the Indonesian words of a cleaned description."""
    pattern, pairs = _glossary()
    english = [pairs[match.group(1)] for match in pattern.finditer(cleaned)]
    return f"{cleaned} {' '.join(english)}" if english else cleaned


@dataclass
class NearestHsIndex:
    """TF-IDF (character and word) index of HS 2022 subheading texts and out-of-scope product names."""

    codes: list[str]
    matrix: sparse.csr_matrix
    matrix_t: sparse.csr_matrix
    chars: HashingVectorizer
    words: HashingVectorizer
    tfidf: TfidfTransformer

    def _vectors(self, texts: list[str]) -> sparse.csr_matrix:
        """Vectorise already translated texts."""
        combined = sparse.hstack([self.chars.transform(texts), self.words.transform(texts)]).tocsr()
        return normalize(self.tfidf.transform(combined))

    def search(self, descriptions: list[str], limit: int) -> list[list[tuple[str, float]]]:
        """The `limit` most similar subheadings (code, cosine similarity) for each description."""
        queries = [translate(clean_text(text)) for text in descriptions]
        similarities = (self._vectors(queries) @ self.matrix_t).toarray()
        results = []
        for row in similarities:
            best: dict[str, float] = {}
            for index in np.argsort(-row)[: limit * 4]:
                if row[index] <= 0:
                    break
                code = self.codes[index]
                best.setdefault(code, float(row[index]))
                if len(best) == limit:
                    break
            results.append(list(best.items()))
        return results


@lru_cache(maxsize=1)
def nearest_hs_index() -> NearestHsIndex:
    """Build (once per process) the nearest-description index from the reference and data files."""
    reference = load_hs_reference()
    codes = list(reference.subheadings)
    texts = [clean_text(reference.subheadings[code]) for code in codes]
    other_texts, other_codes = load_labelled_csv(OTHER_PRODUCTS_FILE)
    codes += other_codes
    texts += [translate(clean_text(text)) for text in other_texts]
    chars = HashingVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), n_features=_N_FEATURES, alternate_sign=False, norm=None
    )
    words = HashingVectorizer(
        analyzer="word", ngram_range=(1, 1), n_features=_N_FEATURES, alternate_sign=False, norm=None
    )
    combined = sparse.hstack([chars.transform(texts), words.transform(texts)]).tocsr()
    tfidf = TfidfTransformer(sublinear_tf=True).fit(combined)
    matrix = normalize(tfidf.transform(combined))
    document_frequency = np.bincount(matrix.indices, minlength=matrix.shape[1])
    keep = (document_frequency <= MAX_DOCUMENT_SHARE * matrix.shape[0]).astype(float)
    # Transposed once here rather than on every search.
    searchable = (matrix @ sparse.diags(keep)).T.tocsr()
    return NearestHsIndex(
        codes=codes, matrix=matrix, matrix_t=searchable, chars=chars, words=words, tfidf=tfidf
    )
