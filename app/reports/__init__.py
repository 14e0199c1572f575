"""Reporting: pure aggregation of counted rows into breakdowns, suppression, charts, the map and exports."""

# Content types of the report downloads (the API and the pages send the same files).
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
