"""Machine learning: HS 2022 product classifier and advisor-queue triage model, with safe artifacts."""

from app.ml.artifacts import ArtifactError
from app.ml.hs_classifier import HsClassifier
from app.ml.hs_keyword import KeywordHsClassifier
from app.ml.registry import (
    ensure_models,
    load_hs_classifier,
    load_triage_model,
    save_triage,
    train_and_save_hs,
)
from app.ml.triage import TriageModel, disagrees_strongly, region_group_of, train_triage_from_rows
from app.ml.triage_features import FEATURE_NAMES, triage_features

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
