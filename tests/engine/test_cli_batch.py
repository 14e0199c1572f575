"""The assess-batch command: JSON lines and CSV in, results and rejects out (good rows still processed)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from flask import Flask

from app.cli.batch import assess_batch_command
from app.engine import assess

from .conftest import load_cases, merge

BASE, _ = load_cases("programmes.yaml")


@pytest.fixture
def runner(policy):
    """A minimal app carrying the policy, as the real app does after boot."""
    app = Flask("assess-batch-test")
    app.extensions["policy"] = policy
    return app.test_cli_runner()


def _run(runner, *args):
    result = runner.invoke(assess_batch_command, [*args, "--quiet"])
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def test_json_lines_in_json_lines_out_with_rejects(runner, policy, tmp_path: Path):
    source = tmp_path / "in.jsonl"
    good_us = merge(BASE, {"target_markets": ["US"]})
    lines = [
        json.dumps(BASE),
        json.dumps({"name": "tanpa wilayah", "products": [{"description": "kopi"}]}),
        "this is not json",
        json.dumps(good_us),
        json.dumps(merge(BASE, {"certifications": [{"code": "NOT_A_CODE"}]})),
    ]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    result = _run(runner, "--input", str(source), "--output", str(output), "--as-of", "2026-11-27")
    assert "assessed 2 rows, rejected 3 rows" in result.output
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [row["line"] for row in rows] == [1, 4]
    for row, profile in zip(rows, (BASE, good_us), strict=True):
        single = assess(profile, "2026-11-27", policy, with_what_if=False)
        assert (row["score"], row["level"], row["route"]) == (
            single["readiness"]["score"],
            single["readiness"]["level"],
            single["route"],
        )
    with (tmp_path / "out.jsonl.rejects.csv").open(encoding="utf-8") as handle:
        rejects = list(csv.DictReader(handle))
    assert {row["line"] for row in rejects} == {"2", "3", "5"}
    assert any(row["line"] == "2" and row["field"] == "region_code" for row in rejects)
    assert any(row["line"] == "5" and row["field"].startswith("certifications.0") for row in rejects)


def test_csv_in_csv_out_with_a_chosen_rejects_file(runner, tmp_path: Path):
    source = tmp_path / "in.csv"
    header = (
        "name,region_code,founded_year,annual_revenue_idr,credit_status,products,certifications,export_direct,"
        "export_indirect,last_export_year,target_markets,buyer_market,"
        "bookkeeping,bank_account,email,website,marketplace"
    )
    rows = [
        "Kopi Gayo,11.17,2015,4200000000,current,090111|Kopi arabika|20000|kg,NIB;NPWP;ORGANIC@2027-08-01,"
        "true,false,2025,US;DE,US,true,true,true,false,true",
        "Salah Tahun,11.17,dua ribu,4200000000,current,090111|Kopi,NIB,,,,JP,,,,,,",
        "Kakao Jembrana,51.01,2010,900000000,none,180100|Biji kakao fermentasi|3000|kg,NIB;NPWP,"
        "false,true,2024,NL,,ya,tidak,ya,tidak,ya",
    ]
    source.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    output = tmp_path / "out.csv"
    rejects = tmp_path / "bad.csv"
    result = _run(
        runner,
        "--input",
        str(source),
        "--output",
        str(output),
        "--as-of",
        "2027-07-01",
        "--rejects",
        str(rejects),
    )
    assert "assessed 2 rows, rejected 1 rows" in result.output
    with output.open(encoding="utf-8") as handle:
        results = list(csv.DictReader(handle))
    assert [row["name"] for row in results] == ["Kopi Gayo", "Kakao Jembrana"]
    assert results[0]["size_class"] == "small" and "US" in results[0]["blocking_markets"]
    assert "NL" in results[1]["blocking_markets"]  # EUDR for micro cocoa beans from 30 June 2027
    with rejects.open(encoding="utf-8") as handle:
        bad = list(csv.DictReader(handle))
    assert bad == [{"line": "3", "field": "founded_year", "message": "'dua ribu' is not an integer"}]


def test_unknown_csv_columns_stop_the_run(runner, tmp_path: Path):
    source = tmp_path / "in.csv"
    source.write_text("name,region,products\nx,11.17,090111|kopi\n", encoding="utf-8")
    result = runner.invoke(
        assess_batch_command, ["--input", str(source), "--output", str(tmp_path / "o.csv")]
    )
    assert result.exit_code != 0
    assert "unknown CSV columns" in result.output
