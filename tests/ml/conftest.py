"""ML test fixtures: the trained HS classifier (repository artifact, or one trained once per session)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.ml.paths import DEFAULT_MODELS_DIR


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory) -> Path:
    """A models directory with current HS and triage artifacts.

    The repository's models/ is used when its artifacts are current (`make test` runs `ml ensure-models`
    first); otherwise both models are trained once into a temporary directory.
    """
    from app.ml.hs_training import training_data_sha256
    from app.ml.registry import artifact_problem, ensure_models, hs_name, triage_name, triage_recipe_sha256

    current = (
        artifact_problem(DEFAULT_MODELS_DIR, hs_name(), training_data_sha256(), "training_data_sha256")
        is None
        and artifact_problem(DEFAULT_MODELS_DIR, triage_name(), triage_recipe_sha256(), "recipe_sha256")
        is None
    )
    if current:
        return DEFAULT_MODELS_DIR
    directory = tmp_path_factory.mktemp("models")
    ensure_models(directory, echo=lambda _: None)
    return directory


@pytest.fixture(scope="session")
def hs_classifier(models_dir):
    """The trained HS classifier."""
    from app.ml import HsClassifier, load_hs_classifier

    classifier = load_hs_classifier(models_dir)
    assert isinstance(classifier, HsClassifier)
    return classifier


@pytest.fixture(scope="session")
def decision_rows():
    """A small seeded synthetic decision history (600 assessed cases)."""
    from app.ml.synthetic_decisions import generate_synthetic_decisions

    return generate_synthetic_decisions(600, seed=7, as_of=dt.date(2026, 11, 27))
