"""Single assess() CPU time per profile, the least of several passes, to compare code versions under load.

Usage: .venv/bin/python bench/single_cpu.py [ROOT] [PASSES]  (ROOT: a checkout to measure, default this
one; PASSES: default 5). Each of 600 demo profiles (`generate_profiles(600, 20261127)`) is assessed on
2026-11-27 once per pass; a profile's time is the least CPU time (time.process_time) of its passes, which
drops most of what other processes cost it on a shared machine; the p50 of those over the profiles is
printed without and with what-if. Run it alternately in two checkouts (`git archive REV | tar -x -C DIR`).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]
PASSES = int(sys.argv[2]) if len(sys.argv) > 2 else 5
sys.path.insert(0, str(ROOT))

from app.demo.generator import generate_profiles  # noqa: E402
from app.engine import assess, load_policy  # noqa: E402


def least_times(profiles: list[dict], policy, what_if: bool) -> list[float]:
    """Per profile, the least CPU seconds of one assess() over PASSES passes."""
    best = [float("inf")] * len(profiles)
    for _ in range(PASSES):
        for index, profile in enumerate(profiles):
            started = time.process_time()
            assess(profile, "2026-11-27", policy, with_what_if=what_if)
            best[index] = min(best[index], time.process_time() - started)
    return best


def main() -> None:
    """Print the p50 of the per-profile least CPU time, without and with what-if."""
    policy = load_policy()
    profiles = generate_profiles(600, 20261127)
    for profile in profiles[:50]:
        assess(profile, "2026-11-27", policy, with_what_if=True)
    plain = statistics.median(least_times(profiles, policy, False)) * 1000
    what_if = statistics.median(least_times(profiles, policy, True)) * 1000
    print(f"{ROOT}: single assess() least-of-{PASSES} CPU p50 {plain:.3f} ms, with what-if {what_if:.3f} ms")


if __name__ == "__main__":
    main()
