"""Yearly targets (admins set, readers see progress) and the workspace API (scope, filters, sort, paging)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Ikm


def test_an_admin_sets_a_target_and_the_progress_shows(app, client, auth, population):
    """PUT /targets (admin, audited); GET /targets and the summary show goal, achieved and progress."""
    population(3, route="financial", as_of=date(2026, 11, 2))
    admin = auth("admin")
    body = {"year": 2026, "metric": "ikm_financial_route", "value": 12}
    response = client.put("/api/v1/targets", json=body, headers=admin)
    assert response.status_code == 200, response.json
    again = client.put("/api/v1/targets", json={**body, "value": 6}, headers=admin).json
    target = next(item for item in again["targets"] if item["metric"] == "ikm_financial_route")
    assert (target["value"], target["achieved"], target["progress"]) == (6, 3, 0.5)
    read = client.get("/api/v1/targets?year=2026", headers=auth("ministry")).json
    assert next(item for item in read["targets"] if item["metric"] == "ikm_financial_route")["value"] == 6
    summary = client.get("/api/v1/reports/summary?year=2026", headers=auth("ministry")).json
    assert any(item["metric"] == "ikm_financial_route" and item["value"] == 6 for item in summary["targets"])
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "target.set").order_by(AuditEvent.id)
        ).all()
        assert [event.after["value"] for event in events] == [12, 6]


def test_only_admins_set_targets_and_bad_ones_get_422(client, auth):
    """The ministry may read but not set; an unknown metric or a negative value names the field."""
    body = {"year": 2026, "metric": "ikm_assessed", "value": 100}
    assert client.put("/api/v1/targets", json=body, headers=auth("ministry")).status_code == 403
    admin = auth("admin")
    bad = client.put("/api/v1/targets", json={**body, "metric": "happiness"}, headers=admin)
    assert bad.status_code == 422 and "metric" in bad.json["errors"]["json"]
    bad = client.put("/api/v1/targets", json={**body, "value": -1}, headers=admin)
    assert bad.status_code == 422 and "value" in bad.json["errors"]["json"]


def test_the_workspace_api_lists_the_districts_ikm_with_filters_sort_and_paging(client, auth, population):
    """Only the district's IKM; level filter; sort by score; page_size."""
    population(4, region="11.17", level="export_ready")
    population(3, region="11.17", level="not_ready")
    population(5, region="11.01")
    headers = auth("district", region="11.17")
    page = client.get("/api/v1/workspace/ikms?page_size=5", headers=headers).json
    assert page["total"] == 7 and len(page["items"]) == 5 and page["pages"] == 2
    assert {item["region_code"] for item in page["items"]} == {"11.17"}
    ready = client.get("/api/v1/workspace/ikms?level=export_ready", headers=headers).json
    assert ready["total"] == 4 and all(item["level"] == "export_ready" for item in ready["items"])
    assert client.get("/api/v1/workspace/ikms?sort=bogus", headers=headers).status_code == 422


def test_a_district_cannot_open_another_districts_ikm_and_the_ministry_none(app, client, auth, population):
    """403 outside the area, 200 inside; the ministry gets 403 on the workspace (names, NIB)."""
    population(1, region="11.01")
    population(1, region="11.17")
    with app.app_context():
        other = db.session.scalar(select(Ikm.id).where(Ikm.region_code == "11.01"))
        own = db.session.scalar(select(Ikm.id).where(Ikm.region_code == "11.17"))
    headers = auth("district", region="11.17")
    assert client.get(f"/api/v1/workspace/ikms/{other}", headers=headers).status_code == 403
    mine = client.get(f"/api/v1/workspace/ikms/{own}", headers=headers)
    assert mine.status_code == 200 and mine.json["ikm"]["id"] == own and len(mine.json["history"]) == 1
    assert client.get(f"/api/v1/workspace/ikms/{own}", headers=auth("ministry")).status_code == 403
    province = auth("province", region="11")
    assert client.get("/api/v1/workspace/ikms", headers=province).json["total"] == 2
