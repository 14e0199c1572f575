"""Simulation and re-assessment benchmark (issue 11).

1. Simulation over N generated IKM (default 500,000): load (JSON lines read + profiles_to_frame + province
   and commodity of each row), evaluate both versions (v1.1 and v1, `assess_frame` twice), aggregate
   (`compare_frames`: totals, programmes, markets, province × commodity × size class). The population is
   written to bench/out/simulation-population.jsonl once (not timed).
2. Re-assessment of the app's database (DATABASE_URL, default the `make run` SQLite) under a version,
   writes included, rolled back at the end: IKM per second; and the population loader alone.

With --from-database the simulation's population is the database's (DATABASE_URL): --count generated IKM
are seeded into it first when it holds fewer (bulk inserts, COPY on PostgreSQL, then ANALYZE; not timed),
and the load phase is the service's `load_frame` (with --loader profiles the earlier `load_population` plus
`profiles_to_frame`). Each phase prints its CPU seconds beside its wall time (the machine is shared).

Usage: .venv/bin/python bench/simulation_bench.py [--count 500000] [--from-database] [--skip-reassess]
       [--skip-simulation] [--loader frame|profiles]
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


def _generated_population(count: int, seed: int, base):
    """The stand-in load: the generated population's JSON lines, its frame and meta (province,
    commodity); returns (frame, meta, what the load phase was)."""
    import pandas as pd

    from app.engine import profiles_to_frame

    path = _population_file(count, seed)
    started = time.perf_counter()
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
    return frame, meta, f"JSON lines {read:.2f} s, profiles_to_frame and meta {load - read:.2f} s"


def _stored_population(base, loader: str = "frame"):
    """The real load, as the simulation service does it: `load_frame` over the database (Core SELECTs read
    straight into the engine's frame; HS classification of the products stored without a code and without
    a classification kept by the loaded model), or with --loader profiles the earlier path (`load_population`
    then `profiles_to_frame`); returns (frame, meta, what the load phase was). The classifier's share is
    timed by wrapping it."""
    import pandas as pd

    from app.engine import profiles_to_frame
    from app.simulation import population as module
    from app.simulation.frame import load_frame

    classify, spent = module.classify, [0.0, 0.0, 0]

    def timed(products):
        started, cpu = time.perf_counter(), _cpu()
        classify(products)
        spent[0] += time.perf_counter() - started
        spent[1] += _cpu() - cpu
        spent[2] += len(products)

    module.classify = timed
    try:
        started, cpu = time.perf_counter(), _cpu()
        population = load_frame() if loader == "frame" else module.load_population()
        read, read_cpu = time.perf_counter() - started, _cpu() - cpu
    finally:
        module.classify = classify
    frame = population.frame if loader == "frame" else profiles_to_frame(population.profiles)
    meta = pd.DataFrame({"province": population.provinces, "commodity": population.commodities})
    load = time.perf_counter() - started
    name = "load_frame" if loader == "frame" else "load_population"
    return (
        frame,
        meta,
        f"{name} {read:.2f} s = {len(population) / read:,.0f} IKM/s, CPU {read_cpu:.2f} s, of which "
        f"HS classification of {spent[2]:,} products {spent[0]:.2f} s (CPU {spent[1]:.2f} s); "
        f"{'profiles_to_frame and ' if loader != 'frame' else ''}meta {load - read:.2f} s",
    )


def simulation(count: int, seed: int, from_database: bool = False, loader: str = "frame") -> None:
    """Time the three phases of a v1.1 → v1 simulation over the generated population (from JSON lines, or
    seeded into DATABASE_URL and read back by the service's loader)."""
    from app import create_app
    from app.engine import assess_frame
    from app.simulation.compare import compare_frames

    app = create_app() if from_database else create_app({"APP_ENV": "development"})
    with app.app_context():
        from app.policies.versions import load_version

        base, other = load_version("v1.1"), load_version("v1")
        if from_database:
            from app.services.models import current_models

            print(_seed(count, seed))
            current_models().hs_classifier  # noqa: B018  (loaded outside the timing, as in a running worker)
            print(_kept_classifications())
        started, cpu = time.perf_counter(), [_cpu()]
        if from_database:
            frame, meta, note = _stored_population(base, loader)
            count = len(frame)
        else:
            frame, meta, note = _generated_population(count, seed, base)
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
        source = _url(app) if from_database else "generated JSON lines"
    spent = [after - before for before, after in pairwise(cpu)]
    total = load + evaluate + aggregate
    print(f"simulation v1.1 -> v1 over {count:,} IKM (as of {AS_OF}) from {source}:")
    print(f"  load      {load:6.2f} s ({note}); CPU {spent[0]:.2f} s")
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


def _url(app) -> str:
    """The app's database URL without credentials."""
    return app.config["SQLALCHEMY_DATABASE_URI"].split("@")[-1]


def _url_of(engine) -> str:
    """An engine's database URL without credentials."""
    return engine.url.render_as_string().split("@")[-1]


def _seed(count: int, seed: int) -> str:
    """Make the database hold `count` IKM: generated ones (the bench's profile generator) are added in bulk
    until it does (Core executemany, COPY on PostgreSQL), nothing when it already holds as many."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Ikm

    have = db.session.scalar(select(func.count()).select_from(Ikm))
    if have >= count:
        return f"(seeding: {have:,} IKM already stored)"
    sys.path.insert(0, str(ROOT / "bench"))
    from engine_bench import make_profiles

    started = time.perf_counter()
    profiles, source = make_profiles(count - have, seed)
    generated = time.perf_counter() - started
    tables = _seed_rows(profiles)
    del profiles
    rows = time.perf_counter() - started - generated
    for table, values in tables:
        if db.engine.dialect.name == "postgresql":
            _copy(table, values)
        else:
            for start in range(0, len(values), 20_000):
                db.session.execute(table.insert(), values[start : start + 20_000])
    db.session.commit()
    from sqlalchemy import text

    for table, _ in tables:  # planner statistics, as autovacuum would gather them (else: scans and sorts)
        db.session.execute(text(f"ANALYZE {table.name}"))
    db.session.commit()
    written = time.perf_counter() - started - generated - rows
    return (
        f"(seeded {count - have:,} IKM from {source} into {_url_of(db.engine)}, not timed: "
        f"generated {generated:.1f} s, rows {rows:.1f} s, written {written:.1f} s)"
    )


def _kept_classifications() -> str:
    """Keep the loaded model's classification with products stored without a code, as `prepare` does after a
    seeding or a new model (not timed); nothing when every such product already has it."""
    from app.simulation.classified import classify_stored

    started = time.perf_counter()
    done = classify_stored()
    seconds = time.perf_counter() - started
    return f"(kept HS classifications: {done:,} products classified, not timed: {seconds:.1f} s)"


def _seed_rows(profiles: list[dict]) -> list[tuple]:
    """The rows of `ikms`, `products` and `certifications` for generated profiles, with ids after the
    stored ones: each profile goes through `apply_profile` (the service's one profile → columns mapping) on
    an unsaved Ikm, whose column values are read back."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Certification, Ikm, Product
    from app.services.ikms import apply_profile

    nibs = set(db.session.scalars(select(Ikm.nib).where(Ikm.nib.is_not(None))))
    tables = [Ikm.__table__, Product.__table__, Certification.__table__]
    next_id = [(db.session.scalar(select(func.max(table.c.id))) or 0) + 1 for table in tables]
    columns = [
        [c.key for c in table.columns if c.key not in ("created_at", "updated_at")] for table in tables
    ]
    found: list[list[dict]] = [[], [], []]
    for profile in profiles:
        data = dict(profile)
        if data.get("nib") in nibs:
            data["nib"] = None  # unique: a stored IKM has it
        data["certifications"] = [
            {**item, "valid_until": date.fromisoformat(item["valid_until"])}
            if item.get("valid_until")
            else item
            for item in data.get("certifications") or []
        ]
        ikm = Ikm(id=next_id[0], target_markets=[])
        next_id[0] += 1
        apply_profile(ikm, data)
        found[0].append({key: getattr(ikm, key) for key in columns[0]})
        for index, items in ((1, ikm.products), (2, ikm.certifications)):
            for item in items:
                item.id, item.ikm_id = next_id[index], ikm.id
                next_id[index] += 1
                found[index].append({key: getattr(item, key) for key in columns[index]})
    return list(zip(tables, found, strict=True))


def _copy(table, values: list[dict]) -> None:
    """COPY rows into a PostgreSQL table (JSON columns as Jsonb), then move its id sequence past them."""
    from psycopg.types.json import Jsonb
    from sqlalchemy import JSON, text

    from app.extensions import db

    if not values:
        return
    columns = list(values[0])
    documents = {key for key in columns if isinstance(table.c[key].type, JSON)}
    cursor = db.session.connection().connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in values:
            copy.write_row(
                [
                    Jsonb(row[key]) if key in documents and row[key] is not None else row[key]
                    for key in columns
                ]
            )
    db.session.execute(
        text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), (SELECT max(id) FROM {table.name}))"
        )
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
        started, cpu = time.perf_counter(), _cpu()
        population = load_population()
        load, load_cpu = time.perf_counter() - started, _cpu() - cpu
        db.session.rollback()
        started, cpu = time.perf_counter(), _cpu()
        result = reassess("v1", date(2026, 12, 1))
        db.session.flush()
        elapsed, elapsed_cpu = time.perf_counter() - started, _cpu() - cpu
        db.session.rollback()
    count = result["summary"]["reassessed"]
    print(f"re-assessment of {count:,} stored IKM under v1 ({_url(app)}), writes included (rolled back):")
    print(
        f"  {elapsed:.2f} s = {count / elapsed:,.0f} IKM/s (CPU {elapsed_cpu:.2f} s); population loader "
        f"alone {load:.2f} s = {len(population) / load:,.0f} IKM/s (CPU {load_cpu:.2f} s)"
    )


def main() -> None:
    """Run the simulation benchmark, then the re-assessment one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--skip-reassess", action="store_true")
    parser.add_argument("--skip-simulation", action="store_true")
    parser.add_argument(
        "--from-database",
        action="store_true",
        help="seed --count IKM into DATABASE_URL (once) and load them as the service does",
    )
    parser.add_argument(
        "--loader",
        choices=("frame", "profiles"),
        default="frame",
        help="with --from-database: load_frame (the service) or load_population + profiles_to_frame",
    )
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} (1 min) at start")
    from app.simulation.population import paused_collector  # as the service runs a simulation

    if not args.skip_simulation:
        with paused_collector():
            simulation(args.count, args.seed, args.from_database, args.loader)
    if not args.skip_reassess:
        reassessment()
    print(f"load average {os.getloadavg()[0]:.2f} (1 min) at end")


if __name__ == "__main__":
    main()
