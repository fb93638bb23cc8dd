from flask import Blueprint

bp = Blueprint("boards", __name__)
staff_bp = Blueprint("boards_staff", __name__, url_prefix="/staff/boards")

from workshop.boards import cli, live, routes, staff_routes  # noqa: E402

__all__ = ["bp", "cli", "live", "routes", "staff_bp", "staff_routes"]
