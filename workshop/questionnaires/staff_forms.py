"""Staff forms of the questionnaire builder: one question, and an option added from the list.

The form reads what was typed and turns it into a QuestionSpec; the rules of a question are the
services' (`question_problems`, `lock_problems`), whose messages the route puts by each field.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, StringField, TextAreaField
from wtforms.validators import ValidationError
from wtforms.widgets import TextInput

from workshop.formfields import JaCheckboxField, JaIntegerField, JaSelectField, at_most, required
from workshop.models import Question, QuestionOption, QuestionType
from workshop.models.questionnaires import (
    CHOICE_TYPES,
    OPTION_LABEL_MAX_CHARS,
    QUESTION_KEY_MAX_CHARS,
    QUESTION_TEXT_MAX_CHARS,
    SCALE_LABEL_MAX_CHARS,
)
from workshop.questionnaires.services import (
    OPTION_TYPES,
    TYPE_NAMES,
    OptionSpec,
    QuestionSpec,
    spec_of,
)
from workshop.questionnaires.services.definitions import HELP_MAX_CHARS, MAX_OPTIONS
from workshop.text import clean_text

TYPE_CHOICES = [(kind.value, name) for kind, name in TYPE_NAMES.items()]
NO_CONDITION = ("", "条件なし（いつも表示する）")
OPTIONS_MAX_CHARS = (OPTION_LABEL_MAX_CHARS + 1) * MAX_OPTIONS


class JaNumberField(Field):
    """A number, whole or with decimals; full-width digits are read as typed."""

    widget = TextInput()
    data: float | None

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return f"{self.data:g}" if self.data is not None else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if not valuelist or not str(valuelist[0]).strip():
            return
        text = unicodedata.normalize("NFKC", str(valuelist[0])).strip().replace(",", "")
        try:
            number = float(text)
        except ValueError as error:
            raise ValueError("数字で入力してください（例: 0、100、1.5）。") from error
        if not math.isfinite(number):
            raise ValueError("数字で入力してください（例: 0、100、1.5）。")
        self.data = number


def option_lines(text: str | None) -> tuple[str, ...]:
    return tuple(line.strip() for line in clean_text(text).splitlines() if line.strip())


def option_words(question: Question, option: QuestionOption) -> str:
    """An option as the condition's check box says it: a scale's ends with their words."""
    if question.type is QuestionType.SCALE:
        ends = {
            question.scale_min: question.scale_min_label,
            question.scale_max: question.scale_max_label,
        }
        words = ends.get(int(option.code)) if option.code.isdigit() else None
        return f"{option.label}（{words}）" if words else option.label
    return option.label + ("（非表示）" if option.is_hidden else "")


def condition_value(key: str, code: str) -> str:
    return f"{key}:{code}"


class QuestionForm(FlaskForm):
    type = JaSelectField("質問の種類", choices=TYPE_CHOICES, default=QuestionType.SINGLE.value)
    text = TextAreaField("質問文", validators=[at_most(QUESTION_TEXT_MAX_CHARS, "質問文")])
    help_text = TextAreaField(
        "説明（任意）",
        validators=[at_most(HELP_MAX_CHARS, "説明")],
        description="質問の下に小さく表示します。",
    )
    is_required = BooleanField("回答を必須にする")
    is_attribute = BooleanField(
        "回答した人について聞く質問にする（年代・地区など）",
        description="集計で、ほかの質問を分ける軸として先に表示します。",
    )
    options = TextAreaField(
        "選択肢（1行に1つ）",
        validators=[at_most(OPTIONS_MAX_CHARS, "選択肢")],
        description="非表示の選択肢も含めて書きます。同じ文言の行は、これまでの選択肢として"
        "扱います。文言を変えると新しい選択肢になります。",
    )
    has_other = BooleanField("「その他」と記入欄を付ける（複数選択のとき）")
    # no Optional(): empty is None, and a scale needs both (validate_scale_min/max)
    scale_min = JaIntegerField("いちばん低い値", default=1)
    scale_max = JaIntegerField("いちばん高い値", default=5)
    scale_min_label = StringField(
        "低い側の言葉（例: 不満）",
        validators=[at_most(SCALE_LABEL_MAX_CHARS, "低い側の言葉")],
    )
    scale_max_label = StringField(
        "高い側の言葉（例: 満足）",
        validators=[at_most(SCALE_LABEL_MAX_CHARS, "高い側の言葉")],
    )
    number_min = JaNumberField("いちばん小さい値（任意）")
    number_max = JaNumberField("いちばん大きい値（任意）")
    show_if_key = JaSelectField(
        "条件にする質問",
        choices=[NO_CONDITION],
        default="",
        validate_choice=False,  # a key not offered gets the service's message
        description="前にある選択式の質問の答えによって、この質問を出すかどうかを決めます。",
    )
    show_if_values = JaCheckboxField(
        "この答えを選んだ人にだけ表示する",
        choices=[],
        validate_choice=False,
        description="上で選んだ質問の選択肢から、1つ以上選んでください。",
    )
    key = StringField(
        "key（集計やファイルで使う記号）",
        validators=[at_most(QUESTION_KEY_MAX_CHARS, "key")],
        description="半角英字で始まる英数字・_・-（例: q1、smartphone）。空のままなら q1、q2 … と"
        "付けます。回答が入ったあとは変えられません。",
    )

    def configure(self, earlier: list[Question]) -> QuestionForm:
        """Offer the choice questions before this one (and their options) as conditions."""
        choice = [q for q in earlier if q.type in CHOICE_TYPES]
        self.show_if_key.choices = [NO_CONDITION] + [
            (q.key, f"問{q.position + 1}（{q.key}）{q.text[:40]}") for q in choice
        ]
        self.show_if_values.choices = [
            (condition_value(q.key, o.code), f"問{q.position + 1}: {option_words(q, o)}")
            for q in choice
            for o in q.options
        ]
        return self

    @property
    def kind(self) -> QuestionType:
        """The type the form is about (what was chosen, or single choice)."""
        try:
            return QuestionType(self.type.data)
        except ValueError:
            return QuestionType.SINGLE

    def validate_scale_min(self, field: JaIntegerField) -> None:
        if self.kind is QuestionType.SCALE and field.data is None:
            raise ValidationError("いちばん低い値を入力してください（例: 1）。")

    def validate_scale_max(self, field: JaIntegerField) -> None:
        if self.kind is QuestionType.SCALE and field.data is None:
            raise ValidationError("いちばん高い値を入力してください（例: 5）。")

    def validate_show_if_values(self, field: JaCheckboxField) -> None:
        key = self.show_if_key.data or ""
        chosen = field.data or []
        if not key and chosen:
            raise ValidationError("先に「表示の条件」で質問を選んでください。")
        if any(value.split(":", 1)[0] != key for value in chosen):
            raise ValidationError("「表示の条件」で選んだ質問の答えだけを選んでください。")

    def fill(self, question: Question) -> QuestionForm:
        spec = spec_of(question)
        self.type.data = spec.type.value
        self.key.data = spec.key
        self.text.data = spec.text
        self.help_text.data = spec.help_text
        self.is_required.data = spec.is_required
        self.is_attribute.data = spec.is_attribute
        self.has_other.data = spec.has_other
        self.options.data = "\n".join(o.label for o in spec.options)
        if spec.type is QuestionType.SCALE:
            self.scale_min.data, self.scale_max.data = spec.scale_min, spec.scale_max
            self.scale_min_label.data, self.scale_max_label.data = spec.scale_labels
        self.number_min.data, self.number_max.data = spec.number_min, spec.number_max
        self.show_if_key.data = spec.show_if_key or ""
        self.show_if_values.data = [
            condition_value(spec.show_if_key, code)
            for code in spec.show_if_values
            if spec.show_if_key
        ]
        return self

    def to_spec(self) -> QuestionSpec:
        """What was typed, for this type only (a field of another type is left out)."""
        kind = self.kind
        key = self.show_if_key.data or None
        prefix = f"{key}:"
        return QuestionSpec(
            key=(self.key.data or "").strip(),
            type=kind,
            text=clean_text(self.text.data),
            help_text=clean_text(self.help_text.data),
            is_required=bool(self.is_required.data),
            is_attribute=bool(self.is_attribute.data),
            has_other=bool(self.has_other.data) and kind is QuestionType.MULTIPLE,
            options=tuple(OptionSpec(label) for label in option_lines(self.options.data))
            if kind in OPTION_TYPES
            else (),
            scale_min=self.scale_min.data if kind is QuestionType.SCALE else None,
            scale_max=self.scale_max.data if kind is QuestionType.SCALE else None,
            scale_labels=(
                clean_text(self.scale_min_label.data),
                clean_text(self.scale_max_label.data),
            )
            if kind is QuestionType.SCALE
            else ("", ""),
            number_min=self.number_min.data if kind is QuestionType.NUMBER else None,
            number_max=self.number_max.data if kind is QuestionType.NUMBER else None,
            show_if_key=key,
            show_if_values=tuple(
                value.removeprefix(prefix) for value in self.show_if_values.data or []
            )
            if key
            else (),
        )


class OptionForm(FlaskForm):
    """An option added to a choice question from the list page."""

    label = StringField(
        "追加する選択肢", validators=required("追加する選択肢", OPTION_LABEL_MAX_CHARS)
    )


class NewQuestionForm(FlaskForm):
    """The list page's 「質問を追加」: which type, asked before the question's own form."""

    class Meta:
        csrf = False  # a GET form: it opens the form of a new question

    type = JaSelectField(
        "追加する質問の種類", choices=TYPE_CHOICES, default=QuestionType.SINGLE.value
    )
