"""Import rows like the template's, written as CSV or XLSX."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

GAYO_ROW = {
    "name": "Koperasi Kopi Gayo Lestari",
    "nib": "9120001234567",
    "legal_form": "koperasi",
    "region_code": "11.17",
    "founded_year": "2012",
    "employees": "14",
    "annual_revenue_idr": "4.200.000.000",
    "owner_gender": "female",
    "credit_status": "current",
    "group_kind": "cooperative",
    "group_members": "605",
    "ovop_stars": "3",
    "product_1_description": "Kopi arabika Gayo wine process, green bean",
    "product_1_hs_code": "090111",
    "product_1_monthly_capacity": "20.000",
    "product_1_capacity_unit": "kg",
    "certifications": "NIB; NPWP",
    "cert_1_code": "ORGANIC",
    "cert_1_valid_until": "2027-08-01",
    "export_direct": "ya",
    "export_indirect": "tidak",
    "export_markets": "US",
    "last_export_year": "2025",
    "target_markets": "US; DE",
    "buyer_contract_market": "US",
    "practice_bookkeeping": "ya",
    "practice_bank_account": "ya",
    "practice_email": "ya",
    "practice_website": "tidak",
    "practice_marketplace": "ya",
}


def row(**changes) -> dict:
    """The Gayo row with some cells changed (None removes a cell)."""
    cells = {**GAYO_ROW, **changes}
    return {key: value for key, value in cells.items() if value is not None}


def numbered_rows(count: int, region: str = "11.17", start: int = 0) -> list[dict]:
    """`count` distinct valid rows (own NIB and name each)."""
    return [
        row(nib=f"91200{start + n:08d}", name=f"IKM Kopi {start + n}", region_code=region)
        for n in range(count)
    ]


def to_csv(rows: list[dict], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    """Rows as CSV bytes with the union of their columns as header."""
    header = list(dict.fromkeys(key for cells in rows for key in cells))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def to_xlsx(rows: list[dict]) -> bytes:
    """Rows as an XLSX workbook (cells keep their Python types: numbers, dates)."""
    header = list(dict.fromkeys(key for cells in rows for key in cells))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for cells in rows:
        sheet.append([cells.get(key) for key in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
