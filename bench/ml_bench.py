"""ML benchmark: single HS classification p50 in process, batch throughput, triage priority p50.

Usage: .venv/bin/python bench/ml_bench.py [--models-dir models] [--batch 20000] [--single 2000] [--seed 1]
Descriptions: the hand-written held-out, development (incl. the realistic set) and out-of-scope names,
plus the product names of 20,000 demo-generator profiles (a realistic mix; out-of-scope names take the
nearest-description path).
Batch throughput is measured twice: on distinct descriptions only (every text computed), and on a batch
drawn with repeats, as a population import has (repeated texts are computed once). Prints the figures;
docs/benchmarks.md (ML section) records a run.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sklearn  # noqa: E402

from app.ml import load_hs_classifier, load_triage_model  # noqa: E402
from app.ml.hs_nearest import nearest_hs_index  # noqa: E402
from app.ml.hs_training import (  # noqa: E402
    DEV_FILE,
    DEV_REALISTIC_FILE,
    HELDOUT_FILE,
    OTHER_PRODUCTS_FILE,
    load_labelled_csv,
)


def description_pool(seed: int) -> list[str]:
    """Held-out, development (both) and out-of-scope names plus demo-generator product descriptions."""
    from app.demo.generator import generate_profiles

    pool = []
    for path in (HELDOUT_FILE, DEV_FILE, DEV_REALISTIC_FILE, OTHER_PRODUCTS_FILE):
        pool += load_labelled_csv(path)[0]
    pool += [p["description"] for profile in generate_profiles(20000, seed=seed) for p in profile["products"]]
    return list(dict.fromkeys(pool))


def percentile(values: list[float], share: float) -> float:
    """The `share` quantile of values (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", type=Path, default=ROOT / "models")
    parser.add_argument("--batch", type=int, default=20000)
    parser.add_argument("--single", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    started = time.perf_counter()
    classifier = load_hs_classifier(args.models_dir)
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    nearest_hs_index()
    index_seconds = time.perf_counter() - started
    pool = description_pool(args.seed)
    rng = random.Random(args.seed)
    print(f"python {platform.python_version()}, scikit-learn {sklearn.__version__}, cpus {os.cpu_count()}")
    print(
        f"model: {classifier.version}; load {load_seconds:.2f} s; "
        f"nearest-description index {index_seconds:.2f} s"
    )
    print(f"description pool: {len(pool)} distinct names")

    for text in pool[:200]:  # warm-up
        classifier.classify(text, 3)
    single = []
    for text in (rng.choice(pool) for _ in range(args.single)):
        tick = time.perf_counter()
        classifier.classify(text, 3)
        single.append((time.perf_counter() - tick) * 1000)
    print(
        f"single classify (limit 3), {args.single} calls: p50 {statistics.median(single):.2f} ms, "
        f"p95 {percentile(single, 0.95):.2f} ms, max {max(single):.2f} ms"
    )

    tick = time.perf_counter()
    top = classifier.classify_many(pool)
    seconds = time.perf_counter() - tick
    print(
        f"batch classify_many, distinct: {len(top)} descriptions in {seconds:.2f} s "
        f"= {len(top) / seconds:,.0f} /s"
    )
    tick = time.perf_counter()
    ranked = classifier.rank_many(pool, 3)
    seconds = time.perf_counter() - tick
    print(
        f"batch rank_many (top 3), distinct: {len(ranked)} descriptions in {seconds:.2f} s "
        f"= {len(ranked) / seconds:,.0f} /s"
    )
    batch = [rng.choice(pool) for _ in range(args.batch)]
    tick = time.perf_counter()
    top = classifier.classify_many(batch)
    seconds = time.perf_counter() - tick
    print(
        f"batch classify_many, {len(set(batch))} distinct in {len(batch)}: {seconds:.2f} s "
        f"= {len(top) / seconds:,.0f} /s"
    )

    triage = load_triage_model(args.models_dir)
    if triage is None:
        print("triage: no model (rules-only ordering)")
        return 0
    from app.ml.synthetic_decisions import generate_synthetic_decisions

    rows = generate_synthetic_decisions(300, seed=args.seed, as_of=date(2026, 11, 27))
    timings = []
    for row in rows:
        tick = time.perf_counter()
        triage.priority(row["profile"], row["assessment"])
        timings.append((time.perf_counter() - tick) * 1000)
    print(
        f"triage priority ({triage.version}, synthetic={triage.synthetic}), {len(rows)} calls: "
        f"p50 {statistics.median(timings):.2f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
