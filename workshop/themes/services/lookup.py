"""Finding analyses, themes, their members and the running job of a consultation."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute

from workshop import jobs
from workshop.errors import NotFound
from workshop.extensions import db
from workshop.models import (
    Analysis,
    AnalysisParams,
    AnalysisTheme,
    Job,
    JobKind,
    JobStatus,
    Question,
    QuestionType,
    ThemeAssignment,
)


def running_job(consultation_id: int) -> Job | None:
    # a job whose runner died must not block the next analysis: fail it first
    jobs.sweep_stale(consultation_id)
    stmt = (
        select(Job)
        .where(
            Job.consultation_id == consultation_id,
            Job.kind == JobKind.ANALYSIS,
            Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]),
        )
        .order_by(Job.id.desc())
    )
    return db.session.scalars(stmt).first()


def text_questions(consultation_id: int) -> list[Question]:
    """The free-text questions of a consultation's questionnaire, in order: each one's answers
    are analysed into themes of their own, apart from the comment's text."""
    stmt = (
        select(Question)
        .where(Question.consultation_id == consultation_id)
        .where(Question.type == QuestionType.FREE_TEXT)
        .order_by(Question.position, Question.id)
    )
    return list(db.session.scalars(stmt))


def text_question(consultation_id: int, key: str | None) -> Question | None:
    """The free-text question ``key`` names; None (no key): the comment's own text."""
    if not key:
        return None
    found = next((q for q in text_questions(consultation_id) if q.key == key), None)
    if found is None:
        raise NotFound("この自由記述の質問は見つかりません。")
    return found


def job_question(job: Job) -> Question | None:
    """The free-text question an analysis job groups the answers of (None: the comments)."""
    question_id = AnalysisParams.from_json(job.params or {}).question_id
    return db.session.get(Question, question_id) if question_id is not None else None


def same_text(
    column: InstrumentedAttribute[int | None], question_id: int | None
) -> ColumnElement[bool]:
    """The rows (analyses, corrections) of the comments' text (None) or of one free-text
    question's answers, by their ``question_id`` column."""
    if question_id is None:
        return column.is_(None)
    return column == question_id


def latest_analysis(consultation_id: int, question_id: int | None = None) -> Analysis | None:
    """The newest analysis of the comments (or of the answers to ``question_id``)."""
    stmt = (
        select(Analysis)
        .where(
            Analysis.consultation_id == consultation_id,
            same_text(Analysis.question_id, question_id),
        )
        .order_by(Analysis.id.desc())
        .limit(1)
    )
    return db.session.scalars(stmt).first()


def get_analysis(consultation_id: int, analysis_id: int) -> Analysis:
    analysis = db.session.get(Analysis, analysis_id)
    if analysis is None or analysis.consultation_id != consultation_id:
        raise NotFound("この分析は見つかりません。")
    return analysis


def get_theme(analysis: Analysis, theme_id: int) -> AnalysisTheme:
    theme = next((t for t in analysis.themes if t.id == theme_id), None)
    if theme is None:
        raise NotFound("このテーマは見つかりません。")
    return theme


def members(analysis_id: int) -> dict[int, list[int]]:
    """theme id -> comment ids, in comment order."""
    stmt = (
        select(ThemeAssignment.theme_id, ThemeAssignment.comment_id)
        .where(ThemeAssignment.analysis_id == analysis_id)
        .order_by(ThemeAssignment.comment_id)
    )
    result: dict[int, list[int]] = defaultdict(list)
    for theme_id, comment_id in db.session.execute(stmt):
        result[theme_id].append(comment_id)
    return result


def theme_sizes(analysis: Analysis) -> dict[int, int]:
    return {theme_id: len(ids) for theme_id, ids in members(analysis.id).items()}


# ---------------------------------------------------------------- corrections
