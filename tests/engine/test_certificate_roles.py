"""Certificate roles (certifications.yaml `role`): the formulas read the export-training and the
business-registration codes from the policy, so a policy copy with other codes works."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.engine import PolicyError, assess, load_policy
from app.engine.facts import read_facts
from app.engine.rules import evaluate
from app.engine.whatif import candidate_actions

from .conftest import edit_yaml

AS_OF = date(2026, 11, 27)
PROFILE = {
    "name": "Uji Peran Sertifikat",
    "region_code": "11.17",
    "nib": "1234567890123",
    "products": [
        {"description": "Kopi", "hs_code": "090111", "monthly_capacity": 100, "capacity_unit": "kg"}
    ],
    "target_markets": ["JP"],
    "certifications": [],
}


def _edit_codes(policy_dir: Path, change) -> None:
    edit_yaml(policy_dir / "certifications.yaml", lambda document: change(document["codes"]))


def test_the_repository_policy_names_both_roles():
    policy = load_policy()
    assert policy.certificate_for("export_training") == "EXPORT_TRAINING"
    assert policy.certificate_for("business_registration") == "NIB"


def test_export_training_under_another_code_scores_and_is_suggested(policy_copy):
    def change(codes):
        del codes["EXPORT_TRAINING"]["role"]
        codes["PELATIHAN"] = {
            "kind": "capability",
            "role": "export_training",
            "name_id": "Pelatihan ekspor",
            "name_en": "Export training",
            "source": "test",
        }

    _edit_codes(policy_copy, change)
    policy = load_policy(policy_copy)
    without = assess(PROFILE, AS_OF, policy)
    old_code = assess({**PROFILE, "certifications": [{"code": "EXPORT_TRAINING"}]}, AS_OF, policy)
    new_code = assess({**PROFILE, "certifications": [{"code": "PELATIHAN"}]}, AS_OF, policy)
    market = next(step for step in new_code["trace"] if step["rule"] == "readiness.market")
    assert market["inputs"]["export_training"] is True
    assert new_code["readiness"]["dimensions"]["market"] > without["readiness"]["dimensions"]["market"]
    assert old_code["readiness"]["dimensions"]["market"] == without["readiness"]["dimensions"]["market"]
    base = evaluate(read_facts(PROFILE, AS_OF, policy), policy)
    training = [
        action for action in candidate_actions(base, policy) if action.kind == "complete_export_training"
    ]
    assert [action.code for action in training] == ["PELATIHAN"]


def test_the_nib_field_counts_as_the_business_registration_code(policy_copy):
    def change(codes):
        del codes["NIB"]["role"]
        codes["NPWP"]["role"] = "business_registration"

    _edit_codes(policy_copy, change)
    facts = read_facts(PROFILE, AS_OF, load_policy(policy_copy))
    assert "NPWP" in facts.held and "NIB" not in facts.held
    assert "NIB" in read_facts(PROFILE, AS_OF, load_policy()).held


def test_a_role_given_twice_is_refused(policy_copy):
    _edit_codes(policy_copy, lambda codes: codes["NPWP"].update(role="business_registration"))
    with pytest.raises(PolicyError, match=r"certifications\.yaml: .*NPWP.*business_registration"):
        load_policy(policy_copy)


def test_an_unknown_role_is_refused(policy_copy):
    _edit_codes(policy_copy, lambda codes: codes["NPWP"].update(role="tax"))
    with pytest.raises(PolicyError, match=r"certifications\.yaml: .*role"):
        load_policy(policy_copy)
