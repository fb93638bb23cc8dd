"""The day's opinions (付箋・模造紙): one comment each, channel `workshop`, in the linked consultation."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select

from workshop import audit
from workshop.consultations.services import (
    CommentInput,
    build_comment,
    clean_text,
    next_receipt_numbers,
    store_comment_answers,
)
from workshop.errors import DomainError
from workshop.extensions import db
from workshop.models import Channel, Comment, Consultation, Workshop, utcnow
from workshop.questionnaires.services import accept_district, profile_answers
from workshop.timeutil import as_tokyo
from workshop.transaction import transaction
from workshop.workshops.services.lookup import get_workshop

MAX_OPINION_LINES = 500
OPINION_MAX_CHARS = 1000
LINE_BULLETS = re.compile(r"^\s*(?:[-・*•●○◯]|\d+[.)．）])\s*")


@dataclass(frozen=True)
class OpinionBatch:
    text: str
    table: str = ""
    age_group: str | None = None  # an option's code (profile.option_for)
    district: str = ""
    attributes: str = ""


def opinion_lines(text: str) -> list[str]:
    lines = (LINE_BULLETS.sub("", line).strip() for line in clean_text(text).split("\n"))
    return [line for line in lines if line]


def check_lines(lines: list[str]) -> None:
    if not lines:
        raise DomainError("意見を1行に1つずつ入力してください。")
    if len(lines) > MAX_OPINION_LINES:
        raise DomainError(
            f"一度に登録できるのは{MAX_OPINION_LINES}件までです。分けて登録してください。"
        )
    too_long = next((n for n, line in enumerate(lines, 1) if len(line) > OPINION_MAX_CHARS), None)
    if too_long:
        raise DomainError(f"{too_long}行目が長すぎます（{OPINION_MAX_CHARS:,}文字まで）。")


def add_opinions(workshop_id: int, batch: OpinionBatch, *, staff_id: int) -> list[Comment]:
    """付箋・模造紙 of one table, one comment each, channel `workshop`, into the linked consultation."""
    workshop = get_workshop(workshop_id)
    consultation = workshop.consultation
    if consultation is None:
        raise DomainError(
            "このワークショップには意見募集がつながっていません。編集画面で選んでください。"
        )
    if not workshop.has_started(utcnow()):
        raise DomainError("開催前のため、当日の意見はまだ登録できません。")
    lines = opinion_lines(batch.text)
    check_lines(lines)
    extra = {}
    table = clean_text(batch.table)[:100]
    if table:
        extra["table"] = table
    if clean_text(batch.attributes):
        extra["table_attributes"] = clean_text(batch.attributes)[:200]
    with transaction():
        accept_district(consultation, batch.district)
        about = CommentInput(body="", age_group=batch.age_group, district=batch.district or None)
        if profile_answers(consultation, about.profile)[1]:
            raise DomainError("選ばれた年代か地区が、この意見募集の選択肢にありません。")
        batch_no = workshop.opinion_batches + 1
        workshop.opinion_batches = batch_no
        opinions = [
            Opinion(
                body=line,
                external_id=f"workshop:{workshop.id}:{batch_no}:{index}",
                extra=extra,
                entered_by_id=staff_id,
            )
            for index, line in enumerate(lines, 1)
        ]
        comments = write_opinions(
            workshop,
            consultation,
            opinions,
            age_group=batch.age_group,
            district=batch.district or None,
        )
        audit.record("workshop.opinions", f"workshop:{workshop_id}", lines=len(comments))
    return comments


@dataclass(frozen=True)
class Opinion:
    """One opinion of the day as it becomes a comment: its text, its id in the consultation
    (``workshop:<id>:...``, unique there) and its attributes (table, question, ...)."""

    body: str
    external_id: str
    extra: Mapping[str, str] = field(default_factory=dict)
    entered_by_id: int | None = None


def write_opinions(
    workshop: Workshop,
    consultation: Consultation,
    opinions: Sequence[Opinion],
    *,
    age_group: str | None = None,
    district: str | None = None,
) -> list[Comment]:
    """One comment each, channel `workshop`, received on the workshop's day, in the caller's
    transaction (the workshop's 付箋 typed in by staff, a live board's notes when it closes)."""
    received_on = as_tokyo(workshop.starts_at).date()
    receipt_numbers = next_receipt_numbers(consultation, len(opinions), received_on.year)
    base = {"workshop_id": str(workshop.id), "workshop": workshop.title}
    made: list[tuple[Comment, CommentInput]] = []
    for opinion, receipt_no in zip(opinions, receipt_numbers, strict=True):
        data = CommentInput(
            body=opinion.body,
            age_group=age_group,
            district=district,
            extra=base | dict(opinion.extra),
        )
        comment = build_comment(
            consultation,
            data,
            channel=Channel.WORKSHOP,
            received_on=received_on,
            receipt_no=receipt_no,
        )
        comment.entered_by_id = opinion.entered_by_id
        comment.external_id = opinion.external_id
        db.session.add(comment)
        made.append((comment, data))
    db.session.flush()  # one flush for the batch: the answers need the comments' ids
    for comment, data in made:  # 年代 and 地区, as answers
        store_comment_answers(comment.id, consultation, data)
    return [comment for comment, _data in made]


def workshop_opinion_count(workshop: Workshop) -> int:
    if workshop.consultation_id is None:
        return 0
    stmt = select(func.count(Comment.id)).where(
        Comment.consultation_id == workshop.consultation_id,
        Comment.channel == Channel.WORKSHOP,
        Comment.external_id.like(f"workshop:{workshop.id}:%"),
    )
    return db.session.scalar(stmt) or 0
