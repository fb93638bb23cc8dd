"""Who may answer a consultation or questionnaire: anyone, those holding a private link, or
the city's own staff (who may answer anonymously, yet once each)."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from workshop.extensions import Model
from workshop.models.base import UTCDateTime, utcnow

LINK_LABEL_MAX_CHARS = 100


class Audience(enum.StrEnum):
    PUBLIC = "public"  # anyone; listed on the top page
    LINK = "link"  # those holding a private link (a sampled panel, a school); not listed
    STAFF = "staff"  # the city's staff, logged in; not listed


def new_link_token() -> str:
    return secrets.token_urlsafe(18)  # 24 characters, 144 bits: not guessable


class AnswerLink(Model):
    """A private link to answer: once (a panel member's own link) or a set number of times
    (a class of a school). A response does not record which link it came by."""

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    token: Mapped[str] = mapped_column(String(40), unique=True, default=new_link_token)
    label: Mapped[str] = mapped_column(String(LINK_LABEL_MAX_CHARS), default="")
    max_uses: Mapped[int] = mapped_column(default=1)
    uses: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def remaining(self) -> int:
        return 0 if self.revoked_at is not None else max(self.max_uses - self.uses, 0)


class StaffResponse(Model):
    """That a staff member has answered a staff-only consultation: each answers once. When
    the answers are anonymous, `comment_id` stays empty: nothing ties the answer to the
    account."""

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="SET NULL"))
