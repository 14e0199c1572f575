"""Reference look-ups and the idempotent reference loader."""

from app.extensions import db
from app.models import Country, HsCode, Province, Regency
from app.services.reference_data import load_reference_data


def test_all_38_provinces_and_514_kabupaten_kota_are_loaded_with_codes_and_centroids(app_context):
    """The reference tables match the shared data's documented counts."""
    assert db.session.query(Province).count() == 38
    assert db.session.query(Regency).count() == 514
    jakarta_pusat = db.session.get(Regency, "31.71")
    assert jakarta_pusat.bps_code == "3173" and round(jakarta_pusat.lat, 2) == -6.18
    assert db.session.get(HsCode, "090111").description.startswith("Coffee")
    assert db.session.get(Country, "ID").name == "Indonesia"


def test_loading_reference_data_twice_changes_nothing(app_context):
    """The loader is idempotent: the second run creates and updates nothing."""
    counts = load_reference_data(app_context.config["REFERENCE_DATA_DIR"])
    assert all(figures["created"] == 0 and figures["updated"] == 0 for figures in counts.values())


def test_a_changed_reference_row_is_updated_and_only_that_one(app_context, tmp_path):
    """Loading an edited copy updates the changed province alone; loading the original puts it back."""
    import shutil

    original = app_context.config["REFERENCE_DATA_DIR"]
    edited = tmp_path / "reference"
    shutil.copytree(original, edited)
    provinces = edited / "provinsi.csv"
    provinces.write_text(provinces.read_text(encoding="utf-8").replace(",Aceh,", ",Aceh (edited),"), "utf-8")
    try:
        counts = load_reference_data(edited)
        assert counts["provinces"] == {"created": 0, "updated": 1, "unchanged": 37}
        assert counts["hs_codes"]["updated"] == 0
        assert db.session.get(Province, "11").name == "Aceh (edited)"
    finally:
        restored = load_reference_data(original)
    assert restored["provinces"]["updated"] == 1 and db.session.get(Province, "11").name == "Aceh"


def test_regions_lists_provinces_and_one_provinces_kabupaten_kota(client):
    """GET /regions and /regions?province= and /regions/<code>."""
    provinces = client.get("/api/v1/regions").json["provinces"]
    assert len(provinces) == 38 and provinces[0]["code"] == "11"
    aceh = client.get("/api/v1/regions?province=11").json["regencies"]
    assert len(aceh) == 23 and {"code", "name", "bps_code", "lat", "lng"} <= set(aceh[0])
    assert len(client.get("/api/v1/regions/76").json["regencies"]) == 6
    assert client.get("/api/v1/regions/99").status_code == 404
    assert client.get("/api/v1/regions?province=ACEH").status_code == 422


def test_countries_list_iso_codes(client):
    """GET /countries lists ISO alpha-2 codes with names."""
    countries = client.get("/api/v1/countries").json["countries"]
    by_code = {country["iso2"]: country for country in countries}
    assert len(countries) == 249 and by_code["DE"]["name"] == "Germany" and by_code["NA"]["iso3"] == "NAM"


def test_hs_search_by_words_and_prefix(client):
    """GET /hs?q=&prefix= finds codes by description words and code prefix."""
    coffee = client.get("/api/v1/hs?prefix=0901&level=6").json["codes"]
    assert [code["hs_code"] for code in coffee] == ["090111", "090112", "090121", "090122", "090190"]
    nutmeg = client.get("/api/v1/hs?q=nutmeg&level=6").json["codes"]
    assert [code["hs_code"] for code in nutmeg] == ["090811", "090812"]
    assert client.get("/api/v1/hs?q=%25_").status_code == 200
    assert client.get("/api/v1/hs?prefix=09x").status_code == 422
