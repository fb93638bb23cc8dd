"""Publish one analysis with its responses once the consultation has closed, or withdraw it."""

from __future__ import annotations

from sqlalchemy import select

from workshop import audit
from workshop.consultations import services as consultations
from workshop.errors import DomainError, NotFound
from workshop.extensions import db
from workshop.models import Analysis, Consultation, Publication
from workshop.models.base import utcnow
from workshop.results.services.writing import responses
from workshop.themes import services as themes
from workshop.timeutil import format_date, today_tokyo
from workshop.transaction import transaction


class NotPublished(NotFound):
    message = "この意見募集の結果は、まだ公表していません。"


class PublishTooEarly(DomainError):
    status = 409


def get_publication(consultation_id: int) -> Publication | None:
    stmt = select(Publication).where(Publication.consultation_id == consultation_id)
    return db.session.scalars(stmt).first()


def chosen_analysis(consultation_id: int, analysis_id: int | None = None) -> Analysis | None:
    """The analysis asked for; else the published one; else the latest."""
    if analysis_id is not None:
        return themes.get_analysis(consultation_id, analysis_id)
    publication = get_publication(consultation_id)
    if publication is not None:
        return publication.analysis
    return themes.latest_analysis(consultation_id)


def ensure_closed(consultation: Consultation) -> None:
    if today_tokyo() <= consultation.closes_on:
        raise PublishTooEarly(
            "募集期間が終わってから公表できます"
            f"（締切は{format_date(consultation.closes_on)}です）。"
        )


def publish(consultation_id: int, analysis_id: int, *, staff_id: int | None) -> Publication:
    """Freeze one analysis as the published results; publishing again replaces the earlier one."""
    consultation = consultations.get_consultation(consultation_id)
    ensure_closed(consultation)
    analysis = themes.get_analysis(consultation.id, analysis_id)
    if not analysis.themes:
        raise DomainError("この分析にはテーマがありません。")
    written = responses(analysis)
    missing = [t.label for t in analysis.themes if t.id not in written]
    if missing:
        raise DomainError(
            "意見の概要と市の考え方がまだ入っていないテーマがあります"
            f"（{len(missing)}件: {'、'.join(missing[:5])}）。"
        )
    with transaction():
        publication = get_publication(consultation.id)
        if publication is None:
            publication = Publication(consultation_id=consultation.id, analysis_id=analysis.id)
            db.session.add(publication)
        publication.analysis_id = analysis.id
        publication.published_by_id = staff_id
        publication.published_at = utcnow()
        audit.record(
            "results.publish", f"consultation:{consultation.slug}", analysis_id=analysis.id
        )
    return publication


def withdraw(consultation_id: int) -> None:
    consultation = consultations.get_consultation(consultation_id)
    publication = get_publication(consultation.id)
    if publication is None:
        raise DomainError("この意見募集の結果は公表していません。")
    with transaction():
        audit.record(
            "results.withdraw",
            f"consultation:{consultation.slug}",
            analysis_id=publication.analysis_id,
        )
        db.session.delete(publication)


def published_analysis(slug: str) -> tuple[Consultation, Publication]:
    consultation = consultations.get_consultation_by_slug(slug)
    publication = get_publication(consultation.id)
    if publication is None:
        raise NotPublished()
    return consultation, publication


def is_published(consultation_id: int) -> bool:
    return get_publication(consultation_id) is not None
