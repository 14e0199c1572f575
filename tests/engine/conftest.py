"""Shared fixtures for the engine tests: the real policy and a base profile."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
import yaml

from app.engine import DEFAULT_POLICY_DIR, load_policy

CASES_DIR = Path(__file__).parent / "cases"


@pytest.fixture
def policy_copy(tmp_path: Path) -> Path:
    """A writable copy of data/policy next to a copy of data/reference (as in the repository)."""
    target = tmp_path / "data" / "policy"
    shutil.copytree(DEFAULT_POLICY_DIR, target)
    shutil.copytree(DEFAULT_POLICY_DIR.parent / "reference", tmp_path / "data" / "reference")
    return target


def edit_yaml(path: Path, change) -> None:
    """Rewrite a YAML file after `change` has edited its document in place."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="session")
def policy():
    """The policy files of the repository, validated."""
    return load_policy(DEFAULT_POLICY_DIR)


def merge(base: dict, changes: dict) -> dict:
    """A deep copy of base with changes merged in (dicts merge, other values replace, `~` removes a key)."""
    merged = copy.deepcopy(base)
    for key, value in (changes or {}).items():
        if value == "~remove":
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def load_cases(name: str) -> tuple[dict, list[dict]]:
    """The base profile and the cases of a case-table file."""
    document = yaml.safe_load((CASES_DIR / name).read_text(encoding="utf-8"))
    return document["base"], document["cases"]
