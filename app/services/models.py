"""The trained models the service uses, loaded once at boot from ML_MODELS_DIR."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)


@dataclass
class LoadedModels:
    """The HS classifier (a keyword fallback until one is trained) and the triage model (or None)."""

    hs_classifier: object
    triage: object | None

    @property
    def version(self) -> str:
        """One string naming every model version an assessment used."""
        triage_version = getattr(self.triage, "version", "triage/none (rules-only ordering)")
        return f"{self.hs_classifier.version}; {triage_version}"


def load_models(models_dir: Path) -> LoadedModels:
    """Load the HS classifier and the triage model; refuse artifacts that fail their checks."""
    from app.ml import load_hs_classifier, load_triage_model

    hs_classifier = load_hs_classifier(Path(models_dir))
    triage = load_triage_model(Path(models_dir))
    log.info("models: %s; triage: %s", hs_classifier.version, getattr(triage, "version", "none"))
    return LoadedModels(hs_classifier=hs_classifier, triage=triage)


def current_models() -> LoadedModels:
    """The models of the running app."""
    return current_app.extensions["ml"]
