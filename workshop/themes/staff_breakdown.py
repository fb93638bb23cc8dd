"""Planners break the themes down by one attribute of the respondents (age group, district,
channel, ...) as a table, chart and CSV, and compare two groups of respondents."""

from __future__ import annotations

from datetime import datetime

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue

from workshop import tabular
from workshop.auth.access import role_required
from workshop.models import Analysis, Consultation
from workshop.themes import charts, staff_bp, stats
from workshop.themes.forms import BreakdownForm, CompareForm
from workshop.themes.staff_routes import PLANNERS, get_analysis
from workshop.timeutil import TOKYO
from workshop.views import download


def build_cross_table(
    consultation: Consultation, analysis: Analysis, attribute: str
) -> tuple[stats.CrossTable, dict[str, str]]:
    rows = stats.fetch_rows(analysis.id)
    values = stats.present_values(rows, attribute, consultation.districts)
    theme_ids = [theme.id for theme in analysis.themes]
    return stats.cross_table(rows, attribute, theme_ids, list(values)), values


@staff_bp.get("/analyses/<int:analysis_id>/breakdown")
@role_required(*PLANNERS)
def breakdown(consultation_id: int, analysis_id: int) -> ResponseReturnValue:
    consultation, analysis = get_analysis(consultation_id, analysis_id)
    form = BreakdownForm(formdata=request.args if request.args else None)
    status = 200
    if request.args and not form.validate():
        status = 422
    attribute = form.attribute.data if status == 200 else "age_group"
    table, values = build_cross_table(consultation, analysis, attribute)
    labels = {theme.id: theme.label for theme in analysis.themes}
    chart = charts.cross_table_chart(table, values, labels)
    return render_template(
        "themes/staff/breakdown.html",
        consultation=consultation,
        analysis=analysis,
        form=form,
        attribute=attribute,
        attribute_label=stats.ATTRIBUTE_LABELS[attribute],
        table=table,
        values=values,
        labels=labels,
        chart=chart,
    ), status


@staff_bp.get("/analyses/<int:analysis_id>/breakdown.csv")
@role_required(*PLANNERS)
def breakdown_csv(consultation_id: int, analysis_id: int) -> ResponseReturnValue:
    consultation, analysis = get_analysis(consultation_id, analysis_id)
    form = BreakdownForm(formdata=request.args)
    if not form.validate():
        abort(400)
    attribute = form.attribute.data
    table, values = build_cross_table(consultation, analysis, attribute)
    labels = {theme.id: theme.label for theme in analysis.themes}
    name = stats.ATTRIBUTE_LABELS[attribute]
    header, rows = stats.cross_table_csv(table, values, labels, name)
    stamp = datetime.now(TOKYO).strftime("%Y%m%d-%H%M")
    filename = f"{consultation.slug}-themes-{attribute}-{stamp}.csv"
    return download(tabular.to_csv(header, rows), filename, "text/csv")


@staff_bp.get("/analyses/<int:analysis_id>/compare")
@role_required(*PLANNERS)
def compare(consultation_id: int, analysis_id: int) -> ResponseReturnValue:
    consultation, analysis = get_analysis(consultation_id, analysis_id)
    rows = stats.fetch_rows(analysis.id)
    labels = stats.attribute_labels(rows, consultation.districts)
    choices = [
        (f"{attribute}:{value}", label)
        for attribute, values in labels.items()
        for value, label in values.items()
    ]
    form = CompareForm(formdata=request.args if request.args else None)
    form.a.choices = form.b.choices = choices
    context: dict[str, object] = {}
    status = 200
    if request.args and not form.validate():
        status = 422
    elif request.args:
        a = stats.Segment.parse(form.a.data or [])
        b = stats.Segment.parse(form.b.data or [])
        result = stats.compare(rows, [theme.id for theme in analysis.themes], a, b)
        names = {theme.id: theme.label for theme in analysis.themes}
        a_name = stats.describe(a, labels)
        b_name = stats.describe(b, labels) if not b.is_empty else "A以外のすべての人"
        context = {
            "result": result,
            "a_name": a_name,
            "b_name": b_name,
            "names": names,
            "chart": charts.comparison_chart(result, names, a_name, b_name),
            "points": charts.points,
        }
    return render_template(
        "themes/staff/compare.html",
        presets=stats.presets(labels),
        consultation=consultation,
        analysis=analysis,
        form=form,
        labels=labels,
        attribute_names=stats.ATTRIBUTE_LABELS,
        **context,
    ), status
