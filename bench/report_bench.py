"""Reports at national scale on PostgreSQL: the summary, one province, the quarterly XLSX, a district's list.

`load` migrates an empty PostgreSQL database, loads the reference data and COPYs N generated IKM with M
assessments between them (each IKM's history chained by `superseded_on`, the reporting columns, gap_list
and the most urgent gap filled as the service fills them; the JSON documents stay empty: reports never
read them) and a share of cases with decisions and financing amounts, then runs VACUUM ANALYZE.
`measure` times, best of 3, what the issue asks for, through the service itself (app.services.reports),
next to a hand-written GROUP BY over the same rows and filters:

    .venv/bin/python bench/report_bench.py load --database-url postgresql://postgres@127.0.0.1/ovop_i8_bench
    .venv/bin/python bench/report_bench.py measure --database-url postgresql://postgres@127.0.0.1/ovop_i8_bench
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from app.reference import read_csv_rows  # noqa: E402

LEVELS = ("not_ready", "developing", "ready_with_support", "export_ready")
COMMODITIES = ("coffee", "cocoa", "spices", "crafts", "other")
SIZES = ("micro", "small", "medium", "large")
FINANCIAL = ("PKE_UMKM", "KMKE", "TRADE_FINANCE")
NON_FINANCIAL = ("JASA_KONSULTASI", "CPNE", "BUSINESS_MATCHING", "DESA_DEVISA")
AS_OF = date(2026, 11, 27)
# (requirement, severity, applies_from) drawn as gaps; EUDR for coffee and cocoa only.
URGENCY = ("blocking", "upcoming", "major", "minor")
GAPS = (
    ("HALAL", "blocking", None),
    ("FDA_FFR", "blocking", None),
    ("NIB", "blocking", None),
    ("SNI", "major", None),
    ("ISO22000", "minor", None),
)
EUDR = (("EUDR_GEO", "upcoming", date(2026, 12, 30)), ("EUDR_GEO", "upcoming", date(2027, 6, 30)))

# The hand-written comparison: the current assessments of the filtered rows grouped by every dimension the
# summary breaks down, in one GROUP BY (what the service's cube query does, written by hand).
HAND_GROUP_BY = """
SELECT province_code, commodity, level, route, ovop_stars, count(*)
FROM assessments
WHERE superseded_on IS NULL AND ikm_id IS NOT NULL {where}
GROUP BY province_code, commodity, level, route, ovop_stars
"""

# Every query of the summary written by hand (same rows, same filters): the fair yardstick for the service.
HAND_SUMMARY = (
    HAND_GROUP_BY,
    """SELECT eligible_programmes, gap_list, commodity, count(*) FROM assessments
       WHERE superseded_on IS NULL AND ikm_id IS NOT NULL {where} GROUP BY 1, 2, 3""",
    """SELECT status, decision_reason, is_override, count(*) FROM applications GROUP BY 1, 2, 3""",
    """SELECT created_at, decided_at FROM applications WHERE decided_at IS NOT NULL""",
    """SELECT i.primary_commodity, a.programme_code, count(*), sum(amount_requested_idr),
       sum(amount_approved_idr) FROM applications a JOIN ikms i ON i.id = a.ikm_id
       WHERE amount_requested_idr IS NOT NULL GROUP BY 1, 2""",
    """SELECT as_of, count(*) FROM assessments WHERE as_of > now() - interval '12 months'
       AND ikm_id IS NOT NULL {where} GROUP BY as_of""",
    """SELECT date(created_at), count(*) FROM ikms WHERE created_at > now() - interval '12 months'
       GROUP BY 1""",
    """SELECT count(*) FROM ikms""",
)


def flask(env: dict, *arguments: str) -> None:
    """Run a `flask --app wsgi` command."""
    command = [str(BIN / "flask"), "--app", "wsgi", *arguments]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)


def _gaps(rng, commodity) -> tuple[str | None, tuple]:
    """Drawn gaps as the service stores them (gap_list) and the most urgent one's three columns."""
    drawn = rng.sample(GAPS, k=rng.randrange(0, 3))
    if commodity in ("coffee", "cocoa") and rng.random() < 0.5:
        drawn.append(rng.choice(EUDR))
    if not drawn:
        return None, (None, None, None)
    joined = ";".join(sorted(f"{code}|{severity}|{day or ''}" for code, severity, day in drawn))
    urgent = min(drawn, key=lambda gap: (URGENCY.index(gap[1]), str(gap[2] or "")))
    return joined, urgent


