"""Pure aggregation: report filters and periods, and breakdowns computed from counted cube rows."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date

from app.reports.suppression import SUPPRESSED, THRESHOLD, suppress_cells, suppress_rows, suppress_total
from app.vocabulary import COMMODITIES

LEVELS = ("not_ready", "developing", "ready_with_support", "export_ready")
ROUTES = ("financial", "non_financial")
STARS = (None, 1, 2, 3, 4, 5)
# The cube's dimensions: one GROUP BY over the current assessments gives every one-way breakdown.
CUBE_DIMENSIONS = ("area", "commodity", "level", "route", "ovop_stars")


@dataclass(frozen=True)
class SummaryFilters:
    """What a report covers: a year (and quarter), a province or kabupaten/kota, a commodity."""

    year: int | None = None
    quarter: int | None = None
    province: str | None = None
    regency: str | None = None
    commodity: str | None = None

    def period(self) -> tuple[date | None, date | None]:
        """First and last day covered (None, None: everything up to now)."""
        if self.year is None:
            return None, None
        if self.quarter is None:
            return date(self.year, 1, 1), date(self.year, 12, 31)
        first_month = 3 * (self.quarter - 1) + 1
        last = date(self.year + 1, 1, 1) if self.quarter == 4 else date(self.year, first_month + 3, 1)
        return date(self.year, first_month, 1), date.fromordinal(last.toordinal() - 1)

    @property
    def below_province(self) -> bool:
        """Whether every cell of the report is below province level (a kabupaten/kota is chosen)."""
        return self.regency is not None

    @property
    def area_level(self) -> str:
        """Which areas the regional breakdown lists: provinces nationally, kabupaten/kota in a province."""
        return "regency" if self.province or self.regency else "province"

    def as_dict(self) -> dict:
        """The filters as given (for the report's notes)."""
        return {key: value for key, value in asdict(self).items() if value is not None}


def marginal(cube: Iterable[tuple], dimension: str) -> Counter:
    """Counts per value of one cube dimension."""
    position = CUBE_DIMENSIONS.index(dimension)
    totals: Counter = Counter()
    for row in cube:
        totals[row[position]] += row[-1]
    return totals


def ordered_rows(counts: Counter, keys: Iterable) -> list[dict]:
    """A breakdown as rows in the given key order, then any other keys seen, sorted."""
    keys = list(keys)
    extra = sorted((key for key in counts if key not in keys), key=lambda key: (key is None, str(key)))
    return [{"key": key, "count": int(counts.get(key, 0))} for key in [*keys, *extra]]


def cube_breakdowns(cube: list[tuple], filters: SummaryFilters) -> tuple[int, dict[str, list[dict]]]:
    """The total and the one-way breakdowns (level, route, commodity, stars, area) of a cube."""
    total = sum(row[-1] for row in cube)
    area = marginal(cube, "area")
    breakdowns = {
        "level": ordered_rows(marginal(cube, "level"), LEVELS),
        "route": ordered_rows(marginal(cube, "route"), ROUTES),
        "commodity": ordered_rows(marginal(cube, "commodity"), COMMODITIES),
        "ovop_stars": ordered_rows(marginal(cube, "ovop_stars"), STARS),
        "area": ordered_rows(area, sorted(key for key in area if key)),
    }
    return total, breakdowns


def programme_rows(combinations: Iterable[tuple[str | None, int]]) -> list[dict]:
    """IKM eligible per programme, from counts per ';'-joined combination (an IKM may count for several)."""
    counts: Counter = Counter()
    for joined, count in combinations:
        for code in (joined or "").split(";"):
            if code:
                counts[code] += count
    return [{"key": code, "count": count} for code, count in sorted(counts.items())]


def gap_rows(grouped: Iterable[tuple], limit: int = 12) -> list[dict]:
    """The most frequent gaps (requirement, severity, date) over IKM, most frequent first."""
    counts: Counter = Counter()
    for requirement, severity, applies_from, _commodity, count in grouped:
        counts[(requirement, severity, applies_from)] += count
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0][0], item[0][1]))[:limit]
    return [
        {
            "requirement": requirement,
            "severity": severity,
            "applies_from": applies_from.isoformat() if applies_from else None,
            "count": count,
        }
        for (requirement, severity, applies_from), count in ranked
    ]


def blocked_on_dates(
    grouped: Iterable[tuple], requirements: frozenset[str], commodities: tuple[str, ...]
) -> list[dict]:
    """IKM per commodity that the requirements block on each of their dates (already blocking ones too)."""
    by_date: dict = defaultdict(Counter)
    already: Counter = Counter()
    for code, severity, applies_from, commodity, count in grouped:
        if code not in requirements or commodity not in commodities:
            continue
        if severity == "blocking" or applies_from is None:
            already[commodity] += count
        else:
            by_date[applies_from][commodity] += count
    rows, running = [], Counter(already)
    for applies_from in sorted(by_date):
        running.update(by_date[applies_from])
        rows.append(
            {"date": applies_from.isoformat(), **{commodity: running[commodity] for commodity in commodities}}
        )
    return rows


def suppressed_summary(summary: dict, filters: SummaryFilters) -> dict:
    """The summary with small cells below province level hidden ("<5") and their complements protected."""
    result = dict(summary)
    breakdowns = dict(summary["breakdowns"])
    if filters.below_province:
        result["totals"] = {key: suppress_total(value) for key, value in summary["totals"].items()}
        for name in ("level", "route", "commodity", "ovop_stars"):
            breakdowns[name] = suppress_rows(breakdowns[name], ["count"])
        breakdowns["programmes"] = suppress_cells(breakdowns["programmes"], ["count"])
        breakdowns["gaps"] = suppress_cells(breakdowns["gaps"], ["count"])
        breakdowns["eudr"] = suppress_cells(breakdowns["eudr"], list(summary["eudr_scope"]["commodities"]))
        breakdowns["trend"] = suppress_cells(breakdowns["trend"], ["assessed", "proposed"])
        breakdowns["financing"] = _suppressed_money(breakdowns["financing"])
        cases = dict(breakdowns["cases"])
        for name in ("by_status", "by_reason"):
            cases[name] = suppress_rows(cases[name], ["count"])
        cases["overrides"] = suppress_total(cases["overrides"])
        breakdowns["cases"] = cases
    if filters.area_level == "regency":
        breakdowns["area"] = suppress_rows(breakdowns["area"], ["count"])
    result["breakdowns"] = breakdowns
    result["suppression"] = {
        "threshold": THRESHOLD,
        "shown_as": SUPPRESSED,
        "below_province": filters.below_province,
    }
    return result


def _suppressed_money(rows: list[dict]) -> list[dict]:
    """Financing rows: amounts of fewer than 5 cases would point at one IKM's loan, so they go too."""
    result = []
    for row in suppress_cells(rows, ["cases"]):
        if row["cases"] == "<5":
            row = {**row, "requested_idr": "<5", "approved_idr": "<5"}
        result.append(row)
    return result
