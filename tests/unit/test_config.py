"""Configuration: environments, database URLs and the production secret."""

import pytest

from config import ProductionConfig, config_for, normalise_database_url


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    """No default secret in production."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig()


def test_production_takes_the_secret_key_from_the_environment(monkeypatch):
    """SECRET_KEY comes from the environment."""
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    assert ProductionConfig().SECRET_KEY == "s3cret"
    assert ProductionConfig.SESSION_COOKIE_SECURE is True


def test_postgres_urls_use_the_psycopg3_driver():
    """postgres:// and postgresql:// URLs are rewritten for psycopg 3; others are kept."""
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_an_unknown_app_env_is_refused():
    """APP_ENV must name one of the three environments."""
    with pytest.raises(RuntimeError, match="APP_ENV"):
        config_for("staging")


def test_the_default_database_is_sqlite_in_the_git_ignored_instance_folder():
    """Without DATABASE_URL, development uses instance/ovop.sqlite3, and git ignores instance/."""
    from pathlib import Path

    import config

    assert config._sqlite_default() == f"sqlite:///{config.BASE_DIR / 'instance' / 'ovop.sqlite3'}"
    assert "instance/" in (Path(config.BASE_DIR) / ".gitignore").read_text().splitlines()
