"""Where the CPU of POST /api/v1/assessments goes: cProfile on the CPU clock over N requests with an
advisor token through Flask's test client (the one-product profile of bench/http_compare.py). Prints the
functions with the most cumulative CPU as a share of the whole request (`Flask.wsgi_app`). Run:
  .venv/bin/python bench/http_profile.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/ovop_bench
(a database migrated with the reference data loaded, e.g. by bench/http_compare.py).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.services import users  # noqa: E402
from tests.profiles import gayo  # noqa: E402

AS_OF = "2026-11-27"


def main() -> None:
    """Profile the requests and print the top functions by cumulative CPU."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--top", type=int, default=40)
    arguments = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": arguments.database_url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        token = users.issue_token(users.create_user(f"profile-{time.time()}@example.org", "advisor"))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    body = {"profile": gayo(), "as_of": AS_OF}
    for _ in range(20):
        assert client.post("/api/v1/assessments", json=body, headers=headers).status_code == 201
    profiler = cProfile.Profile(time.process_time)
    started = time.process_time()
    profiler.enable()
    for _ in range(arguments.requests):
        client.post("/api/v1/assessments", json=body, headers=headers)
    profiler.disable()
    cpu = (time.process_time() - started) * 1000 / arguments.requests
    stats = pstats.Stats(profiler)
    rows = []
    for (filename, line, name), (_, calls, _, cumulative, _) in stats.stats.items():
        rows.append((cumulative, calls, f"{Path(filename).name}:{line}({name})"))
    whole = next(value for value, _, label in rows if "(wsgi_app)" in label)
    print(f"{arguments.requests} requests, CPU {cpu:.2f} ms per request under the profiler")
    print(f"  {'share':>6} {'ms/req':>7} {'calls/req':>9}  function")
    for cumulative, calls, label in sorted(rows, reverse=True)[: arguments.top]:
        per_request = cumulative * 1000 / arguments.requests
        share = 100 * cumulative / whole
        print(f"  {share:5.1f}% {per_request:7.3f} {calls / arguments.requests:9.1f}  {label}")
    print(f"  load average (1, 5, 15 min) at the end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
