"""GET /api/v1/reports/summary: counts, suppression below province level, role scoping, exports."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent


def _summary(client, headers, **query) -> dict:
    """The summary JSON (asserting 200)."""
    response = client.get("/api/v1/reports/summary", query_string=query, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def _count(rows: list[dict], key) -> object:
    """The count of one key in a one-way breakdown."""
    return next(row["count"] for row in rows if row["key"] == key)


def test_the_ministry_sees_national_counts_by_province_unsuppressed(client, auth, population):
    """Province-level cells are shown as they are, even below 5."""
    population(3, region="11.17")
    population(6, region="51.04", commodity="crafts", level="export_ready")
    report = _summary(client, auth("ministry"))
    assert report["totals"]["ikm_assessed"] == 9
    assert _count(report["breakdowns"]["area"], "11") == 3
    assert _count(report["breakdowns"]["level"], "export_ready") == 6
    assert report["suppression"]["below_province"] is False  # national figures: nothing was suppressed
    regency = _summary(client, auth("district", region="11.17"), regency="11.17")
    assert regency["suppression"] == {"threshold": 5, "shown_as": "<5", "below_province": True}


@pytest.mark.parametrize(("count", "shown"), [(4, "<5"), (5, 5)])
def test_a_regency_count_of_four_is_hidden_and_five_is_shown(client, auth, population, count, shown):
    """Below province level: exactly 4 → "<5", exactly 5 → 5 (the total and the level cell)."""
    population(count, region="11.17")
    report = _summary(client, auth("ministry"), regency="11.17")
    assert report["totals"]["ikm_assessed"] == shown
    assert _count(report["breakdowns"]["level"], "developing") == shown


def test_a_suppressed_regency_cell_cannot_be_recovered_from_the_province_total(client, auth, population):
    """In a province, kabupaten/kota cells: the 4 is hidden and so is its smallest complement."""
    population(4, region="11.17")
    population(7, region="11.01")
    population(30, region="11.02")
    report = _summary(client, auth("ministry"), province="11")
    areas = {row["key"]: row["count"] for row in report["breakdowns"]["area"]}
    assert report["totals"]["ikm_assessed"] == 41
    assert areas == {"11.17": "<5", "11.01": "<5", "11.02": 30}


def test_a_suppressed_level_cell_in_a_regency_takes_its_complement(client, auth, population):
    """Levels inside one kabupaten/kota: 3 export-ready hidden, and the 6 developing with them."""
    population(3, region="11.17", level="export_ready")
    population(6, region="11.17", level="developing")
    population(20, region="11.17", level="not_ready")
    report = _summary(client, auth("ministry"), regency="11.17")
    levels = {row["key"]: row["count"] for row in report["breakdowns"]["level"]}
    assert levels == {"not_ready": 20, "developing": "<5", "ready_with_support": 0, "export_ready": "<5"}


def test_the_ministry_never_gets_a_name_or_nib(client, auth, population):
    """Neither the summary nor its exports carry names or NIB; the IKM endpoints answer 403."""
    population(6, region="11.17")
    headers = auth("ministry")
    body = json.dumps(_summary(client, headers, regency="11.17"))
    csv_text = client.get("/api/v1/reports/summary.csv", headers=headers).data.decode("utf-8")
    for text in (body, csv_text):
        assert "Rahasia" not in text and "91000000" not in text
    assert client.get("/api/v1/ikms", headers=headers).status_code == 403
    assert client.get("/api/v1/workspace/ikms", headers=headers).status_code == 403


def test_a_district_is_held_to_its_own_area(client, auth, population):
    """A district's summary covers its kabupaten/kota; asking for another is 403."""
    population(7, region="11.17")
    population(9, region="11.01")
    headers = auth("district", region="11.17")
    assert _summary(client, headers)["totals"]["ikm_assessed"] == 7
    response = client.get("/api/v1/reports/summary?regency=11.01", headers=headers)
    assert response.status_code == 403
    assert client.get("/api/v1/reports/summary?province=51", headers=headers).status_code == 403


