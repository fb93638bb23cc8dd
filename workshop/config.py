"""Configuration: defaults < instance/config.py < environment variables < test config."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"

# Environment variables read as they are (strings) or converted by the given function.
ENV_SETTINGS: dict[str, Any] = {
    "DATABASE_URL": str,
    "SECRET_KEY": str,
    "REDIS_URL": str,
    "LINE_CHANNEL_SECRET": str,
    "LINE_CHANNEL_ACCESS_TOKEN": str,
    "LINE_API_BASE": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_USE_TLS": lambda value: value.lower() in {"1", "true", "yes", "on"},
    "MAIL_USE_SSL": lambda value: value.lower() in {"1", "true", "yes", "on"},
    "MAIL_DEFAULT_SENDER": str,
    "PUBLIC_BASE_URL": str,
    "CITY_NAME": str,
    "ACCESSIBILITY_CONTACT": str,
    "SESSION_COOKIE_SECURE": lambda value: value.lower() in {"1", "true", "yes", "on"},
    "PROXY_FIX_X_FOR": int,
    "PROXY_FIX_X_PROTO": int,
    "PROXY_FIX_X_HOST": int,
    "PROXY_FIX_X_PORT": int,
    "PROXY_FIX_X_PREFIX": int,
    "JOB_STALE_SECONDS": float,
    "JOB_QUEUED_STALE_SECONDS": float,
    "LIVE_POLL_SECONDS": float,
    "LIVE_PAGE_GAP_SECONDS": float,
    "LIVE_PAGE_CROWD_RATE": float,
    "LIVE_PROJECTOR_GAP_SECONDS": float,
    "LIVE_HEARTBEAT_SECONDS": float,
    "LIVE_STREAM_SECONDS": float,
    "DATABASE_POOL_SIZE": int,
    "REQUEST_SLOTS": int,
    "DATABASE_MAX_OVERFLOW": int,
    "DATABASE_POOL_TIMEOUT": int,
}


def instance_path() -> Path:
    return Path(os.environ.get("MACHIKOE_INSTANCE", DEFAULT_INSTANCE)).resolve()


def defaults(instance: Path) -> dict[str, Any]:
    return {
        "DATABASE_URL": f"sqlite:///{instance / 'machikoe.sqlite3'}",
        # PostgreSQL connections each process keeps open (pool) and may add for a moment
        # (overflow); a request waits this long for one, then fails. A gunicorn worker runs
        # up to GUNICORN_THREADS requests at once (live streams among them), so with 5 + 10
        # (SQLAlchemy's default) posts waited for a connection behind page views and streams.
        # Every worker of every app server has its own pool: workers × (size + overflow) must
        # stay below PostgreSQL's max_connections (100 by default). SQLite ignores these.
        "DATABASE_POOL_SIZE": 10,
        # ordinary requests run at once per process (workshop/slots.py; 0: no limit); below
        # DATABASE_POOL_SIZE, so a running request never waits for a connection
        "REQUEST_SLOTS": 8,
        "DATABASE_MAX_OVERFLOW": 10,
        "DATABASE_POOL_TIMEOUT": 30,
        "REDIS_URL": None,
        # the city's LINE official account (Messaging API channel); unset: the channel is off
        # and /line/webhook answers 404. LINE_API_BASE: LINE's API, or a city's relay (tests:
        # a local stand-in server)
        "LINE_CHANNEL_SECRET": None,
        "LINE_CHANNEL_ACCESS_TOKEN": None,
        "LINE_API_BASE": "https://api.line.me",
        "MAIL_SERVER": None,
        "MAIL_PORT": 25,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_DEFAULT_SENDER": "machikoe@localhost",
        "MAIL_OUTBOX": str(instance / "outbox"),
        "UPLOAD_FOLDER": str(instance / "uploads"),
        "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
        "CITY_NAME": "みどり市",
        # who residents write to about the accessibility of the site (the policy page's last
        # line), e.g. "みどり市 デジタル推進課（電話 0000-00-0000）"; unset: a general line
        "ACCESSIBILITY_CONTACT": None,
        "MAX_CONTENT_LENGTH": 25 * 1024 * 1024,
        "MAX_ATTACHMENT_BYTES": 20 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "WTF_CSRF_TIME_LIMIT": None,  # a resident may take an hour to write; the token lives with the session
        "COMMENTS_PER_PAGE": 50,
        # an Excel file of all comments (names, e-mail addresses) is kept this long after it is
        # made, then deleted: staff make a new one when they need it again
        "EXPORT_KEEP_HOURS": 24,
        # the analysis job draws every word cloud of its analysis ahead (about 1 s each), so the
        # planner's pages never wait for one; off in the tests, which draw them on first view
        "WORDCLOUDS_AHEAD": True,
        # a running job reports progress every few seconds; one silent this long has died
        "JOB_STALE_SECONDS": 180,
        # a queued job no runner has taken after this long (e.g. its server went away) is failed
        "JOB_QUEUED_STALE_SECONDS": 900,
        # live pages (workshop/live): without Redis a stream reads its version this often;
        # with Redis it reads it again this often in case a message was missed; a comment line
        # this often keeps proxies from closing a quiet stream; a stream ends after this long
        # and the browser reconnects (after LIVE_RETRY_MS) with Last-Event-ID
        "LIVE_POLL_SECONDS": 0.5,
        "LIVE_RESYNC_SECONDS": 10,
        "LIVE_HEARTBEAT_SECONDS": 15,
        "LIVE_STREAM_SECONDS": 300,
        "LIVE_RETRY_MS": 2000,
        # at most one change this often per stream: a participant's page (it fetches its notes
        # at each) and the projector (its view is rebuilt at each; it must show a post in 2 s)
        "LIVE_PAGE_GAP_SECONDS": 3.0,
        "LIVE_PROJECTOR_GAP_SECONDS": 0.5,
        # a process wakes its phones of one board at most this often a second in all, so in
        # a crowd each phone's gap grows (a workshop of 40 on 3 processes: the 3 s above; a
        # hall of 200: about 7 s). The projector is not held back: it shows a post in 2 s
        "LIVE_PAGE_CROWD_RATE": 10.0,
        # how many proxies in front of the app set each X-Forwarded-* header; 0 trusts none
        "PROXY_FIX_X_FOR": 0,
        "PROXY_FIX_X_PROTO": 0,
        "PROXY_FIX_X_HOST": 0,
        "PROXY_FIX_X_PORT": 0,
        "PROXY_FIX_X_PREFIX": 0,
        "RATELIMIT_ENABLED": True,
        # Redis down: count in memory on each server rather than refuse every resident
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_FAILURE_WINDOW_SECONDS": 15 * 60,
        "LOGIN_LOCKOUT_SECONDS": 15 * 60,
    }


def secret_key(instance: Path) -> str:
    """Read the key generated on first start, or generate it; never committed (instance/ is ignored)."""
    key_file = instance / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="ascii").strip()
    key = secrets.token_hex(32)
    key_file.write_text(key, encoding="ascii")
    key_file.chmod(0o600)
    return key


def load(app: Flask, test_config: Mapping[str, Any] | None = None) -> None:
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(defaults(instance))
    # an absolute path: a relative one is read from the package (workshop/config.py, this file)
    # because the app is not created with instance_relative_config
    app.config.from_pyfile(str(instance / "config.py"), silent=True)
    for name, convert in ENV_SETTINGS.items():
        value = os.environ.get(name)
        if value:
            app.config[name] = convert(value)
    if test_config:
        app.config.from_mapping(test_config)
    # the login cookie follows the session cookie; the limiter counts in Redis when there is one
    for name in ("HTTPONLY", "SAMESITE", "SECURE"):
        app.config.setdefault(f"REMEMBER_COOKIE_{name}", app.config[f"SESSION_COOKIE_{name}"])
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(instance)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["DATABASE_URL"])
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config))


def normalise_database_url(url: str) -> str:
    # Hosting panels hand out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def engine_options(config: Mapping[str, Any]) -> dict[str, Any]:
    if str(config["DATABASE_URL"]).startswith("sqlite"):
        # the timeout is how long a writer waits for SQLite's single write lock
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {
        "pool_pre_ping": True,
        "pool_size": int(config["DATABASE_POOL_SIZE"]),
        "max_overflow": int(config["DATABASE_MAX_OVERFLOW"]),
        "pool_timeout": int(config["DATABASE_POOL_TIMEOUT"]),
    }
