"""Object-level authorization on every /cases endpoint, role by role."""

from __future__ import annotations

import pytest

from tests.profiles import GAYO_READERS

GAYO_CASE_READERS = GAYO_READERS  # a case is seen by whoever may see its IKM
CASE_ENDPOINTS = [
    ("get", "/api/v1/cases"),
    ("post", "/api/v1/cases"),
    ("get", "/api/v1/cases/reasons"),
    ("get", "/api/v1/cases/overrides"),
    ("get", "/api/v1/cases/{id}"),
    ("post", "/api/v1/cases/{id}/review"),
    ("post", "/api/v1/cases/{id}/decision"),
    ("post", "/api/v1/cases/{id}/withdrawal"),
    ("post", "/api/v1/cases/{id}/assignment"),
    ("get", "/api/v1/cases/{id}/comments"),
    ("post", "/api/v1/cases/{id}/comments"),
    ("get", "/api/v1/cases/{id}/history"),
]


@pytest.fixture
def gayo_case(gayo_ikm, open_case):
    """An open case of the Gayo IKM."""
    return open_case(gayo_ikm)


@pytest.fixture
def headers_for(auth, gayo_ikm, polewali_ikm):
    """Headers for a role of GAYO_CASE_READERS."""
    owners = {"owner_of_gayo": gayo_ikm, "owner_of_polewali": polewali_ikm}

    def _headers(role: str, region: str | None) -> dict:
        if role in owners:
            return auth("owner", ikm=owners[role])
        return auth(role, region=region)

    return _headers


@pytest.mark.parametrize(("method", "path"), CASE_ENDPOINTS)
def test_every_case_endpoint_needs_a_token(client, gayo_case, method, path):
    """401 in the error shape without a token."""
    response = getattr(client, method)(path.format(id=gayo_case["id"]), json={} if method == "post" else None)
    assert response.status_code == 401 and response.json["code"] == 401


@pytest.mark.parametrize(("method", "path"), CASE_ENDPOINTS)
def test_the_ministry_gets_403_on_every_case_endpoint(client, gayo_case, auth, method, path):
    """Cases carry IKM names: the ministry is refused everywhere, reasons list included is fine."""
    response = getattr(client, method)(
        path.format(id=gayo_case["id"]),
        json={"version": 1} if method == "post" else None,
        headers=auth("ministry"),
    )
    expected = 200 if path.endswith("/reasons") else 403
    assert response.status_code == expected, (path, response.json)
    assert "Koperasi" not in response.get_data(as_text=True)


@pytest.mark.parametrize(("role", "region", "expected"), GAYO_CASE_READERS)
def test_reading_a_case_follows_its_ikms_scope(client, gayo_case, headers_for, role, region, expected):
    """GET /cases/<id>."""
    response = client.get(f"/api/v1/cases/{gayo_case['id']}", headers=headers_for(role, region))
    assert response.status_code == expected


@pytest.mark.parametrize(("role", "region", "expected"), GAYO_CASE_READERS)
def test_comments_follow_the_case_scope(client, gayo_case, headers_for, role, region, expected):
    """GET and POST /cases/<id>/comments."""
    headers = headers_for(role, region)
    path = f"/api/v1/cases/{gayo_case['id']}/comments"
    assert client.get(path, headers=headers).status_code == expected
    assert client.post(path, json={"body": "Halo"}, headers=headers).status_code == (
        201 if expected == 200 else expected
    )


@pytest.mark.parametrize(("role", "region", "expected"), GAYO_CASE_READERS)
def test_withdrawal_follows_the_case_scope(client, gayo_case, headers_for, role, region, expected):
    """POST /cases/<id>/withdrawal: the applicant's side and staff, within scope."""
    response = client.post(
        f"/api/v1/cases/{gayo_case['id']}/withdrawal",
        json={"version": 1, "reason_code": "APPLICANT_WITHDREW", "note": "Belum siap."},
        headers=headers_for(role, region),
    )
    assert response.status_code == expected


@pytest.mark.parametrize(("role", "region", "expected"), GAYO_CASE_READERS)
def test_opening_a_case_follows_the_ikms_scope(client, gayo_ikm, headers_for, role, region, expected):
    """POST /cases for the Gayo IKM."""
    response = client.post(
        "/api/v1/cases",
        json={"ikm_id": gayo_ikm, "programme_code": "KMKE"},
        headers=headers_for(role, region),
    )
    assert response.status_code == (201 if expected == 200 else expected)


@pytest.mark.parametrize(
    ("role", "region", "visible"),
    [
        ("owner_of_gayo", None, {"gayo"}),
        ("owner_of_polewali", None, {"polewali"}),
        ("district", "11.17", {"gayo"}),
        ("district", "76.04", {"polewali"}),
        ("province", "11", {"gayo"}),
        ("province", "76", {"polewali"}),
        ("advisor", None, {"gayo", "polewali"}),
        ("supervisor", None, {"gayo", "polewali"}),
        ("admin", None, {"gayo", "polewali"}),
    ],
)
def test_the_queue_shows_only_cases_in_scope(
    client, gayo_ikm, polewali_ikm, open_case, headers_for, role, region, visible
):
    """GET /cases: the same scope as the IKM list."""
    cases = {"gayo": open_case(gayo_ikm)["id"], "polewali": open_case(polewali_ikm)["id"]}
    body = client.get("/api/v1/cases", headers=headers_for(role, region)).json
    assert {item["id"] for item in body["items"]} == {cases[name] for name in visible}
    assert body["total"] == len(visible)
