"""Date helpers shared by the single and batch paths."""

from __future__ import annotations

import calendar
from datetime import date, datetime


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
