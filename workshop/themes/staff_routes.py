"""Planners' theme pages: start an analysis, follow its progress, read the themes, their word
clouds and the near-duplicate groups. Corrections are in staff_corrections.py, breakdowns and
comparisons in staff_breakdown.py."""

from __future__ import annotations

from collections import Counter

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from workshop import jobs, masks
from workshop.auth.access import role_required
from workshop.consultations import services as consultations
from workshop.errors import DomainError
from workshop.formfields import flash_form_errors
from workshop.models import (
    Analysis,
    AnalysisTheme,
    Consultation,
    JobKind,
    Question,
    Regrouping,
    Role,
)
from workshop.questionnaires.services import profile_labels
from workshop.themes import charts, reading, services, staff_bp
from workshop.themes.forms import (
    AnalyzeForm,
    CityThemeForm,
    MergeForm,
    MoveForm,
    RenameForm,
    SearchForm,
)
from workshop.themes.levels import Level, theme_level

PLANNERS = (Role.PLANNER,)
THEME_JOBS = (JobKind.TOKENS, JobKind.ANALYSIS)


def get_analysis(consultation_id: int, analysis_id: int) -> tuple[Consultation, Analysis]:
    consultation = consultations.get_consultation(consultation_id)
    return consultation, services.get_analysis(consultation.id, analysis_id)


def theme_choices(analysis: Analysis) -> list[tuple[int, str]]:
    return [(theme.id, theme.label) for theme in analysis.themes]


def theme_url(consultation: Consultation, analysis: Analysis, theme_id: int) -> str:
    return url_for(
        ".theme", consultation_id=consultation.id, analysis_id=analysis.id, theme_id=theme_id
    )


def wordcloud_alt(words: list[str], scope: str) -> str:
    return f"{scope}のワードクラウド。よく出る言葉: {'、'.join(words)}"


@staff_bp.get("/")
@role_required(*PLANNERS)
def overview(consultation_id: int) -> ResponseReturnValue:
    """The latest analysis of the comments, or with ?question=KEY of a free-text question's
    answers."""
    consultation = consultations.get_consultation(consultation_id)
    question = services.text_question(consultation.id, request.args.get("question"))
    return render_overview(consultation, MergeForm(), question=question)


def overview_url(consultation: Consultation, question: Question | None) -> str:
    key = question.key if question else None
    return url_for(".overview", consultation_id=consultation.id, question=key)


def render_overview(
    consultation: Consultation,
    merge_form: MergeForm,
    status: int = 200,
    *,
    question: Question | None = None,
) -> ResponseReturnValue:
    analysis = services.latest_analysis(consultation.id, question.id if question else None)
    context: dict[str, object] = {}
    if analysis is not None:
        sizes = reading.theme_sizes(analysis.id)
        frequencies = reading.frequencies_by_theme(analysis)
        merge_form.source.choices = theme_choices(analysis)
        merge_form.target.choices = theme_choices(analysis)
        large = theme_level(analysis, Level.LARGE)
        large_sizes = large.regroup(sizes)
        context = {
            "sizes": sizes,
            "large_sizes": large_sizes,
            # その他 and, in analyses made before large themes, every theme
            "loose_themes": [theme for theme in analysis.themes if theme.parent_id is None],
            "chart": charts.size_chart(
                [(large.labels[key], large_sizes.get(key, 0)) for key in large.keys],
                analysis.n_comments,
                "大きなテーマごとの意見の件数"
                if analysis.large_themes
                else "テーマごとの意見の件数",
            ),
            "top_words": {
                theme_id: reading.top_words(counts) for theme_id, counts in frequencies.items()
            },
            "all_words": reading.top_words(sum(frequencies.values(), Counter())),
            "quotes": reading.representatives(analysis),
            "wordcloud_alt": wordcloud_alt,
        }
    return render_template(
        "themes/staff/overview.html",
        consultation=consultation,
        analysis=analysis,
        question=question,
        text_questions=services.text_questions(consultation.id),
        form=AnalyzeForm(
            regrouping=(Regrouping.EXTEND if analysis else Regrouping.FRESH).value,
            question=question.key if question else "",
        ),
        merge_form=merge_form,
        running=services.running_job(consultation.id),
        **context,
    ), status


@staff_bp.post("/analyze")
@role_required(*PLANNERS)
def analyze(consultation_id: int) -> ResponseReturnValue:
    consultation = consultations.get_consultation(consultation_id)
    form = AnalyzeForm()
    question = services.text_question(consultation.id, form.question.data)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(overview_url(consultation, question), code=303)
    try:
        job = services.start_analysis(
            consultation.id,
            k=form.k_value(),
            seed_themes=form.seed_theme_list(),
            regrouping=form.regrouping_value(),
            staff_id=current_user.id,
            question_id=question.id if question else None,
        )
    except DomainError as error:  # nothing to extend yet: the planner chooses again
        flash(error.message, "error")
        return redirect(overview_url(consultation, question), code=303)
    return redirect(url_for(".job", consultation_id=consultation.id, job_id=job.id), code=303)


