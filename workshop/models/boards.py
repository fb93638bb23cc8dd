from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.extensions import Model
from workshop.models.base import UTCDateTime, enum_column, utcnow
from workshop.models.workshops import Workshop

# no look-alikes: 0/O/D/Q, 1/I/L, 2/Z, 5/S, 8/B and U/V are left out
CODE_ALPHABET = "ACEFGHJKMNPRTWXY34679"
CODE_LENGTH = 6
NOTE_MAX_CHARS = 140
NICKNAME_MAX_CHARS = 20
HIDE_REASON_MAX_CHARS = 200
UNGROUPED_NAME = "未分類"


class BoardStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class NoteStatus(enum.StrEnum):
    PENDING = "pending"  # 確認待ち: moderation is on and no facilitator has looked yet
    APPROVED = "approved"
    HIDDEN = "hidden"  # kept with its reason, never deleted; shown to no one but staff


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_participant_token() -> str:
    return secrets.token_urlsafe(24)


class Board(Model):
    """A live board (付箋ボード) of a workshop: questions in a row, 付箋 from phones and paper."""

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(CODE_LENGTH), unique=True, default=new_code)
    title: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[BoardStatus] = mapped_column(enum_column(BoardStatus), default=BoardStatus.DRAFT)
    is_moderated: Mapped[bool] = mapped_column(default=True)
    # the projector and the participants' pages show no nicknames
    is_anonymous: Mapped[bool] = mapped_column(default=False)
    current_position: Mapped[int] = mapped_column(default=0)  # of the question asked now
    # bumped with every change a page shows: a poller compares it, the live stream sends it
    version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    workshop: Mapped[Workshop] = relationship()
    questions: Mapped[list[BoardQuestion]] = relationship(
        back_populates="board", order_by="BoardQuestion.position", cascade="all, delete-orphan"
    )
    tables: Mapped[list[BoardTable]] = relationship(
        back_populates="board", order_by="BoardTable.position", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.status is BoardStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status is BoardStatus.CLOSED

    @property
    def current_question(self) -> BoardQuestion | None:
        for question in self.questions:
            if question.position == self.current_position:
                return question
        return self.questions[0] if self.questions else None

    @property
    def has_next_question(self) -> bool:
        return any(q.position > self.current_position for q in self.questions)

    def table(self, table_id: int | None) -> BoardTable | None:
        return next((t for t in self.tables if t.id == table_id), None)

    def question(self, question_id: int | None) -> BoardQuestion | None:
        return next((q for q in self.questions if q.id == question_id), None)


class BoardQuestion(Model):
    """One question of a board (問い); the facilitator moves from one to the next."""

    __table_args__ = (UniqueConstraint("board_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(String(200))

    board: Mapped[Board] = relationship(back_populates="questions")

    @property
    def number(self) -> int:
        return self.position + 1


class BoardTable(Model):
    """A table or group in the room (Aテーブル); a board may have none."""

    __table_args__ = (UniqueConstraint("board_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(50))

    board: Mapped[Board] = relationship(back_populates="tables")


class BoardParticipant(Model):
    """A phone or a browser on a board: no account, no e-mail; its token lives in a signed cookie."""

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_participant_token)
    nickname: Mapped[str] = mapped_column(String(NICKNAME_MAX_CHARS), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BoardGroup(Model):
    """A group of a question's notes (a theme on the projector); its name may be the facilitator's."""

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("board_question.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(60))
    # a name the facilitator gave is kept when the notes are grouped again
    name_set_by_facilitator: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BoardNote(Model):
    """A 付箋: at most 140 characters, to one question, from a phone or typed in by staff."""

    __table_args__ = (
        Index("ix_board_note_board_status", "board_id", "status"),
        Index("ix_board_note_question_status", "question_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("board_question.id", ondelete="CASCADE"))
    table_id: Mapped[int | None] = mapped_column(ForeignKey("board_table.id", ondelete="SET NULL"))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("board_participant.id", ondelete="SET NULL"), index=True
    )
    # a paper 付箋 from the room, typed in by this staff member
    is_entered_by_staff: Mapped[bool] = mapped_column(default=False)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(Text)
    # what the participant wrote, kept when a facilitator corrects a typo
    original_body: Mapped[str | None] = mapped_column(Text)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    status: Mapped[NoteStatus] = mapped_column(enum_column(NoteStatus))
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("board_group.id", ondelete="SET NULL"), index=True
    )
    # the comment this note became in the workshop's consultation when the board closed
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment.id", ondelete="SET NULL"), unique=True
    )
    like_count: Mapped[int] = mapped_column(default=0)  # 共感, kept with NoteLike rows
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    board: Mapped[Board] = relationship()
    question: Mapped[BoardQuestion] = relationship()
    table: Mapped[BoardTable | None] = relationship()
    participant: Mapped[BoardParticipant | None] = relationship()
    group: Mapped[BoardGroup | None] = relationship()

    @property
    def is_pending(self) -> bool:
        return self.status is NoteStatus.PENDING

    @property
    def is_approved(self) -> bool:
        return self.status is NoteStatus.APPROVED

    @property
    def is_hidden(self) -> bool:
        return self.status is NoteStatus.HIDDEN


class NoteLike(Model):
    """A 共感 (+1): once per note and participant."""

    __table_args__ = (UniqueConstraint("note_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("board_note.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("board_participant.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
