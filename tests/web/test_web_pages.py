"""The pages through the test client: sign-in, CSRF on every form, cookies, queue, case and import pages."""

from __future__ import annotations

import io
import re

import pytest

from tests.imports.rows import numbered_rows, to_csv
from tests.profiles import gayo
from tests.web.conftest import PASSWORD


@pytest.fixture
def gayo_case(client, auth):
    """An open PKE_UMKM case of the Gayo IKM; returns its JSON."""
    admin = auth("admin")
    ikm_id = client.post("/api/v1/ikms", json=gayo(), headers=admin).json["id"]
    return client.post(
        "/api/v1/cases", json={"ikm_id": ikm_id, "programme_code": "PKE_UMKM"}, headers=admin
    ).json


@pytest.fixture
def csrf_on(app, monkeypatch):
    """CSRF checks as in production (the test config switches them off elsewhere)."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def _csrf_token(page: str) -> str:
    """The CSRF token of the first form on a page."""
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_the_login_page_speaks_one_language_at_a_time(client):
    """Indonesian by default, English on request; never both side by side."""
    page = client.get("/login").get_data(as_text=True)
    assert "Kata sandi" in page and "Password" not in page
    english = client.get("/login?lang=en").get_data(as_text=True)
    assert "Password" in english and "Kata sandi" not in english


def test_signing_in_sets_an_httponly_samesite_session_cookie_and_lands_on_the_queue(client, make_user):
    """A successful sign-in redirects to the queue; the cookie is HttpOnly and SameSite=Lax."""
    user, _ = make_user("advisor", password=PASSWORD)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/cases"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/cases").status_code == 200


def test_the_session_cookie_is_secure_when_configured_as_in_production(app, client, make_user, monkeypatch):
    """ProductionConfig sets SESSION_COOKIE_SECURE: the cookie then carries Secure."""
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    user, _ = make_user("advisor", password=PASSWORD)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert "Secure" in response.headers["Set-Cookie"]


def test_a_wrong_password_is_refused_and_the_account_locks(app, client, make_user):
    """401 with the message; after LOGIN_MAX_FAILED_ATTEMPTS the right password is refused too."""
    user, _ = make_user("advisor", password=PASSWORD)
    for _ in range(app.config["LOGIN_MAX_FAILED_ATTEMPTS"]):
        response = client.post("/login", data={"email": user.email, "password": "salah-sekali"})
        assert response.status_code == 401
    page = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert page.status_code == 401 and "dikunci" in page.get_data(as_text=True)


def test_pages_need_a_sign_in_and_remember_where_to_go(client, gayo_case):
    """Anonymous visitors are sent to /login?next=…; after sign-in they land there."""
    response = client.get(f"/cases/{gayo_case['id']}")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    assert client.get("/import").status_code == 302


def test_the_next_parameter_cannot_send_users_to_another_site(client, make_user):
    """No open redirect after sign-in."""
    user, _ = make_user("advisor", password=PASSWORD)
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = client.post(f"/login?next={target}", data={"email": user.email, "password": PASSWORD})
        assert response.headers["Location"] == "/cases"
        client.post("/logout")


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/login", {"email": "x@example.id", "password": "x"}),
        ("/logout", {}),
        ("/cases/1/review", {"version": 1}),
        ("/cases/1/decision", {"version": 1, "status": "approved"}),
        ("/cases/1/assignment", {"version": 1}),
        ("/cases/1/withdrawal", {"version": 1}),
        ("/cases/1/comments", {"body": "x"}),
        ("/import", {}),
    ],
)
def test_every_page_form_is_refused_without_its_csrf_token(client, csrf_on, path, data):
    """400 before anything runs when the token is missing."""
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_a_form_with_its_csrf_token_goes_through(client, csrf_on, make_user):
    """The token from the page makes the sign-in work."""
    user, _ = make_user("advisor", password=PASSWORD)
    token = _csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_the_api_needs_no_csrf_token(client, csrf_on, auth):
    """The API authenticates by bearer token only, so CSRF does not apply to it."""
    assert client.post("/api/v1/ikms", json=gayo(), headers=auth("admin")).status_code == 201


def test_an_advisor_works_a_case_through_the_pages(client, sign_in, gayo_case):
    """Queue → case → start review → decide with reason and note → the decision shows."""
    sign_in("advisor")
    queue = client.get("/cases").get_data(as_text=True)
    assert "Koperasi Kopi Gayo Lestari" in queue and f'data-case-id="{gayo_case["id"]}"' in queue
    case_path = f"/cases/{gayo_case['id']}"
    assert 'id="review-form"' in client.get(case_path).get_data(as_text=True)
    assert client.post(f"{case_path}/review", data={"version": 1}).status_code == 302
    page = client.get(case_path).get_data(as_text=True)
    assert "Tersimpan" in page and 'id="decision-form"' in page
    decision = {
        "version": 2,
        "status": "approved",
        "reason_code": "CRITERIA_MET",
        "note": "Lengkap.",
        "override_reason": "",
        "referred_programme_code": "",
    }
    assert client.post(f"{case_path}/decision", data=decision).status_code == 302
    page = client.get(case_path).get_data(as_text=True)
    assert 'id="decision-reason" data-code="CRITERIA_MET"' in page and "Lengkap." in page
    assert re.search(r'<time datetime="[^"]+">\d+ \w+ 20\d\d \d\d[.:]\d\d WIB</time>', page)


def test_a_stale_form_shows_the_conflict_and_changes_nothing(client, sign_in, gayo_case):
    """A page opened before someone else's change: the message says so, the case keeps the other change."""
    sign_in("advisor")
    case_path = f"/cases/{gayo_case['id']}"
    client.post(f"{case_path}/review", data={"version": 1})
    response = client.post(f"{case_path}/review", data={"version": 1})
    page = response.get_data(as_text=True)
    assert (
        response.status_code == 409 and "sudah diubah orang lain" in page and 'id="case-version">2<' in page
    )
    assert "Stale" not in page and "version:" not in page  # no raw field dump after the message


