"""The audit trail of a case (append-only, read-only API) and the override report."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from app.services.audit import AuditTrailIsAppendOnly
from tests.profiles import gayo


def _decide(client, case, headers, **decision):
    """Take a case into review if needed, then decide it; returns the response."""
    if case["status"] == "submitted":
        case = client.post(
            f"/api/v1/cases/{case['id']}/review", json={"version": case["version"]}, headers=headers
        ).json
    return client.post(
        f"/api/v1/cases/{case['id']}/decision", json={"version": case["version"], **decision}, headers=headers
    )


def test_the_history_lists_who_did_what_with_before_and_after(client, gayo_ikm, open_case, staff):
    """create → assign → comment → review → decide, each with actor, time, before and after."""
    case = open_case(gayo_ikm)
    assigned = client.post(
        f"/api/v1/cases/{case['id']}/assignment",
        json={"version": 1, "assignee_id": staff.advisor.user.id},
        headers=staff.supervisor.headers,
    ).json
    client.post(
        f"/api/v1/cases/{case['id']}/comments", json={"body": "Minta NPWP."}, headers=staff.advisor.headers
    )
    _decide(
        client,
        assigned,
        staff.advisor.headers,
        status="approved",
        reason_code="CRITERIA_MET",
        note="Lengkap.",
    )
    history = client.get(f"/api/v1/cases/{case['id']}/history", headers=staff.supervisor.headers)
    assert history.status_code == 200
    events = history.json["events"]
    assert [event["action"] for event in events] == [
        "case.create",
        "case.assign",
        "case.comment",
        "case.review",
        "case.decide",
    ]
    assert all(event["at"] and event["actor"] for event in events)
    assign = events[1]
    assert assign["actor_id"] == staff.supervisor.user.id
    assert (
        assign["before"]["assigned_to_id"] is None
        and assign["after"]["assigned_to_id"] == staff.advisor.user.id
    )
    decide = events[-1]
    assert decide["before"]["status"] == "in_review" and decide["after"]["status"] == "approved"
    assert (
        decide["after"]["decision_reason"] == "CRITERIA_MET"
        and decide["after"]["decision_note"] == "Lengkap."
    )
    assert decide["actor"] == staff.advisor.user.email


def test_a_refused_change_leaves_no_event(client, gayo_ikm, open_case, staff):
    """A stale or invalid request writes nothing, not even an audit event."""
    case = open_case(gayo_ikm)
    client.post(f"/api/v1/cases/{case['id']}/review", json={"version": 99}, headers=staff.advisor.headers)
    client.post(
        f"/api/v1/cases/{case['id']}/decision",
        json={"version": 1, "status": "approved", "reason_code": "CRITERIA_MET", "note": "x"},
        headers=staff.advisor.headers,
    )
    events = client.get(f"/api/v1/cases/{case['id']}/history", headers=staff.advisor.headers).json["events"]
    assert [event["action"] for event in events] == ["case.create"]


@pytest.mark.parametrize("method", ["put", "patch", "delete", "post"])
def test_no_api_changes_or_deletes_an_event(client, gayo_ikm, open_case, staff, method):
    """The history is read-only: 405 for every other method."""
    case = open_case(gayo_ikm)
    response = getattr(client, method)(
        f"/api/v1/cases/{case['id']}/history", json={}, headers=staff.supervisor.headers
    )
    assert response.status_code == 405


def test_the_application_cannot_update_or_delete_an_event(app, client, gayo_ikm, open_case):
    """The ORM refuses changes to audit events, whatever code tries."""
    open_case(gayo_ikm)
    with app.app_context():
        event = db.session.scalars(select(AuditEvent)).first()
        event.action = "forged"
        with pytest.raises(AuditTrailIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        event = db.session.scalars(select(AuditEvent)).first()
        db.session.delete(event)
        with pytest.raises(AuditTrailIsAppendOnly):
            db.session.commit()
        db.session.rollback()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("advisor", 200),
        ("supervisor", 200),
        ("admin", 200),
        ("owner", 403),
        ("district", 403),
        ("ministry", 403),
    ],
)
def test_the_history_is_for_lpei_staff(client, gayo_ikm, open_case, auth, role, expected):
    """Staff read the trail; owners, regions and the ministry do not."""
    case = open_case(gayo_ikm)
    region = "11.17" if role == "district" else None
    headers = auth(role, region=region, ikm=gayo_ikm if role == "owner" else None)
    assert client.get(f"/api/v1/cases/{case['id']}/history", headers=headers).status_code == expected


def test_ikm_changes_logins_and_tokens_are_audited_too(app, client, auth, make_user):
    """IKM create/update (before and after), account and token events land in audit_events."""
    admin = auth("admin")
    ikm_id = client.post("/api/v1/ikms", json=gayo(), headers=admin).json["id"]
    client.patch(f"/api/v1/ikms/{ikm_id}", json={"employees": 20}, headers=admin)
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        by_action = {event.action: event for event in events}
        assert {"user.create", "token.create", "ikm.create", "ikm.update"} <= set(by_action)
        update = by_action["ikm.update"]
        assert update.entity_id == str(ikm_id)
        assert update.before == {"employees": 14} and update.after == {"employees": 20}
        assert by_action["ikm.create"].after["nib"] == "9120001234567"
        assert update.actor_label.startswith("admin-")


def test_overrides_are_reported_per_advisor_and_per_reason(client, admin, open_case, staff):
    """Two advisors, four decisions, three overrides with two reasons."""
    ikm_ids = [
        client.post(
            "/api/v1/ikms", json=gayo(nib=f"91200000000{n:02d}", name=f"IKM {n}"), headers=admin
        ).json["id"]
        for n in range(4)
    ]
    cases = [open_case(ikm_id) for ikm_id in ikm_ids]
    reject = {"status": "rejected", "reason_code": "CREDIT_HISTORY", "note": "SLIK"}
    assert (
        _decide(
            client, cases[0], staff.advisor.headers, **reject, override_reason="CREDIT_INFORMATION"
        ).status_code
        == 200
    )
    assert (
        _decide(
            client, cases[1], staff.advisor.headers, **reject, override_reason="FIELD_VISIT_FINDINGS"
        ).status_code
        == 200
    )
    assert (
        _decide(
            client, cases[2], staff.advisor.headers, status="approved", reason_code="CRITERIA_MET", note="ok"
        ).status_code
        == 200
    )
    assert (
        _decide(
            client, cases[3], staff.other_advisor.headers, **reject, override_reason="CREDIT_INFORMATION"
        ).status_code
        == 200
    )
    report = client.get("/api/v1/cases/overrides", headers=staff.supervisor.headers)
    assert report.status_code == 200
    body = report.json
    assert (body["decided"], body["overrides"], body["override_rate"]) == (4, 3, 0.75)
    per_advisor = {row["advisor"]["id"]: row for row in body["by_advisor"]}
    assert per_advisor[staff.advisor.user.id] == {
        **per_advisor[staff.advisor.user.id],
        "decided": 3,
        "overrides": 2,
    }
    assert per_advisor[staff.other_advisor.user.id]["overrides"] == 1
    assert [(row["reason"]["code"], row["overrides"]) for row in body["by_reason"]] == [
        ("CREDIT_INFORMATION", 2),
        ("FIELD_VISIT_FINDINGS", 1),
    ]
    assert body["by_reason"][0]["reason"]["label_id"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("supervisor", 200),
        ("admin", 200),
        ("advisor", 403),
        ("ministry", 403),
        ("district", 403),
        ("owner", 403),
    ],
)
def test_the_override_report_is_for_supervisors(client, auth, role, expected):
    """Names of advisors: supervisors and admins only."""
    region = "11.17" if role == "district" else None
    assert client.get("/api/v1/cases/overrides", headers=auth(role, region=region)).status_code == expected


def test_the_override_report_can_be_limited_to_a_period(client, gayo_ikm, open_case, staff):
    """date_from after today: nothing decided in that period."""
    _decide(
        client,
        open_case(gayo_ikm),
        staff.advisor.headers,
        status="approved",
        reason_code="CRITERIA_MET",
        note="ok",
    )
    assert client.get("/api/v1/cases/overrides", headers=staff.supervisor.headers).json["decided"] == 1
    future = client.get("/api/v1/cases/overrides?date_from=2999-01-01", headers=staff.supervisor.headers).json
    assert future["decided"] == 0 and future["override_rate"] is None
