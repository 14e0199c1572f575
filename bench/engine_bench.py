"""Engine benchmark: assess_frame (engine core), the assess-batch CLI end to end, and single assess p50.

Usage: .venv/bin/python bench/engine_bench.py [--count 100000] [--seed 20261127] [--as-of 2026-11-27]
Prints the figures; docs/benchmarks.md (Engine section) records a run. Output files go to bench/out/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.engine import assess, assess_frame, load_policy, profiles_to_frame  # noqa: E402

OUT_DIR = ROOT / "bench" / "out"
CLI_CHILD = """
import sys
from flask import Flask
from app.cli.batch import assess_batch_command
from app.engine import load_policy
app = Flask("bench")
app.extensions["policy"] = load_policy()
result = app.test_cli_runner().invoke(assess_batch_command, sys.argv[1:])
print(result.output, end="")
sys.exit(result.exit_code)
"""


def make_profiles(count: int, seed: int) -> tuple[list[dict], str]:
    """Profiles from the demo generator when it exists, else from bench/profile_generator.py."""
    try:
        from app.demo.generator import generate_profiles

        return generate_profiles(count, seed), "app.demo.generator.generate_profiles"
    except ImportError:
        sys.path.insert(0, str(ROOT / "bench"))
        from profile_generator import generate_profiles

        return generate_profiles(count, seed), "bench/profile_generator.py"


def time_engine_core(profiles: list[dict], as_of: date, policy) -> dict:
    """Seconds for profiles_to_frame and for assess_frame (best of 3 for assess_frame)."""
    started = time.perf_counter()
    frame = profiles_to_frame(profiles)
    to_frame = time.perf_counter() - started
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        result = assess_frame(frame, as_of, policy)
        runs.append(time.perf_counter() - started)
    return {"to_frame": to_frame, "assess_frame": min(runs), "assess_frame_runs": runs, "rows": len(result)}


def _cli_command(source: Path, output: Path, as_of: date, validator: str) -> tuple[list[str], str]:
    """`flask --app wsgi assess-batch` when the app exposes it, else the same click command in a bare app."""
    arguments = ["--input", str(source), "--output", str(output), "--as-of", as_of.isoformat()]
    arguments += ["--validator", validator, "--quiet"]
    flask = [str(Path(sys.executable).with_name("flask")), "--app", "wsgi", "assess-batch"]
    probe = subprocess.run([*flask, "--help"], cwd=ROOT, capture_output=True, text=True, check=False)
    if probe.returncode == 0:
        return [*flask, *arguments], "flask --app wsgi assess-batch"
    return [sys.executable, "-c", CLI_CHILD, *arguments], "assess_batch_command in a bare Flask app"


def time_cli(
    profiles: list[dict], as_of: date, validators: tuple[str, ...] = ("schema", "engine")
) -> list[dict]:
    """Wall-clock seconds of the CLI in a fresh process (start-up included), per validator and output."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    source = OUT_DIR / "profiles.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for profile in profiles:
            handle.write(json.dumps(profile, ensure_ascii=False) + "\n")
    figures = []
    for validator, extension in [(v, extension) for v in validators for extension in ("jsonl", "csv")]:
        output = OUT_DIR / f"results-{validator}.{extension}"
        command, how = _cli_command(source, output, as_of, validator)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if completed.returncode != 0:
            raise SystemExit(f"CLI failed: {completed.stdout}\n{completed.stderr}")
        summary = completed.stdout.strip().splitlines()[0]
        figures.append(
            {
                "validator": validator,
                "output": extension,
                "seconds": seconds,
                "cpu": cpu,
                "how": how,
                "summary": summary,
            }
        )
    return figures


def time_single(profiles: list[dict], as_of: date, policy, sample: int) -> dict:
    """Per-call milliseconds of assess() in process, with and without what-if."""
    figures = {}
    for with_what_if in (True, False):
        durations, cpu = [], []
        for profile in profiles[:sample]:
            started, started_cpu = time.perf_counter(), time.process_time()
            assess(profile, as_of, policy, with_what_if=with_what_if)
            durations.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        durations.sort()
        figures[with_what_if] = {
            "p50": statistics.median(durations),
            "cpu_p50": statistics.median(cpu),
            "p95": durations[int(0.95 * (len(durations) - 1))],
            "max": durations[-1],
        }
    return figures


def main() -> None:
    """Run every measurement and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 27))
    parser.add_argument("--single-sample", type=int, default=2000)
    parser.add_argument("--skip-cli", action="store_true")
    parser.add_argument(
        "--cli-validators", default="schema,engine", help="comma-separated --validator values to time"
    )
    args = parser.parse_args()

    policy = load_policy()
    started = time.perf_counter()
    profiles, source = make_profiles(args.count, args.seed)
    machine = platform.processor() or platform.machine()
    print(f"machine: {machine}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(
        f"profiles: {len(profiles):,} from {source} (seed {args.seed}), {time.perf_counter() - started:.1f} s"
    )
    print(f"as_of: {args.as_of}, policy {policy.label} {policy.content_hash}")

    core = time_engine_core(profiles, args.as_of, policy)
    rate = core["rows"] / core["assess_frame"]
    both = core["rows"] / (core["assess_frame"] + core["to_frame"])
    runs = ", ".join(f"{run:.2f}" for run in core["assess_frame_runs"])
    print(f"engine core assess_frame: {core['assess_frame']:.2f} s for {core['rows']:,} rows")
    print(f"  = {rate:,.0f} profiles/s (best of 3 runs: {runs} s)")
    print(f"profiles_to_frame: {core['to_frame']:.2f} s; to_frame + assess_frame = {both:,.0f} profiles/s")

    if not args.skip_cli:
        for figure in time_cli(profiles, args.as_of, tuple(args.cli_validators.split(","))):
            print(
                f"CLI end to end, JSON lines in, {figure['output']} out, --validator {figure['validator']}:"
            )
            print(
                f"  {figure['seconds']:.1f} s = {len(profiles) / figure['seconds']:,.0f} profiles/s"
                f" (CPU {figure['cpu']:.1f} s = {len(profiles) / figure['cpu']:,.0f} profiles/s of CPU)"
            )
            print(f"  via {figure['how']}: {figure['summary']}")

    single = time_single(profiles, args.as_of, policy, args.single_sample)
    for with_what_if, figure in single.items():
        label = "with what-if" if with_what_if else "without what-if"
        print(f"single assess() in process, {label}, {args.single_sample} profiles:")
        print(
            f"  p50 {figure['p50']:.2f} ms, p95 {figure['p95']:.2f} ms, max {figure['max']:.1f} ms"
            f" (CPU p50 {figure['cpu_p50']:.2f} ms)"
        )


if __name__ == "__main__":
    main()
