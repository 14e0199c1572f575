"""Where the ML components find their data files and their default artifact directory."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

REPO_DIR = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_DIR / "data"
TRAINING_DIR = DATA_DIR / "training"
REFERENCE_DIR = DATA_DIR / "reference"
DEFAULT_MODELS_DIR = REPO_DIR / "models"
CONFIG_FILE = TRAINING_DIR / "ml_config.yaml"


@lru_cache(maxsize=4)
def load_ml_config(path: Path = CONFIG_FILE) -> dict[str, Any]:
    """Read the ML settings file (thresholds, seeds, sizes) as a dict."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))
