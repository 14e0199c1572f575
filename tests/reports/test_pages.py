"""The report and workspace pages through the test client: scope, filters, the propose form, downloads."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models import Assessment, Ikm


def test_the_ministry_lands_on_the_reports_with_charts_tables_and_the_map(client, sign_in, population):
    """Sign-in goes to /reports; it shows figures, SVG charts with data tables, the map, no names."""
    population(6, region="11.17")
    user = sign_in("ministry")
    response = client.post("/login", data={"email": user.email, "password": "laporan-ovop-2026"})
    assert response.headers["Location"] == "/reports"
    page = client.get("/reports").get_data(as_text=True)
    assert 'id="total-assessed">6<' in page
    assert page.count('class="chart"') >= 5 and page.count("<table") >= 10
    assert 'class="map"' in page and 'data-code="11"' in page
    assert "Rahasia" not in page
    assert client.get("/workspace").status_code == 403


def test_filters_change_the_figures_and_bad_ones_are_named(client, sign_in, population):
    """?commodity=crafts narrows the totals; a bad year gets 422 with the field named."""
    population(6, commodity="coffee")
    population(7, commodity="crafts", region="51.04")
    sign_in("ministry")
    assert 'id="total-assessed">7<' in client.get("/reports?commodity=crafts").get_data(as_text=True)
    response = client.get("/reports?year=1800")
    assert response.status_code == 422 and "year" in response.get_data(as_text=True)


def test_the_page_download_is_a_valid_audited_xlsx(client, sign_in, population):
    """The dashboard's XLSX link gives a workbook openpyxl reads."""
    population(6)
    sign_in("ministry")
    response = client.get("/reports/export.xlsx?regency=11.17")
    workbook = load_workbook(io.BytesIO(response.data))
    assert "level" in workbook.sheetnames and workbook["notes"]["A1"].value


def test_a_district_lists_only_its_own_ikm_and_cannot_open_another(app, client, sign_in, population):
    """The workspace shows the district's IKM; another district's IKM page is 403."""
    population(3, region="11.17")
    population(2, region="11.01")
    sign_in("district", region="11.17")
    page = client.get("/workspace").get_data(as_text=True)
    assert page.count("IKM Rahasia") == 3
    with app.app_context():
        other = db.session.scalar(select(Ikm.id).where(Ikm.region_code == "11.01"))
        own = db.session.scalar(select(Ikm.id).where(Ikm.region_code == "11.17"))
    assert client.get(f"/workspace/ikm/{other}").status_code == 403
    assert client.get(f"/workspace/ikm/{own}").status_code == 200


def test_workspace_filters_and_sorting(client, sign_in, population):
    """Level filter and paging keep to the filtered rows."""
    population(3, region="11.17", level="export_ready")
    population(4, region="11.17", level="not_ready")
    sign_in("district", region="11.17")
    page = client.get("/workspace?level=export_ready&sort=-score").get_data(as_text=True)
    assert page.count("IKM Rahasia") == 3
    assert client.get("/workspace?level=bogus").status_code == 422


def test_a_district_proposes_one_ikm_and_it_is_assessed(app, client, sign_in):
    """The form is checked by the API's schema; a valid IKM is stored and assessed at once."""
    sign_in("district", region="11.17")
    bad = client.post("/workspace/propose", data={"name": "", "region_code": "11.17"})
    assert bad.status_code == 422 and "error-summary" in bad.get_data(as_text=True)
    response = client.post(
        "/workspace/propose",
        data={
            "name": "Kopi Uji Coba",
            "region_code": "11.17",
            "founded_year": "2015",
            "employees": "6",
            "product_0_description": "Kopi arabika green bean",
            "product_0_hs_code": "090111",
            "markets_other": "DE, US",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kopi Uji Coba" in page and "EUDR_GEO" not in page and "(EUDR)" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Assessment)) == 1


def test_the_quarterly_cli_writes_the_xlsx_and_audits_it(app, runner, population, tmp_path):
    """`report quarterly` writes a workbook that matches the API's counts, with an export event."""
    from datetime import date

    from app.models import AuditEvent

    population(6, as_of=date(2026, 11, 2))
    population(2, as_of=date(2026, 3, 2))
    out = tmp_path / "q4.xlsx"
    result = runner.invoke(
        args=["report", "quarterly", "--year", "2026", "--quarter", "4", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    workbook = load_workbook(out)
    notes = {row[0]: row[1] for row in workbook["notes"].iter_rows(min_row=2, values_only=True)}
    assert 6 in notes.values() and "2026-10-01 – 2026-12-31" in notes.values()
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export"))
        assert event.actor_label == "cli" and event.after["filters"] == {"year": 2026, "quarter": 4}
    bad = runner.invoke(args=["report", "quarterly", "--year", "2026", "--quarter", "5", "--out", str(out)])
    assert bad.exit_code != 0
