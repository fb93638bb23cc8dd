from flask import Blueprint

# the staff home page and the audit log: its one blueprint is named "staff" (staff.dashboard);
# a consultation's staff pages are on consultations_staff (workshop/consultations/staff_routes.py)
staff_bp = Blueprint("staff", __name__, url_prefix="/staff")

from workshop.staff import staff_routes  # noqa: E402

__all__ = ["staff_bp", "staff_routes"]
