"""The advisor queue: ordering by triage priority or rules score, filters, waiting days and flags."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from app.extensions import db
from app.models import Application
from app.services import clock
from tests.profiles import gayo

# Three coffee/cocoa IKM whose readiness scores differ (more certificates, practices → higher score).
WEAK = {
    "nib": "9120000000001",
    "name": "Kopi Lemah",
    "certifications": [{"code": "NIB"}],
    "practices": {
        "bookkeeping": False,
        "bank_account": False,
        "email": False,
        "website": False,
        "marketplace": False,
    },
}
COCOA = {
    "nib": "9120000000002",
    "name": "Kakao Polewali",
    "region_code": "76.04",
    "products": [{"description": "Biji kakao fermentasi", "hs_code": "180100"}],
}


def _age(app, case_id: int, days: int) -> None:
    """Pretend a case was submitted `days` ago."""
    with app.app_context():
        moment = clock.utcnow() - timedelta(days=days, hours=1)
        db.session.execute(update(Application).where(Application.id == case_id).values(created_at=moment))
        db.session.commit()


@pytest.fixture
def three_cases(client, admin, open_case):
    """Cases for the Gayo cooperative, a weak coffee IKM and a cocoa IKM: {name: case}."""
    ids = {
        "gayo": client.post("/api/v1/ikms", json=gayo(), headers=admin).json["id"],
        "weak": client.post("/api/v1/ikms", json=gayo(**WEAK), headers=admin).json["id"],
        "cocoa": client.post("/api/v1/ikms", json=gayo(**COCOA), headers=admin).json["id"],
    }
    return {name: open_case(ikm_id) for name, ikm_id in ids.items()}


def _names(body: dict, cases: dict) -> list[str]:
    """The queue's cases by fixture name."""
    by_id = {case["id"]: name for name, case in cases.items()}
    return [by_id[item["id"]] for item in body["items"]]


def test_without_a_triage_model_the_queue_is_ordered_by_the_rules_score(
    app, client, three_cases, staff, monkeypatch
):
    """ordering == "rules": highest readiness score first."""
    monkeypatch.setattr(app.extensions["ml"], "triage", None)
    body = client.get("/api/v1/cases", headers=staff.advisor.headers).json
    assert body["ordering"] == "rules" and body["total"] == 3
    scores = [item["assessment"]["score"] for item in body["items"]]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) > 1


def test_with_a_triage_model_the_queue_follows_its_priority(
    app, client, admin, open_case, staff, monkeypatch
):
    """ordering == "triage": the model's score decides, whatever the rules score; its answer is kept."""

    class FakeTriage:
        version = "triage/test"

        def priority(self, profile, assessment):
            """Cocoa first, then the weak IKM, then Gayo."""
            order = {"9120000000002": 0.9, "9120000000001": 0.5}
            return {"score": order.get(profile.get("nib"), 0.1), "top_factors": ["test"], "synthetic": True}

    monkeypatch.setattr(app.extensions["ml"], "triage", FakeTriage())
    ids = [
        client.post("/api/v1/ikms", json=gayo(**profile), headers=admin).json["id"]
        for profile in ({}, WEAK, COCOA)
    ]

    cases = {name: open_case(ikm_id) for name, ikm_id in zip(("gayo", "weak", "cocoa"), ids, strict=True)}
    body = client.get("/api/v1/cases", headers=staff.advisor.headers).json
    assert body["ordering"] == "triage"
    assert _names(body, cases) == ["cocoa", "weak", "gayo"]
    assert body["items"][0]["triage"]["synthetic"] is True and body["items"][0]["priority"] == 0.9


def test_sort_by_age_puts_the_longest_waiting_first(app, client, three_cases, staff):
    """sort=age: oldest submission first."""
    _age(app, three_cases["cocoa"]["id"], 20)
    _age(app, three_cases["weak"]["id"], 5)
    body = client.get("/api/v1/cases?sort=age", headers=staff.advisor.headers).json
    assert body["ordering"] == "age" and _names(body, three_cases) == ["cocoa", "weak", "gayo"]


