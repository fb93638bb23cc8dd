from flask import Blueprint

bp = Blueprint("workshops", __name__)
staff_bp = Blueprint("workshops_staff", __name__, url_prefix="/staff/workshops")

from workshop.workshops import cli, routes, staff_routes  # noqa: E402

__all__ = ["bp", "cli", "routes", "staff_bp", "staff_routes"]
