"""A response's checked answers stored as rows, and read back (by comment, or in words)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select

from workshop.extensions import db
from workshop.models import Answer, Comment, Question, QuestionOption, QuestionType
from workshop.questionnaires.services.answer_words import answer_text
from workshop.questionnaires.services.answers import ANSWER_TABLE, AnswerInput, is_shown


def answer_rows(
    comment_id: int, questions: Sequence[Question], answers: Iterable[AnswerInput]
) -> list[dict[str, Any]]:
    """The Answer rows of one response: one per chosen option, plus its その他 text."""
    by_key = {q.key: q for q in questions}
    rows: list[dict[str, Any]] = []
    for answer in answers:
        question = by_key[answer.key]
        base = {
            "comment_id": comment_id,
            "question_id": question.id,
            "option_id": None,
            "other_text": None,
            "number_value": None,
            "text_value": None,
        }
        for code in answer.codes:
            option = question.option_by_code(code)
            assert option is not None, code  # checked against the same question
            rows.append(base | {"option_id": option.id, "number_value": answer.number})
        if answer.other_text:
            rows.append(base | {"other_text": answer.other_text})
        if question.type is QuestionType.NUMBER:
            rows.append(base | {"number_value": answer.number})
        if question.type in (QuestionType.SHORT_TEXT, QuestionType.FREE_TEXT):
            rows.append(base | {"text_value": answer.text})
    return rows


def store_answers(
    comment_id: int, questions: Sequence[Question], answers: Iterable[AnswerInput]
) -> None:
    """Insert a response's answer rows, in the caller's transaction (with its comment)."""
    rows = answer_rows(comment_id, questions, answers)
    if rows:
        db.session.connection().execute(insert(ANSWER_TABLE), rows)


def answers_of(comment_ids: Sequence[int]) -> dict[int, dict[str, AnswerInput]]:
    """The stored answers of some responses, as checked answers by question key."""
    if not comment_ids:
        return {}
    # columns, not Answer objects: an export reads some 15 rows per response (50,000 responses)
    stmt = (
        select(
            Answer.comment_id,
            Question.key,
            QuestionOption.code,
            Answer.other_text,
            Answer.number_value,
            Answer.text_value,
        )
        .join(Question, Answer.question_id == Question.id)
        .outerjoin(QuestionOption, Answer.option_id == QuestionOption.id)
        .where(Answer.comment_id.in_(comment_ids))
        .order_by(Answer.comment_id, Answer.question_id, QuestionOption.position)
    )
    parts: dict[int, dict[str, dict[str, Any]]] = {}
    for comment_id, key, code, other_text, number, text in db.session.execute(stmt):
        part = parts.setdefault(comment_id, {}).setdefault(
            key, {"codes": [], "other_text": None, "number": None, "text": None}
        )
        if code is not None:
            part["codes"].append(code)
        part["other_text"] = other_text or part["other_text"]
        if number is not None:
            part["number"] = number
        part["text"] = text or part["text"]
    return {
        comment_id: {
            key: AnswerInput(key, tuple(p["codes"]), p["other_text"], p["number"], p["text"])
            for key, p in by_key.items()
        }
        for comment_id, by_key in parts.items()
    }


@dataclass(frozen=True)
class AnswerLine:
    """One asked question and its answer in words: 問{number} {question.text}: {text}."""

    number: int
    question: Question
    text: str


def answers_in_words(
    questions: Sequence[Question], answers: Iterable[AnswerInput]
) -> list[AnswerLine]:
    """The questions a response was asked (conditions met), each with its answer in words."""
    by_key = {a.key: a for a in answers}
    chosen = {key: answer.chosen for key, answer in by_key.items()}
    return [
        AnswerLine(number, question, answer_text(question, by_key.get(question.key)))
        for number, question in enumerate(questions, start=1)
        if is_shown(question, chosen)
    ]


def stored_answers(comment: Comment) -> list[AnswerLine]:
    """A stored response's answers in words, for its receipt and staff pages."""
    answers = answers_of([comment.id]).get(comment.id, {})
    return answers_in_words(comment.consultation.questions, answers.values())
