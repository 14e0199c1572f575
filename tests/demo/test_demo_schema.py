"""Generated profiles load through the service's own IkmProfileSchema (app/schemas/ikm.py)."""

from __future__ import annotations

import importlib
import importlib.util

import pytest

from app.demo.generator import generate_profiles


def _schema_module():
    """The schema module, or a skip when it does not exist (yet)."""
    if importlib.util.find_spec("app.schemas") is None or importlib.util.find_spec("app.schemas.ikm") is None:
        pytest.skip("app/schemas/ikm.py (IkmProfileSchema) does not exist")
    return importlib.import_module("app.schemas.ikm")


def test_200_generated_profiles_pass_ikm_profile_schema(population):
    schema = _schema_module().IkmProfileSchema()
    sample = population[:: len(population) // 200][:200] + generate_profiles(50, seed=11)
    errors = {}
    for index, profile in enumerate(sample):
        found = schema.validate(profile)
        if found:
            errors[index] = found
    assert errors == {}
    assert len(sample) == 250
