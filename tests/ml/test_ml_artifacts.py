"""Artifacts: skops round trip, refusal on another scikit-learn version, a changed file or untrusted types."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from app.ml.artifacts import (
    ArtifactError,
    check_artifact,
    latest_version_dir,
    load_artifact,
    next_version,
    prune_versions,
    save_artifact,
)


def _small_model():
    """A tiny fitted pipeline."""
    features = np.array([[0.0, 1.0], [1.0, 0.0], [0.2, 0.9], [0.9, 0.1]])
    return Pipeline([("scale", StandardScaler()), ("model", LogisticRegression())]).fit(
        features, [0, 1, 0, 1]
    )


def _save(directory, obj=None):
    """Save a small model as artifact "demo" and return its version directory."""
    return save_artifact(
        directory, "demo", obj or _small_model(), {"synthetic": False, "metrics": {}}, "# {version}\n"
    )


def test_round_trip_keeps_predictions_and_writes_metadata_and_card(tmp_path):
    model = _small_model()
    directory = _save(tmp_path, model)
    loaded = load_artifact(directory, trusted_types=[])
    probe = np.array([[0.3, 0.7]])
    assert np.allclose(loaded.obj.predict_proba(probe), model.predict_proba(probe))
    metadata = json.loads((directory / "metadata.json").read_text())
    for key in ("sklearn_version", "python_version", "artifact_sha256", "created", "name", "version"):
        assert metadata[key]
    assert loaded.version == f"demo/{directory.name}"
    assert (directory / "MODEL_CARD.md").read_text().startswith(f"# demo/{directory.name}")


def test_refuses_an_artifact_built_with_another_scikit_learn_version(tmp_path):
    directory = _save(tmp_path)
    metadata_path = directory / "metadata.json"
    metadata = json.loads(metadata_path.read_text())
    metadata["sklearn_version"] = "0.24.2"
    metadata_path.write_text(json.dumps(metadata))
    with pytest.raises(ArtifactError, match=r"scikit-learn 0\.24\.2"):
        load_artifact(directory, trusted_types=[])


def test_refuses_an_artifact_whose_file_hash_does_not_match(tmp_path):
    directory = _save(tmp_path)
    with (directory / "model.skops").open("ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ArtifactError, match="does not match metadata"):
        check_artifact(directory)


def test_refuses_types_outside_the_trusted_list(tmp_path):
    from app.ml.text import clean_text

    directory = _save(tmp_path, FunctionTransformer(clean_text))
    with pytest.raises(ArtifactError, match=r"outside the trusted list: app\.ml\.text\.clean_text"):
        load_artifact(directory, trusted_types=[])
    assert load_artifact(directory, trusted_types=["app.ml.text.clean_text"]).obj.func is clean_text


def test_versions_count_up_per_day_and_old_ones_are_pruned(tmp_path):
    first, second, third = _save(tmp_path), _save(tmp_path), _save(tmp_path)
    assert [first.name[-2:], second.name[-2:], third.name[-2:]] == ["-1", "-2", "-3"]
    assert latest_version_dir(tmp_path, "demo") == third
    assert next_version(tmp_path, "demo").endswith("-4")
    assert prune_versions(tmp_path, "demo", keep=1) == [first, second]
    assert latest_version_dir(tmp_path, "demo") == third


def test_hs_loader_refuses_a_mismatched_artifact_and_falls_back_only_when_none_exists(tmp_path, models_dir):
    import shutil

    from app.ml import KeywordHsClassifier, load_hs_classifier
    from app.ml.registry import hs_name

    assert isinstance(load_hs_classifier(tmp_path), KeywordHsClassifier)
    source = latest_version_dir(models_dir, hs_name())
    copy = tmp_path / hs_name() / source.name
    shutil.copytree(source, copy)
    metadata = json.loads((copy / "metadata.json").read_text())
    metadata["sklearn_version"] = "1.0.0"
    (copy / "metadata.json").write_text(json.dumps(metadata))
    with pytest.raises(ArtifactError, match="ensure-models"):
        load_hs_classifier(tmp_path)


def test_ensure_models_sees_a_version_mismatch_as_a_reason_to_retrain(tmp_path, models_dir):
    import shutil

    from app.ml.registry import artifact_problem, hs_name

    source = latest_version_dir(models_dir, hs_name())
    copy = tmp_path / hs_name() / source.name
    shutil.copytree(source, copy)
    assert artifact_problem(tmp_path, hs_name(), None, "training_data_sha256") is None
    metadata = json.loads((copy / "metadata.json").read_text())
    metadata["sklearn_version"] = "1.0.0"
    (copy / "metadata.json").write_text(json.dumps(metadata))
    assert "scikit-learn 1.0.0" in artifact_problem(tmp_path, hs_name(), None, "training_data_sha256")
    assert artifact_problem(tmp_path / "empty", hs_name(), None, "training_data_sha256") == "no artifact"


def test_committed_artifacts_record_what_they_were_built_from(models_dir):
    from app.ml.registry import hs_name, triage_name

    hs = json.loads((latest_version_dir(models_dir, hs_name()) / "metadata.json").read_text())
    triage_dir = latest_version_dir(models_dir, triage_name())
    triage = json.loads((triage_dir / "metadata.json").read_text())
    assert hs["synthetic"] is False and len(hs["training_data_sha256"]) == 64
    assert triage["synthetic"] is True and triage["training_data"] == "synthetic"
    assert "owner_gender" not in triage["feature_names"]
    assert (triage_dir / "fairness.json").is_file()
    assert "SYNTHETIC" in (triage_dir / "MODEL_CARD.md").read_text()


def test_ensure_models_retrains_a_stale_hs_artifact_with_the_corrections_it_had_learned(
    tmp_path, models_dir, monkeypatch
):
    import shutil

    from app.ml import registry

    source = latest_version_dir(models_dir, registry.hs_name())
    copy = tmp_path / registry.hs_name() / source.name
    shutil.copytree(source, copy)
    learned = [("kopi khas kampung kami", "090121"), ('kain "tenun", ikat', "580500")]
    (copy / registry.CORRECTIONS_FILE).write_text(registry._corrections_csv(learned), encoding="utf-8")
    assert registry.artifact_corrections(copy) == learned
    metadata = json.loads((copy / "metadata.json").read_text())
    metadata["training_data_sha256"] = "0" * 64  # stale: the training data changed since
    (copy / "metadata.json").write_text(json.dumps(metadata))
    trained = []
    monkeypatch.setattr(
        registry, "train_and_save_hs", lambda d, corrections=None: trained.append(corrections)
    )
    monkeypatch.setattr(registry, "save_triage", lambda *args, **kwargs: tmp_path)
    monkeypatch.setattr(registry, "synthetic_rows", lambda: [])
    registry.ensure_models(tmp_path, echo=lambda _: None)
    assert trained == [learned]
    assert registry.artifact_corrections(tmp_path / "nothing") == []
