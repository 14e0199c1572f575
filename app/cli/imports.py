"""`flask --app wsgi import-ikm FILE --region CODE [--partial]`: bulk import from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.errors import DomainError

CLI_ACTOR = "cli"


def _print_errors(report: dict) -> None:
    """One line per problem: line, column, message in Bahasa Indonesia and English, the value read."""
    for item in report.get("errors", []):
        value = f" [{item['value']}]" if item.get("value") else ""
        where = f"line {item['line']}, {item.get('column') or '-'}"
        click.echo(f"  {where}: {item['message_id']} / {item['message_en']}{value}")


@click.command("import-ikm")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--region", required=True, help="The kabupaten/kota (PP.KK) or province (PP) the file is for.")
@click.option(
    "--partial", is_flag=True, help="Keep the valid rows when others fail (default: all or nothing)."
)
@with_appcontext
def import_ikm_command(file: Path, region: str, partial: bool) -> None:
    """Import IKM profiles from a CSV or XLSX file (the template's columns); re-imports update by NIB."""
    from app.services import imports

    size = file.stat().st_size
    if size > current_app.config["IMPORT_MAX_BYTES"]:
        raise click.ClickException(imports.size_limit_error(size).message)

    def progress(done: int, total: int) -> None:
        click.echo(f"writing {done}/{total}", err=True)

    try:
        report = imports.run_import(file.read_bytes(), file.name, region, CLI_ACTOR, partial, progress)
    except DomainError as error:
        report = error.extra.get("report")
        click.echo(error.message)
        if report:
            _print_errors(report)
        raise click.ClickException("nothing was imported / tidak ada yang diimpor") from error
    click.echo(
        f"{file.name} ({report['format']}{', ' + report['encoding'] if report.get('encoding') else ''}): "
        f"{report['rows']} rows, {report['created']} created, {report['updated']} updated, "
        f"{report['unchanged']} unchanged, {report['invalid']} invalid"
    )
    _print_errors(report)
