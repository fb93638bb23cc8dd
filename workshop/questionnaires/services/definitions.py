"""A questionnaire as plain values (specs), checked by the rules every way in shares.

The same specs serve the file (questionnaire_file: `questions load` / `dump`) and the web
builder, which turns the stored questions into specs, changes one, and applies the whole list
with the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from workshop.models import QuestionType
from workshop.models.questionnaires import (
    CHOICE_TYPES,
    OPTION_CODE_MAX_CHARS,
    OPTION_LABEL_MAX_CHARS,
    QUESTION_TEXT_MAX_CHARS,
    SCALE_LABEL_MAX_CHARS,
)
from workshop.questionnaires.errors import QuestionnaireInvalid

# nothing a reader would see: spaces, and the zero-width characters a copy and paste brings along
BLANK = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]*")
KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")
CODE_PATTERN = re.compile(rf"^[A-Za-z0-9_-]{{1,{OPTION_CODE_MAX_CHARS}}}$")
MAX_QUESTIONS = 100
MAX_OPTIONS = 50
SCALE_MAX_POINTS = 11  # 0-10
HELP_MAX_CHARS = 1000
OTHER_ONLY_MULTIPLE = "「その他」は複数選択の質問にだけ付けられます。"
TYPE_NAMES = {
    QuestionType.SINGLE: "単一選択",
    QuestionType.MULTIPLE: "複数選択",
    QuestionType.SCALE: "尺度",
    QuestionType.NUMBER: "数値",
    QuestionType.SHORT_TEXT: "短い文章",
    QuestionType.FREE_TEXT: "自由記述",
}


class Problem(str):
    """A message that also names the builder's form field it is about ("" for the question).

    A str, so that files, the CLI and QuestionnaireInvalid read it as the message it is."""

    field: str

    def __new__(cls, message: str, field: str = "") -> Problem:
        problem = super().__new__(cls, message)
        problem.field = field
        return problem


@dataclass(frozen=True)
class OptionSpec:
    label: str
    code: str | None = None  # None: a new option, or the stored one with the same label
    is_hidden: bool = False


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    type: QuestionType
    text: str
    help_text: str = ""
    is_required: bool = False
    is_attribute: bool = False
    # one of the questions about the respondent (年代, 地区, 関係): a city may list fewer than
    # two districts, or none (the question is then not asked)
    about_respondent: bool = False
    has_other: bool = False
    options: tuple[OptionSpec, ...] = ()
    scale_min: int | None = None
    scale_max: int | None = None
    scale_labels: tuple[str, str] = ("", "")
    number_min: float | None = None
    number_max: float | None = None
    # the key of an earlier choice question and the codes (or labels) that show this one
    show_if_key: str | None = None
    show_if_values: tuple[str, ...] = field(default=())


def is_blank(text: str) -> bool:
    return BLANK.fullmatch(text) is not None


def scale_points(spec: QuestionSpec) -> list[int]:
    if spec.scale_min is None or spec.scale_max is None:
        return []
    return list(range(spec.scale_min, spec.scale_max + 1))


def question_problems(spec: QuestionSpec, earlier: Mapping[str, QuestionSpec]) -> list[Problem]:
    """What is wrong with one question, given the questions before it (by key)."""
    problems: list[Problem] = []
    if not KEY_PATTERN.match(spec.key):
        problems.append(
            Problem("key は英字で始まる40文字以内の英数字・_・- にしてください（例: q1）。", "key")
        )
    if is_blank(spec.text):
        problems.append(Problem("質問文を入力してください。", "text"))
    elif len(spec.text) > QUESTION_TEXT_MAX_CHARS:
        problems.append(
            Problem(f"質問文は{QUESTION_TEXT_MAX_CHARS}文字以内にしてください。", "text")
        )
    if len(spec.help_text) > HELP_MAX_CHARS:
        problems.append(Problem(f"説明は{HELP_MAX_CHARS}文字以内にしてください。", "help_text"))
    problems += _option_problems(spec)
    if spec.type is QuestionType.SCALE:
        problems += _scale_problems(spec)
    if (
        spec.type is QuestionType.NUMBER
        and spec.number_min is not None
        and spec.number_max is not None
        and spec.number_min > spec.number_max
    ):
        problems.append(Problem("数値の最小値が最大値より大きくなっています。", "number_min"))
    if spec.show_if_key is not None:
        problems += _condition_problems(spec, earlier)
    return problems


def _option_problems(spec: QuestionSpec) -> list[Problem]:
    if spec.type not in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        if spec.options and spec.type is QuestionType.SCALE:
            return [
                Problem(
                    "尺度の質問には options を書かず、min と max を指定してください。", "options"
                )
            ]
        if spec.options:
            return [Problem(f"{TYPE_NAMES[spec.type]}の質問に選択肢は付けられません。", "options")]
        return [Problem(OTHER_ONLY_MULTIPLE, "has_other")] if spec.has_other else []
    problems: list[Problem] = []
    if spec.has_other and spec.type is not QuestionType.MULTIPLE:
        problems.append(Problem(OTHER_ONLY_MULTIPLE, "has_other"))
    visible = [o for o in spec.options if not o.is_hidden]
    if len(visible) < 2 and not spec.about_respondent:
        problems.append(Problem("選択肢を2つ以上入力してください。", "options"))
    if len(spec.options) > MAX_OPTIONS:
        problems.append(Problem(f"選択肢は{MAX_OPTIONS}個までです。", "options"))
    labels = [o.label for o in spec.options]
    if any(is_blank(label) for label in labels):
        problems.append(Problem("空の選択肢があります。", "options"))
    if any(len(label) > OPTION_LABEL_MAX_CHARS for label in labels):
        problems.append(
            Problem(f"選択肢は{OPTION_LABEL_MAX_CHARS}文字以内にしてください。", "options")
        )
    if duplicated := _duplicates(label for label in labels if label):
        problems.append(Problem(f"同じ選択肢が2回あります: {'、'.join(duplicated)}", "options"))
    codes = [o.code for o in spec.options if o.code is not None]
    if any(not CODE_PATTERN.match(code) for code in codes):
        problems.append(
            Problem("選択肢の code は40文字以内の英数字・_・- にしてください。", "options")
        )
    if duplicated := _duplicates(codes):
        problems.append(
            Problem(f"同じ code の選択肢が2つあります: {', '.join(duplicated)}", "options")
        )
    return problems


def _scale_problems(spec: QuestionSpec) -> list[Problem]:
    if spec.scale_min is None or spec.scale_max is None:
        return []  # already said: not integers
    points = spec.scale_max - spec.scale_min + 1
    problems: list[Problem] = []
    if not 2 <= points <= SCALE_MAX_POINTS:
        problems.append(
            Problem(
                f"尺度は2段階から{SCALE_MAX_POINTS}段階までにしてください（min < max）。",
                "scale_min",
            )
        )
    if spec.scale_min < 0:
        problems.append(Problem("尺度の min は0以上にしてください。", "scale_min"))
    if any(len(label) > SCALE_LABEL_MAX_CHARS for label in spec.scale_labels):
        problems.append(
            Problem(
                f"尺度の両端の言葉は{SCALE_LABEL_MAX_CHARS}文字以内にしてください。",
                "scale_min_label",
            )
        )
    return problems


def _condition_problems(spec: QuestionSpec, earlier: Mapping[str, QuestionSpec]) -> list[Problem]:
    target = earlier.get(spec.show_if_key or "")
    if target is None:
        return [
            Problem(
                f"表示の条件の「{spec.show_if_key}」は、この質問より前にある質問の key にしてください。",
                "show_if_key",
            )
        ]
    if target.type not in CHOICE_TYPES:
        return [
            Problem(
                "表示の条件にできるのは、選択肢のある質問（単一・複数選択、尺度）だけです。",
                "show_if_key",
            )
        ]
    if not spec.show_if_values:
        return [Problem("表示の条件の選択肢を1つ以上指定してください。", "show_if_values")]
    unknown = [v for v in spec.show_if_values if resolve_code(target, v) is None]
    if unknown:
        return [
            Problem(
                f"表示の条件に、「{target.key}」にない選択肢があります: {'、'.join(unknown)}",
                "show_if_values",
            )
        ]
    return []


def option_codes(spec: QuestionSpec) -> list[str | None]:
    """The codes a choice question's options have in the spec (scale: the points)."""
    if spec.type is QuestionType.SCALE:
        return [str(point) for point in scale_points(spec)]
    return [o.code for o in spec.options]


def resolve_code(target: QuestionSpec, value: str) -> str | None:
    """The option a condition names, by code first, then by label (a hand-written file)."""
    if value in option_codes(target):
        return value
    for option in target.options:
        if option.label == value:
            return option.code or option.label
    return None


def _duplicates(values: Any) -> list[str]:
    seen: set[str] = set()
    twice: list[str] = []
    for value in values:
        if value in seen and value not in twice:
            twice.append(value)
        seen.add(value)
    return twice


def validate_specs(specs: Sequence[QuestionSpec]) -> None:
    """Raise QuestionnaireInvalid with every problem of the list, each naming its question."""
    problems: list[str] = []
    if len(specs) > MAX_QUESTIONS:
        problems.append(f"質問は{MAX_QUESTIONS}問までです。")
    earlier: dict[str, QuestionSpec] = {}
    for index, spec in enumerate(specs):
        where = f"{index + 1}問目（{spec.key}）" if spec.key else f"{index + 1}問目"
        if spec.key in earlier:
            problems.append(f"{where}: key「{spec.key}」が2回使われています。")
        problems += [f"{where}: {p}" for p in question_problems(spec, earlier)]
        earlier.setdefault(spec.key, spec)
    if problems:
        raise QuestionnaireInvalid(problems)
