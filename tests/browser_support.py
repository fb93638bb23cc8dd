"""Shared by the real-browser tests: a live server with the demo data, Chromium, pages and axe."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from workshop import create_app
from workshop.extensions import db

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# without these Chromium keeps dialling Google's hosts, which this closed network refuses
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

sync_api = pytest.importorskip("playwright.sync_api")
axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")


def live_config(folder: Path) -> dict[str, Any]:
    return {
        "DATABASE_URL": f"sqlite:///{folder / 'live.sqlite3'}",
        "SECRET_KEY": "browser-tests",
        "MAIL_OUTBOX": str(folder / "outbox"),
        "UPLOAD_FOLDER": str(folder / "uploads"),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # one module signs up and comments more often a minute than one address may;
        # tests/test_security.py checks the limits themselves
        "RATELIMIT_ENABLED": False,
    }


@pytest.fixture(scope="session")
def demo_instance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An instance folder with the demo data (`demo load`: the closed round tokenised and
    analysed, about a minute), loaded once; every module's live server starts from a copy."""
    if not os.access(CHROMIUM, os.X_OK):
        if os.environ.get("MACHIKOE_REQUIRE_SERVICES") == "1":
            pytest.fail("Chromium missing: make browser-deps installs it")
        pytest.skip("Chromium not installed (make browser-deps)")
    folder = tmp_path_factory.mktemp("demo")
    os.environ["MACHIKOE_INSTANCE"] = str(folder)
    # a word cloud is drawn when a page first shows it (about 1 s each), not every one of an
    # analysis ahead (a minute or more an analysis; tests/test_theme_pages.py checks that).
    # In the instance's config.py, so an analysis job in a process of its own reads it too.
    (folder / "config.py").write_text("WORDCLOUDS_AHEAD = False\n", encoding="utf-8")
    app = create_app(live_config(folder))
    with app.app_context():
        db.create_all()
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.engine.dispose()  # the last connection closed: the database is whole in its file
    return folder


@pytest.fixture(scope="module")
def live_app(
    demo_instance: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Flask, str]]:
    """A live server on a fresh copy of the demo data: what one module changes, the next
    module does not see."""
    folder = tmp_path_factory.mktemp("live")
    shutil.copytree(demo_instance, folder, dirs_exist_ok=True)
    os.environ["MACHIKOE_INSTANCE"] = str(folder)
    app = create_app(live_config(folder))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = base  # links in the e-mails lead back to this server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, base
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextmanager
def opened_page(
    browser: Any, screenshot: str, full_page: bool = True, **options: Any
) -> Iterator[Any]:
    """A page in a context of its own; a full-page screenshot goes to test-artifacts/ at the end."""
    context = browser.new_context(locale="ja-JP", **options)
    page = context.new_page()
    try:
        yield page
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{screenshot}.png"), full_page=full_page)
        context.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    javascript = not request.node.get_closest_marker("no_javascript")
    with opened_page(browser, request.node.name, java_script_enabled=javascript) as opened:
        yield opened


# axe counting violations only: a third quicker than the full run, which lists what passed too
# and is made only to report what failed
AXE_QUICKLY = {"resultTypes": ["violations"], "selectors": False, "ancestry": False, "xpath": False}
AXE_SCRIPT = axe_module.Axe().axe_script


def assert_accessible(page: Any, check: bool = True) -> None:
    if not check:
        return  # axe is JavaScript: with scripts off it cannot run (the JS run checked these pages)
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    if page.evaluate("(o) => axe.run(o).then(r => r.violations.length)", AXE_QUICKLY) == 0:
        return
    results = axe_module.Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def log_in_as(page: Any, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/staff/login")
    page.get_by_label("メールアドレス", exact=True).fill(email)
    page.get_by_label("パスワード", exact=True).fill(password)
    page.get_by_role("button", name="ログイン").click()
    page.get_by_role("heading", name="職員メニュー").wait_for()
