from __future__ import annotations

import enum
import secrets
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.extensions import Model
from workshop.models.audience import Audience
from workshop.models.base import UTCDateTime, enum_column, utcnow
from workshop.models.questionnaires import Profile
from workshop.models.summaries import HasTranslatedSummaries, TranslatedSummary
from workshop.timeutil import today_tokyo

if TYPE_CHECKING:
    from workshop.models.analysis import Publication
    from workshop.models.questionnaires import Answer, Question, QuestionOption

COMMENT_MAX_CHARS = 4000


class ConsultationStatus(enum.StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


class AgeGroup(enum.StrEnum):
    UNDER_20 = "under_20"
    AGE_20S = "20s"
    AGE_30S = "30s"
    AGE_40S = "40s"
    AGE_50S = "50s"
    AGE_60S = "60s"
    AGE_70S = "70s"
    AGE_80_PLUS = "80_plus"


class Relation(enum.StrEnum):
    RESIDENT = "resident"
    WORKER = "worker"
    STUDENT = "student"
    OTHER = "other"


class Channel(enum.StrEnum):
    WEB = "web"
    PAPER = "paper"
    FAX = "fax"
    COUNTER = "counter"
    PHONE = "phone"
    WORKSHOP = "workshop"
    LINE = "line"
    IMPORT = "import"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def period_status(opens_on: date, closes_on: date, day: date) -> ConsultationStatus:
    """Where `day` falls in a comment period; the period includes both dates (Tokyo time)."""
    if day < opens_on:
        return ConsultationStatus.UPCOMING
    if day > closes_on:
        return ConsultationStatus.CLOSED
    return ConsultationStatus.OPEN


class Consultation(HasTranslatedSummaries, Model):
    """An 意見募集 (public comment period) on a draft plan."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown, rendered without raw HTML
    video_url: Mapped[str | None] = mapped_column(String(500))
    opens_on: Mapped[date]
    closes_on: Mapped[date]  # inclusive: comments are accepted until 23:59 Tokyo time
    # unique: receipt numbers (DX-2026-000123) must name one comment in the whole city
    receipt_prefix: Mapped[str] = mapped_column(String(10), unique=True, default="PC")
    receipt_seq: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # who may answer (workshop/models/audience.py); staff answers may be anonymous
    audience: Mapped[Audience] = mapped_column(
        enum_column(Audience), default=Audience.PUBLIC, server_default=Audience.PUBLIC.value
    )
    staff_anonymous: Mapped[bool] = mapped_column(default=False, server_default=false())

    sections: Mapped[list[Section]] = relationship(
        back_populates="consultation", order_by="Section.position", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="consultation", order_by="Attachment.id", cascade="all, delete-orphan"
    )
    # the planner's summaries in other languages: loaded when a page in one of them asks
    # (not with every load: the comment submit, the busiest write, never reads them)
    translated_summaries: Mapped[list[TranslatedSummary]] = relationship(
        order_by="TranslatedSummary.language",
        cascade="all, delete-orphan",
        foreign_keys=[TranslatedSummary.consultation_id],
    )
    # the published results, if any: the consultation's page loads them with it (one LEFT
    # JOIN, consultations.services.WITH_SECTIONS), so its link to them needs no query of its own;
    # the comment submit, the busiest request, does not join them
    publication: Mapped[Publication | None] = relationship(viewonly=True)
    # a questionnaire (アンケート) beside the free text; none: the form is as it always was
    questions: Mapped[list[Question]] = relationship(
        primaryjoin="and_(Consultation.id == Question.consultation_id, Question.profile.is_(None))",
        order_by="Question.position",
        cascade="all, delete-orphan",
        overlaps="profile_questions",
    )
    # the questions about the respondent every form asks (年代, 地区, 市との関係): ordinary
    # choice questions whose options the city sets (questionnaires/services/profile.py)
    profile_questions: Mapped[list[Question]] = relationship(
        primaryjoin="and_(Consultation.id == Question.consultation_id,"
        " Question.profile.is_not(None))",
        order_by="Question.position",
        cascade="all, delete-orphan",
        overlaps="questions",
    )

    def status_on(self, day: date) -> ConsultationStatus:
        return period_status(self.opens_on, self.closes_on, day)

    @property
    def status(self) -> ConsultationStatus:
        return self.status_on(today_tokyo())

    @property
    def is_open(self) -> bool:
        return self.status is ConsultationStatus.OPEN

    @property
    def period_days(self) -> int:
        return (self.closes_on - self.opens_on).days + 1

    def section(self, section_id: int | None) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def profile_question(self, profile: Profile) -> Question | None:
        return next((q for q in self.profile_questions if q.profile is profile), None)

    def offered(self, profile: str) -> list[QuestionOption]:
        """The options a resident chooses from in a question about the respondent."""
        question = self.profile_question(Profile(profile))
        return question.visible_options if question else []

    @property
    def districts(self) -> list[str]:
        """The districts a resident chooses from: the district question's offered options."""
        return [option.label for option in self.offered(Profile.DISTRICT)]


class Section(Model):
    """A 章・節 of the draft, so that a comment can say which part it is about."""

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    heading: Mapped[str] = mapped_column(String(200))

    consultation: Mapped[Consultation] = relationship(back_populates="sections")


class Attachment(Model):
    """A PDF of the draft, stored under instance/uploads with a generated name."""

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    size_bytes: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consultation: Mapped[Consultation] = relationship(back_populates="attachments")


class Comment(Model):
    """An 意見, from the web form, proxy entry by staff, a workshop or an import."""

    __table_args__ = (
        UniqueConstraint("consultation_id", "external_id"),
        Index("ix_comment_consultation_created", "consultation_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel), default=Channel.WEB)
    # the language it is written in (nlp.language: ja, en, zh, ko, vi, pt, und); None: no
    # text (a questionnaire's answers only), or stored before languages were told apart
    language: Mapped[str | None] = mapped_column(String(8))
    received_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    receipt_no: Mapped[str] = mapped_column(String(40), unique=True)
    # the resident's receipt page: an unguessable link, not the receipt number
    receipt_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    # one per confirmation page: a second POST of the same page finds the first comment
    submission_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(200))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    is_hidden: Mapped[bool] = mapped_column(default=False)
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    consultation: Mapped[Consultation] = relationship()
    section: Mapped[Section | None] = relationship()
    # the response's answers to the questionnaire, if any; the database deletes them with it
    answers: Mapped[list[Answer]] = relationship(order_by="Answer.id", passive_deletes=True)
