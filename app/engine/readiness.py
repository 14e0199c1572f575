"""Score, level, level cap and route over arrays (policy-v1 §4, §6.2): one implementation, read by the
single path (a batch of one, or one row per reading) and the batch path alike."""

from __future__ import annotations

from app.engine.arrays import np
from app.engine.criteria import isin

ROUTES = ("non_financial", "financial")


def weighted_scores(dimensions: np.ndarray, weights: list[int]) -> np.ndarray:
    """Weighted mean of the rounded dimension scores per row (rows x dimensions, NaN = not applicable,
    policy-v1 §8 A6: no weight), rounded half up, in integers."""
    applies = ~np.isnan(dimensions)
    weight = np.asarray(weights, dtype=np.int64)
    total = (applies * weight).sum(axis=1)
    weighted = np.where(applies, np.nan_to_num(dimensions) * weight, 0).astype(np.int64).sum(axis=1)
    return (2 * weighted + total) // (2 * total)


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
    return credit == "special_mention"


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
