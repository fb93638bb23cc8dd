"""A response's answers in words: on the confirmation page and the receipt, the scale's choices
of the form and the paper form, and the columns of the comment export."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask_babel import gettext as _

from workshop.models import Question, QuestionType
from workshop.models.questionnaires import CHOICE_TYPES
from workshop.questionnaires.services.answers import AnswerInput, number_text


def answer_text(question: Question, answer: AnswerInput | None) -> str:
    """An answer in words, for the confirmation page, the receipt and staff pages."""
    if answer is None:
        return _("回答なし")
    if question.type in CHOICE_TYPES:
        labels = [
            (option.label if option is not None else code)
            for code in answer.codes
            for option in [question.option_by_code(code)]
        ]
        if question.type is QuestionType.SCALE and answer.codes:
            labels = [scale_label(question, int(answer.codes[0]))]
        if answer.other_text:
            labels.append(_("その他（%(text)s）", text=answer.other_text))
        return "、".join(labels)
    if question.type is QuestionType.NUMBER and answer.number is not None:
        return number_text(answer.number)
    return answer.text or _("回答なし")


def scale_label(question: Question, point: int) -> str:
    if point == question.scale_min and question.scale_min_label:
        return f"{point}（{question.scale_min_label}）"
    if point == question.scale_max and question.scale_max_label:
        return f"{point}（{question.scale_max_label}）"
    return str(point)


def scale_choices(question: Question) -> list[tuple[str, str]]:
    """A scale's points as (code, label) pairs; the ends carry their labels."""
    low, high = question.scale_min or 1, question.scale_max or 5
    return [(str(point), scale_label(question, point)) for point in range(low, high + 1)]


def answer_header(questions: Sequence[Question]) -> list[str]:
    """The export's columns of a questionnaire, in order: a choice's label and code, a multiple
    choice one column per option (1 chosen, 0 not, empty when the question was not answered)
    and its その他, a scale's point (its ends' words in the header), a number, a text."""
    header: list[str] = []
    for number, question in enumerate(questions, start=1):
        title = f"問{number} {question.text}"
        if question.type is QuestionType.SINGLE:
            header += [title, f"問{number} コード（{question.key}）"]
        elif question.type is QuestionType.MULTIPLE:
            header += [f"{title}：{option.label}" for option in question.options]
            if question.has_other:
                header.append(f"{title}：その他の内容")
        elif question.type is QuestionType.SCALE:
            header.append(title + scale_ends(question))
        else:
            header.append(title)
    return header


def scale_ends(question: Question) -> str:
    """What a scale's points mean, for its column: （1 使いにくい〜5 使いやすい）."""
    low = f"{question.scale_min} {question.scale_min_label or ''}".strip()
    high = f"{question.scale_max} {question.scale_max_label or ''}".strip()
    return f"（{low}〜{high}）" if question.scale_min is not None else ""


def answer_cells(
    questions: Sequence[Question], answers: Mapping[str, AnswerInput]
) -> list[str | float | None]:
    """One response's cells under answer_header(questions)."""
    cells: list[str | float | None] = []
    for question in questions:
        answer = answers.get(question.key)
        if question.type is QuestionType.SINGLE:
            code = answer.codes[0] if answer and answer.codes else None
            option = question.option_by_code(code) if code else None
            cells += [option.label if option else None, code]
        elif question.type is QuestionType.MULTIPLE:
            chosen = set(answer.codes) if answer else set()
            cells += [
                (1 if option.code in chosen else 0) if answer else None
                for option in question.options
            ]
            if question.has_other:
                cells.append(answer.other_text if answer else None)
        elif question.type in (QuestionType.SCALE, QuestionType.NUMBER):
            number = answer.number if answer else None
            cells.append(int(number) if number is not None and number.is_integer() else number)
        else:
            cells.append(answer.text if answer else None)
    return cells
