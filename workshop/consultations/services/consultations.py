"""Consultations themselves: look one up, list them, create and edit them with their sections."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, load_only, selectinload

from workshop import audit
from workshop.errors import DomainError, DuplicateSlug, NotFound
from workshop.extensions import db
from workshop.models import Audience, Comment, Consultation, ConsultationStatus, Question, Section
from workshop.questionnaires.services.profile import add_profile_questions, set_districts
from workshop.transaction import transaction

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
PREFIX_PATTERN = re.compile(r"^[A-Z0-9]{1,10}$")
RECOMMENDED_PERIOD_DAYS = 30
CONSULTATION_NOT_FOUND = _l("この意見募集のページが見つかりません。")


@dataclass(frozen=True)
class ConsultationInput:
    slug: str
    title: str
    opens_on: date
    closes_on: date
    summary: str = ""
    body: str = ""
    video_url: str | None = None
    receipt_prefix: str = "PC"
    districts: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    audience: Audience = Audience.PUBLIC
    staff_anonymous: bool = False


def get_consultation(consultation_id: int) -> Consultation:
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        raise NotFound(str(CONSULTATION_NOT_FOUND))
    return consultation


BY_SLUG = select(Consultation).where(Consultation.slug == bindparam("slug"))
# a questionnaire's questions in the same query (a consultation without any, the most common
# and the busiest submit, pays no second query), their options in one more if there are any
WITH_QUESTIONS = joinedload(Consultation.questions).selectinload(Question.options)
# the questions about the respondent with their options (the form's choices), in one more
# query; the final submit reads them only if the resident answered one
WITH_PROFILE = selectinload(Consultation.profile_questions).joinedload(Question.options)
# the sections come in the same query: the comment form and its checks need them
WITH_SECTIONS = BY_SLUG.options(
    joinedload(Consultation.sections),
    joinedload(Consultation.publication),
    WITH_QUESTIONS,
    WITH_PROFILE,
)
# what a comment needs of its consultation, for the busiest request of a round; the rest (a
# plan's body can run to 100,000 characters) is loaded only if read. Built once: building the
# options costs about as much as running the query
FOR_COMMENT = BY_SLUG.options(
    load_only(
        Consultation.slug,
        Consultation.receipt_prefix,
        Consultation.opens_on,
        Consultation.closes_on,
        Consultation.audience,
        Consultation.staff_anonymous,
    ),
    joinedload(Consultation.sections).load_only(Section.heading, Section.position),
    WITH_QUESTIONS,
)


def get_consultation_by_slug(slug: str, *, for_comment: bool = False) -> Consultation:
    """The consultation with its sections, in one query; `for_comment`: only what the final
    submit of a comment reads."""
    stmt = FOR_COMMENT if for_comment else WITH_SECTIONS
    consultation = db.session.scalars(stmt, {"slug": slug}).unique().first()
    if consultation is None:
        raise NotFound(str(CONSULTATION_NOT_FOUND))
    return consultation


def list_consultations(*statuses: ConsultationStatus) -> list[Consultation]:
    stmt = select(Consultation).order_by(Consultation.closes_on.desc(), Consultation.id.desc())
    consultations = list(db.session.scalars(stmt))
    if statuses:
        consultations = [c for c in consultations if c.status in statuses]
    return consultations


def count_comments(consultation_id: int, *, section_id: int | None = None) -> int:
    stmt = select(func.count(Comment.id)).where(Comment.consultation_id == consultation_id)
    if section_id is not None:
        stmt = stmt.where(Comment.section_id == section_id)
    return db.session.scalar(stmt) or 0


def free_receipt_prefix(base: str = "PC") -> str:
    """The first of PC, PC2, PC3, ... no consultation uses: receipt prefixes are unique."""
    taken = set(db.session.scalars(select(Consultation.receipt_prefix)))
    number = 1
    prefix = base
    while prefix in taken:
        number += 1
        prefix = f"{base}{number}"
    return prefix


def period_warnings(opens_on: date, closes_on: date) -> list[str]:
    days = (closes_on - opens_on).days + 1
    if days >= RECOMMENDED_PERIOD_DAYS:
        return []
    return [
        f"募集期間が{days}日間です。行政手続法第39条は意見募集の期間を30日以上と定めています。"
        "短くする場合は、その理由を本文で示してください。"
    ]


def validate_consultation(data: ConsultationInput, *, current: Consultation | None = None) -> None:
    if not SLUG_PATTERN.match(data.slug):
        raise DomainError(
            "スラッグは半角の小文字英数字とハイフンで、2〜80文字にしてください（例: dx-plan-2026）。"
        )
    if not PREFIX_PATTERN.match(data.receipt_prefix):
        raise DomainError("受付番号の記号は半角の大文字英数字10文字以内にしてください（例: DX）。")
    if data.closes_on < data.opens_on:
        raise DomainError("締切日は開始日より後の日付にしてください。")
    if data.video_url and not data.video_url.startswith("https://"):
        raise DomainError("動画のリンクは https:// で始まるアドレスにしてください。")
    anonymity_changes = current is not None and current.staff_anonymous != data.staff_anonymous
    if anonymity_changes and count_comments(current.id) > 0:  # type: ignore[union-attr]
        raise DomainError(
            "回答がすでにあるため、匿名で集めるかどうかは変えられません。"
            "答えた人に約束したことが変わってしまうためです。"
        )
    taken = db.session.scalars(select(Consultation).where(Consultation.slug == data.slug)).first()
    if taken is not None and taken is not current:
        raise DuplicateSlug()
    stmt = select(Consultation).where(Consultation.receipt_prefix == data.receipt_prefix)
    same_prefix = db.session.scalars(stmt).first()
    if same_prefix is not None and same_prefix is not current:
        raise DomainError(
            f"受付番号の記号「{data.receipt_prefix}」は「{same_prefix.title}」で使われています。"
            "受付番号が重ならないよう、別の記号にしてください（例: DX27）。"
        )


def create_consultation(
    data: ConsultationInput, *, staff_id: int | None = None
) -> tuple[Consultation, list[str]]:
    with saving():
        validate_consultation(data)
        consultation = Consultation(created_by_id=staff_id, receipt_seq=0)
        db.session.add(consultation)
        add_profile_questions(consultation)
        apply_consultation(consultation, data)
    return consultation, period_warnings(data.opens_on, data.closes_on)


def update_consultation(
    consultation_id: int, data: ConsultationInput
) -> tuple[Consultation, list[str]]:
    with saving():
        consultation = get_consultation(consultation_id)
        validate_consultation(data, current=consultation)
        apply_consultation(consultation, data)
    return consultation, period_warnings(data.opens_on, data.closes_on)


def apply_consultation(consultation: Consultation, data: ConsultationInput) -> None:
    consultation.slug = data.slug
    consultation.title = data.title
    consultation.summary = data.summary
    consultation.body = data.body
    consultation.video_url = data.video_url or None
    consultation.opens_on = data.opens_on
    consultation.closes_on = data.closes_on
    consultation.receipt_prefix = data.receipt_prefix
    set_districts(consultation, data.districts)
    consultation.audience = data.audience
    consultation.staff_anonymous = data.staff_anonymous and data.audience is Audience.STAFF
    replace_sections(consultation, [h for h in data.sections if h])


def replace_sections(consultation: Consultation, headings: Sequence[str]) -> None:
    """Keep sections whose heading stays (comments point at them); refuse to drop used ones."""
    existing = {section.heading: section for section in consultation.sections}
    kept: list[Section] = []
    for position, heading in enumerate(dict.fromkeys(headings)):
        section = existing.pop(heading, None) or Section(heading=heading)
        section.position = position
        kept.append(section)
    for dropped in existing.values():
        if dropped.id is not None and count_comments(consultation.id, section_id=dropped.id):
            raise DomainError(
                f"「{dropped.heading}」には意見が寄せられているため、削除できません。"
                "見出しを変えずに残してください。"
            )
    consultation.sections = kept
    audit.record("consultation.save", f"consultation:{consultation.slug}")


@contextmanager
def saving() -> Iterator[None]:
    """One transaction: a refused change leaves nothing half-applied, and a slug taken by a
    concurrent save (the unique constraint, found at commit) is said as DuplicateSlug."""
    try:
        with transaction():
            yield
    except IntegrityError as integrity:
        raise DuplicateSlug() from integrity
