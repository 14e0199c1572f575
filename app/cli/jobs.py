"""`flask --app wsgi jobs worker|run` (the job queue) and `flask --app wsgi simulate` (a policy change)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


@click.group("jobs")
def jobs_group() -> None:
    """The job queue: an RQ worker on JOB_BROKER_URL, or one job run in this process."""


@jobs_group.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run queued jobs from Redis (JOB_BROKER_URL) until stopped; each job runs in this process."""
    from app.jobs import broker_url

    url = broker_url()
    if not url:
        raise click.UsageError(
            "JOB_BROKER_URL is not set: jobs run in the web process's worker thread (no worker needed)."
        )
    from redis import Redis
    from rq import Queue, SimpleWorker

    connection = Redis.from_url(url)
    queue = Queue(current_app.config["JOB_QUEUE_NAME"], connection=connection)
    click.echo(f"worker on {queue.name} at {connection.connection_pool.connection_kwargs.get('host')}")
    SimpleWorker([queue], connection=connection).work(burst=burst, with_scheduler=False)


@jobs_group.command("run")
@click.argument("job_id", type=int)
@with_appcontext
def run_command(job_id: int) -> None:
    """Run one job now in this process (e.g. a stale job whose worker died); print its status."""
    from app.jobs import execute

    click.echo(f"job {job_id}: {execute(job_id)}")


@click.command("simulate")
@click.option(
    "--changes",
    "changes_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML file of changes to the base version (a list, or a `changes:` list).",
)
@click.option("--base", help="Base version (default: the current one).")
@click.option("--compare-version", help="Compare the base with this version instead of changes.")
@click.option(
    "--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Date of the base evaluation (default today)."
)
@click.option("--compare-as-of", type=click.DateTime(["%Y-%m-%d"]), help="Date of the compared evaluation.")
@click.option("--province", help="Only IKM of this province (two digits).")
@click.option("--commodity", help="Only IKM of this commodity.")
@click.option("--size-class", help="Only IKM of this size class (under the base version).")
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the full result as JSON."
)
@with_appcontext
def simulate_command(
    changes_file, base, compare_version, as_of, compare_as_of, province, commodity, size_class, output
):
    """Simulate a policy change over the current population (nothing is stored) and print the counts."""
    from app.errors import DomainError
    from app.simulation import service

    params = {
        "base": base,
        "changes_yaml": changes_file.read_text(encoding="utf-8") if changes_file else None,
        "compare_version": compare_version,
        "as_of": as_of.date() if as_of else None,
        "compare_as_of": compare_as_of.date() if compare_as_of else None,
        "province": province,
        "commodity": commodity,
        "size_class": size_class,
    }
    try:
        result = service.simulate(service.prepare({k: v for k, v in params.items() if v is not None}))
    except DomainError as error:
        raise click.ClickException(
            f"{error.message} {json.dumps(error.errors) if error.errors else ''}"
        ) from None
    click.echo(
        f"{result['base']['version']} on {result['base']['as_of']} → "
        f"{result['compare']['version']} on {result['compare']['as_of']}: {result['totals']['ikm']} IKM"
    )
    for name, value in result["totals"].items():
        click.echo(f"  {name}: {value}")
    for row in result["programmes"]:
        click.echo(f"  {row['code']}: +{row['became_eligible']} eligible, -{row['lost_eligibility']}")
    for row in result["markets"]:
        click.echo(f"  {row['market']}: {row['newly_blocked']} newly blocked, {row['unblocked']} unblocked")
    for row in result.get("requirements", []):
        click.echo(
            f"  {row['requirement']} ({row['name_en']}): blocking gap appears for {row['appearing']}, "
            f"disappears for {row['disappearing']}"
        )
    click.echo("  timings (s): " + ", ".join(f"{k} {v}" for k, v in result["timings"].items()))
    if output:
        output.write_text(json.dumps(result, default=str, ensure_ascii=False, indent=1), encoding="utf-8")
        click.echo(f"  full result: {output}")
