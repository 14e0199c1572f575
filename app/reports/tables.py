"""Each breakdown of a summary as a table (title, headers, rows): one source for pages, CSV and XLSX."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.reports.words import TITLES, word


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


def summary_tables(report: dict) -> list[Table]:
    """Every breakdown of a summary as a table, in the order the pages and the workbook show them."""
    breakdowns = report["breakdowns"]
    cases = breakdowns["cases"]
    tables = [_one_way(report, name) for name in ("level", "route", "commodity", "ovop_stars", "area")]
    tables.append(
        Table(
            "programmes",
            str(TITLES["programmes"]),
            [str(_l("Programme")), str(_l("IKM"))],
            [[row["key"], row["count"]] for row in breakdowns["programmes"]],
        )
    )
    tables.append(
        Table(
            "gaps",
            str(TITLES["gaps"]),
            [str(_l("Requirement")), str(_l("Severity")), str(_l("From")), str(_l("IKM"))],
            [
                [
                    row["requirement"],
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
            [str(_l("On")), word("commodity", "coffee"), word("commodity", "cocoa")],
            [[row["date"], row["coffee"], row["cocoa"]] for row in breakdowns["eudr"]],
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
            [str(_l("Outcome")), str(_l("Reason")), str(_l("Cases"))],
            [
                [word("status", row["key"].split(":")[0]), row["key"].split(":", 1)[1], row["count"]]
                for row in cases["by_reason"]
            ],
        )
    )
    tables.append(
        Table(
            "financing",
            str(TITLES["financing"]),
            [
                str(_l("Commodity")),
                str(_l("Programme")),
                str(_l("Cases")),
                str(_l("Requested (IDR)")),
                str(_l("Approved (IDR)")),
            ],
            [
                [
                    word("commodity", row["commodity"]),
                    row["programme"],
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
