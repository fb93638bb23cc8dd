"""Planners correct an analysis: rename a theme, mark it as the city's, merge two themes and
move a comment. Each shows the page it came from again when the correction is refused."""

from __future__ import annotations

from flask import flash, redirect, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from workshop.auth.access import role_required
from workshop.errors import DomainError
from workshop.formfields import flash_form_errors
from workshop.models import Analysis, AnalysisTheme, Consultation
from workshop.themes import services, staff_bp
from workshop.themes.forms import CityThemeForm, MergeForm, MoveForm, RenameForm
from workshop.themes.staff_routes import (
    PLANNERS,
    get_analysis,
    render_overview,
    render_theme,
    theme_choices,
    theme_url,
)

THEME = "/analyses/<int:analysis_id>/themes/<int:theme_id>"


@staff_bp.post(f"{THEME}/rename")
@role_required(*PLANNERS)
def rename(consultation_id: int, analysis_id: int, theme_id: int) -> ResponseReturnValue:
    consultation, analysis = get_analysis(consultation_id, analysis_id)
    found = services.get_theme(analysis, theme_id)
    form = RenameForm()
    if not form.validate_on_submit():
        return render_theme(consultation, analysis, found, form, 422)
    try:
        services.rename_theme(analysis, found.id, form.label.data or "", staff_id=current_user.id)
    except DomainError as error:
        flash(error.message, "error")
        return render_theme(consultation, analysis, found, form, error.status)
    flash(f"テーマの名前を「{found.label}」に変えました。", "success")
    return redirect(theme_url(consultation, analysis, found.id), code=303)


@staff_bp.post(f"{THEME}/city-theme")
@role_required(*PLANNERS)
def city_theme(consultation_id: int, analysis_id: int, theme_id: int) -> ResponseReturnValue:
    consultation, analysis = get_analysis(consultation_id, analysis_id)
    found = services.get_theme(analysis, theme_id)
    form = CityThemeForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return render_theme(consultation, analysis, found, RenameForm(label=found.label), 422)
    value = bool(form.is_city_theme.data)
    try:
        services.mark_city_theme(analysis, found.id, value, staff_id=current_user.id)
    except DomainError as error:
        flash(error.message, "error")
        return render_theme(
            consultation, analysis, found, RenameForm(label=found.label), error.status
        )
    flash("市のテーマにしました。" if value else "市のテーマの印を外しました。", "success")
    return redirect(theme_url(consultation, analysis, found.id), code=303)


@staff_bp.post("/analyses/<int:analysis_id>/merge")
@role_required(*PLANNERS)
def merge(consultation_id: int, analysis_id: int) -> ResponseReturnValue:
    consultation, analysis = get_analysis(consultation_id, analysis_id)
    form = MergeForm()
    form.source.choices = form.target.choices = theme_choices(analysis)
    if not form.validate_on_submit():
        return render_overview(consultation, form, 422, question=analysis.question)
    source, target = form.source.data, form.target.data
    assert source is not None and target is not None  # InputRequired
    try:
        services.merge_themes(analysis, source, target, staff_id=current_user.id)
    except DomainError as error:
        flash(error.message, "error")
        return render_overview(consultation, form, error.status, question=analysis.question)
    flash(
        f"2つのテーマを「{services.get_theme(analysis, target).label}」に統合しました。", "success"
    )
    return redirect(theme_url(consultation, analysis, target), code=303)


@staff_bp.post("/analyses/<int:analysis_id>/comments/<int:comment_id>/move")
@role_required(*PLANNERS)
def move(consultation_id: int, analysis_id: int, comment_id: int) -> ResponseReturnValue:
    consultation, analysis = get_analysis(consultation_id, analysis_id)
    form = MoveForm()
    form.target.choices = theme_choices(analysis)
    back = request.form.get("from_theme", type=int)
    came_from = next((t for t in analysis.themes if t.id == back), None)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return failed_move(consultation, analysis, came_from, 422)
    assert form.target.data is not None
    try:
        services.move_comment(analysis, comment_id, form.target.data, staff_id=current_user.id)
    except DomainError as error:
        flash(error.message, "error")
        return failed_move(consultation, analysis, came_from, error.status)
    target = services.get_theme(analysis, form.target.data)
    flash(f"意見を「{target.label}」に移しました。", "success")
    where = came_from.id if came_from else target.id
    return redirect(theme_url(consultation, analysis, where), code=303)


def failed_move(
    consultation: Consultation, analysis: Analysis, came_from: AnalysisTheme | None, status: int
) -> ResponseReturnValue:
    if came_from is None:
        return render_overview(consultation, MergeForm(), status, question=analysis.question)
    return render_theme(
        consultation, analysis, came_from, RenameForm(label=came_from.label), status
    )
