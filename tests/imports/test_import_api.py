"""POST /api/v1/imports: validation per row, all or nothing, partial, re-import by NIB, encodings, numbers."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Ikm
from tests.imports.rows import GAYO_ROW, numbered_rows, row, to_csv, to_xlsx


def _ikm_count(app) -> int:
    """How many IKM are stored."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Ikm))


def _by_nib(client, nib: str) -> dict:
    """Find an IKM by NIB in the database and return its profile."""
    with client.application.app_context():
        ikm = db.session.scalar(select(Ikm).where(Ikm.nib == nib))
        return ikm.to_profile() if ikm else {}


def test_a_valid_file_creates_every_row_and_reports_it(app, client, upload, district):
    """201 with counts; the profiles are stored as the API would store them."""
    response = upload(to_csv(numbered_rows(3)), district)
    assert response.status_code == 201, response.json
    report = response.json
    assert (report["rows"], report["valid"], report["created"], report["invalid"]) == (3, 3, 3, 0)
    assert report["written"] is True and report["format"] == "csv" and report["region"] == "11.17"
    stored = _by_nib(client, "9120000000001")
    assert stored["name"] == "IKM Kopi 1" and stored["annual_revenue_idr"] == 4_200_000_000
    assert stored["products"][0] == {
        "description": GAYO_ROW["product_1_description"],
        "hs_code": "090111",
        "monthly_capacity": 20000.0,
        "capacity_unit": "kg",
    }
    assert stored["certifications"] == [
        {"code": "NIB"},
        {"code": "NPWP"},
        {"code": "ORGANIC", "valid_until": "2027-08-01"},
    ]
    assert stored["export_history"] == {
        "direct": True,
        "indirect": False,
        "markets": ["US"],
        "last_export_year": 2025,
    }
    assert stored["target_markets"] == ["US", "DE"] and stored["buyer_contract"] == {"market": "US"}
    assert stored["group"] == {"kind": "cooperative", "members": 605}
    assert stored["practices"]["website"] is False


def test_one_invalid_row_and_nothing_is_written(app, upload, district):
    """All or nothing: 422 with line, column and both languages; the database is unchanged."""
    rows = numbered_rows(3)
    rows[1]["nib"] = "12345"
    rows[2]["employees"] = "banyak"
    response = upload(to_csv(rows), district)
    assert response.status_code == 422
    body = response.json
    assert body["code"] == 422 and set(body) >= {"code", "status", "message", "errors", "report"}
    report = body["report"]
    assert report["written"] is False and report["invalid"] == 2 and report["valid"] == 1
    errors = {(item["line"], item["column"]): item for item in report["errors"]}
    assert set(errors) == {(3, "nib"), (4, "employees")}
    assert errors[(3, "nib")]["message_id"].startswith("NIB harus 13 digit")
    assert errors[(3, "nib")]["message_en"].startswith("NIB must be 13 digits")
    assert errors[(4, "employees")]["message_id"] == "Bukan bilangan bulat."
    assert errors[(4, "employees")]["message_en"] == "Not a valid integer."
    assert errors[(4, "employees")]["value"] == "banyak"
    assert body["errors"]["rows"]["3"]["nib"]
    assert _ikm_count(app) == 0


def test_partial_keeps_the_valid_rows(app, upload, district):
    """partial=true: the valid rows are written, the invalid ones reported."""
    rows = numbered_rows(3)
    rows[0]["region_code"] = "11.99"
    response = upload(to_csv(rows), district, partial="true")
    assert response.status_code == 201
    report = response.json
    assert (report["created"], report["invalid"]) == (2, 1) and report["partial"] is True
    assert report["errors"][0]["line"] == 2 and report["errors"][0]["column"] == "region_code"
    assert _ikm_count(app) == 2


