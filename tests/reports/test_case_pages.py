"""The case page: the decision form records financing amounts (checked like the API), the history names
the assignee instead of a user number."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Application
from tests.profiles import gayo

DECISION = {
    "version": 2,
    "status": "approved",
    "reason_code": "CRITERIA_MET",
    "note": "Lengkap.",
    "override_reason": "",
    "referred_programme_code": "",
}


@pytest.fixture
def case_in_review(client, auth, sign_in):
    """An advisor signed in, with a PKE_UMKM case of the Gayo IKM in review; returns the case's path."""
    admin = auth("admin")
    ikm_id = client.post("/api/v1/ikms", json=gayo(), headers=admin).json["id"]
    case = client.post(
        "/api/v1/cases", json={"ikm_id": ikm_id, "programme_code": "PKE_UMKM"}, headers=admin
    ).json
    sign_in("advisor")
    path = f"/cases/{case['id']}"
    assert client.post(f"{path}/review", data={"version": 1}).status_code == 302
    return path


def test_the_decision_form_records_the_financing_typed_the_readers_way(app, client, case_in_review):
    """'250.000.000' in Bahasa Indonesia is 250 million; the amounts are stored and shown as rupiah."""
    page = client.get(case_in_review).get_data(as_text=True)
    assert 'id="decision-amount-requested"' in page and 'id="decision-amount-approved"' in page
    decision = {**DECISION, "amount_requested_idr": "250.000.000", "amount_approved_idr": "200.000.000"}
    response = client.post(f"{case_in_review}/decision", data=decision)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        case = db.session.scalar(select(Application))
        assert (case.amount_requested_idr, case.amount_approved_idr) == (250_000_000, 200_000_000)
    shown = client.get(case_in_review).get_data(as_text=True)
    assert "Rp250.000.000" in shown and "Rp200.000.000" in shown


@pytest.mark.parametrize(
    ("requested", "approved", "field"),
    [
        ("banyak", "", "amount_requested_idr"),  # not a number
        ("-5", "", "amount_requested_idr"),  # below the schema's range
        ("100.000.000", "150.000.000", "amount_approved_idr"),  # more than requested (the service's rule)
    ],
)
def test_a_wrong_amount_is_named_next_to_its_field_and_nothing_is_decided(
    app, client, case_in_review, requested, approved, field
):
    """422 with the message at the field; the case stays in review and the typed text stays in the form."""
    decision = {**DECISION, "amount_requested_idr": requested, "amount_approved_idr": approved}
    response = client.post(f"{case_in_review}/decision", data=decision)
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page
    assert f'id="error-{field}"' in page and 'data-status="in_review"' in page
    assert f'value="{requested}"' in page
    with app.app_context():
        assert db.session.scalar(select(Application.status)) == "in_review"


def test_the_history_names_the_assignee_by_e_mail_and_role(client, auth, make_user, sign_in, case_in_review):
    """An assignment in the timeline reads 'assigned to: ani@… (Advisor)', not a user number."""
    advisor, _ = make_user("advisor")
    sign_in("supervisor")
    version = int(
        client.get(case_in_review).get_data(as_text=True).split('id="case-version">')[1].split("<")[0]
    )
    response = client.post(
        f"{case_in_review}/assignment", data={"version": version, "assignee_id": str(advisor.id)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    history = client.get(case_in_review).get_data(as_text=True).split('id="history"')[1]
    assert f"{advisor.email} (" in history
    assert f"→ {advisor.id}<" not in history and "user no." not in history and "no. pengguna" not in history


def test_the_programme_explanation_names_the_gaps_not_their_codes(client, case_in_review):
    """'Gaps a certificate can close' reads the requirements' names and severities in words."""
    page = client.get(case_in_review).get_data(as_text=True)
    sentence = page.split("Kekurangan yang dapat ditutup dengan sertifikat:")[1].split("—")[0]
    assert "Registrasi fasilitas pangan FDA AS" in sentence and "FDA_FFR" not in sentence, sentence
    assert "(upcoming)" not in sentence and "(blocking)" not in sentence, sentence
