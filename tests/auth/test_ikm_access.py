"""Object-level authorization on the IKM and assessment endpoints, role by role, endpoint by endpoint.

Two IKM: "gayo" in Aceh Tengah (11.17, province 11) and "polewali" in Polewali Mandar (76.04, province 76).
"""

from __future__ import annotations

import pytest

from tests.profiles import GAYO_READERS, gayo

POLEWALI = {
    "nib": "9120007654321",
    "name": "Kakao Polewali",
    "region_code": "76.04",
    "products": [{"description": "Biji kakao fermentasi", "hs_code": "180100"}],
}


@pytest.fixture
def ikms(client, auth):
    """The two IKM, created by an admin, each with one stored assessment; returns their ids."""
    admin = auth("admin")
    ids = {
        "gayo": client.post("/api/v1/ikms", json=gayo(), headers=admin).json["id"],
        "polewali": client.post("/api/v1/ikms", json=gayo(**POLEWALI), headers=admin).json["id"],
    }
    for name, ikm_id in list(ids.items()):
        response = client.post("/api/v1/assessments", json={"ikm_id": ikm_id}, headers=admin)
        ids[f"{name}_assessment"] = response.json["id"]
    return ids


@pytest.fixture
def headers_for(auth, ikms):
    """Headers for a role of GAYO_READERS ("owner_of_gayo" is an owner linked to the Gayo IKM)."""

    def _headers(role: str, region: str | None) -> dict:
        if role.startswith("owner_of_"):
            return auth("owner", ikm=ikms[role.removeprefix("owner_of_")])
        return auth(role, region=region)

    return _headers


@pytest.mark.parametrize(("role", "region", "expected"), GAYO_READERS)
def test_reading_an_ikm_follows_the_role_and_region(client, ikms, headers_for, role, region, expected):
    """GET /ikms/<id>: owners their own, districts and provinces theirs, LPEI staff all, ministry never."""
    response = client.get(f"/api/v1/ikms/{ikms['gayo']}", headers=headers_for(role, region))
    assert response.status_code == expected, response.json
    if expected == 200:
        assert response.json["nib"] == "9120001234567"
    else:
        assert set(response.json) == {"code", "status", "message", "errors"}
        assert "9120001234567" not in response.get_data(as_text=True)


@pytest.mark.parametrize(("role", "region", "expected"), GAYO_READERS)
def test_changing_an_ikm_follows_the_same_scope(client, ikms, headers_for, role, region, expected):
    """PATCH /ikms/<id> is allowed exactly where reading is, and a refused PATCH changes nothing."""
    response = client.patch(
        f"/api/v1/ikms/{ikms['gayo']}", json={"employees": 99}, headers=headers_for(role, region)
    )
    assert response.status_code == expected
    admin_view = client.get(f"/api/v1/ikms/{ikms['gayo']}", headers=headers_for("admin", None)).json
    assert admin_view["employees"] == (99 if expected == 200 else 14)


@pytest.mark.parametrize(("role", "region", "expected"), GAYO_READERS)
def test_an_ikms_assessment_history_follows_the_same_scope(client, ikms, headers_for, role, region, expected):
    """GET /ikms/<id>/assessments."""
    response = client.get(f"/api/v1/ikms/{ikms['gayo']}/assessments", headers=headers_for(role, region))
    assert response.status_code == expected


@pytest.mark.parametrize(("role", "region", "expected"), GAYO_READERS)
def test_a_stored_assessment_follows_its_ikms_scope(client, ikms, headers_for, role, region, expected):
    """GET /assessments/<id> of an IKM's assessment."""
    response = client.get(f"/api/v1/assessments/{ikms['gayo_assessment']}", headers=headers_for(role, region))
    assert response.status_code == expected


@pytest.mark.parametrize(("role", "region", "expected"), GAYO_READERS)
def test_assessing_a_stored_ikm_follows_the_same_scope(client, ikms, headers_for, role, region, expected):
    """POST /assessments with `ikm_id` needs the IKM in scope (201 then)."""
    response = client.post(
        "/api/v1/assessments", json={"ikm_id": ikms["gayo"]}, headers=headers_for(role, region)
    )
    assert response.status_code == (201 if expected == 200 else expected)


def test_assessing_a_stored_ikm_without_a_token_is_401(client, ikms):
    """Only the inline self-check is open."""
    assert client.post("/api/v1/assessments", json={"ikm_id": ikms["gayo"]}).status_code == 401


