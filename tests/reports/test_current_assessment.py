"""Every IKM has a current assessment: create, update and import assess it; `superseded_on` ends one."""

from __future__ import annotations

import io

from sqlalchemy import select

from app.extensions import db
from app.models import Assessment
from tests.imports.rows import numbered_rows, to_csv
from tests.profiles import gayo


def _assessments(app, ikm_id: int) -> list[Assessment]:
    """The IKM's stored assessments, oldest first."""
    with app.app_context():
        query = select(Assessment).where(Assessment.ikm_id == ikm_id).order_by(Assessment.id)
        rows = db.session.scalars(query).all()
        db.session.expunge_all()
        return rows


def _import_rows(client, headers, count: int) -> None:
    """Import `count` numbered rows as a CSV file through the API (one batch assessment)."""
    content = to_csv(numbered_rows(count))
    response = client.post(
        "/api/v1/imports",
        data={"file": (io.BytesIO(content), "ikm.csv")},
        content_type="multipart/form-data",
        headers=headers,
    )
    assert response.status_code == 201, response.json


def test_registering_an_ikm_assesses_it_and_records_its_gaps(app, client, auth):
    """POST /ikms stores the IKM and its first assessment with the reporting columns and gap rows."""
    headers = auth("admin")
    ikm_id = client.post("/api/v1/ikms", json=gayo(), headers=headers).json["id"]
    (stored,) = _assessments(app, ikm_id)
    assert stored.superseded_on is None and stored.ovop_stars == gayo()["ovop_stars"]
    assert stored.urgent_gap is not None and stored.urgent_gap_severity in ("blocking", "upcoming", "major")
    history = client.get(f"/api/v1/ikms/{ikm_id}/assessments", headers=headers).json["assessments"]
    assert [item["id"] for item in history] == [stored.id]
    codes = {item.split("|")[0] for item in stored.gap_list.split(";")}
    assert "EUDR_GEO" in codes


def test_an_update_reassesses_and_supersedes_the_previous_assessment(app, client, auth):
    """PATCH with a change adds an assessment; the old one is superseded on the new one's date."""
    headers = auth("admin")
    ikm_id = client.post("/api/v1/ikms", json=gayo(), headers=headers).json["id"]
    response = client.patch(f"/api/v1/ikms/{ikm_id}", json={"employees": 40}, headers=headers)
    assert response.status_code == 200, response.json
    first, second = _assessments(app, ikm_id)
    assert first.superseded_on == second.as_of and second.superseded_on is None


def test_an_unchanged_update_adds_no_assessment(app, client, auth):
    """PATCH with the same values changes nothing, so no new assessment."""
    headers = auth("admin")
    ikm_id = client.post("/api/v1/ikms", json=gayo(), headers=headers).json["id"]
    client.patch(f"/api/v1/ikms/{ikm_id}", json={"employees": gayo()["employees"]}, headers=headers)
    assert len(_assessments(app, ikm_id)) == 1


def test_a_backdated_assessment_slots_into_the_history(app, client, auth):
    """An assessment as of an earlier date ends on the next one's date; the latest stays current."""
    headers = auth("admin")
    ikm_id = client.post("/api/v1/ikms", json=gayo(), headers=headers).json["id"]
    client.post("/api/v1/assessments", json={"ikm_id": ikm_id, "as_of": "2026-01-15"}, headers=headers)
    created, backdated = _assessments(app, ikm_id)
    assert created.superseded_on is None and backdated.superseded_on == created.as_of


def test_an_import_assesses_every_written_ikm_in_one_batch(app, client, auth):
    """Imported IKM get an assessment each (vectorised engine); re-importing a changed row supersedes it."""
    headers = auth("district", region="11.17")
    _import_rows(client, headers, 3)
    with app.app_context():
        rows = db.session.scalars(select(Assessment).where(Assessment.ikm_id.is_not(None))).all()
        assert len(rows) == 3 and all(row.superseded_on is None for row in rows)
        assert all(row.result["mode"] == "batch" and row.level for row in rows)
        ikm_id, level = rows[0].ikm_id, rows[0].level
    history = client.get(f"/api/v1/ikms/{ikm_id}/assessments", headers=headers).json["assessments"]
    assert len(history) == 1 and history[0]["level"] == level


REPORTING_COLUMNS = (
    "score",
    "level",
    "route",
    "status",
    "size_class",
    "review_required",
    "eligible_programmes",
    "urgent_gap",
    "urgent_gap_severity",
    "urgent_gap_from",
    "gap_list",
    "policy_version",
)


def test_an_imported_ikm_stores_the_same_assessment_record_as_a_single_create(app, client, auth):
    """The bulk path stores the gap list, most urgent gap and date, programmes and flags a create stores."""
    headers = auth("district", region="11.17")
    _import_rows(client, headers, 2)
    with app.app_context():
        imported = db.session.scalars(select(Assessment).where(Assessment.ikm_id.is_not(None))).all()
        ikm_ids = [row.ikm_id for row in imported]
        batch = {row.ikm_id: {name: getattr(row, name) for name in REPORTING_COLUMNS} for row in imported}
        batch_gaps = {row.ikm_id: row.result["gaps"] for row in imported}
    assert all(columns["gap_list"] and columns["urgent_gap"] for columns in batch.values())
    for ikm_id in ikm_ids:
        single = client.post("/api/v1/assessments", json={"ikm_id": ikm_id}, headers=headers)
        assert single.status_code == 201, single.json
        with app.app_context():
            stored = db.session.get(Assessment, single.json["id"])
            assert {name: getattr(stored, name) for name in REPORTING_COLUMNS} == batch[ikm_id]
            keys = ("requirement", "market", "severity", "applies_from", "product_hs", "conditional_on")
            assert [{key: gap[key] for key in keys} for gap in stored.result["gaps"]] == [
                {key: gap[key] for key in keys} for gap in batch_gaps[ikm_id]
            ]
