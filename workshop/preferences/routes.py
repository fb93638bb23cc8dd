"""The reading switches: plain links that set a cookie and go back to the page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, redirect, request, url_for
from werkzeug.wrappers import Response

from workshop.preferences import bp, furigana, text_size

MAX_AGE = furigana.MAX_AGE


@bp.get("/furigana", endpoint="furigana")
def furigana_switch() -> Response:
    """``?to=on|off&next=/page``: remembered for a year; back to ``next`` on this site only."""
    return remembered(furigana.COOKIE, "1" if request.args.get("to") == "on" else "0")


@bp.get("/text-size", endpoint="text_size")
def text_size_switch() -> Response:
    """``?to=large|standard&next=/page``: as the ふりがな switch."""
    large = request.args.get("to") == text_size.LARGE
    return remembered(text_size.COOKIE, text_size.LARGE if large else text_size.STANDARD)


def remembered(cookie: str, value: str) -> Response:
    """Back to ``next`` with the cookie set for a year."""
    response = redirect(local_path(request.args.get("next", "")), code=303)
    response.set_cookie(
        cookie,
        value,
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    return response


def local_path(target: str) -> str:
    """``target`` when it is a path on this site, else the home page (no open redirect).

    Browsers read ``/\\host`` and ``//host`` as another site, and drop tabs and line
    breaks from a URL (``/\\t/host``), so any of those sends the resident home.
    """
    home = url_for("consultations.index")
    if not target.startswith("/") or len(target) > 2000:
        return home
    if any(char in target for char in "\\") or any(ord(char) < 0x21 for char in target):
        return home
    parts = urlsplit(target)
    if target.startswith("//") or parts.scheme or parts.netloc:
        return home
    return target