def test_a_province_is_held_to_its_province(client, auth, population):
    """A province sees its province broken down by kabupaten/kota, not another province."""
    population(7, region="11.17")
    population(9, region="51.04")
    headers = auth("province", region="11")
    report = _summary(client, headers)
    assert report["totals"]["ikm_assessed"] == 7 and report["area_level"] == "regency"
    assert client.get("/api/v1/reports/summary?province=51", headers=headers).status_code == 403


def test_owners_cannot_read_reports(client, auth):
    """Reports are for the ministry, regions and LPEI staff."""
    assert client.get("/api/v1/reports/summary", headers=auth("owner")).status_code == 403
    assert client.get("/api/v1/reports/summary").status_code == 401


@pytest.mark.parametrize(
    "query",
    ["quarter=2", "year=1999", "quarter=5&year=2026", "province=1", "regency=11", "commodity=tea"],
)
def test_bad_filters_get_422_naming_the_field(client, auth, query):
    """Validation errors name the query field."""
    response = client.get(f"/api/v1/reports/summary?{query}", headers=auth("ministry"))
    assert response.status_code == 422
    assert set(response.json["errors"]["query"]) & {"quarter", "year", "province", "regency", "commodity"}


def test_eudr_blocked_counts_accumulate_by_date(client, auth, population):
    """Coffee IKM blocked by EUDR on 30 Dec 2026 (large) and by 30 June 2027 (all of them)."""
    population(5, gaps=[("EUDR_GEO", "upcoming", date(2026, 12, 30))])
    population(6, gaps=[("EUDR_GEO", "upcoming", date(2027, 6, 30))])
    population(2, commodity="crafts", gaps=[("SVLK", "blocking", None)])
    report = _summary(client, auth("ministry"))
    assert report["breakdowns"]["eudr"] == [
        {"date": "2026-12-30", "coffee": 5, "cocoa": 0, "crafts": 0},
        {"date": "2027-06-30", "coffee": 11, "cocoa": 0, "crafts": 0},
    ]
    # Which requirement and commodities: read from the policy (product classes marked `eudr`), not the code.
    assert report["eudr_scope"] == {
        "requirements": ["EUDR_GEO"],
        "commodities": ["coffee", "cocoa", "crafts"],
    }
    top = report["breakdowns"]["gaps"][0]
    assert (top["requirement"], top["count"]) == ("EUDR_GEO", 6)


def test_the_period_reads_each_ikms_latest_assessment_in_it(client, auth, population):
    """Q4 2026 counts assessments made in Q4; a Q2 assessment is outside it."""
    population(5, as_of=date(2026, 11, 2))
    population(7, as_of=date(2026, 5, 2))
    headers = auth("ministry")
    assert _summary(client, headers, year=2026, quarter=4)["totals"]["ikm_assessed"] == 5
    assert _summary(client, headers, year=2026)["totals"]["ikm_assessed"] == 12