@pytest.mark.parametrize(
    ("role", "region", "visible"),
    [
        ("owner_of_gayo", None, {"gayo"}),
        ("owner_of_polewali", None, {"polewali"}),
        ("district", "11.17", {"gayo"}),
        ("district", "76.04", {"polewali"}),
        ("district", "18.06", set()),
        ("province", "11", {"gayo"}),
        ("province", "76", {"polewali"}),
        ("advisor", None, {"gayo", "polewali"}),
        ("supervisor", None, {"gayo", "polewali"}),
        ("admin", None, {"gayo", "polewali"}),
    ],
)
def test_the_ikm_list_shows_only_what_the_caller_may_see(client, ikms, headers_for, role, region, visible):
    """GET /ikms is narrowed to the caller's scope, and its total counts only that."""
    body = client.get("/api/v1/ikms", headers=headers_for(role, region)).json
    names = {"Koperasi Kopi Gayo Lestari": "gayo", "Kakao Polewali": "polewali"}
    assert {names[item["name"]] for item in body["items"]} == visible
    assert body["total"] == len(visible)


def test_the_ministry_gets_403_on_the_ikm_list(client, ikms, auth):
    """Names and NIB are personal data: the ministry uses aggregate endpoints only."""
    response = client.get("/api/v1/ikms", headers=auth("ministry"))
    assert response.status_code == 403 and "Koperasi" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "region", "target_region", "expected"),
    [
        ("district", "11.17", "11.17", 201),
        ("district", "11.17", "76.04", 403),
        ("province", "11", "11.05", 201),
        ("province", "11", "76.04", 403),
        ("advisor", None, "76.04", 201),
        ("admin", None, "76.04", 201),
        ("ministry", None, "11.17", 403),
    ],
)
def test_registering_an_ikm_is_limited_to_the_callers_region(
    client, auth, role, region, target_region, expected
):
    """POST /ikms: districts and provinces register IKM of their own region only."""
    response = client.post("/api/v1/ikms", json=gayo(region_code=target_region), headers=auth(role, region))
    assert response.status_code == expected, response.json


def test_a_district_cannot_move_its_ikm_into_another_district(client, ikms, auth):
    """PATCH region_code outside the caller's region is 403 and changes nothing."""
    response = client.patch(
        f"/api/v1/ikms/{ikms['gayo']}", json={"region_code": "76.04"}, headers=auth("district", "11.17")
    )
    assert response.status_code == 403
    admin_view = client.get(f"/api/v1/ikms/{ikms['gayo']}", headers=auth("admin")).json
    assert admin_view["region_code"] == "11.17"


def test_an_owner_registers_their_own_ikm_once_and_is_linked_to_it(client, make_user):
    """An owner without an IKM may register one; it becomes theirs; a second one is refused."""
    _, token = make_user("owner")
    headers = {"Authorization": f"Bearer {token}"}
    created = client.post("/api/v1/ikms", json=gayo(), headers=headers)
    assert created.status_code == 201
    assert client.get("/api/v1/me", headers=headers).json["ikm_id"] == created.json["id"]
    assert client.get(f"/api/v1/ikms/{created.json['id']}", headers=headers).status_code == 200
    second = client.post("/api/v1/ikms", json=gayo(nib="9120001111111"), headers=headers)
    assert second.status_code == 403


def test_a_self_check_is_readable_by_its_author_and_staff_only(client, make_user, auth):
    """An assessment without an IKM belongs to whoever ran it (and LPEI staff)."""
    _, token = make_user("owner")
    author = {"Authorization": f"Bearer {token}"}
    assessment_id = client.post("/api/v1/assessments", json={"profile": gayo()}, headers=author).json["id"]
    assert client.get(f"/api/v1/assessments/{assessment_id}", headers=author).status_code == 200
    assert client.get(f"/api/v1/assessments/{assessment_id}", headers=auth("owner")).status_code == 403
    assert (
        client.get(f"/api/v1/assessments/{assessment_id}", headers=auth("district", "11.17")).status_code
        == 403
    )
    assert client.get(f"/api/v1/assessments/{assessment_id}", headers=auth("advisor")).status_code == 200
    assert client.get(f"/api/v1/assessments/{assessment_id}", headers=auth("ministry")).status_code == 403
