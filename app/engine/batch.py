"""The batch path: every profile of a table at once, as numpy arrays.

`profiles_to_frame` reads validated profiles into one row each (lists kept as tuples); `assess_frame`
flattens products, markets and certificates into long arrays and runs the rules written once over
arrays: gap finding (gaps.py), the criteria (criteria.py), programme verdicts, dimensions, score,
level, cap, route and review flags (readiness.py) and missing fields (missing.py), the same functions
the single path runs on its batch of one. The profile is read into those functions' inputs by
app/engine/inputs.py, as the single path reads it (a frame of one profile, or of its readings); what
is this path's own is the order of work on a large table (the size readings run only on the rows
without revenue, the criteria per programme) and its result table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

from app.engine.criteria import (
    PROGRAMME_RESULTS,
    RULES,
    UNKNOWN,
    UNKNOWN_SIZE,
    Columns,
    programme_verdicts,
)
from app.engine.dates import parse_date
from app.engine.gaps import SEVERITY_BY_RANK, GapTable, find_gaps, size_conditional
from app.engine.inputs import (
    FRAME_COLUMNS,
    Inputs,
    Markets,
    Products,
    column,
    criterion_columns,
    dimension_points,
    export_counts,
    gap_inputs,
    market_flags,
    missing_inputs,
    profile_columns,
    read_inputs,
    take,
)
from app.engine.inputs import size_index as size_indexes
from app.engine.inputs import years as years_of
from app.engine.missing import join_values as _join
from app.engine.missing import joined_flags as _joined_flags
from app.engine.missing import missing_fields
from app.engine.policy import DIMENSIONS, SEVERITY_RANK, SIZE_CLASSES, Policy
from app.engine.readiness import (
    ROUTES,
    blocked_everywhere,
    financial_route,
    levels,
    low_confidence_hs,
    near_boundaries,
    rounded,
    special_mention,
    weighted_scores,
)

RESULT_NAMES = np.array(PROGRAMME_RESULTS, dtype=object)


def profiles_to_frame(profiles: list[dict]) -> pd.DataFrame:
    """One row per validated profile (inputs.profile_columns) as a pandas DataFrame."""
    return pd.DataFrame(profile_columns(profiles))


def _programmes(
    policy: Policy, as_of: date, variants: list[tuple[Columns, np.ndarray]], found: dict | None = None
):
    """Programme results (0 eligible, 1 ineligible, 2 needs_information), the financial-route mask and
    each criterion's outcomes.

    `variants` are the readings of every possible size class (one when all sizes are known); a
    criterion whose outcome differs between them is unknown (policy-v1 §8 A1). `found` holds the
    outcomes of the same readings at another score: only the criteria that read the score run again.
    """
    n = variants[0][0].n
    offered = [programme for programme in policy.programmes if programme.offered_on(as_of)]
    table = np.zeros((sum(len(programme.criteria) for programme in offered), n), dtype=np.int8)
    row = 0
    once: dict[tuple, np.ndarray] = {}  # programmes share criteria: each rule and parameters run once
    for programme in offered:
        for criterion in programme.criteria:
            rule = RULES[criterion.rule]
            if criterion.key not in once and found is not None and not rule.reads_score:
                once[criterion.key] = found[criterion.key]
            if criterion.key in once:
                table[row] = once[criterion.key]
                row += 1
                continue
            outcome = rule.evaluate(variants[0][0], criterion.params, variants[0][1])
            for batch, score in variants[1:]:
                other = rule.evaluate(batch, criterion.params, score)
                outcome = np.where(other == outcome, outcome, UNKNOWN)
            table[row] = once[criterion.key] = outcome
            row += 1
    verdicts = programme_verdicts(table, [len(programme.criteria) for programme in offered])
    results = {programme.code: verdicts[number] for number, programme in enumerate(offered)}
    financial = financial_route(verdicts, offered)
    return results, financial, once


@dataclass
class _Gaps:
    """Gap counts per severity per row, which checked-market rows are blocked or have major gaps, and
    every gap found."""

    counts: dict[str, np.ndarray]
    blocked: np.ndarray
    major: np.ndarray
    table: GapTable


def _find_gaps(policy, as_of, frame, inputs: Inputs, size_index, n: int) -> _Gaps:
    """Every row's gaps by gaps.find_gaps (policy-v1 §3), counted per severity and checked market."""
    table = find_gaps(policy, as_of, gap_inputs(frame, inputs, size_index))
    counts = {
        name: np.bincount(table.owner[table.rank == rank], minlength=n)
        for name, rank in SEVERITY_RANK.items()
    }
    blocked, major = market_flags(table, inputs.markets)
    return _Gaps(counts=counts, blocked=blocked, major=major, table=table)


