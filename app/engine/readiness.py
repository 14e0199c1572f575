"""Score, level, level cap and route over arrays (policy-v1 §4, §6.2): one implementation, read by the
single path (a batch of one, or one row per reading) and the batch path alike."""

from __future__ import annotations

from app.engine.arrays import np
from app.engine.criteria import FEW, isin
from app.vocabulary import PRACTICE_FIELDS

ROUTES = ("non_financial", "financial")


# ---------------------------------------------------------------------------- §4 the six dimensions


def compliance_points(legal_held: dict, checked, blocked, major, config: dict) -> np.ndarray:
    """Legality held, and the share of checked markets free of blocking and of major gaps."""
    points = np.zeros(len(checked))
    for code, code_points in config["legality_points"].items():
        points = points + np.where(legal_held[code], float(code_points), 0.0)
    for key, flagged in (("markets_without_blocking_gaps", blocked), ("markets_without_major_gaps", major)):
        points = points + config[key] * ((checked - flagged) / checked)
    return points


def capacity_points(best_ratio: np.ndarray, years: np.ndarray, config: dict) -> np.ndarray:
    """Best product's monthly capacity against its export lot (NaN = none comparable), and continuity in
    years (NaN = unknown)."""
    lot = np.where(np.isnan(best_ratio), 0.0, config["export_lot_points"] * np.minimum(1.0, best_ratio))
    continuity = config["continuity_points"] * np.minimum(1.0, years / config["continuity_full_at_years"])
    return lot + np.where(np.isnan(years), 0.0, continuity)


def quality_points(applies: np.ndarray, held: np.ndarray, points: list[float]) -> np.ndarray:
    """Points of the applicable quality items held over the applicable points, x 100 (items x rows
    masks); NaN where none applies (policy-v1 §8 A6)."""
    weight = np.asarray(points, dtype=float).reshape(-1, 1)
    possible = (applies * weight).sum(axis=0)
    earned = ((applies & held) * weight).sum(axis=0)
    return np.where(possible > 0, 100.0 * earned / np.where(possible > 0, possible, 1.0), np.nan)


def management_points(years, bookkeeping, bank_account, credit, config: dict) -> np.ndarray:
    """Years in business, bookkeeping, bank account and SLIK credit status."""
    points = np.where(
        np.isnan(years),
        0.0,
        config["years_in_business_points"]
        * np.minimum(1.0, years / config["years_in_business_full_at_years"]),
    )
    points = points + np.where(bookkeeping, float(config["bookkeeping_points"]), 0.0)
    points = points + np.where(bank_account, float(config["bank_account_points"]), 0.0)
    return points + _points_by_value(credit, config["credit_status_points"])


def _points_by_value(values: np.ndarray, points: dict) -> np.ndarray:
    """Per row, the points `points` gives its value (0 for any other value); a few rows (the single
    path) are looked up value by value, as criteria.isin does."""
    if len(values) <= FEW:
        return np.array([float(points.get(value, 0.0)) for value in values.tolist()]).reshape(len(values))
    found = np.zeros(len(values))
    for value, value_points in points.items():
        found[values == value] = float(value_points)
    return found


def market_points(direct, indirect, buyer_present, training, target_count, config: dict) -> np.ndarray:
    """Export history (direct before indirect), buyer contract, export training, target markets chosen."""
    history = np.where(indirect == 1, float(config["export_indirect_points"]), 0.0)
    points = np.where(direct == 1, float(config["export_direct_points"]), history)
    points = points + np.where(buyer_present, float(config["buyer_contract_points"]), 0.0)
    points = points + np.where(training, float(config["export_training_points"]), 0.0)
    return points + np.where(target_count > 0, float(config["target_market_chosen_points"]), 0.0)


def digital_points(practices: dict, config: dict) -> np.ndarray:
    """Online presence: each practice the digital dimension gives points for (`<practice>_points`)."""
    points = 0.0
    for name in digital_practices(config):
        points = points + np.where(practices[name], float(config[f"{name}_points"]), 0.0)
    return points


def digital_practices(config: dict) -> tuple[str, ...]:
    """The practices (vocabulary.PRACTICE_FIELDS) the digital dimension's policy gives points for."""
    return tuple(name for name in PRACTICE_FIELDS if f"{name}_points" in config)


def rounded(points: np.ndarray) -> np.ndarray:
    """Dimension scores rounded half up (points are never negative); NaN stays NaN (not applicable)."""
    return np.floor(points + 0.5)


# ------------------------------------------------------------------------ §4 score, level; §6.2 route


def weighted_scores(dimensions: np.ndarray, weights: list[int]) -> np.ndarray:
    """Weighted mean of the rounded dimension scores per row (rows x dimensions, NaN = not applicable,
    policy-v1 §8 A6: no weight), rounded half up, in integers."""
    applies = ~np.isnan(dimensions)
    weight = np.asarray(weights, dtype=np.int64)
    total = (applies * weight).sum(axis=1)
    weighted = np.where(applies, dimensions * weight, 0).astype(np.int64).sum(axis=1)
    return (2 * weighted + total) // (2 * total)


def blocked_everywhere(export_markets: np.ndarray, blocked_export_markets: np.ndarray) -> np.ndarray:
    """policy-v1 §4: per row, whether a blocking gap in every export target market caps the level
    (counts of export markets and of those with a blocking gap)."""
    return (export_markets > 0) & (blocked_export_markets == export_markets)


def levels(score: np.ndarray, cap_applies: np.ndarray, policy) -> tuple[np.ndarray, np.ndarray]:
    """Level index in policy.level_bands per row, and whether the cap lowered it (policy-v1 §4: a
    blocking gap in every export target market caps the level)."""
    minimums = np.array([minimum for _, minimum in policy.level_bands])
    index = np.searchsorted(minimums, score, side="right") - 1
    cap = policy.level_rank(policy.level_cap)
    capped = cap_applies & (index > cap)
    return np.where(capped, cap, index), capped


def financial_route(verdicts: np.ndarray, programmes: list) -> np.ndarray:
    """Per row, whether a financial programme is eligible (policy-v1 §6.2); `verdicts` has one row per
    programme (criteria.programme_verdicts), 0 = eligible."""
    financial = np.zeros(verdicts.shape[1], dtype=bool)
    for number, programme in enumerate(programmes):
        if programme.type == "financial":
            financial |= verdicts[number] == 0
    return financial


# -------------------------------------------------------------------------------------- §6.3 review


def special_mention(credit: np.ndarray) -> np.ndarray:
    """policy-v1 §6.3: rows whose SLIK credit status is special mention."""
    return isin(credit, ("special_mention",))


def near_boundaries(score: np.ndarray, policy) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """policy-v1 §6.3: per level boundary, the rows whose score is within the review margin of it and
    the score just across it (the route there is compared with the route found)."""
    return [
        (
            boundary,
            np.abs(score - boundary) <= policy.review_margin,
            np.where(score >= boundary, boundary - 1, boundary),
        )
        for _, boundary in policy.level_bands[1:]
    ]


def low_confidence_hs(sources: np.ndarray, scores: np.ndarray, threshold: float) -> np.ndarray:
    """policy-v1 §6.3: products whose HS code a model or keyword chose with a score below the threshold
    (NaN = no score)."""
    return isin(sources, ("model", "keyword")) & ~(scores >= threshold)
