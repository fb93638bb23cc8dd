from flask import Blueprint

# residents read what was published; no login
bp = Blueprint("results", __name__)
# planners write the responses and publish
staff_bp = Blueprint(
    "results_staff", __name__, url_prefix="/staff/consultations/<int:consultation_id>/results"
)

from workshop.results import routes, staff_questions, staff_routes  # noqa: E402

__all__ = ["bp", "routes", "staff_bp", "staff_questions", "staff_routes"]
