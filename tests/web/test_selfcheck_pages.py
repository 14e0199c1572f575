"""The owners' self-check page: the form, the result with gaps per market, and readable errors."""

from __future__ import annotations

import re

from app.extensions import db
from app.models import Assessment

GAYO_FORM = {
    "name": "Koperasi Kopi Gayo Lestari",
    "region_code": "11.17",
    "legal_form": "koperasi",
    "founded_year": "2012",
    "employees": "14",
    "annual_revenue_idr": "4.200.000.000",
    "credit_status": "current",
    "group_kind": "cooperative",
    "group_members": "605",
    "product_0_description": "Kopi arabika Gayo wine process, green bean",
    "product_0_hs_code": "090111",
    "product_0_capacity": "20000",
    "product_0_unit": "kg",
    "cert_NIB": "1",
    "cert_NPWP": "1",
    "cert_ORGANIC": "1",
    "cert_ORGANIC_valid_until": "2027-08-01",
    "market": ["US", "DE"],
    "buyer_market": "US",
    "export_direct": "1",
    "last_export_year": "2025",
    "export_markets": "US",
    "practice_bookkeeping": "1",
    "practice_bank_account": "1",
    "practice_email": "1",
    "practice_marketplace": "1",
    "as_of": "2026-11-27",
}


def test_the_form_lists_every_kabupaten_kota_and_certificate_in_bahasa_indonesia_first(client):
    """GET /cek-kesiapan shows the form with the reference data."""
    page = client.get("/cek-kesiapan").get_data(as_text=True)
    assert page.count('<option value="') >= 514
    assert "Kabupaten Bener Meriah (11.17)" in page
    assert 'name="cert_EUDR_GEO"' in page and "Data geolokasi kebun" in page
    assert "Cek kesiapan ekspor" in page and "Export readiness self-check" not in page
    english = client.get("/cek-kesiapan?lang=en").get_data(as_text=True)
    assert "Export readiness self-check" in english and "Plot geolocation" in english


def test_the_contract_example_shows_score_route_and_the_gaps_per_market(client, app):
    """Posting the contract's example shows EUDR upcoming for Germany and FDA blocking for the US."""
    response = client.post("/cek-kesiapan", data=GAYO_FORM)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    score = int(re.search(r'id="readiness-score">(\d+)<', page).group(1))
    assert 0 <= score <= 100
    germany = page.split('id="gaps-DE"')[1].split("</ul>")[0]
    assert "<h3>Jerman</h3>" in germany
    assert 'data-requirement="EUDR_GEO" data-severity="upcoming"' in germany
    assert "berlaku 30 Juni 2027 — 215 hari lagi" in germany
    usa = page.split('id="gaps-US"')[1].split("</ul>")[0]
    assert 'data-requirement="FDA_FFR" data-severity="blocking"' in usa
    assert 'id="programme-PKE_UMKM" data-result="eligible"' in page
    assert 'data-route="financial"' in page
    with app.app_context():
        stored = db.session.query(Assessment).one()
        assert "name" not in stored.profile_snapshot  # anonymous: no business name kept


def test_a_missing_hs_code_is_classified_from_the_description(client):
    """A product without HS code gets one from the classifier, marked as such."""
    form = {
        **GAYO_FORM,
        "product_0_hs_code": "",
        "product_0_description": "Kopi robusta sangrai bubuk 250 gr",
    }
    page = client.post("/cek-kesiapan", data=form).get_data(as_text=True)
    assert "dikenali otomatis" in page
    assert re.search(r"HS 0901\d\d", page)


def test_bad_input_shows_readable_messages_next_to_the_fields_and_stores_nothing(client, app):
    """Missing name, a bad HS code and a bad year: 422 page with bilingual messages, nothing written."""
    form = {**GAYO_FORM, "name": "", "product_0_hs_code": "0901", "founded_year": "dua ribu"}
    response = client.post("/cek-kesiapan", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    assert "Nama usaha</a>: Wajib diisi." in summary
    assert "Produk 1 — Kode HS</a>: Kode HS harus 6 digit." in summary
    assert "Tahun berdiri</a>: Harus bilangan bulat, mis. 14." in summary
    assert 'id="error-products-0-hs_code"' in page
    assert 'aria-invalid="true" aria-describedby="error-products-0-hs_code hint-hs"' in page
    assert " / " not in summary  # one language, no side-by-side pairs
    assert 'value="Kopi arabika Gayo wine process, green bean"' in page  # what was typed is kept
    with app.app_context():
        assert db.session.query(Assessment).count() == 0


def test_an_unknown_market_code_and_a_bad_date_are_explained(client):
    """Typed ISO codes are checked against the reference list; dates must be ISO."""
    form = {**GAYO_FORM, "markets_other": "XX", "as_of": "27/11/2026"}
    page = client.post("/cek-kesiapan", data=form).get_data(as_text=True)
    assert "Kode negara &#39;XX&#39; tidak dikenal" in page
    assert "Tanggal tidak valid" in page


UNSURE_FORM = {**GAYO_FORM, "product_0_description": "kain tenun ikat", "product_0_hs_code": ""}


def test_an_unsure_classification_asks_the_owner_to_pick_among_three_and_stores_nothing(client, app):
    """Below the abstain threshold the form comes back with the top three (HS wording) to pick from."""
    response = client.post("/cek-kesiapan", data=UNSURE_FORM)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="hs-choice-summary"' in page and "Produk yang mana?" in page
    assert 'id="readiness-score"' not in page
    choices = re.findall(r'name="product_0_hs_choice" value="(\d{6})"', page)
    assert len(choices) == 3 and len(set(choices)) == 3
    assert "Fabrics, woven" in page  # the HS descriptions, not bare codes
    assert 'name="hs_choices_shown" value="1"' in page
    assert 'value="kain tenun ikat"' in page  # what was typed is kept
    with app.app_context():
        assert db.session.query(Assessment).count() == 0


def test_the_owners_pick_is_the_code_the_assessment_uses(client, app):
    page = client.post("/cek-kesiapan", data=UNSURE_FORM).get_data(as_text=True)
    choices = re.findall(r'name="product_0_hs_choice" value="(\d{6})"', page)
    picked = choices[-1]  # not the classifier's first guess
    form = {**UNSURE_FORM, "hs_choices_shown": "1", "product_0_hs_choice": picked}
    result = client.post("/cek-kesiapan", data=form).get_data(as_text=True)
    assert 'id="readiness-score"' in result
    assert f"HS {picked}" in result
    with app.app_context():
        stored = db.session.query(Assessment).one()
        assert [product["hs_code"] for product in stored.profile_snapshot["products"]] == [picked]


def test_not_sure_goes_on_with_the_best_guess_marked_for_checking(client, app):
    page = client.post("/cek-kesiapan", data=UNSURE_FORM).get_data(as_text=True)
    first = re.findall(r'name="product_0_hs_choice" value="(\d{6})"', page)[0]
    result = client.post("/cek-kesiapan", data={**UNSURE_FORM, "hs_choices_shown": "1"})
    text = result.get_data(as_text=True)
    assert result.status_code == 200 and 'id="readiness-score"' in text
    assert f"HS {first}" in text and "dikenali otomatis" in text


def test_a_confident_classification_asks_nothing(client):
    form = {
        **GAYO_FORM,
        "product_0_hs_code": "",
        "product_0_description": "Kopi robusta sangrai bubuk 250 gr",
    }
    page = client.post("/cek-kesiapan", data=form).get_data(as_text=True)
    assert 'id="hs-choice-summary"' not in page and 'id="readiness-score"' in page
