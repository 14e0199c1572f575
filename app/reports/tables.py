"""Each breakdown of a summary as a table (title, headers, rows): one source for pages, CSV and XLSX."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.reports.words import TITLES, word
from app.web import labels


@dataclass
class Table:
    """A breakdown ready to show: its name, title, column headers and rows (numbers stay numbers)."""

    name: str
    title: str
    headers: list[str]
    rows: list[list]


def _one_way(report: dict, name: str) -> Table:
    """A one-way breakdown of IKM counts."""
    rows = report["breakdowns"][name]
    if name == "area":
        keyed = [[row["key"], row.get("name", row["key"]), row["count"]] for row in rows]
        return Table(name, str(TITLES[name]), [str(_l("Code")), str(_l("Name")), str(_l("IKM"))], keyed)
    kind = "level" if name == "level" else name
    return Table(
        name,
        str(TITLES[name]),
        [str(TITLES[name]), str(_l("IKM"))],
        [[word(kind, row["key"]), row["count"]] for row in rows],
    )


def _named(with_codes: bool, code, name: str) -> list:
    """A code's cells: its name, after the code itself in files (CSV/XLSX keep the code beside the label)."""
    return [code, name] if with_codes else [name]


def _named_header(with_codes: bool, title) -> list[str]:
    """The header cells matching `_named`."""
    return [str(_l("Code")), str(title)] if with_codes else [str(title)]


def summary_tables(report: dict, with_codes: bool = False) -> list[Table]:
    """Every breakdown of a summary as a table, in the order the pages and the workbook show them.

    Programmes, requirements and decision reasons are shown by name; `with_codes` (CSV and XLSX) adds
    each one's code in its own column before the name.
    """
    breakdowns = report["breakdowns"]
    cases = breakdowns["cases"]
    eudr_commodities = report["eudr_scope"]["commodities"]
    tables = [_one_way(report, name) for name in ("level", "route", "commodity", "ovop_stars", "area")]
    tables.append(
        Table(
            "programmes",
            str(TITLES["programmes"]),
            [*_named_header(with_codes, _l("Programme")), str(_l("IKM"))],
            [
                [*_named(with_codes, row["key"], labels.programme_name(row["key"])), row["count"]]
                for row in breakdowns["programmes"]
            ],
        )
    )
    tables.append(
        Table(
            "gaps",
            str(TITLES["gaps"]),
            [
                *_named_header(with_codes, _l("Requirement")),
                str(_l("Severity")),
                str(_l("From")),
                str(_l("IKM")),
            ],
            [
                [
                    *_named(with_codes, row["requirement"], labels.certificate_name(row["requirement"])),
                    word("severity", row["severity"]),
                    row["applies_from"] or "",
                    row["count"],
                ]
                for row in breakdowns["gaps"]
            ],
        )
    )
    tables.append(
        Table(
            "eudr",
            str(TITLES["eudr"]),
            [str(_l("On")), *(word("commodity", commodity) for commodity in eudr_commodities)],
            [
                [row["date"], *(row[commodity] for commodity in eudr_commodities)]
                for row in breakdowns["eudr"]
            ],
        )
    )
    tables.append(
        Table(
            "cases",
            str(TITLES["cases"]),
            [str(_l("Status")), str(_l("Cases"))],
            [[word("status", row["key"]), row["count"]] for row in cases["by_status"]]
            + [[str(_l("Overrides")), cases["overrides"]]],
        )
    )
    tables.append(
        Table(
            "reasons",
            str(TITLES["reasons"]),
            [str(_l("Outcome")), *_named_header(with_codes, _l("Reason")), str(_l("Cases"))],
            [
                [
                    word("status", row["key"].split(":")[0]),
                    *_named(with_codes, reason, labels.reason_name(reason) if reason != "None" else "—"),
                    row["count"],
                ]
                for row in cases["by_reason"]
                for reason in [row["key"].split(":", 1)[1]]
            ],
        )
    )
    tables.append(
        Table(
            "financing",
            str(TITLES["financing"]),
            [
                str(_l("Commodity")),
                *_named_header(with_codes, _l("Programme")),
                str(_l("Cases")),
                str(_l("Requested (IDR)")),
                str(_l("Approved (IDR)")),
            ],
            [
                [
                    word("commodity", row["commodity"]),
                    *_named(with_codes, row["programme"], labels.programme_name(row["programme"])),
                    row["cases"],
                    row["requested_idr"],
                    row["approved_idr"],
                ]
                for row in breakdowns["financing"]
            ],
        )
    )
    tables.append(
        Table(
            "trend",
            str(TITLES["trend"]),
            [str(_l("Month")), str(_l("IKM assessed")), str(_l("IKM proposed"))],
            [[row["month"], row["assessed"], row["proposed"]] for row in breakdowns["trend"]],
        )
    )
    return tables
