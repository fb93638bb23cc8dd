"""Security headers on every response, trusted proxies, and the rate limiter."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# the facilitators' check-in page reads QR codes with the camera; no other page needs it
CAMERA_PAGES = {"workshops_staff.check_in"}
NO_CAMERA = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
OWN_CAMERA = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"
HSTS = "max-age=31536000; includeSubDomains"

# Per client address (the real one when PROXY_FIX_X_FOR is set). 20 comment POSTs a minute is
# 10 comments (confirm + submit): a counter PC at city hall or a school's shared address can
# serve residents one after another, while a script is slowed to a crawl.
COMMENT_POSTS = "20/minute"
# a sign-up is one POST; families sign up together from one phone, so a few more than needed
SIGN_UP_POSTS = "10/minute"
# a live board's 付箋, per browser (its cookie): one note every few seconds is a fast writer;
# 共感 and nicknames are quicker taps. A whole room behind one address is not one browser.
BOARD_NOTE_POSTS = "6/minute"
BOARD_LIKE_POSTS = "30/minute"
# guessing passwords from one address; the per-e-mail lock-out (auth.services) covers many addresses
LOGIN_POSTS = "10/minute"

limiter = Limiter(get_remote_address)


def set_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # setdefault: a stricter value set by the route (no-referrer on receipts) stays
    headers.setdefault("Referrer-Policy", "same-origin")
    camera = request.endpoint in CAMERA_PAGES
    headers.setdefault("Permissions-Policy", OWN_CAMERA if camera else NO_CAMERA)
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    if is_staff_page():
        # residents' names and e-mail addresses must not stay in a shared PC's cache
        headers["Cache-Control"] = "no-store"
    return response


def is_staff_page() -> bool:
    return request.path == "/staff" or request.path.startswith("/staff/")


def trust_proxies(app: Flask) -> None:
    counts = {
        part: int(app.config.get(f"PROXY_FIX_X_{part.upper()}") or 0)
        for part in ("for", "proto", "host", "port", "prefix")
    }
    if any(counts.values()):
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=counts["for"],
            x_proto=counts["proto"],
            x_host=counts["host"],
            x_port=counts["port"],
            x_prefix=counts["prefix"],
        )


def init_app(app: Flask) -> None:
    trust_proxies(app)
    limiter.init_app(app)
    app.after_request(set_headers)
