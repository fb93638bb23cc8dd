"""Staff pages: the translated summaries of a consultation (planners) and of a workshop
(those who run it)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from workshop.auth.access import STAFF, role_required
from workshop.consultations.services import get_consultation
from workshop.errors import DomainError
from workshop.models import Consultation, Role, Workshop
from workshop.preferences.language import TRANSLATED
from workshop.summaries import services, staff_bp
from workshop.summaries.staff_forms import SummariesForm, texts
from workshop.workshops.services.access import workshop_for


@staff_bp.route("/consultations/<int:consultation_id>/summaries", methods=["GET", "POST"])
@role_required(Role.PLANNER)
def consultation(consultation_id: int) -> ResponseReturnValue:
    subject = get_consultation(consultation_id)
    back = url_for("consultations_staff.show", consultation_id=subject.id)
    return edit(subject, back)


@staff_bp.route("/workshops/<int:workshop_id>/summaries", methods=["GET", "POST"])
@role_required(*STAFF)
def workshop(workshop_id: int) -> ResponseReturnValue:
    subject = workshop_for(current_user, workshop_id)
    back = url_for("workshops_staff.show", workshop_id=subject.id)
    return edit(subject, back)


def edit(subject: Consultation | Workshop, back: str) -> ResponseReturnValue:
    form = SummariesForm()
    if not form.is_submitted():
        for language in TRANSLATED:
            form[language.code].data = subject.summary_in(language.code) or ""
    elif form.validate():
        try:
            services.save_summaries(subject, texts(form))
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash("外国語の要約を保存しました。", "success")
            return redirect(back, code=303)
    return render_template(
        "summaries/staff/edit.html", subject=subject, form=form, back=back, languages=TRANSLATED
    )
