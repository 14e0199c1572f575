"""Demo population proportions: regions follow BPS production, sizes and certificates are realistic."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
import yaml

from app.demo.generator import commodity_of_profile, generate_profiles, held_codes, size_class_of
from app.reference import product_class_of

ROOT = Path(__file__).resolve().parents[2]
BPS_FILE = ROOT / "data" / "trade_stats" / "bps_perkebunan_provinsi_2023.csv"
SULAWESI = {"71", "72", "73", "74", "75", "76"}


def bps_ranking(komoditas: str) -> list[str]:
    """Province codes ranked by BPS 2023 production of one crop."""
    with BPS_FILE.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["komoditas"] == komoditas and row["kode_prov"]]
    rows.sort(key=lambda row: -float(row["produksi_ribu_ton"]))
    return [row["kode_prov"] for row in rows]


def share(items, predicate) -> float:
    """Share of items for which predicate holds."""
    items = list(items)
    return sum(1 for item in items if predicate(item)) / len(items)


def food_kinds(profile: dict) -> set:
    """Food kinds (raw/processed) of the products that carry an HS code."""
    return {product_class_of(p["hs_code"]).food for p in profile["products"] if p.get("hs_code")} - {None}


@pytest.fixture(scope="module")
def large_population() -> list[dict]:
    """A larger population for the finer proportions."""
    return generate_profiles(20_000, seed=2026)


def test_top_coffee_provinces_are_top_bps_coffee_provinces(summary, large_population):
    bps_top = bps_ranking("Kopi")
    assert bps_top[:5] == ["16", "18", "12", "11", "17"]  # Sumsel, Lampung, Sumut, Aceh, Bengkulu
    coffee = summary["by_commodity_province"]["coffee"]
    assert next(iter(coffee)) == "16"
    assert set(list(coffee)[:3]) <= set(bps_top[:6])
    large = Counter(p["region_code"][:2] for p in large_population if commodity_of_profile(p) == "coffee")
    assert [code for code, _ in large.most_common(5)] == bps_top[:5]


def test_cocoa_is_concentrated_in_sulawesi(summary, large_population):
    bps_top = bps_ranking("Kakao")
    assert bps_top[:4] == ["72", "74", "73", "76"]
    cocoa = summary["by_commodity_province"]["cocoa"]
    assert next(iter(cocoa)) in SULAWESI
    assert sum(n for code, n in cocoa.items() if code in SULAWESI) / sum(cocoa.values()) > 0.5
    large = Counter(p["region_code"][:2] for p in large_population if commodity_of_profile(p) == "cocoa")
    assert {code for code, _ in large.most_common(4)} == set(bps_top[:4])
    assert sum(large[code] for code in SULAWESI) / sum(large.values()) > 0.55


def test_coffee_and_cocoa_only_where_bps_reports_production(large_population):
    for crop, commodity in (("Kopi", "coffee"), ("Kakao", "cocoa")):
        with BPS_FILE.open(encoding="utf-8", newline="") as handle:
            producing = {
                row["kode_prov"]
                for row in csv.DictReader(handle)
                if row["komoditas"] == crop and row["kode_prov"] and float(row["produksi_ribu_ton"]) > 0
            }
        provinces = {p["region_code"][:2] for p in large_population if commodity_of_profile(p) == commodity}
        assert provinces <= producing, commodity


def test_spices_and_crafts_follow_the_documented_regions(large_population):
    spices = Counter(p["region_code"][:2] for p in large_population if commodity_of_profile(p) == "spices")
    crafts = Counter(p["region_code"][:2] for p in large_population if commodity_of_profile(p) == "crafts")
    assert {"81", "82", "71", "19", "18"} <= {code for code, _ in spices.most_common(10)}
    assert {"33", "34", "51", "32", "35"} <= {code for code, _ in crafts.most_common(7)}
    regions = Counter(p["region_code"] for p in large_population if commodity_of_profile(p) == "crafts")
    assert regions.most_common(1)[0][0] == "33.20"  # Jepara


def test_commodity_shares_are_within_the_stated_bounds(summary, large_population):
    spec = yaml.safe_load((ROOT / "data" / "demo" / "commodity_regions.yaml").read_text(encoding="utf-8"))
    expected, tolerance = spec["commodity_shares"]["values"], spec["commodity_shares"]["tolerance"]
    for counts, total in ((summary["by_commodity"], summary["count"]), (None, len(large_population))):
        if counts is None:
            counts = Counter(commodity_of_profile(p) for p in large_population)
        for commodity, value in expected.items():
            assert abs(counts.get(commodity, 0) / total - value) <= tolerance, (commodity, counts)


def test_sizes_are_mostly_micro_and_small(summary):
    sizes, count = summary["by_size_class"], summary["count"]
    assert sizes["micro"] / count > 0.5
    assert (sizes["micro"] + sizes["small"]) / count > 0.85
    assert 0.03 < sizes["medium"] / count < 0.15
    assert 0 < sizes.get("large", 0) / count < 0.03


def test_revenue_is_consistent_with_employees(large_population):
    import pandas as pd

    frame = pd.DataFrame(
        {"employees": [p["employees"] for p in large_population],
         "revenue": [p["annual_revenue_idr"] for p in large_population]}
    )  # fmt: skip
    assert frame["employees"].corr(frame["revenue"], method="spearman") > 0.7
    assert frame["employees"].min() >= 1
    frame["size"] = [size_class_of(value) for value in frame["revenue"]]
    medians = frame.groupby("size")["employees"].median()
    assert medians["micro"] < medians["small"] < medians["medium"] < medians["large"]


def test_certificate_distribution_matches_the_brief(large_population):
    population = large_population
    assert 0.80 <= share(population, lambda p: "NIB" in held_codes(p)) <= 0.90
    assert 0.70 <= share(population, lambda p: "NPWP" in held_codes(p)) <= 0.80
    food = [p for p in population if food_kinds(p)]
    processed = [p for p in population if "processed" in food_kinds(p)]
    assert 0.45 <= share(food, lambda p: "HALAL" not in held_codes(p)) <= 0.65
    assert share(processed, lambda p: "PIRT" in held_codes(p)) > 0.4
    assert share(processed, lambda p: "BPOM_MD" in held_codes(p)) < share(
        processed, lambda p: "PIRT" in held_codes(p)
    )
    wood = [
        p
        for p in population
        if any(product_class_of(x.get("hs_code")).name == "wood_crafts" for x in p["products"])
    ]
    assert share(wood, lambda p: "SVLK" not in held_codes(p)) > 0.5
    for rare in ("EUDR_GEO", "FDA_FFR", "HACCP"):
        assert share(population, lambda p, code=rare: code in held_codes(p)) < 0.05, rare
    for occasional in ("ORGANIC", "GI", "FAIRTRADE", "RAINFOREST"):
        assert 0 < share(population, lambda p, code=occasional: code in held_codes(p)) < 0.1, occasional


def test_some_certificates_are_dated_and_some_expired(population):
    dated = [c for p in population for c in p["certifications"] if "valid_until" in c]
    expired = [c for c in dated if c["valid_until"] < "2026-11-27"]
    assert len(dated) > 100 and 0.1 < len(expired) / len(dated) < 0.5
    assert {c["code"] for c in expired} >= {"PIRT", "HALAL"}


def test_gi_only_in_registered_gi_regions(large_population):
    spec = yaml.safe_load((ROOT / "data" / "demo" / "commodity_regions.yaml").read_text(encoding="utf-8"))
    gi_regions = set(spec["geographical_indications"]["regions"])
    holders = [p for p in large_population if any(c["code"] == "GI" for c in p["certifications"])]
    assert holders and {p["region_code"] for p in holders} <= gi_regions


def test_hs_code_left_out_for_about_ten_percent_of_products(large_population):
    products = [product for profile in large_population for product in profile["products"]]
    assert 0.08 <= share(products, lambda product: "hs_code" not in product) <= 0.12
    assert Counter(len(profile["products"]) for profile in large_population).keys() == {1, 2, 3, 4}


def test_target_markets_are_realistic(large_population):
    counts = Counter(code for profile in large_population for code in profile["target_markets"])
    top = {code for code, _ in counts.most_common(16)}
    assert {"US", "JP", "DE", "NL", "MY", "SG", "CN", "IN", "AU"} <= top
    assert counts.most_common(1)[0][0] == "US"
    assert all(len(set(p["target_markets"])) == len(p["target_markets"]) for p in large_population)
    coffee_targets = Counter(
        code for p in large_population if commodity_of_profile(p) == "coffee" for code in p["target_markets"]
    )
    assert {"US", "EG", "JP", "MY", "IT"} <= {code for code, _ in coffee_targets.most_common(8)}
    assert 0.1 < share(large_population, lambda p: not p["target_markets"]) < 0.35


def test_credit_status_gender_and_groups_are_mixed(large_population):
    credit = Counter(p["credit_status"] for p in large_population)
    assert (credit["current"] + credit["none"]) / len(large_population) > 0.85
    assert all(credit[status] > 0 for status in ("special_mention", "substandard", "doubtful", "loss"))
    gender = Counter(p["owner_gender"] for p in large_population)
    assert 0.3 < gender["female"] / len(large_population) < 0.6 and gender["undisclosed"] > 0
    groups = Counter((p.get("group") or {}).get("kind") for p in large_population)
    assert all(groups[kind] > 0 for kind in ("sentra", "cooperative", "village", None))
    koperasi = [p for p in large_population if p["legal_form"] == "koperasi"]
    assert all(p["group"]["kind"] == "cooperative" for p in koperasi)
    assert any(p["group"]["members"] < 5 for p in large_population if p.get("group"))
    stars = Counter(p["ovop_stars"] for p in large_population)
    assert stars[0] / len(large_population) > 0.8 and all(stars[s] > 0 for s in range(1, 6))


def test_founded_year_is_sometimes_omitted(large_population):
    assert 0.01 < share(large_population, lambda p: "founded_year" not in p) < 0.06
    years = [p["founded_year"] for p in large_population if "founded_year" in p]
    assert min(years) >= 1950 and max(years) <= 2026
