"""Codes as words: every criterion, gap and what-if of the demo population said without a code or a repr."""

from __future__ import annotations

import re
from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from app import create_app
from app.demo.generator import generate_profiles
from app.engine.assess import assess
from app.profile_reader import read_number
from app.web import labels
from app.web.result_view import result_view
from app.web.selfcheck_form import profile_from_form

REPR = re.compile(r"[{}\[\]]|'\w+'|\bTrue\b|\bFalse\b|\bNone\b|_[a-z]+_")


@pytest.fixture(scope="module")
def words_app():
    """The app without a database (the words need only the policy and the catalogs)."""
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.fixture(scope="module")
def results(words_app):
    """150 generated profiles assessed as of one date."""
    policy = words_app.extensions["policy"]
    return [assess(profile, date(2026, 11, 27), policy) for profile in generate_profiles(150, seed=9)]


@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_criterion_and_what_if_of_the_demo_population_is_said_in_words(words_app, results, locale):
    with words_app.test_request_context(f"/?lang={locale}"):
        for result in results:
            view = result_view(result, None)
            for programme in view["programmes"]:
                for criterion in programme["criteria"]:
                    assert not REPR.search(criterion["sentence"]), (criterion, criterion["sentence"])
                    assert criterion["name"] not in criterion["sentence"]
            for option in view["what_if"]:
                for words in option["words"]:
                    assert not REPR.search(words) and "#" not in words, words


def test_a_pandan_bag_maker_is_not_offered_a_coffee_lab_test(words_app):
    policy = words_app.extensions["policy"]
    profile = {
        "name": "Anyaman Pandan",
        "region_code": "33.10",
        "founded_year": 2015,
        "employees": 6,
        "annual_revenue_idr": 300_000_000,
        "products": [{"description": "Tas anyaman pandan", "hs_code": "460219"}],
        "certifications": [{"code": "NIB"}],
        "target_markets": ["DE", "JP"],
    }
    result = assess(profile, date(2026, 11, 27), policy)
    offered = {action.get("code") for option in result["what_if"] for action in option["actions"]}
    with words_app.test_request_context("/?lang=en"):
        view = result_view(result, profile)
    kept = {action.get("code") for option in view["what_if"] for action in option["actions"]}
    assert not {"LAB_OTA", "LAB_AFLATOXIN", "HACCP"} & kept
    assert offered >= kept
    changes = [option["score_change"] for option in view["what_if"]]
    assert changes == sorted(changes, reverse=True)


def test_business_wide_gaps_are_shown_once_and_an_expired_nib_says_so(words_app):
    policy = words_app.extensions["policy"]
    profile = {
        "name": "Kopi Gayo",
        "region_code": "11.17",
        "founded_year": 2012,
        "products": [{"description": "Kopi arabika green bean", "hs_code": "090111"}],
        "certifications": [{"code": "NIB", "valid_until": "2025-01-31"}],
        "target_markets": ["DE", "US"],
    }
    result = assess(profile, date(2026, 11, 27), policy)
    with words_app.test_request_context("/?lang=id"):
        view = result_view(result, profile)
        business = {gap.requirement: gap for gap in view["business_gaps"]}
        assert {"NIB", "NPWP"} <= set(business)
        for _market, gaps in view["market_gaps"]:
            assert not {"NIB", "NPWP"} & {gap.requirement for gap in gaps}
        assert business["NIB"].expired_on == date(2025, 1, 31)
        assert view["next_steps"][0].startswith("Perpanjang Nomor Induk Berusaha")
        assert "31 Januari 2025" in view["next_steps"][0]


@pytest.mark.parametrize(
    ("locale", "text", "integer", "expected"),
    [
        ("id", "20.000", True, 20000),
        ("id", "4.200.000.000", True, 4_200_000_000),
        ("id", "Rp 4.200.000.000", True, 4_200_000_000),
        ("id", "1,5", False, 1.5),
        ("id", "1,5", True, "1,5"),  # not a whole number: passed on for the schema to refuse
        ("id", "-5", True, -5),
        ("en", "20,000", True, 20000),
        ("en", "1.5", False, 1.5),
        ("en", "1.5", True, "1.5"),
        ("en", "dua", True, "dua"),
    ],
)
def test_numbers_are_read_the_readers_way(locale, text, integer, expected):
    assert read_number(text, integer, locale) == expected


def test_the_form_reads_twenty_thousand_in_indonesian(words_app):
    form = MultiDict({"product_0_description": "Kopi", "product_0_capacity": "20.000", "employees": "1.500"})
    profile = profile_from_form(form, "id")
    assert profile["products"][0]["monthly_capacity"] == 20000 and profile["employees"] == 1500


@pytest.mark.parametrize(
    ("locale", "money", "day", "deadline"),
    [
        ("id", "Rp4.200.000.000", "30 Desember 2026", "berlaku 30 Desember 2026 — 31 hari lagi"),
        ("en", "Rp4,200,000,000", "December 30, 2026", "applies from December 30, 2026 — 31 days left"),
    ],
)
def test_money_dates_and_deadlines_in_the_locale(words_app, locale, money, day, deadline):
    with words_app.test_request_context(f"/?lang={locale}"):
        assert labels.money(4_200_000_000) == money
        assert labels.date_words("2026-12-30") == day
        assert labels.deadline_words("2026-12-30", 31) == deadline
        assert labels.country_name("DE") == {"id": "Jerman", "en": "Germany"}[locale]


def test_range_messages_name_their_limits(words_app):
    message = "Must be greater than or equal to 0 and less than or equal to 1000000."
    with words_app.test_request_context("/?lang=id"):
        assert labels.translate_message(message) == "Harus antara 0 dan 1.000.000."
        assert (
            labels.translate_message("Length must be between 1 and 50.", "products")
            == "Isi minimal satu produk."
        )
    with words_app.test_request_context("/?lang=en"):
        assert labels.translate_message("Must be greater than or equal to 0.") == "Must be at least 0."


def test_regions_are_named(words_app):
    assert labels.region_name("11.17") == "Kabupaten Bener Meriah" and labels.region_name("11") == "Aceh"
    assert labels.region_name("99.99") == "99.99" and labels.region_name(None) == "—"
