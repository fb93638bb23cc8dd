"""ウェブアクセシビリティ方針: the policy page, and the resident pages it lists.

``pages.RESIDENT_PAGES`` is the one list of resident pages and what is checked on each: the
browser tests (tests/test_browser_every_page.py) go through it, and /accessibility shows it.
"""

from flask import Blueprint

bp = Blueprint("accessibility", __name__)

from workshop.accessibility import pages, routes  # noqa: E402

__all__ = ["bp", "pages", "routes"]
