"""HS corrections: recorded (audited) when a person changes a product's HS code; training learns them."""

from __future__ import annotations

from sqlalchemy import select

from tests.profiles import gayo


def _ikm(client, headers, **changes) -> dict:
    """Register a Gayo-like IKM and return it."""
    response = client.post("/api/v1/ikms", json=gayo(**changes), headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _url(ikm_id: int, position: int = 0) -> str:
    return f"/api/v1/ikms/{ikm_id}/products/{position}/hs-correction"


def test_an_advisor_corrects_a_product_code_and_it_is_recorded_and_audited(client, auth, app):
    ikm = _ikm(client, auth("admin"), nib="9120009990001")
    advisor = auth("advisor")
    response = client.post(_url(ikm["id"]), json={"hs_code": "090121", "note": "sangrai"}, headers=advisor)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["previous_code"] == "090111" and body["hs_code"] == "090121"
    assert body["description"] == ikm["products"][0]["description"]
    assert body["predicted_code"] and body["model_version"]
    history = client.get(f"/api/v1/ikms/{ikm['id']}/assessments", headers=advisor).get_json()["assessments"]
    latest = client.get(f"/api/v1/assessments/{history[0]['id']}", headers=advisor).get_json()
    assert latest["products"][0]["hs_code"] == "090121"  # re-assessed with the new code
    stored = client.get(f"/api/v1/ikms/{ikm['id']}", headers=advisor).get_json()
    assert stored["products"][0]["hs_code"] == "090121"
    listed = client.get(f"/api/v1/ikms/{ikm['id']}/hs-corrections", headers=advisor).get_json()
    assert [c["id"] for c in listed["corrections"]] == [body["id"]]
    with app.app_context():
        from app.extensions import db
        from app.models import AuditEvent

        events = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "hs.correct", AuditEvent.entity_id == str(ikm["id"])
            )
        ).all()
        assert len(events) == 1
        assert events[0].before["hs_code"] == "090111" and events[0].after["hs_code"] == "090121"
        assert events[0].actor_id is not None and events[0].actor_label.startswith("advisor-")


def test_bad_corrections_are_refused_and_nothing_is_written(client, auth, app):
    ikm = _ikm(client, auth("admin"), nib="9120009990002")
    headers = auth("admin")
    for payload, field in (
        ({}, "hs_code"),
        ({"hs_code": "0901"}, "hs_code"),
        ({"hs_code": "999998"}, "hs_code"),
        ({"hs_code": "090111"}, "hs_code"),  # unchanged
        ({"hs_code": "090121", "note": "x" * 501}, "note"),
        ({"hs_code": "090121", "extra": 1}, "extra"),
    ):
        response = client.post(_url(ikm["id"]), json=payload, headers=headers)
        assert response.status_code == 422, (payload, response.get_json())
        assert field in response.get_json()["errors"]["json"]
    assert client.post(_url(ikm["id"], 5), json={"hs_code": "090121"}, headers=headers).status_code == 404
    assert client.post(_url(999999), json={"hs_code": "090121"}, headers=headers).status_code == 404
    listed = client.get(f"/api/v1/ikms/{ikm['id']}/hs-corrections", headers=headers).get_json()
    assert listed["corrections"] == []


def test_only_callers_who_see_the_ikm_may_correct_it(client, auth):
    ikm = _ikm(client, auth("admin"), nib="9120009990003")
    assert client.post(_url(ikm["id"]), json={"hs_code": "090121"}).status_code == 401
    assert (
        client.post(_url(ikm["id"]), json={"hs_code": "090121"}, headers=auth("ministry")).status_code == 403
    )
    other_district = auth("district", region="32.04")
    assert client.post(_url(ikm["id"]), json={"hs_code": "090121"}, headers=other_district).status_code == 403
    owner = auth("owner", ikm=ikm["id"])
    assert client.post(_url(ikm["id"]), json={"hs_code": "090121"}, headers=owner).status_code == 201


def test_a_profile_update_that_changes_a_code_records_a_correction(client, auth):
    headers = auth("admin")
    ikm = _ikm(client, headers, nib="9120009990004")
    products = [dict(ikm["products"][0], hs_code="210111")]
    assert (
        client.patch(f"/api/v1/ikms/{ikm['id']}", json={"products": products}, headers=headers).status_code
        == 200
    )
    renamed = [dict(products[0], description="Kopi instan Gayo", hs_code="210112")]
    assert (
        client.patch(f"/api/v1/ikms/{ikm['id']}", json={"products": renamed}, headers=headers).status_code
        == 200
    )
    corrections = client.get(f"/api/v1/ikms/{ikm['id']}/hs-corrections", headers=headers).get_json()[
        "corrections"
    ]
    # The first update changed the code of the same product; the second changed what the product is.
    assert [(c["previous_code"], c["hs_code"]) for c in corrections] == [("090111", "210111")]


def test_training_pairs_keep_the_latest_code_of_each_description(client, auth, app):
    headers = auth("admin")
    ikm = _ikm(client, headers, nib="9120009990005")
    client.post(_url(ikm["id"]), json={"hs_code": "090121"}, headers=headers)
    client.post(_url(ikm["id"]), json={"hs_code": "090122"}, headers=headers)
    with app.app_context():
        from app.services.hs_corrections import training_pairs

        pairs = dict(training_pairs())
    assert pairs[ikm["products"][0]["description"]] == "090122"


def test_a_profile_update_changing_two_codes_asks_the_classifier_once(client, auth, monkeypatch):
    from app.services.models import current_models

    headers = auth("admin")
    second = {"description": "Bubuk kakao murni tanpa gula", "hs_code": "180500"}
    ikm = _ikm(client, headers, nib="9120009990006")
    products = [ikm["products"][0], second]
    assert (
        client.patch(f"/api/v1/ikms/{ikm['id']}", json={"products": products}, headers=headers).status_code
        == 200
    )
    batches = []
    with client.application.app_context():
        classifier = current_models().hs_classifier
    original = type(classifier).rank_many

    def counting(self, descriptions, limit=3):
        batches.append(list(descriptions))
        return original(self, descriptions, limit)

    monkeypatch.setattr(type(classifier), "rank_many", counting)
    changed = [dict(products[0], hs_code="090121"), dict(second, hs_code="180620")]
    assert (
        client.patch(f"/api/v1/ikms/{ikm['id']}", json={"products": changed}, headers=headers).status_code
        == 200
    )
    corrections = client.get(f"/api/v1/ikms/{ikm['id']}/hs-corrections", headers=headers).get_json()[
        "corrections"
    ]
    assert [(c["position"], c["hs_code"]) for c in corrections] == [(0, "090121"), (1, "180620")]
    assert all(c["predicted_code"] for c in corrections)
    correction_batches = [batch for batch in batches if batch == [p["description"] for p in changed]]
    assert len(correction_batches) == 1
