from flask import Blueprint

bp = Blueprint("consultations", __name__)
staff_bp = Blueprint("consultations_staff", __name__, url_prefix="/staff/consultations")

from workshop.consultations import cli, routes, staff_routes  # noqa: E402

__all__ = ["bp", "cli", "routes", "staff_bp", "staff_routes"]
