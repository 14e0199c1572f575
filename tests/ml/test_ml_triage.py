"""Triage model: shared features, synthetic labelling, fairness report, disagreement, no-model service."""

from __future__ import annotations

import numpy as np
import pytest

from app.ml import (
    FEATURE_NAMES,
    disagrees_strongly,
    load_triage_model,
    train_triage_from_rows,
    triage_features,
)
from app.ml.triage import region_group_of, region_groups
from app.ml.triage_features import feature_vector


@pytest.fixture(scope="module")
def trained(decision_rows):
    """A triage model trained on the small synthetic history."""
    return train_triage_from_rows(decision_rows, synthetic=True)


def test_features_are_the_same_numbers_at_training_and_serving_time(decision_rows, trained):
    row = decision_rows[3]
    features = triage_features(row["profile"], row["assessment"])
    assert list(features) == list(FEATURE_NAMES)
    assert all(isinstance(value, float) for value in features.values())
    # Serving: priority() computes its input with the same function the training matrix used.
    served = trained.model.priority(row["profile"], row["assessment"])["score"]
    trained_input = np.array([feature_vector(row["profile"], row["assessment"])])
    assert served == pytest.approx(trained.model.pipeline.predict_proba(trained_input)[0, 1], abs=1e-4)
    assert trained.metadata["feature_names"] == list(FEATURE_NAMES)


def test_protected_attributes_are_not_features(decision_rows):
    row = decision_rows[0]
    changed = {**row["profile"], "owner_gender": "female", "region_code": "91.01"}
    assert triage_features(changed, row["assessment"]) == triage_features(
        {**row["profile"], "owner_gender": "male", "region_code": "32.01"}, row["assessment"]
    )


def test_synthetic_history_is_labelled_and_never_approves_against_the_rules(decision_rows):
    assert all(row["synthetic"] is True for row in decision_rows)
    assert {row["decision"] for row in decision_rows} == {"approved", "referred", "rejected"}
    approved_routes = {row["assessment"]["route"] for row in decision_rows if row["decision"] == "approved"}
    assert approved_routes == {"financial"}
    assert all(row["decided_by"].startswith("synthetic-advisor-") for row in decision_rows)


def test_priority_has_score_factors_and_synthetic_flag(decision_rows, trained):
    result = trained.model.priority(decision_rows[0]["profile"], decision_rows[0]["assessment"])
    assert 0.0 <= result["score"] <= 1.0
    assert result["synthetic"] is True
    assert 1 <= len(result["top_factors"]) <= 5
    assert {factor["feature"] for factor in result["top_factors"]} <= set(FEATURE_NAMES)
    magnitudes = [abs(factor["contribution"]) for factor in result["top_factors"]]
    assert magnitudes == sorted(magnitudes, reverse=True)


def test_ready_financial_cases_rank_above_unready_ones(decision_rows, trained):
    scores = trained.model.priority_many([(r["profile"], r["assessment"]) for r in decision_rows])
    approved = np.array([r["decision"] == "approved" for r in decision_rows])
    assert scores[approved].mean() > scores[~approved].mean() + 0.3
    assert trained.metadata["metrics"]["test_auc"] > 0.8


def test_fairness_report_has_every_group(trained):
    groups = trained.fairness["groups"]
    assert [g["group"] for g in groups["owner_gender"]][:3] == ["female", "male", "undisclosed"]
    region_names = {g["group"] for g in groups["region_group"]}
    assert {
        "Java",
        "Sumatera",
        "Kalimantan",
        "Sulawesi",
        "Bali–Nusa Tenggara",
        "Maluku–Papua",
    } <= region_names
    assert {g["group"] for g in groups["size_class"]} >= {"micro", "small", "medium", "large"}
    for entries in groups.values():
        for entry in entries:
            if entry["n"]:
                assert 0.0 <= entry["selection_rate"] <= 1.0
                assert "selection_rate_gap" in entry and "auc" in entry
    for flag in trained.fairness["flags"]:
        assert flag["reason"] in {"selection_rate_gap", "auc_gap"}