def _round(points: np.ndarray) -> np.ndarray:
    return rounded(points).astype(np.int64)


def _dimensions(frame, policy: Policy, years, inputs: Inputs, gaps: _Gaps) -> dict[str, np.ndarray]:
    """The six dimensions (policy-v1 §4) by inputs.dimension_points, rounded (quality stays float: NaN
    where no item applies)."""
    points = dimension_points(frame, policy, years, inputs, gaps.blocked, gaps.major)
    return {name: rounded(values) if name == "quality" else _round(values) for name, values in points.items()}


def _missing_fields(frame, batch: Columns, inputs: Inputs, as_of: date, policy: Policy) -> tuple:
    """Missing inputs (policy-v1 §6.1) per row by missing.missing_fields: whether any, and the names."""
    found = missing_inputs(frame, inputs, (batch.years, batch.years_certain))
    text = missing_fields(found, policy.years_thresholds(as_of))
    return text != "", text


def _review(policy: Policy, as_of: date, variants, score, found, financial, products: Products, n: int):
    """policy-v1 §6.3 review flags: special mention, score near a route-changing boundary, weak HS codes
    (`found`: the criterion outcomes at the score found)."""
    special = special_mention(variants[0][0].credit)
    near_boundary = np.zeros(n, dtype=bool)
    for _, near, other_score in near_boundaries(score, policy):
        if near.any():
            other = [(b, other_score) for b, _ in variants]
            _, other_financial, _ = _programmes(policy, as_of, other, found)
            near_boundary |= near & (other_financial != financial)
    weak = low_confidence_hs(products.hs_sources, products.hs_scores, policy.hs_score_threshold)
    low_confidence = np.bincount(products.owner, weights=weak, minlength=n) > 0
    return [
        ("credit_special_mention", special),
        ("score_near_boundary", near_boundary),
        ("hs_low_confidence", low_confidence),
    ]


@dataclass
class _Evaluation:
    """One vectorised evaluation of a frame (one size reading)."""

    batch: Columns
    score: np.ndarray
    dimensions: dict[str, np.ndarray]
    cap_applies: np.ndarray
    gaps: _Gaps
    products: Products
    markets: Markets
    size_index: np.ndarray


def _evaluate(frame, as_of: date, policy: Policy, size_index: np.ndarray, inputs: Inputs) -> _Evaluation:
    """Gaps, dimensions, score, level cap and criterion inputs for every row at the given sizes."""
    n = len(size_index)
    products, markets = inputs.products, inputs.markets
    gaps = _find_gaps(policy, as_of, frame, inputs, size_index, n)
    years, certain = years_of(frame, as_of)
    dimensions = _dimensions(frame, policy, years, inputs, gaps)
    score = weighted_scores(
        np.column_stack([dimensions[name].astype(float) for name in DIMENSIONS]),
        [policy.weights[name] for name in DIMENSIONS],
    )
    batch = criterion_columns(
        frame, as_of, policy, inputs, size_index, (years, certain), gaps.table, gaps.blocked
    )
    export_count, export_blocked = export_counts(markets, gaps.blocked, n)
    cap_applies = blocked_everywhere(export_count, export_blocked)
    return _Evaluation(batch, score, dimensions, cap_applies, gaps, products, markets, size_index)


