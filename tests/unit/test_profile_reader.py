"""One profile reader: the self-check form, the bulk import and the CLI's CSV read the same values alike."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from app import create_app
from app.cli.batch import profile_from_csv_row
from app.profile_reader import ReadError, read_bool, read_profile
from app.services.import_files import SourceRow, row_to_profile
from app.vocabulary import FALSE_WORDS, TRUE_WORDS
from app.web.selfcheck_form import profile_from_form


@pytest.mark.parametrize("word", [*sorted(TRUE_WORDS), "YA", " Yes "])
def test_every_yes_word_reads_true(word):
    assert read_bool(word) is True


@pytest.mark.parametrize("word", [*sorted(FALSE_WORDS), "TIDAK", " No "])
def test_every_no_word_reads_false(word):
    assert read_bool(word) is False


def test_a_word_that_is_neither_is_passed_on_for_the_schema():
    assert read_bool("mungkin") == "mungkin"


def _expected() -> dict:
    return {
        "name": "Kopi Uji",
        "founded_year": 2015,
        "annual_revenue_idr": 4_200_000_000,
        "products": [{"description": "Kopi gayo", "hs_code": "090111", "monthly_capacity": 20000}],
        "certifications": [{"code": "NIB"}, {"code": "ORGANIC", "valid_until": "2027-08-01"}],
        "target_markets": ["US", "JP"],
        "export_history": {"direct": True, "indirect": False},
        "practices": {"bookkeeping": True, "email": False},
    }


def test_the_import_and_the_cli_read_one_row_alike():
    cli = profile_from_csv_row(
        {
            "name": "Kopi Uji",
            "founded_year": "2015",
            "annual_revenue_idr": "4.200.000.000",
            "products": "090111|Kopi gayo|20.000",
            "certifications": "NIB;ORGANIC@01/08/2027",
            "target_markets": "us, jp",
            "export_direct": "ya",
            "export_indirect": "no",
            "bookkeeping": "Ya",
            "email": "tidak",
        }
    )
    imported = row_to_profile(
        SourceRow(
            2,
            {
                "name": "Kopi Uji",
                "founded_year": 2015.0,
                "annual_revenue_idr": "Rp 4.200.000.000",
                "product_1_description": "Kopi gayo",
                "product_1_hs_code": 90111,
                "product_1_monthly_capacity": "20.000",
                "certifications": "NIB",
                "cert_1_code": "organic",
                "cert_1_valid_until": "2027-08-01",
                "target_markets": "US;JP",
                "export_direct": "yes",
                "export_indirect": "tidak",
                "practice_bookkeeping": "TRUE",
                "practice_email": "0",
            },
        )
    ).profile
    imported["products"][0]["monthly_capacity"] = int(imported["products"][0]["monthly_capacity"])
    assert cli == _expected()
    assert imported == _expected()


def test_the_form_reads_numbers_the_readers_way_like_the_import():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    form = MultiDict(
        {
            "name": "Kopi Uji",
            "founded_year": "2015",
            "annual_revenue_idr": "4,200,000,000",
            "product_0_description": "Kopi gayo",
            "product_0_hs_code": "090111",
            "product_0_capacity": "20,000",
            "cert_NIB": "1",
            "cert_ORGANIC": "1",
            "cert_ORGANIC_valid_until": "2027-08-01",
            "markets_other": "us jp",
            "export_direct": "1",
            "practice_bookkeeping": "1",
        }
    )
    with app.app_context():
        profile = profile_from_form(form, "en")
    profile["products"][0]["monthly_capacity"] = int(profile["products"][0]["monthly_capacity"])
    expected = _expected()
    assert profile["practices"] == {
        "bookkeeping": True,
        "bank_account": False,
        "email": False,
        "website": False,
        "marketplace": False,
    }
    assert profile["export_history"] == {"direct": True, "indirect": False, "markets": []}
    for key in ("name", "founded_year", "annual_revenue_idr", "products", "certifications", "target_markets"):
        assert profile[key] == expected[key], key


def test_strict_reading_names_the_field_of_a_value_it_cannot_read():
    with pytest.raises(ReadError) as error:
        read_profile({"practice_email": "kadang"}, strict=True)
    assert (error.value.field, str(error.value)) == ("practices.email", "'kadang' is not true or false")
    with pytest.raises(ReadError) as error:
        read_profile({"products": "090111|Kopi|banyak"}, strict=True)
    assert error.value.field == "products.0.monthly_capacity"
