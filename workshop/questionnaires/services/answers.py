"""A response's answers: read from what was typed, ticked or found in a file's cell, and checked.

The same rules serve the resident's form, staff proxy entry and survey files:

- a choice is given by its option's code, or by its label (a paper form typed in, a file);
- a question whose condition is not met is not asked: its answer is dropped, never stored;
- a required question left empty is refused, except in staff entry and files (a paper form
  comes as it was filled in);
- numbers may be typed with full-width digits (１２０) and a comma (1,200).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from flask_babel import gettext as _
from sqlalchemy import Table

from workshop.models import Answer, Question, QuestionType
from workshop.models.questionnaires import CHOICE_TYPES
from workshop.preferences.language import format_number
from workshop.text import N_, clean_text

SHORT_TEXT_MAX_CHARS = 200
FREE_TEXT_MAX_CHARS = 4000
OTHER_TEXT_MAX_CHARS = 200
OTHER = "other"  # the value of a multiple choice's その他 box
ANSWER_TABLE = cast(Table, Answer.__table__)

# in Japanese here (LINE, files, staff entry); check_answers() gives them in the resident's
# language when a resident's request checks the web form
REQUIRED_MESSAGE = N_("この質問は回答が必要です。")
UNKNOWN_CHOICE_MESSAGE = N_("選択肢から選んでください。")
ONE_CHOICE_MESSAGE = N_("選べるのは1つだけです。")
OTHER_TEXT_MESSAGE = N_("「その他」を選んだときは、内容を入力してください。")
NUMBER_MESSAGE = N_("数字で入力してください（例: 30）。")


@dataclass(frozen=True)
class RawAnswer:
    """One question's answer as it came: the values ticked or typed, and a その他 text."""

    values: tuple[str, ...] = ()
    other_text: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(v.strip() for v in self.values) and not self.other_text.strip()


@dataclass(frozen=True)
class AnswerInput:
    """One question's checked answer: option codes (scale: the point), a number or a text."""

    key: str
    codes: tuple[str, ...] = ()
    other_text: str | None = None
    number: float | None = None
    text: str | None = None

    @property
    def chosen(self) -> set[str]:
        """What a later question's condition is checked against: the codes, and その他."""
        return set(self.codes) | ({OTHER} if self.other_text else set())


@dataclass(frozen=True)
class CheckedAnswers:
    answers: tuple[AnswerInput, ...]
    problems: dict[str, str]  # by question key, in plain Japanese

    def chosen(self) -> dict[str, set[str]]:
        return {a.key: a.chosen for a in self.answers}


def is_shown(question: Question, chosen: Mapping[str, set[str]]) -> bool:
    """Whether the question is asked, given the choices made in earlier questions."""
    condition = question.show_if_question
    if condition is None:
        return True
    return bool(chosen.get(condition.key, set()) & set(question.show_if_codes))


def condition_text(question: Question) -> str | None:
    """A condition in words, as paper forms write it: 「問2で「使っている」と答えた方」."""
    condition = question.show_if_question
    if condition is None:
        return None
    labels = [
        (option.label if option is not None else code)
        for code in question.show_if_codes
        for option in [condition.option_by_code(code)]
    ]
    said = "".join(f"「{label}」" for label in labels)
    return _(
        "問%(number)sで%(said)sと答えた方にお聞きします。",
        number=condition.position + 1,
        said=said,
    )


def _option_code(question: Question, value: str) -> str | None:
    """The visible option a value names: by code, else by label (a paper form, a file)."""
    value = value.strip()
    for option in question.visible_options:
        if option.code == value:
            return option.code
    folded = unicodedata.normalize("NFKC", value)
    for option in question.visible_options:
        if unicodedata.normalize("NFKC", option.label) == folded:
            return option.code
    return None


# ---------------------------------------------------------------- answers from a survey file

# a multiple choice's options in one cell: LINE 「、」, Google Forms ", ", Microsoft Forms ";"
CELL_SEPARATORS = re.compile(r"\s*[、,;，；\n]\s*")
# a cell of a one-column-per-option export that means "chosen"
CHOSEN_MARKS = frozenset({"1", "○", "〇", "◯", "●", "✓", "✔", "true", "yes", "y", "はい"})


def raw_from_cell(question: Question, cell: str) -> RawAnswer:
    """One cell of a survey file as the question's answer. A multiple choice's options may
    be joined by a separator; a label holding a separator is found whole first. A value that
    is none of the options goes to その他 when the question has one (else it stays, and
    check_answers says it is no option)."""
    cell = cell.strip()
    if not cell:
        return RawAnswer()
    if question.type is not QuestionType.MULTIPLE:
        return RawAnswer((cell,))
    found: list[str] = []
    rest = cell
    for option in sorted(question.visible_options, key=lambda o: -len(o.label)):
        if option.label in rest:
            found.append(option.label)
            rest = rest.replace(option.label, "、")
    values = [v for v in CELL_SEPARATORS.split(rest) if v]
    unknown = [v for v in values if _option_code(question, v) is None]
    if question.has_other and unknown:
        known = [v for v in values if v not in unknown]
        return RawAnswer(tuple(found + known + [OTHER]), "、".join(unknown))
    return RawAnswer(tuple(found + values))


