"""Machine learning: HS 2022 product classifier and advisor-queue triage model, with safe artifacts.

The names that need scikit-learn are imported on first access (PEP 562), so that importing this package
or a light submodule such as app.ml.paths or app.ml.artifacts does not import scikit-learn.
"""

from __future__ import annotations

import importlib
from typing import Any

from app.ml.artifacts import ArtifactError
from app.ml.triage_features import FEATURE_NAMES, triage_features

# Exported name → the submodule that defines it, imported when the name is first used.
_LAZY = {
    "HsClassifier": "app.ml.hs_classifier",
    "KeywordHsClassifier": "app.ml.hs_keyword",
    "TriageModel": "app.ml.triage",
    "disagrees_strongly": "app.ml.triage",
    "ensure_models": "app.ml.registry",
    "load_hs_classifier": "app.ml.registry",
    "load_triage_model": "app.ml.registry",
    "region_group_of": "app.ml.triage",
    "save_triage": "app.ml.registry",
    "train_and_save_hs": "app.ml.registry",
    "train_triage_from_rows": "app.ml.triage",
}

__all__ = [
    "FEATURE_NAMES",
    "ArtifactError",
    "HsClassifier",
    "KeywordHsClassifier",
    "TriageModel",
    "disagrees_strongly",
    "ensure_models",
    "load_hs_classifier",
    "load_triage_model",
    "region_group_of",
    "save_triage",
    "train_and_save_hs",
    "train_triage_from_rows",
    "triage_features",
]


def __getattr__(name: str) -> Any:
    """Import a lazily exported name from its submodule on first access."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's names, lazy exports included."""
    return sorted(set(globals()) | set(_LAZY))
