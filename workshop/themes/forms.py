from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import (
    InputRequired,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from workshop.formfields import JaRadioField, JaSelectField, at_most, required
from workshop.models import Regrouping
from workshop.themes.stats import ATTRIBUTE_LABELS

REGROUPING_CHOICES = [
    (Regrouping.EXTEND.value, "新しい意見を今のテーマに振り分ける"),
    (Regrouping.FRESH.value, "最初から分け直す"),
]


class AnalyzeForm(FlaskForm):
    # the free-text question whose answers are analysed; empty: the comments' own text
    question = HiddenField(validators=[Optional()])  # an unknown key is a 404
    # shown once there is an analysis; not sent (the first analysis): a fresh one
    regrouping = JaRadioField(
        "分け方",
        choices=REGROUPING_CHOICES,
        validators=[Optional()],
        description=(
            "振り分ける場合、前の分析の意見はテーマも名前もそのままで、新しい意見だけを"
            "近いテーマに入れます。テーマの数と市のテーマは、最初から分け直すときに使います。"
        ),
    )
    k = StringField(
        "テーマの数",
        default="auto",
        validators=[
            Optional(),
            Regexp(
                r"^(auto|[1-9][0-9]?)$", message="テーマの数は auto か 1〜99 の数字にしてください。"
            ),
        ],
        description="auto にすると、意見に合った数を自動で選びます。",
    )
    seed_themes = TextAreaField(
        "市のテーマ（任意・1行に1つ「名前: キーワード、キーワード」）",
        validators=[
            Optional(),
            at_most(5000, "市のテーマ"),
        ],
        description="例: デジタルデバイド対策: スマホ教室、高齢者、相談",
    )

    def k_value(self) -> int | None:
        value = (self.k.data or "auto").strip()
        return None if value == "auto" else int(value)

    def regrouping_value(self) -> Regrouping:
        return Regrouping(self.regrouping.data or Regrouping.FRESH)

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        extending = self.regrouping_value() is Regrouping.EXTEND
        if extending and (self.k_value() is not None or self.seed_theme_list()):
            self.regrouping.errors.append(
                "テーマの数や市のテーマを変えるときは「最初から分け直す」を選んでください。"
            )
            return False
        return True

    def seed_theme_list(self) -> list[tuple[str, tuple[str, ...]]]:
        seeds = []
        for raw in (self.seed_themes.data or "").splitlines():
            name, _, rest = raw.replace("：", ":").partition(":")
            keywords = tuple(
                word.strip()
                for word in rest.replace("、", ",").replace("，", ",").split(",")
                if word.strip()
            )
            if name.strip():
                seeds.append((name.strip(), keywords))
        return seeds


class RenameForm(FlaskForm):
    label = StringField(
        "テーマの名前",
        validators=required("テーマの名前", 200),
        description="再分析しても、同じ意見のまとまりにはこの名前が引き継がれます。",
    )


class ThemeField(JaSelectField):
    """A theme of the analysis on the page, by id; the choices are set by the route."""

    choice_message = "一覧からテーマを選んでください。"

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("一覧からテーマを選んでください。") from error


class MergeForm(FlaskForm):
    source = ThemeField(
        "統合するテーマ（なくなる方）",
        coerce=int,
        validators=[InputRequired(message="統合するテーマを選んでください。")],
    )
    target = ThemeField(
        "統合先のテーマ（残る方）",
        coerce=int,
        validators=[InputRequired(message="統合先のテーマを選んでください。")],
    )

    def validate_target(self, field: ThemeField) -> None:
        if field.data is not None and field.data == self.source.data:
            raise ValidationError("同じテーマどうしは統合できません。別のテーマを選んでください。")


class MoveForm(FlaskForm):
    target = ThemeField(
        "移動先のテーマ",
        coerce=int,
        validators=[InputRequired(message="移動先のテーマを選んでください。")],
    )


class CityThemeForm(FlaskForm):
    is_city_theme = BooleanField("市が示したテーマ（市のテーマ）として扱う")


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes whose own message is in Japanese."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        values = {choice[0] for choice in self.choices or []}
        if any(value not in values for value in self.data or []):
            raise ValidationError("一覧から選んでください。")


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: reading only

    q = StringField(
        "意見の中を言葉で探す",
        validators=[Optional(), at_most(100, "探す言葉")],
        description="スペースで区切ると、すべての言葉を含む意見を探します。",
    )


class BreakdownForm(FlaskForm):
    class Meta:
        csrf = False

    attribute = JaSelectField(
        "集計する属性", choices=list(ATTRIBUTE_LABELS.items()), default="age_group"
    )


class CompareForm(FlaskForm):
    """Two segments as "attribute:value" pairs; B left empty means everyone not in A."""

    class Meta:
        csrf = False

    a = MultiCheckboxField(
        "グループA",
        validators=[InputRequired(message="グループAの条件を1つ以上選んでください。")],
    )
    b = MultiCheckboxField("グループB（選ばなければ、A以外のすべての人）")

    def validate_b(self, field: MultiCheckboxField) -> None:
        if field.data and set(field.data) == set(self.a.data or []):
            raise ValidationError("グループAとグループBに同じ条件が選ばれています。")
