"""What set-up still has to do: cheap checks of models, schema, reference data and demo data.

Each check reads a few rows or file headers and imports nothing heavy, so that `flask --app wsgi prepare`
(called by `make run`) costs little more than one start-up when everything is already in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import func, inspect, select

from app.extensions import db
from app.models import Application, Assessment, Country, HsCode, Ikm, Province, Regency, User


@dataclass(frozen=True)
class SetupStep:
    """One set-up step and why it has to run (None when it has nothing to do)."""

    name: str
    missing: str | None


def models_missing(models_dir: Path) -> str | None:
    """Why `ml ensure-models` has to run (missing, unloadable or stale artifacts), else None."""
    from app.ml.registry import model_problems

    problems = [f"{name}: {problem}" for name, problem in model_problems(models_dir).items() if problem]
    return "; ".join(problems) or None


def migrations_missing() -> str | None:
    """Which Alembic heads the database has not reached yet, else None."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    with db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    if current == heads:
        return None
    return (
        f"database at {', '.join(sorted(current)) or 'no revision'}, migrations at {', '.join(sorted(heads))}"
    )


def reference_missing(directory: Path) -> str | None:
    """Which reference tables hold fewer rows than their files (regions, countries, HS codes), else None."""
    from app.services.reference_data import country_rows, hs_rows, province_rows, regency_rows

    expected = {
        Province: len(province_rows(directory)),
        Regency: len(regency_rows(directory)),
        Country: len(country_rows(directory)),
        HsCode: len(hs_rows(directory)),
    }
    short = [
        f"{model.__tablename__} {stored}/{wanted}"
        for model, wanted in expected.items()
        if (stored := db.session.scalar(select(func.count()).select_from(model))) < wanted
    ]
    return ", ".join(short) or None


def _demo_ikms(count: int):
    """A select of the ids of the first `count` generated demo IKM."""
    from app.demo import demo_nib_prefix

    return select(Ikm.id).where(Ikm.nib.startswith(demo_nib_prefix())).order_by(Ikm.id).limit(count)


def demo_ikms_missing(count: int) -> str | None:
    """How many of the `count` generated demo IKM are not loaded yet, else None."""
    stored = db.session.scalar(select(func.count()).select_from(_demo_ikms(count).subquery()))
    return f"{stored}/{count} demo IKM loaded" if stored < count else None


def demo_users_missing(directory: Path) -> str | None:
    """Which demo accounts of data/workflow/demo_users.yaml do not exist yet, else None."""
    from app.services.users import demo_definitions, normalise_email

    emails = {normalise_email(definition["email"]) for definition in demo_definitions(directory)}
    existing = set(db.session.scalars(select(User.email).where(User.email.in_(emails))))
    return ", ".join(sorted(emails - existing)) or None


def demo_cases_missing(count: int) -> str | None:
    """How many of the first `count` demo IKM have an assessment but no case yet, else None."""
    first = _demo_ikms(count).subquery()
    waiting = db.session.scalar(
        select(func.count())
        .select_from(first)
        .where(select(Assessment.id).where(Assessment.ikm_id == first.c.id).exists())
        .where(~select(Application.id).where(Application.ikm_id == first.c.id).exists())
    )
    return f"{waiting} demo IKM without a case" if waiting else None


def report_columns_missing() -> str | None:
    """Whether assessments stored before migration 0005 still lack their reporting columns, else None."""
    from app.services.assessments import assessments_without_reporting_columns

    found = db.session.scalar(
        select(func.count()).select_from(assessments_without_reporting_columns().limit(1).subquery())
    )
    return "assessments without report columns (stored before migration 0005)" if found else None


def hs_classifications_missing(models_dir: Path) -> str | None:
    """Whether products stored without an HS code lack the newest model's kept classification, else None."""
    from app.ml.registry import newest_hs_version
    from app.simulation.classified import pending_query

    version = newest_hs_version(models_dir)
    if version is None:
        return None
    pending = db.session.execute(pending_query(version, 0, 1)).first()
    return f"products without a kept classification by {version}" if pending else None


def setup_steps(demo: bool, demo_count: int, demo_cases: int) -> list[SetupStep]:
    """Every set-up step in order with what it still has to do; steps after a missing schema all run."""
    config = current_app.config
    steps = [SetupStep("models", models_missing(config["ML_MODELS_DIR"]))]
    schema = migrations_missing()
    steps.append(SetupStep("migrations", schema))
    tables_exist = inspect(db.engine).has_table(Ikm.__tablename__)
    if schema is not None or not tables_exist:
        later = ["reference", "report-columns"] + (["demo-ikm", "demo-users", "demo-cases"] if demo else [])
        later.append("hs-classified")
        return steps + [SetupStep(name, "database schema not up to date") for name in later]
    steps.append(SetupStep("reference", reference_missing(config["REFERENCE_DATA_DIR"])))
    steps.append(SetupStep("report-columns", report_columns_missing()))
    if demo:
        ikms = demo_ikms_missing(demo_count)
        steps.append(SetupStep("demo-ikm", ikms))
        steps.append(SetupStep("demo-users", demo_users_missing(config["WORKFLOW_DATA_DIR"])))
        cases = "demo IKM to be loaded first" if ikms else demo_cases_missing(demo_cases)
        steps.append(SetupStep("demo-cases", cases))
    steps.append(SetupStep("hs-classified", hs_classifications_missing(config["ML_MODELS_DIR"])))
    return steps
