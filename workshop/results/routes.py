"""The city's response: planners write and publish it; residents read, print and download it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from workshop.auth.access import role_required
from workshop.consultations import services as consultations
from workshop.errors import DomainError, NotFound
from workshop.formfields import flash_form_errors
from workshop.models import Analysis, Consultation, Role
from workshop.results import bp, public_bp, services
from workshop.results.forms import CarryOverForm, PublishForm, ResponseForm, WithdrawForm
from workshop.views import download

PLANNERS = (Role.PLANNER,)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def consultation_or_404(consultation_id: int) -> Consultation:
    try:
        return consultations.get_consultation(consultation_id)
    except NotFound:
        abort(404)


def analysis_or_404(consultation: Consultation, analysis_id: int | None) -> Analysis | None:
    try:
        return services.chosen_analysis(consultation.id, analysis_id)
    except NotFound:
        abort(404)


def response_forms(analysis: Analysis | None) -> dict[int, ResponseForm]:
    if analysis is None:
        return {}
    written = services.responses(analysis)
    forms = {}
    for theme in analysis.themes:
        row = written.get(theme.id)
        data = (
            {"summary": row.summary, "response": row.response, "outcome": row.outcome.value}
            if row
            else None
        )
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
    publication = services.get_publication(consultation.id)
    written = services.responses(analysis) if analysis else {}
    earlier = services.previous_with_responses(analysis) if analysis else None
    return render_template(
        "results/edit.html",
        consultation=consultation,
        analysis=analysis,
        analyses=services.list_analyses(consultation.id),
        publication=publication,
        preview=services.build_results(consultation, analysis) if analysis else None,
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
    consultation: Consultation, analysis_id: int, anchor: str = ""
) -> ResponseReturnValue:
    url = url_for(".edit", consultation_id=consultation.id, analysis=analysis_id)
    return redirect(url + anchor, code=303)


@bp.get("/")
@role_required(*PLANNERS)
def edit(consultation_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    analysis = analysis_or_404(consultation, request.args.get("analysis", type=int))
    return edit_page(consultation, analysis)


@bp.post("/responses")
@role_required(*PLANNERS)
def save_response(consultation_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    # one form per theme on the page; the theme's id also prefixes the fields' names and ids
    theme_id = request.form.get("theme_id", type=int)
    try:
        theme = services.theme_of_consultation(consultation.id, theme_id or 0)
    except NotFound:
        abort(404)
    form = ResponseForm(prefix=f"theme-{theme.id}")
    if not form.validate_on_submit():
        return edit_page(consultation, theme.analysis, forms={theme.id: form}, status=422)
    try:
        services.save_response(consultation.id, theme.id, form.to_input(), staff_id=current_user.id)
    except DomainError as error:
        flash(error.message, "error")
        return edit_page(consultation, theme.analysis, forms={theme.id: form}, status=error.status)
    flash(f"「{theme.label}」の意見の概要と市の考え方を保存しました。", "success")
    return back_to_page(consultation, theme.analysis_id, f"#theme-{theme.id}")


@bp.post("/publish")
@role_required(*PLANNERS)
def publish(consultation_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    form = PublishForm()
    analysis_id = form.analysis_value()
    analysis = analysis_or_404(consultation, analysis_id)
    if not form.validate_on_submit() or analysis is None:
        flash_form_errors(form)
        return edit_page(consultation, analysis, status=422)
    try:
        services.publish(consultation.id, analysis.id, staff_id=current_user.id)
    except DomainError as error:
        flash(error.message, "error")
        return edit_page(consultation, analysis, status=error.status)
    flash("結果を公表しました。公表ページで内容をご確認ください。", "success")
    return back_to_page(consultation, analysis.id)


@bp.post("/carry-over")
@role_required(*PLANNERS)
def carry_over(consultation_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    form = CarryOverForm()
    ids = form.ids()
    if not form.validate_on_submit() or ids is None:
        flash_form_errors(form)
        return redirect(url_for(".edit", consultation_id=consultation.id), code=303)
    source_id, target_id = ids
    try:
        copied = services.carry_over_responses(consultation.id, source_id, target_id)
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(error.message, "error")
        return back_to_page(consultation, target_id)
    if copied:
        flash(f"前の分析で書いた意見の概要と市の考え方を{copied}件引き継ぎました。", "success")
    else:
        flash("引き継げるテーマはありませんでした。意見のまとまりが大きく変わっています。", "error")
    return back_to_page(consultation, target_id)


@bp.post("/withdraw")
@role_required(*PLANNERS)
def withdraw(consultation_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for(".edit", consultation_id=consultation.id), code=303)
    try:
        services.withdraw(consultation.id)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for(".edit", consultation_id=consultation.id), code=303)
    flash("公表を取り下げました。公表ページは見られなくなりました。", "success")
    return redirect(url_for(".edit", consultation_id=consultation.id), code=303)


# ---------------------------------------------------------------- residents


def published_or_page(slug: str) -> services.Results | ResponseReturnValue:
    try:
        return services.published_results(slug)
    except services.NotPublished:
        consultation = consultations.get_consultation_by_slug(slug)
        return render_template("results/not_published.html", consultation=consultation), 404
    except NotFound:
        abort(404)


def published_or_404(slug: str) -> services.Results:
    try:
        return services.published_results(slug)
    except NotFound:
        abort(404)


@public_bp.app_template_global()
def published_results_url(consultation: Consultation) -> str | None:
    if not services.is_published(consultation.id):
        return None
    return url_for("public_results.show", slug=consultation.slug)


@public_bp.get("/consultations/<slug>/results")
def show(slug: str) -> ResponseReturnValue:
    found = published_or_page(slug)
    if not isinstance(found, services.Results):
        return found
    return render_template("results/show.html", results=found, consultation=found.consultation)


@public_bp.get("/consultations/<slug>/results/print")
def print_page(slug: str) -> ResponseReturnValue:
    found = published_or_page(slug)
    if not isinstance(found, services.Results):
        return found
    return render_template("results/print.html", results=found, consultation=found.consultation)


@public_bp.get("/consultations/<slug>/results/themes/<int:number>")
def theme(slug: str, number: int) -> ResponseReturnValue:
    try:
        found = services.published_theme(slug, number, request.args.get("page", 1, type=int) or 1)
    except NotFound:
        abort(404)
    return render_template("results/theme.html", found=found, consultation=found.consultation)


@public_bp.get("/consultations/<slug>/results.csv")
def results_csv(slug: str) -> ResponseReturnValue:
    found = published_or_404(slug)
    return download(services.results_csv(found), f"{slug}-results.csv", "text/csv; charset=utf-8")


@public_bp.get("/consultations/<slug>/results.xlsx")
def results_xlsx(slug: str) -> ResponseReturnValue:
    found = published_or_404(slug)
    return download(services.results_xlsx(found), f"{slug}-results.xlsx", XLSX)
