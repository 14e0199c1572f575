"""Compare two evaluations of the same population (the engine's vectorised output, row for row): who
changes route, level, programme results, blocked markets and blocking gaps by requirement, by province ×
commodity × size class."""

from __future__ import annotations

import numpy as np
import pandas as pd

COUNT_FIELDS = (
    "ikm",
    "route_changed",
    "to_financial",
    "to_non_financial",
    "level_up",
    "level_down",
    "programme_changed",
    "blocking_more",
    "blocking_fewer",
    "newly_blocked",
    "unblocked",
    "blocking_gap_appeared",
    "blocking_gap_disappeared",
)
REQUIREMENT_FIELDS = ("appearing", "disappearing")
GROUP = ("province", "commodity", "size_class")


def _markets(text) -> frozenset[str]:
    return frozenset(item for item in (text or "").split(";") if item)


def _requirements(meta: pd.DataFrame, a: pd.DataFrame, b: pd.DataFrame, size_class: np.ndarray):
    """Per row whether a requirement's blocking gap appears / disappears (compared as sets only where the
    engine's `blocking_requirements` text differs), with the counts per requirement, overall and per
    province × commodity × size class."""
    n = len(a)
    appeared, disappeared = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    overall: dict[str, dict[str, int]] = {}
    cells: dict[tuple, dict[str, int]] = {}
    if "blocking_requirements" not in a or "blocking_requirements" not in b:
        return appeared, disappeared, [], []
    text_a = a["blocking_requirements"].fillna("").to_numpy()
    text_b = b["blocking_requirements"].fillna("").to_numpy()
    province, commodity = meta["province"].to_numpy(), meta["commodity"].to_numpy()
    for row in np.flatnonzero(text_a != text_b):
        was, now = _markets(text_a[row]), _markets(text_b[row])
        appeared[row], disappeared[row] = bool(now - was), bool(was - now)
        cell = (province[row], commodity[row], size_class[row])
        for key, found in (("appearing", now - was), ("disappearing", was - now)):
            for code in found:
                overall.setdefault(code, dict.fromkeys(REQUIREMENT_FIELDS, 0))[key] += 1
                cells.setdefault((*cell, code), dict.fromkeys(REQUIREMENT_FIELDS, 0))[key] += 1
    by_requirement = [{"requirement": code, **values} for code, values in sorted(overall.items())]
    breakdown = [
        {**dict(zip((*GROUP, "requirement"), key, strict=True)), **values}
        for key, values in sorted(cells.items())
    ]
    return appeared, disappeared, by_requirement, breakdown


def compare_frames(meta: pd.DataFrame, a: pd.DataFrame, b: pd.DataFrame, programmes, level_order) -> dict:
    """Counts of change between evaluation a (before) and b (after) of the same rows; `meta` gives each
    row's ikm_id, name, province and commodity. Returns totals, per programme, per market, per requirement
    whose blocking gap appears or disappears (when both have `blocking_requirements`), the breakdowns by
    province × commodity × size class, and the changed rows' positions (for examples)."""
    rank = {name: index for index, name in enumerate(level_order)}
    level_a = a["level"].map(rank).to_numpy()
    level_b = b["level"].map(rank).to_numpy()
    route_a, route_b = a["route"].to_numpy(), b["route"].to_numpy()
    # Blocked markets are compared as sets only where the engine's text differs (few rows of many).
    text_a = a["blocking_markets"].fillna("").to_numpy()
    text_b = b["blocking_markets"].fillna("").to_numpy()
    newly, unblocked = np.zeros(len(a), dtype=bool), np.zeros(len(a), dtype=bool)
    markets: dict[str, dict[str, int]] = {}
    for row in np.flatnonzero(text_a != text_b):
        was, now = _markets(text_a[row]), _markets(text_b[row])
        newly[row], unblocked[row] = bool(now - was), bool(was - now)
        for key, found in (("newly_blocked", now - was), ("unblocked", was - now)):
            for market in found:
                markets.setdefault(market, {"newly_blocked": 0, "unblocked": 0})[key] += 1
    programme_changed = np.zeros(len(a), dtype=bool)
    per_programme = []
    for code in programmes:
        was, now = a[f"programme_{code}"].to_numpy(), b[f"programme_{code}"].to_numpy()
        changed = was != now
        programme_changed |= changed
        per_programme.append(
            {
                "code": code,
                "changed": int(changed.sum()),
                "became_eligible": int(((now == "eligible") & (was != "eligible")).sum()),
                "lost_eligibility": int(((was == "eligible") & (now != "eligible")).sum()),
            }
        )
    gaps_a, gaps_b = a["gaps_blocking"].to_numpy(), b["gaps_blocking"].to_numpy()
    size_class = a["size_class"].fillna("unknown").to_numpy()
    appeared, disappeared, by_requirement, requirement_breakdown = _requirements(meta, a, b, size_class)
    flags = pd.DataFrame(
        {
            "province": meta["province"].to_numpy(),
            "commodity": meta["commodity"].to_numpy(),
            "size_class": size_class,
            "ikm": 1,
            "route_changed": route_a != route_b,
            "to_financial": (route_a != "financial") & (route_b == "financial"),
            "to_non_financial": (route_a == "financial") & (route_b != "financial"),
            "level_up": level_b > level_a,
            "level_down": level_b < level_a,
            "programme_changed": programme_changed,
            "blocking_more": gaps_b > gaps_a,
            "blocking_fewer": gaps_b < gaps_a,
            "newly_blocked": newly,
            "unblocked": unblocked,
            "blocking_gap_appeared": appeared,
            "blocking_gap_disappeared": disappeared,
        }
    )
    counts = flags.groupby(list(GROUP), sort=True)[list(COUNT_FIELDS)].sum().reset_index()
    breakdown = [
        {**{key: row[key] for key in GROUP}, **{name: int(row[name]) for name in COUNT_FIELDS}}
        for row in counts.to_dict("records")
    ]
    changed_any = (
        flags["route_changed"]
        | flags["level_up"]
        | flags["level_down"]
        | programme_changed
        | newly
        | unblocked
        | appeared
        | disappeared
    ).to_numpy() | (gaps_a != gaps_b)
    return {
        "totals": {name: int(flags[name].sum()) for name in COUNT_FIELDS},
        "programmes": per_programme,
        "markets": [{"market": market, **values} for market, values in sorted(markets.items())],
        "breakdown": breakdown,
        "requirements": by_requirement,
        "requirement_breakdown": requirement_breakdown,
        "changed_rows": np.flatnonzero(changed_any),
    }
