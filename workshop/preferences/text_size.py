"""The text size on resident pages: 標準 or 大きい, kept in a cookie like ふりがな.

大きい puts ``text-large`` on ``<html>``; static/css/site.css sizes the whole page in rem,
so one larger root font size enlarges text, fields, buttons and spacing together.
"""

from __future__ import annotations

from flask import g, has_request_context, request

from workshop.security import is_staff_page

COOKIE = "text_size"
LARGE = "large"
STANDARD = "standard"


def text_large() -> bool:
    """This request's page is shown in large text: the cookie says so and it is a resident's page."""
    if not has_request_context():
        return False
    if "text_large" not in g:
        g.text_large = request.cookies.get(COOKIE) == LARGE and not is_staff_page()
    return bool(g.text_large)
