"""GET /api/v1/users: the staff a supervisor can assign cases to."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("role", "region", "expected"),
    [
        ("supervisor", None, 200),
        ("admin", None, 200),
        ("advisor", None, 403),
        ("district", "11.17", 403),
        ("owner", None, 403),
        ("ministry", None, 403),
    ],
)
def test_only_supervisors_and_admins_list_the_staff(client, auth, role, region, expected):
    """Staff e-mails are for assigning cases."""
    assert client.get("/api/v1/users", headers=auth(role, region=region)).status_code == expected


def test_the_list_holds_active_advisors_and_supervisors_only(app, client, auth, make_user):
    """role=advisor narrows it; owners, regions and deactivated accounts never appear."""
    from app.services import users

    advisor, _ = make_user("advisor")
    gone, _ = make_user("advisor")
    make_user("owner")
    make_user("district", region="11.17")
    with app.app_context():
        users.set_active(users.get_user_by_email(gone.email), False, actor="test")
    headers = auth("supervisor")
    listed = client.get("/api/v1/users", headers=headers).json["users"]
    assert {item["role"] for item in listed} == {"advisor", "supervisor"}
    assert advisor.email in {item["email"] for item in listed} and gone.email not in str(listed)
    only_advisors = client.get("/api/v1/users?role=advisor", headers=headers).json["users"]
    assert [item["email"] for item in only_advisors] == [advisor.email]
    assert client.get("/api/v1/users?role=owner", headers=headers).status_code == 422
