"""`prepare`: check what set-up is missing and do only that, in one start-up (`make run` calls it)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("prepare")
@click.option("--demo/--no-demo", default=True, show_default=True, help="Also the demo IKM, users and cases.")
@click.option("--demo-count", default=1200, show_default=True, help="How many demo IKM to load.")
@click.option("--demo-cases", default=500, show_default=True, help="How many demo IKM get a case.")
@click.option("--check", is_flag=True, help="Only report what is missing; exit status 1 when something is.")
@click.option(
    "--logins/--no-logins", default=True, show_default=True, help="Print the demo logins at the end."
)
@click.pass_context
@with_appcontext
def prepare_command(
    context: click.Context, demo: bool, demo_count: int, demo_cases: int, check: bool, logins: bool
) -> None:
    """Train missing models, migrate, load reference and demo data: only the steps with something to do.

    Each step is checked cheaply first (artifact hashes, Alembic revision, row counts); a set-up checkout
    costs about one start-up. With --demo the demo logins are printed at the end, as `users demo` does.
    """
    from app.cli.data import load_reference_command, seed_demo_cases_command, seed_demo_command
    from app.cli.ml import classify_stored_command, ensure_models_command
    from app.cli.reports import backfill_command
    from app.cli.users import demo_users_command
    from app.services.setup import setup_steps

    steps = setup_steps(demo, demo_count, demo_cases)
    for step in steps:
        click.echo(f"{step.name}: {step.missing or 'nothing to do'}")
    missing = {step.name for step in steps if step.missing}
    if check:
        context.exit(1 if missing else 0)
    runs = {
        "models": lambda: context.invoke(ensure_models_command),
        "migrations": _upgrade,
        "reference": lambda: context.invoke(load_reference_command),
        "report-columns": lambda: context.invoke(backfill_command),
        "demo-ikm": lambda: context.invoke(seed_demo_command, count=demo_count),
        "demo-cases": lambda: context.invoke(seed_demo_cases_command, count=demo_cases),
        "hs-classified": lambda: context.invoke(classify_stored_command),
    }
    for step in steps:
        if step.name in missing and step.name in runs:
            click.echo(f"{step.name}: running…")
            runs[step.name]()
        if step.name == "demo-users":  # idempotent; run every time (makes sure of the accounts)
            if logins:
                context.invoke(demo_users_command)
            else:  # `make run` prints them itself, once the server answers
                _ensure_demo_users()


def _ensure_demo_users() -> None:
    """Create the demo accounts that are missing, printing nothing."""
    from flask import current_app

    from app.services.users import ensure_demo_users

    ensure_demo_users(current_app.config["WORKFLOW_DATA_DIR"], current_app.config["SECRET_KEY"])


def _upgrade() -> None:
    """Apply the Alembic migrations."""
    from flask_migrate import upgrade

    upgrade()
