from flask import Blueprint

# a staff-only feature: its one blueprint is the staff one, named "staff" (staff.dashboard)
staff_bp = Blueprint("staff", __name__, url_prefix="/staff")

from workshop.staff import routes, staff_routes  # noqa: E402

__all__ = ["routes", "staff_bp", "staff_routes"]
