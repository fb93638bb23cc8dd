"""The staff home page (every consultation with its comment count) and the admin's audit log."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from workshop import audit
from workshop.auth.access import STAFF, role_required
from workshop.consultations import services as consultations
from workshop.models import Audience, Role
from workshop.staff import staff_bp


@staff_bp.get("/")
@role_required(*STAFF)
def dashboard() -> ResponseReturnValue:
    listed = consultations.list_consultations()
    counts = {c.id: consultations.count_comments(c.id) for c in listed}
    # staff-only questionnaires open now: every staff member may answer them
    to_answer = [c for c in listed if c.audience is Audience.STAFF and c.is_open]
    return render_template(
        "staff/dashboard.html", consultations=listed, counts=counts, to_answer=to_answer
    )


@staff_bp.get("/audit")
@role_required(Role.ADMIN)
def audit_log() -> ResponseReturnValue:
    return render_template("staff/audit.html", page=audit.latest_entries(per_page=100))
