"""Train, save, find and load the ML artifacts under models/<name>/<version>/."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.ml.artifacts import (
    ArtifactError,
    check_artifact,
    latest_version_dir,
    load_artifact,
    prune_versions,
    read_metadata,
    save_artifact,
)
from app.ml.hs_training import training_data_sha256
from app.ml.model_cards import hs_model_card, triage_model_card
from app.ml.paths import load_ml_config

if TYPE_CHECKING:
    from app.ml.hs_classifier import HsClassifier
    from app.ml.hs_keyword import KeywordHsClassifier
    from app.ml.triage import TriageModel

# scikit-learn (through hs_classifier, hs_keyword and triage) is imported inside the functions that load
# or train a model, so that checking artifacts (`ensure-models`, `prepare`) stays cheap.

FAIRNESS_FILE = "fairness.json"
# The HS corrections an HS artifact learned from, kept next to it so that a retrain keeps learning them.
CORRECTIONS_FILE = "corrections.csv"
# Older artifact versions kept next to the newest one (for comparison and rollback).
KEEP_VERSIONS = 3
# Bump when the synthetic decision generator changes, so that `ensure-models` retrains the triage model.
SYNTHETIC_GENERATOR_VERSION = 1


def hs_name() -> str:
    """Directory name of the HS classifier artifacts."""
    return load_ml_config()["hs_classifier"]["name"]


def triage_name() -> str:
    """Directory name of the triage artifacts."""
    return load_ml_config()["triage"]["name"]


def newest_hs_version(models_dir: Path) -> str | None:
    """The newest HS classifier artifact's version (e.g. "hs-classifier/2026.11.30-1") from its metadata
    alone, without loading it; None when there is no artifact."""
    directory = latest_version_dir(Path(models_dir), hs_name())
    if directory is None:
        return None
    metadata = read_metadata(directory)
    return f"{metadata['name']}/{metadata['version']}"


_HS_CACHE: dict[tuple[str, str], HsClassifier] = {}


def load_hs_classifier(models_dir: Path) -> HsClassifier | KeywordHsClassifier:
    """The newest HS classifier artifact, or the KeywordHsClassifier when none exists.

    Raises ArtifactError when the newest artifact was built with another scikit-learn version or its file
    hash does not match its metadata. A checked artifact already loaded in this process is reused.
    """
    from app.ml.hs_classifier import HS_TRUSTED_TYPES, hs_classifier_from_artifact
    from app.ml.hs_keyword import KeywordHsClassifier

    directory = latest_version_dir(Path(models_dir), hs_name())
    if directory is None:
        return KeywordHsClassifier()
    metadata = check_artifact(directory)
    key = (str(directory.resolve()), str(metadata["artifact_sha256"]))
    if key not in _HS_CACHE:
        loaded = load_artifact(directory, HS_TRUSTED_TYPES)
        _HS_CACHE.clear()
        _HS_CACHE[key] = hs_classifier_from_artifact(loaded.obj, loaded.version, loaded.metadata)
    return _HS_CACHE[key]


def load_triage_model(models_dir: Path) -> TriageModel | None:
    """The newest triage artifact, or None when no trained model exists (rules-only ordering)."""
    from app.ml.triage import TRIAGE_TRUSTED_TYPES, TriageModel

    directory = latest_version_dir(Path(models_dir), triage_name())
    if directory is None:
        return None
    loaded = load_artifact(directory, TRIAGE_TRUSTED_TYPES)
    return TriageModel(
        pipeline=loaded.obj,
        version=loaded.version,
        synthetic=bool(loaded.metadata.get("synthetic", True)),
        metadata=loaded.metadata,
    )


def train_and_save_hs(models_dir: Path, corrections: list[tuple[str, str]] | None = None) -> Path:
    """Train the HS classifier (plus recorded corrections, if given) and write a new artifact version with
    its model card and reliability diagram; return its directory."""
    from app.ml.hs_classifier import hs_artifact_object, train_hs_classifier, write_hs_reliability_diagram

    result = train_hs_classifier(corrections=corrections)
    metadata = dict(result.metadata)
    directory = save_artifact(
        Path(models_dir),
        hs_name(),
        hs_artifact_object(result.classifier),
        metadata,
        hs_model_card({**metadata, **_environment()}),
        extra_files={CORRECTIONS_FILE: _corrections_csv(corrections)} if corrections else None,
    )
    write_hs_reliability_diagram(directory, metadata)
    prune_versions(Path(models_dir), hs_name(), KEEP_VERSIONS)
    return directory


def _corrections_csv(corrections: list[tuple[str, str]]) -> str:
    """The (description, hs_code) pairs as CSV text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["description", "hs_code"])
    writer.writerows(corrections)
    return buffer.getvalue()


