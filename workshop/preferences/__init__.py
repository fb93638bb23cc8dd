"""A resident's reading preferences, kept in cookies: the language, ふりがな on or off, text
標準 or 大きい."""

from flask import Blueprint

# residents' own settings; no login, no database
bp = Blueprint("preferences", __name__)

from workshop.preferences import furigana, language, routes, text_size  # noqa: E402

__all__ = ["bp", "furigana", "language", "routes", "text_size"]
