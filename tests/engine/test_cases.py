"""Case tables as data (tests/engine/cases/*.yaml): one parametrised test, one id per sentence."""

from __future__ import annotations

import pytest

from app.engine import assess

from .conftest import load_cases, merge

CASE_FILES = ("requirements.yaml", "programmes.yaml", "amendments.yaml")
KNOWN_EXPECTATIONS = {
    "gaps", "no_gaps", "programmes", "criteria", "terms", "route", "status", "review_required", "size_class",
    "score", "level", "level_capped", "dimensions", "missing_fields", "missing_fields_exactly", "review",
    "no_review",
}  # fmt: skip


def _all_cases():
    for file_name in CASE_FILES:
        base, cases = load_cases(file_name)
        for case in cases:
            yield pytest.param(base, case, id=case["name"])


def _matches(item: dict, wanted: dict) -> bool:
    return all(item.get(key) == value for key, value in wanted.items())


def _check_gaps(result: dict, expect: dict) -> None:
    for wanted in expect.get("gaps", []):
        assert any(_matches(gap, wanted) for gap in result["gaps"]), (wanted, result["gaps"])
    for unwanted in expect.get("no_gaps", []):
        assert not any(_matches(gap, unwanted) for gap in result["gaps"]), (unwanted, result["gaps"])


def _check_programmes(result: dict, expect: dict) -> None:
    programmes = {programme["code"]: programme for programme in result["programmes"]}
    for code, outcome in expect.get("programmes", {}).items():
        assert programmes[code]["result"] == outcome, programmes[code]
    for path, outcome in expect.get("criteria", {}).items():
        code, name = path.split(".")
        criteria = {criterion["name"]: criterion for criterion in programmes[code]["criteria"]}
        assert criteria[name]["outcome"] == outcome, criteria[name]
        assert criteria[name]["source"] and criteria[name]["required"]
    for code, wanted_terms in expect.get("terms", {}).items():
        assert _matches(programmes[code]["terms"], wanted_terms), programmes[code]["terms"]


def _check_summary(result: dict, expect: dict) -> None:
    readiness = result["readiness"]
    actual = {key: result[key] for key in ("route", "status", "review_required", "size_class")}
    actual |= {key: readiness[key] for key in ("score", "level", "level_capped")}
    for key, value in actual.items():
        if key in expect:
            assert value == expect[key], (key, value)
    for name, value in expect.get("dimensions", {}).items():
        assert readiness["dimensions"][name] == value, (name, readiness["dimensions"])
    for field in expect.get("missing_fields", []):
        assert field in result["missing_fields"], result["missing_fields"]
    if "missing_fields_exactly" in expect:
        assert result["missing_fields"] == expect["missing_fields_exactly"]
    codes = [reason["code"] for reason in result["review_reasons"]]
    for code in expect.get("review", []):
        assert code in codes, result["review_reasons"]
    for code in expect.get("no_review", []):
        assert code not in codes, result["review_reasons"]


def _check(result: dict, expect: dict) -> None:
    """Assert every expectation of a case against an assessment result."""
    unknown = set(expect) - KNOWN_EXPECTATIONS
    assert not unknown, f"unknown expectation keys {unknown}"
    _check_gaps(result, expect)
    _check_programmes(result, expect)
    _check_summary(result, expect)


@pytest.mark.parametrize(("base", "case"), list(_all_cases()))
def test_case(base, case, policy):
    result = assess(merge(base, case.get("profile") or {}), case["as_of"], policy, with_what_if=False)
    _check(result, case["expect"])
