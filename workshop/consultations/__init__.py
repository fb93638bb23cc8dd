from flask import Blueprint

bp = Blueprint("consultations", __name__)

from workshop.consultations import cli, routes  # noqa: E402

__all__ = ["bp", "cli", "routes"]
