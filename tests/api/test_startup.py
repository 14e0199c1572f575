"""Start fast, stay small: no heavy import at start-up, policy and spec made at first use, models in
/healthz, `prepare` does what is missing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app import create_app
from app.extensions import api, db
from app.lazy import LazyExtensions, LazySpecApi
from app.models import Application, Ikm, User

ROOT = Path(__file__).resolve().parents[2]
# Libraries no start-up needs: models, batch tables, charts, spreadsheets, progress bars, job queues.
HEAVY = (
    "sklearn",
    "skops",
    "scipy",
    "numpy",
    "pandas",
    "matplotlib",
    "openpyxl",
    "tqdm",
    "rq",
    "celery",
    "redis",
)


def _fresh_app(tmp_path, **config):
    """An app on a new, empty SQLite file (nothing migrated)."""
    settings = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    return create_app({**settings, "RATELIMIT_ENABLED": False, **config})


def test_starting_the_app_imports_no_heavy_library_and_loads_no_model(tmp_path):
    """`import wsgi` (every `flask --app wsgi` command, gunicorn) leaves scikit-learn & co. unimported."""
    probe = (
        "import json, sys, wsgi; from app.extensions import api; "
        f"print(json.dumps([[m for m in {HEAVY!r} if m in sys.modules], wsgi.app.extensions['ml'].status(), "
        "dict.__contains__(wsgi.app.extensions, 'policy'), api._spec is not None]))"
    )
    imported, status, policy_loaded, spec_built = _probe(tmp_path, probe)
    assert imported == []
    assert not status["hs_classifier"]["loaded"] and not status["triage"]["loaded"]
    assert not policy_loaded and not spec_built


@pytest.mark.parametrize("arguments", [["--help"], ["users", "--help"], ["db", "--help"]])
def test_flask_commands_that_need_no_model_import_no_heavy_library(tmp_path, arguments):
    """The real `flask --app wsgi …` (plugin commands included) imports none of HEAVY (-X importtime)."""
    command = [sys.executable, "-X", "importtime", "-m", "flask", "--app", "wsgi", *arguments]
    result = subprocess.run(command, cwd=ROOT, env=_env(tmp_path), capture_output=True, text=True, check=True)
    imported = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "app.models" in imported and "Usage:" in result.stdout  # the probe sees the app's imports
    assert sorted(imported.intersection(HEAVY)) == []


def test_gunicorn_warm_up_makes_the_policy_and_spec_before_forking(tmp_path):
    """`warm_up` (gunicorn.conf.py, in the master) loads the policy and builds the spec for the workers."""
    probe = (
        "import json, wsgi; from app.extensions import api; from app.lazy import warm_up; warm_up(wsgi.app); "
        "print(json.dumps([wsgi.app.extensions['policy'].label, len(api._spec.to_dict()['paths'])]))"
    )
    label, paths = _probe(tmp_path, probe)
    assert label.startswith("v1") and paths > 20


def test_a_lazy_extension_is_made_once_for_all_threads():
    """Eight threads reading a lazy entry at once get one object, made by one call of its factory."""
    calls, started = [], threading.Barrier(8)
    extensions = LazyExtensions({"plain": 1})
    extensions.lazy("policy", lambda: calls.append(1) or object())
    assert "policy" in extensions and "other" not in extensions and extensions.get("other") is None
    seen = []

    def read() -> None:
        started.wait()
        seen.append(extensions["policy"])

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len({id(value) for value in seen}) == 1
    assert extensions.get("policy") is seen[0] and extensions["plain"] == 1
    with pytest.raises(KeyError):
        extensions["other"]
    extensions["policy"] = "replaced"  # tests put their own policy in
    assert extensions["policy"] == "replaced" and len(calls) == 1


def test_the_spec_built_at_first_use_is_the_one_built_at_registration(tmp_path, monkeypatch):
    """Documenting each blueprint as it is registered (flask-smorest's way) gives the same openapi.json."""
    lazy = _fresh_app(tmp_path).test_client().get("/api/v1/openapi.json")
    assert lazy.status_code == 200 and len(lazy.json["paths"]) > 20
    register = LazySpecApi.register_blueprint

    def eager(self, blp, **options):
        """Build the spec before registering, so each blueprint is documented at once."""
        assert self.spec is not None
        register(self, blp, **options)

    monkeypatch.setattr(LazySpecApi, "register_blueprint", eager)
    eager_app = _fresh_app(tmp_path / "eager")
    assert api._spec is not None  # built during create_app this time
    assert eager_app.test_client().get("/api/v1/openapi.json").data == lazy.data


def _probe(tmp_path: Path, code: str) -> object:
    """Run Python code in a fresh process at the repository root; return its last line, read as JSON."""
    command = [sys.executable, "-c", code]
    result = subprocess.run(command, cwd=ROOT, env=_env(tmp_path), capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _env(tmp_path: Path) -> dict:
    """The environment of a start-up in a subprocess: development settings on a scratch SQLite file."""
    return {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}", "APP_ENV": "development"}


def test_healthz_says_when_a_model_is_loaded_at_first_use(tmp_path):
    """Before the first classification the HS model is not loaded; after it, /healthz names its version."""
    application = _fresh_app(tmp_path, ML_MODELS_DIR=tmp_path / "no-models")
    with application.app_context():
        db.create_all()
    client = application.test_client()
    before = client.get("/healthz")
    assert before.status_code == 200 and before.json["status"] == "ok"
    assert before.json["models"]["hs_classifier"] == {"loaded": False, "version": None}
    assert client.post("/api/v1/hs/classify", json={"description": "kopi bubuk"}).status_code == 200
    after = client.get("/healthz").json["models"]
    assert after["hs_classifier"] == {"loaded": True, "version": "hs-keyword/1"}
    assert after["triage"] == {"loaded": False, "version": None}


def test_prepare_on_an_empty_database_reports_every_step_and_writes_nothing(tmp_path):
    """`prepare --check` lists what is missing, exits 1 and changes nothing."""
    application = _fresh_app(tmp_path)
    result = application.test_cli_runner().invoke(args=["prepare", "--check"])
    assert result.exit_code == 1, result.output
    assert "migrations: database at no revision, migrations at " in result.output
    assert "demo-cases: database schema not up to date" in result.output
    with application.app_context():
        assert not db.inspect(db.engine).has_table("ikms")


def test_prepare_does_the_missing_steps_once_then_nothing(app, runner, tmp_path, monkeypatch):
    """A first `prepare` loads demo IKM, users and cases; a second has nothing to do but prints the logins."""
    trained = []
    monkeypatch.setitem(app.config, "ML_MODELS_DIR", tmp_path / "no-models")
    monkeypatch.setattr("app.ml.registry.ensure_models", lambda directory, echo: trained.append(directory))
    arguments = ["prepare", "--demo-count", "6", "--demo-cases", "4"]
    first = runner.invoke(args=arguments)
    assert first.exit_code == 0, first.output
    assert "models: hs-classifier: no artifact; triage: no artifact" in first.output
    assert "migrations: nothing to do" in first.output and "reference: nothing to do" in first.output
    assert "demo-ikm: 0/6 demo IKM loaded" in first.output and "demo-ikm: running…" in first.output
    assert trained == [tmp_path / "no-models"]
    with app.app_context():
        assert db.session.query(Ikm).count() == 6
        assert db.session.query(User).count() >= 7
        assert db.session.query(Application).count() == 4
    monkeypatch.setattr("app.services.setup.models_missing", lambda directory: None)
    check = runner.invoke(args=[*arguments, "--check"])
    assert check.exit_code == 0, check.output
    assert check.output.count("nothing to do") == 8
    second = runner.invoke(args=arguments)
    assert second.exit_code == 0 and "running" not in second.output
    assert "Demo logins" in second.output and "ovop_demo_" in second.output
    with app.app_context():
        assert db.session.query(Ikm).count() == 6 and db.session.query(Application).count() == 4


def test_prepare_without_demo_migrates_an_empty_database_and_loads_the_reference_data(tmp_path, monkeypatch):
    """On a new database `prepare --no-demo` applies the migrations and loads the reference data."""
    monkeypatch.setattr("app.services.setup.models_missing", lambda directory: None)
    application = _fresh_app(tmp_path)
    runner = application.test_cli_runner()
    result = runner.invoke(args=["prepare", "--no-demo"])
    assert result.exit_code == 0, result.output
    assert "migrations: running…" in result.output and "reference: running…" in result.output
    assert "provinces: 38 created" in result.output and "Demo logins" not in result.output
    check = runner.invoke(args=["prepare", "--no-demo", "--check"])
    assert check.exit_code == 0 and check.output.count("nothing to do") == 5, check.output
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
