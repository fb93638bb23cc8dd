"""A consultation's questions (アンケート), their options, and the answers of each response.

A response is the consultation's existing `Comment` row: receipts, channels, hiding and imports
work as for any comment. Answers are stored one row per chosen option, so that the results are
counted in SQL (GROUP BY question_id, option_id) over tens of thousands of responses.
"""

from __future__ import annotations

import enum

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.extensions import Model
from workshop.models.base import enum_column

QUESTION_TEXT_MAX_CHARS = 500
OPTION_LABEL_MAX_CHARS = 200
QUESTION_KEY_MAX_CHARS = 40
OPTION_CODE_MAX_CHARS = 40
SCALE_LABEL_MAX_CHARS = 50


class QuestionType(enum.StrEnum):
    SINGLE = "single"  # radio buttons
    MULTIPLE = "multiple"  # check boxes, optionally with "other" and its text
    SCALE = "scale"  # e.g. 1-5 with end labels; one option per point, code = the value
    NUMBER = "number"
    SHORT_TEXT = "short_text"
    FREE_TEXT = "free_text"

    @property
    def has_options(self) -> bool:
        return self in CHOICE_TYPES


CHOICE_TYPES = frozenset({QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.SCALE})


class Profile(enum.StrEnum):
    """The questions about the respondent that every consultation asks, whatever its
    questionnaire: answered as options the city can change, counted like any choice question."""

    AGE_GROUP = "age_group"
    DISTRICT = "district"
    RELATION = "relation"


class Question(Model):
    """One question of a consultation's questionnaire, in order, or one of its questions about
    the respondent (``profile``)."""

    __table_args__ = (
        UniqueConstraint("consultation_id", "key"),
        UniqueConstraint("consultation_id", "profile"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    # stable, for files, exports and cross tabs (q1, smartphone, ...)
    key: Mapped[str] = mapped_column(String(QUESTION_KEY_MAX_CHARS))
    type: Mapped[QuestionType] = mapped_column(enum_column(QuestionType))
    text: Mapped[str] = mapped_column(String(QUESTION_TEXT_MAX_CHARS))
    help_text: Mapped[str] = mapped_column(Text, default="")
    is_required: Mapped[bool] = mapped_column(default=False)
    # a question about the respondent (年代, 地区, ...), offered first for cross tabs
    is_attribute: Mapped[bool] = mapped_column(default=False)
    # one of the questions about the respondent every form asks, beside any questionnaire
    # (Consultation.profile_questions); None: a question of the questionnaire
    profile: Mapped[Profile | None] = mapped_column(enum_column(Profile))
    # multiple choice: an "その他" box with its own text
    has_other: Mapped[bool] = mapped_column(default=False)
    scale_min: Mapped[int | None]
    scale_max: Mapped[int | None]
    scale_min_label: Mapped[str | None] = mapped_column(String(SCALE_LABEL_MAX_CHARS))
    scale_max_label: Mapped[str | None] = mapped_column(String(SCALE_LABEL_MAX_CHARS))
    number_min: Mapped[float | None] = mapped_column(Float)
    number_max: Mapped[float | None] = mapped_column(Float)
    # shown only to those who chose one of `show_if_codes` in an earlier choice question
    show_if_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("question.id", ondelete="SET NULL")
    )
    show_if_codes: Mapped[list[str]] = mapped_column(JSON, default=list)

    options: Mapped[list[QuestionOption]] = relationship(
        back_populates="question",
        order_by="QuestionOption.position",
        cascade="all, delete-orphan",
    )
    show_if_question: Mapped[Question | None] = relationship(remote_side=[id])

    @property
    def visible_options(self) -> list[QuestionOption]:
        return [option for option in self.options if not option.is_hidden]

    def option_by_code(self, code: str) -> QuestionOption | None:
        return next((o for o in self.options if o.code == code), None)


class QuestionOption(Model):
    """A choice of a question. Its code stays the same for the question's life; an option in
    use is hidden, never deleted, so that stored answers keep their meaning."""

    __table_args__ = (UniqueConstraint("question_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("question.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(OPTION_CODE_MAX_CHARS))
    label: Mapped[str] = mapped_column(String(OPTION_LABEL_MAX_CHARS))
    is_hidden: Mapped[bool] = mapped_column(default=False)

    question: Mapped[Question] = relationship(back_populates="options")


class Answer(Model):
    """One answer value of one response (a Comment) to one question.

    Choices: one row per chosen option (`option_id`); a multiple choice's "other" is a row
    with `other_text` and no option. A scale answer has its option and its value in
    `number_value`; a number answer `number_value`; a text answer `text_value`.
    """

    __table_args__ = (
        # counts per option and cross tabs read only this index (question, option, response)
        Index("ix_answer_question_option_comment", "question_id", "option_id", "comment_id"),
        Index("ix_answer_comment_question", "comment_id", "question_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    # RESTRICT: an option with answers is hidden, never deleted
    option_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_option.id", ondelete="RESTRICT")
    )
    other_text: Mapped[str | None] = mapped_column(Text)
    number_value: Mapped[float | None] = mapped_column(Float)
    text_value: Mapped[str | None] = mapped_column(Text)

    question: Mapped[Question] = relationship()
    option: Mapped[QuestionOption | None] = relationship()
