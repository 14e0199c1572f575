"""Models load once per process at first use (or before gunicorn forks), with the artifact checks."""

from __future__ import annotations

import gc
import importlib.util
import json
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.ml import ArtifactError, HsClassifier
from app.ml.registry import hs_name
from app.services.models import LoadedModels, load_models

ROOT = Path(__file__).resolve().parents[2]


def test_nothing_is_loaded_until_a_model_is_used(models_dir):
    models = load_models(models_dir)
    assert models.status() == {
        "hs_classifier": {"loaded": False, "version": None},
        "triage": {"loaded": False, "version": None},
    }
    assert isinstance(models.hs_classifier, HsClassifier)
    status = models.status()
    assert status["hs_classifier"] == {"loaded": True, "version": models.hs_classifier.version}
    assert status["triage"] == {"loaded": False, "version": None}
    assert models.triage.version.startswith("triage/")
    assert models.status()["triage"]["loaded"] is True


def test_threads_that_use_a_model_at_once_share_a_single_load(tmp_path, monkeypatch):
    calls = []

    def slow_loader(directory):
        calls.append(directory)
        time.sleep(0.05)
        return SimpleNamespace(version="hs-fake/1")

    monkeypatch.setattr("app.ml.load_hs_classifier", slow_loader)
    models = LoadedModels(tmp_path)
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(models.hs_classifier)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len(seen) == 8 and all(model is seen[0] for model in seen)


def test_a_mismatched_artifact_is_refused_at_first_use(tmp_path):
    directory = tmp_path / hs_name() / "2026.01.01-1"
    directory.mkdir(parents=True)
    (directory / "metadata.json").write_text(json.dumps({"sklearn_version": "1.0.0"}))
    models = load_models(tmp_path)
    with pytest.raises(ArtifactError, match="ensure-models"):
        _ = models.hs_classifier
    assert models.status()["hs_classifier"]["loaded"] is False


def test_gunicorn_preloads_the_models_and_freezes_the_heap_before_forking(models_dir, monkeypatch):
    from flask import Flask

    from app.extensions import db

    flask_app = Flask(__name__)
    flask_app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db.init_app(flask_app)
    flask_app.extensions["ml"] = load_models(models_dir)
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    config = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(config)
    assert config.preload_app is True
    server = SimpleNamespace(
        cfg=SimpleNamespace(preload_app=True), app=SimpleNamespace(wsgi=lambda: flask_app)
    )
    try:
        config.on_starting(server)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    status = flask_app.extensions["ml"].status()
    assert status["hs_classifier"]["loaded"] and status["triage"]["loaded"]
