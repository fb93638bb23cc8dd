"""A questionnaire as a JSON file (`questions load` / `questions dump`): read into checked
specs, and written back from them.

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
from typing import Any

from workshop.models import QuestionType
from workshop.questionnaires.errors import QuestionnaireInvalid
from workshop.questionnaires.services.definitions import (
    OptionSpec,
    QuestionSpec,
    validate_specs,
)
from workshop.text import clean_text

FILE_FIELDS = frozenset(
    {"key", "type", "text", "help", "required", "attribute", "options", "other"}
    | {"min", "max", "labels", "show_if"}
)


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
