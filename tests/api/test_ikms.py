"""/api/v1/ikms: create, read, update, list, and every validation rule of contract.md."""

from __future__ import annotations

from datetime import date

import pytest

from tests.profiles import gayo


@pytest.fixture
def client(client, auth):
    """Requests here come from an admin token; who may see what is tested in tests/auth/."""
    client.environ_base["HTTP_AUTHORIZATION"] = auth("admin")["Authorization"]
    return client


NEXT_YEAR = date.today().year + 1

# (field path in errors.json, the change to the contract's example profile) — one row per contract rule.
BAD_PROFILES = {
    "name is required": ("name", lambda p: p.pop("name")),
    "name is at least 1 character": ("name", lambda p: p.update(name="")),
    "name is at most 200 characters": ("name", lambda p: p.update(name="K" * 201)),
    "nib has 13 digits": ("nib", lambda p: p.update(nib="12345")),
    "nib is digits only": ("nib", lambda p: p.update(nib="91200012345AB")),
    "legal_form is from the list": ("legal_form", lambda p: p.update(legal_form="llc")),
    "region_code is required": ("region_code", lambda p: p.pop("region_code")),
    "region_code is PP.KK": ("region_code", lambda p: p.update(region_code="1117")),
    "region_code exists": ("region_code", lambda p: p.update(region_code="11.99")),
    "region_code is a kabupaten/kota, not a province": ("region_code", lambda p: p.update(region_code="11")),
    "founded_year is at least 1900": ("founded_year", lambda p: p.update(founded_year=1899)),
    "founded_year is not in the future": ("founded_year", lambda p: p.update(founded_year=NEXT_YEAR)),
    "employees is an integer": ("employees", lambda p: p.update(employees=2.5)),
    "employees is not negative": ("employees", lambda p: p.update(employees=-1)),
    "employees is not a string": ("employees", lambda p: p.update(employees="14")),
    "annual_revenue_idr is not negative": ("annual_revenue_idr", lambda p: p.update(annual_revenue_idr=-5)),
    "annual_revenue_idr is an integer": ("annual_revenue_idr", lambda p: p.update(annual_revenue_idr=1.5e9)),
    "owner_gender is from the list": ("owner_gender", lambda p: p.update(owner_gender="f")),
    "credit_status is a SLIK status": ("credit_status", lambda p: p.update(credit_status="lancar")),
    "group kind is from the list": ("group.kind", lambda p: p.update(group={"kind": "club", "members": 3})),
    "group members is not negative": (
        "group.members",
        lambda p: p.update(group={"kind": "sentra", "members": -1}),
    ),
    "ovop_stars is at most 5": ("ovop_stars", lambda p: p.update(ovop_stars=6)),
    "ovop_stars is at least 0": ("ovop_stars", lambda p: p.update(ovop_stars=-1)),
    "products is required": ("products", lambda p: p.pop("products")),
    "products has at least one item": ("products", lambda p: p.update(products=[])),
    "products has at most 50 items": (
        "products",
        lambda p: p.update(products=[{"description": f"Kopi {n}"} for n in range(51)]),
    ),
    "a product has a description": (
        "products.0.description",
        lambda p: p.update(products=[{"hs_code": "090111"}]),
    ),
    "hs_code has 6 digits": (
        "products.0.hs_code",
        lambda p: p.update(products=[{"description": "Kopi", "hs_code": "0901"}]),
    ),
    "hs_code exists in HS 2022": (
        "products.0.hs_code",
        lambda p: p.update(products=[{"description": "Kopi", "hs_code": "090199"}]),
    ),
    "a certification code is from policy-v1 §2": (
        "certifications.0.code",
        lambda p: p.update(certifications=[{"code": "ISO9001"}]),
    ),
    "valid_until is an ISO date": (
        "certifications.0.valid_until",
        lambda p: p.update(certifications=[{"code": "HALAL", "valid_until": "31/12/2027"}]),
    ),
    "target_markets has at most 30 codes": (
        "target_markets",
        lambda p: p.update(
            target_markets=[
                "US",
                "DE",
                "JP",
                "NL",
                "BE",
                "FR",
                "IT",
                "ES",
                "PT",
                "AT",
                "PL",
                "CZ",
                "SK",
                "HU",
                "RO",
                "BG",
                "GR",
                "CY",
                "MT",
                "SI",
                "HR",
                "DK",
                "SE",
                "FI",
                "EE",
                "LV",
                "LT",
                "IE",
                "LU",
                "SA",
                "AE",
            ]
        ),
    ),
    "a target market exists": ("target_markets.1", lambda p: p.update(target_markets=["US", "XX"])),
    "a target market is alpha-2": ("target_markets.0", lambda p: p.update(target_markets=["USA"])),
    "buyer_contract market exists": (
        "buyer_contract.market",
        lambda p: p.update(buyer_contract={"market": "ZZ"}),
    ),
    "unknown fields are refused": ("colour", lambda p: p.update(colour="blue")),
}


