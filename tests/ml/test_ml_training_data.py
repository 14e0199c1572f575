"""Training data files: valid codes, no held-out leakage, deterministic generation."""

from __future__ import annotations

from app.ml.hs_reference import load_hs_reference
from app.ml.hs_training import (
    DEV_FILE,
    HELDOUT_FILE,
    OTHER_PRODUCTS_FILE,
    build_training_set,
    labelled_codes,
    load_labelled_csv,
)
from app.ml.text import normalise_text


def test_every_code_in_the_data_files_exists_in_hs_2022():
    subheadings = load_hs_reference().subheadings
    assert set(labelled_codes()) <= set(subheadings)
    for path in (HELDOUT_FILE, DEV_FILE, OTHER_PRODUCTS_FILE):
        _, codes = load_labelled_csv(path)
        assert set(codes) <= set(subheadings), path.name


def test_held_out_set_is_large_and_never_in_training_or_calibration():
    held_texts, held_codes = load_labelled_csv(HELDOUT_FILE)
    assert len(held_texts) >= 300
    assert set(held_codes) <= set(labelled_codes())
    training = {normalise_text(text) for text in build_training_set().texts}
    dev = {normalise_text(text) for text in load_labelled_csv(DEV_FILE)[0]}
    leaked = [text for text in held_texts if normalise_text(text) in training | dev]
    assert leaked == []


def test_generation_is_deterministic_for_the_seed():
    first, second = build_training_set(), build_training_set()
    assert first.texts == second.texts and first.labels == second.labels


def test_normalisation_keeps_3in1_and_marks_processing_states():
    assert normalise_text("Kopi 3-in-1 sachet 20gr x 10") == "kopi 3in1 sachet zzmix"
    assert normalise_text("Coffee; not roasted or decaffeinated").endswith("zzgreen")
    assert "zzdecaf" not in normalise_text("Coffee; roasted, not decaffeinated")
    assert normalise_text("lada bubuk 250 gr").endswith("zzground")
