"""Staff reading the comments: the filtered list, and hiding a comment with its reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Exists, Select, exists, or_, select
from sqlalchemy.orm import Mapped

from workshop import audit
from workshop.errors import DomainError, NotFound
from workshop.extensions import db
from workshop.models import (
    Answer,
    Channel,
    Comment,
    Profile,
    Question,
    QuestionOption,
    utcnow,
)
from workshop.text import LIKE_ESCAPE, clean_text, like_contains
from workshop.transaction import transaction


@dataclass(frozen=True)
class CommentFilter:
    q: str = ""
    channel: Channel | None = None
    section_id: int | None = None
    # answers about the respondent: an option's code or label
    age_group: str | None = None
    district: str | None = None
    relation: str | None = None
    language: str | None = None
    hidden: bool | None = None
    received_from: date | None = None
    received_to: date | None = None


def filtered_comments(consultation_id: int, filters: CommentFilter) -> Select[Comment]:
    stmt = select(Comment).where(Comment.consultation_id == consultation_id)
    equal: list[tuple[Mapped[object], object]] = [
        (Comment.channel, filters.channel),
        (Comment.section_id, filters.section_id),
        (Comment.language, filters.language),
        (Comment.is_hidden, filters.hidden),
    ]
    for column, value in equal:
        if value is not None:
            stmt = stmt.where(column == value)
    about = (
        (Profile.AGE_GROUP, filters.age_group),
        (Profile.DISTRICT, filters.district),
        (Profile.RELATION, filters.relation),
    )
    for profile, chosen in about:
        if chosen is not None:
            stmt = stmt.where(answered(consultation_id, profile, chosen))
    if filters.received_from is not None:
        stmt = stmt.where(Comment.received_on >= filters.received_from)
    if filters.received_to is not None:
        stmt = stmt.where(Comment.received_on <= filters.received_to)
    if filters.q:
        pattern = like_contains(filters.q)
        stmt = stmt.where(
            or_(
                Comment.body.like(pattern, escape=LIKE_ESCAPE),
                Comment.receipt_no.like(pattern, escape=LIKE_ESCAPE),
            )
        )
    return stmt.order_by(Comment.id)


def answered(consultation_id: int, profile: Profile, value: str) -> Exists:
    """The comment answered a question about the respondent with the option named ``value``."""
    return exists().where(
        Answer.comment_id == Comment.id,
        QuestionOption.id == Answer.option_id,
        Question.id == QuestionOption.question_id,
        Question.consultation_id == consultation_id,
        Question.profile == profile,
        or_(QuestionOption.code == value, QuestionOption.label == value),
    )


class ReasonRequired(DomainError):
    """Hiding a comment needs its reason: the planner writes it on the same list page."""

    message = "公表しない理由を入力してください。"


def get_comment(consultation_id: int, comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.consultation_id != consultation_id:
        raise NotFound("この意見は見つかりません。")
    return comment


def hide_comment(consultation_id: int, comment_id: int, reason: str, *, staff_id: int) -> Comment:
    """提出意見を公示しない判断: recorded with its reason; the comment itself stays stored."""
    with transaction():
        comment = get_comment(consultation_id, comment_id)
        reason = clean_text(reason)
        if not reason:
            raise ReasonRequired()
        comment.is_hidden = True
        comment.hidden_reason = reason[:2000]
        comment.hidden_at = utcnow()
        comment.hidden_by_id = staff_id
        audit.record("comment.hide", f"comment:{comment.id}", reason=comment.hidden_reason)
    return comment


def unhide_comment(consultation_id: int, comment_id: int, *, staff_id: int) -> Comment:
    with transaction():
        comment = get_comment(consultation_id, comment_id)
        comment.is_hidden = False
        comment.hidden_reason = None
        comment.hidden_at = None
        comment.hidden_by_id = staff_id
        audit.record("comment.unhide", f"comment:{comment.id}")
    return comment
