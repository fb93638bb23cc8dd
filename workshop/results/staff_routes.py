"""Planners write the city's response per theme, publish one analysis with it, or withdraw it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from workshop.auth.access import role_required
from workshop.consultations import services as consultations
from workshop.errors import DomainError, NotFound
from workshop.formfields import flash_form_errors
from workshop.models import Analysis, Consultation, Role
from workshop.results import staff_bp
from workshop.results.forms import CarryOverForm, PublishForm, ResponseForm, WithdrawForm
from workshop.results.services import publishing, reading, writing

PLANNERS = (Role.PLANNER,)


def response_forms(analysis: Analysis | None) -> dict[int, ResponseForm]:
    if analysis is None:
        return {}
    written = writing.responses(analysis)
    forms = {}
    for theme in analysis.themes:
        row = written.get(theme.id)
        data: dict[str, str] | None
        if row is not None:
            data = {"summary": row.summary, "response": row.response, "outcome": row.outcome.value}
        else:  # the analysis' summary as a draft: kept only when the planner saves it
            data = {"summary": theme.summary} if theme.summary else None
        forms[theme.id] = ResponseForm(formdata=None, prefix=f"theme-{theme.id}", data=data)
    return forms


def edit_page(
    consultation: Consultation,
    analysis: Analysis | None,
    *,
    forms: dict[int, ResponseForm] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    all_forms = response_forms(analysis) | (forms or {})
    publication = publishing.get_publication(consultation.id)
    written = writing.responses(analysis) if analysis else {}
    earlier = writing.previous_with_responses(analysis) if analysis else None
    return render_template(
        "results/staff/edit.html",
        consultation=consultation,
        analysis=analysis,
        analyses=writing.list_analyses(consultation.id),
        publication=publication,
        preview=reading.build_results(consultation, analysis) if analysis else None,
        written=written,
        earlier=earlier,
        carry_over_form=CarryOverForm(
            formdata=None,
            source_id=earlier.id if earlier else "",
            target_id=analysis.id if analysis else "",
        ),
        forms=all_forms,
        received=consultations.count_comments(consultation.id),
        publish_form=PublishForm(formdata=None, analysis_id=analysis.id if analysis else ""),
        withdraw_form=WithdrawForm(formdata=None),
    ), status


def back_to_page(
    consultation: Consultation, analysis_id: int | None = None, anchor: str = ""
) -> ResponseReturnValue:
    """The results page again (of one analysis when given; else the one it chooses)."""
    url = url_for(".edit", consultation_id=consultation.id, analysis=analysis_id)
    return redirect(url + anchor, code=303)


@staff_bp.get("/")
@role_required(*PLANNERS)
def edit(consultation_id: int) -> ResponseReturnValue:
    consultation = consultations.get_consultation(consultation_id)
    analysis = publishing.chosen_analysis(consultation.id, request.args.get("analysis", type=int))
    return edit_page(consultation, analysis)


@staff_bp.post("/responses")
@role_required(*PLANNERS)
def save_response(consultation_id: int) -> ResponseReturnValue:
    consultation = consultations.get_consultation(consultation_id)
    # one form per theme on the page; the theme's id also prefixes the fields' names and ids
    theme_id = request.form.get("theme_id", type=int)
    theme = writing.theme_of_consultation(consultation.id, theme_id or 0)
    form = ResponseForm(prefix=f"theme-{theme.id}")
    if not form.validate_on_submit():
        return edit_page(consultation, theme.analysis, forms={theme.id: form}, status=422)
    try:
        writing.save_response(consultation.id, theme.id, form.to_input(), staff_id=current_user.id)
    except DomainError as error:
        flash(error.message, "error")
        return edit_page(consultation, theme.analysis, forms={theme.id: form}, status=error.status)
    flash(f"「{theme.label}」の意見の概要と市の考え方を保存しました。", "success")
    return back_to_page(consultation, theme.analysis_id, f"#theme-{theme.id}")


@staff_bp.post("/publish")
@role_required(*PLANNERS)
def publish(consultation_id: int) -> ResponseReturnValue:
    consultation = consultations.get_consultation(consultation_id)
    form = PublishForm()
    analysis_id = form.analysis_value()
    analysis = publishing.chosen_analysis(consultation.id, analysis_id)
    if not form.validate_on_submit() or analysis is None:
        flash_form_errors(form)
        return edit_page(consultation, analysis, status=422)
    try:
        publishing.publish(consultation.id, analysis.id, staff_id=current_user.id)
    except DomainError as error:
        flash(error.message, "error")
        return edit_page(consultation, analysis, status=error.status)
    flash("結果を公表しました。公表ページで内容をご確認ください。", "success")
    return back_to_page(consultation, analysis.id)


@staff_bp.post("/carry-over")
@role_required(*PLANNERS)
def carry_over(consultation_id: int) -> ResponseReturnValue:
    consultation = consultations.get_consultation(consultation_id)
    form = CarryOverForm()
    ids = form.ids()
    if not form.validate_on_submit() or ids is None:
        flash_form_errors(form)
        return back_to_page(consultation)
    source_id, target_id = ids
    try:
        copied = writing.carry_over_responses(consultation.id, source_id, target_id)
    except NotFound:
        raise  # an analysis of another consultation: the 404 page, not a message
    except DomainError as error:
        flash(error.message, "error")
        return back_to_page(consultation, target_id)
    if copied:
        flash(f"前の分析で書いた意見の概要と市の考え方を{copied}件引き継ぎました。", "success")
    else:
        flash("引き継げるテーマはありませんでした。意見のまとまりが大きく変わっています。", "error")
    return back_to_page(consultation, target_id)


@staff_bp.post("/withdraw")
@role_required(*PLANNERS)
def withdraw(consultation_id: int) -> ResponseReturnValue:
    consultation = consultations.get_consultation(consultation_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return back_to_page(consultation)
    try:
        publishing.withdraw(consultation.id)
    except DomainError as error:
        flash(error.message, "error")
        return back_to_page(consultation)
    flash("公表を取り下げました。公表ページは見られなくなりました。", "success")
    return back_to_page(consultation)
