"""Residents read the city's response once it is published: on a page, printed, per theme,
or downloaded as CSV and Excel. No login."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue

from workshop.consultations import services as consultations
from workshop.results import bp
from workshop.results.services import exports, questionnaire, reading
from workshop.results.services.publishing import NotPublished
from workshop.views import download

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def results_page(slug: str, template: str) -> ResponseReturnValue:
    """The published results on screen or for print; before they are published, a page that
    says so (404)."""
    try:
        found = reading.published_results(slug)
    except NotPublished:
        consultation = consultations.get_consultation_by_slug(slug)
        return render_template("results/not_published.html", consultation=consultation), 404
    # the questionnaire's choice and number questions as charts, beside the themes; the
    # answers of text questions are not published here
    charted = [
        result
        for result in questionnaire.question_results(found.consultation.id)
        if result.tally is not None or result.summary is not None
    ]
    return render_template(
        template, results=found, consultation=found.consultation, questions=charted
    )


@bp.get("/consultations/<slug>/results")
def show(slug: str) -> ResponseReturnValue:
    return results_page(slug, "results/show.html")


@bp.get("/consultations/<slug>/results/print")
def print_page(slug: str) -> ResponseReturnValue:
    return results_page(slug, "results/print.html")


@bp.get("/consultations/<slug>/results/themes/<int:number>")
def theme(slug: str, number: int) -> ResponseReturnValue:
    found = reading.published_theme(slug, number, request.args.get("page", 1, type=int) or 1)
    return render_template("results/theme.html", found=found, consultation=found.consultation)


@bp.get("/consultations/<slug>/results.csv")
def results_csv(slug: str) -> ResponseReturnValue:
    found = reading.published_results(slug, per_theme=0)  # the table: counts, no comments
    return download(exports.results_csv(found), f"{slug}-results.csv", "text/csv; charset=utf-8")


@bp.get("/consultations/<slug>/results.xlsx")
def results_xlsx(slug: str) -> ResponseReturnValue:
    found = reading.published_results(slug, per_theme=0)
    return download(exports.results_xlsx(found), f"{slug}-results.xlsx", XLSX)
