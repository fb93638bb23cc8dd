from flask import Blueprint

bp = Blueprint("themes", __name__, url_prefix="/staff/consultations/<int:consultation_id>/themes")

from workshop.themes import cli, routes  # noqa: E402

__all__ = ["bp", "cli", "routes"]
