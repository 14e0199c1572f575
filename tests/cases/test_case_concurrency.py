"""Optimistic locking under real concurrency: simultaneous requests on separate connections (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest

from app.services import cases as case_service

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
