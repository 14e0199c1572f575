"""Simulation and re-assessment benchmark (issue 11).

1. Simulation over N generated IKM (default 500,000): load (JSON lines read + profiles_to_frame + province
   and commodity of each row), evaluate both versions (v1.1 and v1, `assess_frame` twice), aggregate
   (`compare_frames`: totals, programmes, markets, province × commodity × size class). The population is
   written to bench/out/simulation-population.jsonl once (not timed).
2. Re-assessment of the app's database (DATABASE_URL, default the `make run` SQLite) under a version,
   writes included, rolled back at the end: IKM per second; and the population loader alone.

Usage: .venv/bin/python bench/simulation_bench.py [--count 500000] [--skip-reassess]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from datetime import date
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
AS_OF = date(2026, 11, 29)


def _population_file(count: int, seed: int) -> Path:
    """The generated population as JSON lines (written once per count and seed)."""
    path = OUT / f"simulation-population-{count}-{seed}.jsonl"
    if not path.exists():
        sys.path.insert(0, str(ROOT / "bench"))
        from engine_bench import make_profiles

        OUT.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        profiles, source = make_profiles(count, seed)
        with path.open("w", encoding="utf-8") as handle:
            for profile in profiles:
                handle.write(json.dumps(profile, default=str) + "\n")
        print(f"(wrote {count:,} profiles from {source} in {time.perf_counter() - started:.1f} s, not timed)")
    return path


def _cpu() -> float:
    """CPU seconds (user + system) this process has used: beside wall time on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def simulation(count: int, seed: int) -> None:
    """Time the three phases of a v1.1 → v1 simulation over the generated population."""
    import pandas as pd

    from app import create_app
    from app.engine import assess_frame, profiles_to_frame
    from app.simulation.compare import compare_frames

    path = _population_file(count, seed)
    app = create_app({"APP_ENV": "development"})
    with app.app_context():
        from app.policies.versions import load_version

        base, other = load_version("v1.1"), load_version("v1")
        started, cpu = time.perf_counter(), [_cpu()]
        with path.open(encoding="utf-8") as handle:
            profiles = [json.loads(line) for line in handle]
        read = time.perf_counter() - started
        frame = profiles_to_frame(profiles)
        classes = {}
        commodities = []
        for profile in profiles:
            products = profile.get("products") or ()
            code = products[0].get("hs_code") if products else None
            if code not in classes:
                classes[code] = base.product_class(code).commodity
            commodities.append(classes[code])
        meta = pd.DataFrame(
            {"province": [(p.get("region_code") or "")[:2] for p in profiles], "commodity": commodities}
        )
        load = time.perf_counter() - started
        cpu.append(_cpu())
        started = time.perf_counter()
        shared: dict = {}  # as the service does: what does not depend on the policy is read once
        before = assess_frame(frame, AS_OF, base, shared=shared, blocking_requirements=True)
        first = time.perf_counter() - started
        after = assess_frame(frame, AS_OF, other, shared=shared, blocking_requirements=True)
        evaluate = time.perf_counter() - started
        cpu.append(_cpu())
        started = time.perf_counter()
        result = compare_frames(
            meta, before, after, [p.code for p in base.programmes], [name for name, _ in base.level_bands]
        )
        aggregate = time.perf_counter() - started
        cpu.append(_cpu())
    spent = [after - before for before, after in pairwise(cpu)]
    total = load + evaluate + aggregate
    print(f"simulation v1.1 -> v1 over {count:,} IKM (as of {AS_OF}):")
    print(
        f"  load      {load:6.2f} s (JSON lines {read:.2f} s, profiles_to_frame and meta {load - read:.2f} s)"
        f"; CPU {spent[0]:.2f} s"
    )
    print(
        f"  evaluate  {evaluate:6.2f} s (v1.1 {first:.2f} s, v1 {evaluate - first:.2f} s)"
        f"; CPU {spent[1]:.2f} s"
    )
    print(
        f"  aggregate {aggregate:6.2f} s ({len(result['breakdown'])} province x commodity x size cells)"
        f"; CPU {spent[2]:.2f} s"
    )
    print(
        f"  total     {total:6.2f} s (CPU {sum(spent):.2f} s); "
        f"route changed {result['totals']['route_changed']:,}, "
        f"programme changed {result['totals']['programme_changed']:,}, "
        f"a blocking gap appeared {result['totals']['blocking_gap_appeared']:,} / "
        f"disappeared {result['totals']['blocking_gap_disappeared']:,} "
        f"({len(result['requirements'])} requirements)"
    )


def reassessment() -> None:
    """Re-assess the app database's population under v1 (writes included, rolled back); and its load alone."""
    from app import create_app
    from app.extensions import db

    app = create_app()
    with app.app_context():
        from app.policies.reassess import reassess
        from app.services.models import current_models
        from app.simulation.population import load_population

        current_models().hs_classifier  # noqa: B018  (models loaded outside the timing)
        started = time.perf_counter()
        population = load_population()
        load = time.perf_counter() - started
        db.session.rollback()
        started = time.perf_counter()
        result = reassess("v1", date(2026, 12, 1))
        db.session.flush()
        elapsed = time.perf_counter() - started
        db.session.rollback()
    count = result["summary"]["reassessed"]
    url = app.config["SQLALCHEMY_DATABASE_URI"].split("@")[-1]
    print(f"re-assessment of {count:,} stored IKM under v1 ({url}), writes included (rolled back):")
    print(
        f"  {elapsed:.2f} s = {count / elapsed:,.0f} IKM/s; population loader alone {load:.2f} s = "
        f"{len(population) / load:,.0f} IKM/s"
    )


def main() -> None:
    """Run the simulation benchmark, then the re-assessment one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--skip-reassess", action="store_true")
    parser.add_argument("--skip-simulation", action="store_true")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} (1 min) at start")
    from app.simulation.population import paused_collector  # as the service runs a simulation

    if not args.skip_simulation:
        with paused_collector():
            simulation(args.count, args.seed)
    if not args.skip_reassess:
        reassessment()
    print(f"load average {os.getloadavg()[0]:.2f} (1 min) at end")


if __name__ == "__main__":
    main()
