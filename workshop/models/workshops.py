from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.extensions import Model
from workshop.models.base import UTCDateTime, enum_column, utcnow
from workshop.models.consultations import AgeGroup, Consultation
from workshop.models.staff import User
from workshop.models.summaries import HasTranslatedSummaries, TranslatedSummary


class WorkshopFormat(enum.StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class ParticipationMode(enum.StrEnum):
    VENUE = "venue"
    ONLINE = "online"


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class Need(enum.StrEnum):
    CHILDCARE = "childcare"
    SIGN_LANGUAGE = "sign_language"
    CAPTIONING = "captioning"
    WHEELCHAIR = "wheelchair"
    OTHER = "other"


def new_key() -> str:
    return secrets.token_urlsafe(9)


# the facilitators who run a workshop: only they (and planners, admins) see its roster
workshop_facilitator = Table(
    "workshop_facilitator",
    Model.metadata,
    Column("workshop_id", ForeignKey("workshop.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Workshop(HasTranslatedSummaries, Model):
    """A 市民ワークショップ or 意見交換会: in person, online or both (hybrid)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")  # programme, Markdown
    access: Mapped[str] = mapped_column(Text, default="")
    accessibility: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    format: Mapped[WorkshopFormat] = mapped_column(enum_column(WorkshopFormat))
    venue: Mapped[str] = mapped_column(String(200), default="")
    map_url: Mapped[str | None] = mapped_column(String(500))
    online_url: Mapped[str | None] = mapped_column(String(500))  # confirmed registrants only
    # seats at the venue; for an online-only workshop, the online seats
    capacity: Mapped[int]
    online_capacity: Mapped[int] = mapped_column(default=0)  # hybrid only
    has_waitlist: Mapped[bool] = mapped_column(default=True)
    signup_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="SET NULL")
    )
    # bumped under lock by every sign-up: the UPDATE is the lock, the value the arrival order
    registration_seq: Mapped[int] = mapped_column(default=0)
    opinion_batches: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    consultation: Mapped[Consultation | None] = relationship()
    # the planner's summaries in other languages: loaded when a page in one of them asks
    # (not with every load: the comment submit, the busiest write, never reads them)
    translated_summaries: Mapped[list[TranslatedSummary]] = relationship(
        order_by="TranslatedSummary.language",
        cascade="all, delete-orphan",
        foreign_keys=[TranslatedSummary.workshop_id],
    )
    facilitators: Mapped[list[User]] = relationship(
        secondary=workshop_facilitator, order_by=User.id, passive_deletes=True
    )

    @property
    def is_hybrid(self) -> bool:
        return self.format is WorkshopFormat.HYBRID

    @property
    def modes(self) -> tuple[ParticipationMode, ...]:
        if self.format is WorkshopFormat.HYBRID:
            return (ParticipationMode.VENUE, ParticipationMode.ONLINE)
        if self.format is WorkshopFormat.ONLINE:
            return (ParticipationMode.ONLINE,)
        return (ParticipationMode.VENUE,)

    def capacity_for(self, mode: ParticipationMode) -> int:
        if self.format is WorkshopFormat.HYBRID and mode is ParticipationMode.ONLINE:
            return self.online_capacity
        return self.capacity

    @property
    def total_capacity(self) -> int:
        return sum(self.capacity_for(mode) for mode in self.modes)

    def has_started(self, now: datetime) -> bool:
        return now >= self.starts_at

    def is_signup_open(self, now: datetime) -> bool:
        deadline = self.signup_deadline or self.starts_at
        return now < deadline and now < self.starts_at


class Registration(Model):
    """A 申込: confirmed, on the waiting list (キャンセル待ち), or cancelled."""

    __table_args__ = (
        UniqueConstraint("workshop_id", "email"),
        UniqueConstraint("workshop_id", "line_user_hash"),
        Index("ix_registration_workshop_status", "workshop_id", "status", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    seq: Mapped[int]  # arrival order within the workshop; the waiting list follows it
    status: Mapped[RegistrationStatus] = mapped_column(enum_column(RegistrationStatus))
    mode: Mapped[ParticipationMode] = mapped_column(enum_column(ParticipationMode))
    name: Mapped[str] = mapped_column(String(100))
    furigana: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    # signed up through the city's LINE account: who (the HMAC of the LINE id, as line_user),
    # and the id sealed with the app's key (line_api.seal) so that a move up from the waiting
    # list and the reminder can be pushed to them; both erased once the workshop is over
    line_user_hash: Mapped[str | None] = mapped_column(String(64))
    line_user_sealed: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str] = mapped_column(String(30), default="")
    age_group: Mapped[AgeGroup | None] = mapped_column(enum_column(AgeGroup))
    district: Mapped[str] = mapped_column(String(100), default="")
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    needs_other: Mapped[str] = mapped_column(String(500), default="")
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # part of the signed links: a new key makes the old links useless
    access_key: Mapped[str] = mapped_column(String(32), default=new_key)
    is_walk_in: Mapped[bool] = mapped_column(default=False)
    # the language the resident signed up in (workshop.preferences.language's code): the mails
    # sent later (a seat from the waiting list, the reminder) are written in it
    language: Mapped[str] = mapped_column(String(8), default="ja", server_default="ja")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    workshop: Mapped[Workshop] = relationship()

    @property
    def is_confirmed(self) -> bool:
        return self.status is RegistrationStatus.CONFIRMED

    @property
    def is_waitlisted(self) -> bool:
        return self.status is RegistrationStatus.WAITLISTED

    @property
    def is_cancelled(self) -> bool:
        return self.status is RegistrationStatus.CANCELLED
