"""Missing inputs (policy-v1 §6.1 `needs_information`), written once over arrays.

Both paths call `missing_fields`: the batch path (batch.py) with one row per profile of a table, the
single path (rules.py) with one row per profile evaluated. A row lists, in this order: the revenue, the
capacity fields of its products when none is comparable with its export lot, the founding year (or the
founding date when the year alone leaves a criterion threshold open, §8 A7), the credit status, the export
history and the practices.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.engine.arrays import np
from app.vocabulary import PRACTICE_FIELDS as PRACTICES


@dataclass
class MissingInputs:
    """What missing fields read, as arrays: one row per profile; unknown numbers and flags are NaN."""

    n: int
    revenue_missing: np.ndarray
    years: np.ndarray  # years in business for scoring
    years_certain: np.ndarray  # full years certainly completed
    credit_missing: np.ndarray
    direct: np.ndarray  # 1 / 0 / NaN
    indirect: np.ndarray
    last_year: np.ndarray
    practices: dict[str, np.ndarray]  # name -> 1 / 0 / NaN, one per PRACTICES name
    no_capacity: np.ndarray  # per row: it lists products and none is comparable with its export lot
    product_owner: np.ndarray  # per product: its row, rows in order and each row's products in order
    capacity_missing: np.ndarray  # per product
    unit_missing: np.ndarray  # per product


def join_values(owners: np.ndarray, values, n: int) -> np.ndarray:
    """';'-joined values per row from (owner, value) pairs in owner order."""
    joined = np.full(n, "", dtype=object)
    if len(owners) == 0:
        return joined
    order = np.argsort(owners, kind="stable")
    owners = owners[order]
    values = np.asarray(values, dtype=object)[order]
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    ends = np.r_[starts[1:], len(owners)]
    for start, end in zip(starts, ends, strict=True):
        joined[owners[start]] = ";".join(values[start:end])
    return joined


def joined_flags(named_masks: list[tuple[str, np.ndarray]], n: int) -> np.ndarray:
    """';'-joined names of the masks that are true, per row, in list order (one text per combination)."""
    masks = np.array([mask for _, mask in named_masks], dtype=np.int64).reshape(len(named_masks), n)
    combination = (1 << np.arange(len(named_masks), dtype=np.int64)) @ masks
    if n == 1:  # a batch of one (the single path): nothing to share
        found, inverse = combination, np.zeros(1, dtype=np.int64)
    else:
        found, inverse = np.unique(combination, return_inverse=True)
    names = [name for name, _ in named_masks]
    texts = [";".join(name for bit, name in enumerate(names) if value >> bit & 1) for value in found.tolist()]
    return np.array(texts, dtype=object)[inverse.reshape(-1)]


def _product_missing(inputs: MissingInputs) -> np.ndarray:
    """`products.<i>.monthly_capacity;products.<i>.capacity_unit` for rows where no product has capacity."""
    owner, n = inputs.product_owner, inputs.n
    if len(owner) == 0:
        return np.full(n, "", dtype=object)
    affected = np.flatnonzero(inputs.no_capacity[owner]).tolist()
    if not affected:
        return np.full(n, "", dtype=object)
    count = np.bincount(owner, minlength=n)
    position = np.arange(len(owner)) - (np.cumsum(count) - count)[owner]
    pieces_owner = []
    pieces = []
    for index in affected:
        if inputs.capacity_missing[index]:
            pieces_owner.append(owner[index])
            pieces.append(f"products.{position[index]}.monthly_capacity")
        if inputs.unit_missing[index]:
            pieces_owner.append(owner[index])
            pieces.append(f"products.{position[index]}.capacity_unit")
    return join_values(np.array(pieces_owner, dtype=np.int64), pieces, n)


def missing_fields(inputs: MissingInputs, year_thresholds) -> np.ndarray:
    """Per row, its missing inputs (policy-v1 §6.1) ';'-joined in the order above ('' = complete).

    `year_thresholds` are the years-in-business thresholds of the criteria on the date (§8 A7).
    """
    n, years = inputs.n, inputs.years
    at_threshold = np.zeros(n, dtype=bool)
    for threshold in year_thresholds:
        at_threshold |= years == threshold
    ambiguous = (years != inputs.years_certain) & at_threshold
    exported = (inputs.direct == 1) | (inputs.indirect == 1)
    parts = [
        ("annual_revenue_idr", inputs.revenue_missing),
        ("founded_year", np.isnan(years)),
        ("founded_on", ambiguous),
        ("credit_status", inputs.credit_missing),
        ("export_history.direct", np.isnan(inputs.direct)),
        ("export_history.indirect", np.isnan(inputs.indirect)),
        ("export_history.last_export_year", exported & np.isnan(inputs.last_year)),
        *((f"practices.{name}", np.isnan(inputs.practices[name])) for name in PRACTICES),
    ]
    text = joined_flags(parts, n)
    product_missing = _product_missing(inputs)
    for row in np.flatnonzero(product_missing != "").tolist():  # the product fields come second
        pieces = [item for item in text[row].split(";") if item]
        at = 1 if inputs.revenue_missing[row] else 0
        text[row] = ";".join([*pieces[:at], product_missing[row], *pieces[at:]])
    return text
