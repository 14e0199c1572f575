"""The demo data files: every number has a source or is a marked assumption; codes exist; policy agrees."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from demo_contract_rules import POLICY_CERTIFICATION_CODES, country_codes, hs6_codes, regency_codes

from app.demo.generator import size_class_of
from app.demo.tables import load_tables

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"


def read(name: str) -> dict:
    """One YAML file of data/demo."""
    return yaml.safe_load((DEMO / name).read_text(encoding="utf-8"))


def documented(block: dict) -> bool:
    """A block of numbers states its source, or is a marked assumption with a note."""
    return bool(block.get("source")) or (block.get("assumption") is True and bool(block.get("note")))


def test_readme_says_the_data_is_generated():
    text = (DEMO / "README.md").read_text(encoding="utf-8")
    assert "Generated demo data (not real)" in text and "bukan data nyata" in text
    assert "`99`" in text


def test_every_region_weight_has_a_source_or_is_a_marked_assumption():
    regions = read("commodity_regions.yaml")
    assert documented(regions["commodity_shares"]) and documented(regions["kota_factor"])
    assert regions["region_weight"]["assumption"] is True
    assert documented(regions["coffee_arabica_share"])
    assert regions["geographical_indications"]["source"]
    for commodity, segments in regions["segments"].items():
        for segment in segments:
            provinces = segment["provinces"]
            assert documented(provinces) or (provinces.get("population") and provinces.get("note")), segment
            assert documented(segment["hotspots"]), (commodity, segment["kind"])
    for segment in regions["segments"]["coffee"] + regions["segments"]["cocoa"]:
        assert "bps" in segment["provinces"] and "BPS" in segment["provinces"]["source"]


def test_every_population_number_has_a_source_or_is_a_marked_assumption():
    population = read("population.yaml")
    for key in (
        "legal_form_by_size", "farm_group_boost", "group", "founded", "owner_gender", "credit_status_by_size",
        "products_per_ikm", "hs_code_omitted_share", "practices_by_size", "export_history_by_size",
        "target_market_count_by_size", "buyer_contract",
    ):  # fmt: skip
        assert documented(population[key]), key
    sizes = population["size_classes"]
    assert sizes["source"] and documented(sizes["shares"]) and documented(sizes["bands_note"])
    assert population["ovop_stars"]["source"] and documented(population["ovop_stars"]["starred_share"])
    for commodity, spec in population["markets"].items():
        assert documented(spec) or spec.get("bps", {}).get("source"), commodity
    assert population["certifications"]["note"]
    assert read("products.yaml")["price_note"]["assumption"] is True


def test_every_code_in_the_data_files_exists_in_the_reference_data():
    regions = read("commodity_regions.yaml")
    codes = set(regions["origin_labels"]) | set(regions["geographical_indications"]["regions"])
    for segments in regions["segments"].values():
        for segment in segments:
            codes |= set(segment["hotspots"].get("weights") or {})
    assert codes <= regency_codes()
    templates = [t for entries in read("products.yaml")["kinds"].values() for t in entries]
    assert {str(t["hs"]) for t in templates} <= hs6_codes()
    population = read("population.yaml")
    markets = set()
    for spec in population["markets"].values():
        markets |= set(spec.get("weights") or {}) | set((spec.get("supplement") or {}).get("weights") or {})
    assert markets <= country_codes()
    assert set(population["market_groups"]["EU27"]["members"]) <= country_codes()
    assert set(population["certifications"]["codes"]) == POLICY_CERTIFICATION_CODES
    tables = load_tables()
    assert len(tables.region_codes) == 514 and len(tables.segments) >= 5


def test_policy_certification_codes_agree_with_the_policy_file():
    path = ROOT / "data" / "policy" / "certifications.yaml"
    if not path.exists():
        pytest.skip("data/policy/certifications.yaml not present")
    codes = yaml.safe_load(path.read_text(encoding="utf-8"))["codes"]
    assert set(codes) == POLICY_CERTIFICATION_CODES


def test_size_bands_agree_with_the_policy_thresholds():
    bands = read("population.yaml")["size_classes"]["bands"]
    assert bands["micro"]["revenue_idr"][1] == 2_000_000_000
    assert bands["small"]["revenue_idr"][1] == 15_000_000_000
    assert bands["medium"]["revenue_idr"][1] == 50_000_000_000
    for size, band in bands.items():
        low, high = band["revenue_idr"]
        assert size_class_of(low) == size and size_class_of(high) == size
    from app.engine import load_policy

    # The thresholds in force today (thresholds.yaml dates them: UU 20/2008 before PP 7/2021).
    for size_class, upper in load_policy().size_bands:
        if upper is not None:
            assert bands[size_class]["revenue_idr"][1] == upper


def test_eu27_agrees_with_the_policy_market_groups():
    path = ROOT / "data" / "policy" / "markets.yaml"
    if not path.exists():
        pytest.skip("data/policy/markets.yaml not present")
    policy = yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]["EU27"]["members"]
    assert set(read("population.yaml")["market_groups"]["EU27"]["members"]) == set(policy)
