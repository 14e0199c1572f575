"""requirements_for, programme_catalogue, what-if and the assessment's shape (contract.md)."""

from __future__ import annotations

import json
from datetime import date

from app.engine import assess, programme_catalogue, requirements_for, what_if
from tests.profiles import GAYO_COOPERATIVE

from .conftest import load_cases, merge

BASE, _ = load_cases("programmes.yaml")
ASSESSMENT_FIELDS = {
    "as_of", "policy_version", "policy_hash", "status", "missing_fields", "readiness", "size_class",
    "products", "gaps", "programmes", "route", "review_required", "review_reasons", "trace", "what_if",
}  # fmt: skip


def test_requirements_for_raw_coffee_to_the_us_lists_fda_as_blocking(policy):
    found = requirements_for("090111", "US", date(2026, 11, 27), "small", policy)
    fda = next(item for item in found if item["requirement"] == "FDA_FFR")
    assert fda["severity"] == "blocking" and fda["applies_from"] is None and fda["source"]


def test_requirements_for_without_size_lists_both_eudr_dates(policy):
    found = requirements_for("090111", "DE", date(2026, 11, 27), None, policy)
    eudr = sorted(
        (item["applies_from"], item["severity"]) for item in found if item["requirement"] == "EUDR_GEO"
    )
    assert eudr == [("2026-12-30", "upcoming"), ("2027-06-30", "upcoming")]


def test_requirements_for_a_size_lists_only_its_date(policy):
    found = requirements_for("090111", "DE", date(2027, 1, 15), "medium", policy)
    eudr = [item for item in found if item["requirement"] == "EUDR_GEO"]
    assert [(item["applies_from"], item["severity"]) for item in eudr] == [("2026-12-30", "blocking")]


def test_requirements_for_instant_coffee_in_the_eu_has_no_eudr(policy):
    found = requirements_for("210111", "DE", date(2027, 7, 1), "small", policy)
    assert "EUDR_GEO" not in {item["requirement"] for item in found}
    assert {"NIB", "NPWP", "HACCP"} <= {item["requirement"] for item in found}
    assert "PIRT" not in {item["requirement"] for item in found}  # policy v1.1 A8: food permits are domestic


def test_requirements_for_instant_coffee_at_home_names_the_permit_of_each_size(policy):
    found = requirements_for("210111", "ID", date(2026, 11, 29), None, policy)
    permits = {item["requirement"]: item for item in found if item["requirement"] in ("PIRT", "BPOM_MD")}
    assert permits["PIRT"]["severity"] == "blocking" and permits["PIRT"]["any_of"] == ["PIRT", "BPOM_MD"]
    assert permits["PIRT"]["size_classes"] == ["micro", "small"]
    assert permits["BPOM_MD"]["size_classes"] == ["large", "medium"]


def test_requirements_for_coffee_lists_the_gi_opportunity_with_the_coffee_gis(policy):
    found = requirements_for("090111", "ID", date(2026, 11, 29), "small", policy)
    gi = next(item for item in found if item["requirement"] == "GI")
    names = {indication["name"] for indication in gi["geographical_indications"]}
    assert "Kopi Arabika Gayo" in names and "Lada Putih Muntok" not in names


def test_programme_catalogue_lists_criteria_with_required_values_and_sources(policy):
    catalogue = {item["code"]: item for item in programme_catalogue(policy)}
    assert set(catalogue) == {
        "PKE_UMKM", "TRADE_FINANCE", "KMKE", "EXPORT_GUARANTEE", "JASA_KONSULTASI", "CPNE", "DESA_DEVISA",
        "BUSINESS_MATCHING",
    }  # fmt: skip
    pke = catalogue["PKE_UMKM"]
    assert pke["type"] == "financial" and pke["name_id"] and pke["name_en"]
    years = next(c for c in pke["criteria"] if c["name"] == "years_in_business")
    assert years["required"] == ">= 2" and "KMK 372/2020" in years["source"]
    assert pke["terms"]["ceiling_idr"]["medium"] == {"min": 2_000_000_000, "max": 15_000_000_000}
    json.dumps(programme_catalogue(policy))


def test_assessment_has_exactly_the_contract_fields_and_is_json(policy):
    result = assess(BASE, date(2026, 11, 27), policy)
    assert set(result) == ASSESSMENT_FIELDS
    assert result["policy_version"] == "v1.1" and result["policy_hash"] == policy.content_hash
    json.dumps(result)
    for step in result["trace"]:
        assert {"step", "rule", "inputs", "outcome", "source"} <= set(step)
    assert any(step["rule"] == "PKE_UMKM.years_in_business" for step in result["trace"])


