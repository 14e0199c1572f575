"""Small-cell suppression: below province level a count of fewer than 5 IKM is shown as "<5".

A suppressed cell must not be recoverable by subtracting the others from a total, so within each group of
cells that add up to a shown total, suppression continues on the smallest remaining cells until at least
two cells are hidden and the hidden cells hold at least the threshold together (secondary suppression).
Zero is shown: it names nobody.
"""

from __future__ import annotations

from collections.abc import Iterable

THRESHOLD = 5
SUPPRESSED = "<5"


def is_small(count: int, threshold: int = THRESHOLD) -> bool:
    """Tell whether a count of IKM is too small to show (1 to threshold − 1)."""
    return 0 < count < threshold


def suppress_group(counts: list[int], threshold: int = THRESHOLD) -> list[int | str]:
    """One additive group of counts with its small cells and their complements hidden."""
    hidden = {index for index, count in enumerate(counts) if is_small(count, threshold)}
    if hidden:
        order = sorted((count, index) for index, count in enumerate(counts) if count > 0)
        for _, index in order:
            if len(hidden) >= 2 and sum(counts[i] for i in hidden) >= threshold:
                break
            hidden.add(index)
    return [SUPPRESSED if index in hidden else count for index, count in enumerate(counts)]


def suppress_rows(rows: list[dict], fields: Iterable[str], threshold: int = THRESHOLD) -> list[dict]:
    """Rows of one breakdown with each count field suppressed as an additive group (a copy)."""
    result = [dict(row) for row in rows]
    for field in fields:
        values = suppress_group([int(row.get(field) or 0) for row in rows], threshold)
        for row, value in zip(result, values, strict=True):
            row[field] = value
    return result


def suppress_cells(rows: list[dict], fields: Iterable[str], threshold: int = THRESHOLD) -> list[dict]:
    """Rows whose cells do not add up to a total (e.g. several programmes per IKM): small cells only."""
    result = [dict(row) for row in rows]
    for row in result:
        for field in fields:
            if is_small(int(row.get(field) or 0), threshold):
                row[field] = SUPPRESSED
    return result


def suppress_total(count: int, threshold: int = THRESHOLD) -> int | str:
    """A single total (e.g. a whole kabupaten/kota) shown or hidden."""
    return SUPPRESSED if is_small(count, threshold) else count
