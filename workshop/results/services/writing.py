"""The planners write the city's response per theme, or carry it over to a newer analysis."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from workshop import audit
from workshop.errors import DomainError, NotFound
from workshop.extensions import db
from workshop.models import Analysis, AnalysisTheme, Outcome, ThemeResponse
from workshop.text import clean_text
from workshop.themes import services as themes
from workshop.transaction import transaction

SUMMARY_MAX_CHARS = 2000
RESPONSE_MAX_CHARS = 4000


@dataclass(frozen=True)
class ResponseInput:
    summary: str
    response: str
    outcome: Outcome


def list_analyses(consultation_id: int) -> list[Analysis]:
    stmt = (
        select(Analysis)
        .where(Analysis.consultation_id == consultation_id)
        .order_by(Analysis.id.desc())
    )
    return list(db.session.scalars(stmt))


def responses(analysis: Analysis) -> dict[int, ThemeResponse]:
    """theme id -> the city's response written for it."""
    theme_ids = [theme.id for theme in analysis.themes]
    if not theme_ids:
        return {}
    stmt = select(ThemeResponse).where(ThemeResponse.theme_id.in_(theme_ids))
    return {row.theme_id: row for row in db.session.scalars(stmt)}


def theme_of_consultation(consultation_id: int, theme_id: int) -> AnalysisTheme:
    theme = db.session.get(AnalysisTheme, theme_id)
    if theme is None or theme.analysis.consultation_id != consultation_id:
        raise NotFound("このテーマは見つかりません。")
    return theme


def validate_response(data: ResponseInput) -> ResponseInput:
    summary = clean_text(data.summary)
    response = clean_text(data.response)
    if not summary:
        raise DomainError("意見の概要を入力してください。")
    if len(summary) > SUMMARY_MAX_CHARS:
        raise DomainError(f"意見の概要は{SUMMARY_MAX_CHARS:,}文字以内で入力してください。")
    if not response:
        raise DomainError("市の考え方を入力してください。")
    if len(response) > RESPONSE_MAX_CHARS:
        raise DomainError(f"市の考え方は{RESPONSE_MAX_CHARS:,}文字以内で入力してください。")
    return ResponseInput(summary=summary, response=response, outcome=Outcome(data.outcome))


def save_response(
    consultation_id: int, theme_id: int, data: ResponseInput, *, staff_id: int | None
) -> ThemeResponse:
    theme = theme_of_consultation(consultation_id, theme_id)
    clean = validate_response(data)
    with transaction():
        row = db.session.scalars(
            select(ThemeResponse).where(ThemeResponse.theme_id == theme.id)
        ).first()
        if row is None:
            row = ThemeResponse(theme_id=theme.id)
            db.session.add(row)
        row.summary = clean.summary
        row.response = clean.response
        row.outcome = clean.outcome
        row.updated_by_id = staff_id
        audit.record(
            "results.response",
            f"consultation:{consultation_id}",
            analysis_id=theme.analysis_id,
            theme_id=theme.id,
            outcome=clean.outcome.value,
        )
    return row


def previous_with_responses(analysis: Analysis) -> Analysis | None:
    """The latest earlier analysis of the consultation that has responses written."""
    stmt = (
        select(Analysis)
        .join(AnalysisTheme, AnalysisTheme.analysis_id == Analysis.id)
        .join(ThemeResponse, ThemeResponse.theme_id == AnalysisTheme.id)
        .where(Analysis.consultation_id == analysis.consultation_id, Analysis.id < analysis.id)
        .order_by(Analysis.id.desc())
        .limit(1)
    )
    return db.session.scalars(stmt).first()


def carry_over_responses(consultation_id: int, source_id: int, target_id: int) -> int:
    """Copy responses to the themes of a newer analysis that hold (nearly) the same comments.

    A theme that already has a response keeps it; returns how many were copied.
    """
    source = themes.get_analysis(consultation_id, source_id)
    target = themes.get_analysis(consultation_id, target_id)
    if source.id == target.id:
        raise DomainError("同じ分析からは引き継げません。")
    source_groups = themes.members(source.id)
    target_groups = themes.members(target.id)
    already = responses(target)
    copied = 0
    with transaction():
        for theme_id, row in responses(source).items():
            match = themes.matching_theme(target, source_groups.get(theme_id, []), target_groups)
            if match is None or match.id in already:
                continue
            copy = ThemeResponse(
                theme_id=match.id, summary=row.summary, response=row.response, outcome=row.outcome
            )
            db.session.add(copy)
            already[match.id] = copy
            copied += 1
        audit.record(
            "results.carry_over",
            f"consultation:{consultation_id}",
            source_id=source.id,
            target_id=target.id,
            copied=copied,
        )
    return copied
