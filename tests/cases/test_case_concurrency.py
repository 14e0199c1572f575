"""Optimistic locking under real concurrency: simultaneous requests on separate connections (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest

from app.services import cases as case_service
from app.services import programmes

DECISIONS = [
    {"status": "approved", "reason_code": "CRITERIA_MET", "note": "Setuju."},
    {
        "status": "rejected",
        "reason_code": "CREDIT_HISTORY",
        "note": "Tolak.",
        "override_reason": "CREDIT_INFORMATION",
    },
]


@pytest.fixture
def postgresql_only(app):
    """Skip on SQLite: it serialises writers on the whole file, so the race cannot happen the same way."""
    if app.config["DATABASE_BACKEND"] != "postgresql":
        pytest.skip("real concurrent writers need PostgreSQL (set TEST_DATABASE_URL); SQLite locks the file")


def _race(app, monkeypatch, path: str, requests: list[tuple[dict, dict]]) -> list:
    """Send the requests at once from separate threads (own app context, session and connection each).

    Every request waits at a barrier right after its version check passed, so all of them read the same
    version before any of them writes: the database must settle the race.
    """
    barrier = threading.Barrier(len(requests), timeout=30)
    original_check = case_service.check_version

    def check_then_wait(case, version, viewer):
        original_check(case, version, viewer)
        barrier.wait()

    monkeypatch.setattr(case_service, "check_version", check_then_wait)
    responses: list = [None] * len(requests)

    def send(index: int, headers: dict, body: dict) -> None:
        responses[index] = app.test_client().post(path, json=body, headers=headers)

    threads = [
        threading.Thread(target=send, args=(index, headers, body))
        for index, (headers, body) in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def test_two_supervisors_deciding_the_same_case_at_once_one_wins_the_other_gets_409(
    postgresql_only, app, client, monkeypatch, gayo_ikm, in_review, auth, staff
):
    """Both read version 2 and pass the check; one commits, the other gets 409 with the winner's decision."""
    case = in_review(gayo_ikm)
    deciders = [staff.supervisor.headers, auth("supervisor")]
    requests = [
        (headers, {"version": case["version"], **body})
        for headers, body in zip(deciders, DECISIONS, strict=True)
    ]
    responses = _race(app, monkeypatch, f"/api/v1/cases/{case['id']}/decision", requests)
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 409], [response.json for response in responses]
    winner = next(response for response in responses if response.status_code == 200).json
    loser = next(response for response in responses if response.status_code == 409).json
    assert loser["current"]["version"] == winner["version"] == case["version"] + 1
    assert loser["current"]["status"] == winner["status"]
    monkeypatch.undo()
    stored = client.get(f"/api/v1/cases/{case['id']}", headers=staff.supervisor.headers).json
    assert stored["status"] == winner["status"] and stored["version"] == winner["version"]
    history = client.get(f"/api/v1/cases/{case['id']}/history", headers=staff.supervisor.headers).json
    assert [event["action"] for event in history["events"]].count("case.decide") == 1


def test_many_staff_grabbing_the_same_case_exactly_one_starts_the_review(
    postgresql_only, app, client, monkeypatch, gayo_ikm, open_case, auth
):
    """Six advisors start the review of one submitted case at once: one 200, five 409, one assignee."""
    case = open_case(gayo_ikm)
    advisors = [auth("advisor") for _ in range(6)]
    responses = _race(
        app, monkeypatch, f"/api/v1/cases/{case['id']}/review", [(h, {"version": 1}) for h in advisors]
    )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [409] * 5, [response.json for response in responses]
    monkeypatch.undo()
    stored = client.get(f"/api/v1/cases/{case['id']}", headers=advisors[0]).json
    winner = next(response for response in responses if response.status_code == 200).json
    assert stored["version"] == 2 and stored["assigned_to"] == winner["assigned_to"]


def test_parallel_openings_of_the_same_case_make_one_case_and_409s(
    postgresql_only, app, client, monkeypatch, gayo_ikm, auth
):
    """Six requests pass the duplicate check together; the partial unique index lets one insert win."""
    barrier = threading.Barrier(6, timeout=30)
    original = case_service.open_case_id

    def check_then_wait(ikm_id, programme_code):
        found = original(ikm_id, programme_code)
        if found is None:
            barrier.wait()
        return found

    with app.app_context():
        programmes.sync_programme_catalogue()  # loaded once beforehand, as in a running service
    monkeypatch.setattr(case_service, "open_case_id", check_then_wait)
    headers = [auth("admin") for _ in range(6)]
    body = {"ikm_id": gayo_ikm, "programme_code": "PKE_UMKM"}
    responses: list = [None] * 6

    def send(index: int) -> None:
        responses[index] = app.test_client().post("/api/v1/cases", json=body, headers=headers[index])

    threads = [threading.Thread(target=send, args=(index,)) for index in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    monkeypatch.undo()
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [409] * 5, [response.json for response in responses]
    winner = next(response for response in responses if response.status_code == 201).json
    assert {r.json["existing_case_id"] for r in responses if r.status_code == 409} == {winner["id"]}
    listed = client.get("/api/v1/cases?status=all", headers=headers[0]).json
    assert [case["id"] for case in listed["items"]] == [winner["id"]]


def test_the_database_refuses_a_second_open_case_even_without_the_service_check(app_context, gayo_ikm):
    """The rule lives in the schema (SQLite and PostgreSQL): a direct second insert is an IntegrityError."""
    from sqlalchemy.exc import IntegrityError

    from app.extensions import db
    from app.models import Application
    from app.services import users

    admin = users.create_user("admin-direct@test.example", "admin")
    first = case_service.create_case(admin, gayo_ikm, "PKE_UMKM")

    def another(status: str) -> Application:
        return Application(
            ikm_id=gayo_ikm, assessment_id=first.assessment_id, programme_code="PKE_UMKM", status=status
        )

    db.session.add(another("in_review"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(another("withdrawn"))
    db.session.commit()  # closed cases do not count
