"""A resident's final submit from the confirmation page: the busiest write of a round."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError

from workshop.consultations.services.audience import AnswerNotAllowed, respondent_for, take_use
from workshop.consultations.services.comments import (
    comment_values,
    next_receipt_numbers,
    send_receipt_mail,
    store_comment_answers,
)
from workshop.consultations.services.rules import (
    CommentInput,
    ensure_open,
    validate_comment,
)
from workshop.errors import ConsultationNotOpen, NotFromConfirmation
from workshop.extensions import db
from workshop.models import Channel, Comment, Consultation
from workshop.models.consultations import new_token
from workshop.questionnaires.services import accept_district
from workshop.timeutil import today_tokyo
from workshop.transaction import transaction

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
    consultation: Consultation,
    data: CommentInput,
    *,
    submission_token: str,
    link_token: str = "",
    staff_id: int | None = None,
    channel: Channel = Channel.WEB,
) -> Receipt:
    """A resident's final submit. The same confirmation page sent twice returns the first receipt.
    Through LINE (``channel``) the token is the confirming event's: an event taken again after
    its job died finds the comment it stored.

    The busiest write of a consultation's last evening, so it holds the lock briefly: reserve the
    receipt number, insert the row with the table's own INSERT, commit; the comment is read back
    as an object only for a receipt e-mail. A repeated confirmation page is caught by the unique submission token rather
    than looked up first.
    """
    if not SUBMISSION_TOKEN_CHARS[0] <= len(submission_token) <= SUBMISSION_TOKEN_CHARS[1]:
        # not from a confirmation page this site made (those hold 32 characters)
        raise NotFromConfirmation()
    try:
        with transaction():
            ensure_open(consultation)
            respondent = respondent_for(consultation, link_token=link_token, staff_id=staff_id)
            accept_district(consultation, data.district)
            validate_comment(consultation, data)
            today = today_tokyo()
            # everything is ready before the UPDATE takes the write lock (on SQLite, the whole
            # database's), so that the lock is held for the two statements and the commit only
            values = comment_values(
                consultation, data, channel=channel, received_on=today, receipt_no=""
            )
            receipt_token = new_token()
            values |= {"submission_token": submission_token, "receipt_token": receipt_token}
            (receipt_no,) = next_receipt_numbers(consultation, 1, today.year)
            values["receipt_no"] = receipt_no
            comment_id = db.session.connection().execute(INSERT_COMMENT, values).scalar_one()
            store_comment_answers(comment_id, consultation, data)
            take_use(consultation, respondent, comment_id)
    except (ConsultationNotOpen, AnswerNotAllowed, IntegrityError):
        # this confirmation page again (a double click, a reload, a reload just after the
        # close or after its one-use link was used by the first): the first request stored
        # it, and the resident sees that receipt; the transaction was rolled back, which also
        # returned the reserved receipt number
        existing = find_by_submission(submission_token)
        if existing is None:
            raise
        return Receipt.of(existing)
    if values["email"]:
        send_receipt_mail(db.session.get_one(Comment, comment_id))
    return Receipt(comment_id, receipt_no, receipt_token)
