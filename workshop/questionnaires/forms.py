"""A questionnaire's questions as form fields, added to a comment form (resident or staff).

Each question becomes one field named ``q_<key>`` (a multiple choice's その他 text:
``q_<key>_other``). The fields only carry what was ticked or typed: the rules are the
service's (`check_answers`), whose messages the form puts by each field. The fields are made
for each request, so their words are in the resident's language; the questions and options
stay as the city wrote them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import gettext as _
from wtforms import StringField, TextAreaField
from wtforms.fields.core import UnboundField

from workshop.formfields import JaCheckboxField, JaRadioField
from workshop.models import Question, QuestionType
from workshop.preferences.language import format_number
from workshop.questionnaires.services.answer_words import scale_choices
from workshop.questionnaires.services.answers import (
    FREE_TEXT_MAX_CHARS,
    OTHER,
    OTHER_TEXT_MAX_CHARS,
    SHORT_TEXT_MAX_CHARS,
    RawAnswer,
    condition_text,
    number_range_message,
)


def field_name(question: Question) -> str:
    return f"q_{question.key}"


def other_name(question: Question) -> str:
    return f"q_{question.key}_other"


def question_label(question: Question, number: int) -> str:
    if question.is_required:
        return _("問%(number)s　%(question)s（必須）", number=number, question=question.text)
    return _("問%(number)s　%(question)s（任意）", number=number, question=question.text)


def question_hint(question: Question) -> str:
    parts = [condition_text(question) or "", question.help_text]
    if question.type is QuestionType.MULTIPLE and not question.help_text:
        parts.append(_("あてはまるものをすべて選んでください。"))
    if question.type is QuestionType.NUMBER:
        parts.append(_number_hint(question))
    return " ".join(p for p in parts if p)


def _number_hint(question: Question) -> str:
    low, high = question.number_min, question.number_max
    if low is None and high is None:
        return _("数字で入力してください。")
    return number_range_message(low, high)


def _field(question: Question, number: int) -> UnboundField[Any]:
    label, hint = question_label(question, number), question_hint(question)
    if question.type is QuestionType.SINGLE:
        choices = [(o.code, o.label) for o in question.visible_options]
        return JaRadioField(label, choices=choices, description=hint, validate_choice=False)
    if question.type is QuestionType.SCALE:
        return JaRadioField(
            label, choices=scale_choices(question), description=hint, validate_choice=False
        )
    if question.type is QuestionType.MULTIPLE:
        choices = [(o.code, o.label) for o in question.visible_options]
        if question.has_other:
            choices.append((OTHER, _("その他")))
        return JaCheckboxField(label, choices=choices, description=hint, validate_choice=False)
    if question.type is QuestionType.NUMBER:
        return StringField(label, description=hint)
    if question.type is QuestionType.SHORT_TEXT:
        limit = _("%(max)s文字まで入力できます。", max=SHORT_TEXT_MAX_CHARS)
        return StringField(label, description=f"{hint} {limit}".strip())
    limit = _("%(max)s文字まで入力できます。", max=format_number(FREE_TEXT_MAX_CHARS))
    return TextAreaField(label, description=f"{hint} {limit}".strip())


def question_fields(questions: Sequence[Question]) -> dict[str, UnboundField[Any]]:
    """The fields of the questions, in order, to add to a form class."""
    fields: dict[str, UnboundField[Any]] = {}
    for number, question in enumerate(questions, start=1):
        fields[field_name(question)] = _field(question, number)
        if question.type is QuestionType.MULTIPLE and question.has_other:
            fields[other_name(question)] = StringField(
                _("問%(number)sの「その他」の内容", number=number),
                description=_(
                    "「その他」を選んだときに書いてください（%(max)s文字まで）。",
                    max=OTHER_TEXT_MAX_CHARS,
                ),
            )
    return fields


def raw_answers(form: Any, questions: Sequence[Question]) -> dict[str, RawAnswer]:
    """What the form's fields hold, question by question."""
    raw: dict[str, RawAnswer] = {}
    for question in questions:
        data = form[field_name(question)].data
        values = tuple(data) if isinstance(data, list) else ((data,) if data else ())
        other = form[other_name(question)].data if other_name(question) in form else ""
        raw[question.key] = RawAnswer(tuple(str(v) for v in values), other or "")
    return raw


def put_problems(form: Any, questions: Sequence[Question], problems: Mapping[str, str]) -> None:
    """The service's messages by each question's field."""
    for question in questions:
        if question.key in problems:
            field = form[field_name(question)]
            field.errors = [*field.errors, problems[question.key]]


def answer_fields(questions: Sequence[Question]) -> list[str]:
    """The names of every question's fields, for a confirmation page's hidden copy."""
    names: list[str] = []
    for question in questions:
        names.append(field_name(question))
        if question.type is QuestionType.MULTIPLE and question.has_other:
            names.append(other_name(question))
    return names
