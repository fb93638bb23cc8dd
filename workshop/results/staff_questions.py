"""Planners read a questionnaire's results: a chart and a table per question, a cross tab of
any two choice questions (and its CSV), the free-text themes split by a choice question."""

from __future__ import annotations

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue

from workshop import tabular
from workshop.auth.access import role_required
from workshop.consultations import services as consultations
from workshop.results import staff_bp
from workshop.results.forms import CrossTabForm, ThemesByForm
from workshop.results.services import questionnaire
from workshop.results.staff_routes import PLANNERS
from workshop.themes.levels import parse_level
from workshop.themes.services.lookup import latest_analysis, text_questions
from workshop.views import download


def asked_for_cross_tab() -> bool:
    return "row" in request.args or "column" in request.args


@staff_bp.get("/questions")
@role_required(*PLANNERS)
def questions(consultation_id: int) -> ResponseReturnValue:
    consultation = consultations.get_consultation(consultation_id)
    results = questionnaire.question_results(consultation.id)
    offered = questionnaire.choice_questions(results)
    choices = [(q.key, q.text) for q in offered]
    asked = asked_for_cross_tab()
    form = CrossTabForm(formdata=request.args if asked else None)
    form.row.choices = form.column.choices = choices
    tab = None
    status = 200
    if asked and not form.validate():
        status = 422
    elif asked:
        tab = questionnaire.cross_tab(consultation.id, form.row.data, form.column.data)
    elif len(choices) >= 2:
        # the form's first suggestion: the first attribute (they come first) by the first
        # question of the questionnaire itself; counted when asked, since a cross tab reads
        # every answer of two questions
        others = [q.key for q in offered[1:] if not q.is_attribute] or [offered[1].key]
        form.row.data, form.column.data = offered[0].key, others[0]
    themes_form = ThemesByForm(formdata=request.args if "by" in request.args else None)
    themes_form.by.choices = choices
    texts = text_questions(consultation.id)
    themes_form.text.choices = [("", "意見欄（自由記述）"), *((q.key, q.text) for q in texts)]
    question = next((q for q in texts if q.key == themes_form.text.data), None)
    analysis = latest_analysis(consultation.id, question.id if question else None)
    split = None
    if "by" in request.args:
        if not themes_form.validate():
            status = 422
        elif analysis is not None:
            level = parse_level(themes_form.level.data, analysis)
            split = questionnaire.themes_by_question(analysis, themes_form.by.data, level)
    return render_template(
        "results/staff/questions.html",
        analysis=analysis,
        question=question,
        themes_form=themes_form,
        split=split,
        split_chart=questionnaire.charts.cross_tab_chart(split) if split else None,
        consultation=consultation,
        results=results,
        respondents=consultations.count_comments(consultation.id),
        form=form,
        tab=tab,
        tab_chart=questionnaire.charts.cross_tab_chart(tab) if tab else None,
    ), status


@staff_bp.get("/crosstab.csv")
@role_required(*PLANNERS)
def cross_tab_csv(consultation_id: int) -> ResponseReturnValue:
    consultation = consultations.get_consultation(consultation_id)
    form = CrossTabForm(formdata=request.args)
    keys = [q.key for q in questionnaire.questions_of(consultation.id)]
    form.row.choices = form.column.choices = [(key, key) for key in keys]
    if not form.validate():
        abort(400)
    tab = questionnaire.cross_tab(consultation.id, form.row.data, form.column.data)
    header, rows = tab.csv_rows()
    filename = f"{consultation.slug}-crosstab-{tab.row_key}-{tab.column_key}.csv"
    return download(tabular.to_csv(header, rows), filename, "text/csv; charset=utf-8")