def test_an_override_without_its_reason_is_explained_on_the_page(client, sign_in, gayo_case):
    """Rejecting a case the engine routes to financing needs an override reason."""
    sign_in("advisor")
    case_path = f"/cases/{gayo_case['id']}"
    client.post(f"{case_path}/review", data={"version": 1})
    decision = {
        "version": 2,
        "status": "rejected",
        "reason_code": "CREDIT_HISTORY",
        "note": "SLIK.",
        "override_reason": "",
        "referred_programme_code": "",
    }
    response = client.post(f"{case_path}/decision", data=decision)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'data-status="in_review"' in page
    assert 'aria-describedby="error-override_reason"' in page and "wajib alasan override" in page
    form = page.split('id="decision-form"')[1].split("</form>")[0]
    assert '<option selected value="rejected">' in form and "SLIK.</textarea>" in form  # nothing reset


def test_the_ministry_cannot_open_the_queue_or_a_case(client, sign_in, gayo_case):
    """403 pages for aggregate-only users."""
    sign_in("ministry")
    assert client.get("/cases").status_code == 403
    assert client.get(f"/cases/{gayo_case['id']}").status_code == 403


def test_an_owner_sees_their_case_but_not_anothers(client, sign_in, gayo_case, auth):
    """Object-level checks apply to pages too."""
    sign_in("owner", ikm=gayo_case["ikm"]["id"])
    assert client.get(f"/cases/{gayo_case['id']}").status_code == 200
    client.post("/logout")
    sign_in("owner")
    assert client.get(f"/cases/{gayo_case['id']}").status_code == 403


def test_a_district_imports_through_the_page_and_reads_the_report(client, sign_in):
    """Upload → report with counts; a bad file → the error table, nothing saved."""
    sign_in("district", region="11.17")
    page = client.get("/import").get_data(as_text=True)
    assert 'value="11.17"' in page and "template.xlsx" in page
    good = client.post(
        "/import",
        data={"file": (io.BytesIO(to_csv(numbered_rows(2))), "usulan.csv"), "region": "11.17"},
        content_type="multipart/form-data",
    )
    assert good.status_code == 200 and "2 baru" in good.get_data(as_text=True)
    rows = numbered_rows(1, start=10)
    rows[0]["nib"] = "123"
    bad = client.post(
        "/import",
        data={"file": (io.BytesIO(to_csv(rows)), "salah.csv"), "region": "11.17"},
        content_type="multipart/form-data",
    )
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'id="import-errors"' in text and "NIB harus 13 digit" in text
    assert "tidak ada yang disimpan" in text


