"""Policy v1.1 (policy-v1 §8) and its contract additions through the API: founded_on, a gap's
conditional_on, a null dimension, the v1.1 label, and GET /requirements."""

from __future__ import annotations

import pytest

from tests.profiles import gayo


@pytest.fixture
def client(client, auth):
    """Requests come from an admin token (access rules are tested in tests/auth/)."""
    client.environ_base["HTTP_AUTHORIZATION"] = auth("admin")["Authorization"]
    return client


def _assess(client, profile: dict, as_of: str = "2026-11-29"):
    return client.post("/api/v1/assessments", json={"profile": profile, "as_of": as_of})


def test_new_assessments_record_policy_v1_1(client):
    body = _assess(client, gayo()).json
    assert body["policy_version"] == "v1.1"


def test_unknown_size_marks_the_eudr_gap_conditional_on_size_class(client):
    profile = gayo()
    del profile["annual_revenue_idr"]
    response = _assess(client, profile)
    assert response.status_code == 201, response.json
    body = response.json
    eudr = next(gap for gap in body["gaps"] if gap["requirement"] == "EUDR_GEO" and gap["market"] == "DE")
    assert eudr["conditional_on"] == "size_class" and eudr["applies_from"] == "2026-12-30"
    assert "annual_revenue_idr" in body["missing_fields"] and body["size_class"] is None
    gi = next(gap for gap in body["gaps"] if gap["requirement"] == "GI")
    assert gi["conditional_on"] is None and gi["geographical_indication"]["name"] == "Kopi Arabika Gayo"


def test_a_craft_maker_has_a_null_quality_dimension(client):
    profile = gayo(
        products=[
            {
                "description": "Keranjang rotan",
                "hs_code": "460212",
                "monthly_capacity": 2000,
                "capacity_unit": "pcs",
            }
        ]
    )
    body = _assess(client, profile).json
    assert body["readiness"]["dimensions"]["quality"] is None
    assert isinstance(body["readiness"]["score"], int)


def test_founded_on_settles_years_in_business(client):
    profile = gayo(founded_year=2024, founded_on="2024-11-29")
    body = _assess(client, profile).json
    pke = next(p for p in body["programmes"] if p["code"] == "PKE_UMKM")
    years = next(c for c in pke["criteria"] if c["name"] == "years_in_business")
    assert years["outcome"] == "pass" and years["actual"] == 2


def test_founded_on_that_disagrees_with_founded_year_is_422(client):
    response = _assess(client, gayo(founded_year=2012, founded_on="2013-05-01"))
    assert response.status_code == 422
    assert "founded_on" in response.json["errors"]["json"]["profile"]


def test_founded_on_after_as_of_is_422(client):
    response = _assess(client, gayo(founded_year=2020, founded_on="2020-06-01"), as_of="2020-01-15")
    assert response.status_code == 422
    assert "founded_on" in response.json["errors"]["json"]["profile"]


def test_founded_on_is_stored_with_the_ikm_and_used_by_its_assessment(client):
    created = client.post(
        "/api/v1/ikms", json=gayo(nib="9120001234999", founded_year=2024, founded_on="2024-11-29")
    )
    assert created.status_code == 201, created.json
    assert created.json["founded_on"] == "2024-11-29"
    ikm_id = created.json["id"]
    assert client.get(f"/api/v1/ikms/{ikm_id}").json["founded_on"] == "2024-11-29"
    body = client.post("/api/v1/assessments", json={"ikm_id": ikm_id, "as_of": "2026-11-29"}).json
    pke = next(p for p in body["programmes"] if p["code"] == "PKE_UMKM")
    assert next(c for c in pke["criteria"] if c["name"] == "years_in_business")["outcome"] == "pass"
    too_early = client.post("/api/v1/assessments", json={"ikm_id": ikm_id, "as_of": "2024-01-01"})
    assert too_early.status_code == 422 and "as_of" in too_early.json["errors"]["json"]


def test_requirements_for_processed_food_at_home_are_blocking_permits_by_size(client):
    body = client.get("/api/v1/requirements?hs_code=190531&market=ID&as_of=2026-11-29&size_class=medium").json
    codes = {item["requirement"]: item for item in body["requirements"]}
    assert codes["BPOM_MD"]["severity"] == "blocking" and "PIRT" not in codes
    assert codes["HALAL"]["severity"] == "blocking"
    abroad = client.get("/api/v1/requirements?hs_code=190531&market=JP&as_of=2026-11-29").json
    assert not {"PIRT", "BPOM_MD"} & {item["requirement"] for item in abroad["requirements"]}


def test_requirements_for_wooden_furniture_in_the_eu_include_svlk_and_eudr(client):
    body = client.get("/api/v1/requirements?hs_code=940350&market=DE&as_of=2027-07-01&size_class=small").json
    codes = {item["requirement"]: item["severity"] for item in body["requirements"]}
    assert codes["SVLK"] == "blocking" and codes["EUDR_GEO"] == "blocking"
