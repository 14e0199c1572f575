"""Fixtures for the case workflow: IKM, staff accounts and a helper to open and move cases."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.profiles import gayo

POLEWALI = {
    "nib": "9120007654321",
    "name": "Kakao Polewali",
    "region_code": "76.04",
    "products": [{"description": "Biji kakao fermentasi", "hs_code": "180100"}],
}


@pytest.fixture
def admin(auth):
    """Admin headers."""
    return auth("admin")


@pytest.fixture
def staff(make_user):
    """Two advisors, a supervisor and their headers: staff.advisor, staff.other_advisor, staff.supervisor."""
    accounts = {}
    for name, role in (("advisor", "advisor"), ("other_advisor", "advisor"), ("supervisor", "supervisor")):
        user, token = make_user(role)
        accounts[name] = SimpleNamespace(user=user, headers={"Authorization": f"Bearer {token}"})
    return SimpleNamespace(**accounts)


@pytest.fixture
def gayo_ikm(client, admin):
    """The contract's Gayo coffee cooperative (11.17), stored; returns its id."""
    return client.post("/api/v1/ikms", json=gayo(), headers=admin).json["id"]


@pytest.fixture
def polewali_ikm(client, admin):
    """A cocoa IKM in Polewali Mandar (76.04); returns its id."""
    return client.post("/api/v1/ikms", json=gayo(**POLEWALI), headers=admin).json["id"]


@pytest.fixture
def open_case(client, admin):
    """Open a case: `open_case(ikm_id, programme="PKE_UMKM", headers=admin)` returns the case JSON."""

    def _open(ikm_id: int, programme: str = "PKE_UMKM", headers: dict | None = None) -> dict:
        response = client.post(
            "/api/v1/cases", json={"ikm_id": ikm_id, "programme_code": programme}, headers=headers or admin
        )
        assert response.status_code == 201, response.json
        return response.json

    return _open


@pytest.fixture
def in_review(client, open_case, staff):
    """A case taken into review by staff.advisor: `in_review(ikm_id, programme)` returns the case JSON."""

    def _review(ikm_id: int, programme: str = "PKE_UMKM") -> dict:
        case = open_case(ikm_id, programme)
        response = client.post(
            f"/api/v1/cases/{case['id']}/review",
            json={"version": case["version"]},
            headers=staff.advisor.headers,
        )
        assert response.status_code == 200, response.json
        return response.json

    return _review