def _error_at(body: dict, dotted: str):
    """Follow a dotted path through errors.json."""
    node = body["errors"]["json"]
    for part in dotted.split("."):
        node = (
            node[int(part)] if isinstance(node, dict) and part.isdigit() and int(part) in node else node[part]
        )
    return node


@pytest.mark.parametrize("rule", list(BAD_PROFILES))
def test_a_profile_breaking_a_contract_rule_gets_422_naming_the_field_and_writes_nothing(client, rule):
    """Each rule of contract.md's profile table has its 422."""
    field, change = BAD_PROFILES[rule]
    profile = gayo()
    change(profile)
    response = client.post("/api/v1/ikms", json=profile)
    assert response.status_code == 422, response.json
    body = response.json
    assert body["code"] == 422 and body["status"] == "Unprocessable Entity"
    assert _error_at(body, field)
    assert client.get("/api/v1/ikms").json["total"] == 0


def test_a_valid_profile_is_stored_and_read_back(client):
    """POST returns 201 with the id; GET returns the same profile."""
    response = client.post("/api/v1/ikms", json=gayo())
    assert response.status_code == 201
    created = response.json
    assert created["id"] > 0 and created["name"] == "Koperasi Kopi Gayo Lestari"
    assert created["province_code"] == "11" and created["primary_commodity"] == "coffee"
    fetched = client.get(f"/api/v1/ikms/{created['id']}").json
    assert fetched["products"][0]["hs_code"] == "090111"
    assert fetched["certifications"][2] == {"code": "ORGANIC", "valid_until": "2027-08-01"}
    assert fetched["group"] == {"kind": "cooperative", "members": 605}
    assert fetched["buyer_contract"] == {"market": "US"}


def test_a_second_ikm_with_the_same_nib_is_a_conflict(client):
    """NIB identifies a business: a duplicate gets 409 and is not written."""
    assert client.post("/api/v1/ikms", json=gayo()).status_code == 201
    response = client.post("/api/v1/ikms", json=gayo(name="Other"))
    assert response.status_code == 409
    assert response.json["errors"]["json"]["nib"]
    assert client.get("/api/v1/ikms").json["total"] == 1


def test_patch_changes_only_the_given_fields_with_the_same_validation(client):
    """PATCH is a partial update; a bad value gets 422 and changes nothing."""
    ikm_id = client.post("/api/v1/ikms", json=gayo()).json["id"]
    response = client.patch(f"/api/v1/ikms/{ikm_id}", json={"employees": 20, "target_markets": ["JP"]})
    assert response.status_code == 200
    assert response.json["employees"] == 20 and response.json["target_markets"] == ["JP"]
    assert response.json["name"] == "Koperasi Kopi Gayo Lestari"
    bad = client.patch(f"/api/v1/ikms/{ikm_id}", json={"employees": -3, "name": "Changed"})
    assert bad.status_code == 422 and "employees" in bad.json["errors"]["json"]
    assert client.get(f"/api/v1/ikms/{ikm_id}").json["name"] == "Koperasi Kopi Gayo Lestari"


def test_an_unknown_ikm_is_404_in_the_error_shape(client):
    """Reading or patching a missing IKM answers 404 JSON."""
    for response in (
        client.get("/api/v1/ikms/999999"),
        client.patch("/api/v1/ikms/999999", json={"employees": 1}),
    ):
        assert response.status_code == 404
        assert set(response.json) >= {"code", "status", "message", "errors"}


