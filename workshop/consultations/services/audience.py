"""Who may answer a consultation: anyone, the holder of a private link, or the city's staff.

A respondent is worked out once per request (`respondent_for`) and its use is taken in the
same transaction as the comment (`take_use`): a link's count goes up only if the comment is
stored, and a staff member's one answer is recorded with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, insert, select, update
from sqlalchemy.exc import IntegrityError

from workshop import audit
from workshop.consultations.services.consultations import get_consultation
from workshop.errors import DomainError, NotFound
from workshop.extensions import db
from workshop.models import AnswerLink, Audience, Consultation, StaffResponse, utcnow
from workshop.models.audience import LINK_LABEL_MAX_CHARS
from workshop.text import clean_text
from workshop.transaction import transaction

LINK_MAX_USES = 10_000
LINK_TABLE = cast(Table, AnswerLink.__table__)
STAFF_RESPONSE_TABLE = cast(Table, StaffResponse.__table__)


class AnswerNotAllowed(DomainError):
    """This person may not answer here (no link, a used link, not logged in as staff)."""

    status = 403
    code = "answer_not_allowed"


class AlreadyAnswered(AnswerNotAllowed):
    message = _l("このアンケートには、すでに回答していただいています。回答は1人1回です。")
    status = 409
    code = "already_answered"


NEEDS_LINK = _l(
    "この意見募集には、市からお送りしたリンクからお答えいただけます。"
    "リンクをお持ちでない方は、担当課にお問い合わせください。"
)
LINK_USED_UP = _l(
    "このリンクは、回答できる回数に達したため使えません。"
    "心当たりのない方は、担当課にお問い合わせください。"
)
NEEDS_STAFF = _l(
    "この意見募集は市の職員向けです。職員のアカウントでログインしてからお答えください。"
)


@dataclass(frozen=True)
class Respondent:
    """Who is answering: through which private link, or which staff member (by id)."""

    link: AnswerLink | None = None
    staff_id: int | None = None


PUBLIC = Respondent()


def find_link(consultation: Consultation, token: str) -> AnswerLink | None:
    if not token or len(token) > 40:
        return None
    stmt = select(AnswerLink).where(
        AnswerLink.consultation_id == consultation.id, AnswerLink.token == token
    )
    return db.session.scalars(stmt).first()


def has_answered(consultation: Consultation, staff_id: int) -> bool:
    return db.session.get(StaffResponse, (consultation.id, staff_id)) is not None


def respondent_for(
    consultation: Consultation, *, link_token: str = "", staff_id: int | None = None
) -> Respondent:
    """Who may answer here, or AnswerNotAllowed with what to do in plain Japanese."""
    if consultation.audience is Audience.LINK:
        link = find_link(consultation, link_token)
        if link is None:
            raise AnswerNotAllowed(str(NEEDS_LINK))
        if link.remaining <= 0:
            raise AnswerNotAllowed(str(LINK_USED_UP))
        return Respondent(link=link)
    if consultation.audience is Audience.STAFF:
        if staff_id is None:
            raise AnswerNotAllowed(str(NEEDS_STAFF))
        if has_answered(consultation, staff_id):
            raise AlreadyAnswered()
        return Respondent(staff_id=staff_id)
    return PUBLIC


def take_use(consultation: Consultation, respondent: Respondent, comment_id: int) -> None:
    """Inside the comment's transaction: one use of the link, or the staff member's answer."""
    if respondent.link is not None:
        taken = db.session.connection().execute(
            update(LINK_TABLE)
            .where(
                LINK_TABLE.c.id == respondent.link.id,
                LINK_TABLE.c.uses < LINK_TABLE.c.max_uses,
                LINK_TABLE.c.revoked_at.is_(None),
            )
            .values(uses=LINK_TABLE.c.uses + 1)
        )
        if taken.rowcount != 1:  # used up by another answer in the meantime
            raise AnswerNotAllowed(str(LINK_USED_UP))
    if respondent.staff_id is not None:
        # anonymous: only that this person answered, never which answer is theirs
        kept_id = None if consultation.staff_anonymous else comment_id
        try:
            with db.session.begin_nested():
                db.session.connection().execute(
                    insert(STAFF_RESPONSE_TABLE).values(
                        consultation_id=consultation.id,
                        user_id=respondent.staff_id,
                        comment_id=kept_id,
                    )
                )
        except IntegrityError as error:
            raise AlreadyAnswered() from error


# ------------------------------------------------------------------ staff: managing the links


@dataclass(frozen=True)
class LinkInput:
    label: str
    max_uses: int
    count: int = 1  # how many links to make at once (a panel of 200: 200 links of one use)


def link_problems(data: LinkInput) -> dict[str, str]:
    problems: dict[str, str] = {}
    if len(clean_text(data.label)) > LINK_LABEL_MAX_CHARS:
        problems["label"] = f"名前は{LINK_LABEL_MAX_CHARS}文字以内で入力してください。"
    if not 1 <= data.max_uses <= LINK_MAX_USES:
        problems["max_uses"] = f"回答できる回数は1から{LINK_MAX_USES:,}までにしてください。"
    if not 1 <= data.count <= 1000:
        problems["count"] = "一度に作れるリンクは1から1,000までです。"
    return problems


def create_links(consultation_id: int, data: LinkInput) -> list[AnswerLink]:
    problems = link_problems(data)
    if problems:
        raise DomainError(next(iter(problems.values())))
    with transaction():
        consultation = get_consultation(consultation_id)
        label = clean_text(data.label)
        links = [
            AnswerLink(
                consultation_id=consultation.id,
                label=f"{label} {number}" if data.count > 1 and label else label,
                max_uses=data.max_uses,
                uses=0,
            )
            for number in range(1, data.count + 1)
        ]
        db.session.add_all(links)
        audit.record(
            "consultation.links_created",
            f"consultation:{consultation.slug}",
            count=data.count,
            max_uses=data.max_uses,
        )
    return links


def list_links(consultation_id: int) -> list[AnswerLink]:
    stmt = (
        select(AnswerLink)
        .where(AnswerLink.consultation_id == consultation_id)
        .order_by(AnswerLink.id)
    )
    return list(db.session.scalars(stmt))


def revoke_link(consultation_id: int, link_id: int) -> AnswerLink:
    with transaction():
        link = db.session.get(AnswerLink, link_id)
        if link is None or link.consultation_id != consultation_id:
            raise NotFound(_("このリンクは見つかりません。"))
        if link.revoked_at is None:
            link.revoked_at = utcnow()
            audit.record("consultation.link_revoked", f"link:{link.id}")
    return link
