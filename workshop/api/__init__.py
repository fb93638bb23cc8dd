from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

from workshop.api import routes  # noqa: E402

__all__ = ["bp", "routes"]