def test_the_list_is_paginated_and_filtered_by_region_province_and_commodity(client):
    """GET /ikms filters by region, province, commodity and pages the result."""
    client.post("/api/v1/ikms", json=gayo())
    client.post(
        "/api/v1/ikms",
        json=gayo(
            nib="9120001234568",
            name="Kakao Polewali",
            region_code="76.04",
            products=[{"description": "Biji kakao fermentasi", "hs_code": "180100"}],
        ),
    )
    client.post("/api/v1/ikms", json=gayo(nib="9120001234569", name="Kopi Lampung", region_code="18.06"))
    everything = client.get("/api/v1/ikms?page_size=2").json
    assert everything["total"] == 3 and everything["pages"] == 2 and len(everything["items"]) == 2
    assert set(everything["items"][0]) >= {"id", "name", "region_code"}
    assert client.get("/api/v1/ikms?page=2&page_size=2").json["items"][0]["name"] == "Kopi Lampung"
    assert [i["name"] for i in client.get("/api/v1/ikms?commodity=cocoa").json["items"]] == ["Kakao Polewali"]
    assert [i["name"] for i in client.get("/api/v1/ikms?region=18.06").json["items"]] == ["Kopi Lampung"]
    assert client.get("/api/v1/ikms?province=11").json["total"] == 1
    assert client.get("/api/v1/ikms?page=0").status_code == 422
    assert client.get("/api/v1/ikms?commodity=tea").status_code == 422


def test_malformed_json_gets_400(client):
    """A body that is not JSON at all is a client error with a message."""
    response = client.post("/api/v1/ikms", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json["code"] == 400 and response.json["message"]


def test_a_body_that_is_not_json_gets_415(client):
    """Form data where JSON is expected: 415 naming the content type."""
    response = client.post("/api/v1/ikms", data={"name": "x"})
    assert response.status_code == 415
    assert "Content-Type" in response.json["errors"]["headers"]


def test_an_oversized_body_gets_413(client, app):
    """Bodies over MAX_CONTENT_LENGTH are refused before parsing."""
    huge = "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = client.post("/api/v1/ikms", data=huge, content_type="application/json")
    assert response.status_code == 413
    assert response.json["code"] == 413


def test_text_with_control_characters_is_refused(client):
    """NUL bytes would break PostgreSQL text columns: 422, not 500."""
    response = client.post("/api/v1/ikms", json=gayo(name="Kopi\x00Gayo"))
    assert response.status_code == 422 and "name" in response.json["errors"]["json"]


def _kept_classifications(client, ikm_id: int) -> list[tuple]:
    """Each stored product's given code and kept classification (code, source, model version)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Product

    with client.application.app_context():
        rows = db.session.scalars(select(Product).where(Product.ikm_id == ikm_id).order_by(Product.position))
        return [
            (row.hs_code, row.classified_hs_code, row.classified_hs_source, row.classified_by) for row in rows
        ]


def test_a_product_stored_without_a_code_keeps_the_classification_its_assessment_used(client):
    """Create and PATCH keep with a product stored without an HS code the code its assessment shows (so
    loaders need not classify it again); a given code keeps none."""
    from app.simulation.classified import classifier_version

    products = [
        {"description": "kopi arabika gayo sangrai"},
        {"description": "Kopi bubuk", "hs_code": "090121"},
    ]
    created = client.post("/api/v1/ikms", json=gayo(products=products)).json
    with client.application.app_context():
        version = classifier_version()
    kept = _kept_classifications(client, created["id"])
    assert kept[1] == ("090121", None, None, None)
    given, code, source, by = kept[0]
    assert given is None and by == version and source in ("model", "keyword") and len(code) == 6
    shown = client.get(f"/api/v1/ikms/{created['id']}").json["products"][0]
    assert "hs_code" not in shown  # the IKM gave none; the kept code is not shown as given
    patched = client.patch(
        f"/api/v1/ikms/{created['id']}", json={"products": [{"description": "dompet anyaman mendong"}]}
    )
    assert patched.status_code == 200, patched.json
    [(given, code, source, by)] = _kept_classifications(client, created["id"])
    assert given is None and by == version and code.startswith("46")
