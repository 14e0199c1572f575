"""Start-up time and per-worker memory: commands, `make run` to first request, gunicorn PSS/USS.

Measures a checkout (this one by default), or several (`--checkout BEFORE AFTER`, e.g. an exported older
commit next to this one, so that both are measured under the same machine load):

- the bare web-stack import (`python -c "import flask, flask_smorest, …"`) against
  `flask --app wsgi --help`, `users list`, `load-reference` and `db current`: wall time and CPU time
  (user + system, less sensitive to other processes on the machine), several runs, checkouts interleaved;
- a second `make run` on a set-up database: seconds until `/healthz` answers 200 (`--make-run`);
- gunicorn with 1, 2 and 4 workers after warm-up requests (a classification and a self-check each):
  RSS, PSS and USS (private pages) of the master and of every worker from /proc/PID/smaps_rollup.

DATABASE_URL must name a database that is already set up (`make setup`); the commands run against it.
Run: `DATABASE_URL=sqlite:////tmp/ovop.sqlite3 .venv/bin/python bench/startup_bench.py --make-run`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEB_STACK = "import flask, flask_smorest, sqlalchemy, marshmallow, flask_sqlalchemy, flask_migrate, psycopg"
COMMANDS = {
    "flask --help": ["--help"],
    "users list": ["users", "list"],
    "load-reference": ["load-reference"],
    "db current": ["db", "current"],
}
PROFILE = {
    "name": "Kopi Bench",
    "nib": "9900000000001",
    "legal_form": "perorangan",
    "region_code": "11.17",
    "founded_year": 2020,
    "employees": 9,
    "annual_revenue_idr": 1558000000,
    "products": [
        {"description": "kopi arabika gayo sangrai", "monthly_capacity": 500, "capacity_unit": "kg"}
    ],
    "certifications": [{"code": "NIB"}, {"code": "NPWP"}],
    "target_markets": ["JP"],
}


def timed(command: list[str], cwd: Path, env: dict) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one run of a command (which must succeed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def spread(values: list[float]) -> str:
    """Median with min–max, e.g. "1.23 s (1.10–1.40)"."""
    return f"{statistics.median(values):.2f} s ({min(values):.2f}–{max(values):.2f})"


def time_commands(checkouts: list[Path], env: dict, runs: int) -> None:
    """Time the web-stack import and each command, interleaving checkouts so that load hits them alike."""
    names = ["web-stack import", *COMMANDS]
    results = {(checkout, name): [] for checkout in checkouts for name in names}
    for _ in range(runs):
        for checkout in checkouts:
            python = str(checkout / ".venv/bin/python")
            flask = [str(checkout / ".venv/bin/flask"), "--app", "wsgi"]
            results[checkout, names[0]].append(timed([python, "-c", WEB_STACK], checkout, env))
            for name, arguments in COMMANDS.items():
                results[checkout, name].append(timed([*flask, *arguments], checkout, env))
    for checkout in checkouts:
        print(f"{checkout}: wall median (min–max) | CPU user+sys median (min–max), {runs} runs")
        base_wall = statistics.median(wall for wall, _ in results[checkout, names[0]])
        base_cpu = statistics.median(cpu for _, cpu in results[checkout, names[0]])
        for name in names:
            walls = [wall for wall, _ in results[checkout, name]]
            cpus = [cpu for _, cpu in results[checkout, name]]
            print(
                f"  {name:18} {spread(walls)} {statistics.median(walls) / base_wall:.2f} × | "
                f"{spread(cpus)} {statistics.median(cpus) / base_cpu:.2f} ×"
            )


def compile_sources(checkout: Path, env: dict) -> None:
    """Byte-compile the checkout's own modules, as `make setup` does and pip does for the web stack.

    Python writes these files itself on a first import unless PYTHONDONTWRITEBYTECODE is set; without
    them every command would also compile ~100 app modules (about 0.1 s) and the web-stack baseline, read
    from pip's compiled files, would not be comparable.
    """
    python = str(checkout / ".venv/bin/python")
    sources = [name for name in ("app", "config.py", "wsgi.py") if (checkout / name).exists()]
    subprocess.run([python, "-m", "compileall", "-q", *sources], cwd=checkout, env=env, check=True)


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(port: int, method: str, path: str, body: dict | None = None) -> int:
    """Send one request and return the status (0 when nothing answers yet)."""
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        payload = json.dumps(body) if body is not None else None
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, body=payload, headers=headers)
        status = connection.getresponse().status
        connection.close()
        return status
    except OSError:
        return 0


def wait_for_health(port: int, process: subprocess.Popen, timeout: float) -> float:
    """Poll /healthz every 50 ms; return the seconds until it answered 200."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        if request(port, "GET", "/healthz") == 200:
            return time.perf_counter() - start
        time.sleep(0.05)
    raise SystemExit("the server did not become healthy")


