"""The few-rows lookups (criteria.isin, readiness._points_by_value) answer as the array comparisons."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from app.engine.criteria import FEW, isin
from app.engine.readiness import _points_by_value

WORDS = st.sampled_from([None, "current", "special_mention", "loss", "sentra", "model", "keyword", ""])


def _objects(values: list) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


@given(st.lists(WORDS, max_size=FEW), st.lists(WORDS, max_size=4))
def test_isin_few_rows_as_many(values, allowed):
    """A batch of a few rows gets the mask a large batch gets for the same values."""
    few = isin(_objects(values), allowed)
    many = isin(_objects(values * (FEW + 1)), allowed)[: len(values)]
    assert few.dtype == many.dtype and few.tolist() == many.tolist()


@given(st.lists(st.integers(0, 5), max_size=FEW), st.lists(st.integers(0, 5), max_size=4))
def test_isin_few_rows_numbers(values, allowed):
    """The same for integer columns (size index, severity rank)."""
    array = np.array(values, dtype=np.int64)
    assert isin(array, allowed).tolist() == isin(np.tile(array, FEW + 1), allowed)[: len(values)].tolist()


@given(st.lists(WORDS, max_size=FEW), st.dictionaries(WORDS.filter(bool), st.integers(0, 40), max_size=5))
def test_points_by_value_few_rows_as_many(values, points):
    """Points per value: a few rows as a large batch."""
    few = _points_by_value(_objects(values), points)
    many = _points_by_value(_objects(values * (FEW + 1)), points)[: len(values)]
    assert few.dtype == many.dtype and few.tolist() == many.tolist()
