"""The one gap finder (app/engine/gaps.py) against hand-computed expectations."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import numpy as np

from app.engine import assess
from app.engine.gaps import UPCOMING, GapTable, size_conditional
from app.engine.policy import SIZE_CLASSES

ENTRIES = [
    SimpleNamespace(requirement="HALAL", gap_family="HALAL"),
    SimpleNamespace(requirement="HALAL", gap_family="HALAL"),
    SimpleNamespace(requirement="PIRT", gap_family="FOOD_PERMIT"),
]


def _table(rows: list[tuple]) -> GapTable:
    """Gaps from (owner, market, product_hs, entry, rank, since)."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * 6
    owner, market, product_hs, entry, rank, since = columns
    whole = np.array(owner, dtype=np.int64)
    return GapTable(
        owner=whole,
        market_row=np.zeros(len(whole), dtype=np.int64),
        market=np.array(market, dtype=object),
        product_hs=np.array(product_hs, dtype=object),
        entry=np.array(entry, dtype=np.int64),
        rank=np.array(rank, dtype=np.int8),
        since=np.array(since, dtype=np.int64),
        renewal=np.zeros(len(whole), dtype=bool),
        product_row=np.zeros(len(whole), dtype=np.int64),
        first=np.array(entry, dtype=np.int64),
    )


def test_a_gap_is_conditional_only_when_the_size_classes_are_told_different_findings():
    """§8 A1: row 0 (size unknown) has three gaps; micro and small are told the same HALAL finding,
    the larger sizes another date (conditional); PIRT is told to micro only (conditional); the ID HALAL gap is
    told the same everywhere. Row 1 knows its size: never conditional."""
    day = date(2027, 1, 1).toordinal()
    table = _table(
        [
            (0, "SA", "0901", 0, UPCOMING, day),
            (0, "SA", "0901", 2, 2, 0),
            (0, "ID", "0901", 0, 3, 0),
            (1, "SA", "0901", 0, UPCOMING, day),
        ]
    )
    others = range(2, len(SIZE_CLASSES))  # medium and up: another date
    sized = _table(
        [
            (0, "SA", "0901", 0, UPCOMING, day),  # micro
            (0, "SA", "0901", 1, UPCOMING, day),  # small: another entry, same requirement and date
            *((0, "SA", "0901", 0, UPCOMING, day + 1) for _ in others),
            (0, "SA", "0901", 2, 2, 0),  # micro only
            *((0, "ID", "0901", 0, 3, 0) for _ in SIZE_CLASSES),
        ]
    )
    sizes = np.array([0, 1, *others, 0, *range(len(SIZE_CLASSES))])
    unknown = np.array([True, False])
    found = size_conditional(table, unknown, sized, sized.owner, sizes, ENTRIES)
    assert found.tolist() == [True, True, False, False]


def test_every_gap_is_a_traced_requirement_not_met(policy):
    """The trace and the gaps come from one evaluation: each gap's entry is traced as not met in its
    market, and a traced entry not met in a market is a gap there (its family's most severe)."""
    profile = {
        "name": "Kopi",
        "region_code": "3302",
        "products": [{"description": "Kopi bubuk", "hs_code": "090121"}],
        "target_markets": ["SA", "US"],
        "certifications": [{"code": "NIB"}],
    }
    result = assess(profile, date(2026, 11, 27), policy, with_what_if=False)
    steps = [step for step in result["trace"] if step["step"] == "requirement"]
    not_met = {(s["rule"], s["inputs"]["market"]) for s in steps if not s["outcome"]["met"]}
    assert {(gap["rule"], gap["market"]) for gap in result["gaps"]} <= not_met
    assert {market for _, market in not_met} == {gap["market"] for gap in result["gaps"]}
    assert all(s["outcome"]["met"] for s in steps if s["rule"] == "NIB#1")