def test_a_large_import_through_the_page_runs_as_a_job(app, client, sign_in):
    """Above IMPORT_JOB_ROWS the page submits a job and shows its status page, then the report or the
    errors (as the API does); another user's import job is 403."""
    from tests.jobs.conftest import wait_for

    app.config["IMPORT_JOB_ROWS"] = 3
    try:
        sign_in("district", region="11.17")
        sent = client.post(
            "/import",
            data={"file": (io.BytesIO(to_csv(numbered_rows(5))), "besar.csv"), "region": "11.17"},
            content_type="multipart/form-data",
        )
        assert sent.status_code == 303 and "/import/jobs/" in sent.headers["Location"]
        job_id = int(sent.headers["Location"].rsplit("/", 1)[1])
        assert wait_for(app, job_id).status == "succeeded"
        done = client.get(f"/import/jobs/{job_id}")
        text = done.get_data(as_text=True)
        assert done.status_code == 200 and 'id="import-done"' in text and "5 baru" in text
        assert 'http-equiv="refresh"' not in text
        rows = numbered_rows(5, start=20)
        rows[3]["nib"] = "123"
        bad = client.post(
            "/import",
            data={"file": (io.BytesIO(to_csv(rows)), "salah.csv"), "region": "11.17"},
            content_type="multipart/form-data",
        )
        bad_id = int(bad.headers["Location"].rsplit("/", 1)[1])
        assert wait_for(app, bad_id).status == "failed"
        text = client.get(f"/import/jobs/{bad_id}").get_data(as_text=True)
        assert 'id="import-failed"' in text and 'id="import-errors"' in text and "NIB harus 13 digit" in text
        client.post("/logout")
        sign_in("district", region="11.18")
        assert client.get(f"/import/jobs/{job_id}").status_code == 403
    finally:
        app.config["IMPORT_JOB_ROWS"] = 2000


def test_the_import_page_is_for_districts_provinces_and_admins(client, sign_in):
    """Advisors get 403."""
    sign_in("advisor")
    assert client.get("/import").status_code == 403


def test_templates_download_from_the_pages(client, sign_in):
    """/import/template.csv and .xlsx."""
    sign_in("district", region="11.17")
    csv_template = client.get("/import/template.csv")
    assert csv_template.status_code == 200 and csv_template.data.startswith("\ufeffname".encode())
    assert client.get("/import/template.xlsx").data.startswith(b"PK")
    assert client.get("/import/template.pdf").status_code == 404


def test_signing_out_ends_the_session(client, sign_in):
    """After POST /logout the queue needs a sign-in again."""
    sign_in("advisor")
    assert client.post("/logout").status_code == 302
    assert client.get("/cases").status_code == 302


def test_a_page_past_the_last_goes_to_the_last_page(client, sign_in, gayo_case):
    sign_in("advisor")
    response = client.get("/cases?page=999&page_size=1")
    assert response.status_code == 302 and "page=1" in response.headers["Location"]
    assert "999" not in client.get(response.headers["Location"]).get_data(as_text=True)


def test_an_override_reason_on_a_decision_that_is_not_an_override_is_refused_not_dropped(
    client, sign_in, gayo_case
):
    sign_in("advisor")
    case_path = f"/cases/{gayo_case['id']}"
    client.post(f"{case_path}/review", data={"version": 1})
    decision = {
        "version": 2,
        "status": "approved",  # the engine routes the Gayo cooperative to financing: not an override
        "reason_code": "CRITERIA_MET",
        "note": "Lengkap.",
        "override_reason": "FIELD_VISIT_FINDINGS",
        "referred_programme_code": "",
    }
    response = client.post(f"{case_path}/decision", data=decision)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "bukan override" in page and 'data-status="in_review"' in page
    assert "Lengkap.</textarea>" in page