def raw_from_option_cells(question: Question, cells: Mapping[str, str]) -> RawAnswer:
    """A multiple choice exported one column per option: {option label or code: cell}."""
    chosen = tuple(
        option
        for option, cell in cells.items()
        if cell.strip().lower() in CHOSEN_MARKS or cell.strip() == option
    )
    return RawAnswer(chosen)


def parse_number(value: str) -> float | None:
    text = unicodedata.normalize("NFKC", value).strip().replace(",", "")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def number_text(value: float) -> str:
    return f"{int(value):,}" if value.is_integer() else f"{value:,}"


def _check_choice(question: Question, raw: RawAnswer) -> tuple[AnswerInput | None, str | None]:
    values = [v for v in raw.values if v.strip()]
    codes: list[str] = []
    other_text: str | None = None
    for value in values:
        if question.type is QuestionType.MULTIPLE and question.has_other and value == OTHER:
            other_text = clean_text(raw.other_text)
            continue
        code = _option_code(question, value)
        if code is None:
            return None, _(UNKNOWN_CHOICE_MESSAGE)
        if code not in codes:
            codes.append(code)
    if question.type is QuestionType.MULTIPLE and question.has_other:
        if raw.other_text.strip() and other_text is None:
            other_text = clean_text(raw.other_text)  # the text alone: その他 is meant
        if other_text == "":
            return None, _(OTHER_TEXT_MESSAGE)
        if other_text is not None and len(other_text) > OTHER_TEXT_MAX_CHARS:
            return None, _(
                "「その他」の内容は%(max)s文字以内で入力してください。", max=OTHER_TEXT_MAX_CHARS
            )
    if question.type is not QuestionType.MULTIPLE and len(codes) > 1:
        return None, _(ONE_CHOICE_MESSAGE)
    if not codes and other_text is None:
        return None, None
    number = float(codes[0]) if question.type is QuestionType.SCALE else None
    return AnswerInput(question.key, tuple(codes), other_text, number=number), None


def _check_number(question: Question, raw: RawAnswer) -> tuple[AnswerInput | None, str | None]:
    text = " ".join(v for v in raw.values if v.strip())
    if not text:
        return None, None
    number = parse_number(text)
    if number is None:
        return None, _(NUMBER_MESSAGE)
    low, high = question.number_min, question.number_max
    if (low is not None and number < low) or (high is not None and number > high):
        return None, number_range_message(low, high)
    return AnswerInput(question.key, number=number), None


def number_range_message(low: float | None, high: float | None) -> str:
    """What to type when a number is out of the question's range, in the page's language."""
    if low is not None and high is not None:
        return _(
            "%(low)sから%(high)sまでの数字で入力してください。",
            low=format_number(low),
            high=format_number(high),
        )
    if low is not None:
        return _("%(low)s以上の数字で入力してください。", low=format_number(low))
    return _("%(high)s以下の数字で入力してください。", high=format_number(high or 0))


def _check_text(question: Question, raw: RawAnswer) -> tuple[AnswerInput | None, str | None]:
    text = clean_text("\n".join(raw.values))
    if not text:
        return None, None
    limit = (
        SHORT_TEXT_MAX_CHARS if question.type is QuestionType.SHORT_TEXT else FREE_TEXT_MAX_CHARS
    )
    if len(text) > limit:
        return None, _(
            "%(max)s文字以内で入力してください（いま%(now)s文字です）。",
            max=format_number(limit),
            now=format_number(len(text)),
        )
    return AnswerInput(question.key, text=text), None


def check_answers(
    questions: Sequence[Question],
    raw: Mapping[str, RawAnswer],
    *,
    enforce_required: bool = True,
    asked: Iterable[str] | None = None,
) -> CheckedAnswers:
    """Check every question's answer, in order, so that conditions see the earlier answers.

    `asked`: the keys the person was shown (a form in steps); a required question not shown
    yet is not refused. None: every question whose condition is met was asked.
    """
    asked_keys = None if asked is None else set(asked)
    answers: list[AnswerInput] = []
    problems: dict[str, str] = {}
    chosen: dict[str, set[str]] = {}
    for question in questions:
        if not is_shown(question, chosen):
            continue
        given = raw.get(question.key, RawAnswer())
        if question.type in CHOICE_TYPES:
            answer, problem = _check_choice(question, given)
        elif question.type is QuestionType.NUMBER:
            answer, problem = _check_number(question, given)
        else:
            answer, problem = _check_text(question, given)
        was_asked = asked_keys is None or question.key in asked_keys
        if problem is None and answer is None and question.is_required and enforce_required:
            problem = _(REQUIRED_MESSAGE) if was_asked else None
        if problem is not None:
            problems[question.key] = problem
        elif answer is not None:
            answers.append(answer)
            chosen[question.key] = answer.chosen
    return CheckedAnswers(tuple(answers), problems)


def pending_questions(
    questions: Sequence[Question], checked: CheckedAnswers, asked: Iterable[str]
) -> list[Question]:
    """Questions whose condition the answers now meet but which were not shown yet: the next
    step of a form without JavaScript."""
    asked_keys = set(asked)
    chosen = checked.chosen()
    return [q for q in questions if q.key not in asked_keys and is_shown(q, chosen)]


def first_step_keys(questions: Sequence[Question]) -> list[str]:
    """The questions shown before anything is answered: those without a condition."""
    return [q.key for q in questions if q.show_if_question_id is None]


# ---------------------------------------------------------------- answers as export columns
