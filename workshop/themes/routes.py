"""Planners' theme pages: start an analysis, follow its progress, read the themes."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from workshop import jobs
from workshop.auth.access import role_required
from workshop.consultations import services as consultations
from workshop.errors import NotFound
from workshop.labels import JOB_STATUS
from workshop.models import Consultation, Job, Role
from workshop.themes import bp, services
from workshop.themes.forms import AnalyzeForm

PLANNERS = (Role.PLANNER,)


def consultation_or_404(consultation_id: int) -> Consultation:
    try:
        return consultations.get_consultation_by_id(consultation_id)
    except NotFound:
        abort(404)


def job_or_404(consultation: Consultation, job_id: int) -> Job:
    try:
        job = jobs.get_job(job_id)
    except NotFound:
        abort(404)
    if job.consultation_id != consultation.id:
        abort(404)
    return job


@bp.get("/")
@role_required(*PLANNERS)
def overview(consultation_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    analysis = services.latest_analysis(consultation.id)
    return render_template(
        "themes/overview.html",
        consultation=consultation,
        analysis=analysis,
        sizes=services.theme_sizes(analysis) if analysis else {},
        form=AnalyzeForm(),
        running=services.running_job(consultation.id),
    )


@bp.post("/analyze")
@role_required(*PLANNERS)
def analyze(consultation_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    form = AnalyzeForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
        return redirect(url_for(".overview", consultation_id=consultation.id), code=303)
    job = services.start_analysis(
        consultation.id,
        k=form.k_value(),
        seed_themes=form.seed_theme_list(),
        staff_id=current_user.id,
    )
    return redirect(url_for(".job", consultation_id=consultation.id, job_id=job.id), code=303)


@bp.get("/jobs/<int:job_id>")
@role_required(*PLANNERS)
def job(consultation_id: int, job_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    found = job_or_404(consultation, job_id)
    if found.status.value == "done" and request.args.get("go") == "1":
        return redirect(url_for(".overview", consultation_id=consultation.id), code=303)
    return render_template("themes/job.html", consultation=consultation, job=found)


@bp.get("/jobs/<int:job_id>.json")
@role_required(*PLANNERS)
def job_json(consultation_id: int, job_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    found = job_or_404(consultation, job_id)
    return jsonify(
        id=found.id,
        status=found.status.value,
        status_label=JOB_STATUS[found.status],
        progress=found.progress,
        message=found.message,
        error=found.error,
        result_id=found.result_id,
    )
