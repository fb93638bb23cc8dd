"""All comments of a consultation as CSV or XLSX, for staff."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import select

from workshop import audit, tabular
from workshop.extensions import db
from workshop.labels import AGE_GROUP, CHANNEL, RELATION_SHORT
from workshop.models import Comment, Consultation
from workshop.transaction import transaction

HEADER = (
    "受付番号", "受付日", "経路", "章・節", "意見", "年代", "地区", "市との関係",
    "氏名", "メールアドレス", "公表しない", "公表しない理由", "外部ID",
)  # fmt: skip


def comment_rows(consultation: Consultation) -> Iterator[Sequence[tabular.Cell]]:
    stmt = (
        select(Comment)
        .where(Comment.consultation_id == consultation.id)
        .order_by(Comment.id)
        .execution_options(yield_per=1000)
    )
    headings = {s.id: s.heading for s in consultation.sections}
    for c in db.session.scalars(stmt):
        yield (
            c.receipt_no,
            c.received_on.isoformat(),
            CHANNEL[c.channel],
            headings.get(c.section_id or 0, ""),
            c.body,
            AGE_GROUP[c.age_group] if c.age_group else "",
            c.district or "",
            RELATION_SHORT[c.relation] if c.relation else "",
            c.name or "",
            c.email or "",
            "公表しない" if c.is_hidden else "",
            c.hidden_reason or "",
            c.external_id or "",
        )


def comments_csv(consultation: Consultation) -> Iterator[bytes]:
    """The CSV in pieces, to be streamed: 50,000 comments are never one string in a worker.

    The export is recorded first, before the first piece is sent."""
    log_export(consultation, "csv")
    return csv_pieces(consultation.id)


def csv_pieces(consultation_id: int) -> Iterator[bytes]:
    # runs while the server sends the response, after the view's request and its database
    # session ended (stream_with_context pushes them again): so it reads the consultation anew
    consultation = db.session.get_one(Consultation, consultation_id)
    yield from tabular.csv_chunks(HEADER, comment_rows(consultation))


def comments_xlsx(consultation: Consultation) -> bytes:
    content = tabular.to_xlsx(HEADER, comment_rows(consultation), title="意見一覧")
    log_export(consultation, "xlsx")
    return content


def log_export(consultation: Consultation, format_: str) -> None:
    # exports carry residents' names and addresses: who took them is recorded
    with transaction():
        audit.record("comments.export", f"consultation:{consultation.slug}", format=format_)
