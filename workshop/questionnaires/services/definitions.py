"""A questionnaire as plain values: read from the JSON file format, checked, written back.

The same specs serve the CLI (`questions load` / `dump`) and the web builder, which turns the
stored questions into specs, changes one, and applies the whole list with the same rules.

File format::

    {"questions": [
      {"key": "q1", "type": "single", "text": "…", "options": ["…", "…"], "required": true},
      {"key": "q2", "type": "multiple", "text": "…", "options": [...], "other": true},
      {"key": "q3", "type": "scale", "text": "…", "min": 1, "max": 5, "labels": ["不満", "満足"]},
      {"key": "q4", "type": "free_text", "text": "…", "show_if": {"q1": ["…"]}}
    ]}

An option is a label, or {"code": "1", "label": "…", "hidden": true}: `dump` writes codes so
that a file loaded again keeps them. `show_if` names an earlier choice question and its option
codes (or labels). Also: "help" (text), "attribute" (a question about the respondent).
"""

from __future__ import annotations

import math
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
from workshop.text import clean_text

# nothing a reader would see: spaces, and the zero-width characters a copy and paste brings along
BLANK = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]*")
KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")
CODE_PATTERN = re.compile(rf"^[A-Za-z0-9_-]{{1,{OPTION_CODE_MAX_CHARS}}}$")
MAX_QUESTIONS = 100
MAX_OPTIONS = 50
SCALE_MAX_POINTS = 11  # 0-10
HELP_MAX_CHARS = 1000
FILE_FIELDS = frozenset(
    {"key", "type", "text", "help", "required", "attribute", "options", "other"}
    | {"min", "max", "labels", "show_if"}
)
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


def _where(index: int, data: Any) -> str:
    key = data.get("key") if isinstance(data, dict) else None
    return f"{index + 1}問目（{key}）" if isinstance(key, str) and key else f"{index + 1}問目"


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _option(raw: Any, where: str, problems: list[str]) -> OptionSpec | None:
    if isinstance(raw, str):
        return OptionSpec(label=clean_text(raw))
    if isinstance(raw, dict) and isinstance(raw.get("label"), str):
        code = raw.get("code")
        if code is not None and not isinstance(code, str | int):
            problems.append(f"{where}: 選択肢の code は文字列で書いてください。")
            return None
        return OptionSpec(
            label=clean_text(raw["label"]),
            code=str(code) if code is not None else None,
            is_hidden=raw.get("hidden") is True,
        )
    problems.append(f'{where}: 選択肢は文字列か {{"code", "label"}} で書いてください。')
    return None


def _question(index: int, data: Any, problems: list[str]) -> QuestionSpec | None:
    where = _where(index, data)
    if not isinstance(data, dict):
        problems.append(f"{where}: 質問は {{…}} で書いてください。")
        return None
    unknown = sorted(set(data) - FILE_FIELDS)
    if unknown:
        problems.append(f"{where}: 知らない項目があります: {', '.join(unknown)}")
    try:
        kind = QuestionType(str(data.get("type")))
    except ValueError:
        names = ", ".join(t.value for t in QuestionType)
        problems.append(f"{where}: type は {names} のどれかにしてください。")
        return None
    raw_options = data.get("options", [])
    if not isinstance(raw_options, list):
        problems.append(f"{where}: options は [ ] の一覧で書いてください。")
        raw_options = []
    options = [o for raw in raw_options if (o := _option(raw, where, problems)) is not None]
    labels = data.get("labels", ["", ""])
    if not (
        isinstance(labels, list) and len(labels) == 2 and all(isinstance(x, str) for x in labels)
    ):
        problems.append(f'{where}: labels は ["低い側", "高い側"] の2つで書いてください。')
        labels = ["", ""]
    show_if = data.get("show_if")
    show_key: str | None = None
    show_values: tuple[str, ...] = ()
    if show_if is not None:
        if not (
            isinstance(show_if, dict)
            and len(show_if) == 1
            and isinstance(next(iter(show_if.values())), list)
        ):
            problems.append(
                f'{where}: show_if は {{"質問のkey": ["選択肢", …]}} で書いてください。'
            )
        else:
            show_key, values = next(iter(show_if.items()))
            show_values = tuple(str(v) for v in values)
    text, help_text = data.get("text", ""), data.get("help", "")
    minimum, maximum = data.get("min"), data.get("max")
    is_scale = kind is QuestionType.SCALE
    return QuestionSpec(
        key=str(data.get("key", "")),
        type=kind,
        text=clean_text(text) if isinstance(text, str) else "",
        help_text=clean_text(help_text) if isinstance(help_text, str) else "",
        is_required=data.get("required") is True,
        is_attribute=data.get("attribute") is True,
        has_other=data.get("other") is True,
        options=tuple(options),
        scale_min=(1 if minimum is None else _int(minimum, where, problems)) if is_scale else None,
        scale_max=(5 if maximum is None else _int(maximum, where, problems)) if is_scale else None,
        scale_labels=(clean_text(labels[0]), clean_text(labels[1])),
        number_min=_bound(minimum, where, problems) if kind is QuestionType.NUMBER else None,
        number_max=_bound(maximum, where, problems) if kind is QuestionType.NUMBER else None,
        show_if_key=show_key,
        show_if_values=show_values,
    )


def _int(value: Any, where: str, problems: list[str]) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(f"{where}: 尺度の min と max は整数で書いてください。")
        return None
    return value


def _bound(value: Any, where: str, problems: list[str]) -> float | None:
    if value is None:
        return None
    number = _number(value)
    if number is None:
        problems.append(f"{where}: min と max は数で書いてください。")
    return number


def parse_file(data: Any) -> list[QuestionSpec]:
    """The questions of a questionnaire file (already read as JSON), checked; raises
    QuestionnaireInvalid listing every problem."""
    problems: list[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise QuestionnaireInvalid(['ファイルは {"questions": [ … ]} の形で書いてください。'])
    specs = [s for i, raw in enumerate(data["questions"]) if (s := _question(i, raw, problems))]
    if problems:
        raise QuestionnaireInvalid(problems)
    validate_specs(specs)
    return specs


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
    if len(visible) < 2:
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


def spec_to_file(spec: QuestionSpec) -> dict[str, Any]:
    """One question as the file writes it (the inverse of parsing, with codes)."""
    data: dict[str, Any] = {"key": spec.key, "type": spec.type.value, "text": spec.text}
    if spec.help_text:
        data["help"] = spec.help_text
    data["required"] = spec.is_required
    if spec.is_attribute:
        data["attribute"] = True
    if spec.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        data["options"] = [
            {"code": o.code, "label": o.label} | ({"hidden": True} if o.is_hidden else {})
            for o in spec.options
        ]
    if spec.type is QuestionType.MULTIPLE:
        data["other"] = spec.has_other
    if spec.type is QuestionType.SCALE:
        data |= {"min": spec.scale_min, "max": spec.scale_max, "labels": list(spec.scale_labels)}
    if spec.type is QuestionType.NUMBER:
        for name, value in (("min", spec.number_min), ("max", spec.number_max)):
            if value is not None:
                data[name] = int(value) if value.is_integer() else value
    if spec.show_if_key is not None:
        data["show_if"] = {spec.show_if_key: list(spec.show_if_values)}
    return data
