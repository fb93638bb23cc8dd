"""Finding analyses, themes, their members and the running job of a consultation."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from workshop import jobs
from workshop.errors import NotFound
from workshop.extensions import db
from workshop.models import (
    Analysis,
    AnalysisTheme,
    Job,
    JobKind,
    JobStatus,
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


def latest_analysis(consultation_id: int) -> Analysis | None:
    stmt = (
        select(Analysis)
        .where(Analysis.consultation_id == consultation_id)
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
