"""A consultation's questionnaire in LINE: how each question is asked as a message, and how
what the resident types (a number, a label, several numbers) is read as the answer.

Pure, like the conversation: the questions are the consultation's own (their rules are
checked by questionnaires.services.answers, the same as the web form, the paper form and
survey files), and the answers so far travel in the resident's state.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

from workshop.models import Question, QuestionType
from workshop.questionnaires.services.answer_words import scale_choices
from workshop.questionnaires.services.answers import (
    CheckedAnswers,
    RawAnswer,
    check_answers,
    is_shown,
    raw_from_cell,
)

SEPARATORS = re.compile(r"\s*[、,;，；\s]\s*")
# (question key, values, その他 text): one question's answer as typed, kept in the state
Given = tuple[str, tuple[str, ...], str]


def raw_answers(given: Sequence[Given]) -> dict[str, RawAnswer]:
    return {key: RawAnswer(values, other) for key, values, other in given}


def check(
    questions: Sequence[Question], given: Sequence[Given], asked: Sequence[str]
) -> CheckedAnswers:
    """The answers so far by the questionnaire's rules; a question not asked yet is no
    problem."""
    return check_answers(questions, raw_answers(given), asked=asked)


def next_question(
    questions: Sequence[Question], given: Sequence[Given], asked: Sequence[str]
) -> Question | None:
    """The first question not asked yet whose condition the answers so far meet."""
    chosen = check(questions, given, asked).chosen()
    return next(
        (q for q in questions if q.key not in asked and is_shown(q, chosen)),
        None,
    )


def choices(question: Question) -> list[tuple[str, str]]:
    """(code, label) of what can be chosen, in order; none for a number or a text."""
    if question.type is QuestionType.SCALE:
        return scale_choices(question)
    if question.type.has_options:
        return [(option.code, option.label) for option in question.visible_options]
    return []


def asking(
    question: Question, number: int, skip: str
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The message that asks a question, its choices as quick replies, and the controls that
    go after them (``skip`` when the question may be left unanswered)."""
    lines = [f"問{number}　{question.text}"]
    if question.help_text:
        lines.append(question.help_text)
    listed = choices(question)
    quick: list[str] = []
    if question.type is QuestionType.MULTIPLE:
        lines += [f"{n}. {label}" for n, (_, label) in enumerate(listed, start=1)]
        if question.has_other:
            lines.append("（ほかにあれば、その内容を書いて送ってください）")
        lines.append("当てはまるものの番号を、「、」で区切って送ってください（例: 1、3）。")
        quick = [str(n) for n in range(1, len(listed) + 1)]
    elif question.type is QuestionType.SCALE:
        lines.append("ボタンで選ぶか、数字を送ってください。")
        quick = [label for _, label in listed]
    elif question.type is QuestionType.SINGLE:
        lines += [f"{n}. {label}" for n, (_, label) in enumerate(listed, start=1)]
        lines.append("ボタンで選ぶか、番号を送ってください。")
        quick = [label for _, label in listed]
    elif question.type is QuestionType.NUMBER:
        low, high = question.number_min, question.number_max
        span = f"（{_plain(low)}〜{_plain(high)}）" if low is not None and high is not None else ""
        lines.append(f"数字で送ってください{span}。")
    else:
        lines.append("書いて送ってください。")
    controls: tuple[str, ...] = ()
    if not question.is_required:
        lines.append(f"答えないときは「{skip}」。")
        controls = (skip,)
    return "\n".join(lines), tuple(quick), controls


def read(question: Question, said: str) -> RawAnswer:
    """What was typed, as the question's answer: option numbers (1、3), labels or codes; a
    scale's point; a number; a text. Anything else is left for the rules to refuse (or, for
    a multiple choice with 「その他」, taken as its text)."""
    said = said.strip()
    if question.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        labels = dict(enumerate((label for _, label in choices(question)), start=1))
        whole = _index(said, labels)
        if whole is not None:
            return raw_from_cell(question, whole)
        if question.type is QuestionType.MULTIPLE:
            parts = [p for p in SEPARATORS.split(said) if p]
            named = [_index(part, labels) or part for part in parts]
            return raw_from_cell(question, "、".join(named))
        return RawAnswer((said,))
    if question.type is QuestionType.SCALE:
        points: Mapping[str, str] = {label: code for code, label in choices(question)}
        return RawAnswer((points.get(said, said),))
    return RawAnswer((said,))


def given_with(given: Sequence[Given], key: str, raw: RawAnswer) -> tuple[Given, ...]:
    """The answers so far with this question's answer put in (again)."""
    kept = tuple(entry for entry in given if entry[0] != key)
    return (*kept, (key, raw.values, raw.other_text))


def _index(text: str, labels: Mapping[int, str]) -> str | None:
    folded = unicodedata.normalize("NFKC", text)
    return labels.get(int(folded)) if folded.isdigit() else None


def _plain(value: float | None) -> str:
    return "" if value is None else f"{value:,g}"