def _size_variants(frame, as_of, policy, full: _Evaluation) -> tuple[list, np.ndarray, list]:
    """The criterion inputs under every size still possible for rows without revenue (§8 A1), whether
    the level cap applies under all of them, and the gaps of those rows under each size."""
    unknown = np.flatnonzero(full.size_index == UNKNOWN_SIZE)
    if len(unknown) == 0:
        return [(full.batch, full.score)], full.cap_applies, []
    sub = take(frame, unknown)
    inputs = read_inputs(sub, as_of, policy)  # read once; only the rules that follow depend on the size
    variants = []
    sized_gaps = []
    cap_applies = full.cap_applies.copy()
    cap_applies[unknown] = True
    size_dependent = ("size_index", "buyer_blocked", "export_clear_count")
    for size in range(UNKNOWN_SIZE):
        sized = _evaluate(sub, as_of, policy, np.full(len(unknown), size), inputs)
        batch = replace(full.batch)
        for name in size_dependent:
            values = getattr(full.batch, name).copy()
            values[unknown] = getattr(sized.batch, name)
            setattr(batch, name, values)
        known = np.flatnonzero(full.size_index[full.batch.gaps.owner] != UNKNOWN_SIZE)
        sub_gaps = sized.batch.gaps.take(np.arange(len(sized.batch.gaps.owner)), unknown)
        batch.gaps = GapTable.concat([full.batch.gaps.take(known), sub_gaps])
        sized_gaps.append(sub_gaps)
        score = full.score.copy()
        score[unknown] = sized.score
        cap_applies[unknown] &= sized.cap_applies
        variants.append((batch, score))
    return variants, cap_applies, sized_gaps


def _gap_lists(policy: Policy, as_of: date, full: _Evaluation, sized_gaps: list, n: int) -> np.ndarray:
    """Per row, its gaps in the contract's order (most severe, then checked-market order, requirement,
    product), each as a dict of requirement, market, product, severity, date, days left, the entry and
    whether it is conditional on the unknown size class (gaps.size_conditional, policy-v1 §8 A1)."""
    entries = policy.requirements
    table = full.gaps.table
    sized = GapTable.concat(sized_gaps) if sized_gaps else table.take(np.zeros(0, dtype=np.int64))
    sizes = np.repeat(np.arange(len(sized_gaps)), [len(gaps.owner) for gaps in sized_gaps])
    conditional = size_conditional(table, full.size_index == UNKNOWN_SIZE, sized, sized.owner, sizes, entries)
    order = np.lexsort(
        (
            np.array([p or "" for p in table.product_hs.tolist()], dtype=object),
            np.array([entries[e].requirement for e in table.entry.tolist()], dtype=object),
            table.market_row,
            -table.rank.astype(np.int64),
            table.owner,
        )
    )
    lists = np.empty(n, dtype=object)
    for row in range(n):
        lists[row] = []
    for i in order.tolist():
        entry = entries[int(table.entry[i])]
        severity = SEVERITY_BY_RANK[int(table.rank[i])]
        applies_from = table.applies_from(i)
        product_hs = table.product_hs[i]
        lists[int(table.owner[i])].append(
            {
                "requirement": entry.requirement,
                "market": table.market[i],
                "severity": severity,
                "applies_from": applies_from.isoformat() if applies_from else None,
                "days_left": (applies_from - as_of).days if severity == "upcoming" else None,
                "product_hs": product_hs,
                "product_class": None if product_hs is None else policy.product_class(product_hs).name,
                "rule": entry.id,
                "conditional_on": "size_class" if conditional[i] else None,
            }
        )
    return lists


