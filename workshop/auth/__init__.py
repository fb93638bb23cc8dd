from flask import Blueprint

# staff-facing only: the login page and logout (endpoints auth.login, auth.logout)
staff_bp = Blueprint("auth", __name__, url_prefix="/staff")

from workshop.auth import cli, staff_routes  # noqa: E402

__all__ = ["cli", "staff_bp", "staff_routes"]