def test_review_reasons_carry_indonesian_and_english_messages(policy):
    result = assess(merge(BASE, {"credit_status": "special_mention"}), date(2026, 11, 27), policy)
    reason = next(r for r in result["review_reasons"] if r["code"] == "credit_special_mention")
    assert reason["message_id"] and reason["message_en"] and reason["message"]
    assert reason["message_id"] != reason["message_en"]


def test_what_if_finds_the_single_certificate_that_lifts_the_cap(policy):
    profile = merge(BASE, {"target_markets": ["US"]})  # capped at developing by FDA_FFR
    options = what_if(profile, date(2026, 11, 27), policy)
    single = [o for o in options if o["size"] == 1 and "level" in o["changes"]]
    assert any(
        o["actions"][0].get("code") == "FDA_FFR" and o["level"] == "ready_with_support" for o in single
    )
    assert all(o["size"] == 1 for o in options if "level" in o["changes"])


def test_what_if_results_are_the_rules_rerun(policy):
    profile = merge(BASE, {"target_markets": ["US"]})
    for option in assess(profile, date(2026, 11, 27), policy)["what_if"]:
        changed = merge(profile, {})
        for action in option["actions"]:
            if action["kind"] in ("obtain_certificate", "complete_export_training"):
                changed["certifications"].append({"code": action["code"]})
            elif action["kind"] == "get_buyer_contract":
                changed["buyer_contract"] = {"market": action["market"]}
            elif action["kind"] == "reach_export_lot":
                changed["products"][action["product_index"]].update(
                    monthly_capacity=action["amount"], capacity_unit=action["unit"]
                )
            else:
                changed["practices"][action["code"]] = True
        rerun = assess(changed, date(2026, 11, 27), policy, with_what_if=False)
        assert (rerun["readiness"]["score"], rerun["readiness"]["level"], rerun["route"]) == (
            option["score"],
            option["level"],
            option["route"],
        )


def test_what_if_finds_a_route_change_for_a_non_financial_ikm(policy):
    # Only blocked target market (US), no financing: FDA registration opens PKE UMKM and KMKE.
    profile = merge(BASE, {"target_markets": ["US"]})
    base = assess(profile, date(2026, 11, 27), policy)
    assert base["route"] == "non_financial"
    route_options = [o for o in base["what_if"] if "route" in o["changes"]]
    assert route_options and route_options[0]["route"] == "financial"
    assert min(o["size"] for o in route_options) == 1


def test_what_if_is_empty_when_nothing_can_change(policy):
    profile = merge(
        BASE, {"credit_status": "loss", "founded_year": 2026, "export_history": {"direct": False}}
    )
    result = assess(profile, date(2026, 11, 27), policy)
    assert all("route" not in option["changes"] for option in result["what_if"])


CONTRACT_EXAMPLE = GAYO_COOPERATIVE  # contract.md's example profile


def test_the_contract_example_gives_the_contract_shapes(policy):
    result = assess(CONTRACT_EXAMPLE, date(2026, 11, 27), policy)
    assert result["status"] == "complete" and result["missing_fields"] == []
    assert result["size_class"] == "small"
    eudr = next(gap for gap in result["gaps"] if gap["requirement"] == "EUDR_GEO")
    assert (
        eudr["market"],
        eudr["severity"],
        eudr["applies_from"],
        eudr["days_left"],
        eudr["product_hs"],
    ) == (
        "DE",
        "upcoming",
        "2027-06-30",
        215,
        "090111",
    )
    assert "JASA_KONSULTASI" in eudr["closed_by"]
    pke = next(p for p in result["programmes"] if p["code"] == "PKE_UMKM")
    years = next(c for c in pke["criteria"] if c["name"] == "years_in_business")
    assert (pke["type"], pke["result"]) == ("financial", "eligible")
    assert (years["outcome"], years["actual"], years["required"]) == ("pass", 14, ">= 2")
    assert result["route"] == "financial"
    assert result["products"][0]["commodity"] == "coffee" and result["products"][0]["hs_source"] == "given"
    # The US buyer contract has a blocking FDA gap: trade finance and the guarantee are not open yet.
    assert {p["code"]: p["result"] for p in result["programmes"]}["TRADE_FINANCE"] == "ineligible"
