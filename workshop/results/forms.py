from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import InputRequired, ValidationError

from workshop.formfields import JaSelectField, required
from workshop.labels import OUTCOME
from workshop.models import Outcome
from workshop.results.services.writing import RESPONSE_MAX_CHARS, SUMMARY_MAX_CHARS, ResponseInput
from workshop.themes.levels import LEVEL_LABELS, Level


class OutcomeField(JaSelectField):
    choice_message = "反映状況は一覧から選んでください。"


class ResponseForm(FlaskForm):
    """One theme's 意見の概要・市の考え方・反映状況; the page holds one per theme (prefix theme-<id>)."""

    summary = TextAreaField(
        "意見の概要",
        validators=required("意見の概要", SUMMARY_MAX_CHARS),
        description="このテーマに寄せられた意見を、要点がわかるようにまとめてください。",
    )
    response = TextAreaField(
        "市の考え方",
        validators=required("市の考え方", RESPONSE_MAX_CHARS),
    )
    outcome = OutcomeField(
        "反映状況",
        choices=[(outcome.value, label) for outcome, label in OUTCOME.items()],
        default=Outcome.NOTED.value,
        validators=[InputRequired("反映状況を選んでください。")],
    )

    def to_input(self) -> ResponseInput:
        return ResponseInput(
            summary=self.summary.data or "",
            response=self.response.data or "",
            outcome=Outcome(self.outcome.data),
        )


class PublishForm(FlaskForm):
    analysis_id = HiddenField(validators=[InputRequired("公表する分析を選んでください。")])

    def analysis_value(self) -> int | None:
        value = (self.analysis_id.data or "").strip()
        return int(value) if value.isdigit() else None


class CarryOverForm(FlaskForm):
    source_id = HiddenField(validators=[InputRequired("引き継ぐもとの分析を選んでください。")])
    target_id = HiddenField(validators=[InputRequired("引き継ぐ先の分析を選んでください。")])

    def ids(self) -> tuple[int, int] | None:
        source, target = (self.source_id.data or "").strip(), (self.target_id.data or "").strip()
        if not (source.isdigit() and target.isdigit()):
            return None
        return int(source), int(target)


class WithdrawForm(FlaskForm):
    pass


class CrossTabForm(FlaskForm):
    """Two choice questions (by key) for a cross tab; the choices are the consultation's."""

    class Meta:
        csrf = False

    row = JaSelectField(
        "行（表の縦に並べる質問）", validators=[InputRequired(message="行の質問を選んでください。")]
    )
    column = JaSelectField(
        "列（表の横に並べる質問）", validators=[InputRequired(message="列の質問を選んでください。")]
    )

    def validate_column(self, field: JaSelectField) -> None:
        if field.data and field.data == self.row.data:
            raise ValidationError("行と列には違う質問を選んでください。")


class ThemesByForm(FlaskForm):
    """A choice question (by key) to split the themes of a free-text by."""

    class Meta:
        csrf = False

    by = JaSelectField(
        "回答で分ける質問", validators=[InputRequired(message="分ける質問を選んでください。")]
    )
    # the comments' text ("") or a free-text question's answers: each has its own themes
    text = JaSelectField("分ける文章のテーマ", default="")
    level = JaSelectField(
        "テーマの段階",
        choices=[(level.value, label) for level, label in LEVEL_LABELS.items()],
        default=Level.LARGE.value,
    )