def test_the_xlsx_opens_and_matches_the_api_and_is_audited(app, client, auth, population):
    """One sheet per breakdown plus notes, frozen header, numbers as numbers, "<5" kept; an export event."""
    population(4, region="11.17", level="export_ready")
    population(12, region="11.17", level="not_ready")
    population(20, region="11.17", level="developing")
    headers = auth("ministry")
    report = _summary(client, headers, regency="11.17")
    response = client.get("/api/v1/reports/summary.xlsx?regency=11.17", headers=headers)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames[0] == "notes" and {"level", "area", "financing", "trend"} <= set(
        workbook.sheetnames
    )
    sheet = workbook["level"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    values = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values == [row["count"] for row in report["breakdowns"]["level"]]
    assert values == ["<5", 20, 0, "<5"] and isinstance(values[1], int)
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
        assert [event.entity_id for event in events] == ["report.summary.xlsx"]
        assert events[0].after["filters"] == {"regency": "11.17"}


def test_the_csv_of_one_breakdown(client, auth, population):
    """?breakdown=level gives that breakdown only, with a BOM for Excel."""
    population(6)
    response = client.get("/api/v1/reports/summary.csv?breakdown=level", headers=auth("ministry"))
    lines = response.data.decode("utf-8-sig").splitlines()
    assert len(lines) == 5 and all(
        line.startswith("level,") or line.startswith("breakdown,") for line in lines
    )


def _decided_case(client, auth, programme: str, **decision) -> tuple[dict, dict]:
    """Open a case for the Gayo IKM on a programme, review it, and send a decision; (response, headers)."""
    from tests.profiles import gayo

    admin = auth("admin")
    ikm_id = client.post("/api/v1/ikms", json=gayo(), headers=admin).json["id"]
    case = client.post(
        "/api/v1/cases", json={"ikm_id": ikm_id, "programme_code": programme}, headers=admin
    ).json
    case = client.post(
        f"/api/v1/cases/{case['id']}/review", json={"version": case["version"]}, headers=admin
    ).json
    body = {"version": case["version"], "note": "Sesuai kriteria.", **decision}
    return client.post(f"/api/v1/cases/{case['id']}/decision", json=body, headers=admin), admin


def test_a_financial_decision_records_the_amounts_and_the_report_sums_them(client, auth):
    """Requested and approved IDR on the decision; the summary's financing by commodity and programme."""
    response, _ = _decided_case(
        client,
        auth,
        "PKE_UMKM",
        status="approved",
        reason_code="CRITERIA_MET",
        amount_requested_idr=750_000_000,
        amount_approved_idr=600_000_000,
    )
    assert response.status_code == 200, response.json
    assert response.json["decision"]["amount_approved_idr"] == 600_000_000
    financing = _summary(client, auth("ministry"))["breakdowns"]["financing"]
    assert financing == [
        {
            "commodity": "coffee",
            "programme": "PKE_UMKM",
            "cases": 1,
            "requested_idr": 750_000_000,
            "approved_idr": 600_000_000,
        }
    ]


@pytest.mark.parametrize(
    ("programme", "decision", "field"),
    [
        ("PKE_UMKM", {"amount_requested_idr": 5, "amount_approved_idr": 9}, "amount_approved_idr"),
        ("PKE_UMKM", {"amount_requested_idr": -1}, "amount_requested_idr"),
        ("JASA_KONSULTASI", {"amount_requested_idr": 100}, "amount_requested_idr"),
    ],
)
def test_wrong_amounts_get_422_naming_the_field(client, auth, programme, decision, field):
    """More approved than requested, negative, or on a non-financial programme: 422, nothing decided."""
    response, _ = _decided_case(
        client,
        auth,
        programme,
        status="approved",
        reason_code="CRITERIA_MET",
        **decision,
    )
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]


def test_programmes_and_requirements_read_as_names_with_the_code_beside_them_in_files(
    client, auth, population, sign_in
):
    """Pages show programme and requirement names only; CSV and XLSX keep each code in its own column."""
    population(6, eligible="PKE_UMKM;JASA_KONSULTASI", gaps=[("HALAL", "blocking", None)])
    headers = auth("ministry")
    csv_lines = (
        client.get("/api/v1/reports/summary.csv", headers=headers).data.decode("utf-8-sig").splitlines()
    )
    programmes = [line for line in csv_lines if line.startswith("programmes,")]
    assert csv_lines[csv_lines.index(programmes[0]) - 1] == "breakdown,Kode,Program,IKM"
    assert any(line.startswith("programmes,PKE_UMKM,Penugasan Khusus Ekspor") for line in programmes), (
        programmes
    )
    gaps = [line for line in csv_lines if line.startswith("gaps,")]
    assert any(line.startswith("gaps,HALAL,Sertifikat halal BPJPH,") for line in gaps), gaps
    workbook = load_workbook(io.BytesIO(client.get("/api/v1/reports/summary.xlsx", headers=headers).data))
    first = next(workbook["programmes"].iter_rows(min_row=2, values_only=True))
    assert first[0] in ("JASA_KONSULTASI", "PKE_UMKM") and first[1].startswith(
        ("Jasa Konsultasi", "Penugasan")
    )
    sign_in("ministry")
    page = client.get("/reports").get_data(as_text=True)
    assert "Penugasan Khusus Ekspor untuk UMKM" in page and "Sertifikat halal BPJPH" in page
    assert ">PKE_UMKM<" not in page and ">HALAL<" not in page
