"""PATCH /ikms/<id>: what an owner may change, complete nested objects, no empty change, ASCII NIB."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from tests.profiles import gayo


@pytest.fixture
def gayo_id(client, auth):
    """The contract's Gayo cooperative, stored by an admin."""
    return client.post("/api/v1/ikms", json=gayo(), headers=auth("admin")).json["id"]


def _stored(client, auth, ikm_id: int) -> dict:
    """The IKM as an admin reads it."""
    return client.get(f"/api/v1/ikms/{ikm_id}", headers=auth("admin")).json


@pytest.mark.parametrize(
    "change",
    [
        {"credit_status": "none"},
        {"credit_status": "loss"},
        {"ovop_stars": 5},
        {"region_code": "11.18"},
        {"employees": 20, "ovop_stars": 4},
    ],
)
def test_an_owner_cannot_change_bank_verified_or_programme_fields(client, auth, gayo_id, change):
    """Credit status (SLIK), OVOP stars and region are for the regional office and LPEI: 403, no change."""
    response = client.patch(f"/api/v1/ikms/{gayo_id}", json=change, headers=auth("owner", ikm=gayo_id))
    assert response.status_code == 403, response.json
    refused = set(change) - {"employees"}
    assert set(response.json["errors"]["json"]) == refused
    stored = _stored(client, auth, gayo_id)
    assert (stored["credit_status"], stored["ovop_stars"], stored["region_code"], stored["employees"]) == (
        "current",
        3,
        "11.17",
        14,
    )


def test_an_owner_may_resend_those_fields_unchanged_and_change_the_rest(app, client, auth, gayo_id):
    """Sending the stored value back is no change; the owner's own fields are changed and audited."""
    owner = auth("owner", ikm=gayo_id)
    change = {"credit_status": "current", "ovop_stars": 3, "region_code": "11.17", "employees": 20}
    response = client.patch(f"/api/v1/ikms/{gayo_id}", json=change, headers=owner)
    assert response.status_code == 200 and response.json["employees"] == 20
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "ikm.update")).one()
        assert event.after == {"employees": 20} and event.actor_label.startswith("owner-")


@pytest.mark.parametrize(("role", "region"), [("district", "11.17"), ("advisor", None), ("admin", None)])
def test_the_regional_office_and_lpei_staff_change_them_with_an_audit_event(
    app, client, auth, gayo_id, role, region
):
    """The same PATCH by a district or LPEI staff is applied and audited with its actor."""
    response = client.patch(
        f"/api/v1/ikms/{gayo_id}", json={"credit_status": "none", "ovop_stars": 4}, headers=auth(role, region)
    )
    assert response.status_code == 200, response.json
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "ikm.update")).one()
        assert event.before == {"credit_status": "current", "ovop_stars": 3}
        assert event.actor_label.startswith(f"{role}-")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"products": [{"hs_code": "090111"}]}, "products"),
        ({"certifications": [{"valid_until": "2027-01-01"}]}, "certifications"),
        ({"group": {"members": 7}}, "group"),
        ({"buyer_contract": {}}, "buyer_contract"),
    ],
)
def test_a_partial_nested_object_is_refused_with_its_field(client, auth, gayo_id, change, field):
    """A sent product, certificate or group replaces the stored one, so it must be complete: 422."""
    response = client.patch(f"/api/v1/ikms/{gayo_id}", json=change, headers=auth("admin"))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]
    assert _stored(client, auth, gayo_id)["group"] == {"kind": "cooperative", "members": 605}


def test_an_empty_patch_is_422(client, auth, gayo_id):
    """Nothing to change is a client error, not a silent 200."""
    response = client.patch(f"/api/v1/ikms/{gayo_id}", json={}, headers=auth("admin"))
    assert response.status_code == 422 and "_schema" in response.json["errors"]["json"]


def test_a_complete_nested_object_still_replaces_the_stored_one(client, auth, gayo_id):
    """The valid form of the same PATCH works as before."""
    response = client.patch(
        f"/api/v1/ikms/{gayo_id}", json={"group": {"kind": "sentra", "members": 7}}, headers=auth("admin")
    )
    assert response.status_code == 200 and response.json["group"] == {"kind": "sentra", "members": 7}


@pytest.mark.parametrize("nib", ["９１２０００１２３４５６７", "٩١٢٠٠٠١٢٣٤٥٦٧", "912000123456७"])
def test_a_nib_in_other_digits_is_refused(client, auth, nib):
    """Fullwidth, Arabic-Indic or Devanagari digits are not a NIB (and cannot duplicate one): 422."""
    admin = auth("admin")
    assert client.post("/api/v1/ikms", json=gayo(), headers=admin).status_code == 201
    response = client.post("/api/v1/ikms", json=gayo(nib=nib), headers=admin)
    assert response.status_code == 422 and "nib" in response.json["errors"]["json"]
