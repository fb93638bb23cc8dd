"""Configuration precedence: defaults < instance/config.py < environment < test config."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.exc import TimeoutError
from sqlalchemy.pool import QueuePool

from workshop import create_app
from workshop.extensions import db


def test_instance_config_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('CITY_NAME = "あおば市"\nRATELIMIT_ENABLED = False\n')
    monkeypatch.setenv("MACHIKOE_INSTANCE", str(instance))
    monkeypatch.delenv("CITY_NAME", raising=False)
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    assert app.config["CITY_NAME"] == "あおば市"
    assert app.config["RATELIMIT_ENABLED"] is False
    assert "ENV_SETTINGS" not in app.config  # the package's own config module is not loaded


def test_environment_beats_instance_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('CITY_NAME = "あおば市"\n')
    monkeypatch.setenv("MACHIKOE_INSTANCE", str(instance))
    monkeypatch.setenv("CITY_NAME", "みなと市")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    assert app.config["CITY_NAME"] == "みなと市"


def test_postgresql_pool_is_sized_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, postgres_url: str
) -> None:
    monkeypatch.setenv("MACHIKOE_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    monkeypatch.setenv("DATABASE_POOL_SIZE", "12")
    monkeypatch.setenv("DATABASE_MAX_OVERFLOW", "3")
    monkeypatch.setenv("DATABASE_POOL_TIMEOUT", "1")
    app = create_app({"SECRET_KEY": "pool"})
    with app.app_context():
        pool = db.engine.pool
        assert isinstance(pool, QueuePool)
        assert (pool.size(), pool._max_overflow, pool._timeout) == (12, 3, 1)
        # the 16th connection at once waits a second, then fails
        held = [db.engine.connect() for _ in range(15)]
        try:
            with pytest.raises(TimeoutError):
                db.engine.connect()
        finally:
            for connection in held:
                connection.close()
            db.engine.dispose()


def test_sqlite_ignores_the_pool_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MACHIKOE_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv("DATABASE_POOL_SIZE", "12")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert "pool_size" not in options
    assert options["connect_args"]["timeout"] == 30
