"""The assessment endpoint side by side with a bare Flask endpoint: same gunicorn settings, same database.

Migrates the given PostgreSQL database, loads the reference data, creates an advisor token and the
`bench_bare` table (dropped at the end), then for each server in turn (`wsgi:app` and
`bench.http_bare_app:app`, started with the same gunicorn settings) runs wrk (Debian package `wrk`)
twice with the same one-product profile as body:
throughput with C connections for D seconds, then one connection for the single-client latency. Prints one
line per server and the ratios, with the CPU seconds the gunicorn processes used per request under load
(read from /proc: unlike the rates, it hardly depends on what else the machine runs), and the CPU the
PostgreSQL backends serving this database used per request (their /proc/<pid>/stat, pids from
pg_stat_activity; the shared WAL writer and checkpointer are not counted). Run:
  .venv/bin/python bench/http_compare.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/ovop_bench
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from bench.http_bench import flask, free_port, wait_until_healthy  # noqa: E402
from tests.profiles import gayo  # noqa: E402

AS_OF = "2026-11-27"
WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
wrk.body = [[{body}]]
"""
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(port: int, path: str, script: Path, connections: int, seconds: int) -> dict:
    """Run wrk against one path and return requests/s, p50 and p99 (ms) and the error count."""
    command = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s"]
    command += ["--latency", "-s", str(script), f"http://127.0.0.1:{port}{path}"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout

    def latency(label: str) -> float:
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * UNITS[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency("50%"),
        "p99": latency("99%"),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "none",
    }


def server_cpu_seconds(master_pid: int) -> float:
    """CPU seconds (user + system) used so far by a gunicorn master and its workers, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    total = 0
    for pid in (master_pid, *map(int, children)):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / ticks


def _stat_cpu_ticks(pid: int) -> int:
    """utime + stime (clock ticks) of one process, 0 when it has gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0
    return int(fields[11]) + int(fields[12])


def database_backend_cpu(plain_url: str) -> dict[int, int]:
    """CPU ticks so far of each PostgreSQL backend connected to this database (other than this look-up's)."""
    with psycopg.connect(plain_url, autocommit=True) as connection:
        pids = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return {pid: _stat_cpu_ticks(pid) for (pid,) in pids}


def serve(app_path: str, env: dict, workers: int, threads: int) -> tuple[subprocess.Popen, int]:
    """Start gunicorn for one WSGI app (preloaded, as in production) and wait until it answers /healthz.

    The service reads gunicorn.conf.py (preload, then load its models before forking); the bare app, which
    has no models, gets the same preload by flag and no config file.
    """
    port = free_port()
    command = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    if not app_path.startswith("wsgi:"):
        command += ["--config", "/dev/null", "--preload"]
    command += ["--threads", str(threads), app_path]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_until_healthy(port)
    return server, port


def main() -> None:
    """Set up, serve each app in turn, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="an empty PostgreSQL database")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=20)
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")

    load_at_start = os.getloadavg()
    env = {**os.environ, "DATABASE_URL": arguments.database_url, "APP_ENV": "development"}
    env["RATELIMIT_ENABLED"] = "false"
    flask(env, "db", "upgrade")
    flask(env, "load-reference")
    token = flask(env, "users", "create", f"bench-{int(time.time())}@example.org", "--role", "advisor")
    token = token.strip().splitlines()[-1]
    plain_url = arguments.database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain_url, autocommit=True) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS bench_bare (id bigserial PRIMARY KEY, payload text)")
    body = json.dumps({"profile": gayo(), "as_of": AS_OF})
    try:
        results = measure(arguments, env, token, body, plain_url)
    finally:  # the service's own schema stays as its migrations leave it (tests compare it with the models)
        with psycopg.connect(plain_url, autocommit=True) as connection:
            connection.execute("DROP TABLE IF EXISTS bench_bare")
    report(arguments, body, results, load_at_start)


def measure(arguments, env: dict, token: str, body: str, plain_url: str) -> dict:
    """Serve each app in turn and load it with wrk: (under load, one client) per app name."""
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "post.lua"
        script.write_text(WRK_SCRIPT.format(token=token, body=body))
        for name, app_path, path in (
            ("bare Flask", "bench.http_bare_app:app", "/bare"),
            ("assessment", "wsgi:app", "/api/v1/assessments"),
        ):
            server, port = serve(app_path, env, arguments.workers, arguments.threads)
            try:
                wrk(port, path, script, 1, 3)  # warm-up
                database_before = database_backend_cpu(plain_url)
                cpu_before = server_cpu_seconds(server.pid)
                load = wrk(port, path, script, arguments.connections, arguments.seconds)
                served = load["rps"] * arguments.seconds
                load["cpu_ms"] = (server_cpu_seconds(server.pid) - cpu_before) * 1000 / served
                database_after = database_backend_cpu(plain_url)
                ticks = sum(after - database_before.get(pid, 0) for pid, after in database_after.items())
                load["db_cpu_ms"] = ticks / os.sysconf("SC_CLK_TCK") * 1000 / served
                single = wrk(port, path, script, 1, max(5, arguments.seconds // 2))
            finally:
                server.terminate()
                server.wait(timeout=30)
            results[name] = (load, single)
    return results


def report(arguments, body: str, results: dict, load_at_start) -> None:
    """Print both apps' figures side by side, the throughput ratio and the load average."""
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(
        f"database: PostgreSQL; gunicorn --workers {arguments.workers} --threads {arguments.threads}; "
        f"wrk {arguments.connections} connections {arguments.seconds} s, then 1 connection; "
        f"body {len(body)} bytes (one-product profile)"
    )
    for name, (load, single) in results.items():
        print(
            f"  {name:<11} {load['rps']:8.1f} req/s (p50 {load['p50']:.2f} ms, p99 {load['p99']:.2f} ms, "
            f"non-2xx {load['errors']}, socket errors {load['socket_errors']}; "
            f"server CPU {load['cpu_ms']:.2f} ms, PostgreSQL backends {load['db_cpu_ms']:.2f} ms "
            "per request); "
            f"one client p50 {single['p50']:.2f} ms, p99 {single['p99']:.2f} ms"
        )
    bare, assessment = results["bare Flask"][0], results["assessment"][0]
    print(f"  throughput ratio assessment / bare: {assessment['rps'] / bare['rps']:.1%}")
    start, end = (" ".join(f"{value:.2f}" for value in load) for load in (load_at_start, os.getloadavg()))
    print(f"  load average (1, 5, 15 min): {start} at the start, {end} at the end")


if __name__ == "__main__":
    main()