@staff_bp.get("/jobs/<int:job_id>")
@role_required(*PLANNERS)
def job(consultation_id: int, job_id: int) -> ResponseReturnValue:
    consultation = consultations.get_consultation(consultation_id)
    found = jobs.consultation_job(consultation.id, job_id, *THEME_JOBS)
    if found.status.value == "done" and request.args.get("go") == "1":
        return redirect(overview_url(consultation, services.job_question(found)), code=303)
    return render_template("themes/staff/job.html", consultation=consultation, job=found)


@staff_bp.get("/jobs/<int:job_id>.json")
@role_required(*PLANNERS)
def job_json(consultation_id: int, job_id: int) -> ResponseReturnValue:
    consultation = consultations.get_consultation(consultation_id)
    found = jobs.consultation_job(consultation.id, job_id, *THEME_JOBS)
    return jsonify(jobs.status(found))


# ---------------------------------------------------------------- one theme


PER_PAGE = 50


@staff_bp.get("/analyses/<int:analysis_id>/themes/<int:theme_id>")
@role_required(*PLANNERS)
def theme(consultation_id: int, analysis_id: int, theme_id: int) -> ResponseReturnValue:
    consultation, analysis = get_analysis(consultation_id, analysis_id)
    found = services.get_theme(analysis, theme_id)
    return render_theme(consultation, analysis, found, RenameForm(label=found.label))


def render_theme(
    consultation: Consultation,
    analysis: Analysis,
    found: AnalysisTheme,
    rename_form: RenameForm,
    status: int = 200,
) -> ResponseReturnValue:
    search = SearchForm(formdata=request.args)
    query = (search.q.data or "").strip() if search.validate() else ""
    everyone = reading.member_ids(analysis.id, found.id)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    shown = reading.theme_comments(analysis, found.id, query, page=page, per_page=PER_PAGE)
    keywords = [str(term) for term, _ in found.keywords[:10]]
    words = reading.top_words(reading.token_frequencies(everyone, analysis.question_id))
    move_form = MoveForm()
    move_form.target.choices = [c for c in theme_choices(analysis) if c[0] != found.id]
    texts = masks.masked_texts((c.id for c in shown.items), analysis.question_id)
    return render_template(
        "themes/staff/theme.html",
        consultation=consultation,
        analysis=analysis,
        theme=found,
        size=len(everyone),
        comments=shown.items,
        about=profile_labels([c.id for c in shown.items]),
        n_matching=shown.total,
        page=page,
        pages=max(shown.pages, 1),
        bodies={
            c.id: reading.highlight(texts[c.id], [*keywords, *query.split()]) for c in shown.items
        },
        moved_ids=reading.moved_comment_ids(analysis.id),
        duplicate_sizes=reading.duplicate_sizes(analysis),
        keywords=keywords,
        query=query,
        search=search,
        rename_form=rename_form,
        city_form=CityThemeForm(is_city_theme=found.is_city_theme),
        move_form=move_form,
        top_words=words,
        wordcloud_alt=wordcloud_alt(words, f"「{found.label}」"),
        is_latest=analysis.id
        == getattr(services.latest_analysis(consultation.id, analysis.question_id), "id", None),
    ), status


# ---------------------------------------------------------------- word clouds


def png(content: bytes | None) -> ResponseReturnValue:
    if content is None:
        abort(404)
    response = current_app.response_class(content, mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@staff_bp.get("/analyses/<int:analysis_id>/wordcloud.png")
@role_required(*PLANNERS)
def wordcloud(consultation_id: int, analysis_id: int) -> ResponseReturnValue:
    _, analysis = get_analysis(consultation_id, analysis_id)
    ids = [i for group in services.members(analysis.id).values() for i in group]
    return png(reading.wordcloud_png(reading.wordcloud_dir(), analysis, None, ids))


@staff_bp.get("/analyses/<int:analysis_id>/themes/<int:theme_id>/wordcloud.png")
@role_required(*PLANNERS)
def theme_wordcloud(consultation_id: int, analysis_id: int, theme_id: int) -> ResponseReturnValue:
    _, analysis = get_analysis(consultation_id, analysis_id)
    found = services.get_theme(analysis, theme_id)
    ids = reading.member_ids(analysis.id, found.id)
    return png(reading.wordcloud_png(reading.wordcloud_dir(), analysis, found.id, ids))


# ---------------------------------------------------------------- near duplicates

DUPLICATES_SHOWN = 5  # receipt numbers listed per group; the count says how many more


@staff_bp.get("/analyses/<int:analysis_id>/duplicates")
@role_required(*PLANNERS)
def duplicates(consultation_id: int, analysis_id: int) -> ResponseReturnValue:
    consultation, analysis = get_analysis(consultation_id, analysis_id)
    found = reading.duplicate_groups(analysis, max(request.args.get("page", 1, type=int) or 1, 1))
    shown = [i for group in found.groups for i in group.comment_ids[:DUPLICATES_SHOWN]]
    return render_template(
        "themes/staff/duplicates.html",
        consultation=consultation,
        analysis=analysis,
        found=found,
        shown=DUPLICATES_SHOWN,
        labels={theme.id: theme.label for theme in analysis.themes},
        comments=reading.comments_by_id(shown),
    )
