"""The IKM's optional kecamatan: checked against its kabupaten/kota (API, PATCH, import, batch twin, form),
and the workspace's kecamatan filter."""

from __future__ import annotations

import io

from sqlalchemy import select

from app.engine.validation import validate_profile
from app.extensions import db
from app.models import Ikm
from tests.imports.rows import numbered_rows, to_csv
from tests.profiles import gayo

# 11.17.01 Pintu Rime Gayo lies in 11.17 Bener Meriah; 11.01.01 Bakongan in 11.01 Aceh Selatan
# (data/reference/kecamatan.csv).
INSIDE, OUTSIDE = "11.17.01", "11.01.01"


def test_the_api_stores_a_kecamatan_inside_the_regency_and_refuses_others(client, auth):
    """201 with the kecamatan in the profile; outside the kabupaten/kota or unknown: 422 naming it."""
    headers = auth("admin")
    created = client.post("/api/v1/ikms", json=gayo(kecamatan_code=INSIDE), headers=headers)
    assert created.status_code == 201, created.json
    assert created.json["kecamatan_code"] == INSIDE
    for code in (OUTSIDE, "11.17.99", "11.17"):
        bad = client.post(
            "/api/v1/ikms", json=gayo(nib="9120001234568", kecamatan_code=code), headers=headers
        )
        assert bad.status_code == 422, (code, bad.json)
        assert "kecamatan_code" in bad.json["errors"]["json"], bad.json


def test_a_patch_that_moves_the_ikm_keeps_its_kecamatan_consistent(client, auth):
    """Changing only the kabupaten/kota while the stored kecamatan lies elsewhere is a 422."""
    headers = auth("admin")
    ikm_id = client.post("/api/v1/ikms", json=gayo(kecamatan_code=INSIDE), headers=headers).json["id"]
    moved = client.patch(f"/api/v1/ikms/{ikm_id}", json={"region_code": "11.01"}, headers=headers)
    assert moved.status_code == 422 and "kecamatan_code" in moved.json["errors"]["json"], moved.json
    both = client.patch(
        f"/api/v1/ikms/{ikm_id}", json={"region_code": "11.01", "kecamatan_code": OUTSIDE}, headers=headers
    )
    assert both.status_code == 200 and both.json["kecamatan_code"] == OUTSIDE, both.json
    cleared = client.patch(f"/api/v1/ikms/{ikm_id}", json={"kecamatan_code": None}, headers=headers)
    assert cleared.status_code == 200 and "kecamatan_code" not in cleared.json


def test_the_import_reads_the_kecamatan_column(app, client, auth):
    """A kecamatan_code column is stored; one outside the row's kabupaten/kota is a row error."""
    rows = numbered_rows(2)
    rows[0]["kecamatan_code"] = INSIDE
    rows[1]["kecamatan_code"] = OUTSIDE
    response = client.post(
        "/api/v1/imports?partial=true",
        data={"file": (io.BytesIO(to_csv(rows)), "ikm.csv")},
        content_type="multipart/form-data",
        headers=auth("district", region="11.17"),
    )
    assert response.status_code == 201, response.json
    report = response.json
    assert (report["created"], report["invalid"]) == (1, 1), report
    assert [(error["line"], error["column"]) for error in report["errors"]] == [(3, "kecamatan_code")]
    with app.app_context():
        stored = db.session.scalar(select(Ikm.kecamatan_code).where(Ikm.nib == rows[0]["nib"]))
    assert stored == INSIDE


def test_the_batch_twin_checks_the_kecamatan_as_the_schema_does():
    """validate_profile: a known kecamatan inside the regency passes; outside or unknown is refused."""
    good, errors = validate_profile(gayo(kecamatan_code=INSIDE))
    assert errors == [] and good["kecamatan_code"] == INSIDE
    for code in (OUTSIDE, "99.99.99"):
        checked, errors = validate_profile(gayo(kecamatan_code=code))
        assert checked is None and errors[0][0] == "kecamatan_code", errors


def test_the_workspace_filters_by_kecamatan(app, client, auth, population):
    """Only the IKM of that kecamatan; a kecamatan outside the chosen kabupaten/kota is a 422."""
    population(3, region="11.17")
    population(2, region="11.17")
    with app.app_context():
        ids = db.session.scalars(select(Ikm.id).order_by(Ikm.id)).all()
        for ikm in db.session.scalars(select(Ikm).where(Ikm.id.in_(ids[:2]))):
            ikm.kecamatan_code = INSIDE
        db.session.commit()
    headers = auth("district", region="11.17")
    page = client.get(f"/api/v1/workspace/ikms?kecamatan={INSIDE}", headers=headers).json
    assert page["total"] == 2 and {item["kecamatan_code"] for item in page["items"]} == {INSIDE}
    bad = client.get(f"/api/v1/workspace/ikms?regency=11.17&kecamatan={OUTSIDE}", headers=headers)
    assert bad.status_code == 422 and "kecamatan" in bad.json["errors"]["query"], bad.json
    assert client.get("/api/v1/workspace/ikms?kecamatan=11.17", headers=headers).status_code == 422


def test_the_workspace_page_offers_the_districts_kecamatan_and_the_form_stores_one(app, client, sign_in):
    """The list's kecamatan drop-down holds the district's kecamatan; the propose form stores the choice."""
    sign_in("district", region="11.17")
    page = client.get("/workspace").get_data(as_text=True)
    assert 'id="kecamatan"' in page and "Pintu Rime Gayo" in page and "Bakongan" not in page
    form = {
        "name": "Kopi Kecamatan",
        "region_code": "11.17",
        "kecamatan_code": OUTSIDE,
        "product_0_description": "Kopi arabika green bean",
        "product_0_hs_code": "090111",
    }
    refused = client.post("/workspace/propose", data=form)
    assert refused.status_code == 422 and 'id="error-kecamatan_code"' in refused.get_data(as_text=True)
    response = client.post("/workspace/propose", data={**form, "kecamatan_code": INSIDE})
    assert response.status_code == 302, response.get_data(as_text=True)
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Pintu Rime Gayo" in shown
    listed = client.get(f"/workspace?kecamatan={INSIDE}").get_data(as_text=True)
    assert "Kopi Kecamatan" in listed
