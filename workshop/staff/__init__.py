from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

from workshop.staff import routes  # noqa: E402

__all__ = ["bp", "routes"]
