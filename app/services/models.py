"""The trained models the service uses: each loaded once per process, at first use or before forking."""

from __future__ import annotations

import gc
import logging
import threading
from pathlib import Path

from flask import Flask, current_app

from app.extensions import db

log = logging.getLogger(__name__)

_NOT_LOADED = object()


class LoadedModels:
    """The HS classifier (a keyword fallback until one is trained) and the triage model (or None).

    Nothing is read at construction: each model is loaded, with the artifact checks of app.ml.artifacts,
    the first time it is used (or by `preload()`, which gunicorn calls once before forking its workers so
    that they share one copy). Threads of one process wait for a single load.
    """

    def __init__(self, models_dir: Path) -> None:
        """Remember where the artifacts are; load nothing yet."""
        self.models_dir = Path(models_dir)
        self._lock = threading.Lock()
        self._hs_classifier: object = _NOT_LOADED
        self._triage: object = _NOT_LOADED

    @property
    def hs_classifier(self) -> object:
        """The HS classifier, loaded at first use."""
        if self._hs_classifier is _NOT_LOADED:
            self._load("_hs_classifier")
        return self._hs_classifier

    @hs_classifier.setter
    def hs_classifier(self, value: object) -> None:
        """Replace the HS classifier (tests use this)."""
        self._hs_classifier = value

    @property
    def triage(self) -> object | None:
        """The triage model, or None when none is trained; loaded at first use."""
        if self._triage is _NOT_LOADED:
            self._load("_triage")
        return self._triage

    @triage.setter
    def triage(self, value: object | None) -> None:
        """Replace the triage model (tests use this)."""
        self._triage = value

    @property
    def version(self) -> str:
        """One string naming every model version an assessment used."""
        triage_version = getattr(self.triage, "version", "triage/none (rules-only ordering)")
        return f"{self.hs_classifier.version}; {triage_version}"

    def preload(self) -> LoadedModels:
        """Load both models now (gunicorn calls this in the master process, before forking)."""
        self._load("_hs_classifier")
        self._load("_triage")
        from app.ml.hs_nearest import nearest_hs_index

        nearest_hs_index()  # the classifier's description search, otherwise built at first use
        return self

    def status(self) -> dict[str, dict]:
        """Whether each model is loaded in this process, and its version once it is (for /healthz)."""
        status = {}
        for name, value in (("hs_classifier", self._hs_classifier), ("triage", self._triage)):
            loaded = value is not _NOT_LOADED
            status[name] = {"loaded": loaded, "version": getattr(value, "version", None) if loaded else None}
        return status

    def _load(self, attribute: str) -> None:
        """Load one model under the lock unless another thread already did."""
        from app.ml import load_hs_classifier, load_triage_model

        loaders = {"_hs_classifier": load_hs_classifier, "_triage": load_triage_model}
        with self._lock:
            if getattr(self, attribute) is _NOT_LOADED:
                model = loaders[attribute](self.models_dir)
                setattr(self, attribute, model)
                log.info("model loaded: %s", getattr(model, "version", "none (rules-only ordering)"))


def load_models(models_dir: Path) -> LoadedModels:
    """The models under models_dir, each loaded and checked at first use (see LoadedModels)."""
    return LoadedModels(models_dir)


def prepare_for_fork(app: Flask) -> None:
    """Load the models, close pooled connections and freeze the heap: workers forked next share it all.

    gc.freeze() moves every object to a generation the collector never visits, so that the workers'
    collections do not write to (and so copy) the pages they inherited.
    """
    app.extensions["ml"].preload()
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()
    gc.collect()
    gc.freeze()


def current_models() -> LoadedModels:
    """The models of the running app."""
    return current_app.extensions["ml"]
