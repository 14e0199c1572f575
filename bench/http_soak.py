"""Soak: the assessment endpoint under steady load for a while; errors and worker memory growth.

Starts `gunicorn wsgi:app` (same settings as bench/http_compare.py) on the given PostgreSQL database (set up
by that script), warms up, notes each worker's resident memory, runs wrk with C connections for D seconds,
and notes the memory again. Goal (issue 13): 0 errors, worker memory growth < 10 %. Run:
  .venv/bin/python bench/http_soak.py --seconds 600 \\
    --database-url postgresql+psycopg://postgres@127.0.0.1/ovop_bench
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.http_bench import flask  # noqa: E402
from bench.http_compare import AS_OF, WRK_SCRIPT, serve, wrk  # noqa: E402
from tests.profiles import gayo  # noqa: E402


def worker_rss_kib(master_pid: int) -> dict[int, int]:
    """Resident memory (KiB) of each gunicorn worker (the master's children), from /proc."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    sizes = {}
    for pid in map(int, children):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes[pid] = int(line.split()[1])
    return sizes


def main() -> None:
    """Serve, warm up, soak, print errors and memory growth per worker."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    arguments = parser.parse_args()
    load_at_start = os.getloadavg()
    env = {**os.environ, "DATABASE_URL": arguments.database_url, "APP_ENV": "development"}
    env["RATELIMIT_ENABLED"] = "false"
    token = flask(env, "users", "create", f"soak-{int(time.time())}@example.org", "--role", "advisor")
    token = token.strip().splitlines()[-1]
    body = json.dumps({"profile": gayo(), "as_of": AS_OF})
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "post.lua"
        script.write_text(WRK_SCRIPT.format(token=token, body=body))
        server, port = serve("wsgi:app", env, arguments.workers, arguments.threads)
        try:
            wrk(port, "/api/v1/assessments", script, arguments.connections, 30)  # warm-up
            before = worker_rss_kib(server.pid)
            result = wrk(port, "/api/v1/assessments", script, arguments.connections, arguments.seconds)
            after = worker_rss_kib(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(
        f"soak: {arguments.seconds} s, wrk {arguments.connections} connections, gunicorn --workers "
        f"{arguments.workers} --threads {arguments.threads}, PostgreSQL"
    )
    print(
        f"  {result['rps']:.1f} req/s, p50 {result['p50']:.2f} ms, p99 {result['p99']:.2f} ms, "
        f"non-2xx {result['errors']}, socket errors {result['socket_errors']}"
    )
    start, end = (" ".join(f"{value:.2f}" for value in load) for load in (load_at_start, os.getloadavg()))
    print(f"  load average (1, 5, 15 min): {start} at the start, {end} at the end")
    for pid, start in before.items():
        end = after.get(pid)
        growth = f"{(end - start) / start:+.1%}" if end else "worker replaced"
        print(f"  worker {pid}: RSS {start / 1024:.1f} MiB -> {(end or 0) / 1024:.1f} MiB ({growth})")


if __name__ == "__main__":
    main()
