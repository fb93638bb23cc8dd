"""Planners' theme pages: start an analysis, follow its progress, read and correct the themes,
break them down by respondents' attributes and compare two groups."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user

from workshop import jobs, masks, tabular
from workshop.auth.access import role_required
from workshop.consultations import services as consultations
from workshop.errors import DomainError, NotFound
from workshop.formfields import flash_form_errors
from workshop.labels import JOB_STATUS
from workshop.models import Analysis, AnalysisTheme, Consultation, Job, Role
from workshop.themes import bp, charts, reading, services, stats
from workshop.themes.forms import (
    AnalyzeForm,
    BreakdownForm,
    CityThemeForm,
    CompareForm,
    MergeForm,
    MoveForm,
    RenameForm,
    SearchForm,
)
from workshop.timeutil import TOKYO
from workshop.views import download

PLANNERS = (Role.PLANNER,)


def consultation_or_404(consultation_id: int) -> Consultation:
    try:
        return consultations.get_consultation(consultation_id)
    except NotFound:
        abort(404)


def job_or_404(consultation: Consultation, job_id: int) -> Job:
    jobs.sweep_stale(consultation.id)  # a job whose runner died shows 失敗, not 処理中 for ever
    try:
        job = jobs.get_job(job_id)
    except NotFound:
        abort(404)
    if job.consultation_id != consultation.id:
        abort(404)
    return job


def analysis_or_404(consultation: Consultation, analysis_id: int) -> Analysis:
    try:
        return services.get_analysis(consultation.id, analysis_id)
    except NotFound:
        abort(404)


def theme_or_404(analysis: Analysis, theme_id: int) -> AnalysisTheme:
    try:
        return services.get_theme(analysis, theme_id)
    except NotFound:
        abort(404)


def theme_choices(analysis: Analysis) -> list[tuple[int, str]]:
    return [(theme.id, theme.label) for theme in analysis.themes]


def wordcloud_alt(words: list[str], scope: str) -> str:
    return f"{scope}のワードクラウド。よく出る言葉: {'、'.join(words)}"


@bp.get("/")
@role_required(*PLANNERS)
def overview(consultation_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    return render_overview(consultation, MergeForm())


def render_overview(
    consultation: Consultation, merge_form: MergeForm, status: int = 200
) -> ResponseReturnValue:
    analysis = services.latest_analysis(consultation.id)
    context: dict[str, object] = {}
    if analysis is not None:
        groups = services.members(analysis.id)
        sizes = {theme_id: len(ids) for theme_id, ids in groups.items()}
        frequencies = reading.frequencies_by_theme(analysis.id)
        merge_form.source.choices = theme_choices(analysis)
        merge_form.target.choices = theme_choices(analysis)
        context = {
            "sizes": sizes,
            "chart": charts.size_chart(
                [(theme.label, sizes.get(theme.id, 0)) for theme in analysis.themes],
                analysis.n_comments,
            ),
            "top_words": {
                theme_id: reading.top_words(counts) for theme_id, counts in frequencies.items()
            },
            "all_words": reading.top_words(sum(frequencies.values(), Counter())),
            "quotes": reading.representatives(analysis, groups),
            "wordcloud_alt": wordcloud_alt,
        }
    return render_template(
        "themes/overview.html",
        consultation=consultation,
        analysis=analysis,
        form=AnalyzeForm(),
        merge_form=merge_form,
        running=services.running_job(consultation.id),
        **context,
    ), status


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


# ---------------------------------------------------------------- one theme


PER_PAGE = 50


@bp.get("/analyses/<int:analysis_id>/themes/<int:theme_id>")
@role_required(*PLANNERS)
def theme(consultation_id: int, analysis_id: int, theme_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    analysis = analysis_or_404(consultation, analysis_id)
    found = theme_or_404(analysis, theme_id)
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
    everyone = services.members(analysis.id).get(found.id, [])
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    shown = reading.theme_comments(analysis.id, found.id, query, page=page, per_page=PER_PAGE)
    keywords = [str(term) for term, _ in found.keywords[:10]]
    words = reading.top_words(reading.token_frequencies(everyone))
    move_form = MoveForm()
    move_form.target.choices = [c for c in theme_choices(analysis) if c[0] != found.id]
    texts = masks.masked_texts(c.id for c in shown.items)
    return render_template(
        "themes/theme.html",
        consultation=consultation,
        analysis=analysis,
        theme=found,
        size=len(everyone),
        comments=shown.items,
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
        is_latest=analysis.id == getattr(services.latest_analysis(consultation.id), "id", None),
    ), status


# ---------------------------------------------------------------- corrections


@bp.post("/analyses/<int:analysis_id>/themes/<int:theme_id>/rename")
@role_required(*PLANNERS)
def rename(consultation_id: int, analysis_id: int, theme_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    analysis = analysis_or_404(consultation, analysis_id)
    found = theme_or_404(analysis, theme_id)
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


@bp.post("/analyses/<int:analysis_id>/themes/<int:theme_id>/city-theme")
@role_required(*PLANNERS)
def city_theme(consultation_id: int, analysis_id: int, theme_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    analysis = analysis_or_404(consultation, analysis_id)
    found = theme_or_404(analysis, theme_id)
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


@bp.post("/analyses/<int:analysis_id>/merge")
@role_required(*PLANNERS)
def merge(consultation_id: int, analysis_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    analysis = analysis_or_404(consultation, analysis_id)
    form = MergeForm()
    form.source.choices = form.target.choices = theme_choices(analysis)
    if not form.validate_on_submit():
        return render_overview(consultation, form, 422)
    source, target = form.source.data, form.target.data
    assert source is not None and target is not None  # InputRequired
    try:
        services.merge_themes(analysis, source, target, staff_id=current_user.id)
    except DomainError as error:
        flash(error.message, "error")
        return render_overview(consultation, form, error.status)
    flash(
        f"2つのテーマを「{services.get_theme(analysis, target).label}」に統合しました。", "success"
    )
    return redirect(theme_url(consultation, analysis, target), code=303)


@bp.post("/analyses/<int:analysis_id>/comments/<int:comment_id>/move")
@role_required(*PLANNERS)
def move(consultation_id: int, analysis_id: int, comment_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    analysis = analysis_or_404(consultation, analysis_id)
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
        return render_overview(consultation, MergeForm(), status)
    return render_theme(
        consultation, analysis, came_from, RenameForm(label=came_from.label), status
    )


def theme_url(consultation: Consultation, analysis: Analysis, theme_id: int) -> str:
    return url_for(
        ".theme", consultation_id=consultation.id, analysis_id=analysis.id, theme_id=theme_id
    )


# ---------------------------------------------------------------- word clouds


def png(content: bytes) -> ResponseReturnValue:
    response = current_app.response_class(content, mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def wordcloud_dir() -> Path:
    return Path(current_app.instance_path) / "wordclouds"


@bp.get("/analyses/<int:analysis_id>/wordcloud.png")
@role_required(*PLANNERS)
def wordcloud(consultation_id: int, analysis_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    analysis = analysis_or_404(consultation, analysis_id)
    ids = [i for group in services.members(analysis.id).values() for i in group]
    content = reading.wordcloud_png(wordcloud_dir(), analysis, None, ids)
    if content is None:
        abort(404)
    return png(content)


@bp.get("/analyses/<int:analysis_id>/themes/<int:theme_id>/wordcloud.png")
@role_required(*PLANNERS)
def theme_wordcloud(consultation_id: int, analysis_id: int, theme_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    analysis = analysis_or_404(consultation, analysis_id)
    found = theme_or_404(analysis, theme_id)
    ids = services.members(analysis.id).get(found.id, [])
    content = reading.wordcloud_png(wordcloud_dir(), analysis, found.id, ids)
    if content is None:
        abort(404)
    return png(content)


# ---------------------------------------------------------------- breakdown and comparison


def build_cross_table(
    consultation: Consultation, analysis: Analysis, attribute: str
) -> tuple[stats.CrossTable, dict[str, str]]:
    rows = stats.fetch_rows(analysis.id)
    values = stats.present_values(rows, attribute, consultation.districts)
    theme_ids = [theme.id for theme in analysis.themes]
    return stats.cross_table(rows, attribute, theme_ids, list(values)), values


@bp.get("/analyses/<int:analysis_id>/breakdown")
@role_required(*PLANNERS)
def breakdown(consultation_id: int, analysis_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    analysis = analysis_or_404(consultation, analysis_id)
    form = BreakdownForm(formdata=request.args if request.args else None)
    status = 200
    if request.args and not form.validate():
        status = 422
    attribute = form.attribute.data if status == 200 else "age_group"
    table, values = build_cross_table(consultation, analysis, attribute)
    labels = {theme.id: theme.label for theme in analysis.themes}
    chart = charts.cross_table_chart(table, values, labels)
    return render_template(
        "themes/breakdown.html",
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


@bp.get("/analyses/<int:analysis_id>/breakdown.csv")
@role_required(*PLANNERS)
def breakdown_csv(consultation_id: int, analysis_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    analysis = analysis_or_404(consultation, analysis_id)
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


@bp.get("/analyses/<int:analysis_id>/compare")
@role_required(*PLANNERS)
def compare(consultation_id: int, analysis_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    analysis = analysis_or_404(consultation, analysis_id)
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
        "themes/compare.html",
        presets=stats.presets(labels),
        consultation=consultation,
        analysis=analysis,
        form=form,
        labels=labels,
        attribute_names=stats.ATTRIBUTE_LABELS,
        **context,
    ), status


# ---------------------------------------------------------------- near duplicates

DUPLICATES_SHOWN = 5  # receipt numbers listed per group; the count says how many more


@bp.get("/analyses/<int:analysis_id>/duplicates")
@role_required(*PLANNERS)
def duplicates(consultation_id: int, analysis_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    analysis = analysis_or_404(consultation, analysis_id)
    found = reading.duplicate_groups(analysis, max(request.args.get("page", 1, type=int) or 1, 1))
    shown = [i for group in found.groups for i in group.comment_ids[:DUPLICATES_SHOWN]]
    return render_template(
        "themes/duplicates.html",
        consultation=consultation,
        analysis=analysis,
        found=found,
        shown=DUPLICATES_SHOWN,
        labels={theme.id: theme.label for theme in analysis.themes},
        comments=reading.comments_by_id(shown),
    )
