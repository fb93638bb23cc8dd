"""A resident's reading preferences, kept in a cookie: ふりがな on or off."""

from flask import Blueprint

# residents' own settings; no login, no database
bp = Blueprint("preferences", __name__)

from workshop.preferences import furigana, routes  # noqa: E402

__all__ = ["bp", "furigana", "routes"]