def test_reimporting_the_same_file_updates_by_nib_and_creates_no_duplicates(app, client, upload, district):
    """Same file twice: nothing new; a changed cell: one update, audited with before and after."""
    content = to_csv(numbered_rows(2))
    assert upload(content, district).json["created"] == 2
    again = upload(content, district).json
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    changed = numbered_rows(2)
    changed[1]["employees"] = "40"
    changed[1]["target_markets"] = "JP"
    third = upload(to_csv(changed), district).json
    assert (third["created"], third["updated"], third["unchanged"]) == (0, 1, 1)
    assert _ikm_count(app) == 2
    stored = _by_nib(client, "9120000000001")
    assert stored["employees"] == 40 and stored["target_markets"] == ["JP"]
    with app.app_context():
        update = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "ikm.update")).one()
        assert update.before == {"employees": 14, "target_markets": ["US", "DE"]}
        assert update.after == {"employees": 40, "target_markets": ["JP"]}
        imports = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "import")).all()
        assert len(imports) == 3 and imports[0].actor_label.startswith("district-")


def test_rows_without_nib_are_matched_by_region_and_name(app, upload, district):
    """No NIB: the same name in the same kabupaten/kota is the same IKM on re-import."""
    rows = [row(nib=None, name="Kelompok Tenun Ikat"), row(nib=None, name="Kelompok Anyaman")]
    assert upload(to_csv(rows), district).json["created"] == 2
    again = upload(to_csv(rows), district).json
    assert (again["created"], again["unchanged"]) == (0, 2)
    assert _ikm_count(app) == 2


def test_the_same_ikm_twice_in_one_file_is_an_error(upload, district):
    """A repeated NIB names the first line."""
    rows = numbered_rows(2)
    rows[1]["nib"] = rows[0]["nib"]
    report = upload(to_csv(rows), district).json["report"]
    assert report["errors"][0]["line"] == 3 and report["errors"][0]["column"] == "nib"
    assert "line 2" in report["errors"][0]["message_en"]


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ","), ("cp1252", ";"), ("utf-8-sig", ";"), ("utf-8", "\t")],
)
def test_utf8_utf8_bom_and_windows_1252_with_comma_semicolon_or_tab(
    client, upload, district, encoding, delimiter
):
    """Accented names survive every encoding Excel writes; the report says which one was read."""
    rows = [row(name="Koperasi Kopi Bénér Meriah – Gayo", owner_name="Ibu Sité")]
    response = upload(to_csv(rows, encoding=encoding, delimiter=delimiter), district)
    assert response.status_code == 201, response.json
    expected_encoding = "cp1252" if encoding == "cp1252" else "utf-8-sig"
    assert response.json["encoding"] == expected_encoding
    stored = _by_nib(client, GAYO_ROW["nib"])
    assert stored["name"] == "Koperasi Kopi Bénér Meriah – Gayo" and stored["owner_name"] == "Ibu Sité"


@pytest.mark.parametrize(
    ("revenue", "expected"),
    [
        ("4.200.000.000", 4_200_000_000),
        ("4,200,000,000", 4_200_000_000),
        ("4200000000", 4_200_000_000),
        ("Rp 4.200.000.000", 4_200_000_000),
        ("4 200 000 000", 4_200_000_000),
        ("950.000", 950_000),
    ],
)
def test_thousands_separators_in_revenue(client, upload, district, revenue, expected):
    """Indonesian and English digit grouping both read as the same integer."""
    assert upload(to_csv([row(annual_revenue_idr=revenue)]), district).status_code == 201
    assert _by_nib(client, GAYO_ROW["nib"])["annual_revenue_idr"] == expected


@pytest.mark.parametrize(
    ("capacity", "expected"), [("1,5", 1.5), ("1.5", 1.5), ("20.000", 20000.0), ("1.250,75", 1250.75)]
)
def test_decimal_commas_and_grouping_in_capacity(client, upload, district, capacity, expected):
    """Decimal comma or point; "20.000" is twenty thousand (Indonesian grouping)."""
    assert upload(to_csv([row(product_1_monthly_capacity=capacity)]), district).status_code == 201
    assert _by_nib(client, GAYO_ROW["nib"])["products"][0]["monthly_capacity"] == expected


