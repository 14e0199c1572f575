"""The owner's journey through the pages: invited by e-mail → account → own page → apply → the advisors'
queue → status and the non-internal comments back on the owner's page."""

from __future__ import annotations

import logging
import re

import pytest

from app.extensions import db
from app.models import Application, OwnerInvitation, User
from tests.profiles import gayo
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.db


@pytest.fixture
def gayo_ikm(client, auth):
    """The Gayo cooperative registered and assessed (as a district would)."""
    admin = auth("admin")
    ikm_id = client.post("/api/v1/ikms", json=gayo(), headers=admin).json["id"]
    assert client.post("/api/v1/assessments", json={"ikm_id": ikm_id}, headers=admin).status_code in (
        200,
        201,
    )
    return ikm_id


def _invite(client, sign_in, ikm_id: int, caplog, email: str = "sari@kopigayo.example") -> str:
    """A district officer invites the owner; the link comes from the e-mail printed to the log."""
    sign_in("district", region="11.17")
    with caplog.at_level(logging.INFO, logger="app.services.mail"):
        response = client.post(f"/ikm/{ikm_id}/undang", data={"email": email})
    assert response.status_code == 302
    client.post("/logout")
    mails = "\n".join(record.getMessage() for record in caplog.records)  # whatever the log format
    return re.search(r"http://localhost(/undangan/\S+)", mails).group(1)


def test_an_invited_owner_creates_an_account_applies_and_reads_the_advisors_comment(
    app, client, sign_in, gayo_ikm, caplog, auth
):
    link = _invite(client, sign_in, gayo_ikm, caplog)
    page = client.get(link).get_data(as_text=True)
    assert "Koperasi Kopi Gayo Lestari" in page and "sari@kopigayo.example" in page

    mismatch = client.post(link, data={"password": PASSWORD, "confirm": "lain-sekali-123"})
    assert mismatch.status_code == 422 and 'aria-describedby="error-confirm"' in mismatch.get_data(
        as_text=True
    )
    short = client.post(link, data={"password": "pendek", "confirm": "pendek"})
    assert (
        short.status_code == 422
        and "10" in short.get_data(as_text=True).split('id="error-password"')[1][:300]
    )
    created = client.post(link, data={"password": PASSWORD, "confirm": PASSWORD})
    assert created.status_code == 302 and created.headers["Location"] == "/usaha"
    assert client.get(link).status_code == 404  # one time only

    own = client.get("/usaha").get_data(as_text=True)
    assert 'id="readiness-score"' in own and 'id="apply-PKE_UMKM"' in own
    applied = client.post("/usaha/ajukan", data={"programme_code": "PKE_UMKM"})
    assert applied.status_code == 302
    own = client.get("/usaha").get_data(as_text=True)
    assert 'data-status="submitted"' in own and 'id="apply-PKE_UMKM"' not in own

    with app.app_context():
        case = db.session.query(Application).one()
        owner = db.session.query(User).filter_by(email="sari@kopigayo.example").one()
        assert case.ikm_id == gayo_ikm and owner.role == "owner" and owner.ikm_id == gayo_ikm
        case_id = case.id
    advisor = auth("advisor")
    queue = client.get("/api/v1/cases", headers=advisor).json
    assert [item["id"] for item in queue["items"]] == [case_id]
    for body, internal in (("Mohon kirim foto gudang.", False), ("Cek SLIK ulang.", True)):
        comment = {"body": body, "internal": internal}
        assert (
            client.post(f"/api/v1/cases/{case_id}/comments", json=comment, headers=advisor).status_code == 201
        )
    own = client.get("/usaha").get_data(as_text=True)
    assert "Mohon kirim foto gudang." in own and "Cek SLIK ulang." not in own


def test_the_owner_edits_the_profile_with_the_self_check_form_and_is_assessed_again(
    app, client, sign_in, gayo_ikm, caplog
):
    link = _invite(client, sign_in, gayo_ikm, caplog)
    client.post(link, data={"password": PASSWORD, "confirm": PASSWORD})
    form_page = client.get("/usaha/profil").get_data(as_text=True)
    assert 'value="Koperasi Kopi Gayo Lestari"' in form_page and 'value="4.200.000.000"' in form_page
    fields = dict(re.findall(r'<input id="([a-z_0-9]+)" name="\1"[^>]*value="([^"]*)"', form_page))
    assert fields["employees"] == "14"
    from tests.web.test_selfcheck_pages import GAYO_FORM

    with app.app_context():
        from app.models import Assessment

        before = db.session.query(Assessment).filter_by(ikm_id=gayo_ikm).count()
    sent = client.post("/usaha/profil", data={**GAYO_FORM, "employees": "20", "as_of": ""})
    assert sent.status_code == 302
    with app.app_context():
        from app.models import Assessment, Ikm

        assert db.session.get(Ikm, gayo_ikm).employees == 20
        assert db.session.query(Assessment).filter_by(ikm_id=gayo_ikm).count() == before + 1
    assert "Penilaian sebelumnya" in client.get("/usaha").get_data(as_text=True)


def test_invitations_are_refused_for_taken_addresses_and_outside_the_district(
    client, sign_in, gayo_ikm, make_user
):
    taken, _ = make_user("advisor")
    sign_in("district", region="11.17")
    response = client.post(f"/ikm/{gayo_ikm}/undang", data={"email": taken.email})
    assert response.status_code == 409 and 'aria-invalid="true"' in response.get_data(as_text=True)
    client.post("/logout")
    sign_in("district", region="32.01")
    assert client.post(f"/ikm/{gayo_ikm}/undang", data={"email": "x@example.id"}).status_code == 403


def test_an_expired_or_unknown_link_opens_nothing(app, client, sign_in, gayo_ikm, caplog):
    link = _invite(client, sign_in, gayo_ikm, caplog)
    assert client.get("/undangan/tidak-ada").status_code == 404
    with app.app_context():
        from datetime import UTC, datetime

        invitation = db.session.query(OwnerInvitation).one()
        invitation.expires_at = datetime(2020, 1, 1, tzinfo=UTC)
        db.session.commit()
    assert client.get(link).status_code == 404


def test_only_owners_have_an_own_page(client, sign_in):
    sign_in("advisor")
    assert client.get("/usaha").status_code == 403


def test_with_a_mail_server_set_the_invitation_goes_by_smtp(app, client, sign_in, gayo_ikm, monkeypatch):
    sent = []

    class FakeSmtp:
        def __init__(self, host, port, timeout):
            sent.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            sent.append(("starttls",))

        def login(self, user, password):
            sent.append(("login", user))

        def send_message(self, message):
            sent.append(("send", message["To"], message.get_content()))

    monkeypatch.setattr("app.services.mail.smtplib.SMTP", FakeSmtp)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.id")
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "ovop")
    sign_in("district", region="11.17")
    assert client.post(f"/ikm/{gayo_ikm}/undang", data={"email": "budi@kopigayo.example"}).status_code == 302
    assert sent[:3] == [("connect", "smtp.example.id", 587), ("starttls",), ("login", "ovop")]
    kind, to, body = sent[3]
    assert (
        kind == "send"
        and to == "budi@kopigayo.example"
        and "/undangan/" in body
        and "Koperasi Kopi Gayo" in body
    )
