"""Dump the engine's answers to a file, to prove that a change of the engine changes none of them.

Usage: .venv/bin/python bench/engine_dump.py OUT [ROOT]  (ROOT: a checkout to dump, default this one)

For 1,500 demo profiles (`generate_profiles(1500, 20261127)`) and 600 hypothesis profiles
(tests/engine/strategies.profiles, drawn by a `@given` test run with `derandomize=True`, so the same
Hypothesis version draws the same profiles every time) on 2026-01-15, 2026-11-27 and 2027-07-01 with the
policy of data/policy, it writes one line per profile of `assess()` with trace and what-if
(`json.dumps(sort_keys=True, default=str)`), then `assess_frame(..., gap_detail=True)` and
`assess_frame(..., blocking_requirements=True)` of the same profiles as CSV. Run it in two checkouts and
`cmp` the files: identical files mean identical answers.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

ROOT = Path(sys.argv[2]).resolve() if len(sys.argv) > 2 else Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

from app.demo.generator import generate_profiles  # noqa: E402
from app.engine import assess, assess_frame, load_policy, profiles_to_frame  # noqa: E402
from tests.engine.strategies import profiles as profile_strategy  # noqa: E402

DATES = (date(2026, 1, 15), date(2026, 11, 27), date(2027, 7, 1))
HYPOTHESIS_COUNT = 600


def hypothesis_profiles(count: int = HYPOTHESIS_COUNT) -> list[dict]:
    """`count` profiles drawn deterministically (derandomized Hypothesis, generate phase only)."""
    drawn: list[dict] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(profile_strategy)
    def collect(profile):
        drawn.append(profile)

    collect()
    return drawn


def main() -> None:
    """Write the dump to the file named by the first argument."""
    policy = load_policy()
    profiles = generate_profiles(1500, 20261127) + hypothesis_profiles()
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        out.write(f"profiles {len(profiles)}\n")
        for as_of in DATES:
            for profile in profiles:
                result = assess(profile, as_of, policy, with_what_if=True)
                out.write(json.dumps(result, sort_keys=True, default=str) + "\n")
            frame = profiles_to_frame(profiles)
            out.write(assess_frame(frame, as_of, policy, gap_detail=True).to_csv())
            out.write(assess_frame(frame, as_of, policy, blocking_requirements=True).to_csv())


if __name__ == "__main__":
    main()
