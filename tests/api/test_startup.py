"""Start fast, stay small: no heavy import at start-up, models in /healthz, `prepare` does what is missing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app import create_app
from app.extensions import db
from app.models import Application, Ikm, User

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sklearn", "skops", "scipy", "numpy", "pandas", "matplotlib", "openpyxl")


def _fresh_app(tmp_path, **config):
    """An app on a new, empty SQLite file (nothing migrated)."""
    settings = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    return create_app({**settings, "RATELIMIT_ENABLED": False, **config})


def test_starting_the_app_imports_no_heavy_library_and_loads_no_model(tmp_path):
    """`import wsgi` (every `flask --app wsgi` command, gunicorn) leaves scikit-learn & co. unimported."""
    probe = (
        "import json, sys, wsgi; "
        f"print(json.dumps([[m for m in {HEAVY!r} if m in sys.modules], wsgi.app.extensions['ml'].status()]))"
    )
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}", "APP_ENV": "development"}
    output = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    imported, status = json.loads(output.strip().splitlines()[-1])
    assert imported == []
    assert not status["hs_classifier"]["loaded"] and not status["triage"]["loaded"]


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
    assert check.output.count("nothing to do") == 7
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
    assert check.exit_code == 0 and check.output.count("nothing to do") == 4, check.output
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
