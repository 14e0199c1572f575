"""Date helpers shared by the single and batch paths."""

from __future__ import annotations

import calendar
from datetime import date, datetime

from app.engine.arrays import np


def parse_date(value: object) -> date | None:
    """Return a date from a date, datetime or ISO string; None for None or an empty string."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value.strip())
    raise ValueError(f"{value!r} is not a date")


def add_months(day: date, months: int) -> date:
    """Return the same day `months` later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def round_half_up(value: float) -> int:
    """Round a non-negative score half up (Python's round() rounds half to even)."""
    return int(value + 0.5)


def years_in_business(founded_year, founded_on_year, founded_on_md, as_of: date) -> tuple:
    """Years in business for scoring, and full years certainly completed (policy-v1 §8 A7), over arrays
    (NaN where unknown); `founded_on` is given as its year and month × 100 + day.

    With `founded_on` both are the exact full years; with `founded_year` only, the score reads
    as_of.year − founded_year and the criteria read one year less as certain (the one year between is
    unknown). The single path reads its one profile through here as the batch path reads its frame.
    """
    exact = np.maximum(0.0, as_of.year - founded_on_year - (as_of.month * 100 + as_of.day < founded_on_md))
    unknown_day = np.isnan(founded_on_year)
    years = np.where(unknown_day, np.maximum(0.0, as_of.year - founded_year), exact)
    certain = np.where(unknown_day, np.maximum(0.0, as_of.year - founded_year - 1), exact)
    return years, certain
