from flask import Blueprint

# planners write the responses and publish; every route of bp is for staff
bp = Blueprint("results", __name__, url_prefix="/staff/consultations/<int:consultation_id>/results")
# residents read what was published; no login
public_bp = Blueprint("public_results", __name__)

from workshop.results import routes  # noqa: E402

__all__ = ["bp", "public_bp", "routes"]
