from flask import Blueprint

bp = Blueprint("workshops", __name__)

from workshop.workshops import cli, routes  # noqa: E402

__all__ = ["bp", "cli", "routes"]
