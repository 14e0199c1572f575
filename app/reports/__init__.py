"""Reporting: pure aggregation of counted rows into breakdowns, suppression, charts, the map and exports."""