def test_a_decimal_where_an_integer_belongs_is_reported_not_rounded(upload, district):
    """employees "2,5" is an error, not 2 or 3."""
    report = upload(to_csv([row(employees="2,5")]), district).json["report"]
    assert report["errors"][0]["column"] == "employees"


def test_an_xlsx_with_excel_dates_numbers_and_dropped_leading_zeros(client, upload, district):
    """Date cells, date serial numbers, numeric cells, and HS codes Excel turned into numbers."""
    cells = row(
        annual_revenue_idr=4200000000,
        employees=14,
        founded_year=2012,
        product_1_hs_code=90111,
        product_1_monthly_capacity=20000,
        cert_1_valid_until=datetime(2027, 8, 1),
        cert_2_code="HALAL",
        cert_2_valid_until=46599,  # Excel serial of 2027-07-31
        nib=9120001234567,
        region_code="11.17",
    )
    response = upload(to_xlsx([cells]), district, filename="usulan.xlsx")
    assert response.status_code == 201, response.json
    assert response.json["format"] == "xlsx"
    stored = _by_nib(client, "9120001234567")
    assert stored["products"][0]["hs_code"] == "090111"
    assert stored["annual_revenue_idr"] == 4_200_000_000
    valid_until = {item["code"]: item.get("valid_until") for item in stored["certifications"]}
    assert valid_until["ORGANIC"] == "2027-08-01" and valid_until["HALAL"] == "2027-07-31"


@pytest.mark.parametrize("value", ["01/08/2027", "1-8-2027", "01.08.2027", "2027-08-01"])
def test_dates_written_as_text_day_first_or_iso(client, upload, district, value):
    """DD/MM/YYYY (Indonesian order) and ISO dates."""
    assert upload(to_csv([row(cert_1_valid_until=value)]), district).status_code == 201
    certificates = {item["code"]: item for item in _by_nib(client, GAYO_ROW["nib"])["certifications"]}
    assert certificates["ORGANIC"]["valid_until"] == "2027-08-01"


def test_an_empty_region_cell_takes_the_imports_kabupaten(client, upload, district):
    """A district's rows may leave region_code blank."""
    assert upload(to_csv([row(region_code="")]), district).status_code == 201
    assert _by_nib(client, GAYO_ROW["nib"])["region_code"] == "11.17"


def test_an_unknown_column_or_missing_required_column_is_a_file_error(app, upload, district):
    """The whole file is refused, naming the column."""
    unknown = upload(to_csv([{**row(), "warna": "biru"}]), district)
    assert unknown.status_code == 422 and unknown.json["report"]["errors"][0]["column"] == "warna"
    missing = upload(to_csv([row(name=None)]), district)
    assert missing.status_code == 422 and missing.json["report"]["errors"][0]["column"] == "name"
    assert _ikm_count(app) == 0


@pytest.mark.parametrize(
    ("content", "filename"),
    [(b"", "x.csv"), (b"\x00\x01\x02garbage", "x.csv"), (b"PK\x03\x04broken", "x.xlsx"), (b"abc", "x.xls")],
)
def test_unreadable_files_get_a_clear_422(app, upload, district, content, filename):
    """Empty, binary, broken or old-format files: 422 with a message, never a 500."""
    response = upload(content, district, filename=filename)
    assert response.status_code == 422, response.json
    assert response.json["report"]["errors"][0]["message_en"]
    assert _ikm_count(app) == 0


def test_a_file_over_the_size_limit_gets_413_with_the_limit(app, upload, district, monkeypatch):
    """IMPORT_MAX_BYTES: a clear message in both languages, nothing read or written."""
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 2048)
    response = upload(to_csv(numbered_rows(40)), district)
    assert response.status_code == 413
    assert "maksimal" in response.json["message"] and "limit" in response.json["message"]
    assert _ikm_count(app) == 0


def test_too_many_rows_is_a_file_error(app, upload, district, monkeypatch):
    """IMPORT_MAX_ROWS."""
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 2)
    response = upload(to_csv(numbered_rows(3)), district)
    assert (
        response.status_code == 422 and "Too many rows" in response.json["report"]["errors"][0]["message_en"]
    )


