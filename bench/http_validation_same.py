"""The assessment request's two profile loaders give the same assessment: `IkmProfileSchema.load` then
`as_json_profile` (the API before) and the compiled check `validate_profile` (the API now), over generated
profiles (app.demo.generator, seeded) and the bench generator's (integer capacities), each assessed as of
three dates with what-if. Compares the engine's result documents as JSON text (keys sorted), byte for byte,
and the profile snapshots as JSON values. Run:
  .venv/bin/python bench/http_validation_same.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/ovop_bench
(a database migrated with the reference data loaded, e.g. by bench/http_compare.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.demo.generator import generate_profiles  # noqa: E402
from app.engine.validation import validate_profile  # noqa: E402
from app.schemas.ikm import IkmProfileSchema  # noqa: E402
from app.services import assessments  # noqa: E402
from bench.profile_generator import generate_profiles as bench_profiles  # noqa: E402

DATES = (date(2026, 11, 27), date(2027, 7, 1), date(2029, 1, 1))


def main() -> None:
    """Assess every profile both ways and print how many documents and snapshots differ."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--count", type=int, default=300)
    arguments = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": arguments.database_url, "RATELIMIT_ENABLED": False})
    schema = IkmProfileSchema()
    profiles = generate_profiles(arguments.count, 20261130) + bench_profiles(arguments.count, 11)
    same = different = snapshot_values_differ = refused = 0
    with app.app_context():
        for raw in profiles:
            fast, errors = validate_profile(raw)
            if errors:
                refused += 1
                schema.validate(raw) or sys.exit(f"refused by validate_profile only: {errors}")
                continue
            before = assessments.as_json_profile(schema.load(raw))
            if fast != before:  # values: 10 == 10.0; absent load defaults differ
                snapshot_values_differ += 1
            for as_of in DATES:
                old = json.dumps(assessments.evaluate(before, as_of), sort_keys=True)
                new = json.dumps(assessments.evaluate(fast, as_of), sort_keys=True)
                same, different = (same + 1, different) if old == new else (same, different + 1)
    print(
        f"{len(profiles)} profiles ({refused} refused by both loaders) x {len(DATES)} dates: result "
        f"documents identical {same}, different {different}; "
        f"snapshots with other values {snapshot_values_differ}"
    )


if __name__ == "__main__":
    main()
