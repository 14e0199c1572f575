"""Where the time of one POST /api/v1/assessments goes, in process (no HTTP): each phase timed alone.

Phases: the token look-up (auth), request validation (the request schema, its profile by the compiled
check), the policy in force (one query), the
engine without and with what-if, the triage model, storing the result as the endpoint stores an inline
profile's (one Core INSERT + COMMIT), serialising the response, and the whole request
through Flask's test client. Median wall and mean CPU milliseconds over N repetitions of the same one-product
profile. Run:
  .venv/bin/python bench/http_breakdown.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/ovop_bench
(a database migrated with the reference data loaded, e.g. by bench/http_compare.py).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.engine import assess  # noqa: E402
from app.extensions import db  # noqa: E402
from app.policies.versions import policy_in_force  # noqa: E402
from app.schemas.assessment import AssessmentRequestSchema  # noqa: E402
from app.services import assessments, users  # noqa: E402
from app.services.models import current_models  # noqa: E402
from tests.profiles import gayo  # noqa: E402

AS_OF = "2026-11-27"


def timed(repeat: int, function) -> tuple[float, float]:
    """Median wall and mean CPU milliseconds of `function()` over `repeat` calls (after 5 warm-up calls).

    CPU time (this process, user + system) hardly depends on what else the machine runs; wall time does.
    """
    for _ in range(5):
        function()
    samples = []
    cpu_started = time.process_time()
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), (time.process_time() - cpu_started) * 1000 / repeat


def main() -> None:
    """Time each phase and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=200)
    arguments = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": arguments.database_url, "RATELIMIT_ENABLED": False})
    body = {"profile": gayo(), "as_of": AS_OF}
    with app.app_context():
        account = users.create_user(f"breakdown-{time.time()}@example.org", "advisor")
        token = users.issue_token(account)
        policy = app.extensions["policy"]
        as_of = date.fromisoformat(AS_OF)
        schema = AssessmentRequestSchema()  # one instance, as the endpoint has
        loaded = schema.load(body)
        account_id = account.id  # read once: after a commit the attribute would be re-read from the database
        profile = loaded["profile"]  # in JSON style, as the endpoint passes it on
        classified = assessments.classify_products(profile)
        result = assessments.evaluate(profile, as_of)
        triage = current_models().triage

        def store() -> None:
            values = assessments.assessment_values(profile, result, None, created_by_id=account_id)
            assessments.insert_assessment(values)
            db.session.commit()

        def in_force() -> None:
            policy_in_force(as_of)
            db.session.commit()  # ends the read transaction

        def auth() -> None:
            users.user_for_token(token)
            db.session.commit()  # ends the read transaction, as the request's commit does

        phases = {
            "auth (token look-up)": auth,
            "validation (request schema)": lambda: schema.load(body),
            "policy in force (query)": in_force,
            "engine without what-if": lambda: assess(classified, as_of, policy, with_what_if=False),
            "engine with what-if": lambda: assess(classified, as_of, policy),
            "triage model": (lambda: triage.priority(classified, result)) if triage else (lambda: None),
            "store (INSERT + COMMIT)": store,
            "serialise response (json)": lambda: json.dumps(result),
        }
        timings = {name: timed(arguments.repeat, function) for name, function in phases.items()}
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    timings["whole request (test client)"] = timed(
        arguments.repeat, lambda: client.post("/api/v1/assessments", json=body, headers=headers)
    )
    print(f"response size: {len(json.dumps(result))} bytes; {arguments.repeat} runs each")
    print(f"  {'phase':<30} {'wall p50':>9} {'CPU mean':>9}")
    for name, (wall, cpu) in timings.items():
        print(f"  {name:<30} {wall:6.2f} ms {cpu:6.2f} ms")
    print(f"  load average (1, 5, 15 min) at the end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
