"""The day's opinions (付箋・模造紙): one comment each, channel `workshop`, in the linked consultation."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from workshop import audit
from workshop.consultations.services import (
    CommentInput,
    build_comment,
    clean_text,
    next_receipt_numbers,
)
from workshop.errors import DomainError
from workshop.extensions import db
from workshop.models import AgeGroup, Channel, Comment, Workshop, utcnow
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
    age_group: AgeGroup | None = None
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
    if batch.district and consultation.districts and batch.district not in consultation.districts:
        raise DomainError("選ばれた地区はこの意見募集の一覧にありません。")
    extra = {"workshop_id": str(workshop.id), "workshop": workshop.title}
    table = clean_text(batch.table)[:100]
    if table:
        extra["table"] = table
    if clean_text(batch.attributes):
        extra["table_attributes"] = clean_text(batch.attributes)[:200]
    received_on = as_tokyo(workshop.starts_at).date()
    comments = []
    with transaction():
        receipt_numbers = next_receipt_numbers(consultation, len(lines), received_on.year)
        batch_no = workshop.opinion_batches + 1
        workshop.opinion_batches = batch_no
        for index, (line, receipt_no) in enumerate(zip(lines, receipt_numbers, strict=True), 1):
            comment = build_comment(
                consultation,
                CommentInput(
                    body=line,
                    age_group=batch.age_group,
                    district=batch.district or None,
                    extra=extra,
                ),
                channel=Channel.WORKSHOP,
                received_on=received_on,
                receipt_no=receipt_no,
            )
            comment.entered_by_id = staff_id
            comment.external_id = f"workshop:{workshop.id}:{batch_no}:{index}"
            db.session.add(comment)
            comments.append(comment)
        audit.record("workshop.opinions", f"workshop:{workshop_id}", lines=len(comments))
    return comments


def workshop_opinion_count(workshop: Workshop) -> int:
    if workshop.consultation_id is None:
        return 0
    stmt = select(func.count(Comment.id)).where(
        Comment.consultation_id == workshop.consultation_id,
        Comment.channel == Channel.WORKSHOP,
        Comment.external_id.like(f"workshop:{workshop.id}:%"),
    )
    return db.session.scalar(stmt) or 0
