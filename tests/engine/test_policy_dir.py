"""POLICY_DIR pointed at a changed copy of the policy: validation, the classifier's product classes, the
engine, the CLI and the pages all follow it (one Policy object, loaded by the app, is the only source)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from marshmallow import ValidationError

from app import create_app, reference
from app.engine import DEFAULT_POLICY_DIR, load_policy
from app.extensions import db
from app.schemas.ikm import IkmProfileSchema

from .conftest import edit_yaml

PROFILE = {
    "name": "Uji Policy Dir",
    "region_code": "11.17",
    "products": [
        {
            "description": "Keranjang rotan",
            "hs_code": "460212",
            "monthly_capacity": 10,
            "capacity_unit": "pcs",
        }
    ],
    "certifications": [{"code": "NIB"}],
    "practices": {
        "bookkeeping": True,
        "bank_account": True,
        "email": True,
        "website": True,
        "marketplace": True,
    },
}


@pytest.fixture
def changed_app(policy_copy, tmp_path):
    """An app whose POLICY_DIR is a copy with a new certificate code, plaited crafts moved to `other` and
    the digital weight raised."""
    policy_dir = policy_copy
    edit_yaml(
        policy_dir / "certifications.yaml",
        lambda d: d["codes"].update(
            {
                "BRCGS": {
                    "kind": "food_safety",
                    "name_id": "BRCGS Pangan",
                    "name_en": "BRCGS Food",
                    "source": "test",
                }
            }
        ),
    )
    edit_yaml(
        policy_dir / "product_classes.yaml",
        lambda d: d["classes"]["plaited_crafts"].update({"commodity": "other"}),
    )
    edit_yaml(policy_dir / "readiness.yaml", lambda d: d["weights"]["value"].update({"digital": 60}))
    countries = tmp_path / "data" / "reference" / "country_codes.csv"
    with countries.open("a", encoding="utf-8") as handle:
        handle.write("ZZ,ZZZ,999,999,Negeri Uji" + "," * 19 + "\n")  # a country only the copy knows
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}",
            "POLICY_DIR": policy_dir,
        }
    )
    with app.app_context():
        db.create_all()  # the engine's service reads which policy version is in force (adoptions)
    return app


def test_every_consumer_follows_the_changed_policy(changed_app, tmp_path):
    profile = {**PROFILE, "certifications": [{"code": "NIB"}, {"code": "BRCGS"}]}
    with pytest.raises(ValidationError):
        IkmProfileSchema().load(profile)  # outside the app: the repository's policy has no BRCGS
    assert reference.commodity_of("460212") == "crafts"
    policy = changed_app.extensions["policy"]
    with changed_app.app_context():
        assert IkmProfileSchema().load(profile)["certifications"][1]["code"] == "BRCGS"  # validation
        assert reference.commodity_of("460212") == "other"  # the classifier's product classes
        assert "BRCGS" in reference.certification_names()  # the self-check form and page (app/web)
        from app.services.assessments import evaluate

        changed = evaluate(PROFILE, date(2026, 11, 29))  # the engine
    assert changed["policy_hash"] == policy.content_hash
    assert changed["products"][0]["commodity"] == "other"
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(PROFILE) + "\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    result = changed_app.test_cli_runner().invoke(
        args=["assess-batch", "--input", str(source), "--output", str(output), "--as-of", "2026-11-29"]
    )
    assert result.exit_code == 0, result.output
    row = json.loads(output.read_text(encoding="utf-8").splitlines()[0])
    assert row["policy_hash"] == policy.content_hash and row["score"] == changed["readiness"]["score"]  # CLI
    repository = load_policy(DEFAULT_POLICY_DIR)
    weights = {**repository.weights, "digital": 60}
    assert policy.weights == weights  # the engine's readiness weights follow the copy
    page = changed_app.test_client().get("/cek-kesiapan")
    assert page.status_code == 200 and "BRCGS Pangan" in page.get_data(as_text=True)  # the pages


def test_the_classifier_reports_the_commodity_of_the_changed_product_classes(changed_app):
    from app.ml.hs_keyword import KeywordHsClassifier

    classifier = KeywordHsClassifier()
    outside = classifier.classify("keranjang rotan anyaman")
    assert outside and outside[0]["hs_code"].startswith("4602") and outside[0]["commodity"] == "crafts"
    with changed_app.app_context():
        inside = classifier.classify("keranjang rotan anyaman")
    assert inside[0]["hs_code"] == outside[0]["hs_code"] and inside[0]["commodity"] == "other"


def test_validation_takes_its_countries_from_beside_the_policy_dir(changed_app):
    from app.engine.validation import validate_profile

    profile = {**PROFILE, "target_markets": ["ZZ"]}
    with pytest.raises(ValidationError):
        IkmProfileSchema().load(profile)  # outside the app: the repository's list has no ZZ
    assert validate_profile(profile)[1]
    with changed_app.app_context():
        assert IkmProfileSchema().load(profile)["target_markets"] == ["ZZ"]
        assert validate_profile(profile) == (IkmProfileSchema().load(profile), [])
