from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/staff")

from workshop.auth import cli, routes  # noqa: E402

__all__ = ["bp", "cli", "routes"]
