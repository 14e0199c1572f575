"""Fixtures for the demo generator tests: the default population, generated once per session."""

from __future__ import annotations

import pytest

from app.demo.generator import generate_profiles, population_summary


@pytest.fixture(scope="session")
def population() -> list[dict]:
    """The default demo population (count and seed as `make run` uses them)."""
    return generate_profiles()


@pytest.fixture(scope="session")
def summary(population) -> dict:
    """The summary of the default population."""
    return population_summary(population)
