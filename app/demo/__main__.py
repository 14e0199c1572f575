"""Command line: `python -m app.demo [--count N] [--seed S] [--out FILE]` prints a population summary."""

from __future__ import annotations

import argparse
import json
import sys
import time

from app.demo.generator import DEFAULT_COUNT, DEFAULT_SEED, DEMO_LABEL, generate_profiles, population_summary


def main(argv: list[str] | None = None) -> int:
    """Generate a demo population, optionally write it as JSON lines, and print its summary."""
    parser = argparse.ArgumentParser(prog="python -m app.demo", description=DEMO_LABEL)
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--out", help="write the profiles to this file, one JSON object a line ('-' = stdout)"
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    profiles = generate_profiles(args.count, args.seed)
    elapsed = time.perf_counter() - started
    if args.out:
        handle = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")  # noqa: SIM115
        try:
            for profile in profiles:
                handle.write(json.dumps(profile, ensure_ascii=False) + "\n")
        finally:
            if handle is not sys.stdout:
                handle.close()
        if args.out == "-":
            return 0
    summary = population_summary(profiles)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return 0
    print(format_summary(summary, seed=args.seed, seconds=elapsed))
    return 0


def format_summary(summary: dict, seed: int | None = None, seconds: float | None = None) -> str:
    """Human-readable text of a population summary, headed by the demo label."""
    count = summary["count"] or 1
    lines = [f"# {summary['label']}"]
    head = f"{summary['count']} profiles"
    if seed is not None:
        head += f", seed {seed}"
    if seconds is not None:
        head += f", generated in {seconds:.2f} s"
    lines.append(head)

    def table(title: str, counts: dict, names: dict | None = None, limit: int | None = None) -> None:
        """Append one titled table of counts and percentages."""
        lines.append(f"\n{title}")
        for key, value in list(counts.items())[:limit]:
            label = f"{key} {names.get(key, '')}".strip() if names else str(key)
            lines.append(f"  {label:<34} {value:>7}  {100 * value / count:5.1f} %")

    names = summary["province_names"]
    table("By commodity", summary["by_commodity"])
    table("By size class (PP 7/2021 annual sales)", summary["by_size_class"])
    table("By province (top 15)", summary["by_province"], names, 15)
    for commodity, counts in summary["by_commodity_province"].items():
        table(f"{commodity}: top provinces", counts, names, 5)
    table("By legal form", summary["by_legal_form"])
    table("By credit status", summary["by_credit_status"])
    table("By owner gender", summary["by_owner_gender"])
    lines.append("\nCertificates held and valid at the reference date (share of all profiles)")
    for code, share in summary["certificate_share"].items():
        lines.append(f"  {code:<16} {100 * share:5.1f} %")
    lines.append(f"\nExported directly or indirectly: {100 * summary['exporter_share']:.1f} %")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