def _assessment_row(rng, ikm, region, commodity, stars, as_of, superseded_on):
    """One assessment's reporting columns (the JSON documents stay empty)."""
    gap_list, urgent = _gaps(rng, commodity)
    score = rng.randrange(0, 101)
    financial = score >= 60 and rng.random() < 0.8
    eligible = ";".join(sorted(rng.sample(FINANCIAL if financial else NON_FINANCIAL, k=rng.randrange(1, 3))))
    return (
        ikm,
        as_of,
        score,
        LEVELS[min(score // 25, 3)],
        "financial" if financial else "non_financial",
        "complete",
        rng.choice(SIZES),
        region,
        region[:2],
        commodity,
        score % 7 == 0,
        "v1.1",
        "sha256:bench",
        "bench",
        "{}",
        "{}",
        stars,
        eligible,
        superseded_on,
        gap_list,
        *urgent,
    )


def load(connection, ikm_count: int, assessment_count: int, rng: random.Random) -> None:
    """COPY the generated IKM, their chained assessments (with their gaps) and cases."""
    regencies = [row["kode"] for row in read_csv_rows(ROOT / "data" / "reference" / "kabupaten_kota.csv")]
    extra = assessment_count - ikm_count
    counts = [1] * ikm_count
    for _ in range(extra):
        counts[rng.randrange(ikm_count)] += 1
    with connection.cursor() as cursor:
        ikm_rows = []
        with cursor.copy(
            "COPY ikms (id, name, region_code, province_code, primary_commodity, target_markets, ovop_stars, "
            "created_at) FROM STDIN"
        ) as copy:
            for number in range(1, ikm_count + 1):
                region = rng.choice(regencies)
                commodity = rng.choice(COMMODITIES)
                stars = rng.choice((None, 1, 2, 3, 4, 5))
                created = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(0, 700))
                ikm_rows.append((region, commodity, stars))
                copy.write_row((number, f"IKM {number}", region, region[:2], commodity, "[]", stars, created))
        columns = (
            "ikm_id, as_of, score, level, route, status, size_class, region_code, province_code, commodity, "
            "review_required, policy_version, policy_hash, model_version, profile_snapshot, result, "
            "ovop_stars, eligible_programmes, superseded_on, gap_list, urgent_gap, urgent_gap_severity, "
            "urgent_gap_from"
        )
        with cursor.copy(f"COPY assessments ({columns}) FROM STDIN") as copy:
            for number, (region, commodity, stars) in enumerate(ikm_rows, start=1):
                days = sorted(rng.sample(range(0, 730), counts[number - 1]), reverse=True)
                dates = [AS_OF - timedelta(days=day) for day in days]
                for position, as_of in enumerate(dates):
                    following = dates[position + 1] if position + 1 < len(dates) else None
                    copy.write_row(_assessment_row(rng, number, region, commodity, stars, as_of, following))
        for code in FINANCIAL + NON_FINANCIAL:
            kind = "financial" if code in FINANCIAL else "non_financial"
            cursor.execute(
                "INSERT INTO programmes (code, name, type) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                (code, code, kind),
            )
        # One case in twenty IKM, most decided, with financing on the approved financial ones.
        with cursor.copy(
            "COPY applications (ikm_id, assessment_id, programme_code, status, version, engine_route, "
            "decision_reason, is_override, amount_requested_idr, amount_approved_idr, created_at, "
            "decided_at) FROM STDIN"
        ) as copy:
            for number in range(1, ikm_count + 1, 20):
                programme = rng.choice(FINANCIAL + NON_FINANCIAL)
                status = rng.choice(
                    ("submitted", "in_review", "approved", "approved", "rejected", "referred")
                )
                created = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(0, 320))
                decided = (
                    created + timedelta(days=rng.randrange(1, 40))
                    if status in ("approved", "rejected", "referred")
                    else None
                )
                requested = rng.randrange(50, 2000) * 1_000_000 if programme in FINANCIAL else None
                approved = requested if requested and status == "approved" else None
                reason = "CRITERIA_MET" if decided else None
                override = rng.random() < 0.1
                row = (number, 1, programme, status, 1, "financial", reason, override, requested, approved)
                copy.write_row((*row, created, decided))
        cursor.execute("SELECT setval('ikms_id_seq', %s)", (ikm_count,))
    connection.commit()
    connection.autocommit = True
    with connection.cursor() as cursor:
        for table in ("ikms", "assessments", "applications"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    connection.autocommit = False


def best_of_three(action) -> float:
    """Best wall-clock seconds of three runs of `action()`."""
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return min(timings)


def measure(url: str) -> None:
    """Time the service's summary, a province, the quarterly XLSX and a district's list page."""
    os.environ.update(DATABASE_URL=url, APP_ENV="development")
    from app import create_app
    from app.reports.summary import SummaryFilters
    from app.services import reports

    app = create_app({"APP_ENV": "development", "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    plain = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
    # The same hand-written queries with the planner setting the service uses for its report transaction.
    tuned = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
    tuned.execute(f"SET random_page_cost = {reports.REPORT_RANDOM_PAGE_COST}")
    hand = plain

    def hand_group_by(where: str = "", parameters: tuple = ()) -> None:
        with hand.cursor() as cursor:
            cursor.execute(HAND_GROUP_BY.format(where=where), parameters)
            cursor.fetchall()

    def hand_summary() -> None:
        with hand.cursor() as cursor:
            for query in HAND_SUMMARY:
                cursor.execute(query.format(where=""))
                cursor.fetchall()

    def tuned_summary() -> None:
        with tuned.cursor() as cursor:
            for query in HAND_SUMMARY:
                cursor.execute(query.format(where=""))
                cursor.fetchall()

    with app.app_context():
        national = best_of_three(lambda: reports.summary(SummaryFilters(), viewer=None))
        print(f"summary, national (service, all breakdowns): {national * 1000:.0f} ms")
        national_hand = best_of_three(hand_group_by)
        print(f"hand-written GROUP BY, national: {national_hand * 1000:.0f} ms")
        whole_hand = best_of_three(hand_summary)
        print(
            f"every summary query by hand (psycopg), national: {whole_hand * 1000:.0f} ms "
            f"(service / hand: {national / whole_hand:.2f})"
        )
        whole_tuned = best_of_three(tuned_summary)
        print(
            f"every summary query by hand, random_page_cost {reports.REPORT_RANDOM_PAGE_COST}: "
            f"{whole_tuned * 1000:.0f} ms (service / hand: {national / whole_tuned:.2f})"
        )
        core = best_of_three(lambda: reports.current_cube(SummaryFilters()))
        print(
            f"summary's cube query alone, national: {core * 1000:.0f} ms "
            f"(ratio to hand: {core / national_hand:.2f})"
        )
        one = best_of_three(lambda: reports.summary(SummaryFilters(province="33"), viewer=None))
        print(f"summary, one province (33 Jawa Tengah): {one * 1000:.0f} ms")
        one_hand = best_of_three(lambda: hand_group_by("AND province_code = %s", ("33",)))
        print(f"hand-written GROUP BY, one province: {one_hand * 1000:.0f} ms")
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "q4.xlsx"
            xlsx = best_of_three(lambda: reports.write_quarterly(target, 2026, 4, actor="bench"))
            print(f"quarterly XLSX 2026 Q4: {xlsx:.2f} s ({target.stat().st_size:,} bytes)")
        client = app.test_client()
        app.config["WTF_CSRF_ENABLED"] = False
        from app.extensions import db
        from app.models import User
        from app.services import users

        email, password = "bench-district@example.id", "bench-password-1"
        if db.session.scalar(db.select(User).where(User.email == email)) is None:
            users.create_user(email, "district", "33.74", None, password)
        client.post("/login", data={"email": email, "password": password})
        page = best_of_three(lambda: client.get("/workspace?page=1").data)
        status = client.get("/workspace?page=1").status_code
        print(f"district's IKM list page (33.74, HTML, status {status}): {page * 1000:.0f} ms")


def main() -> None:
    """Load or measure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("load", "measure"))
    parser.add_argument("--database-url", required=True, help="an empty PostgreSQL database (load)")
    parser.add_argument("--ikms", type=int, default=500_000)
    parser.add_argument("--assessments", type=int, default=1_000_000)
    arguments = parser.parse_args()
    url = arguments.database_url.replace("postgresql+psycopg://", "postgresql://")
    if arguments.action == "measure":
        measure(url.replace("postgresql://", "postgresql+psycopg://"))
        return
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


if __name__ == "__main__":
    main()
