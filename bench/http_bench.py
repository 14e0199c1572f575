"""Single assessment over HTTP: latency of POST /api/v1/assessments against gunicorn on localhost.

Sets up a fresh database (a temporary SQLite file unless --database-url is given), creates an advisor
token, starts `gunicorn wsgi:app` with one worker, sends demo profiles one after another over one
keep-alive connection, and prints p50 / p95 / p99. Run: `.venv/bin/python bench/http_bench.py`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.demo.generator import generate_profiles  # noqa: E402

BIN = Path(sys.executable).parent
AS_OF = "2026-11-27"


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def flask(env: dict, *arguments: str) -> str:
    """Run a `flask --app wsgi` command and return what it printed."""
    command = [str(BIN / "flask"), "--app", "wsgi", *arguments]
    return subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout


def wait_until_healthy(port: int, timeout: float = 60.0) -> None:
    """Poll /healthz until the server answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not become healthy")


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the sorted values lie."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def time_requests(port: int, token: str, bodies: list[bytes]) -> list[float]:
    """Send each body once over one keep-alive connection; return the latencies in milliseconds."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    latencies = []
    for body in bodies:
        started = time.perf_counter()
        connection.request("POST", "/api/v1/assessments", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        latencies.append((time.perf_counter() - started) * 1000)
        if response.status != 201:
            raise SystemExit(f"unexpected status {response.status}")
    return latencies


def main() -> None:
    """Set up, serve, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--warm-up", type=int, default=50)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        url = arguments.database_url or f"sqlite:///{Path(scratch) / 'bench.sqlite3'}"
        env = {**os.environ, "DATABASE_URL": url, "APP_ENV": "development"}
        flask(env, "db", "upgrade")
        flask(env, "load-reference")
        token = flask(env, "users", "create", f"bench-{int(time.time())}@example.org", "--role", "advisor")
        token = token.strip().splitlines()[-1]
        port = free_port()
        command = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1", "wsgi:app"]
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            wait_until_healthy(port)
            profiles = generate_profiles(arguments.requests + arguments.warm_up, seed=4242)
            bodies = [json.dumps({"profile": profile, "as_of": AS_OF}).encode() for profile in profiles]
            time_requests(port, token, bodies[: arguments.warm_up])
            latencies = time_requests(port, token, bodies[arguments.warm_up :])
        finally:
            server.terminate()
            server.wait(timeout=30)

    without_code = sum(1 for p in profiles if any("hs_code" not in product for product in p["products"]))
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"database: {url.split(':')[0]}; gunicorn 1 worker on 127.0.0.1; one keep-alive client")
    print(
        f"POST /api/v1/assessments, {len(latencies)} demo profiles as of {AS_OF} "
        f"({without_code} with a product to classify), after {arguments.warm_up} warm-up requests"
    )
    print(
        f"  p50 {percentile(latencies, 0.50):.2f} ms, p95 {percentile(latencies, 0.95):.2f} ms, "
        f"p99 {percentile(latencies, 0.99):.2f} ms, mean {statistics.fmean(latencies):.2f} ms"
    )


if __name__ == "__main__":
    main()