def assess_frame(
    frame: pd.DataFrame,
    as_of: date,
    policy: Policy,
    gap_detail: bool = False,
    shared: dict | None = None,
    blocking_requirements: bool = False,
) -> pd.DataFrame:
    """Assess every row of a profiles frame on a date; one result row per profile (vectorised rules).

    With `gap_detail` a `gaps` column holds each row's gap list (what a stored assessment needs); with
    `blocking_requirements` a column of that name holds the ';'-joined requirement codes (sorted) with a
    blocking gap in some checked market (what a simulation compares, cheaper than the lists). Calls
    over the same frame (a simulation's two policies or dates) may pass one `shared` dict (empty at
    first): what does not depend on the policy (the flattened products, certificates and markets) is
    then read once.
    """
    as_of = parse_date(as_of)
    policy = policy.on(as_of)
    n = len(frame)
    index = frame.index
    frame = {name: column(frame, name) for name in FRAME_COLUMNS}
    inputs = read_inputs(frame, as_of, policy, shared)
    full = _evaluate(frame, as_of, policy, size_indexes(frame, policy), inputs)
    score, dimensions, gaps, products, markets = (
        full.score,
        full.dimensions,
        full.gaps,
        full.products,
        full.markets,
    )
    variants, cap_applies, sized_gaps = _size_variants(frame, as_of, policy, full)
    level_names = np.array([name for name, _ in policy.level_bands], dtype=object)
    level_index, capped = levels(score, cap_applies, policy)
    results, financial, found = _programmes(policy, as_of, variants)
    reviews = _review(policy, as_of, variants, score, found, financial, products, n)
    missing_any, missing_text = _missing_fields(frame, full.batch, inputs, as_of, policy)
    blocked_export = gaps.blocked & markets.export
    size_names = np.array([*SIZE_CLASSES, None], dtype=object)
    output = {
        "as_of": as_of.isoformat(),
        "policy_version": policy.label,
        "policy_hash": policy.content_hash,
        "score": score,
        "level": level_names[level_index],
        "level_capped": capped,
        **{f"dim_{name}": dimensions[name] for name in DIMENSIONS},
        "size_class": size_names[full.size_index],
        "route": np.array(ROUTES, dtype=object)[financial.astype(np.int64)],
        "status": np.where(missing_any, "needs_information", "complete").astype(object),
        "missing_fields": missing_text,
        "review_required": np.logical_or.reduce([mask for _, mask in reviews]),
        "review_reasons": _joined_flags(reviews, n),
        "eligible_programmes": _joined_flags([(code, result == 0) for code, result in results.items()], n),
        **{f"programme_{code}": RESULT_NAMES[result] for code, result in results.items()},
        **{f"gaps_{name}": gaps.counts[name] for name in SEVERITY_RANK},
        "blocking_markets": _join(markets.owner[blocked_export], markets.market[blocked_export], n),
    }
    if gap_detail:
        output["gaps"] = _gap_lists(policy, as_of, full, sized_gaps, n)
    if blocking_requirements:
        output["blocking_requirements"] = _blocking_requirements(policy, gaps.table, n)
    return pd.DataFrame(output, index=index)


def _blocking_requirements(policy: Policy, table: GapTable, n: int) -> np.ndarray:
    """Per row, the ';'-joined codes (sorted) of the requirements with a blocking gap."""
    names = sorted({entry.requirement for entry in policy.requirements})
    position = {code: index for index, code in enumerate(names)}
    requirement_of = np.array([position[entry.requirement] for entry in policy.requirements], dtype=np.int64)
    blocking = table.rank == SEVERITY_RANK["blocking"]
    held = np.zeros((len(names), n), dtype=bool)
    held[requirement_of[table.entry[blocking]], table.owner[blocking]] = True
    text = np.full(n, "", dtype=object)
    for start in range(0, len(names), 62):  # _joined_flags packs up to 63 flags in an int64
        masks = [(names[index], held[index]) for index in range(start, min(start + 62, len(names)))]
        part = _joined_flags([(code, mask) for code, mask in masks if mask.any()], n)
        joined = np.where(part == "", text, text + ";" + part)
        text = part if start == 0 else np.where(text == "", part, joined)
    return text