def artifact_corrections(directory: Path | None) -> list[tuple[str, str]]:
    """The HS corrections an artifact version learned from ([] when none or no artifact)."""
    path = Path(directory) / CORRECTIONS_FILE if directory is not None else None
    if path is None or not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["description"], row["hs_code"]) for row in csv.DictReader(handle)]


def triage_recipe_sha256() -> str:
    """Hash of what defines the synthetic triage training run (settings + generator version)."""
    recipe = {"config": load_ml_config()["triage"], "generator": SYNTHETIC_GENERATOR_VERSION}
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()


def synthetic_rows() -> list[dict[str, Any]]:
    """The configured synthetic decision history (seeded)."""
    from app.ml.synthetic_decisions import generate_synthetic_decisions

    config = load_ml_config()["triage"]
    return generate_synthetic_decisions(
        config["synthetic_rows"], config["seed"], date.fromisoformat(str(config["synthetic_as_of"]))
    )


def save_triage(models_dir: Path, rows: list[dict[str, Any]], synthetic: bool) -> Path:
    """Train the triage model on decision rows and write artifact, metadata, model card and fairness.json."""
    from app.ml.triage import train_triage_from_rows

    result = train_triage_from_rows(rows, synthetic=synthetic)
    metadata = {**result.metadata, "recipe_sha256": triage_recipe_sha256() if synthetic else None}
    card = triage_model_card({**metadata, **_environment()}, result.fairness)
    directory = save_artifact(
        Path(models_dir),
        triage_name(),
        result.model.pipeline,
        metadata,
        card,
        extra_files={FAIRNESS_FILE: json.dumps(result.fairness, indent=2, ensure_ascii=False) + "\n"},
    )
    prune_versions(Path(models_dir), triage_name(), KEEP_VERSIONS)
    return directory


def _environment() -> dict[str, str]:
    """Versions shown in model cards (the same ones save_artifact records)."""
    from app.ml.artifacts import environment_versions

    return environment_versions()


def artifact_problem(models_dir: Path, name: str, data_sha256: str | None, key: str) -> str | None:
    """Why the newest artifact must be (re)built — missing, unloadable or stale — or None when it is fine."""
    directory = latest_version_dir(Path(models_dir), name)
    if directory is None:
        return "no artifact"
    try:
        metadata = check_artifact(directory)
    except ArtifactError as error:
        return str(error)
    if data_sha256 is not None and metadata.get(key) != data_sha256:
        return "training data or settings changed since it was built"
    return None


def model_problems(models_dir: Path) -> dict[str, str | None]:
    """Per model name, why its newest artifact must be (re)built, or None when it is current (cheap)."""
    models_dir = Path(models_dir)
    directory = latest_version_dir(models_dir, triage_name())
    synthetic = directory is None or _is_synthetic(directory)
    return {
        hs_name(): artifact_problem(models_dir, hs_name(), training_data_sha256(), "training_data_sha256"),
        triage_name(): artifact_problem(
            models_dir, triage_name(), triage_recipe_sha256() if synthetic else None, "recipe_sha256"
        ),
    }


def ensure_models(models_dir: Path, echo: Callable[[str], None] = print) -> list[Path]:
    """Train whatever artifact is missing, unloadable or stale; quick no-op when all are current."""
    models_dir = Path(models_dir)
    problems = model_problems(models_dir)
    built = []
    if problems[hs_name()]:
        # A retrain keeps what the newest artifact learned from people's corrections (new corrections
        # are added by `ml train-hs --with-corrections`).
        corrections = artifact_corrections(latest_version_dir(models_dir, hs_name()))
        echo(f"{hs_name()}: {problems[hs_name()]}; training (with {len(corrections)} recorded corrections)…")
        built.append(train_and_save_hs(models_dir, corrections=corrections or None))
        echo(f"{hs_name()}: wrote {built[-1]}")
    else:
        echo(f"{hs_name()}: up to date ({latest_version_dir(models_dir, hs_name())})")
    if problems[triage_name()]:
        echo(f"{triage_name()}: {problems[triage_name()]}; training on SYNTHETIC decisions…")
        built.append(save_triage(models_dir, synthetic_rows(), synthetic=True))
        echo(f"{triage_name()}: wrote {built[-1]}")
    else:
        echo(f"{triage_name()}: up to date ({latest_version_dir(models_dir, triage_name())})")
    return built


def _is_synthetic(directory: Path) -> bool:
    """Whether an artifact directory's metadata says it learned from synthetic data (unreadable: True)."""
    try:
        return bool(
            json.loads((directory / "metadata.json").read_text(encoding="utf-8")).get("synthetic", True)
        )
    except (OSError, ValueError):
        return True
