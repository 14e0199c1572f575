"""Engine CPU time (time.process_time): profiles_to_frame, assess_frame and single assess() p50.

Usage: .venv/bin/python bench/engine_cpu.py [ROOT]  (ROOT: a checkout to measure, default this one)
CPU time is less sensitive than wall clock to other processes on a shared machine; run it alternately in
two checkouts (e.g. `git archive BASE | tar -x -C /tmp/base`) to compare code versions under load.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from engine_bench import make_profiles  # noqa: E402

from app.engine import assess, assess_frame, load_policy, profiles_to_frame  # noqa: E402


def main() -> None:
    """Print the CPU seconds of each step for 100,000 demo profiles (single assess on 2,000)."""
    policy = load_policy()
    profiles, _ = make_profiles(100_000, 20261127)
    as_of = date(2026, 11, 27)
    started = time.process_time()
    frame = profiles_to_frame(profiles)
    to_frame = time.process_time() - started
    runs = []
    for _ in range(3):
        started = time.process_time()
        assess_frame(frame, as_of, policy)
        runs.append(time.process_time() - started)
    single = {}
    for with_what_if in (False, True):
        durations = []
        for profile in profiles[:2000]:
            started = time.process_time()
            assess(profile, as_of, policy, with_what_if=with_what_if)
            durations.append((time.process_time() - started) * 1000)
        single[with_what_if] = statistics.median(durations)
    print(
        f"{ROOT}: CPU s: profiles_to_frame {to_frame:.2f}; assess_frame best {min(runs):.2f} "
        f"({100000 / min(runs):,.0f}/s CPU); single p50 {single[False]:.3f} ms, "
        f"with what-if {single[True]:.3f} ms"
    )


if __name__ == "__main__":
    main()
