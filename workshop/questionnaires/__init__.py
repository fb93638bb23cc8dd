"""Questionnaires (アンケート): a consultation's questions beside the free text, and the answers.

`questionnaires_staff` (staff_routes.py): the builder's pages, where planners write the questions.
"""

from flask import Blueprint

staff_bp = Blueprint("questionnaires_staff", __name__, url_prefix="/staff/consultations")

from workshop.questionnaires import cli, staff_routes  # noqa: E402

__all__ = ["cli", "staff_bp", "staff_routes"]
