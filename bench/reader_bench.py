"""CPU time of loading the policy (declared schemas) and of reading one CSV row (the one profile reader).

Run from the repository root: `.venv/bin/python bench/reader_bench.py`. CPU time (process_time), so a
loaded machine slows it less than wall time; the load average is printed with the figures.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.cli.batch import profile_from_csv_row
from app.engine import load_policy

ROW = {
    "name": "Kopi Uji",
    "region_code": "11.17",
    "founded_year": "2015",
    "annual_revenue_idr": "4200000000",
    "products": "090111|Kopi gayo|20000|kg;090121|Kopi sangrai|500|kg",
    "certifications": "NIB;ORGANIC@2027-08-01",
    "target_markets": "US;JP",
    "export_direct": "ya",
    "export_indirect": "tidak",
    "bookkeeping": "ya",
    "email": "no",
    "bank_account": "1",
}


def main() -> None:
    """Print the load average, load_policy's CPU p50 and the CPU time per CSV row."""
    print("load", Path("/proc/loadavg").read_text().split()[:3])
    load_policy()
    times = []
    for _ in range(30):
        start = time.process_time()
        load_policy()
        times.append(time.process_time() - start)
    times.sort()
    print(f"load_policy: CPU p50 {times[15] * 1000:.1f} ms (30 loads)")
    rows, best = 20_000, float("inf")
    for _ in range(7):
        start = time.process_time()
        for _ in range(rows):
            profile_from_csv_row(ROW)
        best = min(best, time.process_time() - start)
    print(f"profile_from_csv_row: {best / rows * 1e6:.1f} µs CPU per row (best of 7 × {rows})")


if __name__ == "__main__":
    main()
