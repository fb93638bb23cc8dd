from flask import Blueprint

# a staff-only feature: its one blueprint is the staff one
staff_bp = Blueprint(
    "themes_staff", __name__, url_prefix="/staff/consultations/<int:consultation_id>/themes"
)

from workshop.themes import cli, staff_breakdown, staff_corrections, staff_routes  # noqa: E402

__all__ = ["cli", "staff_bp", "staff_breakdown", "staff_corrections", "staff_routes"]
