"""Time reading profiles into the engine's inputs: one profile at a time (the single path) and a frame.

Usage: .venv/bin/python bench/engine_readers.py [ROOT]  (ROOT: a checkout to measure, default this one)
Prints the wall time per profile of `facts.read_facts` on 200 demo profiles (`generate_profiles(600,
20261127)[:200]`, 2026-11-27), least of 7 runs; and, when ROOT has `app/engine/inputs.py`, the time of
`held_on`, `read_products` and `read_markets` on one frame of 100,000 demo profiles, least of 5.
Run it alternately in two checkouts (`git archive REV | tar -x -C DIR`) to compare code versions.
"""

from __future__ import annotations

import sys
import timeit
from datetime import date
from pathlib import Path

ROOT = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.demo.generator import generate_profiles  # noqa: E402
from app.engine import facts, load_policy  # noqa: E402

AS_OF = date(2026, 11, 27)


def main() -> None:
    """Print the single-profile read time and, where there is a frame reader, the frame readers' times."""
    policy = load_policy()
    profiles = generate_profiles(600, 20261127)[:200]
    best = min(
        timeit.repeat(lambda: [facts.read_facts(p, AS_OF, policy) for p in profiles], number=5, repeat=7)
    )
    print(f"{ROOT}: read_facts {best / 5 / len(profiles) * 1e6:.1f} µs per profile")
    if not (ROOT / "app" / "engine" / "inputs.py").exists():
        return
    from app.engine import inputs

    frame = inputs.profile_columns(generate_profiles(100_000, 20261127))
    n = len(frame["name"])
    readers = {
        "held_on": lambda: inputs.held_on(frame, AS_OF, policy, n),
        "read_products": lambda: inputs.read_products(frame, policy, n),
        "read_markets": lambda: inputs.read_markets(frame, policy.domestic_market, n),
    }
    times = {name: min(timeit.repeat(reader, number=1, repeat=5)) * 1000 for name, reader in readers.items()}
    print(f"{ROOT}: 100,000-profile frame, ms: " + ", ".join(f"{k} {v:.1f}" for k, v in times.items()))


if __name__ == "__main__":
    main()