def test_every_province_has_a_region_group():
    import csv

    from app.ml.paths import REFERENCE_DIR

    with (REFERENCE_DIR / "provinsi.csv").open(encoding="utf-8") as handle:
        provinces = {row["kode"] for row in csv.DictReader(handle)}
    assert provinces <= set(region_groups())
    assert region_group_of("11.17") == "Sumatera"
    assert region_group_of("35.07") == "Java"
    assert region_group_of("94.01") == "Maluku–Papua"
    assert region_group_of(None) == "unknown"


def test_disagreement_uses_the_configured_thresholds():
    from app.ml.paths import load_ml_config

    limits = load_ml_config()["triage"]["disagreement"]
    assert disagrees_strongly(limits["low"] - 0.01, {"route": "financial"})
    assert not disagrees_strongly(limits["low"] + 0.01, {"route": "financial"})
    assert disagrees_strongly(limits["high"] + 0.01, {"route": "non_financial"})
    assert not disagrees_strongly(0.5, {"route": "non_financial"})


def test_trained_artifact_loads_as_a_synthetic_triage_model(models_dir, decision_rows):
    model = load_triage_model(models_dir)
    assert model.version.startswith("triage/") and model.synthetic is True
    assert 0.0 <= model.priority(decision_rows[0]["profile"], decision_rows[0]["assessment"])["score"] <= 1.0


def test_without_a_triage_model_the_service_orders_by_rules(tmp_path):
    from app.services.models import load_models

    assert load_triage_model(tmp_path) is None
    models = load_models(tmp_path)
    assert models.triage is None
    assert "rules-only" in models.version
    assert models.hs_classifier.version == "hs-keyword/1"


def test_too_few_or_one_sided_decisions_are_refused(decision_rows):
    with pytest.raises(ValueError, match="not enough"):
        train_triage_from_rows(decision_rows[:5], synthetic=False)
    rejected = [{**row, "decision": "rejected"} for row in decision_rows[:50]]
    with pytest.raises(ValueError, match="only one outcome"):
        train_triage_from_rows(rejected, synthetic=False)


def test_served_priority_is_the_pipelines_own_output_for_every_row(decision_rows, trained):
    """priority() computes the score and contributions from the fitted coefficients without scikit-learn's
    per-call checks: the numbers are scikit-learn's, row for row (not merely close)."""
    model = trained.model
    matrix = np.array([feature_vector(row["profile"], row["assessment"]) for row in decision_rows])
    expected = model.pipeline.predict_proba(matrix)[:, 1]
    scaler, regression = model.pipeline.named_steps["scale"], model.pipeline.named_steps["model"]
    contributions = scaler.transform(matrix) * regression.coef_[0]
    pairs = [(row["profile"], row["assessment"]) for row in decision_rows]
    assert np.array_equal(model.priority_many(pairs), expected)
    for row, score, row_contributions in zip(decision_rows, expected, contributions, strict=True):
        served = model.priority(row["profile"], row["assessment"])
        assert served["score"] == round(float(score), 4)
        order = np.argsort(-np.abs(row_contributions))[:5]
        assert served["top_factors"] == [
            {"feature": FEATURE_NAMES[i], "contribution": round(float(row_contributions[i]), 4)}
            for i in order
            if row_contributions[i] != 0
        ]


def test_priorities_of_many_rows_are_each_rows_priority(decision_rows, trained):
    """priorities() (one matrix product for a batch, as batch assessments use it) gives each row exactly what
    priority() gives it alone: score, top factors in order, the synthetic flag."""
    pairs = [(row["profile"], row["assessment"]) for row in decision_rows]
    many = trained.model.priorities(pairs)
    assert len(many) == len(pairs)
    assert many == [trained.model.priority(profile, assessment) for profile, assessment in pairs]
    assert any(len(item["top_factors"]) > 1 for item in many)
