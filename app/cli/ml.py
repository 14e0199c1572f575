"""ML commands: train and evaluate the HS classifier, train the triage model, ensure artifacts exist."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


def models_dir() -> Path:
    """ML_MODELS_DIR of the running app, else <repo>/models."""
    from app.ml.paths import DEFAULT_MODELS_DIR

    configured = current_app.config.get("ML_MODELS_DIR") if current_app else None
    return Path(configured) if configured else DEFAULT_MODELS_DIR


def _print_hs_metrics(metrics: dict) -> None:
    """Echo the evaluation figures of one labelled file, then per commodity and per family."""
    click.echo(f"{metrics['file']}: {metrics['n']} rows")
    click.echo(f"  top-1 HS6: {metrics['top1_hs6']:.1%}")
    click.echo(f"  top-1 HS4: {metrics['top1_hs4']:.1%}")
    click.echo(f"  top-3 HS6: {metrics['top3_hs6']:.1%}")
    right = metrics["mean_score_when_right"] or 0
    wrong = metrics["mean_score_when_wrong"] or 0
    click.echo(f"  mean top-1 score {metrics['mean_top1_score']:.3f} (right {right:.3f}, wrong {wrong:.3f})")
    click.echo(
        f"  calibration error {metrics['expected_calibration_error']:.3f}; "
        f"low-confidence share {metrics['low_confidence_share']:.1%}"
    )
    if "abstain_threshold" in metrics:
        click.echo(
            f"  abstain below {metrics['abstain_threshold']:.3f}: errors flagged "
            f"{_share(metrics['errors_flagged'])}, correct flagged {_share(metrics['correct_flagged'])}"
        )
    for kind in ("commodity", "family"):
        groups = metrics.get(f"by_{kind}") or {}
        if not groups:
            continue
        click.echo(
            f"  per {kind}:      rows  top-1 HS6  top-1 HS4  top-3 HS6    ECE"
            "  errors flagged  correct flagged"
        )
        for name, m in groups.items():
            click.echo(
                f"    {name:<14}{m['n']:>5}  {m['top1_hs6']:>9.1%}  {m['top1_hs4']:>9.1%}"
                f"  {m['top3_hs6']:>9.1%}"
                f"  {m['expected_calibration_error']:>5.3f}  {_share(m['errors_flagged']):>14}"
                f"  {_share(m['correct_flagged']):>15}"
            )


def _share(value: float | None) -> str:
    """A share as a percentage, or "–" when there is nothing to count."""
    return "–" if value is None else f"{value:.1%}"


@click.group("ml")
def ml_group() -> None:
    """Machine-learning models: HS classifier and triage."""


@ml_group.command("train-hs")
@click.option(
    "--with-corrections/--without-corrections",
    default=False,
    help="Also learn from the HS corrections advisors and owners recorded (database).",
)
@with_appcontext
def train_hs_command(with_corrections: bool) -> None:
    """Train the HS classifier on data/training and write a new artifact version."""
    from app.ml.artifacts import read_metadata
    from app.ml.registry import train_and_save_hs

    corrections = None
    if with_corrections:
        from app.services.hs_corrections import training_pairs

        corrections = training_pairs()
        click.echo(f"{len(corrections)} recorded HS corrections added to the training set")
    directory = train_and_save_hs(models_dir(), corrections=corrections)
    metadata = read_metadata(directory)
    click.echo(f"wrote {directory} ({metadata['training_rows']} rows, {metadata['fit_seconds']} s)")
    _print_hs_metrics({**metadata["metrics"]["heldout"]})


@ml_group.command("evaluate-hs")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A (description, hs_code[, family, split]) CSV; default data/training/hs_heldout.csv.",
)
@click.option(
    "--split",
    default=None,
    help='Only rows of this split (e.g. "report" of data/training/hs_dev_realistic.csv).',
)
@click.option("--errors/--no-errors", default=False, help="Also list the misclassified rows.")
@with_appcontext
def evaluate_hs_command(path: Path | None, split: str | None, errors: bool) -> None:
    """Print top-1 HS6, top-1 HS4, top-3 HS6, calibration and abstention figures of the current HS
    classifier, overall, per commodity and per family."""
    from app.ml.hs_classifier import evaluate_hs
    from app.ml.hs_training import HELDOUT_FILE
    from app.ml.registry import load_hs_classifier

    classifier = load_hs_classifier(models_dir())
    click.echo(f"model: {classifier.version}")
    metrics = evaluate_hs(classifier, path or HELDOUT_FILE, split=split)
    _print_hs_metrics(metrics)
    if errors:
        for error in metrics["errors"]:
            click.echo(
                f"  {error['expected']} → {error['got']} ({error['score']:.2f}): {error['description']}"
            )


@ml_group.command("train-triage")
@click.option(
    "--synthetic/--from-db",
    default=True,
    show_default=True,
    help="Train on the seeded synthetic decision history, or on advisors' stored decisions.",
)
@with_appcontext
def train_triage_command(synthetic: bool) -> None:
    """Train the triage (priority) model and write artifact, model card and fairness report."""
    from app.ml.paths import load_ml_config
    from app.ml.registry import save_triage, synthetic_rows

    if synthetic:
        rows = synthetic_rows()
    else:
        rows = _decision_rows_from_db()
        needed = load_ml_config()["triage"]["min_decisions"]
        if len(rows) < needed:
            click.echo(
                f"not enough decisions yet: {len(rows)} decided cases, {needed} needed "
                "(data/training/ml_config.yaml triage.min_decisions); nothing trained."
            )
            return
        # Decisions on generated demo IKM are not real advisors' judgements: label the model synthetic.
        synthetic = any(row.get("synthetic") for row in rows)
    directory = save_triage(models_dir(), rows, synthetic=synthetic)
    click.echo(f"wrote {directory} ({len(rows)} {'SYNTHETIC ' if synthetic else ''}decisions)")
    _print_triage_summary(directory)


def _print_triage_summary(directory: Path) -> None:
    """Echo test metrics and fairness flags of a triage artifact."""
    from app.ml.artifacts import read_metadata

    metadata = read_metadata(directory)
    metrics = metadata["metrics"]
    click.echo(
        f"  test AUC {metrics['test_auc']}, Brier {metrics['test_brier']}, training data: "
        f"{metadata['training_data']}"
    )
    flags = metadata.get("fairness_flags", [])
    click.echo(f"  fairness flags: {len(flags)} (see {directory / 'fairness.json'})")
    for flag in flags:
        click.echo(f"    {flag['attribute']}={flag['group']}: {flag['reason']}")


def _decision_rows_from_db() -> list[dict]:
    """Decided cases as rows {profile, assessment, decision, decided_by} for train_triage_from_rows.

    Reads them through `app.services.cases.decision_rows()` (the services layer is the only one that
    touches the database).
    """
    from app.services.cases import decision_rows

    return decision_rows()


@ml_group.command("ensure-models")
@with_appcontext
def ensure_models_command() -> None:
    """Train whatever model artifact is missing, unloadable or stale (quick when all are current)."""
    from app.ml.registry import ensure_models

    ensure_models(models_dir(), echo=click.echo)


@ml_group.command("classify-stored")
@click.option("--batch", default=20_000, show_default=True, help="Products classified per commit.")
@with_appcontext
def classify_stored_command(batch: int) -> None:
    """Keep the HS classification of every stored product without a given code (by the loaded model)."""
    from app.simulation.classified import classifier_version, classify_stored

    version = classifier_version()
    done = classify_stored(batch, lambda count: click.echo(f"  {count:,} classified"))
    click.echo(f"{done:,} products without a given HS code classified by {version}")
