"""`flask --app wsgi report quarterly --year 2026 --quarter 4 --out FILE.xlsx`: the quarterly report."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext


@click.group("report")
def report_group() -> None:
    """Reports for the ministry (aggregates, small cells suppressed, every export audited)."""


@report_group.command("quarterly")
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="The year, e.g. 2026.")
@click.option("--quarter", type=click.IntRange(1, 4), required=True, help="The quarter, 1 to 4.")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The .xlsx file.",
)
@with_appcontext
def quarterly_command(year: int, quarter: int, out: Path) -> None:
    """Write the national quarterly report as XLSX (one sheet per breakdown and a notes sheet)."""
    from app.services import reports

    if out.suffix.lower() != ".xlsx":
        raise click.BadParameter("the file name must end in .xlsx", param_hint="--out")
    report = reports.write_quarterly(out, year, quarter, actor="cli")
    click.echo(f"{out}: {report['totals']['ikm_assessed']} IKM assessed in {year} Q{quarter}")


@report_group.command("backfill")
@with_appcontext
def backfill_command() -> None:
    """Fill the reporting columns (eligible programmes, gaps, most urgent gap) of assessments stored before
    migration 0005 from their stored documents; `prepare` runs it when it finds such assessments."""
    from app.services.assessments import backfill_reporting_columns

    click.echo(f"{backfill_reporting_columns()} assessments given their report columns")