def test_waiting_days_and_the_reminder_and_stale_flags(app, client, three_cases, staff):
    """More than CASE_REMINDER_DAYS open: reminder; more than CASE_STALE_DAYS: stale; filterable."""
    reminder_days, stale_days = app.config["CASE_REMINDER_DAYS"], app.config["CASE_STALE_DAYS"]
    _age(app, three_cases["weak"]["id"], reminder_days + 1)
    _age(app, three_cases["cocoa"]["id"], stale_days + 1)
    _age(app, three_cases["gayo"]["id"], reminder_days)
    items = {
        item["id"]: item for item in client.get("/api/v1/cases", headers=staff.advisor.headers).json["items"]
    }
    weak, cocoa, gayo_case = (items[three_cases[name]["id"]] for name in ("weak", "cocoa", "gayo"))
    assert (weak["days_waiting"], weak["reminder"], weak["stale"]) == (reminder_days + 1, True, False)
    assert (cocoa["days_waiting"], cocoa["reminder"], cocoa["stale"]) == (stale_days + 1, True, True)
    assert (gayo_case["days_waiting"], gayo_case["reminder"]) == (reminder_days, False)
    reminders = client.get("/api/v1/cases?flag=reminder&sort=age", headers=staff.advisor.headers).json
    assert _names(reminders, three_cases) == ["cocoa", "weak"]
    stale = client.get("/api/v1/cases?flag=stale", headers=staff.advisor.headers).json
    assert _names(stale, three_cases) == ["cocoa"]


def test_the_thresholds_are_configurable(app, client, three_cases, staff, monkeypatch):
    """CASE_REMINDER_DAYS = 2: a three-day-old case is flagged."""
    monkeypatch.setitem(app.config, "CASE_REMINDER_DAYS", 2)
    _age(app, three_cases["weak"]["id"], 3)
    items = client.get("/api/v1/cases?flag=reminder", headers=staff.advisor.headers).json["items"]
    assert [item["id"] for item in items] == [three_cases["weak"]["id"]]


def test_the_queue_filters_by_status_commodity_province_programme_and_assignee(
    client, three_cases, open_case, staff
):
    """Each filter narrows the list; assigned=me and assigned=none follow the caller."""
    headers = staff.advisor.headers
    review = client.post(
        f"/api/v1/cases/{three_cases['gayo']['id']}/review", json={"version": 1}, headers=headers
    )
    assert review.status_code == 200
    kmke = open_case(review.json["ikm"]["id"], "KMKE")

    def names(query: str) -> list[str]:
        body = client.get(f"/api/v1/cases?{query}", headers=headers).json
        by_id = {case["id"]: name for name, case in {**three_cases, "kmke": kmke}.items()}
        return sorted(by_id[item["id"]] for item in body["items"])

    assert names("") == ["cocoa", "gayo", "kmke", "weak"]
    assert names("status=in_review") == ["gayo"]
    assert names("status=submitted") == ["cocoa", "kmke", "weak"]
    assert names("commodity=cocoa") == ["cocoa"]
    assert names("province=76") == ["cocoa"]
    assert names("programme=KMKE") == ["kmke"]
    assert names("assigned=me") == ["gayo"]
    assert names("assigned=none") == ["cocoa", "kmke", "weak"]
    assert names("status=approved") == []
    assert client.get("/api/v1/cases?sort=random", headers=headers).status_code == 422
    assert client.get("/api/v1/cases?status=lost", headers=headers).status_code == 422


def test_the_queue_is_paginated(client, three_cases, staff):
    """page and page_size; total counts every match."""
    body = client.get("/api/v1/cases?page_size=2&page=2", headers=staff.advisor.headers).json
    assert body["total"] == 3 and body["pages"] == 2 and len(body["items"]) == 1


def test_decided_cases_stop_waiting_and_lose_their_flags(app, client, three_cases, staff):
    """A decided case keeps the days it waited until the decision, without reminder or stale flags."""
    case = three_cases["gayo"]
    _age(app, case["id"], 40)
    headers = staff.advisor.headers
    reviewed = client.post(f"/api/v1/cases/{case['id']}/review", json={"version": 1}, headers=headers).json
    client.post(
        f"/api/v1/cases/{case['id']}/decision",
        json={
            "version": reviewed["version"],
            "status": "approved",
            "reason_code": "CRITERIA_MET",
            "note": "ok",
        },
        headers=headers,
    )
    decided = client.get(f"/api/v1/cases/{case['id']}", headers=headers).json
    assert decided["days_waiting"] == 40 and not decided["reminder"] and not decided["stale"]
    assert case["id"] not in [
        item["id"] for item in client.get("/api/v1/cases", headers=headers).json["items"]
    ]
    assert case["id"] in [
        item["id"] for item in client.get("/api/v1/cases?status=all", headers=headers).json["items"]
    ]
