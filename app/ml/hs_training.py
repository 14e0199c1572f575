"""Labelled text for the HS classifier: generated from the vocabulary file, plus HS 2022 descriptions."""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from app.ml.hs_reference import HS_FILE, load_hs_reference
from app.ml.paths import REFERENCE_DIR, TRAINING_DIR, load_ml_config
from app.ml.text import STATE_WORDS_FILE

VOCAB_FILE = TRAINING_DIR / "hs_vocab.yaml"
OTHER_PRODUCTS_FILE = TRAINING_DIR / "hs_other_products.csv"
GLOSSARY_FILE = TRAINING_DIR / "hs_glossary_id_en.csv"
HELDOUT_FILE = TRAINING_DIR / "hs_heldout.csv"
DEV_FILE = TRAINING_DIR / "hs_dev.csv"
# Realistic development set of issue 12 (marketplace, regional and export-document names), written and frozen
# before the issue-12 training data; never used for training or calibration. Its "tune" rows may be inspected,
# its "report" rows are only reported (`flask --app wsgi ml evaluate-hs --file ... --split report`).
DEV_REALISTIC_FILE = TRAINING_DIR / "hs_dev_realistic.csv"
# Second hand-written tuning set of issue 12 (buyer inquiries, chat orders, invoice lines: another style than
# both the training templates and the realistic development set), written for choosing the abstain rule;
# part of the calibration split, never of training, never reported as a goal figure.
TUNE_WRITTEN_FILE = TRAINING_DIR / "hs_tune_written.csv"
# Regency and city names, added to some generated rows so the model learns that place names carry no class.
REGENCIES_FILE = REFERENCE_DIR / "kabupaten_kota.csv"
# Files whose content defines a trained HS classifier (their hash goes into metadata.json).
TRAINING_FILES = (
    VOCAB_FILE,
    STATE_WORDS_FILE,
    OTHER_PRODUCTS_FILE,
    GLOSSARY_FILE,
    DEV_FILE,
    HELDOUT_FILE,
    # The whole file: its "tune" rows are part of the calibration split and all its rows are kept out of
    # the generated training rows (_without_heldout), so both splits shape the trained model.
    DEV_REALISTIC_FILE,
    TUNE_WRITTEN_FILE,
    HS_FILE,
)
# Bump when the generator's or the text normalisation's behaviour changes, so that `ensure-models` retrains.
GENERATOR_VERSION = 5
# Settings read at serving time only: changing them does not make a trained model stale.
SERVING_ONLY_SETTINGS = ("other_search_min",)
# Source label of the realistic development set's "tune" rows in the calibration split.
HAND_WRITTEN_CALIBRATION_SOURCE = "dev_realistic:tune"
# Source label of hs_tune_written.csv in the calibration split.
TUNE_WRITTEN_SOURCE = "tune_written"
# Sources of the calibration split written by hand (the abstain threshold is chosen on these rows).
HAND_WRITTEN_SOURCES = ("dev", HAND_WRITTEN_CALIBRATION_SOURCE, TUNE_WRITTEN_SOURCE)
# Label of everything outside the labelled product families (answered by nearest-description search).
OTHER_LABEL = "other"

_SLOT = re.compile(r"\{(\w+)\}")
_SPACES = re.compile(r"\s+")


@dataclass
class LabelledText:
    """Texts with their labels (six-digit HS codes or OTHER_LABEL) and where each row came from."""

    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def add(self, text: str, label: str, source: str) -> None:
        """Append one labelled row."""
        self.texts.append(text)
        self.labels.append(label)
        self.sources.append(source)

    def __len__(self) -> int:
        """Number of rows."""
        return len(self.texts)


