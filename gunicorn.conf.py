"""gunicorn settings (read from the working directory): load the app, its policy and models once, then fork.

With preload_app the master process imports the app, then builds what is otherwise made at first use
(the policy, the OpenAPI spec, the trained models) before forking, so every worker shares those pages
copy-on-write instead of holding its own copy. Bind address, worker and thread counts stay on the command
line (`make run`, README "Production").

Prometheus metrics are kept per process in files under PROMETHEUS_MULTIPROC_DIR (a fresh directory for
each start unless the environment names one), so that /metrics, answered by any one worker, adds up every
worker's requests; it is set here, before the app (and prometheus_client) is imported.
"""

import os
import shutil
import tempfile

preload_app = True

if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="ovop-metrics-")
    _OWN_METRICS_DIR = os.environ["PROMETHEUS_MULTIPROC_DIR"]
else:
    _OWN_METRICS_DIR = None


def on_starting(server):
    """In the master, after the app is imported: load policy, spec and models, freeze the heap, then fork."""
    if server.cfg.preload_app:
        from app.lazy import warm_up
        from app.services.models import prepare_for_fork

        app = server.app.wsgi()
        warm_up(app)
        prepare_for_fork(app)


def child_exit(server, worker):
    """A worker is gone: drop its live gauges from the metrics (its counters stay counted)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    """Remove the metrics directory this configuration created."""
    if _OWN_METRICS_DIR:
        shutil.rmtree(_OWN_METRICS_DIR, ignore_errors=True)
