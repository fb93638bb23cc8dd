"""Configuration precedence: defaults < instance/config.py < environment < test config."""

from __future__ import annotations

from pathlib import Path

import pytest

from workshop import create_app


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
