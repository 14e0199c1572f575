"""Same simulation results from the two population loaders: the service's `load_frame` (columns read
straight into the engine's frame) and the earlier `load_population` + `profiles_to_frame`, over the
database of DATABASE_URL (seeded with --count generated IKM by simulation_bench's seeding when it holds
fewer). Each request's result documents (counts per cell, programmes, markets, requirements, examples) are
compared as JSON text, byte for byte, timings left out.

Usage: DATABASE_URL=... .venv/bin/python bench/simulation_same.py [--count 20000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

REQUESTS = [
    {"compare_version": "v1", "as_of": date(2026, 11, 29), "examples": 25},
    {
        "changes": [{"requirement": "EUDR_GEO#1", "set": {"valid_from": "2028-12-30"}}],
        "as_of": date(2027, 7, 1),
    },
    {"as_of": date(2026, 11, 29), "compare_as_of": date(2026, 12, 30), "examples": 25},
    {"compare_version": "v1", "as_of": date(2026, 11, 29), "commodity": "coffee", "size_class": "small"},
]


def _profiles_loader(province=None, commodity=None, progress=None):
    """The earlier load: profiles, then the engine's frame of them."""
    from app.engine import profiles_to_frame
    from app.simulation.population import load_population

    population = load_population(province, commodity, progress)
    population.frame = profiles_to_frame(population.profiles)
    return population


def main() -> None:
    """Seed when needed, then run each request with both loaders and compare the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20261129)
    args = parser.parse_args()
    from simulation_bench import _seed, _url

    from app import create_app
    from app.simulation.frame import load_frame
    from app.simulation.service import _simulate, prepare

    app = create_app()
    with app.app_context():
        print(_seed(args.count, args.seed))
        everyone = load_frame()
        province = max(set(everyone.provinces), key=everyone.provinces.count)
        requests = [*REQUESTS, {"compare_version": "v1", "as_of": date(2026, 11, 29), "province": province}]
        print(f"{len(everyone):,} stored IKM in {_url(app)}")
        for request in requests:
            params = prepare(dict(request))
            texts = []
            for loader in (_profiles_loader, load_frame):
                started = time.perf_counter()
                result = _simulate(params, lambda *_: None, loader)
                result.pop("timings")
                texts.append(json.dumps(result, sort_keys=True, default=str))
                print(f"  {loader.__name__:<17} {time.perf_counter() - started:6.2f} s", end="")
            same = texts[0] == texts[1]
            digest = hashlib.sha256(texts[1].encode()).hexdigest()[:16]
            result = json.loads(texts[1])
            print(
                f"  {'SAME' if same else 'DIFFERENT'} ({len(texts[1]):,} bytes, sha256 {digest}; "
                f"{len(result['breakdown'])} cells, {len(result['examples'])} examples, "
                f"route changed {result['totals']['route_changed']:,}) "
                f"{ {key: value for key, value in request.items() if key not in ('as_of', 'examples')} }"
            )
            if not same:
                sys.exit(1)


if __name__ == "__main__":
    main()
