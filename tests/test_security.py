"""Security headers, CSRF on every POST, login lock-out and rate limits."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from sqlalchemy import select

from tests.conftest import PASSWORD, csrf_token, post_form, redis_url, service_unavailable
from tests.test_workshops import workshop_factory
from workshop import create_app
from workshop.extensions import db
from workshop.models import AuditEntry, LoginFailure, Role
from workshop.security import CONTENT_SECURITY_POLICY, limiter

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
    workshop = make_workshop(facilitators=[login(Role.FACILITATOR)])
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


# ---------------------------------------------------------------- CSRF on every POST


@pytest.fixture
def real_objects(app, make_consultation, make_workshop, make_user):
    """One real object for every id a POST route takes, so each route exists and reaches CSRF."""
    from workshop.consultations import services as consultation_services
    from workshop.workshops.services import links, signup

    consultation = make_consultation()
    receipt = consultation_services.submit_comment(
        consultation,
        consultation_services.CommentInput(body="公園にベンチを増やしてください。"),
        submission_token="csrf-test-0000000001",
    )
    workshop = make_workshop()
    registration = signup.register(
        workshop.id,
        signup.Applicant(name="緑川 花子", furigana="みどりかわ はなこ", email="hanako@example.jp"),
    )
    return {
        "slug": consultation.slug,
        "consultation_id": consultation.id,
        "comment_id": receipt.comment_id,
        "workshop_id": workshop.id,
        "registration_id": registration.id,
        "token": links.status_token(registration),
    }


# POST routes without a CSRF token by design: another proof takes its place
NOT_FORMS = {
    # LINE signs each delivery with the channel secret (tests/test_line_webhook.py: a bad or
    # missing signature is refused and nothing is stored)
    "line.webhook",
}


def post_rules(app) -> list:
    return sorted(
        (
            rule
            for rule in app.url_map.iter_rules()
            if "POST" in (rule.methods or ()) and rule.endpoint not in NOT_FORMS
        ),
        key=lambda rule: rule.rule,
    )


def test_only_the_signed_webhook_takes_a_post_without_a_csrf_token(app):
    from workshop.extensions import csrf

    exempt = {view.split(".")[-1] for view in csrf._exempt_views}
    assert exempt == {name.split(".")[-1] for name in NOT_FORMS}


def test_every_post_route_refuses_a_missing_csrf_token(app, client, login, real_objects):
    login(Role.ADMIN)  # past every role check: the refusal must come from the CSRF check
    rules = post_rules(app)
    assert len(rules) >= 20
    for rule in rules:
        # ids without a fixture object (routes added later) get 1; only 400 counts all the same
        values = {name: real_objects.get(name, 1) for name in rule.arguments}
        path = rule.build(values)[1]
        response = client.post(path, data={"body": "CSRFなし"})
        assert response.status_code == 400, (rule.rule, response.status_code)
        assert "正しくない送信です" in response.get_data(as_text=True), rule.rule
        response = client.post(path, data={"csrf_token": "forged", "body": "偽のトークン"})
        assert response.status_code == 400, (rule.rule, "forged token")


# ---------------------------------------------------------------- login lock-out


def try_login(client, address: str, password: str = "wrong-password-123"):
    return post_form(client, "/staff/login", {"email": address, "password": password})


def age_failures(minutes: int) -> None:
    """Move the recorded failures back in time, as if the minutes had passed."""
    for failure in db.session.scalars(select(LoginFailure)):
        failure.at -= timedelta(minutes=minutes)
    db.session.commit()


def audit_actions(app) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_five_failures_lock_the_address_for_fifteen_minutes(app, client, make_user):
    user = make_user(Role.PLANNER)
    for _ in range(5):
        response = try_login(client, user.email)
        assert response.status_code == 401
        assert "メールアドレスまたはパスワードが正しくありません" in response.get_data(as_text=True)
    locked = try_login(client, user.email.upper(), PASSWORD)  # even the right password
    assert locked.status_code == 429
    assert "しばらくログインできません" in locked.get_data(as_text=True)
    actions = audit_actions(app)
    assert actions.count("staff.login_failed") == 5
    assert actions.count("staff.login_lockout") == 1
    assert actions.count("staff.login_locked") == 1
    assert "staff.login" not in actions

    age_failures(minutes=16)
    assert try_login(client, user.email, PASSWORD).status_code == 302


def test_unknown_address_is_locked_with_the_same_words(client, make_user):
    known = make_user(Role.PLANNER)
    pages = {}
    for address in (known.email, "nobody@city.example.jp"):
        for _ in range(5):
            try_login(client, address)
        response = try_login(client, address)
        assert response.status_code == 429
        pages[address] = re.sub(r'value="[^"]*"', "", response.get_data(as_text=True))
    assert pages[known.email] == pages["nobody@city.example.jp"]


def test_failures_spread_over_more_than_the_window_do_not_lock(client, make_user):
    user = make_user(Role.PLANNER)
    for _ in range(4):
        try_login(client, user.email)
    age_failures(minutes=16)
    try_login(client, user.email)
    assert try_login(client, user.email, PASSWORD).status_code == 302


def test_a_successful_login_clears_the_count(client, make_user):
    user = make_user(Role.PLANNER)
    for _ in range(4):
        try_login(client, user.email)
    assert try_login(client, user.email, PASSWORD).status_code == 302
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/")})
    for _ in range(4):
        assert try_login(client, user.email).status_code == 401
    assert try_login(client, user.email, PASSWORD).status_code == 302


# ---------------------------------------------------------------- rate limits


@pytest.fixture
def limited(app):
    """The same database with the rate limiter on (the app fixture turns it off)."""
    limited_app = create_app({**app.config, "RATELIMIT_ENABLED": True})
    yield limited_app
    create_app(dict(app.config))  # the limiter is module-level: leave it as the other tests expect


def assert_too_many(response) -> None:
    assert response.status_code == 429
    text = response.get_data(as_text=True)
    assert "短い時間にたくさんの送信がありました" in text
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_comment_posts_are_limited_per_address(limited, make_consultation):
    consultation = make_consultation()
    client = limited.test_client()
    path = f"/consultations/{consultation.slug}/confirm"
    for _ in range(20):
        assert post_form(client, path, {"body": "歩道を広げてください。"}).status_code == 200
    submit = f"/consultations/{consultation.slug}/comments"
    assert_too_many(post_form(client, submit, {"body": "歩道を広げてください。"}))
    other = limited.test_client()
    elsewhere = {"REMOTE_ADDR": "198.51.100.20"}
    response = post_form(other, path, {"body": "別の端末から"}, environ_base=elsewhere)
    assert response.status_code == 200


def test_sign_up_posts_are_limited(limited, make_workshop):
    workshop = make_workshop(capacity=100)
    client = limited.test_client()
    path = f"/workshops/{workshop.id}/register"
    for number in range(10):
        data = {"name": "緑川 花子", "furigana": "みどりかわ", "email": f"h{number}@example.jp"}
        assert post_form(client, path, data).status_code == 303
    assert_too_many(post_form(client, path, {"name": "緑川 花子", "email": "x@example.jp"}))


def test_login_posts_are_limited_per_address(limited):
    client = limited.test_client()
    for number in range(10):
        assert try_login(client, f"guess{number}@city.example.jp").status_code == 401
    assert_too_many(try_login(client, "guess-more@city.example.jp"))
    assert client.get("/staff/login").status_code == 200  # reading the page is not limited


def test_limiter_counts_in_redis_when_redis_url_is_set(app):
    url = redis_url(15)
    try:
        server = redis.Redis.from_url(url, socket_connect_timeout=2)
        server.ping()
    except redis.RedisError as error:
        service_unavailable(f"Redis not reachable: {error}")
    prefix = f"machikoe-test-{uuid.uuid4().hex[:8]}"
    config = {k: v for k, v in app.config.items() if k != "RATELIMIT_STORAGE_URI"}
    redis_app = create_app(
        {**config, "REDIS_URL": url, "RATELIMIT_ENABLED": True, "RATELIMIT_KEY_PREFIX": prefix}
    )
    assert redis_app.config["RATELIMIT_STORAGE_URI"] == url
    try:
        assert type(limiter.storage).__name__ == "RedisStorage"
        client = redis_app.test_client()
        assert try_login(client, "someone@city.example.jp").status_code == 401
        assert list(server.scan_iter(f"*{prefix}*"))
    finally:
        for key in server.scan_iter(f"*{prefix}*"):
            server.delete(key)
        create_app(dict(app.config))