@pytest.mark.parametrize(
    ("role", "region", "query_region", "expected"),
    [
        ("district", "11.17", None, 201),
        ("district", "11.17", "11.17", 201),
        ("district", "11.17", "76.04", 403),
        ("province", "11", None, 201),
        ("province", "11", "11.17", 201),
        ("province", "76", "11.17", 403),
        ("admin", None, "11.17", 201),
        ("admin", None, None, 422),
        ("advisor", None, "11.17", 403),
        ("owner", None, "11.17", 403),
        ("ministry", None, "11.17", 403),
    ],
)
def test_who_may_import_for_which_region(upload, auth, role, region, query_region, expected):
    """Districts for their kabupaten/kota, provinces for theirs, admins for any; nobody else."""
    query = {"region": query_region} if query_region else {}
    response = upload(to_csv([row()]), auth(role, region=region), **query)
    assert response.status_code == expected, response.json


def test_an_import_without_a_token_is_401(upload):
    """Imports write personal data: a token is required."""
    assert upload(to_csv([row()]), {}).status_code == 401


def test_a_nib_of_another_regions_ikm_is_not_overwritten(client, upload, auth, district):
    """A district cannot take over an IKM registered elsewhere by importing its NIB."""
    assert (
        upload(
            to_csv([row(region_code="76.04", name="Kakao Polewali")]), auth("district", "76.04")
        ).status_code
        == 201
    )
    response = upload(to_csv([row()]), district)
    assert response.status_code == 422 and response.json["report"]["errors"][0]["column"] == "nib"
    assert _by_nib(client, GAYO_ROW["nib"])["name"] == "Kakao Polewali"
    # The error does not tell the district where the other IKM is (outside its scope).
    assert "76.04" not in response.get_data(as_text=True)


def test_the_templates_are_downloadable_without_a_token_and_import_once_filled(client, upload, district):
    """CSV (BOM, header only) and XLSX (IKM + Petunjuk sheets); a filled XLSX template imports."""
    csv_template = client.get("/api/v1/imports/template.csv")
    assert csv_template.status_code == 200 and csv_template.mimetype == "text/csv"
    text = csv_template.data.decode("utf-8")
    assert text.startswith("\ufeffname,nib,") and text.count("\n") == 1
    xlsx_template = client.get("/api/v1/imports/template.xlsx")
    assert xlsx_template.status_code == 200
    workbook = load_workbook(io.BytesIO(xlsx_template.data))
    assert workbook.sheetnames == ["IKM", "Petunjuk"]
    header = [cell.value for cell in workbook["IKM"][1]]
    guide = {line[0]: line for line in workbook["Petunjuk"].iter_rows(min_row=2, values_only=True) if line[0]}
    assert set(header) == set(guide) and guide["nib"][1] and guide["nib"][2]
    workbook["IKM"].append([GAYO_ROW.get(name) for name in header])
    filled = io.BytesIO()
    workbook.save(filled)
    response = upload(filled.getvalue(), district, filename="templat.xlsx")
    assert response.status_code == 201 and response.json["created"] == 1


def test_an_imported_product_without_a_code_keeps_the_classification_its_assessment_used(
    app, upload, district
):
    """The import assesses what it writes in one batch; a product without an HS code keeps that
    classification (the one its stored assessment shows), so loaders need not classify it again."""
    from app.models import Assessment, Product
    from app.simulation.classified import classifier_version

    response = upload(to_csv([row(product_1_hs_code=None)]), district)
    assert response.status_code == 201, response.json
    with app.app_context():
        product = db.session.scalar(select(Product))
        assessment = db.session.scalar(select(Assessment).where(Assessment.ikm_id == product.ikm_id))
        shown = assessment.result["products"][0]
        assert product.hs_code is None and product.classified_by == classifier_version()
        kept = (product.classified_hs_code, product.classified_hs_source, product.classified_hs_score)
        assert kept == (shown["hs_code"], shown["hs_source"], shown["hs_score"])
