"""Security headers, CSRF on every POST, login lock-out and rate limits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import post_form
from tests.test_workshops import workshop_factory
from workshop import create_app
from workshop.models import Role
from workshop.security import CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parent.parent
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)


@pytest.fixture
def make_workshop(app):
    return workshop_factory()


def assert_strict_headers(response) -> None:
    headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in headers["Permissions-Policy"]


def test_csp_allows_nothing_inline_and_no_framing():
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert "'unsafe-eval'" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY


def test_public_pages_carry_strict_headers(client, make_consultation):
    consultation = make_consultation()
    for path in ("/", f"/consultations/{consultation.slug}", "/workshops/", "/no-such-page"):
        response = client.get(path)
        assert_strict_headers(response)
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in response.headers
        assert "no-store" not in response.headers.get("Cache-Control", "")


def test_staff_pages_are_not_cached(client, login, make_consultation):
    consultation = make_consultation()
    login(Role.PLANNER)
    for path in ("/staff/", f"/staff/consultations/{consultation.id}/comments"):
        response = client.get(path)
        assert response.status_code == 200
        assert_strict_headers(response)
        assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/staff/login").headers["Cache-Control"] == "no-store"


def test_receipt_keeps_its_stricter_referrer_policy(client, make_consultation):
    consultation = make_consultation()
    page = post_form(
        client, f"/consultations/{consultation.slug}/confirm", {"body": "バスを増やしてください。"}
    ).get_data(as_text=True)
    token = re.search(r'name="submission_token"[^>]*value="([^"]+)"', page)
    assert token, page
    response = post_form(
        client,
        f"/consultations/{consultation.slug}/comments",
        {"body": "バスを増やしてください。", "submission_token": token.group(1)},
        follow_redirects=True,
    )
    assert "ご意見を受け付けました" in response.get_data(as_text=True)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


def test_only_the_check_in_page_may_use_the_camera(client, login, make_workshop):
    workshop = make_workshop()
    login(Role.FACILITATOR)
    page = client.get(f"/staff/workshops/{workshop.id}/check-in")
    assert page.status_code == 200
    assert "camera=(self)" in page.headers["Permissions-Policy"]
    assert (
        "camera=()" in client.get(f"/staff/workshops/{workshop.id}").headers["Permissions-Policy"]
    )


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://machikoe.example.jp")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_forwarded_https_counts_only_behind_a_configured_proxy(app, client):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    assert "Strict-Transport-Security" not in client.get("/", headers=forwarded).headers
    proxied = create_app({**app.config, "PROXY_FIX_X_FOR": 1, "PROXY_FIX_X_PROTO": 1})
    response = proxied.test_client().get("/", headers=forwarded)
    assert "Strict-Transport-Security" in response.headers


def test_session_and_login_cookies_are_http_only_lax_and_secure_when_asked(
    app, client, login, monkeypatch
):
    login(Role.PLANNER)
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    secure = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
    assert secure.config["SESSION_COOKIE_SECURE"] is True
    assert secure.config["REMEMBER_COOKIE_SECURE"] is True


def markup_files() -> list[Path]:
    return sorted([*(ROOT / "templates").rglob("*.html"), *(ROOT / "static" / "js").rglob("*.js")])


@pytest.mark.parametrize("path", markup_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_inline_script_handler_or_style_in_templates(path):
    text = path.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to static/js"
    assert not STYLE_ATTRIBUTE.search(text), "style attribute: move it to static/css/site.css"
    assert not EVENT_HANDLER.search(text), "on...= handler: use addEventListener in static/js"
