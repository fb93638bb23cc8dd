"""A planner's summaries of a consultation or a workshop in the residents' other languages.

Staff pages only (``summaries_staff``): the resident pages show a summary through
templates/_macros.html ``translated_summary``.
"""

from flask import Blueprint

staff_bp = Blueprint("summaries_staff", __name__, url_prefix="/staff")

from workshop.summaries import staff_routes  # noqa: E402

__all__ = ["staff_bp", "staff_routes"]
