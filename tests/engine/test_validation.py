"""The engine's row validation follows contract.md's profile table like the app's marshmallow schema."""

from __future__ import annotations

import pytest

from app.engine.validation import schema_validator, validate_profile

from .conftest import load_cases, merge

BASE, _ = load_cases("programmes.yaml")
INVALID = [
    ({"name": ""}, "name"),
    ({"nib": "12345"}, "nib"),
    ({"legal_form": "bumn"}, "legal_form"),
    ({"region_code": "99.99"}, "region_code"),
    ({"founded_year": 1899}, "founded_year"),
    ({"annual_revenue_idr": -1}, "annual_revenue_idr"),
    ({"credit_status": "lancar"}, "credit_status"),
    ({"group": {"kind": "club", "members": 3}}, "group.kind"),
    ({"ovop_stars": 6}, "ovop_stars"),
    ({"products": []}, "products"),
    ({"products": [{"description": "kopi", "hs_code": "999998"}]}, "products.0.hs_code"),
    ({"products": [{"description": "kopi", "capacity_unit": "karung"}]}, "products.0.capacity_unit"),
    ({"certifications": [{"code": "ISO9001"}]}, "certifications.0.code"),
    ({"certifications": [{"code": "HALAL", "valid_until": "next year"}]}, "certifications.0.valid_until"),
    ({"target_markets": ["EU"]}, "target_markets.0"),
    ({"buyer_contract": {"market": "XX"}}, "buyer_contract.market"),
    ({"practices": {"email": "maybe"}}, "practices.email"),
]


def test_a_valid_profile_passes():
    profile, errors = validate_profile(BASE)
    assert errors == [] and profile is BASE


@pytest.mark.parametrize(("change", "field"), INVALID, ids=[field for _, field in INVALID])
def test_an_invalid_field_is_rejected_with_its_path(change, field):
    profile, errors = validate_profile(merge(BASE, change))
    assert profile is None
    assert field in [path for path, _ in errors], errors


@pytest.mark.parametrize(("change", "field"), INVALID, ids=[field for _, field in INVALID])
def test_the_schema_rejects_the_same_rows(change, field):
    validate = schema_validator()
    if validate is None:
        pytest.skip("app.schemas.ikm is not importable")
    profile, errors = validate(merge(BASE, change))
    assert profile is None and errors