def test_the_case_page_explains_the_assessment_and_shows_the_history(client, sign_in, gayo_case):
    sign_in("advisor")
    case_path = f"/cases/{gayo_case['id']}"
    client.post(f"{case_path}/review", data={"version": 1})
    page = client.get(case_path).get_data(as_text=True)
    assert 'id="profile"' in page and 'id="assessment"' in page and 'id="history"' in page
    assert "Sudah berusaha" in page and "Peninjauan dimulai" in page and "Permohonan diajukan" in page
    assert "years_in_business" not in page and "{'" not in page and "['" not in page
    trace = page.split('id="trace"')[1].split("</details>")[0]
    assert "Nomor Induk Berusaha (OSS) (Amerika Serikat)" in trace and "policy-v1" in trace


def test_favicon_and_the_api_docs_page_lead_back_to_the_site(client):
    favicon = client.get("/favicon.ico")
    icon = client.get(favicon.headers["Location"])
    icon.close()
    assert favicon.status_code == 301 and icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    docs = client.get("/api/v1/docs", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in docs and 'id="back-to-site"' in docs


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("employees", "1,5", "Harus bilangan bulat"),
        ("employees", "-5", "Harus antara 0 dan 1.000.000."),
        ("ovop_stars", "9", "Harus antara 0 dan 5."),
    ],
)
def test_whole_number_fields_say_what_is_wrong_with_the_limits(client, field, typed, message):
    from tests.web.test_selfcheck_pages import GAYO_FORM

    response = client.post("/cek-kesiapan", data={**GAYO_FORM, field: typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page.split(f'id="error-{field}"')[1].split("</span>")[0]


def test_an_empty_form_asks_for_a_product_in_words(client):
    page = client.post("/cek-kesiapan", data={}).get_data(as_text=True)
    assert "Isi minimal satu produk." in page and "Length must be" not in page


@pytest.mark.parametrize("valid_until", ["0001-01-01", "9999-12-31"])
def test_impossible_certificate_dates_are_refused_by_name(client, valid_until):
    from tests.web.test_selfcheck_pages import GAYO_FORM

    form = {**GAYO_FORM, "cert_ORGANIC_valid_until": valid_until}
    response = client.post("/cek-kesiapan", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="error-cert_ORGANIC_valid_until"' in page
    assert "antara tahun 2000 dan 2100" in page


def test_the_result_downloads_as_a_pdf_in_the_readers_language(client):
    from tests.web.test_selfcheck_pages import GAYO_FORM

    page = client.post("/cek-kesiapan", data=GAYO_FORM).get_data(as_text=True)
    link = re.search(r'href="(/cek-kesiapan/hasil/[^"]+\.pdf)"', page).group(1)
    pdf = client.get(link)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert client.get(link.replace("hasil/", "hasil/x")).status_code == 404  # a tampered link opens nothing


def test_the_supervisor_page_shows_overrides_by_advisor_and_reason_and_unassigned_cases(
    client, sign_in, gayo_case, auth
):
    sign_in("advisor")
    case_path = f"/cases/{gayo_case['id']}"
    client.post(f"{case_path}/review", data={"version": 1})
    decision = {
        "version": 2,
        "status": "rejected",
        "reason_code": "CREDIT_HISTORY",
        "note": "SLIK.",
        "override_reason": "CREDIT_INFORMATION",
    }
    assert client.post(f"{case_path}/decision", data=decision).status_code == 302
    history = client.get(case_path).get_data(as_text=True).split('id="history"')[1]
    assert "CREDIT_HISTORY" not in history and "CREDIT_INFORMATION" not in history  # reasons in words
    client.post("/logout")
    assert client.get("/cases/supervisi").status_code == 302  # sign in first
    sign_in("advisor")
    assert client.get("/cases/supervisi").status_code == 403
    client.post("/logout")
    sign_in("supervisor")
    page = client.get("/cases/supervisi").get_data(as_text=True)
    advisor_rows = page.split('id="overrides-by-advisor"')[1].split("</table>")[0]
    assert "advisor" in advisor_rows and ">100%<" in advisor_rows
    reasons = page.split('id="overrides-by-reason"')[1].split("</table>")[0]
    assert "CREDIT_INFORMATION" not in reasons and "—" not in reasons
