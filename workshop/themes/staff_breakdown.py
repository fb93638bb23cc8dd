"""Planners break the themes down by one attribute of the respondents (age group, district,
channel, ...) as a table, chart and CSV, and compare two groups of respondents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, render_template, request, url_for
from flask.typing import ResponseReturnValue

from workshop import tabular
from workshop.auth.access import role_required
from workshop.models import Analysis, Consultation
from workshop.themes import charts, staff_bp, stats
from workshop.themes.forms import BreakdownForm, CompareForm
from workshop.themes.levels import LEVEL_LABELS, Level, ThemeLevel, parse_level, theme_level
from workshop.themes.staff_routes import PLANNERS, get_analysis
from workshop.timeutil import TOKYO
from workshop.views import download

LEVEL_HEADINGS = {Level.LARGE: "大きなテーマ", Level.SMALL: "テーマ"}


def build_cross_table(
    attributes: stats.Attributes, analysis: Analysis, attribute: str, rows_of: ThemeLevel
) -> tuple[stats.CrossTable, dict[str, str]]:
    fetched = stats.fetch_rows(analysis.id, attributes.questions([attribute]))
    rows = stats.regroup_rows(fetched, rows_of.key_of)
    values = stats.present_values(rows, attribute, attributes)
    return stats.cross_table(rows, attribute, rows_of.keys, list(values)), values


def breakdown_form(attributes: stats.Attributes, formdata: Any) -> BreakdownForm:
    """The attribute menu: the respondents' attributes, then the questionnaire's choices."""
    form = BreakdownForm(formdata=formdata)
    form.attribute.choices = list(attributes.names.items())
    return form


def level_of_page(analysis: Analysis) -> ThemeLevel:
    return theme_level(analysis, parse_level(request.args.get("level"), analysis))


def row_links(
    consultation: Consultation, analysis: Analysis, rows_of: ThemeLevel
) -> dict[int, str]:
    """Where a row's name leads: the theme's page, or a large theme on the overview."""
    links = {
        key: url_for(
            ".theme", consultation_id=consultation.id, analysis_id=analysis.id, theme_id=theme.id
        )
        for key, theme in rows_of.themes.items()
    }
    overview = url_for(".overview", consultation_id=consultation.id)
    return links | {key: f"{overview}#large-{key}" for key in rows_of.large_themes}


def page_context(
    consultation: Consultation, analysis: Analysis, rows_of: ThemeLevel
) -> dict[str, Any]:
    return {
        "consultation": consultation,
        "analysis": analysis,
        "level": rows_of.level,
        "levels": LEVEL_LABELS,
        "row_heading": LEVEL_HEADINGS[rows_of.level],
        "labels": rows_of.labels,
        "links": row_links(consultation, analysis, rows_of),
    }


@staff_bp.get("/analyses/<int:analysis_id>/breakdown")
@role_required(*PLANNERS)
def breakdown(consultation_id: int, analysis_id: int) -> ResponseReturnValue:
    consultation, analysis = get_analysis(consultation_id, analysis_id)
    attributes = stats.Attributes.of(consultation)
    form = breakdown_form(attributes, request.args if request.args else None)
    status = 200
    if request.args and not form.validate():
        status = 422
    attribute = form.attribute.data if status == 200 else "age_group"
    rows_of = level_of_page(analysis)
    table, values = build_cross_table(attributes, analysis, attribute, rows_of)
    name = attributes.names[attribute]
    chart = charts.cross_table_chart(table, values, rows_of.labels, name)
    return render_template(
        "themes/staff/breakdown.html",
        form=form,
        attribute=attribute,
        attribute_label=name,
        is_multiple=attribute in attributes.multiple,
        table=table,
        values=values,
        chart=chart,
        **page_context(consultation, analysis, rows_of),
    ), status


@staff_bp.get("/analyses/<int:analysis_id>/breakdown.csv")
@role_required(*PLANNERS)
def breakdown_csv(consultation_id: int, analysis_id: int) -> ResponseReturnValue:
    consultation, analysis = get_analysis(consultation_id, analysis_id)
    attributes = stats.Attributes.of(consultation)
    form = breakdown_form(attributes, request.args)
    if not form.validate():
        abort(400)
    attribute = form.attribute.data
    rows_of = level_of_page(analysis)
    table, values = build_cross_table(attributes, analysis, attribute, rows_of)
    name = attributes.names[attribute]
    parents = None
    if rows_of.level is Level.SMALL and analysis.large_themes:
        parents = {t.id: t.parent.label for t in analysis.themes if t.parent is not None}
    header, rows = stats.cross_table_csv(
        table,
        values,
        rows_of.labels,
        name,
        theme_heading=LEVEL_HEADINGS[rows_of.level],
        parents=parents,
    )
    stamp = datetime.now(TOKYO).strftime("%Y%m%d-%H%M")
    level = "-large" if rows_of.level is Level.LARGE else ""
    filename = f"{consultation.slug}-themes{level}-{attribute.replace('.', '-')}-{stamp}.csv"
    return download(tabular.to_csv(header, rows), filename, "text/csv")


@staff_bp.get("/analyses/<int:analysis_id>/compare")
@role_required(*PLANNERS)
def compare(consultation_id: int, analysis_id: int) -> ResponseReturnValue:
    consultation, analysis = get_analysis(consultation_id, analysis_id)
    attributes = stats.Attributes.of(consultation)
    about = attributes.questions(stats.PROFILE_ATTRIBUTES)  # 年代, 地区, 関係
    rows = stats.fetch_rows(analysis.id, about)
    labels = stats.attribute_labels(rows, attributes)
    choices = [
        (f"{attribute}:{value}", label)
        for attribute, values in labels.items()
        for value, label in values.items()
    ]
    # ?level=... alone (the level switch before any comparison) asks for no comparison yet
    asked = "a" in request.args or "b" in request.args
    form = CompareForm(formdata=request.args if asked else None)
    form.a.choices = form.b.choices = choices
    rows_of = level_of_page(analysis)
    context: dict[str, object] = {}
    status = 200
    if asked and not form.validate():
        status = 422
    elif asked:
        a = stats.Segment.parse(form.a.data or [])
        b = stats.Segment.parse(form.b.data or [])
        asked_questions = attributes.questions([*a.values, *b.values])
        if set(asked_questions) - set(about):  # the questions the groups are made of
            rows = stats.fetch_rows(analysis.id, asked_questions)
        regrouped = stats.regroup_rows(rows, rows_of.key_of)
        result = stats.compare(regrouped, rows_of.keys, a, b)
        a_name = stats.describe(a, labels, attributes.names)
        b_name = (
            stats.describe(b, labels, attributes.names) if not b.is_empty else "A以外のすべての人"
        )
        context = {
            "result": result,
            "a_name": a_name,
            "b_name": b_name,
            "chart": charts.comparison_chart(result, rows_of.labels, a_name, b_name),
            "points": charts.points,
        }
    page = page_context(consultation, analysis, rows_of)
    return render_template(
        "themes/staff/compare.html",
        presets=stats.presets(labels),
        form=form,
        attribute_labels=labels,
        attribute_names=attributes.names,
        **(page | context),
    ), status
