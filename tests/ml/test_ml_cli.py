"""`flask ml …` commands: evaluate-hs prints the three figures; ensure-models is quick when current."""

from __future__ import annotations

import pytest


@pytest.fixture
def ml_runner(app, models_dir):
    """A CLI runner whose app has the ml group and points ML_MODELS_DIR at the trained models."""
    from app.cli.ml import ml_group

    if "ml" not in app.cli.commands:
        app.cli.add_command(ml_group)
    previous = app.config.get("ML_MODELS_DIR")
    app.config["ML_MODELS_DIR"] = models_dir
    yield app.test_cli_runner()
    app.config["ML_MODELS_DIR"] = previous


def test_evaluate_hs_prints_top1_hs6_hs4_and_top3(ml_runner):
    result = ml_runner.invoke(args=["ml", "evaluate-hs"])
    assert result.exit_code == 0, result.output
    for label in ("top-1 HS6:", "top-1 HS4:", "top-3 HS6:", "hs_heldout.csv", "model: hs-classifier/"):
        assert label in result.output


def test_ensure_models_reports_up_to_date_artifacts(ml_runner):
    result = ml_runner.invoke(args=["ml", "ensure-models"])
    assert result.exit_code == 0, result.output
    assert "hs-classifier: up to date" in result.output
    assert "triage: up to date" in result.output


def test_train_triage_from_db_says_when_there_are_not_enough_decisions(ml_runner):
    result = ml_runner.invoke(args=["ml", "train-triage", "--from-db"])
    assert result.exit_code == 0, result.output
    assert "not enough decisions yet" in result.output


def test_evaluate_hs_prints_the_realistic_report_split_per_commodity_and_family(ml_runner):
    from app.ml.hs_training import DEV_REALISTIC_FILE

    result = ml_runner.invoke(
        args=["ml", "evaluate-hs", "--file", str(DEV_REALISTIC_FILE), "--split", "report"]
    )
    assert result.exit_code == 0, result.output
    assert "hs_dev_realistic.csv [report]" in result.output
    assert "abstain below" in result.output and "errors flagged" in result.output
    for label in ("per commodity:", "per family:", "elsewhere", "furniture", "textile", "coffee", "crafts"):
        assert label in result.output