@lru_cache(maxsize=2)
def load_vocab(path: Path = VOCAB_FILE) -> dict[str, Any]:
    """Read the bilingual product vocabulary (families, variants, templates, shared lists)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def expand_terms(value: Any, lists: dict[str, Any], depth: int = 0) -> list[str]:
    """Flatten a term list, replacing "@name" references by the shared list of that name."""
    if depth > 5:
        raise ValueError("hs_vocab.yaml: list references nested too deeply")
    values = value if isinstance(value, list) else [value]
    terms: list[str] = []
    for item in values:
        item = "" if item is None else str(item)
        if item.startswith("@"):
            name = item[1:]
            if name not in lists:
                raise ValueError(f"hs_vocab.yaml: unknown list reference {item}")
            terms.extend(expand_terms(lists[name], lists, depth + 1))
        else:
            terms.append(item)
    return terms


def labelled_codes(vocab: dict[str, Any] | None = None) -> list[str]:
    """Six-digit HS codes that the vocabulary labels, in file order."""
    vocab = vocab or load_vocab()
    return [str(variant["code"]) for family in vocab["families"].values() for variant in family["variants"]]


def add_typo(text: str, rng: random.Random) -> str:
    """Put one character-level typo (swap, drop, double or neighbour key) into a word of 4+ letters."""
    words = text.split(" ")
    candidates = [i for i, word in enumerate(words) if len(word) >= 4 and word.isalpha()]
    if not candidates:
        return text
    index = rng.choice(candidates)
    word = words[index]
    position = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("swap", "drop", "double", "neighbour"))
    if kind == "swap":
        word = word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    elif kind == "drop":
        word = word[:position] + word[position + 1 :]
    elif kind == "double":
        word = word[:position] + word[position] + word[position:]
    else:
        word = word[:position] + _neighbour_key(word[position], rng) + word[position + 1 :]
    words[index] = word
    return " ".join(words)


_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _neighbour_key(char: str, rng: random.Random) -> str:
    """A key next to `char` on a QWERTY keyboard (the character itself when it has none)."""
    for row in _KEYBOARD_ROWS:
        position = row.find(char.lower())
        if position >= 0:
            neighbours = row[max(position - 1, 0) : position] + row[position + 1 : position + 2]
            return rng.choice(neighbours) if neighbours else char
    return char


@lru_cache(maxsize=1)
def place_names() -> tuple[str, ...]:
    """Regency and city names without their "Kabupaten"/"Kota" prefix, from the reference file."""
    with REGENCIES_FILE.open(encoding="utf-8", newline="") as handle:
        names = [
            row["nama"].removeprefix("Kabupaten ").removeprefix("Kota ") for row in csv.DictReader(handle)
        ]
    return tuple(sorted(set(names)))


def _decorate(text: str, rng: random.Random, vocab: dict[str, Any], config: dict[str, Any]) -> str:
    """Add a place, packaging/quantity and brand-like words and maybe a typo, as sellers write names."""
    lists = vocab["lists"]
    if rng.random() < config["p_place"]:
        text = f"{text} {rng.choice(place_names())}"
    if rng.random() < config["p_pack"]:
        pack = rng.choice(expand_terms("@pack", lists))
        text = f"{text} {pack}" if rng.random() < 0.8 else f"{pack} {text}"
    if rng.random() < config["p_brand"]:
        brand = rng.choice(expand_terms("@brand", lists))
        text = f"{brand} {text}" if rng.random() < 0.5 else f"{text} {brand}"
    if rng.random() < config["p_promo"]:
        promo = rng.choice(lists["promo"])
        text = f"{text} {promo}" if rng.random() < 0.7 else f"{promo} {text}"
    if rng.random() < config["p_export"]:
        text = f"{text} {rng.choice(lists['export_words'])}"
    if rng.random() < config["p_abbreviation"]:
        text = abbreviate(text, rng, vocab.get("noise_abbreviations", {}))
    if rng.random() < config["p_typo"]:
        text = add_typo(text, rng)
    if rng.random() < config["p_emoji"]:
        text = f"{text} {rng.choice(lists['emoji'])}"
    if rng.random() < config["p_case"]:
        text = text.upper() if rng.random() < 0.7 else text.title()
    return text


def abbreviate(text: str, rng: random.Random, table: dict[str, list[str]]) -> str:
    """Replace the words that sellers abbreviate ("bubuk" → "bbk", "dengan" → "dgn") by one of the
    abbreviations the table (the vocabulary's `noise_abbreviations`) gives for them."""
    words = text.split(" ")
    return " ".join(rng.choice(table[word]) if word in table else word for word in words)


def is_calibration_term(term: str, modulus: int = 4) -> bool:
    """Whether a vocabulary term is held back for the calibration split (a stable 1/modulus of terms)."""
    return bool(term) and zlib.crc32(term.encode("utf-8")) % modulus == 0


def _split_pool(terms: list[str], split: str | None, modulus: int) -> tuple[list[str], list[str]]:
    """(fit terms, held-back terms) of a slot's pool for the given split; never an empty fit pool."""
    if split is None:
        return terms, []
    held = [term for term in terms if is_calibration_term(term, modulus)]
    kept = [term for term in terms if not is_calibration_term(term, modulus)]
    return (kept, held) if kept else (terms, [])


def generate_vocab_rows(
    vocab: dict[str, Any], config: dict[str, Any], rng: random.Random, split: str | None = None
) -> LabelledText:
    """Generate product names for every variant of every family.

    split=None uses every term; split="fit" leaves out the held-back quarter of terms; split="calibrate"
    makes rows that each contain at least one held-back term, to measure how the model copes with words
    it has not seen (used only to fit the probability temperature).
    """
    lists = vocab["lists"]
    rows = LabelledText()
    per_variant = (
        config["calibration_rows_per_variant"] if split == "calibrate" else config["rows_per_variant"]
    )
    for family_name, family in vocab["families"].items():
        family_slots = family.get("slots", {})
        for variant in family["variants"]:
            templates = variant.get("templates", family["templates"])
            pools: dict[str, tuple[list[str], list[str]]] = {}
            seen: set[str] = set()
            # A variant's `weight` scales its row count (a small family next to a big one, e.g. coffee
            # substitutes next to coffee, would otherwise take over the words they share).
            wanted = max(1, round(per_variant * float(variant.get("weight", 1.0))))
            for _ in range(wanted * (4 if split == "calibrate" else 1)):
                if split == "calibrate" and len(seen) >= wanted:
                    break
                template = rng.choice(templates)
                values = {}
                used_held = False
                for slot in _SLOT.findall(template):
                    if slot not in pools:
                        source = variant.get(slot, family_slots.get(slot, lists.get(slot)))
                        if source is None:
                            raise ValueError(f"hs_vocab.yaml: {family_name} has no terms for slot {slot}")
                        pools[slot] = _split_pool(
                            expand_terms(source, lists), split, config["calibration_term_modulus"]
                        )
                    kept, held = pools[slot]
                    if split == "calibrate" and held and rng.random() < 0.5:
                        values[slot] = rng.choice(held)
                        used_held = True
                    else:
                        values[slot] = rng.choice(kept)
                text = _SPACES.sub(" ", template.format(**values)).strip()
                if not text or (split == "calibrate" and not used_held):
                    continue
                text = _decorate(text, rng, vocab, config)
                if text.lower() in seen:
                    continue
                seen.add(text.lower())
                rows.add(text, str(variant["code"]), f"vocab:{family_name}")
    return rows


def _without_heldout(rows: LabelledText) -> LabelledText:
    """Drop generated rows that happen to equal a held-out or realistic-development description.

    Those sets are only read here to guarantee they never reach training (templates can produce a held-out
    phrasing by chance, e.g. "kopi instan murni … jar").
    """
    from app.ml.text import normalise_text

    heldout = {
        normalise_text(text)
        for path in (HELDOUT_FILE, DEV_REALISTIC_FILE, TUNE_WRITTEN_FILE)
        for text in load_labelled_csv(path)[0]
    }
    kept = LabelledText()
    for text, label, source in zip(rows.texts, rows.labels, rows.sources, strict=True):
        if normalise_text(text) not in heldout:
            kept.add(text, label, source)
    return kept


def load_labelled_csv(path: Path) -> tuple[list[str], list[str]]:
    """Read a (description, hs_code) CSV such as the held-out or development set."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [row["description"] for row in rows], [row["hs_code"] for row in rows]


def build_training_set(
    config: dict[str, Any] | None = None,
    split: str | None = None,
    corrections: list[tuple[str, str]] | None = None,
) -> LabelledText:
    """Assemble the training set: generated names, reference descriptions, out-of-scope rows, corrections.

    split="fit" leaves out the held-back terms, so the model can be calibrated on build_calibration_set();
    `corrections` are (description, hs_code) pairs recorded by advisors and owners.
    """
    config = config or load_ml_config()["hs_classifier"]
    rng = random.Random(config["seed"] + (1 if split else 0))
    vocab = load_vocab()
    reference = load_hs_reference()
    codes = labelled_codes(vocab)
    unknown = [code for code in codes if code not in reference.subheadings]
    if unknown:
        raise ValueError(f"hs_vocab.yaml labels codes missing from HS 2022: {unknown}")
    rows = _without_heldout(generate_vocab_rows(vocab, config, rng, split))
    for code in codes:
        for _ in range(config["reference_repeats"]):
            rows.add(reference.subheadings[code], code, "hs2022")
    labelled = set(codes)
    others = sorted(code for code in reference.subheadings if code not in labelled)
    for code in rng.sample(others, min(config["other_reference_rows"], len(others))):
        rows.add(reference.subheadings[code], OTHER_LABEL, "hs2022:other")
    modulus = config["calibration_term_modulus"]
    for text, code in zip(*load_labelled_csv(OTHER_PRODUCTS_FILE), strict=True):
        if split == "fit" and is_calibration_term(text, modulus):
            continue
        # Out-of-scope names whose code is now a labelled one (essential oils, seasonings, drinks) teach it.
        label = code if code in labelled else OTHER_LABEL
        rows.add(text, label, "other_products")
        for _ in range(config["other_products_repeats"] - 1):
            rows.add(_decorate(text, rng, vocab, config), label, "other_products")
    for text, code in corrections or []:
        for _ in range(config["correction_repeats"]):
            rows.add(text, code if code in labelled else OTHER_LABEL, "corrections")
    return rows


def build_calibration_set(config: dict[str, Any] | None = None) -> LabelledText:
    """The served model's held-out split: names made of held-back vocabulary terms, held-back out-of-scope
    names, the hand-written development set, the "tune" rows of the realistic development set and the
    written tuning set (never the held-out set nor the realistic "report" rows)."""
    config = config or load_ml_config()["hs_classifier"]
    rng = random.Random(config["seed"] + 2)
    rows = _without_heldout(generate_vocab_rows(load_vocab(), config, rng, "calibrate"))
    labelled = set(labelled_codes())
    for text, code in zip(*load_labelled_csv(OTHER_PRODUCTS_FILE), strict=True):
        if is_calibration_term(text, config["calibration_term_modulus"]):
            rows.add(text, code if code in labelled else OTHER_LABEL, "other_products")
    for text, label in zip(*load_labelled_csv(DEV_FILE), strict=True):
        rows.add(text, label, "dev")
    with DEV_REALISTIC_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["split"] == "tune":
                rows.add(row["description"], row["hs_code"], HAND_WRITTEN_CALIBRATION_SOURCE)
    for text, label in zip(*load_labelled_csv(TUNE_WRITTEN_FILE), strict=True):
        rows.add(text, label, TUNE_WRITTEN_SOURCE)
    return rows


def training_data_sha256(config: dict[str, Any] | None = None) -> str:
    """Hash of everything that defines the HS training data: the data files, settings and generator."""
    config = config or load_ml_config()["hs_classifier"]
    digest = hashlib.sha256()
    for path in TRAINING_FILES:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    training_settings = {key: value for key, value in config.items() if key not in SERVING_ONLY_SETTINGS}
    digest.update(json.dumps(training_settings, sort_keys=True).encode())
    digest.update(f"generator:{GENERATOR_VERSION}".encode())
    return digest.hexdigest()
