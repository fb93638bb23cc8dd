"""Storing a comment, however it came: receipt numbers, stored fields, staff proxy entry."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from flask_babel import gettext as _
from sqlalchemy import Table, bindparam, select, update

from workshop import audit, mail
from workshop.consultations.services.consultations import (
    get_consultation,
    get_consultation_by_slug,
)
from workshop.consultations.services.rules import (
    NAME_MAX_CHARS,
    CommentInput,
    clean_text,
    validate_comment,
)
from workshop.errors import DomainError, NotFound
from workshop.extensions import db
from workshop.models import Channel, Comment, Consultation
from workshop.questionnaires.services import accept_district, profile_answers, store_answers
from workshop.timeutil import format_date, today_tokyo
from workshop.transaction import transaction

CONSULTATION_TABLE = cast(Table, Consultation.__table__)
# on the table, not the mapped class: a plain cached statement, and the session's copy of the
# consultation is not touched (its counter is never read from it)
RESERVE_RECEIPT_NUMBERS = (
    update(CONSULTATION_TABLE)
    .where(CONSULTATION_TABLE.c.id == bindparam("consultation_id"))
    .values(receipt_seq=CONSULTATION_TABLE.c.receipt_seq + bindparam("count"))
    .returning(CONSULTATION_TABLE.c.receipt_seq)
)


def next_receipt_numbers(consultation: Consultation, count: int, year: int) -> list[str]:
    """Reserve `count` receipt numbers; the UPDATE holds the row (SQLite: the database) lock."""
    params = {"consultation_id": consultation.id, "count": count}
    last = db.session.connection().execute(RESERVE_RECEIPT_NUMBERS, params).scalar_one()
    first = last - count + 1
    return [f"{consultation.receipt_prefix}-{year}-{seq:06d}" for seq in range(first, last + 1)]


def language_of(body: str) -> str | None:
    """The language a comment is written in (None: no text), told offline by its letters."""
    from nlp.language import detect_language

    return detect_language(body).code if body else None


def comment_values(
    consultation: Consultation,
    data: CommentInput,
    *,
    channel: Channel,
    received_on: date,
    receipt_no: str,
) -> dict[str, Any]:
    """The stored fields of a new comment, cleaned; one place for the form, staff and imports."""
    body = clean_text(data.body)
    return {
        "consultation_id": consultation.id,
        "section_id": data.section_id,
        "body": body,
        "language": language_of(body),
        "name": clean_text(data.name)[:NAME_MAX_CHARS] or None,
        "email": clean_text(data.email)[:254] or None,
        "channel": channel,
        "received_on": received_on,
        "extra": dict(data.extra),
        "receipt_no": receipt_no,
    }


def store_comment_answers(comment_id: int, consultation: Consultation, data: CommentInput) -> None:
    """A new comment's answers: to the questionnaire, and about the respondent (both checked
    by validate_comment)."""
    store_answers(comment_id, consultation.questions, data.answers)
    about, _problems = profile_answers(consultation, data.profile)
    if about:  # not read when nothing was said about the respondent (the busiest submit)
        store_answers(comment_id, consultation.profile_questions, about)


def build_comment(
    consultation: Consultation,
    data: CommentInput,
    *,
    channel: Channel,
    received_on: date,
    receipt_no: str,
) -> Comment:
    return Comment(
        **comment_values(
            consultation, data, channel=channel, received_on=received_on, receipt_no=receipt_no
        )
    )


def enter_comment(
    consultation_id: int,
    data: CommentInput,
    *,
    channel: Channel,
    received_on: date,
    staff_id: int | None,
) -> Comment:
    """Staff proxy entry (代理入力) of a comment that came on paper, by fax, phone or at a counter."""
    with transaction():
        consultation = get_consultation(consultation_id)
        accept_district(consultation, data.district)
        validate_comment(consultation, data)
        if received_on > today_tokyo():
            raise DomainError("受付日に未来の日付は入力できません。")
        if not consultation.opens_on <= received_on <= consultation.closes_on:
            raise DomainError(
                f"受付日（郵送は消印日）が募集期間（{format_date(consultation.opens_on)}〜"
                f"{format_date(consultation.closes_on)}）の外です。"
            )
        (receipt_no,) = next_receipt_numbers(consultation, 1, received_on.year)
        comment = build_comment(
            consultation, data, channel=channel, received_on=received_on, receipt_no=receipt_no
        )
        comment.entered_by_id = staff_id
        db.session.add(comment)
        db.session.flush()
        store_comment_answers(comment.id, consultation, data)
        audit.record(
            "comment.proxy_entry", f"consultation:{consultation.slug}", channel=channel.value
        )
    send_receipt_mail(comment)
    return comment


def send_receipt_mail(comment: Comment) -> None:
    if not comment.email:
        return
    consultation = comment.consultation
    mail.send_template(
        to=comment.email,
        subject=_(
            "【受付番号 %(receipt_no)s】ご意見を受け付けました（%(title)s）",
            receipt_no=comment.receipt_no,
            title=consultation.title,
        ),
        template="mail/comment_receipt.txt",
        comment=comment,
        consultation=consultation,
    )


def get_receipt(slug: str, receipt_token: str) -> Comment:
    consultation = get_consultation_by_slug(slug)
    stmt = select(Comment).where(
        Comment.consultation_id == consultation.id, Comment.receipt_token == receipt_token
    )
    comment = db.session.scalars(stmt).first()
    if comment is None:
        raise NotFound(_("この受付番号のページは見つかりません。"))
    return comment
