"""Page rendering: the self-check result (HTML and PDF), the advisor's case page and the queue, in process.

Builds the app on a temporary SQLite file, loads the reference data, registers the Gayo example and opens a
case, then times each page through Flask's test client (no network) in Indonesian and English and prints
p50 / p95. Run: `.venv/bin/python bench/pages_bench.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.profiles import gayo  # noqa: E402
from tests.web.test_selfcheck_pages import GAYO_FORM  # noqa: E402


def timed(call, runs: int) -> tuple[float, float]:
    """p50 and p95 in milliseconds of `runs` calls."""
    values = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        values.append((time.perf_counter() - start) * 1000)
    values.sort()
    return statistics.median(values), values[int(0.95 * (len(values) - 1))]


def _pages(client, advisor, lang: str, pdf_link: str, case_id: int) -> dict:
    """The calls to time in one language (numbers typed the way that language writes them)."""
    form = {**GAYO_FORM, "annual_revenue_idr": {"id": "4.200.000.000", "en": "4,200,000,000"}[lang]}
    return {
        "self-check form (GET)": lambda: client.get(f"/cek-kesiapan?lang={lang}"),
        "self-check result (POST: assess, store, render)": lambda: client.post(
            f"/cek-kesiapan?lang={lang}", data=form
        ),
        "result PDF": lambda: client.get(f"/cek-kesiapan/hasil/{pdf_link}?lang={lang}"),
        "advisor case page": lambda: advisor.get(f"/cases/{case_id}?lang={lang}"),
        "advisor queue": lambda: advisor.get(f"/cases?lang={lang}"),
    }


def main() -> None:
    """Set up, time each page, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40)
    runs = parser.parse_args().runs
    os.environ.setdefault("RATELIMIT_ENABLED", "false")
    from flask_migrate import upgrade

    from app import create_app
    from app.services import users
    from app.services.reference_data import load_reference_data

    folder = tempfile.mkdtemp()
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade()
        load_reference_data(app.config["REFERENCE_DATA_DIR"])
        admin = users.create_user("admin@bench.example", "admin")
        token = users.issue_token(admin)
        users.create_user("advisor@bench.example", "advisor", password="bench-password-1")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    ikm_id = client.post("/api/v1/ikms", json=gayo(), headers=headers).json["id"]
    case_id = client.post(
        "/api/v1/cases", json={"ikm_id": ikm_id, "programme_code": "PKE_UMKM"}, headers=headers
    ).json["id"]
    page = client.post("/cek-kesiapan", data=GAYO_FORM).get_data(as_text=True)
    pdf_link = page.split('href="/cek-kesiapan/hasil/')[1].split('"')[0]
    advisor = app.test_client()
    advisor.post("/login", data={"email": "advisor@bench.example", "password": "bench-password-1"})
    print(
        f"python {sys.version.split()[0]}, cpus {os.cpu_count()}, load {os.getloadavg()[0]:.1f}, runs {runs}"
    )
    for lang in ("id", "en"):
        checks = _pages(client, advisor, lang, pdf_link, case_id)
        for name, call in checks.items():
            assert call().status_code == 200, name
            p50, p95 = timed(call, runs)
            print(f"[{lang}] {name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