def start(command: list[str], checkout: Path, env: dict) -> subprocess.Popen:
    """Start a server in its own process group (so that stop() ends all of it), output discarded."""
    return subprocess.Popen(
        command,
        cwd=checkout,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    """Stop a server started in its own process group, and wait for it."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def memory_of(pid: int) -> dict[str, float]:
    """RSS, PSS and USS (private clean + dirty) of a process in MiB, from /proc/PID/smaps_rollup."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0]) / 1024
    uss = fields["Private_Clean"] + fields["Private_Dirty"]
    return {"rss": fields["Rss"], "pss": fields["Pss"], "uss": uss}


def children(pid: int) -> list[int]:
    """Direct child processes of pid."""
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(child) for child in text.split()]


def gunicorn_memory(checkout: Path, env: dict, workers: int) -> dict:
    """Start gunicorn as `make run` does (the checkout's gunicorn.conf.py applies), warm it, measure."""
    port = free_port()
    command = [
        str(checkout / ".venv/bin/gunicorn"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        "4",
        "wsgi:app",
    ]
    process = start(command, checkout, env)
    try:
        ready = wait_for_health(port, process, timeout=120)
        while len(children(process.pid)) < workers:
            time.sleep(0.1)
        classify = {"description": "kopi arabika gayo sangrai", "limit": 3}
        calls = [
            ("POST", "/api/v1/hs/classify", classify),
            ("POST", "/api/v1/assessments", {"profile": PROFILE}),
        ]
        with ThreadPoolExecutor(max_workers=8 * workers) as pool:
            statuses = list(pool.map(lambda call: request(port, *call), calls * 12 * workers))
        if not set(statuses) <= {200, 201}:
            raise SystemExit(f"warm-up requests failed: {sorted(set(statuses))}")
        time.sleep(1)
        master = memory_of(process.pid)
        per_worker = [memory_of(pid) for pid in children(process.pid)]
    finally:
        stop(process)
    total_pss = master["pss"] + sum(worker["pss"] for worker in per_worker)
    return {
        "workers": workers,
        "ready": ready,
        "master": master,
        "per_worker": per_worker,
        "total_pss": total_pss,
    }


def main() -> None:
    """Run the measurements and print a plain-text report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--checkout", type=Path, nargs="+", default=[ROOT], help="checkouts to measure (each with .venv)"
    )
    parser.add_argument("--runs", type=int, default=5, help="runs of each command")
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2, 4], help="gunicorn worker counts")
    parser.add_argument("--make-run", action="store_true", help="also time a second `make run`")
    parser.add_argument("--no-commands", action="store_true", help="skip the command timings")
    args = parser.parse_args()
    checkouts = [checkout.resolve() for checkout in args.checkout]
    env = {**os.environ, "FLASK_DEBUG": "0"}
    for checkout in checkouts:
        compile_sources(checkout, env)
    if "DATABASE_URL" not in env:
        raise SystemExit("set DATABASE_URL to a database that is already set up")
    print(f"load {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (1, 5 min) at start")
    if not args.no_commands:
        time_commands(checkouts, env, args.runs)
    for checkout in checkouts:
        if args.make_run:
            wall, cpu = time_make_run(checkout, env)
            print(f"{checkout}: make run → first /healthz 200: {wall:.2f} s wall, {cpu:.2f} s CPU")
        for workers in args.workers:
            print_memory(checkout, gunicorn_memory(checkout, env, workers))
    print(f"load {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (1, 5 min) at end")


def time_make_run(checkout: Path, env: dict) -> tuple[float, float]:
    """Wall and CPU seconds from starting `make run` (install taken as done) until /healthz answers 200.

    The CPU seconds are those of every process `make run` started by then, finished or running (utime,
    stime, cutime and cstime of the process tree in /proc), so they hardly depend on the machine's load.
    """
    port = free_port()
    began = time.perf_counter()
    process = start(["make", "-o", ".venv/.installed", "run", f"PORT={port}"], checkout, env)
    try:
        wait_for_health(port, process, timeout=600)
        wall = time.perf_counter() - began
        return wall, tree_cpu_seconds(process.pid)
    finally:
        stop(process)


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of a process, of its finished children it waited for and of its live descendants."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK") + sum(tree_cpu_seconds(child) for child in children(pid))


def print_memory(checkout: Path, result: dict) -> None:
    """One line of memory figures for a gunicorn run."""
    pss = [worker["pss"] for worker in result["per_worker"]]
    uss = [worker["uss"] for worker in result["per_worker"]]
    rss = [worker["rss"] for worker in result["per_worker"]]
    master = result["master"]
    print(
        f"{checkout}: gunicorn {result['workers']} worker(s): ready {result['ready']:.2f} s; master RSS "
        f"{master['rss']:.0f} PSS {master['pss']:.0f} USS {master['uss']:.0f} MiB; per worker RSS "
        f"{statistics.mean(rss):.0f} PSS {statistics.mean(pss):.0f} USS {statistics.mean(uss):.0f} MiB; "
        f"total PSS {result['total_pss']:.0f} MiB"
    )


if __name__ == "__main__":
    main()
