"""CSV and XLSX of a summary: one sheet per breakdown, formatted headers, frozen panes, a notes sheet."""

from __future__ import annotations

import csv
import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.reports.tables import Table, summary_tables

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
IDR_FORMAT = "#,##0"


def summary_csv(report: dict, breakdown: str | None = None) -> bytes:
    """One breakdown (or all, one after the other with a `breakdown` column) as UTF-8 CSV with BOM."""
    output = io.StringIO()
    writer = csv.writer(output)
    tables = [table for table in summary_tables(report, with_codes=True) if breakdown in (None, table.name)]
    for table in tables:
        writer.writerow(["breakdown", *table.headers])
        for row in table.rows:
            writer.writerow([table.name, *row])
    return ("\ufeff" + output.getvalue()).encode("utf-8")


def _sheet(workbook: Workbook, table: Table) -> None:
    """A sheet for one table: bold coloured header, frozen below it, numbers as numbers, widths fitted."""
    sheet = workbook.create_sheet(table.name[:31])
    sheet.append(table.headers)
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.rows:
        sheet.append(row)
    for column, header in enumerate(table.headers, start=1):
        values = [str(header)] + [str(row[column - 1]) for row in table.rows]
        sheet.column_dimensions[get_column_letter(column)].width = min(
            45, max(10, *(len(v) + 2 for v in values))
        )
        if "IDR" in str(header):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
                cell.number_format = IDR_FORMAT
    sheet.freeze_panes = "A2"


def summary_xlsx(report: dict) -> bytes:
    """The whole summary as a workbook: a notes sheet, then one sheet per breakdown."""
    workbook = Workbook()
    notes = workbook.active
    notes.title = "notes"
    notes.append([_("OVOP export readiness — report"), ""])
    notes["A1"].font = Font(bold=True, size=14)
    rows = [
        (_("Policy version"), report["policy_version"]),
        (_("Generated at (UTC)"), report["generated_at"]),
        (_("Period"), " – ".join(day or "…" for day in report["period"])),
        (_("Filters"), ", ".join(f"{key}={value}" for key, value in report["filters"].items()) or _("none")),
        (_("IKM assessed"), report["totals"]["ikm_assessed"]),
        (_("IKM proposed"), report["totals"]["ikm_proposed"]),
        (
            _("Suppression"),
            _("Below province level, counts of fewer than 5 IKM are shown as <5, and their complements too."),
        ),
    ]
    for label, value in rows:
        notes.append([label, value])
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 90
    for table in summary_tables(report, with_codes=True):
        _sheet(workbook, table)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
