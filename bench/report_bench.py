"""Reporting over a million assessments on PostgreSQL: is the data model fast enough for aggregates?

Migrates an empty PostgreSQL database, loads the reference data, COPYs N generated IKM and M assessments
(reporting columns only; the JSON documents are left empty because aggregates never read them), runs
VACUUM ANALYZE, then times the two aggregates a ministry dashboard needs (best of 3) and prints their plans'
first lines. Run: `.venv/bin/python bench/report_bench.py --database-url postgresql://postgres@127.0.0.1/ovop_report`.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from app.reference import read_csv_rows  # noqa: E402

LEVELS = ("not_ready", "developing", "ready_with_support", "export_ready")
COMMODITIES = ("coffee", "cocoa", "spices", "crafts", "other")
SIZES = ("micro", "small", "medium", "large")
AS_OF = date(2026, 11, 27)

# Counts per province, commodity and level over every assessment of a year (a funder's yearly table).
YEARLY = """
SELECT province_code, commodity, level, count(*)
FROM assessments WHERE as_of BETWEEN %(start)s AND %(end)s
GROUP BY province_code, commodity, level
"""
# The current picture: each IKM's latest assessment as of a date, counted per province, commodity, level.
LATEST = """
SELECT province_code, commodity, level, count(*) FROM (
  SELECT DISTINCT ON (ikm_id) ikm_id, province_code, commodity, level
  FROM assessments WHERE as_of <= %(end)s AND ikm_id IS NOT NULL
  ORDER BY ikm_id, as_of DESC, id DESC
) AS latest GROUP BY province_code, commodity, level
"""


def flask(env: dict, *arguments: str) -> None:
    """Run a `flask --app wsgi` command."""
    command = [str(BIN / "flask"), "--app", "wsgi", *arguments]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)


def load(connection, ikm_count: int, assessment_count: int, rng: random.Random) -> None:
    """COPY the generated IKM and assessments."""
    regencies = [row["kode"] for row in read_csv_rows(ROOT / "data" / "reference" / "kabupaten_kota.csv")]
    ikm_regions = [rng.choice(regencies) for _ in range(ikm_count)]
    with connection.cursor() as cursor:
        columns = "id, name, region_code, province_code, primary_commodity, target_markets"
        with cursor.copy(f"COPY ikms ({columns}) FROM STDIN") as copy:
            for number, region in enumerate(ikm_regions, start=1):
                copy.write_row((number, f"IKM {number}", region, region[:2], rng.choice(COMMODITIES), "[]"))
        columns = (
            "ikm_id, as_of, score, level, route, status, size_class, region_code, province_code, commodity, "
            "review_required, policy_version, policy_hash, model_version, profile_snapshot, result"
        )
        with cursor.copy(f"COPY assessments ({columns}) FROM STDIN") as copy:
            for _ in range(assessment_count):
                ikm = rng.randrange(1, ikm_count + 1)
                region = ikm_regions[ikm - 1]
                score = rng.randrange(0, 101)
                copy.write_row(
                    (
                        ikm,
                        AS_OF - timedelta(days=rng.randrange(0, 730)),
                        score,
                        LEVELS[min(score // 20, 3)],
                        "financial" if score >= 60 else "non_financial",
                        "complete",
                        rng.choice(SIZES),
                        region,
                        region[:2],
                        rng.choice(COMMODITIES),
                        score % 7 == 0,
                        "v1",
                        "sha256:bench",
                        "bench",
                        "{}",
                        "{}",
                    )
                )
        cursor.execute("SELECT setval('ikms_id_seq', %s)", (ikm_count,))
    connection.commit()
    # What autovacuum does to a table in service: statistics, and the visibility map that lets the
    # latest-per-IKM query read the covering index alone.
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE ikms")
        cursor.execute("VACUUM ANALYZE assessments")
    connection.autocommit = False


def best_of_three(connection, query: str, parameters: dict) -> tuple[float, int, str]:
    """Best wall-clock seconds of three runs, the row count, and the plan's top node and scans."""
    timings = []
    with connection.cursor() as cursor:
        for _ in range(3):
            started = time.perf_counter()
            cursor.execute(query, parameters)
            rows = cursor.fetchall()
            timings.append(time.perf_counter() - started)
        cursor.execute("EXPLAIN " + query, parameters)
        lines = [line[0].strip() for line in cursor.fetchall()]
        plan = " / ".join(
            [lines[0].split("  (")[0]] + [line.split("  (")[0] for line in lines if "Scan" in line]
        )
    return min(timings), len(rows), plan


def main() -> None:
    """Set up, load, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="an empty PostgreSQL database")
    parser.add_argument("--ikms", type=int, default=200_000)
    parser.add_argument("--assessments", type=int, default=1_000_000)
    arguments = parser.parse_args()
    url = arguments.database_url.replace("postgresql+psycopg://", "postgresql://")
    env = {**os.environ, "DATABASE_URL": url, "APP_ENV": "development"}
    flask(env, "db", "upgrade")
    flask(env, "load-reference")
    with psycopg.connect(url) as connection:
        started = time.perf_counter()
        load(connection, arguments.ikms, arguments.assessments, random.Random(20261127))
        print(
            f"loaded {arguments.ikms:,} IKM and {arguments.assessments:,} assessments "
            f"in {time.perf_counter() - started:.1f} s (COPY + VACUUM ANALYZE)"
        )
        parameters = {"start": date(AS_OF.year, 1, 1), "end": AS_OF}
        for name, query in (("yearly counts", YEARLY), ("latest per IKM", LATEST)):
            seconds, groups, plan = best_of_three(connection, query, parameters)
            print(f"{name}: {seconds * 1000:.0f} ms for {groups} groups (best of 3)\n  plan: {plan}")


if __name__ == "__main__":
    main()
