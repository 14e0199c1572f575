"""Demo generator: determinism, contract validity, NIBs, labels, command line and speed."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from demo_contract_rules import contract_violations

import app.demo
from app.demo import DEMO_LABEL, generate_profiles, population_summary
from app.demo.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


def test_default_population_has_at_least_1000_profiles(population):
    assert len(population) == 1200
    assert len(population) >= 1000


def test_same_seed_gives_the_same_population(population):
    again = generate_profiles()
    assert again == population
    assert json.dumps(again, sort_keys=True) == json.dumps(population, sort_keys=True)


def test_same_seed_gives_the_same_population_in_another_process(population):
    """No dependence on string hashing or process state: a fresh interpreter with another hash seed agrees."""
    code = (
        "import hashlib, json; from app.demo import generate_profiles; "
        "print(hashlib.sha256(json.dumps(generate_profiles(), sort_keys=True).encode()).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    expected = hashlib.sha256(json.dumps(population, sort_keys=True).encode()).hexdigest()
    assert result.stdout.strip() == expected


def test_different_seed_gives_a_different_population(population):
    other = generate_profiles(seed=7)
    assert len(other) == len(population)
    assert other != population
    assert {p["nib"] for p in other} != {p["nib"] for p in population}


def test_count_is_respected_and_a_prefix_is_not_required():
    assert generate_profiles(0) == []
    assert len(generate_profiles(1)) == 1
    assert len(generate_profiles(37, seed=3)) == 37
    with pytest.raises(ValueError):
        generate_profiles(-1)


def test_every_default_profile_passes_the_contract_rules(population):
    failures = {i: errors for i, profile in enumerate(population) if (errors := contract_violations(profile))}
    assert failures == {}


@pytest.mark.parametrize("seed", [1, 42, 99999])
def test_every_profile_of_other_seeds_passes_the_contract_rules(seed):
    profiles = generate_profiles(2000, seed=seed)
    failures = {i: errors for i, profile in enumerate(profiles) if (errors := contract_violations(profile))}
    assert failures == {}


def test_the_checker_catches_broken_profiles(population):
    """The strict checker is not vacuous: each broken field is reported."""
    profile = population[0]
    broken = [
        {**profile, "name": ""},
        {**profile, "name": "x" * 201},
        {**profile, "nib": "123"},
        {**profile, "legal_form": "firma"},
        {**profile, "region_code": "99.99"},
        {**profile, "region_code": "1101"},
        {**profile, "founded_year": 1899},
        {**profile, "founded_year": 2100},
        {**profile, "employees": -1},
        {**profile, "annual_revenue_idr": 1.5},
        {**profile, "employees": True},
        {**profile, "owner_gender": "f"},
        {**profile, "credit_status": "bad"},
        {**profile, "group": {"kind": "guild", "members": 3}},
        {**profile, "ovop_stars": 6},
        {**profile, "products": []},
        {**profile, "products": [{"hs_code": "090111"}]},
        {**profile, "products": [{"description": "x", "hs_code": "090100"}]},
        {**profile, "certifications": [{"code": "ISO9001"}]},
        {**profile, "certifications": [{"code": "NIB", "valid_until": "31-12-2026"}]},
        {**profile, "target_markets": ["EU"]},
        {**profile, "target_markets": ["US"] * 31},
        {**profile, "buyer_contract": {"market": "XX"}},
        {**profile, "demo": True},
    ]
    for bad in broken:
        assert contract_violations(bad), bad


def test_nibs_are_13_digits_start_with_99_and_are_unique(population):
    nibs = [profile["nib"] for profile in population]
    assert all(len(nib) == 13 and nib.isdigit() and nib.startswith("99") for nib in nibs)
    assert len(set(nibs)) == len(nibs)


def test_names_look_like_indonesian_trade_names(population):
    names = [profile["name"] for profile in population]
    assert all(1 <= len(name) <= 200 and name == name.strip() and "  " not in name for name in names)
    prefixes = {"UD", "CV", "PT", "Koperasi", "KSU", "Kelompok", "KUB"}
    assert sum(name.split()[0] in prefixes for name in names) > len(names) / 3
    by_form = {profile["legal_form"]: profile["name"] for profile in population}
    assert (
        by_form["pt"].startswith("PT ")
        and by_form["cv"].startswith("CV ")
        and by_form["ud"].startswith("UD ")
    )


def test_profiles_carry_no_demo_marker_but_the_package_is_labelled(population):
    assert all("demo" not in profile for profile in population)
    assert DEMO_LABEL == "Data demo hasil generator (bukan data nyata) / Generated demo data (not real)"
    assert "not real" in app.demo.__doc__.lower() or "bukan data nyata" in app.demo.__doc__


def test_command_line_prints_the_label_and_the_summary(capsys):
    assert main(["--count", "60", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"# {DEMO_LABEL}"
    assert "60 profiles, seed 5" in out
    assert "By commodity" in out and "By size class" in out and "By province" in out


def test_command_line_writes_json_lines(tmp_path, capsys):
    target = tmp_path / "demo.jsonl"
    assert main(["--count", "25", "--out", str(target)]) == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == generate_profiles(25)
    capsys.readouterr()
    assert main(["--count", "10", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["count"] == 10 and printed["label"] == DEMO_LABEL


def test_summary_counts_add_up(population, summary):
    assert summary["count"] == len(population)
    for key in ("by_province", "by_commodity", "by_size_class", "by_legal_form", "by_credit_status"):
        assert sum(summary[key].values()) == len(population), key
    assert sum(sum(counts.values()) for counts in summary["by_commodity_province"].values()) == len(
        population
    )
    assert set(summary["by_commodity"]) <= {"coffee", "cocoa", "spices", "crafts", "other"}
    assert set(summary["by_size_class"]) <= {"micro", "small", "medium", "large"}
    assert summary["province_names"]["16"] == "Sumatera Selatan"
    assert population_summary([])["count"] == 0


@pytest.mark.slow
def test_100000_profiles_have_unique_nibs():
    """The benchmark-sized population keeps NIBs unique (its speed is measured in bench/, not here)."""
    profiles = generate_profiles(100_000)
    assert len(profiles) == 100_000
    assert len({profile["nib"] for profile in profiles}) == 100_000
