"""Fixtures as in flaskr: a fresh app and database per test, on SQLite and (when marked) PostgreSQL."""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from aiosmtpd.controller import Controller
from flask import Flask, current_app
from flask.testing import FlaskClient
from sqlalchemy import text

from workshop import create_app
from workshop.auth import services as auth_services
from workshop.consultations import services
from workshop.extensions import db
from workshop.models import Attachment, Consultation, Role, User
from workshop.timeutil import today_tokyo

# The suite runs threads (the aiosmtpd mail server, live servers for the browser tests), and a
# process pool forked beside them can hang on a lock a thread held; analyses and masking run in
# the test process itself. The tests of the pools themselves ask for workers (n_jobs=2).
os.environ["NLP_JOBS"] = "1"

POSTGRES_SERVER = os.environ.get(
    "MACHIKOE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)
REQUIRE_SERVICES = os.environ.get("MACHIKOE_REQUIRE_SERVICES") == "1"
# pytest-xdist runs the suite in workers gw0, gw1, ... (make test: two); alone it is gw0
WORKER_NUMBER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
PASSWORD = "correct-horse-battery"
CSRF_INPUT = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_backend" in metafunc.fixturenames:
        backends = ["sqlite"]
        if metafunc.definition.get_closest_marker("both_dbs"):
            backends.append("postgresql")
        metafunc.parametrize("db_backend", backends)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under `--dist loadgroup` (make test) every test on the demo data goes to one worker, which
    loads it once (`demo_instance`, about a minute); the other worker takes the rest meanwhile."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if "demo_instance" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("demo"))


def redis_url(database: int) -> str:
    """Redis database 13, 14 or 15 of the tests, one set per xdist worker (gw1 uses 9 to 11):
    a worker empties its queues and hears its boards' channels without touching another's."""
    return f"redis://127.0.0.1:6379/{database - 4 * (WORKER_NUMBER % 4)}"


def service_unavailable(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (MACHIKOE_REQUIRE_SERVICES=1: CI must run these tests)")
    pytest.skip(reason)


@contextmanager
def new_postgres_database(prefix: str) -> Iterator[str]:
    """An empty database of our own on the PostgreSQL server (so parallel runs never collide),
    dropped afterwards; yields its URL (postgresql://)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(POSTGRES_SERVER, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        service_unavailable(f"PostgreSQL not reachable: {error}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_SERVER.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(POSTGRES_SERVER, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The test database on PostgreSQL, with the schema; emptied after each test (see app)."""
    with new_postgres_database("machikoe_test") as plain_url:
        url = plain_url.replace("postgresql://", "postgresql+psycopg://", 1)
        schema_app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "schema"})
        with schema_app.app_context():
            db.create_all()
            db.engine.dispose()
        yield url


@pytest.fixture(scope="session")
def sqlite_schema(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite database with the schema (create_all), made once: each test's app gets
    a copy of the file, a millisecond instead of creating the tables again."""
    folder = tmp_path_factory.mktemp("schema")
    path = folder / "schema.sqlite3"
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("MACHIKOE_INSTANCE", str(folder / "instance"))
        schema_app = create_app(
            {"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "schema"}
        )
        with schema_app.app_context():
            db.create_all()
            db.engine.dispose()  # the last connection closed: the schema is whole in the file
    return path


@pytest.fixture
def app(
    db_backend: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Flask]:
    monkeypatch.setenv("MACHIKOE_INSTANCE", str(tmp_path / "instance"))
    for name in ("DATABASE_URL", "SECRET_KEY", "MAIL_SERVER", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    if db_backend == "postgresql":
        url = request.getfixturevalue("postgres_url")
    else:
        database = tmp_path / "test.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_schema"), database)
        url = f"sqlite:///{database}"
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "test-secret",
            "MAIL_OUTBOX": str(tmp_path / "outbox"),
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "COMMENTS_PER_PAGE": 20,
            # background jobs run inside the test; tests of the job runner choose their mode
            "JOBS_MODE": "inline",
            # scrypt is meant to be slow; the role matrix logs in hundreds of times
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "RATELIMIT_ENABLED": False,  # tests/test_security.py turns it on
            # drawn on first view (about 1 s each); tests/test_theme_pages.py turns it on
            "WORDCLOUDS_AHEAD": False,
            # an event stream sends its first state and ends, so a test client (which reads
            # the whole response) gets an answer; tests/test_live.py holds streams open
            "LIVE_STREAM_SECONDS": 0,
        }
    )
    app.test_client_class = FreshContextClient
    with app.app_context():
        yield app
        db.session.remove()
        if db_backend == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, as in production.

    The fixture keeps an app context pushed for the test's own database work; Flask would
    reuse it for requests, so `g` (the logged-in user, the CSRF token) leaked from one test
    client to another. A fresh context per request also gives the request its own session.
    The whole response is read inside that context (buffered), as a server sends a streamed
    response (the comment CSV) before the request ends.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("buffered", True)
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_token(client: FlaskClient, path: str = "/staff/login") -> str:
    page = client.get(path).get_data(as_text=True)
    match = CSRF_INPUT.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def post_form(client: FlaskClient, path: str, data: dict[str, Any], **kwargs: Any) -> Any:
    """POST as a browser would: with the CSRF token from a page of the same session."""
    return client.post(path, data={"csrf_token": csrf_token(client), **data}, **kwargs)


@pytest.fixture
def make_consultation(app: Flask) -> Callable[..., Consultation]:
    counter = iter(range(1, 10_000))

    def make(**overrides: Any) -> Consultation:
        today = today_tokyo()
        number = next(counter)
        fields: dict[str, Any] = {
            "slug": f"plan-{number}",
            "title": "みどり市DX推進計画（素案）",
            "opens_on": today - timedelta(days=5),
            "closes_on": today + timedelta(days=30),
            "summary": "デジタル化の進め方についての計画です。",
            # receipt prefixes are unique: the first is DX, later ones DX2, DX3, ...
            "receipt_prefix": "DX" if number == 1 else f"DX{number}",
            "districts": ("中央地区", "北山地区", "南浜地区"),
            "sections": ("第1章 計画の概要", "第2章 基本目標"),
        }
        fields.update(overrides)
        consultation, _ = services.create_consultation(services.ConsultationInput(**fields))
        return consultation

    return make


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    def make(role: Role = Role.PLANNER, email: str | None = None) -> User:
        email = email or f"{role.value}-{uuid.uuid4().hex[:6]}@city.example.jp"
        return auth_services.create_user(email, PASSWORD, role, f"{role.value}さん")

    return make


@pytest.fixture
def login(client: FlaskClient, make_user: Callable[..., User]) -> Callable[..., User]:
    def log_in(role: Role = Role.PLANNER) -> User:
        user = make_user(role)
        response = post_form(client, "/staff/login", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return log_in


def attach_pdf(consultation_id: int, title: str) -> Attachment:
    """A small real PDF attached to a consultation, the way staff upload one."""
    return services.add_attachment(
        consultation_id,
        io.BytesIO(b"%PDF-1.4\n%%EOF\n"),
        "soan.pdf",
        title,
        upload_folder=current_app.config["UPLOAD_FOLDER"],
        max_bytes=current_app.config["MAX_ATTACHMENT_BYTES"],
    )


def past(days: int) -> date:
    return today_tokyo() - timedelta(days=days)


def future(days: int) -> date:
    return today_tokyo() + timedelta(days=days)


class Inbox:
    """A real SMTP server on loopback that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield inbox
    controller.stop()
