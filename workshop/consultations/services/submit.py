"""A resident's final submit from the confirmation page: the busiest write of a round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import cast

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from workshop.consultations.services.comments import (
    comment_values,
    next_receipt_numbers,
    send_receipt_mail,
)
from workshop.consultations.services.consultations import CONSULTATION_NOT_FOUND
from workshop.consultations.services.rules import (
    CommentDestination,
    CommentInput,
    ensure_open,
    validate_comment,
)
from workshop.errors import ConsultationNotOpen, NotFound, NotFromConfirmation
from workshop.extensions import db
from workshop.models import Channel, Comment, Consultation, ConsultationStatus, Section
from workshop.models.consultations import new_token, period_status
from workshop.timeutil import today_tokyo


@dataclass(frozen=True)
class SectionChoice:
    id: int
    heading: str


@dataclass(frozen=True)
class CommentTarget:
    """What the final submit needs of a consultation, read with one plain query: the busiest
    request of a round (the last evening) builds no ORM objects it would only read."""

    id: int
    receipt_prefix: str
    opens_on: date
    closes_on: date
    districts: tuple[str, ...]
    sections: tuple[SectionChoice, ...]

    @property
    def status(self) -> ConsultationStatus:
        return period_status(self.opens_on, self.closes_on, today_tokyo())

    @property
    def is_open(self) -> bool:
        return self.status is ConsultationStatus.OPEN

    def section(self, section_id: int | None) -> SectionChoice | None:
        return next((s for s in self.sections if s.id == section_id), None)


SECTION_TABLE = cast(Table, Section.__table__)
CONSULTATION_TABLE = cast(Table, Consultation.__table__)
COMMENT_TARGET = (
    select(
        CONSULTATION_TABLE.c.id,
        CONSULTATION_TABLE.c.receipt_prefix,
        CONSULTATION_TABLE.c.opens_on,
        CONSULTATION_TABLE.c.closes_on,
        CONSULTATION_TABLE.c.districts,
        SECTION_TABLE.c.id.label("section_id"),
        SECTION_TABLE.c.heading,
    )
    .select_from(CONSULTATION_TABLE)
    .outerjoin(SECTION_TABLE, SECTION_TABLE.c.consultation_id == CONSULTATION_TABLE.c.id)
    .where(CONSULTATION_TABLE.c.slug == bindparam("slug"))
    .order_by(SECTION_TABLE.c.position, SECTION_TABLE.c.id)
)


def get_comment_target(slug: str) -> CommentTarget:
    # Core statements go to the session's connection (same transaction): the ORM's execute
    # adds about a fifth to each of the submit's three statements and gives them nothing
    rows = db.session.connection().execute(COMMENT_TARGET, {"slug": slug}).all()
    if not rows:
        raise NotFound(CONSULTATION_NOT_FOUND)
    first = rows[0]
    return CommentTarget(
        id=first.id,
        receipt_prefix=first.receipt_prefix,
        opens_on=first.opens_on,
        closes_on=first.closes_on,
        districts=tuple(first.districts or ()),
        sections=tuple(
            SectionChoice(row.section_id, row.heading) for row in rows if row.section_id is not None
        ),
    )


# the token of one confirmation page, which makes its final submit idempotent
SUBMISSION_TOKEN_CHARS = (16, 64)
# the table's own INSERT: its compiled form is cached, and the column defaults still apply
COMMENT_TABLE = cast(Table, Comment.__table__)
INSERT_COMMENT = insert(COMMENT_TABLE).returning(COMMENT_TABLE.c.id)


@dataclass(frozen=True)
class Receipt:
    """What a resident is shown after the final submit: the number and the private page's token."""

    comment_id: int
    receipt_no: str
    receipt_token: str

    @classmethod
    def of(cls, comment: Comment) -> Receipt:
        return cls(comment.id, comment.receipt_no, comment.receipt_token)


def find_by_submission(submission_token: str) -> Comment | None:
    stmt = select(Comment).where(Comment.submission_token == submission_token)
    return db.session.scalars(stmt).first()


def submit_comment(
    consultation: CommentDestination, data: CommentInput, *, submission_token: str
) -> Receipt:
    """A resident's final submit. The same confirmation page sent twice returns the first receipt.

    The busiest write of a consultation's last evening, so it holds the lock briefly: reserve the
    receipt number, insert the row, commit; no ORM object is built or read back unless a receipt
    e-mail is sent. A repeated confirmation page is caught by the unique submission token rather
    than looked up first; the rollback also returns the receipt number it had reserved.
    """
    if not SUBMISSION_TOKEN_CHARS[0] <= len(submission_token) <= SUBMISSION_TOKEN_CHARS[1]:
        # not from a confirmation page this site made (those hold 32 characters)
        raise NotFromConfirmation()
    try:
        ensure_open(consultation)
        validate_comment(consultation, data)
        today = today_tokyo()
        (receipt_no,) = next_receipt_numbers(consultation, 1, today.year)
        values = comment_values(
            consultation, data, channel=Channel.WEB, received_on=today, receipt_no=receipt_no
        )
        receipt_token = new_token()
        values |= {"submission_token": submission_token, "receipt_token": receipt_token}
        comment_id = db.session.connection().execute(INSERT_COMMENT, values).scalar_one()
        db.session.commit()
    except (ConsultationNotOpen, IntegrityError):
        # this confirmation page again (a double click, a reload, a reload just after the
        # close): the first request stored it, and the resident sees that receipt
        db.session.rollback()
        existing = find_by_submission(submission_token)
        if existing is None:
            raise
        return Receipt.of(existing)
    if values["email"]:
        send_receipt_mail(db.session.get_one(Comment, comment_id))
    return Receipt(comment_id, receipt_no, receipt_token)
