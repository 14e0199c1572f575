"""Data commands: reference data, programme catalogue and the generated demo population."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("load-reference")
@with_appcontext
def load_reference_command() -> None:
    """Load regions, countries and HS 2022 codes from data/reference (idempotent)."""
    from app.services.reference_data import load_reference_data

    counts = load_reference_data(current_app.config["REFERENCE_DATA_DIR"])
    for table, figures in counts.items():
        click.echo(
            f"{table}: {figures['created']} created, {figures['updated']} updated, "
            f"{figures['unchanged']} unchanged"
        )


@click.command("seed-demo")
@click.option("--count", default=1200, show_default=True, help="How many IKM to generate.")
@click.option("--seed", default=20261127, show_default=True, help="Random seed of the generator.")
@with_appcontext
def seed_demo_command(count: int, seed: int) -> None:
    """Load the generated demo IKM population with one assessment each (idempotent by NIB)."""
    from app.demo.generator import DEMO_LABEL
    from app.services.demo import seed_demo

    with click.progressbar(length=count, label="demo IKM") as bar:
        counts = seed_demo(count, seed, progress=lambda: bar.update(1))
    click.echo(DEMO_LABEL)
    click.echo(
        f"demo IKM: {counts['created']} created, {counts['skipped']} already there, "
        f"{counts['invalid']} invalid; assessments stored: {counts['assessments']}"
    )


@click.command("setup")
@click.option("--demo/--no-demo", default=True, show_default=True, help="Also load the demo population.")
@click.pass_context
@with_appcontext
def setup_command(context: click.Context, demo: bool) -> None:
    """Apply migrations, load reference data and (by default) the demo data set."""
    from flask_migrate import upgrade

    upgrade()
    context.invoke(load_reference_command)
    if demo:
        context.invoke(seed_demo_command)


@click.command("seed-demo-cases")
@click.option("--count", default=500, show_default=True, help="How many demo IKM get a case.")
@click.option("--seed", default=20261127, show_default=True, help="Random seed of the workflow shares.")
@with_appcontext
def seed_demo_cases_command(count: int, seed: int) -> None:
    """Open demo cases and move some through review and decision (needs `users demo`; idempotent)."""
    from app.demo.generator import DEMO_LABEL
    from app.services.demo import seed_demo_cases

    counts = seed_demo_cases(count, seed)
    click.echo(DEMO_LABEL)
    click.echo(
        f"demo cases: {counts['created']} opened ({counts['in_review']} left in review, {counts['decided']} "
        f"decided, {counts['overrides']} overrides); {counts['skipped']} demo IKM already had one"
    )
