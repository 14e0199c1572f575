"""Text normalisation shared by training and serving of the HS classifier."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import yaml

from app.ml.paths import TRAINING_DIR

STATE_WORDS_FILE = TRAINING_DIR / "hs_state_words.yaml"

# "3in1", "3 in 1", "3-in-1" are product words (coffee mixes), kept as one token before numbers go.
_N_IN_ONE = re.compile(r"\b([2-5])\s*-?\s*in\s*-?\s*(1|one)\b")
# Quantities and sizes ("500 gr", "1kg", "2,5 m", "15 cm", "70%") carry no class information.
_QUANTITY = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*(?:x\s*\d+\s*)?"
    r"(?:kg|kilo|gr|gram|grams|g|mg|ml|l|liter|litre|ton|oz|cm|mm|m|meter|pcs|pc|buah|lembar|%|persen|k)?\b"
)
_NON_WORD = re.compile(r"[^a-z0-9 ]+")
_LONE_X = re.compile(r"(?:^| )x(?= |$)")
_SPACES = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Lower-case, strip accents, keep "3in1"-style words and drop quantities and punctuation."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    text = _N_IN_ONE.sub(lambda m: f" {m.group(1)}in1 ", text)
    text = text.replace("&", " and ").replace("-", " ").replace("/", " ")
    text = _QUANTITY.sub(" ", text)
    text = _NON_WORD.sub(" ", text)
    text = _LONE_X.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=2)
def _state_matcher(path: Path = STATE_WORDS_FILE) -> tuple[re.Pattern[str], dict[str, str]]:
    """Compile the processing-state phrases into one longest-first pattern and a phrase→marker map."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    marker_of: dict[str, str] = {}
    for marker, phrases in document["markers"].items():
        for phrase in phrases:
            marker_of[clean_text(phrase)] = marker
    for phrase in document.get("ignore", []):
        marker_of[clean_text(phrase)] = ""
    alternatives = sorted(marker_of, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(re.escape(phrase) for phrase in alternatives) + r")\b")
    return pattern, marker_of


def state_markers(cleaned: str) -> list[str]:
    """Marker tokens (zzground, zzroasted, ...) for the processing-state phrases found in cleaned text,
    also for a state word written with one typo ("bubk", "sangria") that is no known word itself."""
    pattern, marker_of = _state_matcher()
    found = {marker_of[match.group(1)] for match in pattern.finditer(cleaned)}
    found.update(_typo_markers(cleaned))
    return sorted(marker for marker in found if marker)


# One-word state phrases at least this long are also recognised with one typo (a letter dropped, added,
# changed or two swapped); shorter ones ("ose", "utuh") would match too many other words.
TYPO_MIN_LENGTH = 5
# Words that are never read as a typo: every word of the training vocabulary, the glossary, the state words
# and the HS 2022 descriptions ("bawang" is onion, not a typo of "batang").
_KNOWN_WORD_FILES = ("hs_vocab.yaml", "hs_glossary_id_en.csv", "hs_state_words.yaml", "hs_other_products.csv")


def _deletes(word: str) -> set[str]:
    """The word with one letter dropped, at every position."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@lru_cache(maxsize=1)
def _typo_table() -> tuple[frozenset[str], dict[str, set[str]], dict[str, set[str]]]:
    """(known words, state word → markers, one-letter-dropped form → markers) for typo matching."""
    from app.ml.paths import REFERENCE_DIR

    texts = [(TRAINING_DIR / name).read_text(encoding="utf-8") for name in _KNOWN_WORD_FILES]
    texts.append((REFERENCE_DIR / "hs2022.csv").read_text(encoding="utf-8"))
    known = frozenset(word for text in texts for word in clean_text(text).split())
    _, marker_of = _state_matcher()
    words: dict[str, set[str]] = {}
    dropped: dict[str, set[str]] = {}
    for phrase, marker in marker_of.items():
        if marker and " " not in phrase and len(phrase) >= TYPO_MIN_LENGTH:
            words.setdefault(phrase, set()).add(marker)
            for form in _deletes(phrase):
                dropped.setdefault(form, set()).add(marker)
    return known, words, dropped


def _typo_markers(cleaned: str) -> set[str]:
    """Markers of the unknown words of cleaned text that are one typo away from a one-word state phrase."""
    known, words, dropped = _typo_table()
    found: set[str] = set()
    for token in cleaned.split():
        if len(token) < TYPO_MIN_LENGTH - 1 or token in known or not token.isalpha():
            continue
        found.update(dropped.get(token, ()))  # a letter dropped: "bubk"
        for form in _deletes(token):
            found.update(words.get(form, ()))  # a letter added: "bubuuk"
            found.update(dropped.get(form, ()))  # a letter changed or two swapped: "sangria", "gilign"
    return found


# "tanpa jok", "no cushion", "tanpa gula", "non kafein": the negated word becomes one token ("tanpajok") so
# that it does not count for the products that have what it names (issue 12). Markers are found first, so
# "tanpa kafein" still marks decaf.
_NEGATION = re.compile(r"\b(tanpa|no|non|without|not|bukan|bebas)\s+(?=[a-z])")


def normalise_text(text: str) -> str:
    """Clean a product description, join negations to the word they negate, append state markers."""
    cleaned = clean_text(text)
    markers = state_markers(cleaned)
    joined = _NEGATION.sub(r"\1", cleaned)
    return f"{joined} {' '.join(markers)}" if markers else joined


def normalise_many(texts: Iterable[str]) -> list[str]:
    """Normalise every text of a batch (the first step of the HS classifier pipeline)."""
    return [normalise_text(text) for text in texts]
