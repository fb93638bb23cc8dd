"""A snapshot's comments counted per theme and combination of attributes, in one GROUP BY
query (a few thousand rows at most, whatever the number of comments), and the values that
occur in those rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Subquery, func, or_, select

from workshop.extensions import db
from workshop.models import Answer, Comment, QuestionOption, ThemeAssignment
from workshop.themes.stats.attributes import (
    ATTRIBUTES,
    EXTRA_ATTRIBUTES,
    FIXED,
    OTHER_VALUE,
    UNANSWERED,
    UNANSWERED_LABEL,
    Attributes,
    is_answered,
    value_labels,
)

CODE_SEPARATOR = "\x1f"


@dataclass(frozen=True)
class CommentRow:
    """The comments of a snapshot with one theme and the same attributes (enum values as plain
    strings), and how many they are."""

    theme_id: int
    channel: str
    count: int = 1
    table: str = UNANSWERED
    question: str = UNANSWERED
    # answered attribute (年代, a question's q.<key>) -> the codes chosen (several for a
    # multiple choice)
    answers: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def values(self, attribute: str) -> frozenset[str]:
        """The values these comments have for an attribute: one, or for a multiple choice
        question those chosen ({UNANSWERED} when none)."""
        if is_answered(attribute):
            return self.answers.get(attribute) or frozenset({UNANSWERED})
        return frozenset({str(getattr(self, attribute))})


def fetch_rows(analysis_id: int, questions: Mapping[str, int] | None = None) -> list[CommentRow]:
    """The snapshot's comments counted per theme and attributes; ``questions`` (attribute ->
    question id, from Attributes.questions) adds the answers to those choice questions (the
    questions about the respondent among them)."""
    questions = questions or {}
    extra = [Comment.extra[name].as_string() for name in EXTRA_ATTRIBUTES]
    chosen = [chosen_codes(question_id) for question_id in questions.values()]
    attributes: list[Any] = [
        Comment.channel,
        *extra,
        *(codes.c.codes for codes in chosen),
    ]
    stmt = (
        select(ThemeAssignment.theme_id, func.count(), *attributes)
        .join(Comment, Comment.id == ThemeAssignment.comment_id)
        .where(ThemeAssignment.analysis_id == analysis_id)
        .group_by(ThemeAssignment.theme_id, *attributes)
    )
    for codes in chosen:
        stmt = stmt.outerjoin(codes, codes.c.comment_id == Comment.id)
    rows = []
    for theme_id, count, channel, table, question, *joined in db.session.execute(stmt):
        rows.append(
            CommentRow(
                theme_id=theme_id,
                channel=channel.value if channel else UNANSWERED,
                count=count,
                table=table or UNANSWERED,
                question=question or UNANSWERED,
                answers={
                    attribute: frozenset(codes.split(CODE_SEPARATOR))
                    for attribute, codes in zip(questions, joined, strict=True)
                    if codes
                },
            )
        )
    return rows


def chosen_codes(question_id: int) -> Subquery:
    """Per response, the codes chosen in one question joined into one string (the 「その他」
    of a multiple choice as OTHER_VALUE): one row per comment, whatever it chose."""
    code = func.coalesce(QuestionOption.code, OTHER_VALUE)
    return (
        select(
            Answer.comment_id.label("comment_id"),
            func.aggregate_strings(code, CODE_SEPARATOR).label("codes"),
        )
        .outerjoin(QuestionOption, QuestionOption.id == Answer.option_id)
        .where(
            Answer.question_id == question_id,
            or_(Answer.option_id.is_not(None), Answer.other_text.is_not(None)),
        )
        .group_by(Answer.comment_id)
        .subquery()
    )


def regroup_rows(rows: Iterable[CommentRow], key_of: Mapping[int, int]) -> list[CommentRow]:
    """The rows with each theme id replaced by its row's key (its large theme, for example);
    the counts of rows that fall together are summed by cross_table() and compare()."""
    return [replace(row, theme_id=key_of.get(row.theme_id, row.theme_id)) for row in rows]


def present_values(
    rows: Iterable[CommentRow], attribute: str, attributes: Attributes = FIXED
) -> dict[str, str]:
    """The values that occur in ``rows``, in label order; unknown districts after the known ones."""
    found = {value for row in rows for value in row.values(attribute)}
    labels = value_labels(attribute, attributes)
    ordered = {value: label for value, label in labels.items() if value in found}
    extra = sorted(found - set(labels))
    result = {value: value for value in extra}
    if UNANSWERED in ordered:
        label = ordered.pop(UNANSWERED)
        return ordered | result | {UNANSWERED: label}
    return ordered | result


def attribute_labels(
    rows: Sequence[CommentRow], attributes: Attributes = FIXED
) -> dict[str, dict[str, str]]:
    """attribute -> value -> label: the respondents' attributes with the values that occur in
    these rows, then each choice question with all its options."""
    found = {attribute: present_values(rows, attribute, attributes) for attribute in ATTRIBUTES}
    return found | {
        attribute: dict(options) | {UNANSWERED: UNANSWERED_LABEL}
        for attribute, options in attributes.options.items()
        if attribute not in found
    }
